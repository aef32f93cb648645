/**
 * Sending with retries: `Effect.retry` with a `Schedule`, signing afresh on
 * every attempt. A signature is valid for five minutes and credentials rotate,
 * so a retry never replays an old signature.
 *
 * The policy (the backoff formula, what is retried, the `RequestError` at
 * the end) is the one the Promise facade's `makeRequestWithRetries` follows
 * too: both loops read it from the same internal modules. The Effect program
 * itself is `internal/effect/retrying.ts`.
 *
 * @since 3.0.0
 * @module
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import { Credentials } from "./Credentials.js"
import { checkRetryOptions, sendWithRetries } from "./internal/effect/retrying.js"
import * as schedules from "./internal/effect/retrySchedule.js"
import { DEFAULT_RETRIES as RETRIES } from "./internal/retry/backoff.js"
import * as failures from "./internal/retry/failures.js"
import type { RequestError } from "./RequestError.js"
import type { HeadersRecord, QueryRecord, RequestToSign, SignedRequest } from "./SignedRequest.js"
import { Signer, type SigningDetails } from "./Signer.js"
import { SigningError } from "./SigningError.js"

/**
 * How many times the default policy retries (6 attempts in all).
 *
 * @since 3.0.0
 * @category constants
 */
export const DEFAULT_RETRIES: number = RETRIES

/**
 * Options of `backoff`.
 *
 * @since 3.0.0
 * @category models
 */
export interface BackoffOptions {
  /** First delay. Default 100 milliseconds. */
  readonly base?: Duration.DurationInput | undefined
  /** Each delay is the previous one times this. Default 2. */
  readonly factor?: number | undefined
  /**
   * No backoff delay is longer than this. Default 5 seconds. A `Retry-After`
   * the server asks for is capped by `makeRequestWithRetries`' own `maxDelay`
   * (default 5 seconds), not by this.
   */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** Retries at most this many times. Default 5. */
  readonly times?: number | undefined
  /** Randomize each delay between 80% and 120%, so clients that failed together do not retry together. Default true. */
  readonly jitter?: boolean | undefined
}

/**
 * Exponential backoff with jitter, capped, for a bounded number of retries;
 * its output is the number of retries so far. The randomness comes from
 * Effect's `Random`, so `TestRandom` makes it repeatable.
 *
 * @throws SigningError (reason `InvalidConfig`) when an option is out of range
 * or not a number (a NaN would make every delay 0).
 *
 * @since 3.0.0
 * @category schedules
 */
export const backoff: (options?: BackoffOptions) => Schedule.Schedule<number> = schedules.backoff

/**
 * The default retry policy: delays of about 100 ms, 200 ms, 400 ms, 800 ms and
 * 1.6 s (each ±20%, none over 5 s), at most 5 retries. Compose on it, e.g.
 * `Schedule.intersect(Retry.defaultSchedule, Schedule.recurs(2))`.
 *
 * @since 3.0.0
 * @category schedules
 */
export const defaultSchedule: Schedule.Schedule<number> = schedules.defaultSchedule

/**
 * Retry policy of `makeRequestWithRetries`.
 *
 * @since 3.0.0
 * @category models
 */
