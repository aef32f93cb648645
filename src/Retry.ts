/**
 * Sending with retries: `Effect.retry` with a `Schedule`, signing afresh on
 * every attempt. A signature is valid for five minutes and credentials rotate,
 * so a retry never replays an old signature.
 *
 * The policy (the backoff formula, what is retried, the `RequestError` at
 * the end) is the one the Promise facade's `makeRequestWithRetries` follows
 * too: both loops read it from the same internal modules.
 *
 * @since 3.0.0
 * @module
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as MutableRef from "effect/MutableRef"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { Credentials } from "./Credentials.js"
import { type AttemptClock, offsetAfterRefusal } from "./internal/clockSkew.js"
import { prepare, signPreparedNow } from "./internal/effect/signing.js"
import {
  type Backoff,
  backoffMillis,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_RETRIES as RETRIES,
  honourRetryAfter,
  isBackoffFactor,
  isDelayMillis,
  isRetryCount,
  MAX_RETRIES
} from "./internal/retry/backoff.js"
import * as failures from "./internal/retry/failures.js"
import { SPAN_ATTEMPT, SPAN_REQUEST_WITH_RETRIES, traced } from "./internal/effect/tracing.js"
import { describeAttemptFailure, giveUp } from "./internal/retry/giveUp.js"
import { secretsOf } from "./internal/credentials.js"
import { asSigningError, safely, thrownMessage } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { causeShowingNoSecret, redactForDisplay } from "./internal/scrub.js"
import type { RequestError } from "./RequestError.js"
import type { RequestToSign, SignedRequest } from "./SignedRequest.js"
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

const invalidOption = (message: string): SigningError => new SigningError({ reason: "InvalidConfig", message })

/** A duration option in milliseconds; Effect reads a NaN or negative number as a zero Duration, so those are refused instead. */
const delayMillisOf = (name: string, value: unknown): number | SigningError => {
  const duration = typeof value === "number" && !isDelayMillis(value) ? Option.none() : Duration.decodeUnknown(value)
  return Option.isSome(duration)
    ? Duration.toMillis(duration.value)
    : invalidOption(`${name} must be a Duration such as "5 seconds" or a number of milliseconds, 0 or more; got ${describe(value)}.`)
}

const timesRefused = (times: unknown): SigningError =>
  invalidOption(`times must be a whole number of retries from 0 to ${MAX_RETRIES} (retrying without end is a Schedule of your own); got ${describe(times)}.`)

/** The options of `backoff`, checked: a NaN anywhere would make every delay 0. */
const backoffOf = (options: BackoffOptions): Backoff & { readonly times: number } => {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalidOption(`Retry.backoff takes options such as { base: "100 millis", times: 3 }; got ${describe(options)}.`)
  }
  let base: unknown, factor: unknown, maxDelay: unknown, times: unknown, jitter: unknown
  try {
    ;({ base, factor, maxDelay, times, jitter } = options)
  } catch (error) {
    throw asSigningError(error, "InvalidConfig")
  }
  const baseMillis = base === undefined ? DEFAULT_BACKOFF.baseMillis : delayMillisOf("base", base)
  const maxMillis = maxDelay === undefined ? DEFAULT_BACKOFF.maxMillis : delayMillisOf("maxDelay", maxDelay)
  if (baseMillis instanceof SigningError) throw baseMillis
  if (maxMillis instanceof SigningError) throw maxMillis
  if (factor !== undefined && !isBackoffFactor(factor)) throw invalidOption(`factor must be a finite number, 1 or more; got ${describe(factor)}.`)
  if (times !== undefined && !isRetryCount(times)) throw timesRefused(times)
  if (jitter !== undefined && typeof jitter !== "boolean") throw invalidOption(`jitter must be true or false; got ${describe(jitter)}.`)
  return {
    baseMillis,
    factor: (factor as number | undefined) ?? DEFAULT_BACKOFF.factor,
    maxMillis,
    jitter: jitter ?? DEFAULT_BACKOFF.jitter,
    times: (times as number | undefined) ?? RETRIES
  }
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
export const backoff = (options: BackoffOptions = {}): Schedule.Schedule<number> => {
  const policy = backoffOf(options)
  return Schedule.recurs(policy.times).pipe(
    Schedule.addDelayEffect((retry) => Effect.map(Random.next, (random) => Duration.millis(backoffMillis(retry, policy, random))))
  )
}

