/**
 * The headers a signature consists of: the signer writes them, a caller may
 * not (x-amz-content-sha256 excepted, when it matches the body), and a
 * gateway strips them before forwarding a verified request.
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
