/**
 * What a failed attempt says about the next one: whether it may heal on its
 * own (network errors, timeouts, 408, 425, 429, 5xx), whether it cannot succeed
 * unchanged (the other 4xx), and how long it asks to wait (`Retry-After`).
 * Failures are whatever a caller's send threw: a fetch `Response`, an axios
 * error, an @effect/platform `HttpClientError`, a Node network error.
 *
 * @internal
 */

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

/**
 * The HTTP status a failure carries: its own `status` or `statusCode` (a
 * fetch `Response`, got's and Node's errors), or its `response`'s (axios,
 * @effect/platform).
 */
export const statusOf = (failure: unknown): number | undefined =>
  httpStatus(field(failure, "status")) ??
    httpStatus(field(failure, "statusCode")) ??
    httpStatus(field(field(failure, "response"), "status")) ??
    httpStatus(field(field(failure, "response"), "statusCode"))

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
  "UND_ERR_BODY_TIMEOUT"
])

/** 408 (timeout), 425 (too early: the server asks for the request again, later) and 429 (throttled) heal by waiting, like 5xx. */
const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599)

/**
 * True for failures that may heal on their own: network errors (connection
 * reset or refused, DNS hiccups, sockets closed), timeouts, and HTTP 408, 425,
 * 429 and 5xx, looked for along the `cause` chain too (what fetch throws).
 */
export const isTransient = (error: unknown): boolean => {
  const status = statusOf(error)
  if (status !== undefined) return isTransientStatus(status)
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const tag = field(current, "_tag")
    // @effect/platform: RequestError with reason "Transport" is the network failing.
    if (tag === "RequestError" && field(current, "reason") === "Transport") return true
    if (tag === "TimeoutException" || field(current, "name") === "TimeoutError") return true
    const code = field(current, "code")
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true
    const nestedStatus = depth > 0 ? statusOf(current) : undefined
    if (nestedStatus !== undefined) return isTransientStatus(nestedStatus)
    current = field(current, "cause")
  }
  return false
}

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

/**
 * A header of the response a failure carries (its own `headers` or its
 * `response`'s: a `Headers`, or a plain object in lower or title case), given
 * in lower case.
 */
export const headerOf = (failure: unknown, name: string): string | undefined => {
  for (const holder of [failure, field(failure, "response")]) {
    const headers = field(holder, "headers")
    if (typeof headers !== "object" || headers === null) continue
    const get = field(headers, "get")
    let value: unknown
    try {
      value = typeof get === "function"
        ? (get as (name: string) => unknown).call(headers, name)
        : field(headers, name) ?? field(headers, titleCase(name))
    } catch {
      continue // a headers object that throws when read has none to read
    }
    if (typeof value === "string") return value
  }
  return undefined
}

/**
 * How long a failure asks to wait before the next attempt, from its
 * `Retry-After` header (seconds, or an HTTP date relative to `now`), if it
 * carries one.
 */
export const retryAfterMillis = (failure: unknown, now: number): number | undefined => {
  const value = headerOf(failure, "retry-after")?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
