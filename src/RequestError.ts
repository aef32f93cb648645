/**
 * `RequestError`: sending a signed request gave up, after retries or on a
 * failure not to retry. One class for the Promise facade and the Effect API,
 * loading nothing of Effect.
 *
 * @since 3.0.0
 * @module
 */

import { summarizeFailure } from "./internal/retry/failureSummary.js"

// Node's util.inspect hook, by its registered name: no import of node:util (the core runs everywhere).
const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * Why sending gave up.
 *
 * - `RetriesExhausted`: every attempt the schedule allowed failed.
 * - `NotRetryable`: an attempt failed in a way the retry predicate (`while`,
 *   `until`, `shouldRetry`) said not to retry.
 *
 * @since 3.0.0
 * @category models
 */
export type RequestErrorReason = "RetriesExhausted" | "NotRetryable"

/**
 * Sending a signed request failed, after `attempts` attempts; `cause` is the
 * last failure, as `send` (or the facade's callback) produced it.
 *
 * Printing, logging or serializing a `RequestError` shows a summary of the
 * cause (its name, message and HTTP status), never the cause object itself:
 * an HTTP client's error often holds the request, and the request holds the
 * session token. A structured clone (`postMessage`, `structuredClone`,
 * IndexedDB) copies no cause. Read `error.cause` when you need the original.
 *
 * @since 3.0.0
 * @category errors
 */
export class RequestError<E = unknown> extends Error {
  /** @since 3.0.0 */
  readonly _tag = "RequestError" as const
  /** @since 3.0.0 */
  readonly reason: RequestErrorReason
  /** @since 3.0.0 */
  readonly attempts: number
  /** The last failure, as `send` (or the facade's callback) produced it. */
  declare readonly cause: E
  /** What printing and serializing show of `cause`; made when the error is, with known secrets scrubbed. */
  readonly causeSummary: FailureSummary

  constructor(args: {
    readonly reason: RequestErrorReason
    readonly attempts: number
    readonly cause: E
    readonly message: string
    readonly causeSummary?: FailureSummary | undefined
  }) {
    super(args.message)
    this.reason = args.reason
    this.attempts = args.attempts
    // Not enumerable, as Error's own `cause`: printing an error lists its enumerable fields. A getter, not a
    // value: the structured clone (postMessage to a Worker, IndexedDB, worker_threads) copies an error's own
    // `cause` value whole, the request and its session token with it, and fails on one it cannot copy (a Response).
    const cause = args.cause
    Object.defineProperty(this, "cause", { get: () => cause, enumerable: false, configurable: true })
    this.causeSummary = args.causeSummary ?? summarizeFailure(args.cause)
  }

  /**
   * @since 3.0.0
   */
  toJSON(): unknown {
    return {
      _tag: this._tag,
      reason: this.reason,
      attempts: this.attempts,
      message: this.message,
      cause: this.causeSummary
    }
  }

  /**
   * @since 3.0.0
   */
  override toString(): string {
    return `RequestError: ${this.message}`
  }

  /**
   * @since 3.0.0
   */
  [inspectSymbol](): string {
    const stack = this.stack?.split("\n").slice(1).join("\n")
    return `${this.toString()} {\n  reason: '${this.reason}',\n  attempts: ${this.attempts}\n}` + (stack ? `\n${stack}` : "")
  }
}
RequestError.prototype.name = "RequestError"
// The class's own name too, which a minifier renames: logs that name an error by its constructor (AWS Lambda's errorType) read it.
Object.defineProperty(RequestError, "name", { value: "RequestError" })

/**
 * A short, secret-free description of a failure: name, message, HTTP status.
 *
 * @since 3.0.0
 * @category utils
 */
export interface FailureSummary {
  readonly name?: string
  readonly message?: string
  readonly status?: number
}
