/**
 * The endpoint a signer is bound to (and where requests are sent, when that
 * differs), parsed once, and the region the endpoint implies.
 *
 * @internal
 */
import { environmentRefused } from "./environment.js"
import type { Endpoint } from "../Signer.js"
import { SigningError } from "../SigningError.js"
import { invalidConfig } from "./signingErrors.js"
import { wirePathSegment } from "./request/pathSegment.js"
import { displayUrl, looksLikeCredential, parsesAsUrl, redactAuthParameters } from "./scrub.js"
import { describe } from "./request/describe.js"
import { safely, thrownMessage } from "./guard.js"

const EXAMPLE = "https://API_ID.execute-api.REGION.amazonaws.com/STAGE"

/**
 * REST and HTTP APIs are called over https, WebSocket APIs connect over wss
 * (`$connect` signs the handshake, a GET). http and ws serve local stand-ins
 * (the local gateway, a local WebSocket server, a proxy on loopback); API
 * Gateway itself answers https and wss only.
 */
const SCHEMES: ReadonlySet<string> = new Set(["https:", "http:", "wss:", "ws:"])

const isWebSocketScheme = (origin: string): boolean => origin.startsWith("ws")

const invalid = (message: string): SigningError => new SigningError({ reason: "InvalidEndpoint", message })

/** A base URL option, as its messages name it. */
interface BaseUrlOption {
  readonly name: "endpoint" | "sendTo"
  /** What to pass, for the message when nothing usable was. */
  readonly wanted: string
  readonly example: string
}

const ENDPOINT: BaseUrlOption = { name: "endpoint", wanted: "the API's invoke URL", example: EXAMPLE }

const SEND_TO: BaseUrlOption = {
  name: "sendTo",
  wanted: "the base URL requests are sent to (a proxy's, a CDN's or a VPC endpoint's), or leave sendTo out to send them to the endpoint",
  example: "https://d111111abcdef8.cloudfront.net/v1"
}

/** Whether `text` holds a control character (C0 or DEL), which URL parsing drops or keeps inconsistently. */
export const hasControlCharacter = (text: string): boolean => /[\x00-\x1f\x7f]/.test(text)

// The runtime's URL class, once found to be a standard one.
let standardUrl: unknown

/**
 * Refuses a runtime whose URL is not a WHATWG URL parser: every check below trusts it to refuse what is
 * not a URL, and to read a URL's parts. React Native's built-in URL does neither: before 0.80 its getters
 * throw "URL.hostname is not implemented"; from 0.80 on it parses nothing (any text is a URL to it),
 * so a malformed endpoint would be taken, and fail later, untyped, in fetch.
 */
const checkRuntimeUrl = (): void => {
  if (standardUrl === URL) return
  let problem: string | undefined
  try {
    if (new URL("http://a.example/p").hostname !== "a.example") problem = "it reads no host"
    // Text without a scheme: every URL parser refuses it (Chromium's takes a space in a host, "http://a b/").
    else if (parsesAsUrl("not a URL")) problem = `it takes "not a URL" for a URL`
  } catch (error) {
    problem = thrownMessage(error)
  }
  if (problem !== undefined) {
    throw invalid(
      `This runtime's URL is not a standard (WHATWG) one (${problem}), as React Native's built-in URL is not; ` +
        `install react-native-url-polyfill and import "react-native-url-polyfill/auto" before this package.`
    )
  }
  standardUrl = URL
}

