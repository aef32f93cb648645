/**
 * AWS Signature Version 4 as pure functions: no Effect runtime, no clock, no
 * I/O. They take a request as it travels on the wire (the path of the request
 * line, its headers, its body) and return what to add to it, through the same
 * signing step as the facade and the Effect API. Secrets may be strings or
 * Effect `Redacted` values; reading the latter is all this module loads of
 * Effect (`effect/Redacted`).
 *
 * Reading order, one request from input to `Authorization` (files under
 * `internal/sigv4/`):
 * 1. canonical request: method, canonical path (`canonicalPath`), canonical
 *    query (`canonicalQuery`), canonical headers (`canonicalHeaders`), signed
 *    headers, payload hash (`payloadHash`);
 * 2. string to sign: algorithm, date (`amzDate`), credential scope, SHA-256 of 1;
 * 3. signing key (`signingKey`, cached);
 * 4. signature = HMAC(key, 2) (`signature`), and the headers to add
 *    (`headerSigning`), or the query parameters (`presign`).
 *
 * @since 3.0.0
 * @module
 */
import { isUint8Array } from "./internal/brand.js"
import type { CredentialsInput } from "./Credentials.js"
import { type SigningCredentials } from "./internal/credentials.js"
import { secretTexts, toCredentialLookup, toSigningCredentials } from "./internal/effect/credentials.js"
import { validateScopePart } from "./internal/endpoint.js"
import { text } from "./internal/diagnosis/arguments.js"
import { cleanSigningError, safely } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { isHttpToken } from "./internal/request/headers.js"
import { displayUrl, shorten } from "./internal/scrub.js"
import { canonicalHeaderEntries } from "./internal/sigv4/canonicalHeaders.js"
import { canonicalPath } from "./internal/sigv4/canonicalPath.js"
import { flagOption, textOption } from "./internal/settings.js"
import { addsContentSha256, canonicalPathOptionsFor } from "./internal/sigv4/serviceRules.js"
import { formatCanonicalQuery, parseQueryString } from "./internal/sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "./internal/sigv4/payloadHash.js"
import { presignCanonical } from "./internal/sigv4/presign.js"
import { addSignatureHeaders, isSignatureHeader } from "./internal/sigv4/signatureHeaders.js"
import { signCanonical, type SigningSettings } from "./internal/sigv4/headerSigning.js"
import { signatureMismatchMessage as mismatchMessage, verify as verifyCore } from "./internal/sigv4/verify.js"
import { redactFailure } from "./internal/sigv4/verifyRedaction.js"
import { SigningError } from "./SigningError.js"

/**
 * A request as it travels on the wire.
 *
 * @since 3.0.0
 * @category models
 */
export interface WireRequest {
  readonly method: string
  /** The request target: the path as sent (percent-encoded, from the root "/"), optionally with `?query`; no `#fragment`. */
  readonly target: string
  /** Header lines in order; a name may repeat. Must include `host`. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  /** The exact bytes sent; a string is sent as UTF-8. */
  readonly body?: string | Uint8Array | undefined
}

/**
 * How to sign.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignOptions {
  /** Secrets as strings or `Redacted` (an `AwsCredentials` from the `Credentials` service fits). */
  readonly credentials: CredentialsInput
  readonly region: string
  /** Default `execute-api`. */
  readonly service?: string | undefined
  /** Epoch milliseconds or a Date. */
  readonly signingTime: number | Date
  /** Remove dot segments and collapse `//` in the canonical path. Default true (false only for S3). */
  readonly normalizePath?: boolean | undefined
  /** Encode the wire path once more in the canonical path. Default true (false only for S3). */
  readonly doubleEncodePath?: boolean | undefined
  /** Add and sign `x-amz-content-sha256`. Default false (API Gateway does not need it). */
  readonly contentSha256Header?: boolean | undefined
  /** Sign the session token (default), or add it after signing as the legacy STS flow did. */
  readonly signSessionToken?: boolean | undefined
  /** A precomputed payload hash (hex SHA-256 or `UNSIGNED-PAYLOAD`); the body is not hashed then. */
  readonly payloadHash?: string | undefined
}

/**
 * The result of header signing: the headers to add, and what they were computed from.
 *
 * @since 3.0.0
 * @category models
 */
export interface HeaderSignature extends SignatureParts {
  /**
   * Headers to add to the request, lower-case, in this order: x-amz-content-sha256
   * (when added), x-amz-date, x-amz-security-token (with a session token), authorization.
   */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  readonly authorization: string
  readonly amzDate: string
  readonly signedHeaders: string
  readonly payloadHash: string
}

