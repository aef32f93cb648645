/**
 * The server side of SigV4: recompute a received request's signature and
 * compare it in constant time. Failures carry API Gateway's error type and
 * wording, so a client sees here what it would see from AWS.
 *
 * @internal
 */
import type {
  GatewayErrorType,
  ReceivedRequest,
  VerifyFailure,
  VerifyFailureReason,
  VerifyOptions as PublicVerifyOptions,
  VerifyResult
} from "../../SigV4.js"
import { invalidConfig } from "../signingErrors.js"
import type { SigningCredentials } from "../credentials.js"
import {
  EXPIRED_SECURITY_TOKEN,
  INVALID_SECURITY_TOKEN,
  MISSING_AUTHENTICATION_TOKEN,
  presignedExpiredMessage,
  signatureExpiredMessage,
  signatureMismatchMessage,
  signatureNotYetCurrentMessage,
  wrongRegionMessage,
  wrongServiceMessage
} from "../apiGatewayMessages.js"
import { dateMillis } from "../brand.js"
import { Secret } from "../secret.js"
import { describe } from "../request/describe.js"
import { looksLikeCredential } from "../scrub.js"
import { formatAmzDate, parseAmzDate } from "./amzDate.js"
import { canonicalHeaderValue } from "./canonicalHeaders.js"
import { canonicalPath, normalizePath } from "./canonicalPath.js"
import { canonicalPathOptionsFor, presignedPayloadHash, presignSignsSessionToken, signsClaimedPayloadHash } from "./serviceRules.js"
import { formatCanonicalQuery, parseQueryString } from "./canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, isPayloadHash, sha256Hex, UNSIGNED_PAYLOAD } from "./payloadHash.js"
import { MAX_EXPIRES_IN } from "./presign.js"
import { ALGORITHM, computeSignature } from "./signature.js"
import { decodeParam } from "./uriEncoding.js"

export type CredentialLookup =
  | ((accessKeyId: string) => SigningCredentials | undefined)
  | ReadonlyArray<SigningCredentials>

/** `SigV4.VerifyOptions`, with the credentials in the core's form. */
export interface VerifyOptions extends Omit<PublicVerifyOptions, "credentials"> {
  readonly credentials: CredentialLookup
}

const ERROR_TYPE: Record<VerifyFailureReason, GatewayErrorType> = {
  MissingAuthentication: "MissingAuthenticationTokenException",
  MalformedAuthorization: "IncompleteSignatureException",
  UnknownAccessKey: "UnrecognizedClientException",
  SessionTokenMismatch: "UnrecognizedClientException",
  ExpiredToken: "ExpiredTokenException",
  WrongScope: "InvalidSignatureException",
  WrongRegion: "InvalidSignatureException",
  WrongService: "InvalidSignatureException",
  Expired: "InvalidSignatureException",
  NotYetValid: "InvalidSignatureException",
  MissingSignedHeader: "InvalidSignatureException",
  PayloadHashMismatch: "InvalidSignatureException",
  SignatureMismatch: "InvalidSignatureException"
}

const fail = (reason: VerifyFailureReason, message: string, extra?: Pick<VerifyFailure, "canonicalRequest" | "stringToSign">): VerifyFailure => ({
  valid: false,
  reason,
  errorType: ERROR_TYPE[reason],
  message,
  ...extra
})

/** Header values by lower-case name, repeated headers in arrival order. */
const headerMap = (headers: ReceivedRequest["headers"]): Map<string, Array<string>> => {
  const map = new Map<string, Array<string>>()
  const add = (name: string, value: string) => {
    const key = name.toLowerCase()
    const values = map.get(key)
    if (values === undefined) map.set(key, [value])
    else values.push(value)
  }
  if (Array.isArray(headers)) {
    for (const [name, value] of headers as ReadonlyArray<readonly [string, string]>) add(name, value)
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string | ReadonlyArray<string> | undefined>)) {
      if (value === undefined) continue
      if (typeof value === "string") add(name, value)
      else for (const item of value) add(name, item)
    }
  }
  return map
}

