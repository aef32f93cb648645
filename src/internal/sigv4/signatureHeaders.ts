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

/** Lower-case names, in the order the signer adds them. */
export const SIGNATURE_HEADERS: ReadonlyArray<string> = [X_AMZ_CONTENT_SHA256, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN, AUTHORIZATION]

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
