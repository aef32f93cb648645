/**
 * Sending with retries: `Effect.retry` with a `Schedule`, signing afresh on
 * every attempt. A signature is valid for five minutes and credentials rotate,
 * so a retry never replays an old signature.
 *
 * The policy (the backoff formula, what is retried, the `RequestError` at
 * the end) is the one the Promise facade's `makeRequestWithRetries` follows
 * too: both loops read it from the same internal modules.
 *
 * @since 2.0.0
 * @module
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { Credentials } from "./Credentials.js"
import { prepare, signPreparedNow } from "./internal/effect/signing.js"
import {
  type Backoff,
  backoffMillis,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_RETRIES as RETRIES,
  honourRetryAfter
} from "./internal/retry/backoff.js"
import * as failures from "./internal/retry/failures.js"
import { SPAN_ATTEMPT, SPAN_REQUEST_WITH_RETRIES, traced } from "./internal/effect/tracing.js"
import { describeAttemptFailure, giveUp } from "./internal/retry/giveUp.js"
import { secretsOf } from "./internal/credentials.js"
import type { RequestError } from "./RequestError.js"
import type { RequestToSign, SignedRequest } from "./SignedRequest.js"
import { Signer, type SigningDetails } from "./Signer.js"
import type { SigningError } from "./SigningError.js"

/**
 * How many times the default policy retries (6 attempts in all).
 *
 * @since 2.0.0
 * @category constants
 */
export const DEFAULT_RETRIES: number = RETRIES

/**
 * Options of `backoff`.
 *
 * @since 2.0.0
 * @category models
 */
export interface BackoffOptions {
  /** First delay. Default 100 milliseconds. */
  readonly base?: Duration.DurationInput
  /** Each delay is the previous one times this. Default 2. */
  readonly factor?: number
  /** No delay is longer than this (Retry-After included). Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput
  /** Retries at most this many times. Default 5. */
  readonly times?: number
  /** Randomize each delay between 80% and 120%, so clients that failed together do not retry together. Default true. */
  readonly jitter?: boolean
}

const backoffOf = (options: BackoffOptions): Backoff => ({
  baseMillis: options.base === undefined ? DEFAULT_BACKOFF.baseMillis : Duration.toMillis(options.base),
  factor: options.factor ?? DEFAULT_BACKOFF.factor,
  maxMillis: options.maxDelay === undefined ? DEFAULT_BACKOFF.maxMillis : Duration.toMillis(options.maxDelay),
  jitter: options.jitter ?? DEFAULT_BACKOFF.jitter
})

/**
 * Exponential backoff with jitter, capped, for a bounded number of retries;
 * its output is the number of retries so far. The randomness comes from
 * Effect's `Random`, so `TestRandom` makes it repeatable.
 *
 * @since 2.0.0
 * @category schedules
 */
export const backoff = (options: BackoffOptions = {}): Schedule.Schedule<number> => {
  const policy = backoffOf(options)
  return Schedule.recurs(options.times ?? RETRIES).pipe(
    Schedule.addDelayEffect((retry) => Effect.map(Random.next, (random) => Duration.millis(backoffMillis(retry, policy, random))))
  )
}

/**
 * The default retry policy: delays of about 100 ms, 200 ms, 400 ms, 800 ms and
 * 1.6 s (each ±20%, none over 5 s), at most 5 retries. Compose on it, e.g.
 * `Schedule.intersect(Retry.defaultSchedule, Schedule.recurs(2))`.
 *
 * @since 2.0.0
 * @category schedules
 */
export const defaultSchedule: Schedule.Schedule<number> = backoff()

/**
 * Retry policy of `makeRequestWithRetries`.
 *
 * @since 2.0.0
 * @category models
 */
export interface RetryOptions<E, R = never> {
  /** The schedule to retry on; it sees each failure of `send`. Default `defaultSchedule`. */
  readonly schedule?: Schedule.Schedule<unknown, E, R>
  /** Retry at most this many times; with `schedule`, whichever stops first. */
  readonly times?: number
  /**
   * Retry only failures for which this holds, e.g. `Retry.isTransient`.
   * Default: every failure but those that cannot succeed unchanged (`isPermanentFailure`).
   */
  readonly while?: (error: E) => boolean
  /** Stop retrying at the first failure for which this holds. */
  readonly until?: (error: E) => boolean
  /** Longest wait a `Retry-After` header may impose. Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput
}

/**
 * True for failures that may heal on their own: network errors (connection
 * reset or refused, DNS hiccups, sockets closed), timeouts, and HTTP 408, 429
 * and 5xx. Recognizes a fetch `Response`, an axios-style error
 * (`error.response.status`), @effect/platform's `HttpClientError`, and errors
 * whose `cause` chain holds a Node network error code (what fetch throws).
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
 * @since 2.0.0
 * @category predicates
 */
export const isTransient: (error: unknown) => boolean = failures.isTransient

/**
 * True for a failure that carries an HTTP status which cannot succeed if the
 * same request is sent again: a 4xx other than 408, 425 and 429. The default
 * policy does not retry these.
 *
 * @since 2.0.0
 * @category predicates
 */
export const isPermanentFailure: (error: unknown) => boolean = failures.isPermanentFailure

/**
 * How long a failure asks to wait before the next attempt, from its
 * `Retry-After` header (seconds, or an HTTP date relative to `now`), if it
 * carries one.
 *
 * @since 2.0.0
 * @category utils
 */
export const retryAfterMillis: (failure: unknown, now: number) => number | undefined = failures.retryAfterMillis

/** Waits at least as long as a failure's Retry-After asks, up to `maxMillis`. */
const withRetryAfter = <E, R>(
  schedule: Schedule.Schedule<unknown, E, R>,
  maxMillis: number
): Schedule.Schedule<unknown, E, R> =>
  Schedule.intersect(schedule, Schedule.identity<E>()).pipe(
    Schedule.modifyDelayEffect(([, failure], delay) =>
      Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(honourRetryAfter(Duration.toMillis(delay), failure, now, maxMillis)))
    )
  )