interface Claim {
  readonly presigned: boolean
  readonly credential: string
  readonly signedHeaders: string
  readonly signature: string
  readonly amzDate: string | undefined
  readonly expiresIn: number | undefined
  readonly sessionToken: string | undefined
}

/**
 * A piece of an Authorization header as a message may quote it: the first
 * `max` characters, unless it looks like a credential (an API key or token
 * sent to an IAM route by mistake), which is described by its length only.
 */
const quoted = (text: string, max: number, quote: (shown: string) => string): string =>
  looksLikeCredential(text) ? `a value of ${text.length} characters, not shown (it looks like a credential)` : quote(text.slice(0, max))

/**
 * API Gateway reads any Authorization header as SigV4, as this does: the
 * first word is the algorithm, the rest `key=value` pairs. So a Cognito JWT
 * or a `Bearer` token sent to an IAM route gets the answers AWS gives it (the
 * parameters it lacks, a pair without `=`), never quoting what may be a
 * credential. The date is `X-Amz-Date`, else `Date`, as AWS reads it.
 */
// The name of an authorization scheme (Bearer, Basic, AWS4-HMAC-SHA256): a word before a space.
const SCHEME_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/

// What a credential scope is made of: an access key id (AKIA..., upper case and digits), then a date, a
// region, a service, a terminator (lower case). A secret key or a token (mixed case, or a lower-case UUID
// in the key id's place) never passes for one.
const ACCESS_KEY_ID = /^[A-Z0-9]{1,128}$/
const SCOPE_PART = /^[a-z0-9_-]{0,64}$/

/** A part of a credential scope as a message quotes it: as it is when it has a scope part's form, else by its length. */
const scopePartShown = (part: string): string =>
  SCOPE_PART.test(part) ? `'${part}'` : `a value of ${part.length} characters, not shown (it may be a credential)`

const parseAuthorization = (authorization: string, headers: Map<string, Array<string>>): Claim | VerifyFailure => {
  const space = authorization.indexOf(" ")
  const algorithm = space === -1 ? authorization : authorization.slice(0, space)
  const pairs = space === -1 ? "" : authorization.slice(space + 1)
  // What a message may show of the header: a SigV4 header's parts, and another scheme's name, never the
  // token after it (a UUID or a lower-case key does not look like a credential, and is one all the same).
  const sigV4 = algorithm === ALGORITHM
  const scheme = space !== -1 && SCHEME_NAME.test(algorithm) ? algorithm : `a value of ${algorithm.length} characters, not shown`
  const params = new Map<string, string>()
  for (const part of pairs.trim() === "" ? [] : pairs.split(",")) {
    const trimmed = part.trim()
    const equals = trimmed.indexOf("=")
    if (equals <= 0) {
      const shown = sigV4 ? quoted(trimmed, 60, (text) => `'${text}'`) : `a value of ${trimmed.length} characters after ${scheme}, not shown`
      return fail("MalformedAuthorization", `Invalid key=value pair (missing equal-sign) in Authorization header: ${shown}.`)
    }
    params.set(trimmed.slice(0, equals), trimmed.slice(equals + 1))
  }
  const missing: Array<string> = []
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    if (!params.has(name)) missing.push(`Authorization header requires '${name}' parameter.`)
  }
  const amzDate = (headers.get("x-amz-date") ?? headers.get("date"))?.[0]
  if (amzDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  if (missing.length > 0) return fail("MalformedAuthorization", `${missing.join(" ")} Authorization=${scheme}`)
  if (!sigV4) {
    return fail("MalformedAuthorization", `Unsupported Authorization Type: expected ${ALGORITHM}, not ${scheme === algorithm ? JSON.stringify(scheme) : scheme}.`)
  }
  return {
    presigned: false,
    credential: params.get("Credential")!,
    signedHeaders: params.get("SignedHeaders")!,
    signature: params.get("Signature")!,
    amzDate,
    expiresIn: undefined,
    sessionToken: headers.get("x-amz-security-token")?.join(",")
  }
}

