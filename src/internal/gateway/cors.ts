/**
 * CORS as an API Gateway stage with CORS enabled answers it: preflights
 * without authentication, `Access-Control-Allow-Origin` on every answer, and
 * the gateway's CORS headers in place of any a handler or backend sends.
 *
 * @internal
 */
import type { CorsOptions } from "../../LocalGateway.js"
import { isPlainObject } from "../brand.js"
import { describe } from "../request/describe.js"
import { shorten } from "../scrub.js"

/** API Gateway's defaults when CORS is enabled on a resource. */
const CORS_ALLOW_HEADERS = ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token"]
const CORS_ALLOW_METHODS = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"
/**
 * So that a page can read why a request was refused, quote the request id, and read the server's time
 * (`Date`), from which the signer corrects a skewed clock (docs/clock-skew.md asks a stage to expose it).
 */
const CORS_EXPOSE_HEADERS = "Date,x-amzn-RequestId,x-amzn-ErrorType"

export interface CorsHeaders {
  /** Sent with every answer. */
  readonly everyAnswer: Readonly<Record<string, string>>
  /** Sent with a preflight's answer (200), in addition. */
  readonly preflight: Readonly<Record<string, string>>
}

/** A header value the gateway will send: printable, no CR, LF or NUL (no header injection). */
const headerText = (what: string, value: unknown, invalid: (message: string) => Error): string => {
  if (typeof value !== "string" || value === "" || !/^[\t\x20-\x7e]+$/.test(value)) {
    throw invalid(`${what} must be non-empty printable ASCII; got ${describe(value)}.`)
  }
  return value
}

const CORS_OPTIONS: ReadonlyArray<string> = ["allowOrigin", "allowHeaders", "maxAgeSeconds", "allowCredentials"]

export const corsHeaders = (cors: boolean | CorsOptions | undefined, invalid: (message: string) => Error): CorsHeaders | undefined => {
  if (cors === undefined || cors === false) return undefined
  if (cors !== true && !isPlainObject(cors)) {
    throw invalid(`must be true, false or a plain object { allowOrigin?, allowHeaders?, maxAgeSeconds?, allowCredentials? }; got ${describe(cors)}.`)
  }
  const options: CorsOptions = cors === true ? {} : cors
  // A misspelt option would leave its default in place: allowOrigins (for allowOrigin) would allow every origin.
  for (const key of Object.keys(options)) {
    // Quoted as it is (shortened): a key is code, never a secret, and describe() masks a long camelCase name as one.
    if (!CORS_OPTIONS.includes(key)) throw invalid(`has no option ${JSON.stringify(shorten(key, 60))}; its options are ${CORS_OPTIONS.join(", ")}.`)
  }
  const allowOrigin = headerText("allowOrigin", options.allowOrigin ?? "*", invalid)
  // A browser reads the value trimmed: " *" is "*" to it, which the checks below must see as such.
  if (allowOrigin.trim() !== allowOrigin) throw invalid(`allowOrigin must have no spaces around it; got ${JSON.stringify(allowOrigin)}.`)
  const allowHeaders = options.allowHeaders ?? CORS_ALLOW_HEADERS
  if (!Array.isArray(allowHeaders)) throw invalid("allowHeaders must be a list of header names.")
  for (const name of allowHeaders) {
    if (typeof name !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw invalid(`allowHeaders must hold header names; got ${describe(name)}.`)
    }
  }
  const maxAge = options.maxAgeSeconds ?? 600
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw invalid(`maxAgeSeconds must be a whole number of seconds, 0 or more; got ${describe(maxAge)}.`)
  }
  const allowCredentials = options.allowCredentials ?? false
  if (typeof allowCredentials !== "boolean") throw invalid(`allowCredentials must be true or false; got ${describe(allowCredentials)}.`)
  // A browser refuses credentials with a wildcard origin: say so now, not as a page's "Failed to fetch".
  if (allowCredentials && allowOrigin === "*") {
    throw invalid("allowCredentials needs allowOrigin to name the page's origin (https://app.example.com): browsers refuse credentials with \"*\".")
  }
  return {
    everyAnswer: {
      "access-control-allow-origin": allowOrigin,
      "access-control-expose-headers": CORS_EXPOSE_HEADERS,
      ...(allowCredentials ? { "access-control-allow-credentials": "true" } : {})
    },
    preflight: {
      "access-control-allow-methods": CORS_ALLOW_METHODS,
      "access-control-allow-headers": allowHeaders.join(","),
      "access-control-max-age": String(maxAge)
    }
  }
}

/** With CORS on, the gateway's CORS headers replace any a handler or target answers with, as API Gateway's do. */
export const withoutCors = <V>(headers: Readonly<Record<string, V>>): Record<string, V> => {
  const kept: Record<string, V> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith("access-control-")) kept[name] = value
  }
  return kept
}