/**
 * The default retry policy: delays of about 100 ms, 200 ms, 400 ms, 800 ms and
 * 1.6 s (each ±20%, none over 5 s), at most 5 retries. Compose on it, e.g.
 * `Schedule.intersect(Retry.defaultSchedule, Schedule.recurs(2))`.
 *
 * @since 3.0.0
 * @category schedules
 */
export const defaultSchedule: Schedule.Schedule<number> = backoff()

/**
 * Retry policy of `makeRequestWithRetries`.
 *
 * @since 3.0.0
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
   * Not asked about a `SigningError`, which is never retried.
   */
  readonly while?: (error: E) => boolean
  /** Stop retrying at the first failure for which this holds. */
  readonly until?: (error: E) => boolean
  /** Longest wait a `Retry-After` header may impose. Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput
}

/**
 * True for failures that may heal on their own: network errors (connection
 * reset or refused, DNS hiccups, sockets closed), timeouts, and HTTP 408, 425,
 * 429 and 5xx. Recognizes a fetch `Response`, an axios-style error
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
 * `Retry-After` header (seconds, or an HTTP date relative to `now`), if it
 * carries one.
 *
 * @throws SigningError (`InvalidConfig`) when `now` is not a finite number of
 * epoch milliseconds (a NaN would make any HTTP date's wait NaN).
 *
 * @since 3.0.0
 * @category utils
 */
export const retryAfterMillis = (failure: unknown, now: number): number | undefined => {
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw invalidOption(`now must be the current time in epoch milliseconds, e.g. Date.now(); got ${describe(now)}.`)
  }
  return failures.retryAfterMillis(failure, now)
}

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

/**
 * A failure of `send`, kept apart from signing failures, which are never
 * retried. The `Retry.attempt` span ends with it, and a tracer renders what a
 * span failed with: Effect's `Cause.pretty` shows an object that is not an
 * Error as JSON, and copies an Error's enumerable fields, either of which can
 * be a request that holds the session token. So this is an Error whose message
 * says what failed without a secret (as the debug log does), with the
 * failure's `_tag` (the span's `error.type`), and the failure itself is not
 * enumerable: nothing that serializes this error reaches it.
 */
class SendFailure<E> extends Error {
  declare readonly error: E
  declare readonly _tag?: string
  constructor(error: E, secrets: Iterable<string>) {
    super(describeAttemptFailure(error, secrets))
    Object.defineProperty(this, "error", { value: error })
    const tag = safely(() => (error as { readonly _tag?: unknown } | null)?._tag, undefined)
    if (typeof tag === "string") Object.defineProperty(this, "_tag", { value: tag, enumerable: true })
  }
}

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
export const makeRequestWithRetries = <A, E, R, R2 = never>(
  request: RequestToSign,
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  options: RetryOptions<E, R2> = {}
): Effect.Effect<A, RequestError<E> | SigningError, R | R2 | Signer | Credentials> =>
  Effect.suspend(() => {
    const checked = checkRetryOptions<E, R2>(send, options)
    return checked instanceof SigningError ? Effect.fail(checked) : retrying(request, send, checked)
  })

/** The options of `makeRequestWithRetries`, each read once and checked: no NaN, no non-Schedule, fail closed. */
interface CheckedOptions<E, R> {
  readonly schedule: Schedule.Schedule<unknown, E, R> | undefined
  readonly times: number | undefined
  readonly while: ((error: E) => boolean) | undefined
  readonly until: ((error: E) => boolean) | undefined
  readonly maxDelayMillis: number
}

