/**
 * Tasks 1 to 4 put together: canonical request, string to sign, signature,
 * `Authorization` header. Every input is already canonical; the step files
 * beside this one produce them.
 *
 * @internal
 */
import { hmacSha256Hex, sha256Hex } from "#crypto"
import type { SignatureParts } from "../../SigV4.js"
import type { Secret } from "../secret.js"
import { signingKey } from "./signingKey.js"

export const ALGORITHM = "AWS4-HMAC-SHA256"

/** The six parts of a canonical request, each already in canonical form. */
export interface CanonicalParts {
  readonly method: string
  readonly canonicalPath: string
  readonly canonicalQuery: string
  /** `name:value` lines joined by `\n`, without the trailing newline. */
  readonly canonicalHeaders: string
  readonly signedHeaders: string
  readonly payloadHash: string
}

/** Where and when a signature is valid. */
export interface SigningScope {
  readonly amzDate: string
  readonly dateStamp: string
  readonly region: string
  readonly service: string
}

export const credentialScopeOf = (scope: SigningScope): string =>
  scope.dateStamp + "/" + scope.region + "/" + scope.service + "/aws4_request"

const formatCanonicalRequest = (parts: CanonicalParts): string =>
  parts.method + "\n" +
  parts.canonicalPath + "\n" +
  parts.canonicalQuery + "\n" +
  parts.canonicalHeaders + "\n\n" +
  parts.signedHeaders + "\n" +
  parts.payloadHash

/** Signs canonical parts: one SHA-256 of the canonical request and one HMAC with the cached key. */
export const computeSignature = (
  parts: CanonicalParts,
  scope: SigningScope,
  secretAccessKey: Secret
): SignatureParts => {
  const canonicalRequest = formatCanonicalRequest(parts)
  const credentialScope = credentialScopeOf(scope)
  const stringToSign = ALGORITHM + "\n" +
    scope.amzDate + "\n" +
    credentialScope + "\n" +
    sha256Hex(canonicalRequest)
  const key = signingKey(secretAccessKey, scope.dateStamp, scope.region, scope.service)
  const signature = hmacSha256Hex(key, stringToSign)
  return { canonicalRequest, stringToSign, credentialScope, signature }
}

/** `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex` */
export const formatAuthorization = (
  accessKeyId: string,
  credentialScope: string,
  signedHeaders: string,
  signature: string
): string =>
  ALGORITHM + " Credential=" + accessKeyId + "/" + credentialScope +
  ", SignedHeaders=" + signedHeaders + ", Signature=" + signature
