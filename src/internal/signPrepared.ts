/**
 * Signing a prepared request, per attempt: header signing (or query signing)
 * of what `prepareRequest` settled once, and the request to send. Shared by
 * the facade and the Effect API.
 *
 * @internal
 */
import type { PresignedRequest, SignedRequest } from "../SignedRequest.js"
import { invalidRequest } from "./signingErrors.js"
import type { SigningCredentials } from "./credentials.js"
import type { PreparedRequest } from "./request/prepare.js"
import { presignCanonical } from "./sigv4/presign.js"
import type { SignatureParts } from "../SigV4.js"
import { addSignatureHeaders, PRESIGN_PARAMETERS } from "./sigv4/signatureHeaders.js"
import { type HeaderSigningResult, signCanonical, type SigningSettings } from "./sigv4/headerSigning.js"
import { presignSignsSessionToken } from "./sigv4/serviceRules.js"

export interface SignedWithDetails extends SignatureParts {
  readonly request: SignedRequest
  readonly signedHeaders: string
  readonly authorization: string
  /** The credentials it was signed with (retries scrub their secrets from messages). */
  readonly credentials: SigningCredentials
}

/** How a signer signs, and how it names the Authorization header it adds (the facade: `Authorization`, as the original). */
export interface SignedRequestSettings extends SigningSettings {
  readonly authorizationName?: string | undefined
}

/** The request to send: the prepared one with the signature's headers added. */
const signedRequestOf = (prepared: PreparedRequest, signature: HeaderSigningResult, authorizationName: string | undefined): SignedRequest => {
  const headers: Record<string, string> = {}
  for (const name in prepared.headers) headers[name] = prepared.headers[name]!
  addSignatureHeaders(headers, signature, authorizationName)
  return prepared.body === undefined
    ? { url: prepared.url, method: prepared.method, headers, redirect: "manual" }
    : { url: prepared.url, method: prepared.method, headers, body: prepared.body, redirect: "manual" }
}

/** Signs a prepared request: the request to send. */
export const signPrepared = (
  prepared: PreparedRequest,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SignedRequestSettings
): SignedRequest => signedRequestOf(prepared, signCanonical(prepared, credentials, epochMillis, settings), settings.authorizationName)

/** Signs a prepared request: the request to send, and what the signature computed on the way (for spans and errors). */
export const signPreparedWithDetails = (
  prepared: PreparedRequest,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SignedRequestSettings
): SignedWithDetails => {
  const signature = signCanonical(prepared, credentials, epochMillis, settings)
  return {
    request: signedRequestOf(prepared, signature, settings.authorizationName),
    canonicalRequest: signature.canonicalRequest,
    stringToSign: signature.stringToSign,
    credentialScope: signature.credentialScope,
    signature: signature.signature,
    signedHeaders: signature.signedHeaders,
    authorization: signature.authorization,
    credentials
  }
}

/**
 * When a presigned URL stops working: `expiresIn` seconds after its signing time (whole seconds, as
 * X-Amz-Date), or when the session token it carries expires, if that is sooner (AWS: the URL then
 * expires with its token, whatever X-Amz-Expires says). Keys without a token do not expire that way.
 */
const validUntil = (epochMillis: number, expiresIn: number, credentials: SigningCredentials): number => {
  const asked = Math.floor(epochMillis / 1000) * 1000 + expiresIn * 1000
  return credentials.sessionToken === undefined || credentials.expiration === undefined ? asked : Math.min(asked, credentials.expiration)
}

/** A presigned request, and what its signature was computed from (for diagnosis: `-v`, a 403's comparison). */
export interface PresignedWithDetails extends SignatureParts {
  readonly request: PresignedRequest
  readonly signedHeaders: string
}

/** Presigns a prepared request: the URL carries the signature; the headers (if any) go with it. */
export const presignPrepared = (
  prepared: PreparedRequest,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SigningSettings,
  expiresIn: number
): PresignedRequest => presignPreparedWithDetails(prepared, credentials, epochMillis, settings, expiresIn).request

/** Presigns a prepared request (`presignPrepared`), and returns what the signature computed on the way. */
export const presignPreparedWithDetails = (
  prepared: PreparedRequest,
  credentials: SigningCredentials,
  epochMillis: number,
  settings: SigningSettings,
  expiresIn: number
): PresignedWithDetails => {
  const clash = prepared.queryPairs.find(([key]) => PRESIGN_PARAMETERS.has(key))
  if (clash !== undefined) {
    throw invalidRequest(
      "queryParams",
      `Query parameter ${clash[0]} is one a presigned URL writes for its own signature, so it cannot also be yours; ` +
        "rename it, or sign with headers (signRequest), where it travels as given."
    )
  }
  // The token is signed here whatever signSessionToken says (it is about the header, the 2.x behaviour): API
  // Gateway (as Lambda URLs and AppSync) signs every query parameter but X-Amz-Signature, so an unsigned one never
  // verifies. AWS IoT's device gateway is the exception: it wants the token appended after signing.
  const presigned = presignCanonical(
    { ...prepared, payloadHashGiven: prepared.hasContentSha256 },
    credentials,
    epochMillis,
    { ...settings, signSessionToken: presignSignsSessionToken(settings.service) },
    expiresIn
  )
  const base = {
    url: prepared.address + "?" + presigned.query,
    method: prepared.method,
    headers: { ...prepared.headers },
    expiresAt: new Date(validUntil(epochMillis, expiresIn, credentials))
  }
  return {
    request: prepared.body === undefined ? base : { ...base, body: prepared.body },
    canonicalRequest: presigned.canonicalRequest,
    stringToSign: presigned.stringToSign,
    credentialScope: presigned.credentialScope,
    signature: presigned.signature,
    signedHeaders: presigned.signedHeaders
  }
}
