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
 * 0. the request and options, checked (`wireRequest`, `signOptions`;
 *    `receivedRequest` for `verify`);
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
import type { CredentialsInput } from "./Credentials.js"
import { stringArgument } from "./internal/diagnosis/arguments.js"
import { secretTexts, toCredentialLookup, toSigningCredentials } from "./internal/effect/credentials.js"
import { guarded, safely } from "./internal/guard.js"
import { invalidRequest } from "./internal/signingErrors.js"
import { formatCanonicalQuery, parseQueryString } from "./internal/sigv4/canonicalQuery.js"
import { signCanonical } from "./internal/sigv4/headerSigning.js"
import { isPayloadHash, UNSIGNED_PAYLOAD } from "./internal/sigv4/payloadHash.js"
import { presignCanonical } from "./internal/sigv4/presign.js"
import { checkReceivedRequest, checkVerifyOptions } from "./internal/sigv4/receivedRequest.js"
import { addSignatureHeaders, isSignatureHeader, X_AMZ_CONTENT_SHA256 } from "./internal/sigv4/signatureHeaders.js"
import { canonicalHeaderEntries } from "./internal/sigv4/canonicalHeaders.js"
import { signatureMismatchMessage as mismatchMessage } from "./internal/apiGatewayMessages.js"
import { verify as verifyCore } from "./internal/sigv4/verify.js"
import { resolveSigning } from "./internal/sigv4/signOptions.js"
import { defaultPayloadHashFor, presignSignsSessionToken } from "./internal/sigv4/serviceRules.js"
import { redactFailure } from "./internal/sigv4/verifyRedaction.js"

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
  /**
   * Encode the wire path once more in the canonical path. Default true (false only for S3). False signs the path
   * as S3 reads it: decoded, then encoded once (a raw `+` read as a space, `%2F` as `/`).
   */
  readonly doubleEncodePath?: boolean | undefined
  /**
   * Add and sign `x-amz-content-sha256`. Default false (API Gateway does not need it), true for S3, VPC Lattice
   * (as `UNSIGNED-PAYLOAD`) and OpenSearch Serverless (`aoss`).
   */
  readonly contentSha256Header?: boolean | undefined
  /**
   * Sign the session token (default), or add it after signing as the legacy STS flow did. A presigned URL for
   * AWS IoT's device gateway (`iotdevicegateway`) leaves it unsigned by default.
   */
  readonly signSessionToken?: boolean | undefined
  /**
   * A precomputed payload hash: a lower-case hex SHA-256, or a keyword such as
   * `UNSIGNED-PAYLOAD` or `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`; the body is not
   * hashed then.
   */
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

/**
 * Signs a request with the `Authorization` header. Headers the signer writes
 * (authorization, x-amz-date, x-amz-security-token) are replaced if the
 * request already has them. An `x-amz-content-sha256` the request carries is
 * signed, as the payload hash and as a header, and left to the request (not
 * among `headers`); with the `payloadHash` option given, the signer writes its
 * own in its place, among `headers`. It runs the same signing step as
 * `signRequest` and the facade.
 *
 * @throws SigningError when the request, the credentials or the options are unusable, and when the
 * request would inject: a method or header name that is not an HTTP token, a line break in the
 * target, a NUL or a line break in a header value (but an obsolete line fold), a malformed `payloadHash`
 * (option, or `x-amz-content-sha256` header: one that is not its body's hash too);
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
  const resolved = resolveSigning(request, options, toSigningCredentials)
  // A request that carries x-amz-content-sha256 sends it, so it is signed: as the payload hash, and among the
  // signed headers as the request has it (not written again, or the caller would send it twice). With the
  // payloadHash option given, the signer writes its own in its place (one of the headers it replaces).
  const named = resolved.payloadHashGiven ? undefined : namedPayloadHash(resolved)
  const replaced = named === undefined && contentSha256Of(resolved.request) !== undefined
  // Neither given nor named: the service's own (VPC Lattice's UNSIGNED-PAYLOAD), else the body's hash.
  const payloadHash = named ?? (resolved.payloadHashGiven ? undefined : defaultPayloadHashFor(resolved.settings.service)) ?? resolved.payloadHash
  const signature = signCanonical(
    {
      method: resolved.request.method,
      canonicalPath: resolved.canonicalPath,
      canonicalQuery: formatCanonicalQuery(parseQueryString(resolved.query)),
      canonicalHeaders: named === undefined ? resolved.canonicalHeaders : withContentSha256(resolved, named),
      payloadHash,
      hasContentSha256: named !== undefined
    },
    resolved.credentials,
    resolved.signingTime,
    replaced ? { ...resolved.settings, contentSha256Header: true } : resolved.settings
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
    payloadHash
  }
}, secretTexts(safely(() => options.credentials, undefined)))

/** The value of a request's `x-amz-content-sha256` header, if it has one; refused when it has more than one. */
const contentSha256Of = (request: WireRequest): string | undefined => {
  const values = request.headers.filter(([name]) => name.toLowerCase() === X_AMZ_CONTENT_SHA256)
  if (values.length > 1) {
    throw invalidRequest("headers", "The request gives x-amz-content-sha256 more than once; a server reads one payload hash, so give it once.")
  }
  return values[0]?.[1]
}

