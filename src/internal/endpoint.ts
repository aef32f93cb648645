/**
 * The endpoint a signer is bound to, parsed once, and the region it implies.
 *
 * @internal
 */
import { normalizeEncoding } from "./sigv4/uriEncoding.js"
import type { Endpoint } from "../Signer.js"
import { SigningError } from "../SigningError.js"


const EXAMPLE = "https://API_ID.execute-api.REGION.amazonaws.com/STAGE"

const invalid = (message: string): SigningError => new SigningError({ reason: "InvalidEndpoint", message })

export const parseEndpoint = (endpoint: unknown): Endpoint => {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw invalid(`No endpoint: pass the API's invoke URL, e.g. ${EXAMPLE}.`)
  }
  const text = endpoint.trim()
  if (/[?#]/.test(text)) {
    throw invalid(
      `The endpoint ${JSON.stringify(text)} carries a query or fragment; pass the bare invoke URL (${EXAMPLE}) and put query parameters in queryParams.`
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalid(`The endpoint ${JSON.stringify(text)} is not an absolute URL; expected e.g. ${EXAMPLE}.`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(`The endpoint must be an http(s) URL; ${JSON.stringify(text)} uses ${url.protocol}. Expected e.g. ${EXAMPLE}.`)
  }
  if (url.username !== "" || url.password !== "") {
    throw invalid("The endpoint contains a user name or password; remove them (requests are authorized by the signature).")
  }
  if (url.hostname === "") throw invalid(`The endpoint ${JSON.stringify(text)} has no host.`)
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

// {api-id}.execute-api.{region}.amazonaws.com[.cn], and the .vpce. form of private APIs;
// Lambda function URLs ({id}.lambda-url.{region}.on.aws) sign the same way.
const REGION_IN_HOST = [
  /\.execute-api\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/,
  /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/
]

export const regionFromHostname = (hostname: string): string | undefined => {
  for (const pattern of REGION_IN_HOST) {
    const match = pattern.exec(hostname)
    if (match !== null) return match[1]
  }
  return undefined
}

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
