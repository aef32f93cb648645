/**
 * Query signing (a presigned URL): the signature and everything it needs
 * travel as `X-Amz-*` query parameters, so the URL alone authorizes the
 * request until it expires. Only the headers of the request are signed
 * (normally just `host`), and they must be sent with it.
 *
 * @internal
 */
import { invalidConfig } from "../signingErrors.js"
import { describe } from "../request/describe.js"
import { isHeaders, isKeyedCollection, isURLSearchParams } from "../brand.js"
import type { SigningCredentials } from "../credentials.js"
import { Secret } from "../secret.js"
import { signingDate } from "./amzDate.js"
import { mergeCanonicalHeaders } from "./canonicalHeaders.js"
import { type EncodedQueryPair, joinQueryPairs, sortQueryPairs } from "./canonicalQuery.js"
import type { SignatureParts } from "../../SigV4.js"
import { ALGORITHM, computeSignature, credentialScopeOf } from "./signature.js"
import { presignedPayloadHash } from "./serviceRules.js"
import { PRESIGN_PARAMETERS } from "./signatureHeaders.js"
import type { CanonicalInput, SigningSettings } from "./headerSigning.js"
import { uriEncode } from "./uriEncoding.js"

/** A request in canonical form, with its query as pairs: presigning adds to them. */
export interface PresignInput extends Omit<CanonicalInput, "canonicalQuery" | "hasContentSha256"> {
  readonly queryPairs: ReadonlyArray<EncodedQueryPair>
  /** True when the caller chose `payloadHash` (an `x-amz-content-sha256` header, an option): it is signed as given. */
  readonly payloadHashGiven: boolean
}

/** The result of query signing. */
export interface QuerySigningResult extends SignatureParts {
  /** The query to send: the canonical query with every `X-Amz-*` parameter, the signature last. */
  readonly query: string
  readonly amzDate: string
  readonly signedHeaders: string
}

/** Longest validity of a presigned URL, in seconds (7 days). */
export const MAX_EXPIRES_IN = 604800

/** Validity of a presigned URL when none is asked for, in seconds (15 minutes, as the AWS SDK for JavaScript's getSignedUrl). */
const DEFAULT_EXPIRES_IN = 900

/** The expiry of presign options (`{ expiresIn? }`, or none): checked, or the default. */
export const expiresInOf = (options: unknown): number => {
  if (options === undefined) return DEFAULT_EXPIRES_IN
  if (typeof options !== "object" || options === null) {
    throw invalidConfig(`Presign options must be an object such as { expiresIn: 900 }; got ${options === null ? "null" : typeof options}.`)
  }
  const { expiresIn } = options as { readonly expiresIn?: unknown }
  // A Map, URLSearchParams, Headers or an array holds what it holds where options are not read: its expiresIn
  // would go unread.
  if (Array.isArray(options) || isKeyedCollection(options) || isURLSearchParams(options) || isHeaders(options)) {
    throw invalidConfig(`Presign options must be an object such as { expiresIn: 900 }; got ${describe(options)}.`)
  }
  refuseMisnamedExpiry(options, expiresIn)
  return expiresIn === undefined ? DEFAULT_EXPIRES_IN : checkExpiresIn(expiresIn)
}

// The validity under other APIs' names: the SDK v2's Expires, boto3's ExpiresIn, the query's X-Amz-Expires, ...
const MISNAMED_EXPIRY = /^(?:x-?amz-?)?expir(?:es|y|ation)(?:-?in)?(?:-?seconds)?$/i

/**
 * Any option but expiresIn was never read, and the only other thing one can mean is how long the URL lives
 * (`Expires`, `expiry`, the result's own `expiresAt` passed back): the URL would live for the default
 * 15 minutes, or for expiresIn, whatever was asked. Refused, unless it is a validity that says the same as
 * expiresIn.
 */
const refuseMisnamedExpiry = (options: object, expiresIn: unknown): void => {
  for (const key of Object.keys(options)) {
    if (key === "expiresIn") continue
    const value = (options as Record<string, unknown>)[key]
    // (An undefined one says nothing: a spread of optional fields, `{ ...defaults, Expires: undefined }`.)
    if (value !== undefined && !(MISNAMED_EXPIRY.test(key) && value === expiresIn)) {
      throw invalidConfig(
        `${MISNAMED_EXPIRY.test(key) ? JSON.stringify(key) : describe(key)} is not a presign option, so it was not read: the one option is expiresIn, ` +
          "the URL's validity in seconds (e.g. { expiresIn: 60 })."
      )
    }
  }
}

const checkExpiresIn = (expiresIn: unknown): number => {
  if (typeof expiresIn !== "number" || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw invalidConfig(
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days); got ${typeof expiresIn === "number" ? String(expiresIn) : typeof expiresIn}.`
    )
  }
  return expiresIn
}

/** Signs a canonical request in its query (a presigned URL) at `epochMillis`, valid for `expiresIn` seconds. */
export const presignCanonical = (
  input: PresignInput,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SigningSettings,
  expiresIn: number
): QuerySigningResult => {
  checkExpiresIn(expiresIn)
  const { amzDate, dateStamp } = signingDate(epochMillis)
  const scope = { amzDate, dateStamp, region: settings.region, service: settings.service }
  const credentialScope = credentialScopeOf(scope)
  const headers = mergeCanonicalHeaders(input.canonicalHeaders, [])
  const token = credentials.sessionToken === undefined ? undefined : Secret.reveal(credentials.sessionToken)

  // Values the target already has for the signature's own parameters are replaced (SigV4.presign's
  // documented behaviour: a presigned target presigned again is refreshed); presignPrepared refuses them first.
  const pairs: Array<EncodedQueryPair> = input.queryPairs.filter(([key]) => !PRESIGN_PARAMETERS.has(key))
  pairs.push(
    ["X-Amz-Algorithm", ALGORITHM],
    ["X-Amz-Credential", uriEncode(credentials.accessKeyId + "/" + credentialScope)],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(expiresIn)],
    ["X-Amz-SignedHeaders", uriEncode(headers.signedHeaders)]
  )
  if (token !== undefined && settings.signSessionToken) pairs.push(["X-Amz-Security-Token", uriEncode(token)])
  const canonicalQuery = joinQueryPairs(sortQueryPairs(pairs))
  const parts = computeSignature(
    {
      method: input.method,
      canonicalPath: input.canonicalPath,
      canonicalQuery,
      canonicalHeaders: headers.lines,
      signedHeaders: headers.signedHeaders,
      // S3 signs UNSIGNED-PAYLOAD into presigned URLs, unless the caller chose a hash, which servers then check.
      payloadHash: input.payloadHashGiven ? input.payloadHash : presignedPayloadHash(settings.service) ?? input.payloadHash
    },
    scope,
    credentials.secretAccessKey
  )
  const unsignedToken = token !== undefined && !settings.signSessionToken ? "&X-Amz-Security-Token=" + uriEncode(token) : ""
  return {
    ...parts,
    query: canonicalQuery + unsignedToken + "&X-Amz-Signature=" + parts.signature,
    amzDate,
    signedHeaders: headers.signedHeaders
  }
}
