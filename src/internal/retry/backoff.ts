/**
 * The retry policy's numbers and its one delay formula: exponential backoff
 * from `base`, times `factor` per retry, each delay randomized to 80-120%
 * (so clients that failed together do not retry together) and capped, and
 * never shorter than a `Retry-After` the failure asks for (itself capped).
 * Both retry loops use it: the Effect `Retry` schedule and the facade's.
 *
 * @internal
 */
import { retryAfterMillis } from "./failures.js"

/** Retries of the default policy: 6 attempts in all. */
export const DEFAULT_RETRIES = 5
const DEFAULT_BASE_DELAY_MS = 100
const DEFAULT_FACTOR = 2
export const DEFAULT_MAX_DELAY_MS = 5000

export interface Backoff {
  readonly baseMillis: number
  readonly factor: number
  readonly maxMillis: number
  readonly jitter: boolean
}

export const DEFAULT_BACKOFF: Backoff = {
  baseMillis: DEFAULT_BASE_DELAY_MS,
  factor: DEFAULT_FACTOR,
  maxMillis: DEFAULT_MAX_DELAY_MS,
  jitter: true
}

/**
 * The most retries a count may ask for. Past it a count is a mistake (milliseconds
 * passed for a count, Number.MAX_VALUE), and against an endpoint that keeps
 * failing it would retry for days: 1,000 retries at the default 5 s cap already
 * take over an hour. Retrying without end is a loop of your own, or a Schedule.
 */
export const MAX_RETRIES = 1000

/** Whether `value` can be a number of retries: a whole number from 0 to MAX_RETRIES. */
export const isRetryCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_RETRIES

/** Whether `value` can be a delay in milliseconds: finite, 0 or more (a NaN would make every delay 0). */
export const isDelayMillis = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0

/** Whether `value` can be a backoff factor: finite, 1 or more (a smaller one would retry faster and faster). */
export const isBackoffFactor = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 1

/** The wait before retry number `retry` (0 for the first retry); `random` is uniform in [0, 1). */
export const backoffMillis = (retry: number, backoff: Backoff, random: number): number =>
  Math.min(backoff.maxMillis, backoff.baseMillis * backoff.factor ** retry * (backoff.jitter ? 0.8 + 0.4 * random : 1))

/** A delay stretched to what the failure's Retry-After asks, up to `maxMillis`. */
export const honourRetryAfter = (delayMillis: number, failure: unknown, now: number, maxMillis: number): number => {
  const asked = retryAfterMillis(failure, now)
  return asked === undefined ? delayMillis : Math.max(delayMillis, Math.min(asked, maxMillis))
}
