/**
 * The part of signing that depends on time and credentials: done once per
 * attempt, on a request prepared once.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type { AwsCredentials } from "../Credentials.js"
import type { SignedRequest } from "../SignedRequest.js"
import type { PreparedRequest } from "./prepareRequest.js"
import { signingDate } from "./sigv4/amzDate.js"
import { canonicalHeaders } from "./sigv4/canonicalHeaders.js"
import { canonicalPath } from "./sigv4/canonicalPath.js"
import { computeSignature, formatAuthorization, type SignatureParts } from "./sigv4/signature.js"

/** Where a signer signs for, resolved once. */
export interface SigningSettings {
  readonly region: string
  readonly service: string
  /** Sign x-amz-security-token (default) or add it unsigned, as the legacy STS flow did. */
  readonly signSessionToken: boolean
  /** Add and sign x-amz-content-sha256 (S3 needs it; API Gateway does not). */
  readonly contentSha256Header: boolean
  readonly normalizePath: boolean
  readonly doubleEncodePath: boolean
}

export interface SignedWithDetails {
  readonly request: SignedRequest
  readonly details: SignatureParts & { readonly signedHeaders: string; readonly authorization: string }
}

export const signPrepared = (
  prepared: PreparedRequest,
  credentials: AwsCredentials,
  epochMillis: number,
  settings: SigningSettings
): SignedWithDetails => {
  const { amzDate, dateStamp } = signingDate(epochMillis)
  const token = credentials.sessionToken === undefined ? undefined : Redacted.value(credentials.sessionToken)
  const headers: Record<string, string> = { ...prepared.headers }
  const signable = prepared.signable.slice()
  signable.push(["x-amz-date", amzDate])
  if (token !== undefined && settings.signSessionToken) signable.push(["x-amz-security-token", token])
  if (settings.contentSha256Header && !prepared.hasContentSha256) {
    signable.push(["x-amz-content-sha256", prepared.payloadHash])
    headers["x-amz-content-sha256"] = prepared.payloadHash
  }
  const canonical = canonicalHeaders(signable)
  const parts = computeSignature(
    {
      method: prepared.method,
      canonicalPath: canonicalPath(prepared.path, {
        normalize: settings.normalizePath,
        doubleEncode: settings.doubleEncodePath
      }),
      canonicalQuery: prepared.query,
      canonicalHeaders: canonical.lines,
      signedHeaders: canonical.signedHeaders,
      payloadHash: prepared.payloadHash
    },
    { amzDate, dateStamp, region: settings.region, service: settings.service },
    credentials.secretAccessKey
  )
  const authorization = formatAuthorization(
    credentials.accessKeyId,
    parts.credentialScope,
    canonical.signedHeaders,
    parts.signature
  )
  headers["x-amz-date"] = amzDate
  if (token !== undefined) headers["x-amz-security-token"] = token
  headers["authorization"] = authorization
  const request: SignedRequest = prepared.body === undefined
    ? { url: prepared.url, method: prepared.method, headers }
    : { url: prepared.url, method: prepared.method, headers, body: prepared.body }
  return { request, details: { ...parts, signedHeaders: canonical.signedHeaders, authorization } }
}