// The query parameters a presigned URL authenticates with.
const AUTHENTICATION_PARAMETERS: ReadonlySet<string> = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token"
])

const parsePresigned = (query: string): Claim | VerifyFailure => {
  const params = new Map<string, string>()
  for (const piece of query.split("&")) {
    const equals = piece.indexOf("=")
    const key = decodeParam(equals === -1 ? piece : piece.slice(0, equals))
    if (!key.startsWith("X-Amz-")) continue
    // Which of two would count is not clear, and a second X-Amz-Signature is in no signature (the canonical
    // query leaves them all out): it would reach the handler unverified.
    if (params.has(key) && AUTHENTICATION_PARAMETERS.has(key)) {
      return fail("MalformedAuthorization", `The query parameter ${key} appears more than once.`)
    }
    if (params.has(key)) continue
    params.set(key, decodeParam(equals === -1 ? "" : piece.slice(equals + 1)))
  }
  const missing = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"].filter((name) => !params.has(name))
  if (missing.length > 0) {
    return fail("MalformedAuthorization", `AWS query-string parameters missing or malformed: ${missing.join(", ")}.`)
  }
  if (params.get("X-Amz-Algorithm") !== ALGORITHM) {
    return fail("MalformedAuthorization", `X-Amz-Algorithm must be ${ALGORITHM}.`)
  }
  const expires = params.get("X-Amz-Expires")
  const expiresIn = expires === undefined ? undefined : /^\d{1,6}$/.test(expires) ? Number(expires) : NaN
  if (expiresIn !== undefined && (Number.isNaN(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN)) {
    return fail("MalformedAuthorization", `X-Amz-Expires must be a number of seconds from 1 to ${MAX_EXPIRES_IN}.`)
  }
  return {
    presigned: true,
    credential: params.get("X-Amz-Credential")!,
    signedHeaders: params.get("X-Amz-SignedHeaders")!,
    signature: params.get("X-Amz-Signature")!,
    amzDate: params.get("X-Amz-Date"),
    expiresIn,
    sessionToken: params.get("X-Amz-Security-Token")
  }
}

const lookup = (credentials: CredentialLookup, accessKeyId: string): SigningCredentials | undefined =>
  typeof credentials === "function"
    ? credentials(accessKeyId)
    : credentials.find((candidate) => candidate.accessKeyId === accessKeyId)

/**
 * Compares a secret-derived string (`expected`) with a received one in time
 * that depends only on their lengths, never on where they first differ.
 */
const constantTimeEqual = (expected: string, received: string): boolean => {
  let difference = expected.length ^ received.length
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ (i < received.length ? received.charCodeAt(i) : 0)
  }
  return difference === 0
}

const FIVE_MINUTES = 5 * 60 * 1000

const FRAGMENT_IN_TARGET =
  "The request target contains '#', which no client sends: a URL parser would end the target there, before parts the signature covers. Send a '#' as %23."

/** Time options, checked: a NaN or an invalid Date must never turn a time check off (every comparison with NaN is false). */
const timeOptions = (options: Pick<VerifyOptions, "now" | "maxClockSkewMillis">): { readonly now: number; readonly skew: number } => {
  const now = typeof options.now === "number" ? options.now : dateMillis(options.now) ?? Number.NaN
  if (!Number.isFinite(now)) {
    throw invalidConfig(`now must be a valid Date or finite epoch milliseconds; got ${dateMillis(options.now) !== undefined ? "an invalid Date" : describe(options.now)}.`)
  }
  const skew = options.maxClockSkewMillis ?? FIVE_MINUTES
  if (typeof skew !== "number" || !Number.isFinite(skew) || skew < 0) {
    throw invalidConfig(`maxClockSkewMillis must be a finite number of milliseconds, 0 or more; got ${describe(skew)}.`)
  }
  return { now, skew }
}

