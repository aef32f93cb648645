/**
 * The part of signing that depends on time and credentials: done once per
 * attempt, on a request prepared once. Everything else (URL, canonical path,
 * the caller's canonical headers, payload hash) was settled by prepareRequest,
 * so this is one merge, one SHA-256 and one HMAC.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type { AwsCredentials } from "../Credentials.js"
import type { SignedRequest } from "../SignedRequest.js"
import type { PreparedRequest } from "./prepareRequest.js"
import { signingDate } from "./sigv4/amzDate.js"
import { canonicalHeaderValue } from "./sigv4/canonicalHeaders.js"
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

export interface SignedWithDetails extends SignatureParts {
  readonly request: SignedRequest
  readonly signedHeaders: string
  readonly authorization: string
  /** The credentials it was signed with (retries scrub their secrets from messages). */
  readonly credentials: AwsCredentials
}

/**
 * Canonical header lines and the SignedHeaders list: the prepared entries
 * (sorted) merged with the ones signing adds (given sorted: x-amz-content-sha256
 * < x-amz-date < x-amz-security-token).
 */
const mergeCanonicalHeaders = (
  prepared: ReadonlyArray<readonly [string, string]>,
  added: ReadonlyArray<readonly [string, string]>
): { readonly lines: string; readonly signedHeaders: string } => {
  let lines = ""
  let signedHeaders = ""
  let i = 0
  let j = 0
  while (i < prepared.length || j < added.length) {
    const next = j >= added.length || (i < prepared.length && prepared[i]![0] < added[j]![0]) ? prepared[i++]! : added[j++]!
    lines += (lines === "" ? "" : "\n") + next[0] + ":" + next[1]
    signedHeaders += (signedHeaders === "" ? "" : ";") + next[0]
  }
  return { lines, signedHeaders }
}

export const signPreparedWithDetails = (
  prepared: PreparedRequest,
  credentials: AwsCredentials,
  epochMillis: number,
  settings: SigningSettings
): SignedWithDetails => {
  const { amzDate, dateStamp } = signingDate(epochMillis)
  const token = credentials.sessionToken === undefined ? undefined : Redacted.value(credentials.sessionToken)
  const addSha256 = settings.contentSha256Header && !prepared.hasContentSha256

  const added: Array<readonly [string, string]> = []
  if (addSha256) added.push(["x-amz-content-sha256", prepared.payloadHash])
  added.push(["x-amz-date", amzDate])
  if (token !== undefined && settings.signSessionToken) added.push(["x-amz-security-token", canonicalHeaderValue(token)])
  const canonical = mergeCanonicalHeaders(prepared.canonicalHeaders, added)

  const parts = computeSignature(
    {
      method: prepared.method,
      canonicalPath: prepared.canonicalPath,
      canonicalQuery: prepared.query,
      canonicalHeaders: canonical.lines,
      signedHeaders: canonical.signedHeaders,
      payloadHash: prepared.payloadHash
    },
    { amzDate, dateStamp, region: settings.region, service: settings.service },
    credentials.secretAccessKey
  )
  const authorization = formatAuthorization(credentials.accessKeyId, parts.credentialScope, canonical.signedHeaders, parts.signature)

  const headers: Record<string, string> = {}
  for (const name in prepared.headers) headers[name] = prepared.headers[name]!
  if (addSha256) headers["x-amz-content-sha256"] = prepared.payloadHash
  headers["x-amz-date"] = amzDate
  if (token !== undefined) headers["x-amz-security-token"] = token
  headers["authorization"] = authorization
  const request: SignedRequest = prepared.body === undefined
    ? { url: prepared.url, method: prepared.method, headers }
    : { url: prepared.url, method: prepared.method, headers, body: prepared.body }
  return {
    request,
    canonicalRequest: parts.canonicalRequest,
    stringToSign: parts.stringToSign,
    credentialScope: parts.credentialScope,
    signature: parts.signature,
    signedHeaders: canonical.signedHeaders,
    authorization,
    credentials
  }
}

/** Signs a prepared request: the request to send. */
export const signPrepared = (
  prepared: PreparedRequest,
  credentials: AwsCredentials,
  epochMillis: number,
  settings: SigningSettings
): SignedRequest => signPreparedWithDetails(prepared, credentials, epochMillis, settings).request