/**
 * Options of query signing (presigned URLs).
 *
 * @since 3.0.0
 * @category models
 */
export interface PresignOptions extends SignOptions {
  /** Seconds the URL stays valid, 1 to 604800 (7 days). */
  readonly expiresIn: number
}

/**
 * The result of query signing.
 *
 * @since 3.0.0
 * @category models
 */
export interface QuerySignature extends SignatureParts {
  /** The request target to send: path and the canonical query with every `X-Amz-*` parameter. */
  readonly target: string
  readonly amzDate: string
  readonly signedHeaders: string
}

const invalid = (message: string): SigningError => new SigningError({ reason: "InvalidRequest", field: "headers", message })

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

/**
 * The body of a public function, with every failure a SigningError: runs `f`,
 * and what it throws is a SigningError, without the secrets this call was
 * given (`secrets`). A hostile input (a getter or Proxy trap that throws) must
 * not escape as a TypeError, nor as whatever it threw.
 */
const guarded = <A>(f: () => A, secrets: Iterable<string> = []): A => {
  try {
    return f()
  } catch (error) {
    throw cleanSigningError(error, secrets)
  }
}

const receivedHeadersShape = "a list of [name, value] string pairs (Node's rawHeaders, paired) or an object of string or string-array values"

/** Checks the shape of a received request, as `checkWireRequest` does for one to sign. */
const checkReceivedRequest = (request: unknown): ReceivedRequest => {
  if (typeof request !== "object" || request === null) {
    throw invalid(`A received request is { method, target, headers, body? }; got ${describe(request)}.`)
  }
  const { method, target, headers, body } = request as Record<string, unknown>
  if (typeof method !== "string" || method === "") throw invalid(`The received request's method must be a string such as "GET"; got ${describe(method)}.`)
  if (typeof target !== "string") {
    throw invalid(`The received request's target must be the path and query as received (Node's req.url); got ${describe(target)}.`)
  }
  if (Array.isArray(headers)) {
    if (!headers.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === "string"))) {
      throw invalid(`The received request's headers must be ${receivedHeadersShape}.`)
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const value of Object.values(headers)) {
      if (value !== undefined && typeof value !== "string" && !(Array.isArray(value) && value.every((item) => typeof item === "string"))) {
        throw invalid(`The received request's headers must be ${receivedHeadersShape}; one value is ${describe(value)}.`)
      }
    }
  } else {
    throw invalid(`The received request's headers must be ${receivedHeadersShape}; got ${describe(headers)}.`)
  }
  if (body !== undefined && typeof body !== "string" && !isUint8Array(body)) {
    throw invalid(`The received request's body must be a string or a Uint8Array (a Buffer); got ${describe(body)}.`)
  }
  return { method, target, headers: headers as ReceivedRequest["headers"], body }
}

const splitTarget = (target: string): readonly [path: string, query: string] => {
  const mark = target.indexOf("?")
  return mark === -1 ? [target, ""] : [target.slice(0, mark), target.slice(mark + 1)]
}

interface Resolved {
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
const resolve = (input: unknown, options: SignOptions): Resolved => {
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

/**
 * Signs a request with the `Authorization` header. Headers the signer writes
 * (authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256)
 * are replaced if the request already has them. It runs the same signing
 * step as `signRequest` and the facade.
 *
 * @throws SigningError when the request, the credentials or the options are unusable, and when the
 * request would inject: a method or header name that is not an HTTP token, a line break in the
 * target, a NUL or a line break in a header value (but an obsolete line fold), a malformed `payloadHash`;
 * and for a target no client sends (no leading `/`, a whole URL, a `#fragment`).
 *
 * @example
 * ```ts
 * import { SigV4 } from "api-gateway-request-signer"
 *
 * const signature = SigV4.signHeaders(
 *   { method: "GET", target: "/prod/pets?type=dog", headers: [["host", "abc123.execute-api.us-east-1.amazonaws.com"]] },
 *   {
 *     credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
 *     region: "us-east-1",
 *     signingTime: Date.now()
 *   }
 * )
 * // signature.headers: [["x-amz-date", ...], ["authorization", "AWS4-HMAC-SHA256 Credential=..."]]
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export const signHeaders = (request: WireRequest, options: SignOptions): HeaderSignature => guarded(() => {
  const resolved = resolve(request, options)
  const signature = signCanonical(
    {
      method: resolved.request.method,
      canonicalPath: resolved.canonicalPath,
      canonicalQuery: formatCanonicalQuery(parseQueryString(resolved.query)),
      canonicalHeaders: resolved.canonicalHeaders,
      payloadHash: resolved.payloadHash,
      hasContentSha256: false
    },
    resolved.credentials,
    resolved.signingTime,
    resolved.settings
  )
  return {
    canonicalRequest: signature.canonicalRequest,
    stringToSign: signature.stringToSign,
    credentialScope: signature.credentialScope,
    signature: signature.signature,
    headers: Object.entries(addSignatureHeaders({}, signature)),
    authorization: signature.authorization,
    amzDate: signature.amzDate,
    signedHeaders: signature.signedHeaders,
    payloadHash: resolved.payloadHash
  }
}, secretTexts(safely(() => options.credentials, undefined)))

/**
 * Signs a request in its query string (a presigned URL): anyone holding the
 * target may send the request until it expires. Only the host (and any other
 * header of the request) is signed; those headers must be sent with it.
 *
 * @throws SigningError when the request, the credentials or the options are unusable, and when the
 * request would inject: a method or header name that is not an HTTP token, a line break in the
 * target, a NUL or a line break in a header value (but an obsolete line fold), a malformed `payloadHash`;
 * and for a target no client sends (no leading `/`, a whole URL, a `#fragment`).
 *
 * @since 3.0.0
 * @category signing
 */
export const presign = (request: WireRequest, options: PresignOptions): QuerySignature => guarded(() => {
  const resolved = resolve(request, options)
  const signature = presignCanonical(
    {
      method: resolved.request.method,
      canonicalPath: resolved.canonicalPath,
      queryPairs: parseQueryString(resolved.query),
      canonicalHeaders: resolved.canonicalHeaders,
      payloadHash: resolved.payloadHash
    },
    resolved.credentials,
    resolved.signingTime,
    resolved.settings,
    options.expiresIn
  )
  const { query, ...rest } = signature
  return { ...rest, target: resolved.path + "?" + query }
}, secretTexts(safely(() => options.credentials, undefined)))

/**
 * A request as the server received it.
 *
 * @since 3.0.0
 * @category verifying
 */
export interface ReceivedRequest {
  readonly method: string
  /** The request target exactly as it arrived (Node's `req.url`): raw path and query. */
  readonly target: string
  /** Header lines as received (Node's `req.rawHeaders` as pairs), or an object of them. */
  readonly headers:
    | ReadonlyArray<readonly [name: string, value: string]>
    | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  /** The body bytes received; absent or empty for none. */
  readonly body?: string | Uint8Array | undefined
}

/**
 * What went wrong, one reason per check.
 *
 * @since 3.0.0
 * @category verifying
 */
export type VerifyFailureReason =
  | "MissingAuthentication"
  | "MalformedAuthorization"
  | "UnknownAccessKey"
  | "SessionTokenMismatch"
  | "WrongScope"
  | "WrongRegion"
  | "WrongService"
  | "Expired"
  | "NotYetValid"
  | "MissingSignedHeader"
  | "PayloadHashMismatch"
  | "SignatureMismatch"

/**
 * API Gateway's name for each kind of failure (its `x-amzn-ErrorType`).
 *
 * @since 3.0.0
 * @category verifying
 */
export type GatewayErrorType =
  | "MissingAuthenticationTokenException"
  | "IncompleteSignatureException"
  | "UnrecognizedClientException"
  | "InvalidSignatureException"

/**
 * What `verify` returns for a request whose signature holds.
 *
 * @since 3.0.0
 * @category verifying
 */
export interface VerifySuccess {
  readonly valid: true
  readonly accessKeyId: string
  /** Whether the signature came in the query (a presigned URL). */
  readonly presigned: boolean
  readonly signedHeaders: ReadonlyArray<string>
  readonly amzDate: string
  readonly credentialScope: string
  /** Hex SHA-256 of the body received. */
  readonly bodySha256: string
}

/**
 * What `verify` returns for a request it refuses: why, and API Gateway's answer for it.
 *
 * @since 3.0.0
 * @category verifying
 */
export interface VerifyFailure {
  readonly valid: false
  readonly reason: VerifyFailureReason
  readonly errorType: GatewayErrorType
  /** API Gateway's wording; a signature mismatch's quotes `canonicalRequest` as redacted here. */
  readonly message: string
  /**
   * For a signature mismatch: what the server computed, with the caller's
   * session token (`x-amz-security-token:<redacted>`,
   * `X-Amz-Security-Token=<redacted>`) and any `X-Amz-Signature` in the query
   * shown as `<redacted>`, so that a failure can be logged.
   */
  readonly canonicalRequest?: string
  /** For a signature mismatch: what the server computed, exactly (it holds no secret: algorithm, date, scope, hash). */
  readonly stringToSign?: string
}

/**
 * What `verify` returns.
 *
 * @since 3.0.0
 * @category verifying
 */
export type VerifyResult = VerifySuccess | VerifyFailure

/**
 * What a signature is made of, kept for diagnosis (`--verbose`, verify failures).
 *
 * @since 3.0.0
 * @category models
 */
export interface SignatureParts {
  readonly canonicalRequest: string
  readonly stringToSign: string
  /** `YYYYMMDD/region/service/aws4_request` */
  readonly credentialScope: string
  /** 64 lower-case hex digits */
  readonly signature: string
}

/**
 * Who may call: credentials (secrets as strings or `Redacted`), or a lookup by
 * access key id, which returns `undefined` or `null` for a key it does not know.
 *
 * @since 3.0.0
 * @category verifying
 */
export type CredentialLookup =
  | ((accessKeyId: string) => CredentialsInput | null | undefined)
  | ReadonlyArray<CredentialsInput>

/**
 * Options of `verify`.
 *
 * @since 3.0.0
 * @category verifying
 */
export interface VerifyOptions {
  /** Who may call: a lookup by access key id, or a list of credentials. */
  readonly credentials: CredentialLookup
  readonly region: string
  /** Default `execute-api`. */
  readonly service?: string | undefined
  /** The time to verify at: epoch milliseconds or a Date. */
  readonly now: number | Date
  /** How far the request's date may be from `now`, in milliseconds. Default 5 minutes. */
  readonly maxClockSkewMillis?: number | undefined
}

/**
 * The server side of SigV4: recomputes a received request's signature
 * (header or presigned) and compares it in constant time. A failure carries
 * API Gateway's error type (`errorType`) and wording (`message`); a
 * signature mismatch also carries the canonical request and string to sign
 * the server expected.
 *
 * A failure shows no credential of the caller, so that a server may log it:
 * the canonical request, and the message that quotes it, show the session
 * token and any signature in the query as `<redacted>` (where API Gateway's
 * own 403 body quotes them). The unredacted text is in one place only: the
 * 403 body `LocalGateway` answers its caller with, who sent that token.
 *
 * @throws SigningError when the options are unusable (a credential that cannot be used, a bad time).
 *
 * @example
 * ```ts
 * import { SigV4 } from "api-gateway-request-signer"
 *
 * declare const received: SigV4.ReceivedRequest
 * const result = SigV4.verify(received, {
 *   credentials: [{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }],
 *   region: "us-east-1",
 *   now: Date.now()
 * })
 * // What API Gateway would answer: 403 with its message, or on to the handler.
 * const answer = result.valid ? { status: 200 } : { status: 403, body: { message: result.message } }
 * ```
 *
 * @since 3.0.0
 * @category verifying
 */
export const verify = (request: ReceivedRequest, options: VerifyOptions): VerifyResult =>
  guarded(() => {
    const received = checkReceivedRequest(request)
    if (typeof options !== "object" || options === null) {
      throw new SigningError({
        reason: "InvalidConfig",
        message: `Verify options must be { credentials, region, now, ... }; got ${describe(options)}.`
      })
    }
    const { credentials, region, service, now, maxClockSkewMillis } = options
    if (typeof region !== "string" || region === "") {
      throw new SigningError({ reason: "InvalidConfig", message: `region must be the region requests are signed for, e.g. "us-east-1"; got ${describe(region)}.` })
    }
    if (service !== undefined && (typeof service !== "string" || service === "")) {
      throw new SigningError({ reason: "InvalidConfig", message: `service must be a string such as "execute-api"; got ${describe(service)}.` })
    }
    const result = verifyCore(received, { credentials: toCredentialLookup(credentials), region, service, now, maxClockSkewMillis })
    return result.valid ? result : redactFailure(result)
  })

/**
 * The message API Gateway answers a signature mismatch with; it carries the
 * canonical request and string to sign the server computed.
 *
 * @throws SigningError (`InvalidConfig`) when either argument is not a string.
 *
 * @since 3.0.0
 * @category verifying
 */
export const signatureMismatchMessage = (canonicalRequest: string, stringToSign: string): string =>
  mismatchMessage(text("canonicalRequest", canonicalRequest), text("stringToSign", stringToSign))
