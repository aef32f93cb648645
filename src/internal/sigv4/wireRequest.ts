/**
 * The input of the public SigV4 functions, checked and resolved: a request as
 * it travels on the wire (method, target, header lines, body) and the signing
 * options, turned into what the signing steps take. Those functions are
 * public and pure, so nothing here trusts its input: a shape that is wrong, a
 * target no client sends, or text that would inject a header line is a
 * `SigningError` before anything is signed.
 *
 * @internal
 */
import type { SignOptions, WireRequest } from "../../SigV4.js"
import { SigningError } from "../../SigningError.js"
import { isUint8Array } from "../brand.js"
import type { SigningCredentials } from "../credentials.js"
import { toSigningCredentials } from "../effect/credentials.js"
import { validateScopePart } from "../endpoint.js"
import { describe } from "../request/describe.js"
import { isHttpToken } from "../request/headers.js"
import { displayUrl, shorten } from "../scrub.js"
import { flagOption, textOption } from "../settings.js"
import { canonicalHeaderEntries } from "./canonicalHeaders.js"
import { canonicalPath } from "./canonicalPath.js"
import type { SigningSettings } from "./headerSigning.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "./payloadHash.js"
import { addsContentSha256, canonicalPathOptionsFor } from "./serviceRules.js"
import { isSignatureHeader } from "./signatureHeaders.js"

/** A wire or received request whose shape or text cannot be signed or verified as given. */
export const invalid = (message: string): SigningError => new SigningError({ reason: "InvalidRequest", field: "headers", message })

/** Checks the shape of a wire request: the pure functions are public, so their input is not trusted. */
const checkWireRequest = (request: unknown): WireRequest => {
  if (typeof request !== "object" || request === null) {
    throw invalid("A wire request is { method, target, headers: [[name, value], ...], body? }.")
  }
  const { method, target, headers, body } = request as Record<string, unknown>
  if (typeof method !== "string" || method === "") throw invalid("The wire request's method must be a string such as \"GET\".")
  if (typeof target !== "string") throw invalid("The wire request's target must be the path as sent (optionally with ?query).")
  if (!Array.isArray(headers) || !headers.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === "string"))) {
    throw invalid("The wire request's headers must be a list of [name, value] string pairs.")
  }
  if (!headers.some(([name]) => (name as string).toLowerCase() === "host")) {
    throw invalid("The request has no Host header; SigV4 always signs the host. Add the host the request is sent to.")
  }
  if (body !== undefined && typeof body !== "string" && !isUint8Array(body)) {
    throw invalid("The wire request's body must be a string or a Uint8Array.")
  }
  checkWireText(method, target, headers as ReadonlyArray<readonly [string, string]>)
  return request as WireRequest
}

/**
 * The target a client sends: a path from the root, and a query. Anything else
 * (`pets`, a whole URL, a `#fragment`, which clients never send, or `*`)
 * would be signed as a path no request carries: a 403 that names no cause.
 */
const checkTargetForm = (target: string): void => {
  if (target.charCodeAt(0) === 0x2f && !target.includes("#")) return
  const wrong = (message: string) => new SigningError({ reason: "InvalidRequest", field: "path", message })
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw wrong(`The wire request's target is a whole URL (${JSON.stringify(displayUrl(target, 60))}); pass its path and query alone, e.g. url.pathname + url.search.`)
  }
  if (!target.startsWith("/")) throw wrong(`The wire request's target must start with "/" (the path from the root, e.g. "/prod/pets"); got ${describe(target)}.`)
  if (target.includes("#")) throw wrong("The wire request's target has a #fragment, which clients never send; remove it (a # in a path or value is sent as %23).")
}

// A line break anywhere but in an obsolete line fold (CRLF or LF, then a space or tab), or a NUL.
const INJECTION = /\r(?!\n[ \t])|\n(?![ \t])|\0/

/**
 * Refuses what would make the signed text differ from what travels: a method
 * or header name that is not an HTTP token (a `:` or a line break in a name
 * forges canonical lines), a line break in the target, and a header value
 * with a NUL or a line break that is not an obsolete line fold (the one
 * multi-line form HTTP/1.1 had, which SigV4 canonicalizes and the AWS test
 * suite covers): anything else would inject headers.
 */