const checkRetryOptions = <E, R>(send: unknown, options: unknown): CheckedOptions<E, R> | SigningError => {
  try {
    if (typeof send !== "function") {
      return invalidOption(`send must be a function (signed, attempt) => Effect that sends the signed request; got ${describe(send)}.`)
    }
    if (options === undefined) return { schedule: undefined, times: undefined, while: undefined, until: undefined, maxDelayMillis: DEFAULT_MAX_DELAY_MS }
    if (typeof options !== "object" || options === null) {
      return invalidOption(`The options of Retry.makeRequestWithRetries must be an object such as { times: 3 }; got ${describe(options)}.`)
    }
    const { schedule, times, while: whilePredicate, until, maxDelay } = options as Record<string, unknown>
    if (schedule !== undefined && !Schedule.isSchedule(schedule)) {
      return invalidOption(`schedule must be a Schedule, e.g. Retry.backoff({ times: 3 }); got ${describe(schedule)}.`)
    }
    if (times !== undefined && !isRetryCount(times)) return timesRefused(times)
    for (const [name, predicate] of [["while", whilePredicate], ["until", until]] as const) {
      if (predicate !== undefined && typeof predicate !== "function") {
        return invalidOption(`${name} must be a predicate (error) => boolean, e.g. Retry.isTransient; got ${describe(predicate)}.`)
      }
    }
    const maxDelayMillis = maxDelay === undefined ? DEFAULT_MAX_DELAY_MS : delayMillisOf("maxDelay", maxDelay)
    if (maxDelayMillis instanceof SigningError) return maxDelayMillis
    return {
      schedule: schedule as Schedule.Schedule<unknown, E, R> | undefined,
      times: times as number | undefined,
      while: whilePredicate as ((error: E) => boolean) | undefined,
      until: until as ((error: E) => boolean) | undefined,
      maxDelayMillis
    }
  } catch (error) {
    // Options whose getters or Proxy traps throw.
    return asSigningError(error, "InvalidConfig")
  }
}

/**
 * A failure of the caller's code around `send` (it threw, or returned no
 * Effect, or a predicate threw): a bug to report, never to retry. What was
 * thrown is the cause unless it shows one of the `secrets`: it is often the
 * failure itself, whose request holds the session token.
 */
const misuse = (what: string, secrets: Iterable<string>, error?: unknown): SigningError =>
  new SigningError({ reason: "InvalidConfig", message: what, cause: causeShowingNoSecret(error, secrets) })

/** Whether to retry `error`: the default policy, or `while` and `until`; a predicate that throws, as a SigningError. */
const askShouldRetry = <E>(options: CheckedOptions<E, unknown>, error: E, secrets: Iterable<string>): boolean | SigningError => {
  try {
    return options.while === undefined && options.until === undefined
      ? !failures.isPermanentFailure(error)
      : (options.while === undefined || Boolean(options.while(error))) && (options.until === undefined || !options.until(error))
  } catch (thrown) {
    return misuse(
      `The retry predicate (while or until) threw (${redactForDisplay(thrownMessage(thrown), secrets)}) instead of returning true or false, ` +
        "so retrying stopped; make it return a boolean for any error, e.g. Retry.isTransient.",
      secrets,
      thrown
    )
  }
}

/** `send`'s Effect for one attempt; a send that throws or returns no Effect is a SigningError, not retried. */
const sendOnce = <A, E, R>(
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  signedRequest: SignedRequest,
  details: Attempt,
  secrets: Iterable<string>
): Effect.Effect<A, E, R> | SigningError => {
  let sent: unknown
  try {
    sent = send(signedRequest, details)
  } catch (thrown) {
    return misuse(
      `send threw (${redactForDisplay(thrownMessage(thrown), secrets)}) instead of returning an Effect; ` +
        "return a failed Effect instead (Effect.fail, Effect.try, Effect.tryPromise).",
      secrets,
      thrown
    )
  }
  return safely(() => Effect.isEffect(sent), false)
    ? sent as Effect.Effect<A, E, R>
    : misuse(`send returned ${describe(sent)}, not an Effect; wrap a Promise in Effect.tryPromise(() => ...).`, secrets)
}

