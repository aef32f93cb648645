/**
 * AWS Signature Version 4 as pure functions on node:crypto: no Effect
 * runtime, no clock, no I/O. They take a request as it travels on the wire
 * (the path of the request line, its headers, its body) and return what to add
 * to it. The Effect API and the Promise facade build on these.
 *
 * Reading order, one request from input to `Authorization`:
 * 1. canonical request: method, canonical path (`internal/sigv4/canonicalPath`),
 *    canonical query (`canonicalQuery`), canonical headers (`canonicalHeaders`),
 *    signed headers, payload hash (`payloadHash`);
 * 2. string to sign: algorithm, date, credential scope, SHA-256 of 1;
 * 3. signing key (`signingKey`, cached);
 * 4. signature = HMAC(key, 2), then the `Authorization` header (`signature`).
 *
 * @since 2.0.0
 */
import * as Redacted from "effect/Redacted"
import type { AwsCredentials } from "./Credentials.js"
import { signingDate } from "./internal/sigv4/amzDate.js"
import { canonicalHeaders } from "./internal/sigv4/canonicalHeaders.js"
import { canonicalPath } from "./internal/sigv4/canonicalPath.js"
import { type EncodedQueryPair, formatCanonicalQuery, parseQueryString } from "./internal/sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "./internal/sigv4/payloadHash.js"
import {
  ALGORITHM,
  computeSignature,
  credentialScopeOf,
  formatAuthorization,
  type SignatureParts
} from "./internal/sigv4/signature.js"
import { uriEncode } from "./internal/sigv4/uriEncoding.js"
import { SigningError } from "./SigningError.js"

/**
 * A request as it travels on the wire.
 *
 * @since 2.0.0
 * @category models
 */
export interface WireRequest {
  readonly method: string
  /** The request target: the path as sent (percent-encoded), optionally with `?query`. */
  readonly target: string
  /** Header lines in order; a name may repeat. Must include `host`. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  /** The exact bytes sent; a string is sent as UTF-8. */
  readonly body?: string | Uint8Array | undefined
}

/**
 * How to sign.
 *
 * @since 2.0.0
 * @category models
 */
export interface SignOptions {
  readonly credentials: AwsCredentials
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
 * @since 2.0.0
 * @category models
 */
export interface HeaderSignature extends SignatureParts {
  /** Headers to add to the request, in this order: x-amz-date, then any of x-amz-security-token and x-amz-content-sha256, then authorization. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  readonly authorization: string
  readonly amzDate: string
  readonly signedHeaders: string
  readonly payloadHash: string
}

/**
 * Options of query signing (presigned URLs).
 *
 * @since 2.0.0
 * @category models
 */
export interface PresignOptions extends SignOptions {
  /** Seconds the URL stays valid, 1 to 604800 (7 days). */
  readonly expiresIn: number
}

/**
 * The result of query signing.
 *
 * @since 2.0.0
 * @category models
 */
export interface QuerySignature extends SignatureParts {
  /** The request target to send: path and the canonical query with every `X-Amz-*` parameter. */
  readonly target: string
  readonly amzDate: string
  readonly signedHeaders: string
}

/** Headers the signer writes; values the caller sent for them are replaced. */
const SIGNER_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256"
])

const splitTarget = (target: string): readonly [path: string, query: string] => {
  const mark = target.indexOf("?")
  return mark === -1 ? [target, ""] : [target.slice(0, mark), target.slice(mark + 1)]
}

const requireHost = (headers: WireRequest["headers"]): void => {
  if (!headers.some(([name]) => name.toLowerCase() === "host")) {
    throw new SigningError({
      reason: "InvalidRequest",
      field: "headers",
      message: "The request has no Host header; SigV4 always signs the host. Add the host the request is sent to."
    })
  }
}

const isS3 = (service: string): boolean => service === "s3"

/**
 * Signs a request with the `Authorization` header. Headers the signer writes
 * (authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256)
 * are replaced if the request already has them.
 *
 * @example
 * ```ts
 * import { SigV4 } from "api-gateway-request-signer"
 * import * as Redacted from "effect/Redacted"
 *
 * const signature = SigV4.signHeaders(
 *   { method: "GET", target: "/prod/pets?type=dog", headers: [["host", "abc123.execute-api.us-east-1.amazonaws.com"]] },
 *   {
 *     credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: Redacted.make("secret") },
 *     region: "us-east-1",
 *     signingTime: Date.now()
 *   }
 * )
 * // signature.headers: [["x-amz-date", ...], ["authorization", "AWS4-HMAC-SHA256 Credential=..."]]
 * ```
 *
 * @since 2.0.0
 * @category signing
 */