/** A failure of `send`, kept apart from signing failures, which are never retried. */
class SendFailure<E> {
  constructor(readonly error: E) {}
}

/**
 * What `send` is handed besides the request: which attempt this is, and what
 * the signature was computed from (to diagnose a 403 without signing again).
 *
 * @since 2.0.0
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
 * cannot succeed. By default a failure that cannot succeed unchanged (an
 * HTTP 4xx but 408, 425 and 429) is not retried either.
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
 * @since 2.0.0
 * @category sending
 */
export const makeRequestWithRetries = <A, E, R, R2 = never>(
  request: RequestToSign,
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  options: RetryOptions<E, R2> = {}
): Effect.Effect<A, RequestError<E> | SigningError, R | R2 | Signer | Credentials> =>
  Effect.flatMap(Effect.all([Signer, Credentials]), ([signer, credentialsService]) =>
    Effect.flatMap(prepare(signer, request), (prepared) =>
      Effect.suspend(() => {
        let attempts = 0
        const secrets = new Set<string>()
        const shouldRetry = (error: E): boolean =>
          options.while === undefined && options.until === undefined
            ? !failures.isPermanentFailure(error)
            : (options.while === undefined || options.while(error)) && (options.until === undefined || !options.until(error))

        const spanAttributes = { "http.request.method": prepared.method, "url.path": prepared.path }
        // Signing failures travel in the success channel, so the schedule only ever sees send's failures.
        const attempt: Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> = Effect.suspend(() => {
          const number = ++attempts
          return traced(
            SPAN_ATTEMPT,
            { ...spanAttributes, "retry.attempt": number },
            Effect.either(signPreparedNow(signer, credentialsService, prepared)).pipe(
              Effect.flatMap((signed): Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> => {
                if (Either.isLeft(signed)) return Effect.succeed(Either.left(signed.left))
                const { credentials, request: signedRequest, canonicalRequest, stringToSign, credentialScope, signedHeaders, signature } =
                  signed.right
                for (const secret of secretsOf(credentials)) secrets.add(secret)
                const details: Attempt = { attempt: number, canonicalRequest, stringToSign, credentialScope, signedHeaders, signature }
                return send(signedRequest, details).pipe(
                  Effect.mapBoth({ onFailure: (error) => new SendFailure(error), onSuccess: (value) => Either.right(value) })
                )
              }),
              Effect.tapError(({ error }: SendFailure<E>) =>
                Effect.logDebug("api-gateway-request-signer: attempt failed").pipe(
                  Effect.annotateLogs({ attempt: number, failure: describeAttemptFailure(error, secrets) })
                )
              )
            )
          )
        })

        const times = options.times
        const base: Schedule.Schedule<unknown, E, R2> = options.schedule === undefined
          ? (times === undefined ? defaultSchedule : backoff({ times }))
          : times === undefined
          ? options.schedule
          : Schedule.intersect(options.schedule, Schedule.recurs(times))
        const maxMillis = options.maxDelay === undefined ? DEFAULT_MAX_DELAY_MS : Duration.toMillis(options.maxDelay)
        const policy = withRetryAfter(base, maxMillis).pipe(Schedule.mapInput((failure: SendFailure<E>) => failure.error))

        return traced(
          SPAN_REQUEST_WITH_RETRIES,
          spanAttributes,
          attempt.pipe(
            Effect.retry({ schedule: policy, while: (failure) => shouldRetry(failure.error) }),
            Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("retry.attempts", attempts))),
            Effect.matchEffect({
              onFailure: ({ error }) => Effect.fail(giveUp(error, attempts, shouldRetry(error), secrets)),
              onSuccess: (result) => Either.isLeft(result) ? Effect.fail(result.left) : Effect.succeed(result.right)
            })
          )
        )
      })))
