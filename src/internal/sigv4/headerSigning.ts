/**
 * Header signing, the one step every signature of this package goes through
 * (the facade, the Effect API, `SigV4.signHeaders`): from a request already
 * in canonical form, add `x-amz-date` (and the session token, and
 * `x-amz-content-sha256` where wanted), then compute the `Authorization`
 * header. For header signing, everything time- and credential-dependent
 * happens here, and only here: one SHA-256 of the canonical request and one HMAC
 * (`presign.ts` is its counterpart for query signing).
 *
 * @internal
 */
import type { SigningCredentials } from "../credentials.js"
import { Secret } from "../secret.js"
import { signingDate } from "./amzDate.js"
import { type CanonicalHeaderEntries, mergeCanonicalHeaders } from "./canonicalHeaders.js"
import type { SignatureParts } from "../../SigV4.js"
import { computeSignature, formatAuthorization } from "./signature.js"
import { type SignatureHeaderValues, X_AMZ_CONTENT_SHA256, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN } from "./signatureHeaders.js"

/** A request in canonical form: everything the signature covers that does not depend on time or credentials. */
export interface CanonicalInput {
  readonly method: string
  readonly canonicalPath: string
  readonly canonicalQuery: string
  /** Every signed header but the ones signing adds, `host` included. */
  readonly canonicalHeaders: CanonicalHeaderEntries
  readonly payloadHash: string
  /** True when the request carries its own `x-amz-content-sha256` (among `canonicalHeaders`). */
  readonly hasContentSha256: boolean
}

/** Where, and how, a signer signs. */
export interface SigningSettings {
  readonly region: string
  readonly service: string
  /** Sign x-amz-security-token (default) or add it unsigned, as the legacy STS flow did. */
  readonly signSessionToken: boolean
  /** Add and sign x-amz-content-sha256 (S3 needs it; API Gateway does not). */
  readonly contentSha256Header: boolean
}

/**
 * What header signing adds to a request (`x-amz-content-sha256` when
 * `contentSha256` is set, `x-amz-date`, `x-amz-security-token` when
 * `sessionToken` is set, `authorization`), and what it computed on the way.
 */
export interface HeaderSigningResult extends SignatureParts, SignatureHeaderValues {
  readonly signedHeaders: string
}

/** Signs a canonical request with the `Authorization` header at `epochMillis`: the one header-signing step. */
export const signCanonical = (
  input: CanonicalInput,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SigningSettings
): HeaderSigningResult => {
  const { amzDate, dateStamp } = signingDate(epochMillis)
  const token = credentials.sessionToken === undefined ? undefined : Secret.reveal(credentials.sessionToken)
  const addSha256 = settings.contentSha256Header && !input.hasContentSha256

  // Sorted by name, as the merge needs: x-amz-content-sha256 < x-amz-date < x-amz-security-token.
  const signed: Array<readonly [string, string]> = []
  if (addSha256) signed.push([X_AMZ_CONTENT_SHA256, input.payloadHash])
  signed.push([X_AMZ_DATE, amzDate])
  // A token is printable ASCII without spaces (checked when credentials enter): it is its own canonical value.
  if (token !== undefined && settings.signSessionToken) signed.push([X_AMZ_SECURITY_TOKEN, token])
  const canonical = mergeCanonicalHeaders(input.canonicalHeaders, signed)

  const parts = computeSignature(
    {
      method: input.method,
      canonicalPath: input.canonicalPath,
      canonicalQuery: input.canonicalQuery,
      canonicalHeaders: canonical.lines,
      signedHeaders: canonical.signedHeaders,
      payloadHash: input.payloadHash
    },
    { amzDate, dateStamp, region: settings.region, service: settings.service },
    credentials.secretAccessKey
  )
  // Fields listed one by one: an object spread here cost a third of a signature (measured with --cpu-prof).
  return {
    canonicalRequest: parts.canonicalRequest,
    stringToSign: parts.stringToSign,
    credentialScope: parts.credentialScope,
    signature: parts.signature,
    contentSha256: addSha256 ? input.payloadHash : undefined,
    amzDate,
    sessionToken: token,
    authorization: formatAuthorization(credentials.accessKeyId, parts.credentialScope, canonical.signedHeaders, parts.signature),
    signedHeaders: canonical.signedHeaders
  }
}
