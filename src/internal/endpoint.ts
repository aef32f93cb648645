/**
 * The endpoint a signer is bound to, parsed once, and the region it implies.
 *
 * @internal
 */
import type { Endpoint } from "../Signer.js"
import { SigningError } from "../SigningError.js"
import { displayUrl, redactAuthParameters } from "./scrub.js"
import { normalizeEncoding } from "./sigv4/uriEncoding.js"

const EXAMPLE = "https://API_ID.execute-api.REGION.amazonaws.com/STAGE"

const invalid = (message: string): SigningError => new SigningError({ reason: "InvalidEndpoint", message })

export const parseEndpoint = (endpoint: unknown): Endpoint => {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw invalid(`No endpoint: pass the API's invoke URL, e.g. ${EXAMPLE}.`)
  }
  const text = endpoint.trim()
  // Messages show the endpoint without its query, fragment or user info: a presigned URL passed
  // here by mistake carries its session token in the query.
  // A presigned URL's credentials can sit in the path too, when the URL is malformed.
  const shown = JSON.stringify(redactAuthParameters(displayUrl(text)))
  if (/[?#]/.test(text)) {
    throw invalid(
      `The endpoint ${shown} carries a query or fragment (not shown); pass the bare invoke URL (${EXAMPLE}) and put query parameters in queryParams.`
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalid(`The endpoint ${shown} is not an absolute URL; expected e.g. ${EXAMPLE}.`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(`The endpoint must be an http(s) URL; ${shown} uses ${url.protocol}. Expected e.g. ${EXAMPLE}.`)
  }
  if (url.username !== "" || url.password !== "") {
    throw invalid("The endpoint contains a user name or password; remove them (requests are authorized by the signature).")
  }
  if (url.hostname === "") throw invalid(`The endpoint ${shown} has no host.`)
  const trimmed = url.pathname.endsWith("/") ? url.pathname.slice(0, -1) : url.pathname
  const segments = trimmed === "" ? [] : trimmed.slice(1).split("/").map(normalizeEncoding)
  const basePath = segments.length === 0 ? "" : "/" + segments.join("/")
  return {
    origin: url.origin,
    host: url.host,
    hostname: url.hostname,
    basePath,
    baseSegments: segments.length,
    href: url.origin + basePath
  }
}

/**
 * The IAM-authorized endpoints people call from Lambda, and the service each
 * signs for: API Gateway ({api-id}.execute-api.{region}.amazonaws.com[.cn],
 * and the .vpce. form of private APIs), Lambda function URLs
 * ({id}.lambda-url.{region}.on.aws) and AppSync
 * ({id}.appsync-api.{region}.amazonaws.com).
 */
const SERVICE_HOSTS: ReadonlyArray<readonly [pattern: RegExp, service: string]> = [
  [/\.execute-api\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/, "execute-api"],
  [/\.lambda-url\.([a-z0-9-]+)\.on\.aws$/, "lambda"],
  [/\.appsync-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/, "appsync"]
]

/** The region and service a known AWS host names, if it is one. */
export const scopeFromHostname = (hostname: string): { readonly region: string; readonly service: string } | undefined => {
  for (const [pattern, service] of SERVICE_HOSTS) {
    const match = pattern.exec(hostname.toLowerCase())
    if (match !== null) return { region: match[1]!, service }
  }
  return undefined
}

export const regionFromHostname = (hostname: string): string | undefined => scopeFromHostname(hostname)?.region

const SCOPE_PART = /^[a-z0-9][a-z0-9-]*$/

/** A region or service goes into the credential scope, where `/` or a space would corrupt it. */
export const validateScopePart = (kind: "region" | "service", value: string): string => {
  if (!SCOPE_PART.test(value)) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `The ${kind} ${JSON.stringify(value)} is not valid: use lower-case letters, digits and dashes, e.g. ${
        kind === "region" ? "us-east-1" : "execute-api"
      }.`
    })
  }
  return value
}

export const missingRegion = (endpoint: Endpoint): SigningError =>
  new SigningError({
    reason: "MissingRegion",
    message: `No region: ${endpoint.hostname} does not name one (as *.execute-api.REGION.amazonaws.com does). ` +
      "Pass region (e.g. \"us-east-1\"), or set AWS_REGION."
  })
