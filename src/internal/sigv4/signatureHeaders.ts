/**
 * What a signature consists of on the wire: the headers of header signing
 * (the signer writes them, a caller may not, x-amz-content-sha256 excepted
 * when it matches the body) and the query parameters of query signing (a
 * presigned URL). A gateway strips both before forwarding a verified request.
 *
 * @internal
 */

export const AUTHORIZATION = "authorization"
export const X_AMZ_DATE = "x-amz-date"
export const X_AMZ_SECURITY_TOKEN = "x-amz-security-token"
export const X_AMZ_CONTENT_SHA256 = "x-amz-content-sha256"

/** Lower-case names, in the order the signer adds them (`addSignatureHeaders`). */
export const SIGNATURE_HEADERS: ReadonlyArray<string> = [X_AMZ_CONTENT_SHA256, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN, AUTHORIZATION]

/** The values of one header signature; an undefined one is a header it does not add. */
export interface SignatureHeaderValues {
  readonly contentSha256: string | undefined
  readonly amzDate: string
  readonly sessionToken: string | undefined
  readonly authorization: string
}

/**
 * Writes the headers of a signature into `headers`, in the order above: the one
 * place that does. `authorizationName` is how the Authorization header is spelled
 * (the facade writes `Authorization`, as the original package did).
 */
export const addSignatureHeaders = (
  headers: Record<string, string>,
  signature: SignatureHeaderValues,
  authorizationName: string = AUTHORIZATION
): Record<string, string> => {
  if (signature.contentSha256 !== undefined) headers[X_AMZ_CONTENT_SHA256] = signature.contentSha256
  headers[X_AMZ_DATE] = signature.amzDate
  if (signature.sessionToken !== undefined) headers[X_AMZ_SECURITY_TOKEN] = signature.sessionToken
  headers[authorizationName] = signature.authorization
  return headers
}

const names: ReadonlySet<string> = new Set(SIGNATURE_HEADERS)

/** True for a lower-case header name that belongs to the signature. */
export const isSignatureHeader = (lowerCaseName: string): boolean => names.has(lowerCaseName)

/** The query parameters of a presigned URL's signature. */
export const PRESIGN_PARAMETERS: ReadonlySet<string> = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Security-Token",
  "X-Amz-Signature"
])