/** The schedule the options ask for: the default, `times` recurrences of the default backoff, or `schedule` (capped at `times`). */
const scheduleOf = <E, R>(options: CheckedOptions<E, R>): Schedule.Schedule<unknown, E, R> => {
  const { schedule, times } = options
  if (schedule === undefined) return times === undefined ? defaultSchedule : backoff({ times })
  return times === undefined ? schedule : Schedule.intersect(schedule, Schedule.recurs(times))
}

const retrying = <A, E, R, R2>(
  request: RequestToSign,
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  options: CheckedOptions<E, R2>
): Effect.Effect<A, RequestError<E> | SigningError, R | R2 | Signer | Credentials> =>
  Effect.flatMap(Effect.all([Signer, Credentials]), ([signer, credentialsService]) =>
    Effect.flatMap(prepare(signer, credentialsService, request), (prepared) =>
      Effect.suspend(() => {
        let attempts = 0
        const secrets = new Set<string>()
        // A predicate that throws cannot decide: retrying stops, and the run fails with this.
        let predicateFailure: SigningError | undefined
        const shouldRetry = (error: E): boolean => {
          const answer = askShouldRetry(options, error, secrets)
          if (answer instanceof SigningError) predicateFailure = answer
          return answer === true
        }

        const spanAttributes = { "http.request.method": prepared.method, "url.path": prepared.path }
        // The signer's clock when the latest attempt was signed: a refusal for skew is measured on it.
        let signedOn: AttemptClock = { signedAt: 0, offset: 0 }
        // Signing failures travel in the success channel, so the schedule only ever sees send's failures.
        const attempt: Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> = Effect.clockWith((clock) => {
          const number = ++attempts
          const offset = MutableRef.get(signer.clockOffset)
          signedOn = { signedAt: clock.unsafeCurrentTimeMillis() + offset, offset }
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
                const sent = sendOnce(send, signedRequest, details, secrets)
                if (sent instanceof SigningError) return Effect.succeed(Either.left(sent))
                return sent.pipe(
                  Effect.matchEffect({
                    // A send whose own signing failed fails as signing does: at once, with that SigningError.
                    onFailure: (error) => {
                      const signingFailure = failures.signingErrorIn(error)
                      return signingFailure === undefined
                        ? Effect.fail(new SendFailure(error, secrets))
                        : Effect.succeed(Either.left(signingFailure))
                    },
                    onSuccess: (value) => Effect.succeed(Either.right(value))
                  })
                )
              }),
              Effect.tapError((failure: SendFailure<E>) =>
                Effect.logDebug("api-gateway-request-signer: attempt failed").pipe(
                  Effect.annotateLogs({ attempt: number, failure: failure.message })
                )
              )
            )
          )
        })

        // A refusal for clock skew sets the signer's clock right, and the attempt is made again at
        // once, outside the schedule (once per request).
        let clockCorrected = false
        const attemptOnTime = attempt.pipe(
          Effect.catchAll((failure) =>
            Effect.clockWith((clock) => {
              const offset = clockCorrected
                ? undefined
                : offsetAfterRefusal(failure.error, signedOn, clock.unsafeCurrentTimeMillis(), MutableRef.get(signer.clockOffset))
              if (offset === undefined) return Effect.fail(failure)
              clockCorrected = true
              MutableRef.set(signer.clockOffset, offset)
              return attempt
            })
          )
        )

        const policy = withRetryAfter(scheduleOf(options), options.maxDelayMillis).pipe(
          Schedule.mapInput((failure: SendFailure<E>) => failure.error)
        )

        return traced(
          SPAN_REQUEST_WITH_RETRIES,
          spanAttributes,
          attemptOnTime.pipe(
            Effect.retry({ schedule: policy, while: (failure) => shouldRetry(failure.error) }),
            Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("retry.attempts", attempts))),
            Effect.matchEffect({
              onFailure: ({ error }) => {
                // Asked again: when the schedule ran out first, the predicate has not seen this failure.
                const retryable = shouldRetry(error)
                return Effect.fail(predicateFailure ?? giveUp(error, attempts, retryable, secrets))
              },
              onSuccess: (result) => Either.isLeft(result) ? Effect.fail(result.left) : Effect.succeed(result.right)
            })
          )
        )
      })))
