/**
 * What the server side of SigV4 may show of a request outside the answer to
 * its caller: the session token and the signature redacted, wherever a
 * request target, a query or a canonical request would quote them.
 *
 * The session token is a credential. A signature is one too, for a while: a
 * presigned URL's `X-Amz-Signature` authorizes its request until the URL
 * expires (up to 7 days), and even a refused request's signature may be valid
 * for the request as it was signed (a proxy changed the path on the way). So
 * neither goes into an access log, an error message or a backend's query.
 *
 * A parameter counts as the token or the signature by its name as the
 * verifier reads it (percent-decoded), in any case: `X-Amz-Signature`,
 * `x-amz-signature`, `X%2DAmz%2DSignature`. The string to sign holds neither
 * (algorithm, date, scope, hash) and is left alone.
 *
 * @internal
 */
import type { VerifyFailure } from "../../SigV4.js"
import { REDACTED } from "../scrub.js"
import { decodeParam } from "./uriEncoding.js"

const SECRET_PARAMETERS: ReadonlySet<string> = new Set(["x-amz-security-token", "x-amz-signature"])

/** Whether a query parameter, by its decoded name, carries the session token or the signature. */
export const isSecretParameterName = (name: string): boolean => SECRET_PARAMETERS.has(name.toLowerCase())

/** Whether a query parameter, named as received (percent-encoded), carries the session token or the signature. */
const isSecretParameter = (rawName: string): boolean => isSecretParameterName(decodeParam(rawName))

/** A raw query (what follows `?`) with the token's and the signature's values as `<redacted>`, every other byte as received. */
const redactQuery = (rawQuery: string): string =>
  rawQuery.split("&").map((piece) => {
    const equals = piece.indexOf("=")
    return equals === -1 || equals === piece.length - 1 || !isSecretParameter(piece.slice(0, equals)) ? piece : piece.slice(0, equals + 1) + REDACTED
  }).join("&")

/** A request target (`/path?query`, as received) with the token's and the signature's values as `<redacted>`. */
export const redactTarget = (target: string): string => {
  const mark = target.indexOf("?")
  return mark === -1 ? target : target.slice(0, mark + 1) + redactQuery(target.slice(mark + 1))
}

const TOKEN_HEADER = "x-amz-security-token:"

// The signature of an Authorization header: `Signature=` and what follows, up to a comma or space.
const AUTHORIZATION_SIGNATURE = /(^|[\s,])(Signature=)[^\s,]+/g

/** An Authorization header's value with its signature as `<redacted>` (the credential scope and signed headers kept). */
export const redactAuthorization = (authorization: string): string => authorization.replace(AUTHORIZATION_SIGNATURE, "$1$2" + REDACTED)

/**
 * A canonical request with the session token (its header line, its query
 * parameter) and any signature in the query as `<redacted>`. Lines: method,
 * path, query, headers up to a blank line, signed headers, payload hash.
 */
export const redactCanonicalRequest = (canonicalRequest: string): string => {
  const lines = canonicalRequest.split("\n")
  if (lines.length > 2) lines[2] = redactQuery(lines[2]!)
  for (let i = 3; i < lines.length && lines[i] !== ""; i++) {
    if (lines[i]!.startsWith(TOKEN_HEADER) && lines[i]!.length > TOKEN_HEADER.length) lines[i] = TOKEN_HEADER + REDACTED
  }
  return lines.join("\n")
}

/**
 * A failure as it may be shown, logged and thrown: a signature mismatch's
 * canonical request, and the message that quotes it, with the token and
 * signature redacted. The other failures quote neither.
 */
export const redactFailure = (failure: VerifyFailure): VerifyFailure => {
  if (failure.canonicalRequest === undefined) return failure
  const canonicalRequest = redactCanonicalRequest(failure.canonicalRequest)
  if (canonicalRequest === failure.canonicalRequest) return failure
  return {
    ...failure,
    message: failure.message.split(failure.canonicalRequest).join(canonicalRequest),
    canonicalRequest
  }
}