/** What the headers and target of a request establish: who claims to sign, for what scope and when. */
interface Checked {
  readonly claim: Claim
  readonly credentials: SigningCredentials
  readonly accessKeyId: string
  readonly amzDate: string
  readonly dateStamp: string
  readonly region: string
  readonly service: string
  readonly headers: Map<string, Array<string>>
  /** The claim's SignedHeaders, split, each named once. */
  readonly signedHeaderNames: ReadonlyArray<string>
  readonly rawPath: string
  readonly rawQuery: string
}

/**
 * Every check that needs no body: authentication present and well formed, a
 * known key and token, the scope, the time window. A gateway runs it before
 * reading the body, so that it never buffers what it will refuse.
 */
const checkClaim = (request: Omit<ReceivedRequest, "body">, options: VerifyOptions): Checked | VerifyFailure => {
  const service = options.service ?? "execute-api"
  const { now, skew } = timeOptions(options)
  const headers = headerMap(request.headers)
  // No client sends a "#" (a fragment stays in the client). SigV4 reads one as %23, but the server's URL
  // parser ends the target there: the holder of a request signed with %23 in one value could send that value
  // first as "#" and hide every signed parameter after it from the application.
  if (request.target.includes("#")) return fail("SignatureMismatch", FRAGMENT_IN_TARGET)
  const mark = request.target.indexOf("?")
  const rawPath = mark === -1 ? request.target : request.target.slice(0, mark)
  const rawQuery = mark === -1 ? "" : request.target.slice(mark + 1)

  const authorization = headers.get("authorization")
  const claim = authorization !== undefined
    ? parseAuthorization(authorization.join(","), headers)
    : /(^|&)X-Amz-Signature=/.test(rawQuery)
    ? parsePresigned(rawQuery)
    : fail("MissingAuthentication", MISSING_AUTHENTICATION_TOKEN)
  if ("valid" in claim) return claim

  // No signer names a header twice; verifying each mention would copy its value into the canonical request (and the
  // refusal quoting it) once per mention: a few kilobytes of headers would make hundreds of megabytes.
  const signedHeaderNames = claim.signedHeaders.split(";")
  const named = new Set<string>()
  for (const name of signedHeaderNames) {
    if (named.has(name)) return fail("MalformedAuthorization", `SignedHeaders names the header '${name.slice(0, 60)}' more than once.`)
    named.add(name)
  }

  // Credential=AKID/YYYYMMDD/region/service/aws4_request
  const scope = claim.credential.split("/")
  if (scope.length !== 5 || scope[0] === "") {
    // AWS's words, which quote the credential: a key id, a date and names are no secret, but a secret key pasted here would be.
    const [keyId = "", ...rest] = scope
    const shown = ACCESS_KEY_ID.test(keyId) && rest.every((part) => SCOPE_PART.test(part) || ACCESS_KEY_ID.test(part))
      ? `'${claim.credential.slice(0, 200)}'`
      : `a value of ${claim.credential.length} characters, not shown (it may be a credential)`
    return fail("MalformedAuthorization", `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got ${shown}`)
  }
  const [accessKeyId, dateStamp, region, scopeService, terminator] = scope as [string, string, string, string, string]
  if (terminator !== "aws4_request") {
    return fail("WrongScope", `Credential should be scoped with a valid terminator: 'aws4_request', not ${scopePartShown(terminator)}.`)
  }

  const credentials = lookup(options.credentials, accessKeyId)
  // Credentials of another key id are not this key's: a lookup that ignores its argument (one caller's
  // credentials for any id) must not let a request claim whichever key id it likes.
  if (credentials === undefined || credentials.accessKeyId !== accessKeyId) return fail("UnknownAccessKey", INVALID_SECURITY_TOKEN)
  const expectedToken = credentials.sessionToken === undefined ? undefined : Secret.reveal(credentials.sessionToken)
  if (
    (expectedToken === undefined) !== (claim.sessionToken === undefined) ||
    (expectedToken !== undefined && !constantTimeEqual(expectedToken, claim.sessionToken!))
  ) {
    return fail("SessionTokenMismatch", INVALID_SECURITY_TOKEN)
  }
  // A session token past its credentials' expiration (as STS issued them): API Gateway refuses it, whenever the
  // request was signed (a presigned URL's X-Amz-Expires does not outlive it). Written as "accept only when".
  if (expectedToken !== undefined && credentials.expiration !== undefined && !(now < credentials.expiration)) {
    return fail("ExpiredToken", EXPIRED_SECURITY_TOKEN)
  }

  const requestTime = claim.amzDate === undefined ? undefined : parseAmzDate(claim.amzDate)
  if (requestTime === undefined) {
    return fail("MalformedAuthorization", `X-Amz-Date must be in the form YYYYMMDD'T'HHMMSS'Z'; got ${quoted(String(claim.amzDate), 40, (text) => `'${text}'`)}.`)
  }
  const amzDate = claim.amzDate!
  if (dateStamp !== amzDate.slice(0, 8)) {
    return fail(
      "WrongScope",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ${scopePartShown(dateStamp)} != '${amzDate.slice(0, 8)}', from '${amzDate}'.`
    )
  }
  if (region !== options.region) {
    // Some gateways name no region; this one names it when it has a region's form (a secret key pasted there has not).
    return fail("WrongRegion", SCOPE_PART.test(region) ? wrongRegionMessage(region) : "Credential should be scoped to a valid region.")
  }
  if (scopeService !== service) {
    return fail("WrongService", wrongServiceMessage(service))
  }
  const stamp = (millis: number) => formatAmzDate(millis)?.amzDate ?? String(millis)
  // X-Amz-Expires is optional in a query signature (aws4's signQuery, the usual way to sign a
  // WebSocket $connect URL, leaves it out): without it, X-Amz-Date is held to the clock-skew
  // window, as in a header signature.
  const expiresIn = claim.presigned ? claim.expiresIn : undefined
  const validUntil = expiresIn === undefined ? requestTime + skew : requestTime + expiresIn * 1000
  // Written as "accept only when": a NaN anywhere refuses.
  if (!(now <= validUntil)) {
    return fail(
      "Expired",
      expiresIn !== undefined
        ? presignedExpiredMessage({ requestTime: amzDate, expiresInSeconds: expiresIn, serverTime: stamp(now) })
        : signatureExpiredMessage({ requestTime: amzDate, limitTime: stamp(now - skew), serverTime: stamp(now), maxSkewMinutes: skew / 60000 })
    )
  }
  if (!(requestTime <= now + skew)) {
    return fail(
      "NotYetValid",
      signatureNotYetCurrentMessage({ requestTime: amzDate, limitTime: stamp(now + skew), serverTime: stamp(now), maxSkewMinutes: skew / 60000 })
    )
  }
  return { claim, credentials, accessKeyId, amzDate, dateStamp, region, service, headers, signedHeaderNames, rawPath, rawQuery }
}

/**
 * The refusal a request earns from its headers and target alone, or
 * `undefined` when only its body and signature remain to check.
 *
 * @throws SigningError when `now` or `maxClockSkewMillis` is unusable.
 */
export const verifyBeforeBody = (request: Omit<ReceivedRequest, "body">, options: VerifyOptions): VerifyFailure | undefined => {
  const checked = checkClaim(request, options)
  return "valid" in checked ? checked : undefined
}

/**
 * The path a signature verified, still percent-encoded as received: dot segments resolved and `//` collapsed where
 * the service's canonical path is normalized (all but S3), so that `/prod/admin/../public` verifies as, and is,
 * `/prod/public`. What a server routes on: the target received may spell another route.
 */
export const verifiedPath = (rawPath: string, service: string): string =>
  canonicalPathOptionsFor(service).normalize ? normalizePath(rawPath) : rawPath

/**
 * Verifies a received request: the claim (`checkClaim`), then the payload
 * hash and the signature, compared in constant time.
 *
 * A signature mismatch carries the canonical request as computed, the
 * caller's session token in it: fit only for the 403 body answered to that
 * caller. Anything else (`SigV4.verify`, a log) shows `redactFailure` of it
 * (verifyRedaction.ts).
 *
 * @throws SigningError when `now` or `maxClockSkewMillis` is unusable.
 */
export const verify = (request: ReceivedRequest, options: VerifyOptions): VerifyResult => {
  const checked = checkClaim(request, options)
  if ("valid" in checked) return checked
  const { claim, credentials, accessKeyId, amzDate, dateStamp, region, service, headers, signedHeaderNames, rawPath, rawQuery } = checked

  if (!signedHeaderNames.includes("host")) {
    return fail("MissingSignedHeader", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
  }
  const lines: Array<string> = []
  for (const name of signedHeaderNames) {
    const values = headers.get(name)
    if (values === undefined || name !== name.toLowerCase()) {
      return fail("MissingSignedHeader", `The signed header '${name}' is missing from the request.`)
    }
    lines.push(name + ":" + values.map(canonicalHeaderValue).join(","))
  }

  const bodyHash = request.body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body)
  const claimedHash = headers.get("x-amz-content-sha256")?.[0]
  if (claimedHash !== undefined && claimedHash !== UNSIGNED_PAYLOAD && claimedHash !== bodyHash) {
    return fail(
      "PayloadHashMismatch",
      isPayloadHash(claimedHash)
        ? "The provided 'x-amz-content-sha256' header does not match what was computed."
        : signsClaimedPayloadHash(service)
        ? "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256 of the body."
        : "x-amz-content-sha256 must be the hex SHA-256 of the body."
    )
  }

  // A presigned URL signs every query parameter but its signature.
  const pairs = parseQueryString(rawQuery)
  // Everything but the query, computed once: IoT's second attempt below differs in the query alone.
  const signed = {
    method: request.method.toUpperCase(),
    canonicalPath: canonicalPath(rawPath, canonicalPathOptionsFor(service)),
    canonicalHeaders: lines.join("\n"),
    signedHeaders: claim.signedHeaders,
    // The hash the request claims (UNSIGNED-PAYLOAD too), but for API Gateway, which signs the body's.
    payloadHash: (signsClaimedPayloadHash(service) ? claimedHash : undefined) ?? (claim.presigned ? presignedPayloadHash(service) : undefined) ?? bodyHash
  }
  const signatureOver = (canonicalQuery: string) =>
    computeSignature({ ...signed, canonicalQuery }, { amzDate, dateStamp, region, service }, credentials.secretAccessKey)
  let parts = signatureOver(formatCanonicalQuery(claim.presigned ? pairs.filter(([key]) => key !== "X-Amz-Signature") : pairs))
  // AWS IoT's device gateway takes a presigned URL's token unsigned (appended after signing, as aws4fetch and this
  // signer do) or signed (the AWS SDK's presigner, Amplify): either verifies.
  if (claim.presigned && claim.sessionToken !== undefined && !presignSignsSessionToken(service) && !constantTimeEqual(parts.signature, claim.signature)) {
    parts = signatureOver(formatCanonicalQuery(pairs.filter(([key]) => key !== "X-Amz-Signature" && key !== "X-Amz-Security-Token")))
  }
  if (!constantTimeEqual(parts.signature, claim.signature)) {
    return fail("SignatureMismatch", signatureMismatchMessage(parts.canonicalRequest, parts.stringToSign), {
      canonicalRequest: parts.canonicalRequest,
      stringToSign: parts.stringToSign
    })
  }
  return {
    valid: true,
    accessKeyId,
    path: verifiedPath(rawPath, service),
    presigned: claim.presigned,
    signedHeaders: signedHeaderNames,
    amzDate,
    credentialScope: parts.credentialScope,
    bodySha256: bodyHash
  }
}
