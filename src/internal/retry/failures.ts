/**
 * What a failed attempt says about the next one: whether it may heal on its
 * own (network errors, timeouts, 408, 425, 429, 5xx), whether it cannot succeed
 * unchanged (the other 4xx), and how long it asks to wait (`Retry-After`).
 * Failures are whatever a caller's send threw: a fetch `Response`, an axios
 * error, an @effect/platform `HttpClientError`, a Node network error.
 *
 * @internal
 */
import type { SigningError } from "../../SigningError.js"
import { isSigningErrorSafely } from "../guard.js"

/**
 * A property of a failure, or `undefined`. Failures are whatever a caller's
 * code threw, so reading one may throw too (a getter, a Proxy trap): that
 * reads as absent, never as a second failure.
 */
export const field = (value: unknown, name: string): unknown => {
  if (typeof value !== "object" || value === null) return undefined
  try {
    return (value as Record<string, unknown>)[name]
  } catch {
    return undefined
  }
}

const httpStatus = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined

// How many errors deep the readers below look: the failure, its cause, and so on (a chain that loops ends here too).
const DEEPEST_CAUSE = 4

/**
 * The failure and the errors it wraps, outermost first: its `cause`, that
 * one's `cause`, and so on, 4 in all at most. A status or a network error
 * often sits one level down: Effect's `UnknownException` (what
 * `Effect.tryPromise` without `catch` fails with) holds the rejected
 * `Response` as `cause`, and fetch's `TypeError` holds the network error.
 * Every reader of a failure looks along this one chain, so that none sees a
 * status another misses.
 */
const causeChain = (failure: unknown): ReadonlyArray<object> => {
  const chain: Array<object> = []
  let current = failure
  while (chain.length < DEEPEST_CAUSE && typeof current === "object" && current !== null) {
    chain.push(current)
    current = field(current, "cause")
  }
  return chain
}

/** The status of one error, itself: its `status` or `statusCode`, or its `response`'s. */
const ownStatusOf = (error: unknown): number | undefined =>
  httpStatus(field(error, "status")) ??
    httpStatus(field(error, "statusCode")) ??
    httpStatus(field(field(error, "response"), "status")) ??
    httpStatus(field(field(error, "response"), "statusCode"))

/**
 * What answered: the first error along the cause chain that carries an HTTP
 * status, and that status. Its headers and body are the response's.
 */
const answerOf = (failure: unknown): { readonly holder: object; readonly status: number } | undefined => {
  for (const holder of causeChain(failure)) {
    const status = ownStatusOf(holder)
    if (status !== undefined) return { holder, status }
  }
  return undefined
}

/**
 * The HTTP status a failure carries: its own `status` or `statusCode` (a
 * fetch `Response`, got's and Node's errors), or its `response`'s (axios,
 * @effect/platform); or else that of the first error along its `cause`
 * chain that carries one.
 */
export const statusOf = (failure: unknown): number | undefined => answerOf(failure)?.status

/**
 * The errors along the chain that may hold the response's headers and body:
 * the failure and those it wraps, down to the one that carries the status
 * (all of them when none does).
 */
export const responseHolders = (failure: unknown): ReadonlyArray<object> => {
  const chain = causeChain(failure)
  const answer = answerOf(failure)
  return answer === undefined ? chain : chain.slice(0, chain.indexOf(answer.holder) + 1)
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETDOWN",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "ERR_NETWORK",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  // got: the connection closed before the body's Content-Length was read.
  "ERR_HTTP_CONTENT_LENGTH_MISMATCH"
])

/**
 * How fetch says the network failed where it gives no code: browsers' and
 * workerd's fetch reject with only a message (Chromium, Firefox, Safari,
 * React Native's fetch, workerd), each in its own words. A CORS refusal reads
 * as Chromium's too; sent again, it is refused again, within the retries.
 */
const FETCH_NETWORK_FAILURES: ReadonlySet<string> = new Set([
  "Failed to fetch",
  "NetworkError when attempting to fetch resource.",
  "Load failed",
  "Network request failed",
  "Network request timed out",
  "Network connection lost."
])

// Deno's fetch, as the cause of its TypeError, with no code: "error sending request for url (...): client error
// (SendRequest): ..." (the connection closed before the answer), or "(Connect): tcp connect error: ..." (refused,
// reset) or a DNS server's passing failure; or the bare OS error of a connection reset after the request went.
// Not its other Connect errors, which sending again cannot heal: no such host, a certificate refused, TLS to a
// plain port. Read with string tests, in time linear in the message.
const DENO_CLIENT_ERROR = ": client error ("
const DENO_OS_RESET = /^(?:Connection reset by peer|Broken pipe) \(os error \d+\)$/

const isDenoNetworkFailure = (message: string): boolean => {
  if (DENO_OS_RESET.test(message)) return true
  if (!message.startsWith("error sending request")) return false
  const at = message.indexOf(DENO_CLIENT_ERROR)
  if (at === -1) return false
  const kind = message.slice(at + DENO_CLIENT_ERROR.length)
  return kind.startsWith("SendRequest)") || kind.startsWith("Connect): tcp connect error") ||
    (kind.startsWith("Connect): dns error: ") && kind.includes("Temporary failure in name resolution"))
}

