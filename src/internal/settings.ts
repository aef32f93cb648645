/**
 * Signer options resolved once: the endpoint (and where requests are sent)
 * parsed, the region and service found, and how paths are canonicalized for
 * that service.
 *
 * @internal
 */
import type { Service, SignerOptions } from "../Signer.js"
import { invalidConfig } from "./signingErrors.js"
import { addsContentSha256, canonicalPathOptionsFor } from "./sigv4/serviceRules.js"
import { describe } from "./request/describe.js"
import { ENVIRONMENT_REGION, missingRegion, parseEndpoint, parseSendTo, regionFromHostname, scopeFromHostname, validateScopePart } from "./endpoint.js"

/** A signer's settings, resolved: `Signer.Service` without its state (the Effect API's clock offset). */
export type ResolvedSigner = Omit<Service, "clockOffset">

/** `environmentRegion` is AWS_REGION as the caller read it (process.env or Effect Config). */
export const resolveSigner = (options: SignerOptions, environmentRegion: string | undefined): ResolvedSigner => {
  const endpoint = parseEndpoint(options.endpoint)
  const sendTo = parseSendTo(options.sendTo, endpoint)
  const fromHost = scopeFromHostname(endpoint.hostname)
  const given = textOption("region", options.region, "us-east-1") ?? fromHost?.region
  const region = given ?? nonEmpty(environmentRegion)
  if (region === undefined) throw missingRegion(endpoint)
  validateScopePart("region", region, given === undefined ? ENVIRONMENT_REGION : undefined)
  // The service the host names (execute-api, lambda for function URLs, appsync), unless one is given.
  const service = validateScopePart("service", textOption("service", options.service, "execute-api") ?? fromHost?.service ?? "execute-api")
  const paths = canonicalPathOptionsFor(service)
  return {
    endpoint,
    origin: endpoint.origin,
    sendTo,
    region,
    service,
    signSessionToken: flagOption("signSessionToken", options.signSessionToken, true),
    contentSha256Header: flagOption("contentSha256Header", options.contentSha256Header, addsContentSha256(service)),
    normalizePath: paths.normalize,
    doubleEncodePath: paths.doubleEncode
  }
}

/** Whether resolving needs AWS_REGION: only when neither the options nor the host give a region. */
export const needsEnvironmentRegion = (options: SignerOptions): boolean => {
  try {
    if (nonEmpty(options.region) !== undefined) return false
    return regionFromHostname(parseEndpoint(options.endpoint).hostname) === undefined
  } catch {
    return false // resolveSigner reports the error (an unusable endpoint, options that throw when read) itself
  }
}

const nonEmpty = (value: string | undefined): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/**
 * A text option, trimmed; absent when `undefined`, `null` or blank (as the
 * original package read them). Any other type is refused, not ignored: a
 * `region: 5` must not quietly become the host's region.
 */
export const textOption = (name: string, value: unknown, example: string): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== "string") {
    throw invalidConfig(`${name} must be a string such as "${example}"; got ${describe(value)}.`)
  }
  return nonEmpty(value)
}

/**
 * A true/false option; `fallback` when `undefined` or `null`. Anything else is
 * refused, not coerced: `signSessionToken: 0` or `"false"` must not decide
 * whether the session token is signed.
 */
export const flagOption = (name: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined || value === null) return fallback
  if (typeof value !== "boolean") {
    throw invalidConfig(`${name} must be true or false; got ${describe(value)}.`)
  }
  return value
}