/** The request's canonical headers with its own `x-amz-content-sha256` among them (`resolveSigning` leaves it out). */
const withContentSha256 = (resolved: ReturnType<typeof resolveSigning>, value: string) =>
  canonicalHeaderEntries([...resolved.request.headers.filter(([name]) => !isSignatureHeader(name.toLowerCase())), [X_AMZ_CONTENT_SHA256, value]])

/**
 * The payload hash a request names in its `x-amz-content-sha256` header, if it
 * has one: the hash a server checks, so the one signed. Refused when it cannot
 * be one, or when it is not the hash of the body the request gives (hashed
 * once, by `resolveSigning`, when no `payloadHash` option is given, the only
 * case this is asked in).
 */
const namedPayloadHash = (resolved: ReturnType<typeof resolveSigning>): string | undefined => {
  const { request } = resolved
  const value = contentSha256Of(request)
  if (value === undefined) return undefined
  if (!isPayloadHash(value)) {
    throw invalidRequest(
      "headers",
      "The request's x-amz-content-sha256 header must be the payload's lower-case hex SHA-256 or UNSIGNED-PAYLOAD " +
        "(for another keyword, give it as the payloadHash option too)."
    )
  }
  if (value !== UNSIGNED_PAYLOAD && request.body !== undefined && value !== resolved.payloadHash) {
    throw invalidRequest(
      "headers",
      "The request's x-amz-content-sha256 header does not match the SHA-256 of its body; remove the header (the body is hashed) or fix it."
    )
  }
  return value
}