/** An absolute http(s) or ws(s) URL without query, fragment or user info: its origin and path, each segment in its wire spelling. */
const parseBaseUrl = (value: unknown, option: BaseUrlOption): Endpoint => {
  checkRuntimeUrl()
  const { name, example } = option
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    throw invalid(`No ${name}: pass ${option.wanted}, e.g. ${example}.`)
  }
  if (typeof value !== "string") {
    const url = typeof value === "object" && safely(() => typeof (value as { href?: unknown }).href === "string", false)
    throw invalid(`The ${name} must be a string such as ${example}; got ${url ? "a URL object (pass url.href)" : describe(value)}.`)
  }
  const text = value.trim()
  // Messages show the URL without its query, fragment or user info: a presigned URL passed
  // here by mistake carries its session token in the query.
  // A presigned URL's credentials can sit in the path too, when the URL is malformed.
  // Made only when a message needs it: parsing a good URL builds no message.
  const shown = () => JSON.stringify(redactAuthParameters(displayUrl(text)))
  // The URL parser drops tabs and line breaks wherever they are (`/pr\nod` is `/prod`), and other
  // control characters at either end: the request signed would not be the one written, so every
  // control character is refused, as in a header.
  if (hasControlCharacter(text)) {
    throw invalid(`The ${name} ${shown()} contains a control character (a tab, line break, NUL, ...); remove it (the URL parser would drop it silently).`)
  }
  if (/[?#]/.test(text)) {
    throw invalid(
      `The ${name} ${shown()} carries a query or fragment (not shown); pass the bare ${
        name === "endpoint" ? "invoke URL" : "base URL"
      } (${example}) and put query parameters in queryParams.`
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Base64 text of some length is more likely a credential passed in the wrong place (secret keys
    // and session tokens are base64) than a URL: not shown, as the signer may not know it is a secret.
    const what = looksLikeCredential(text) ? describe(text) : shown()
    throw invalid(`The ${name} ${what} is not an absolute URL; expected e.g. ${example}.`)
  }
  if (!SCHEMES.has(url.protocol)) {
    throw invalid(
      `The ${name} must be an http(s) URL (a REST or HTTP API), or a ws(s) URL (a WebSocket API); ${shown()} uses ${url.protocol}. ` +
        `Expected e.g. ${example}.`
    )
  }
  if (url.username !== "" || url.password !== "") {
    throw invalid(`The ${name} contains a user name or password; remove them (requests are authorized by the signature).`)
  }
  if (url.hostname === "") throw invalid(`The ${name} ${shown()} has no host.`)
  const trimmed = url.pathname.endsWith("/") ? url.pathname.slice(0, -1) : url.pathname
  const segments = trimmed === "" ? [] : trimmed.slice(1).split("/").map(wirePathSegment)
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

/** The endpoint: the invoke URL API Gateway verifies signatures against (its host and stage path are signed). */
export const parseEndpoint = (endpoint: unknown): Endpoint => parseBaseUrl(endpoint, ENDPOINT)

/**
 * Where requests are sent when that is not the endpoint (a proxy or CDN that
 * rewrites Host and path to the endpoint's, a VPC endpoint): `undefined` when
 * not given. A WebSocket endpoint is reached over ws(s), any other over
 * http(s): a mix of the two is a mistake, refused.
 */
export const parseSendTo = (sendTo: unknown, endpoint: Endpoint): Endpoint | undefined => {
  if (sendTo === undefined) return undefined
  const parsed = parseBaseUrl(sendTo, SEND_TO)
  if (isWebSocketScheme(parsed.origin) !== isWebSocketScheme(endpoint.origin)) {
    const scheme = (origin: string) => origin.slice(0, origin.indexOf(":") + 1)
    throw invalid(
      `sendTo ${JSON.stringify(displayUrl(parsed.href))} uses ${scheme(parsed.origin)} but the endpoint ${JSON.stringify(endpoint.href)} ` +
        `uses ${scheme(endpoint.origin)}: a WebSocket API is reached over ws(s), any other over http(s). ` +
        "Give sendTo a scheme of the same kind as the endpoint's."
    )
  }
  return parsed
}

/**
 * The IAM-authorized endpoints people call from Lambda, and the service each
 * signs for: API Gateway ({api-id}.execute-api.{region}.amazonaws.com[.cn],
 * and the .vpce. form of private APIs), Lambda function URLs
 * ({id}.lambda-url.{region}.on.aws) and AppSync
 * ({id}.appsync-api.{region}.amazonaws.com).
 */
const SERVICE_HOSTS: ReadonlyArray<readonly [pattern: RegExp, service: string]> = [
  // Every partition's DNS suffix (the AWS SDK's partitions: aws, aws-us-gov, aws-cn, aws-eusc, aws-iso, -b, -e, -f).
  [/\.execute-api\.([a-z0-9-]+)\.(?:vpce\.)?(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/, "execute-api"],
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

/** Where a region not given nor named by the host is read: said when one read there is refused. */
export const ENVIRONMENT_REGION = "AWS_REGION or AWS_DEFAULT_REGION"

/** A region or service goes into the credential scope, where `/` or a space would corrupt it. */
export const validateScopePart = (kind: "region" | "service", value: string, source?: string): string => {
  if (!SCOPE_PART.test(value)) {
    throw invalidConfig(`The ${kind} ${describe(value)}${source === undefined ? "" : ` (read from ${source})`} is not valid: use lower-case letters, digits and dashes, e.g. ${
        kind === "region" ? "us-east-1" : "execute-api"
      }.`)
  }
  return value
}

export const missingRegion = (endpoint: Endpoint): SigningError =>
  new SigningError({
    reason: "MissingRegion",
    message: `No region: ${endpoint.hostname} does not name one (as *.execute-api.REGION.amazonaws.com does). ` +
      "Pass region (e.g. \"us-east-1\"), or set AWS_REGION" +
      (environmentRefused() ? " and let the runtime read it (in Deno, grant --allow-env=AWS_REGION)." : ".")
  })