/** 408 (timeout), 425 (too early: the server asks for the request again, later) and 429 (throttled) heal by waiting, like 5xx. */
const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599)

/** A network error or a timeout, read off one error of the chain. */
const isNetworkFailureOrTimeout = (error: object): boolean => {
  const tag = field(error, "_tag")
  // @effect/platform: RequestError with reason "Transport" is the network failing.
  if (tag === "RequestError" && field(error, "reason") === "Transport") return true
  if (tag === "TimeoutException" || field(error, "name") === "TimeoutError") return true
  const code = field(error, "code")
  if (typeof code === "string") return TRANSIENT_CODES.has(code)
  const message = field(error, "message")
  return typeof message === "string" && (FETCH_NETWORK_FAILURES.has(message) || isDenoNetworkFailure(message))
}

/**
 * True for failures that may heal on their own: network errors (connection
 * reset or refused, DNS hiccups, sockets closed), timeouts, and HTTP 408, 425,
 * 429 and 5xx, looked for along the `cause` chain too (what fetch throws).
 */
export const isTransient = (error: unknown): boolean => {
  for (const layer of causeChain(error)) {
    const status = ownStatusOf(layer)
    // A failure carrying a status below 400 came after a good head (a body cut mid-way, read through
    // @effect/platform or got): the status says nothing of it, so the chain is read on.
    if (status !== undefined && status >= 400) return isTransientStatus(status)
    if (isNetworkFailureOrTimeout(layer)) return true
  }
  return false
}

/**
 * The `SigningError` a failure is, or wraps along its cause chain (an
 * `UnknownException` holding a rejected `signer.fetch`, say): a send whose
 * own signing failed. Signing the same input again cannot succeed, so the
 * loops end with it at once, whatever the retry predicate would say.
 */
export const signingErrorIn = (failure: unknown): SigningError | undefined =>
  causeChain(failure).find(isSigningErrorSafely)

/**
 * True for a failure that carries an HTTP status which cannot succeed if the
 * same request is sent again: a 4xx other than 408 (timeout), 425 (too early)
 * and 429 (throttled). Sending a 400, 404 or 409 again only repeats it (and a
 * POST may repeat its effect). A 403 from clock skew is handled apart, by
 * correcting the clock.
 */
export const isPermanentFailure = (error: unknown): boolean => {
  const status = statusOf(error)
  return status !== undefined && status >= 400 && status <= 499 && status !== 408 && status !== 425 && status !== 429
}

// "retry-after" as it is usually written in a plain object of headers: "Retry-After".
const titleCase = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())

/** A header in a plain object, in lower or title case, else in any case (API Gateway writes `x-amzn-ErrorType`). */
const plainHeader = (headers: object, name: string): unknown => {
  const exact = field(headers, name) ?? field(headers, titleCase(name))
  if (exact !== undefined) return exact
  const key = Object.keys(headers).find((key) => key.toLowerCase() === name)
  return key === undefined ? undefined : field(headers, key)
}

/**
 * A header of the response a failure carries (its own `headers` or its
 * `response`'s: a `Headers`, or a plain object in lower or title case; or
 * those of the errors it wraps, down to the one that carries the status),
 * given in lower case.
 */
export const headerOf = (failure: unknown, name: string): string | undefined => {
  for (const holder of responseHolders(failure).flatMap((error) => [error, field(error, "response")])) {
    const headers = field(holder, "headers")
    if (typeof headers !== "object" || headers === null) continue
    const get = field(headers, "get")
    let value: unknown
    try {
      value = typeof get === "function"
        ? (get as (name: string) => unknown).call(headers, name)
        : plainHeader(headers, name)
    } catch {
      continue // a headers object that throws when read has none to read
    }
    if (typeof value === "string") return value
  }
  return undefined
}

const DAY_MILLIS = 24 * 60 * 60 * 1000

/**
 * How long a failure asks to wait before the next attempt, from its
 * `Retry-After` header (seconds, or an HTTP date), if it carries one. An HTTP
 * date is the server's time: it is measured from the failure's own `Date`
 * header (the server's time when it answered, plus the `Age` a cache kept the
 * answer) when there is one within a day of `now`, and from `now` otherwise,
 * so that a client whose clock is off waits what was asked.
 */
export const retryAfterMillis = (failure: unknown, now: number): number | undefined => {
  const value = headerOf(failure, "retry-after")?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  const answeredAt = Date.parse(headerOf(failure, "date") ?? "")
  // A Date a day or more from now is no clock skew but a broken clock (1970): it measures nothing.
  if (!(Math.abs(answeredAt - now) < DAY_MILLIS)) return Math.max(0, date - now)
  const age = headerOf(failure, "age")?.trim()
  // RFC 9111: an Age too large to hold is read as 2^31 seconds.
  const ageMillis = age !== undefined && /^\d+$/.test(age) ? Math.min(Number(age), 2 ** 31) * 1000 : 0
  return Math.max(0, date - answeredAt - ageMillis)
}
