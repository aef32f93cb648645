/**
 * The local gateway's options, checked when it starts: every number finite
 * and in range, every time source a function, so that no NaN can switch a
 * check off (a NaN compares false, and `now > validUntil` would never fire).
 *
 * @internal
 */
import type { LocalGatewayError, Options } from "../../LocalGateway.js"
import { toCredentialLookup } from "../effect/credentials.js"
import { hasControlCharacter, validateScopePart } from "../endpoint.js"
import { isSigningErrorSafely, thrownMessage } from "../guard.js"
import { describe } from "../request/describe.js"
import { displayUrl, looksLikeCredential, redactAuthParameters } from "../scrub.js"
import type { CredentialLookup } from "../sigv4/verify.js"
import { type CorsHeaders, corsHeaders } from "./cors.js"

export interface GatewaySettings {
  readonly credentials: CredentialLookup
  readonly region: string
  readonly service: string
  readonly port: number
  readonly host: string
  readonly target: URL | undefined
  readonly handler: Options["handler"]
  readonly maxBodyBytes: number
  readonly maxClockSkewMillis: number
  readonly now: () => number
  readonly clockOffsetMillis: number
  readonly headersTimeoutMillis: number
  readonly requestTimeoutMillis: number
  readonly onRequest: NonNullable<Options["onRequest"]>
  readonly cors: CorsHeaders | undefined
}

/** API Gateway's payload limit. */
const TEN_MIB = 10 * 1024 * 1024

const number = (
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  invalid: (message: string) => Error
): number => {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be a whole number from ${min} to ${max}; got ${describe(value)}.`)
  }
  return value
}

const fn = <F>(name: string, value: unknown, invalid: (message: string) => Error): F | undefined => {
  if (value !== undefined && typeof value !== "function") throw invalid(`${name} must be a function; got ${describe(value)}.`)
  return value as F | undefined
}

/**
 * A refused target as a message shows it: a URL without its user info and
 * query; text that is no URL and looks like a credential (a secret passed in
 * the wrong place) only described.
 */
const shownTarget = (target: unknown): string =>
  typeof target !== "string" || (!URL.canParse(target) && looksLikeCredential(target))
    ? describe(target)
    : JSON.stringify(redactAuthParameters(displayUrl(target)))

export const resolveOptions = (options: Options, invalid: (message: string, cause?: unknown) => LocalGatewayError): GatewaySettings => {
  if (typeof options !== "object" || options === null) throw invalid("LocalGateway.start takes { credentials, region?, ... }.")
  let credentials: CredentialLookup
  try {
    credentials = toCredentialLookup(options.credentials)
  } catch (error) {
    // What a getter threw is neither quoted nor kept: it may quote the very secret it was reading.
    if (!isSigningErrorSafely(error)) throw invalid("credentials could not be read (reading them threw); pass a list of { accessKeyId, secretAccessKey, sessionToken? }, or a lookup function.")
    // A message that already names the option ("credentials must be ...") is not prefixed with it again.
    throw invalid(error.message.startsWith("credentials ") ? error.message : `credentials: ${error.message}`, error)
  }
  // A gateway no request can pass is a mistake (often an environment variable that was not set), not a configuration.
  if (Array.isArray(credentials) && credentials.length === 0) {
    throw invalid("credentials is an empty list, so no request could be verified: pass at least one { accessKeyId, secretAccessKey, sessionToken? }, or a lookup function.")
  }
  const scopePart = (kind: "region" | "service", value: unknown, fallback: string): string => {
    if (value === undefined) return fallback
    if (typeof value !== "string") {
      throw invalid(`${kind} must be a string such as ${JSON.stringify(kind === "region" ? "us-east-1" : "execute-api")}; got ${describe(value)}.`)
    }
    try {
      return validateScopePart(kind, value)
    } catch (error) {
      throw invalid(thrownMessage(error), error)
    }
  }
  let target: URL | undefined
  if (options.target !== undefined) {
    target = typeof options.target === "string" && URL.canParse(options.target) ? new URL(options.target) : undefined
    if (target === undefined || (target.protocol !== "http:" && target.protocol !== "https:")) {
      throw invalid(`target must be an http(s) URL without a query; got ${shownTarget(options.target)}.`)
    }
    if (target.search !== "") {
      // Said in words: the URL is shown without its query (it may carry a presigned signature).
      throw invalid(`target ${shownTarget(options.target)} has a query; give the base URL alone: each request's path and query are appended to it.`)
    }
  }
  const host: unknown = options.host
  if (host !== undefined && (typeof host !== "string" || host === "")) {
    throw invalid(`host must be a host name or address; got ${describe(host)}.`)
  }
  if (typeof host === "string" && hasControlCharacter(host)) {
    // It would reach listen, and its error message, as given. Not shown here either: describe() escapes
    // line breaks, but not DEL.
    throw invalid(`host contains a control character (a line break, tab, NUL, DEL, ...); pass a host name or address such as "127.0.0.1".`)
  }
  const headersTimeoutMillis = number("headersTimeoutMillis", options.headersTimeoutMillis, 10_000, 1, 3_600_000, invalid)
  const requestTimeoutMillis = number("requestTimeoutMillis", options.requestTimeoutMillis, 30_000, 1, 3_600_000, invalid)
  if (headersTimeoutMillis > requestTimeoutMillis) {
    // Node refuses it with a RangeError; said here with the fix.
    throw invalid(
      `headersTimeoutMillis (${headersTimeoutMillis}) must not exceed requestTimeoutMillis (${requestTimeoutMillis}): the headers are part of the request.`
    )
  }
  return {
    credentials,
    region: scopePart("region", options.region, "us-east-1"),
    service: scopePart("service", options.service, "execute-api"),
    port: number("port", options.port, 0, 0, 65535, invalid),
    host: host ?? "127.0.0.1",
    target,
    handler: fn("handler", options.handler, invalid),
    maxBodyBytes: number("maxBodyBytes", options.maxBodyBytes, TEN_MIB, 0, Number.MAX_SAFE_INTEGER, invalid),
    maxClockSkewMillis: number("maxClockSkewMillis", options.maxClockSkewMillis, 5 * 60 * 1000, 0, 7 * 24 * 3600 * 1000, invalid),
    now: fn("now", options.now, invalid) ?? Date.now,
    clockOffsetMillis: number("clockOffsetMillis", options.clockOffsetMillis, 0, -366 * 24 * 3600 * 1000, 366 * 24 * 3600 * 1000, invalid),
    headersTimeoutMillis,
    requestTimeoutMillis,
    onRequest: fn("onRequest", options.onRequest, invalid) ?? (() => {}),
    cors: corsHeaders(options.cors, (message) => invalid(`cors: ${message}`))
  }
}
