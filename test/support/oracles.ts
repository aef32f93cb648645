/**
 * Independent oracles: @smithy/signature-v4 (the AWS SDK for JavaScript v3
 * signer) and aws4, fed the request exactly as it goes on the wire.
 */
import { Hash } from "@smithy/hash-node"
import { HttpRequest } from "@smithy/protocol-http"
import { SignatureV4 } from "@smithy/signature-v4"
import type { SignedBody, SignedRequest } from "api-gateway-request-signer"

export interface PlainCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

export interface WireView {
  readonly method: string
  readonly hostname: string
  readonly port?: number
  /** Wire path, percent-encoded. */
  readonly path: string
  /** Decoded query values; arrays for repeated keys. */
  readonly query: Record<string, string | Array<string>>
  /** Headers to sign, host included; unique names. */
  readonly headers: Record<string, string>
  readonly body?: Uint8Array | string | undefined
}

/**
 * The AWS SDK's signer, showing its work: it records the canonical request and
 * string to sign that its own `sign` computes (protected steps of SignatureV4).
 */
class ShowingSignatureV4 extends SignatureV4 {
  canonicalRequest = ""
  stringToSign = ""
  protected override createCanonicalRequest(...args: Parameters<SignatureV4["createCanonicalRequest"]>): string {
    return (this.canonicalRequest = super.createCanonicalRequest(...args))
  }
  protected override async createStringToSign(...args: Parameters<SignatureV4["createStringToSign"]>): Promise<string> {
    return (this.stringToSign = await super.createStringToSign(...args))
  }
}

export interface SmithySigned {
  readonly authorization: string
  readonly canonicalRequest: string
  readonly stringToSign: string
}

/** Signs a wire request with @smithy/signature-v4, as a server (API Gateway) computes it for a request it receives. */
export const smithySign = async (
  wire: WireView,
  credentials: PlainCredentials,
  options: { readonly region: string; readonly service: string; readonly signingDate: Date }
): Promise<SmithySigned> => {
  const signer = new ShowingSignatureV4({
    credentials,
    region: options.region,
    service: options.service,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: wire.method,
      protocol: "https:",
      hostname: wire.hostname,
      ...(wire.port === undefined ? {} : { port: wire.port }),
      path: wire.path,
      query: wire.query,
      headers: wire.headers,
      body: wire.body
    }),
    { signingDate: options.signingDate }
  )
  return { authorization: signed.headers["authorization"]!, canonicalRequest: signer.canonicalRequest, stringToSign: signer.stringToSign }
}

export const smithyAuthorization = async (
  wire: WireView,
  credentials: PlainCredentials,
  options: { readonly region: string; readonly service: string; readonly signingDate: Date }
): Promise<string> => (await smithySign(wire, credentials, options)).authorization

/**
 * The bytes a URI component (a path segment, a query key or value) stands
 * for: `%XX` escapes decoded, a `%` that starts no escape taken literally,
 * other characters as UTF-8.
 */
export const decodedBytes = (component: string): Buffer => {
  const bytes: Array<number> = []
  for (let i = 0; i < component.length;) {
    if (/^%[0-9A-Fa-f]{2}$/.test(component.slice(i, i + 3))) {
      bytes.push(Number.parseInt(component.slice(i + 1, i + 3), 16))
      i += 3
    } else {
      const char = String.fromCodePoint(component.codePointAt(i)!)
      bytes.push(...Buffer.from(char, "utf8"))
      i += char.length
    }
  }
  return Buffer.from(bytes)
}

/**
 * A raw query string as a server reads it: `&`-separated pieces (empty ones
 * carry nothing), `k` alone an empty value, `%XX` escapes decoded, a `%` that
 * starts no escape and `+` taken literally. Each decoded byte becomes the
 * character of that code (Latin-1), so any bytes, even invalid UTF-8, keep
 * their identity: two queries decode equal exactly when their bytes are equal.
 * (Fed to a signer, such text is encoded differently from the UTF-8 original;
 * use it to compare requests, not to reproduce a signature.)
 */
export const queryAsBytes = (rawQuery: string): Record<string, string | Array<string>> => {
  const query: Record<string, string | Array<string>> = {}
  for (const piece of rawQuery.split("&")) {
    if (piece === "") continue
    const equals = piece.indexOf("=")
    const [key, value] = [equals === -1 ? piece : piece.slice(0, equals), equals === -1 ? "" : piece.slice(equals + 1)].map(
      (component) => decodedBytes(component).toString("latin1")
    ) as [string, string]
    const existing = query[key]
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}

/** The bytes a client sends for a signed body. */
export const bodyBytes = (body: SignedBody | undefined): Uint8Array | undefined => {
  if (body === undefined) return undefined
  if (typeof body === "string") return Buffer.from(body, "utf8")
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), "utf8")
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  return body
}

/** x-amz-date to a Date. */
export const dateOf = (amzDate: string): Date =>
  new Date(Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15))
  ))

const SIGNER_WRITTEN = new Set(["authorization", "x-amz-date", "x-amz-security-token"])

/** How a signed request looks on the wire, read back from its URL (as a client parses it) and headers. */
export const wireViewOf = (signed: SignedRequest): WireView => {
  const url = new URL(signed.url)
  const query: Record<string, string | Array<string>> = {}
  for (const [key, value] of url.searchParams) {
    const existing = query[key]
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed.headers)) {
    if (!SIGNER_WRITTEN.has(name.toLowerCase())) headers[name.toLowerCase()] = value
  }
  headers["host"] ??= url.host
  return {
    method: signed.method,
    hostname: url.hostname,
    path: url.pathname,
    query,
    headers,
    body: bodyBytes(signed.body)
  }
}
