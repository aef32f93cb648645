/**
 * The retry schedules of the Effect API: the backoff policy
 * (internal/retry/backoff.ts, which the facade's loop follows too) as a
 * `Schedule` whose randomness comes from Effect's `Random`, and a failure's
 * `Retry-After` honoured on top of any schedule. Options are checked here: a
 * NaN or a negative number, which Effect reads as a zero Duration, would make
 * every delay 0.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type { BackoffOptions } from "../../Retry.js"
import { SigningError } from "../../SigningError.js"
import { invalidConfig } from "../signingErrors.js"
import { isPlainObject } from "../brand.js"
import { asSigningError } from "../guard.js"
import { describe } from "../request/describe.js"
import { durationMillis } from "./duration.js"
import * as failures from "../retry/failures.js"
import {
  type Backoff,
  backoffMillis,
  DEFAULT_BACKOFF,
  DEFAULT_RETRIES,
  honourRetryAfter,
  isBackoffFactor,
  isRetryCount,
  MAX_RETRIES
} from "../retry/backoff.js"

/** A delay option (`base`, `maxDelay`) in milliseconds: a Duration, 0 or more. */
export const delayMillisOf = (name: string, value: unknown): number | SigningError =>
  durationMillis(name, value, `"5 seconds"`)

/** A retry count that is not a whole number from 0 to `MAX_RETRIES`. */
export const invalidTimes = (times: unknown): SigningError =>
  invalidConfig(`times must be a whole number of retries from 0 to ${MAX_RETRIES} (retrying without end is a Schedule of your own); got ${describe(times)}.`)

/** The options of `backoff`, checked: a NaN anywhere would make every delay 0. */
const backoffOf = (options: BackoffOptions): Backoff & { readonly times: number } => {
  if (!isPlainObject(options)) {
    throw invalidConfig(`Retry.backoff takes options such as { base: "100 millis", times: 3 }; got ${describe(options)}.`)
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
  if (factor !== undefined && !isBackoffFactor(factor)) throw invalidConfig(`factor must be a finite number, 1 or more; got ${describe(factor)}.`)
  if (times !== undefined && !isRetryCount(times)) throw invalidTimes(times)
  if (jitter !== undefined && typeof jitter !== "boolean") throw invalidConfig(`jitter must be true or false; got ${describe(jitter)}.`)
  return {
    baseMillis,
    factor: (factor as number | undefined) ?? DEFAULT_BACKOFF.factor,
    maxMillis,
    jitter: jitter ?? DEFAULT_BACKOFF.jitter,
    times: (times as number | undefined) ?? DEFAULT_RETRIES
  }
}

/** `Retry.backoff`: recurs `times` times, each delay from the backoff formula with a `Random` draw. */
export const backoff = (options: BackoffOptions = {}): Schedule.Schedule<number> => {
  const policy = backoffOf(options)
  return Schedule.recurs(policy.times).pipe(
    Schedule.addDelayEffect((retry) => Effect.map(Random.next, (random) => Duration.millis(backoffMillis(retry, policy, random))))
  )
}

/** `Retry.defaultSchedule`. */
export const defaultSchedule: Schedule.Schedule<number> = backoff()

/**
 * Waits at least as long as a failure's Retry-After asks, up to `maxMillis`.
 * An HTTP date is the server's time: without the failure's own Date header to
 * measure it from, it is measured on the `Clock` corrected by `clockOffset()`
 * (the signer's estimate of how far the server's clock is from this one).
 */
export const withRetryAfter = <E, R>(
  schedule: Schedule.Schedule<unknown, E, R>,
  maxMillis: number,
  clockOffset: () => number
): Schedule.Schedule<unknown, E, R> =>
  Schedule.intersect(schedule, Schedule.identity<E>()).pipe(
    Schedule.modifyDelayEffect(([, failure], delay) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        Duration.millis(honourRetryAfter(Duration.toMillis(delay), failure, now + clockOffset(), maxMillis)))
    )
  )

/** `Retry.retryAfterMillis`: `now` is checked, since a NaN would make any HTTP date's wait NaN. */
export const retryAfterMillis = (failure: unknown, now: number): number | undefined => {
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw invalidConfig(`now must be the current time in epoch milliseconds, e.g. Date.now(); got ${describe(now)}.`)
  }
  return failures.retryAfterMillis(failure, now)
}
