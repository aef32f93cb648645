/**
 * The local gateway's options, checked when it starts: every number finite
 * and in range, every time source a function, so that no NaN can switch a
 * check off (a NaN compares false, and `now > validUntil` would never fire).
 *
 * @internal
 */
import { isIPv6 } from "node:net"
import type { LocalGatewayError, Options } from "../../LocalGateway.js"
import { toCredentialLookup } from "../effect/credentials.js"
import { hasControlCharacter, validateScopePart } from "../endpoint.js"
import { isSigningErrorSafely, thrownMessage } from "../guard.js"
import { describe } from "../request/describe.js"
import { displayUrl, looksLikeCredential, redactAuthParameters } from "../scrub.js"
import type { CredentialLookup } from "../sigv4/verify.js"
import { type CorsHeaders, corsHeaders } from "./cors.js"
import { socketHost } from "../socketHost.js"

export interface GatewaySettings {
  readonly credentials: CredentialLookup
  readonly region: string
  readonly service: string
  readonly port: number
  readonly host: string
  readonly target: URL | undefined
  readonly targetTimeoutMillis: number
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

/** API Gateway's integration timeout (its default, and for long its limit). */
const TWENTY_NINE_SECONDS = 29_000

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

/** How the fix for a host with a port in it is said: the option, and its flag for the CLI's `serve`. */
const GIVE_THE_PORT = "give the port with the port option (--port on the command line)"

/**
 * Why `host` cannot be a host, with the fix, or `undefined` for a host name,
 * an IPv4 address or an IPv6 literal. Checked here, since listen would look
 * such a value up as a name and fail with "getaddrinfo ENOTFOUND", which
 * reads as a network failure and says nothing of the port or the scheme.
 */
const hostProblem = (host: string): string | undefined => {
  // Not shown: describe() escapes line breaks, but not DEL.
  if (hasControlCharacter(host)) return `host contains a control character (a line break, tab, NUL, DEL, ...); pass a host name or address such as "127.0.0.1".`
  if (/\s/.test(host)) return `host ${describe(host)} contains a space; pass a host name or address alone, such as "127.0.0.1".`
  if (host.includes("://")) {
    const hostname = URL.canParse(host) ? new URL(host).hostname : ""
    const alone = hostname === "" ? "its host name or address alone" : `its host alone, ${JSON.stringify(hostname)}`
    return `host ${shownTarget(host)} is a URL, not a host; pass ${alone}, and ${GIVE_THE_PORT}.`
  }
  const bracketed = /^\[([^\]]*)\](.*)$/s.exec(host)
  const address = bracketed?.[1] ?? host
  const after = bracketed?.[2] ?? ""
  if (bracketed !== null ? isIPv6(address) && after === "" : isIPv6(host) || HOST_NAME_OR_IPV4.test(host)) return undefined
  // "127.0.0.1:8080", "localhost:3000", "[::1]:8080": a port where the host goes.
  if (/^:\d*$/.test(after) || (bracketed === null && /^[^:]+:\d*$/.test(host))) {
    return `host ${describe(host)} has a port in it; pass the host alone, ${describe(host.slice(0, host.lastIndexOf(":")))}, and ${GIVE_THE_PORT}.`
  }
  return `host must be a host name or address, such as "127.0.0.1", "localhost" or "::1"; got ${describe(host)}.`
}

/** A host name's characters (letters of any script, digits, dot, dash, underscore), which an IPv4 address also is. */
const HOST_NAME_OR_IPV4 = /^[\p{L}\p{N}._-]+$/u

/**
 * The host to listen on: `host` checked, and an IPv6 literal in brackets (as
 * a URL writes it, "[::1]") without them, as listen takes it.
 */
const listenHost = (host: unknown, invalid: (message: string) => LocalGatewayError): string => {
  if (typeof host !== "string" || host === "") throw invalid(`host must be a host name or address; got ${describe(host)}.`)
  const problem = hostProblem(host)
  if (problem !== undefined) throw invalid(problem)
  return socketHost(host)
}

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
  const host = options.host === undefined ? undefined : listenHost(options.host, invalid)
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
    targetTimeoutMillis: number("targetTimeoutMillis", options.targetTimeoutMillis, TWENTY_NINE_SECONDS, 1, 3_600_000, invalid),
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
