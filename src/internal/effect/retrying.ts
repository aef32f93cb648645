/**
 * The retry program behind `Retry.makeRequestWithRetries`: prepare the
 * request once, then per attempt sign it afresh (time from `Clock`,
 * credentials from the service) and hand it to `send`, under `Effect.retry`
 * with the caller's schedule and `Retry-After`. A `SigningError` is never
 * retried; a refusal for clock skew corrects the signer's clock and is signed
 * again at once; what the caller's code does wrong (a `send` that throws, a
 * predicate that throws) is a `SigningError`, not a retry.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as MutableRef from "effect/MutableRef"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import type { Service as CredentialsService } from "../../Credentials.js"
import type { RequestError } from "../../RequestError.js"
import type { Attempt } from "../../Retry.js"
import type { RequestToSign, SignedRequest } from "../../SignedRequest.js"
import type { Service as SignerService } from "../../Signer.js"
import { SigningError } from "../../SigningError.js"
import { invalidConfig } from "../signingErrors.js"
import { isPlainObject } from "../brand.js"
import { attemptClock, type AttemptClock, offsetAfterRefusal } from "../clockSkew.js"
import { secretsOf } from "../credentials.js"
import { asSigningError, safely, thrownCause, thrownMessage } from "../guard.js"
import { describe } from "../request/describe.js"
import { releaseBody } from "../webRequest.js"
import { DEFAULT_MAX_DELAY_MS, isRetryCount } from "../retry/backoff.js"
import * as failures from "../retry/failures.js"
import { describeAttemptFailure, giveUp } from "../retry/giveUp.js"
import { backoff, defaultSchedule, delayMillisOf, invalidTimes, withRetryAfter } from "./retrySchedule.js"
import { prepare, signPreparedNow } from "./signing.js"
import { SPAN_ATTEMPT, SPAN_REQUEST_WITH_RETRIES, traced } from "./tracing.js"

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
 * How the request's span ends when the call fails: the failure's name, tag
 * and message (its secrets already scrubbed), without its `cause`. A tracer
 * renders a span's failure in full (`Cause.pretty` follows `cause`), and a
 * `RequestError`'s cause is what `send` failed with, often holding the signed
 * request and its session token. The failure itself comes back once the span
 * has ended.
 */
class SpanEnding<F extends Error & { readonly _tag: string }> extends Error {
  declare readonly failure: F
  declare readonly _tag: string
  constructor(failure: F) {
    super(failure.message)
    this.name = failure.name
    Object.defineProperty(this, "failure", { value: failure })
    Object.defineProperty(this, "_tag", { value: failure._tag, enumerable: true })
  }
}

/** The options of `makeRequestWithRetries`, each read once and checked: no NaN, no non-Schedule, fail closed. */
export interface CheckedOptions<E, R> {
  readonly schedule: Schedule.Schedule<unknown, E, R> | undefined
  readonly times: number | undefined
  readonly while: ((error: E) => boolean) | undefined
  readonly until: ((error: E) => boolean) | undefined
  readonly maxDelayMillis: number
}

// The Promise facade's retry options: what Retry takes instead, and whether it was given.
const FACADE_NAMES: ReadonlyArray<readonly [string, string, (options: Record<string, unknown>) => unknown]> = [
  ["retries", "times (how many retries)", (options) => options["times"]],
  ["shouldRetry", "while (or until), a predicate of the failure", (options) => options["while"] ?? options["until"]],
  ["maxDelayMs", "maxDelay (a Duration)", (options) => options["maxDelay"]],
  ["baseDelayMs", "a schedule (Retry.backoff({ base }))", (options) => options["schedule"]],
  // Nothing of Retry's stands for it: an Effect is stopped by interrupting it.
  ["signal", "no signal: interrupt the Effect instead (Effect.timeout, Effect.race, or Effect.runPromise's own { signal })", () => undefined]
]

