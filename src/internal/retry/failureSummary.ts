/**
 * What a retry loop's `RequestError` shows of its last failure: a short,
 * secret-free summary (name, first line of message, HTTP status), never the
 * failure object, whose request often holds the session token.
 *
 * @internal
 */
import type { FailureSummary } from "../../RequestError.js"
import { isError } from "../brand.js"
import { cutForScrubbing } from "../scrub.js"
import { statusOf } from "./failures.js"

/** What a RequestError shows of its cause (`causeSummary`). */
export const summarizeFailure = (failure: unknown): FailureSummary => {
  try {
    return summarize(failure)
  } catch {
    // A failure whose getters or Proxy traps throw: say so, rather than fail while reporting it.
    return { message: "a failure that cannot be inspected (its getters or Proxy traps throw)" }
  }
}

const summarize = (failure: unknown): FailureSummary => {
  const status = statusOf(failure)
  if (isError(failure) || (typeof failure === "object" && failure !== null && "message" in failure)) {
    const { name, message } = failure as { name?: unknown; message?: unknown }
    return {
      ...(typeof name === "string" ? { name } : {}),
      ...(typeof message === "string" ? { message: firstLine(withReason(message, (failure as { cause?: unknown }).cause)) } : {}),
      ...(status === undefined ? {} : { status })
    }
  }
  if (status !== undefined) return { name: "HttpResponse", status }
  return { message: typeof failure === "string" ? firstLine(failure) : failure === null ? "null" : typeof failure }
}

/**
 * A message with the reason its `cause` gives, when it says something the
 * message does not: Node's fetch fails every request it cannot send with
 * "fetch failed", and keeps why ("connect ECONNREFUSED 127.0.0.1:8080",
 * "invalid keep-alive header") in `cause`.
 */
const withReason = (message: string, cause: unknown): string => {
  if (!isError(cause) || typeof cause.message !== "string") return message
  const reason = cause.message.split("\n")[0]?.trim() ?? ""
  return reason === "" || message.includes(reason) ? message : `${message} (${reason})`
}

/** The first line, cut to 300 characters for the masking after it: a credential the cut ends in is dropped, too short to be masked by then. */
const firstLine = (text: string): string => cutForScrubbing(text.split("\n")[0] ?? "", 300)

/** A message that already states the status ("HTTP 403", "status code 403") needs no "HTTP 403" before it. */
const statesStatus = (message: string | undefined, status: number): boolean =>
  message !== undefined && new RegExp(`(^|\\D)${status}(\\D|$)`).test(message)

/** A failure in one line, for messages: "TypeError: fetch failed (connect ECONNREFUSED ...)", "HTTP 503: Service Unavailable". */
export const describeFailure = (failure: unknown): string => {
  const { message, name, status } = summarizeFailure(failure)
  const parts = [
    name !== undefined && name !== "Error" ? name : undefined,
    status !== undefined && !statesStatus(message, status) ? `HTTP ${status}` : undefined,
    message !== undefined && message !== "" ? message : undefined
  ].filter((part) => part !== undefined)
  return parts.length === 0 ? "unknown failure" : parts.join(": ")
}