/**
 * Signs a request in its query string (a presigned URL): anyone holding the
 * target may send the request until it expires. Only the host (and any other
 * header of the request) is signed; those headers must be sent with it. The
 * parameters the signer writes (`X-Amz-Algorithm`, `X-Amz-Credential`,
 * `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
 * `X-Amz-Security-Token`, `X-Amz-Signature`) are replaced if the target
 * already has them, as smithy and botocore do, so presigning a presigned
 * target refreshes it. (The facade's and `Signer`'s `presignRequest` refuse
 * them instead: there they can only be the caller's own parameters.)
 *
 * @throws SigningError when the request, the credentials or the options are unusable, and when the
 * request would inject: a method or header name that is not an HTTP token, a line break in the
 * target, a NUL or a line break in a header value (but an obsolete line fold), a malformed `payloadHash`
 * (option, or `x-amz-content-sha256` header: one that is not its body's hash too);
 * and for a target no client sends (no leading `/`, a whole URL, a `#fragment`).
 *
 * @example
 * ```ts
 * import { SigV4 } from "api-gateway-request-signer"
 *
 * const host = "abc123.execute-api.us-east-1.amazonaws.com"
 * const presigned = SigV4.presign(
 *   { method: "GET", target: "/prod/reports/42", headers: [["host", host]] },
 *   {
 *     credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
 *     region: "us-east-1",
 *     signingTime: Date.now(),
 *     expiresIn: 900
 *   }
 * )
 * const url = `https://${host}${presigned.target}` // valid for 15 minutes
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export const presign = (request: WireRequest, options: PresignOptions): QuerySignature => guarded(() => {
  const resolved = resolveSigning(request, options, toSigningCredentials)
  // The hash a request names in x-amz-content-sha256 is the one a server checks (S3, and verify), so it is the
  // one signed, unless the options name one.
  const named = resolved.payloadHashGiven ? undefined : namedPayloadHash(resolved)
  const signature = presignCanonical(
    {
      method: resolved.request.method,
      canonicalPath: resolved.canonicalPath,
      queryPairs: parseQueryString(resolved.query),
      canonicalHeaders: resolved.canonicalHeaders,
      payloadHash: named ?? resolved.payloadHash,
      payloadHashGiven: resolved.payloadHashGiven || named !== undefined
    },
    resolved.credentials,
    resolved.signingTime,
    // Unless told, the token is signed as the service wants it: AWS IoT's device gateway wants it unsigned.
    (safely(() => options.signSessionToken, undefined) ?? undefined) === undefined
      ? { ...resolved.settings, signSessionToken: presignSignsSessionToken(resolved.settings.service) }
      : resolved.settings,
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
  /**
   * Header lines as received (Node's `req.rawHeaders` as pairs), an object
   * of them, or a fetch `Headers` (a Worker's, Deno's or Bun's
   * `request.headers`) or `Map`.
   */
  readonly headers:
    | ReadonlyArray<readonly [name: string, value: string]>
    | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
    | Headers
    | ReadonlyMap<string, string | ReadonlyArray<string>>
  /** The body bytes received; absent or empty for none. */
  readonly body?: string | Uint8Array | undefined
}

/**
 * What went wrong, one reason per check. `ExpiredToken` (a session token
 * whose credentials have expired) came after 3.0.0: a `switch` over every
 * reason needs a case for it.
 *
 * @since 3.0.0
 * @category verifying
 */
export type VerifyFailureReason =
  | "MissingAuthentication"
  | "MalformedAuthorization"
  | "UnknownAccessKey"
  | "SessionTokenMismatch"
  | "ExpiredToken"
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
 * `ExpiredTokenException` came after 3.0.0, with `ExpiredToken`.
 *
 * @since 3.0.0
 * @category verifying
 */
export type GatewayErrorType =
  | "MissingAuthenticationTokenException"
  | "IncompleteSignatureException"
  | "UnrecognizedClientException"
  | "ExpiredTokenException"
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
  /**
   * The path the signature verified, percent-encoded as received: dot segments
   * resolved and `//` collapsed, as SigV4 signs it for every service but S3.
   * Route on it, not on the target received: `/prod/admin/../public/report`
   * verifies with the signature of `/prod/public/report`, and this says so.
   */
  readonly path: string
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
 * It checks as API Gateway does, and fails closed where a server's own
 * reading of the request could differ from what was signed: a target with a
 * `#` is refused (SigV4 reads it as `%23`, a URL parser as the end of the
 * target); for API Gateway (`execute-api`) the body's hash is what is
 * signed, whatever `x-amz-content-sha256` says (API Gateway does not honour
 * `UNSIGNED-PAYLOAD`; S3 and VPC Lattice do); credentials the lookup
 * returns for another key id than the one claimed are no match. What it
 * leaves to the server: that the signed `Host` is its own (API Gateway
 * routes on it; a request signed for another API with the same credentials
 * verifies), and meaning in the order of a repeated query key (SigV4 sorts
 * them, so their order is not signed). It routes on the result's `path`, the
 * path verified, not on the target received: `/prod/admin/../public` verifies
 * with the signature of `/prod/public`.
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
 * // What API Gateway would answer: 403 with its message, or on to the handler of the path verified.
 * const answer = result.valid ? { status: 200, route: result.path } : { status: 403, body: { message: result.message } }
 * ```
 *
 * @since 3.0.0
 * @category verifying
 */
export const verify = (request: ReceivedRequest, options: VerifyOptions): VerifyResult =>
  guarded(() => {
    const result = verifyCore(checkReceivedRequest(request), checkVerifyOptions(options, toCredentialLookup))
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
  mismatchMessage(stringArgument("canonicalRequest", canonicalRequest), stringArgument("stringToSign", stringToSign))