export const checkRetryOptions = <E, R>(send: unknown, options: unknown): CheckedOptions<E, R> | SigningError => {
  try {
    if (typeof send !== "function") {
      return invalidConfig(`send must be a function (signed, attempt) => Effect that sends the signed request; got ${describe(send)}.`)
    }
    if (options === undefined) return { schedule: undefined, times: undefined, while: undefined, until: undefined, maxDelayMillis: DEFAULT_MAX_DELAY_MS }
    if (!isPlainObject(options)) {
      return invalidConfig(`The options of Retry.makeRequestWithRetries must be a plain object such as { times: 3 }; got ${describe(options)}.`)
    }
    const { schedule, times, while: whilePredicate, until, maxDelay } = options as Record<string, unknown>
    // The facade's names for these, which would be ignored here (six attempts where `retries: 0` asked for one).
    for (const [facadeName, ownName, given] of FACADE_NAMES) {
      if ((options as Record<string, unknown>)[facadeName] !== undefined && given(options as Record<string, unknown>) === undefined) {
        return invalidConfig(`Retry.makeRequestWithRetries was given ${facadeName}, the Promise facade's option, which it would ignore; it takes ${ownName}.`)
      }
    }
    if (schedule !== undefined && !Schedule.isSchedule(schedule)) {
      return invalidConfig(`schedule must be a Schedule, e.g. Retry.backoff({ times: 3 }); got ${describe(schedule)}.`)
    }
    if (times !== undefined && !isRetryCount(times)) return invalidTimes(times)
    for (const [name, predicate] of [["while", whilePredicate], ["until", until]] as const) {
      if (predicate !== undefined && typeof predicate !== "function") {
        return invalidConfig(`${name} must be a predicate (error) => boolean, e.g. Retry.isTransient; got ${describe(predicate)}.`)
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
  new SigningError({ reason: "InvalidConfig", message: what, cause: thrownCause(error, secrets) })

/** Whether to retry `error`: the default policy, or `while` and `until`; a predicate that throws, as a SigningError. */
const askShouldRetry = <E>(options: CheckedOptions<E, unknown>, error: E, secrets: Iterable<string>): boolean | SigningError => {
  try {
    return options.while === undefined && options.until === undefined
      ? !failures.isPermanentFailure(error)
      : (options.while === undefined || Boolean(options.while(error))) && (options.until === undefined || !options.until(error))
  } catch (thrown) {
    return misuse(
      `The retry predicate (while or until) threw (${thrownMessage(thrown, secrets)}) instead of returning true or false, ` +
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
      `send threw (${thrownMessage(thrown, secrets)}) instead of returning an Effect; ` +
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

/** One request's retry program, on the given signer and credentials; `options` were checked by `checkRetryOptions`. */
export const sendWithRetries = <A, E, R, R2>(
  signer: SignerService,
  credentialsService: CredentialsService,
  request: RequestToSign,
  send: (signed: SignedRequest, attempt: Attempt) => Effect.Effect<A, E, R>,
  options: CheckedOptions<E, R2>
): Effect.Effect<A, RequestError<E> | SigningError, R | R2> =>
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
      // What the latest attempt failed with: released once another attempt is decided on, before the backoff (a fetch
      // Response's unread body holds a connection, which that attempt, or another request, may need; an interruption
      // during the backoff must not keep it), never when it goes to the caller as the RequestError's cause.
      let lastFailure: { readonly error: E } | undefined
      const releaseLastFailure = (): void => {
        if (lastFailure !== undefined) releaseBody(lastFailure.error)
        lastFailure = undefined
      }
      // Signing failures travel in the success channel, so the schedule only ever sees send's failures.
      const attempt: Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> = Effect.clockWith((clock) => {
        releaseLastFailure() // the clock-skew re-send, which no schedule decides on
        const number = ++attempts
        signedOn = attemptClock(clock.unsafeCurrentTimeMillis(), MutableRef.get(signer.clockOffset))
        return traced(
          SPAN_ATTEMPT,
          { ...spanAttributes, "retry.attempt": number },
          Effect.either(signPreparedNow(signer, credentialsService, prepared, "sending")).pipe(
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
                    if (signingFailure !== undefined) return Effect.succeed(Either.left(signingFailure))
                    lastFailure = { error }
                    return Effect.fail(new SendFailure(error, secrets))
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

      const policy = withRetryAfter(scheduleOf(options), options.maxDelayMillis, () => MutableRef.get(signer.clockOffset)).pipe(
        Schedule.mapInput((failure: SendFailure<E>) => failure.error),
        Schedule.whileInput((failure: SendFailure<E>) => shouldRetry(failure.error)),
        // Last, so that it sees the whole decision: a failure the predicate gives up on goes to the caller unread.
        Schedule.onDecision((_, decision) => Effect.sync(() => ScheduleDecision.isContinue(decision) && releaseLastFailure()))
      )

      return traced(
        SPAN_REQUEST_WITH_RETRIES,
        spanAttributes,
        attemptOnTime.pipe(
          Effect.retry(policy),
          Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("retry.attempts", attempts))),
          Effect.matchEffect({
            onFailure: ({ error }) => {
              // Asked again: when the schedule ran out first, the predicate has not seen this failure.
              const retryable = shouldRetry(error)
              return Effect.fail(new SpanEnding(predicateFailure ?? giveUp(error, attempts, retryable, secrets)))
            },
            onSuccess: (result) => Either.isLeft(result) ? Effect.fail(new SpanEnding(result.left)) : Effect.succeed(result.right)
          })
        )
      ).pipe(Effect.mapError((ending) => ending.failure))
    }))