export const signHeaders = (request: WireRequest, options: SignOptions): HeaderSignature => {
  requireHost(request.headers)
  const service = options.service ?? "execute-api"
  const { amzDate, dateStamp } = signingDate(options.signingTime)
  const [path, query] = splitTarget(request.target)
  const payloadHash = options.payloadHash ?? (request.body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body))

  const added: Array<readonly [string, string]> = [["x-amz-date", amzDate]]
  const token = options.credentials.sessionToken
  const signToken = options.signSessionToken ?? true
  if (token !== undefined && signToken) added.push(["x-amz-security-token", Redacted.value(token)])
  if (options.contentSha256Header ?? isS3(service)) added.push(["x-amz-content-sha256", payloadHash])

  const headers = canonicalHeaders([
    ...request.headers.filter(([name]) => !SIGNER_HEADERS.has(name.toLowerCase())),
    ...added
  ])
  const parts = computeSignature(
    {
      method: request.method,
      canonicalPath: canonicalPath(path, {
        normalize: options.normalizePath ?? !isS3(service),
        doubleEncode: options.doubleEncodePath ?? !isS3(service)
      }),
      canonicalQuery: formatCanonicalQuery(parseQueryString(query)),
      canonicalHeaders: headers.lines,
      signedHeaders: headers.signedHeaders,
      payloadHash
    },
    { amzDate, dateStamp, region: options.region, service },
    options.credentials.secretAccessKey
  )
  const authorization = formatAuthorization(
    options.credentials.accessKeyId,
    parts.credentialScope,
    headers.signedHeaders,
    parts.signature
  )
  if (token !== undefined && !signToken) added.push(["x-amz-security-token", Redacted.value(token)])
  added.push(["authorization", authorization])
  return { ...parts, headers: added, authorization, amzDate, signedHeaders: headers.signedHeaders, payloadHash }
}

/** Query parameters the presigner writes; values the caller sent for them are replaced. */
const PRESIGN_PARAMETERS: ReadonlySet<string> = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Security-Token",
  "X-Amz-Signature"
])

/** Longest validity of a presigned URL, in seconds. */
const MAX_EXPIRES_IN = 604800

/**
 * Signs a request in its query string (a presigned URL): anyone holding the
 * target may send the request until it expires. Only the host (and any other
 * header of the request) is signed; those headers must be sent with it.
 *
 * @since 2.0.0
 * @category signing
 */
export const presign = (request: WireRequest, options: PresignOptions): QuerySignature => {
  requireHost(request.headers)
  const { expiresIn } = options
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days); got ${String(expiresIn)}.`
    })
  }
  const service = options.service ?? "execute-api"
  const { amzDate, dateStamp } = signingDate(options.signingTime)
  const [path, query] = splitTarget(request.target)
  const scope = { amzDate, dateStamp, region: options.region, service }
  const credentialScope = credentialScopeOf(scope)
  const headers = canonicalHeaders(request.headers.filter(([name]) => name.toLowerCase() !== "authorization"))

  const token = options.credentials.sessionToken
  const signToken = options.signSessionToken ?? true
  const pairs: Array<EncodedQueryPair> = parseQueryString(query).filter(([key]) => !PRESIGN_PARAMETERS.has(key))
  pairs.push(
    ["X-Amz-Algorithm", ALGORITHM],
    ["X-Amz-Credential", uriEncode(options.credentials.accessKeyId + "/" + credentialScope)],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(expiresIn)],
    ["X-Amz-SignedHeaders", uriEncode(headers.signedHeaders)]
  )
  if (token !== undefined && signToken) pairs.push(["X-Amz-Security-Token", uriEncode(Redacted.value(token))])
  const canonicalQuery = formatCanonicalQuery(pairs)
  const parts = computeSignature(
    {
      method: request.method,
      canonicalPath: canonicalPath(path, {
        normalize: options.normalizePath ?? !isS3(service),
        doubleEncode: options.doubleEncodePath ?? !isS3(service)
      }),
      canonicalQuery,
      canonicalHeaders: headers.lines,
      signedHeaders: headers.signedHeaders,
      payloadHash: options.payloadHash ??
        (request.body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body))
    },
    scope,
    options.credentials.secretAccessKey
  )
  const unsignedToken = token !== undefined && !signToken
    ? "&X-Amz-Security-Token=" + uriEncode(Redacted.value(token))
    : ""
  return {
    ...parts,
    target: path + "?" + canonicalQuery + unsignedToken + "&X-Amz-Signature=" + parts.signature,
    amzDate,
    signedHeaders: headers.signedHeaders
  }
}

export type {
  /**
   * @since 2.0.0
   * @category verifying
   */
  CredentialLookup,
  /**
   * @since 2.0.0
   * @category verifying
   */
  GatewayErrorType,
  /**
   * @since 2.0.0
   * @category verifying
   */
  ReceivedRequest,
  /**
   * @since 2.0.0
   * @category verifying
   */
  VerifyFailure,
  /**
   * @since 2.0.0
   * @category verifying
   */
  VerifyFailureReason,
  /**
   * @since 2.0.0
   * @category verifying
   */
  VerifyOptions,
  /**
   * @since 2.0.0
   * @category verifying
   */
  VerifyResult,
  /**
   * @since 2.0.0
   * @category verifying
   */
  VerifySuccess
} from "./internal/sigv4/verify.js"

export {
  /**
   * The message API Gateway answers a signature mismatch with; it carries the
   * canonical request and string to sign the server computed.
   *
   * @since 2.0.0
   * @category verifying
   */
  signatureMismatchMessage,
  /**
   * The server side of SigV4: recomputes a received request's signature
   * (header or presigned) and compares it in constant time. A failure carries
   * API Gateway's error type (`errorType`) and wording (`message`); a
   * signature mismatch also carries the canonical request and string to sign
   * the server expected.
   *
   * @example
   * ```ts
   * import { SigV4 } from "api-gateway-request-signer"
   *
   * const result = SigV4.verify(
   *   { method: req.method, target: req.url, headers: pairs(req.rawHeaders), body },
   *   { credentials: [allowed], region: "us-east-1", now: Date.now() }
   * )
   * if (!result.valid) respond(403, { message: result.message })
   * ```
   *
   * @since 2.0.0
   * @category verifying
   */
  verify
} from "./internal/sigv4/verify.js"
