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

export const smithyAuthorization = async (
  wire: WireView,
  credentials: PlainCredentials,
  options: { readonly region: string; readonly service: string; readonly signingDate: Date }
): Promise<string> => {
  const signer = new SignatureV4({
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
  return signed.headers["authorization"]!
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