export interface RetryOptions<E, R = never> {
  /** The schedule to retry on; it sees each failure of `send`. Default `defaultSchedule`. */
  readonly schedule?: Schedule.Schedule<unknown, E, R> | undefined
  /** Retry at most this many times; with `schedule`, whichever stops first. */
  readonly times?: number | undefined
  /**
   * Retry only failures for which this holds, e.g. `Retry.isTransient`.
   * Default: every failure but those that cannot succeed unchanged (`isPermanentFailure`).
   * Not asked about a `SigningError`, which is never retried.
   */
  readonly while?: ((error: E) => boolean) | undefined
  /** Stop retrying at the first failure for which this holds. */
  readonly until?: ((error: E) => boolean) | undefined
  /** Longest wait a `Retry-After` header may impose. Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput | undefined
}

/**
 * True for failures that may heal on their own: network errors (connection
 * reset or refused, DNS hiccups, sockets closed), timeouts, and HTTP 408, 425,
 * 429 and 5xx. Recognizes a fetch `Response`, an axios-style error
 * (`error.response.status`), @effect/platform's `HttpClientError`, and errors
 * whose `cause` chain holds a Node network error code (what fetch throws).
 * A connection dropped while a body is read is one, also after a 2xx head: a
 * POST that fails so may have been applied (docs/retries.md).
 *
 * @example
 * ```ts
 * import { Retry } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Retry.makeRequestWithRetries(
 *   { method: "GET", path: "/pets" },
 *   (signed) => Effect.tryPromise(() => fetch(signed.url, signed)),
 *   { while: Retry.isTransient }
 * )
 * ```
 *
 * @since 3.0.0
 * @category predicates
 */
export const isTransient: (error: unknown) => boolean = failures.isTransient

/**
 * True for a failure that carries an HTTP status which cannot succeed if the
 * same request is sent again: a 4xx other than 408, 425 and 429. The default
 * policy does not retry these.
 *
 * @since 3.0.0
 * @category predicates
 */
export const isPermanentFailure: (error: unknown) => boolean = failures.isPermanentFailure

/**
 * How long a failure asks to wait before the next attempt, from its
 * `Retry-After` header (seconds, or an HTTP date), if it carries one. An HTTP
 * date is the server's time: it is measured from the failure's own `Date`
 * header (plus its `Age`, for an answer a cache kept) when there is one
 * within a day of `now`, else from `now`, so that a client whose clock is off
 * waits what the server asked.
 *
 * @throws SigningError (`InvalidConfig`) when `now` is not a finite number of
 * epoch milliseconds (a NaN would make any HTTP date's wait NaN).
 *
 * @since 3.0.0
 * @category utils
 */
export const retryAfterMillis: (failure: unknown, now: number) => number | undefined = schedules.retryAfterMillis

/**
 * What `send` is handed besides the request: which attempt this is, and what
 * the signature was computed from (to diagnose a 403 without signing again).
 *
 * @since 3.0.0
 * @category models
 */
export interface Attempt extends SigningDetails {
  /** 1 for the first attempt. */
  readonly attempt: number
}

/**
 * Signs `request` and hands it to `send`; when `send` fails, waits as the
 * schedule says, signs again (new `x-amz-date`, current credentials) and
 * sends again. The request is validated and encoded once; a `SigningError`
 * fails at once and is never retried, since signing the same input again
 * cannot succeed: one from signing, and one `send` fails with (its own
 * signing failed, even inside an `UnknownException`), whatever `while` and
 * `until` would say; the run fails with that `SigningError` itself. By
 * default a failure that cannot succeed unchanged (an HTTP 4xx but 408, 425
 * and 429) is not retried either. A 403 for clock skew
 * (API Gateway's time in its message or `Date` header, more than 5 minutes
 * from the signer's) sets the `Signer`'s clock offset right, and the attempt
 * is signed and sent again at once, outside the schedule.
 *
 * When `send` keeps failing, the result is a `RequestError` carrying the
 * number of attempts and the last failure as `cause`. Interrupting the fiber
 * stops at once: no attempt starts after it. Each failed attempt is logged at
 * debug level (attempt number and a summary of the failure, never a secret).
 *
 * @example
 * ```ts
 * import { Retry } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Retry.makeRequestWithRetries(
 *   { method: "GET", path: "/pets" },
 *   (signed) => Effect.tryPromise(() => fetch(signed.url, signed).then((r) => (r.ok ? r.json() : Promise.reject(r)))),
 *   { while: Retry.isTransient }
 * )
 * ```
 *
 * @since 3.0.0
 * @category sending
 */
export const makeRequestWithRetries = <
  A,
  E,
  R,
  R2 = never,
  Q extends Record<string, any> = QueryRecord,
  H extends Record<string, any> = HeadersRecord
>(
  request: RequestToSign<Q, H>,
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  options: RetryOptions<E, R2> = {}
): Effect.Effect<A, RequestError<E> | SigningError, R | R2 | Signer | Credentials> =>
  Effect.suspend(() => {
    const checked = checkRetryOptions<E, R2>(send, options)
    return checked instanceof SigningError
      ? Effect.fail(checked)
      : Effect.flatMap(Effect.all([Signer, Credentials]), ([signer, credentials]) => sendWithRetries(signer, credentials, request, send, checked))
  })