const checkWireText = (method: string, target: string, headers: ReadonlyArray<readonly [string, string]>): void => {
  if (!isHttpToken(method)) throw invalid(`The method ${JSON.stringify(shorten(method, 20))} is not an HTTP token; use e.g. "GET" or "POST".`)
  if (/[\r\n\0]/.test(target)) throw invalid("The wire request's target contains a line break or NUL; encode it (%0A, %0D, %00).")
  checkTargetForm(target)
  for (const [name, value] of headers) {
    if (!isHttpToken(name)) {
      throw invalid(`The header name ${JSON.stringify(shorten(name, 40))} is not an HTTP token (letters, digits and !#$%&'*+-.^_\`|~ only).`)
    }
    if (INJECTION.test(value)) {
      throw invalid(`Header ${JSON.stringify(name)} contains a NUL or a line break, which could inject headers; remove it.`)
    }
  }
}

// A lower-case hex SHA-256, or a keyword such as UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD (every
// keyword has a hyphen, so an upper-case hex SHA-256, which servers never match, is not taken for one).
const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)$/

const checkPayloadHash = (payloadHash: unknown): string => {
  if (typeof payloadHash !== "string" || !PAYLOAD_HASH.test(payloadHash)) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: "payloadHash must be the payload's lower-case hex SHA-256, or a keyword such as UNSIGNED-PAYLOAD."
    })
  }
  return payloadHash
}

const splitTarget = (target: string): readonly [path: string, query: string] => {
  const mark = target.indexOf("?")
  return mark === -1 ? [target, ""] : [target.slice(0, mark), target.slice(mark + 1)]
}

/** A wire request to sign, checked, with what both signing forms (header and query) start from. */
export interface ResolvedWireRequest {
  readonly request: WireRequest
  readonly credentials: SigningCredentials
  readonly settings: SigningSettings
  readonly signingTime: number
  readonly path: string
  readonly query: string
  readonly canonicalPath: string
  readonly canonicalHeaders: ReturnType<typeof canonicalHeaderEntries>
  readonly payloadHash: string
}

/** What both signing forms need, checked: the request, the credentials, the scope, the canonical path and headers. */
export const resolveWireRequest = (input: unknown, options: SignOptions): ResolvedWireRequest => {
  const request = checkWireRequest(input)
  if (typeof options !== "object" || options === null) {
    throw new SigningError({ reason: "InvalidConfig", message: "Signing options must be { credentials, region, signingTime, ... }." })
  }
  const credentials = toSigningCredentials(options.credentials)
  if (credentials instanceof SigningError) throw credentials
  const service = validateScopePart("service", textOption("service", options.service, "execute-api") ?? "execute-api")
  const region = validateScopePart("region", textOption("region", options.region, "us-east-1") ?? "")
  const signingTime = options.signingTime instanceof Date ? options.signingTime.getTime() : options.signingTime
  if (typeof signingTime !== "number") {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `signingTime must be epoch milliseconds or a Date; got ${describe(options.signingTime)}.`
    })
  }
  const [path, query] = splitTarget(request.target)
  return {
    request,
    credentials,
    settings: {
      region,
      service,
      signSessionToken: flagOption("signSessionToken", options.signSessionToken, true),
      contentSha256Header: flagOption("contentSha256Header", options.contentSha256Header, addsContentSha256(service))
    },
    signingTime,
    path,
    query,
    canonicalPath: canonicalPath(path, {
      normalize: flagOption("normalizePath", options.normalizePath, canonicalPathOptionsFor(service).normalize),
      doubleEncode: flagOption("doubleEncodePath", options.doubleEncodePath, canonicalPathOptionsFor(service).doubleEncode)
    }),
    // Headers the signer writes are replaced, so a request's old signature never counts.
    canonicalHeaders: canonicalHeaderEntries(request.headers.filter(([name]) => !isSignatureHeader(name.toLowerCase()))),
    payloadHash: options.payloadHash === undefined
      ? (request.body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body))
      : checkPayloadHash(options.payloadHash)
  }
}

