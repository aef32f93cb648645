/**
 * Signer options resolved once: the endpoint parsed, the region and service
 * found, and how paths are canonicalized for that service.
 *
 * @internal
 */
import { type Endpoint, missingRegion, parseEndpoint, regionFromHostname, validateScopePart } from "./endpoint.js"
import type { PrepareSettings } from "./request/prepare.js"
import type { SigningSettings } from "./sigv4/signRequest.js"

/** What a signer is configured with, in both APIs. */
export interface SignerOptions {
  /** The invoke URL, stage included: `https://API_ID.execute-api.REGION.amazonaws.com/STAGE`. */
  readonly endpoint: string
  /** Default: read from the endpoint's host, else AWS_REGION. */
  readonly region?: string | undefined
  /** Default `execute-api`. */
  readonly service?: string | undefined
  /** Sign x-amz-security-token (default true); false adds it unsigned, as the original package did. */
  readonly signSessionToken?: boolean | undefined
  /** Add and sign x-amz-content-sha256 (default false; true for service `s3`). */
  readonly contentSha256Header?: boolean | undefined
}

export interface ResolvedSigner extends SigningSettings, PrepareSettings {
  readonly endpoint: Endpoint
  /** The endpoint's origin, where presigned URLs point. */
  readonly origin: string
}

/** `environmentRegion` is AWS_REGION as the caller read it (process.env or Effect Config). */
export const resolveSigner = (options: SignerOptions, environmentRegion: string | undefined): ResolvedSigner => {
  const endpoint = parseEndpoint(options.endpoint)
  const given = nonEmpty(options.region)
  const region = given ?? regionFromHostname(endpoint.hostname) ?? nonEmpty(environmentRegion)
  if (region === undefined) throw missingRegion(endpoint)
  const service = validateScopePart("service", nonEmpty(options.service) ?? "execute-api")
  const s3 = service === "s3"
  return {
    endpoint,
    origin: endpoint.origin,
    region: validateScopePart("region", region),
    service,
    signSessionToken: options.signSessionToken ?? true,
    contentSha256Header: options.contentSha256Header ?? s3,
    normalizePath: !s3,
    doubleEncodePath: !s3
  }
}

/** Whether resolving needs AWS_REGION: only when neither the options nor the host give a region. */
export const needsEnvironmentRegion = (options: SignerOptions): boolean => {
  if (nonEmpty(options.region) !== undefined) return false
  try {
    return regionFromHostname(parseEndpoint(options.endpoint).hostname) === undefined
  } catch {
    return false // resolveSigner reports the endpoint error itself
  }
}

const nonEmpty = (value: string | undefined): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined
