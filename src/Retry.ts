/**
 * Sending with retries: `Effect.retry` with a `Schedule`, signing afresh on
 * every attempt. A signature is valid for five minutes and credentials rotate,
 * so a retry never replays an old signature.
 *
 * @since 2.0.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schedule from "effect/Schedule"
import { Credentials } from "./Credentials.js"
import { prepare, signPreparedNow } from "./internal/effect/signing.js"
import * as retryDefaults from "./internal/retryDefaults.js"
import { scrubSecrets } from "./internal/scrub.js"
import { Secret } from "./internal/secret.js"
import { describeFailure, type FailureSummary, RequestError, statusOf, summarizeFailure } from "./RequestError.js"
import type { RequestToSign, SignedRequest } from "./SignedRequest.js"
import { Signer, type SigningDetails } from "./Signer.js"
import type { SigningError } from "./SigningError.js"

/**
 * How many times the default policy retries (6 attempts in all).
 *
 * @since 2.0.0
 * @category constants
 */
export const DEFAULT_RETRIES: number = retryDefaults.DEFAULT_RETRIES

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

const DEFAULT_BASE = Duration.millis(100)
const DEFAULT_MAX_DELAY = Duration.seconds(5)

/**
 * Exponential backoff with jitter, capped, for a bounded number of retries.
 *
 * @since 2.0.0
 * @category schedules
 */
export const backoff = (options: BackoffOptions = {}): Schedule.Schedule<[Duration.Duration, number]> => {
  const maxDelay = Duration.decode(options.maxDelay ?? DEFAULT_MAX_DELAY)
  const exponential = Schedule.exponential(options.base ?? DEFAULT_BASE, options.factor ?? 2)
  return (options.jitter ?? true ? Schedule.jittered(exponential) : exponential).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.intersect(Schedule.recurs(options.times ?? DEFAULT_RETRIES))
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
export const defaultSchedule: Schedule.Schedule<[Duration.Duration, number]> = backoff()

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
  /** Retry only failures for which this holds, e.g. `Retry.isTransient`. */
  readonly while?: (error: E) => boolean
  /** Stop retrying at the first failure for which this holds. */
  readonly until?: (error: E) => boolean
  /** Longest wait a `Retry-After` header may impose. Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput
}

// ---------------------------------------------------------------------------
// what heals

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

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined

const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || (status >= 500 && status <= 599)

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
 *
 * Retry.makeRequestWithRetries(request, send, { while: Retry.isTransient })
 * ```
 *
 * @since 2.0.0
 * @category predicates
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

const headerOf = (failure: unknown, name: string): string | undefined => {
  for (const holder of [failure, field(failure, "response")]) {
    const headers = field(holder, "headers")
    if (typeof headers !== "object" || headers === null) continue
    const get = (headers as { get?: unknown }).get
    const value = typeof get === "function"
      ? (get as (name: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name]
    if (typeof value === "string") return value
  }
  return undefined
}

/**
 * How long a failure asks to wait before the next attempt, from its
 * `Retry-After` header (seconds, or an HTTP date relative to `now`), if it
 * carries one.
 *
 * @since 2.0.0
 * @category utils
 */
export const retryAfterMillis = (failure: unknown, now: number): number | undefined => {
  const value = headerOf(failure, "retry-after")?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Waits at least as long as a failure's Retry-After asks, up to `maxDelay`. */
const honourRetryAfter = <E, R>(
  schedule: Schedule.Schedule<unknown, E, R>,
  maxDelay: Duration.Duration
): Schedule.Schedule<unknown, E, R> =>
  Schedule.intersect(schedule, Schedule.identity<E>()).pipe(
    Schedule.modifyDelayEffect(([, failure], delay) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const asked = retryAfterMillis(failure, now)
        return asked === undefined ? delay : Duration.max(delay, Duration.min(Duration.millis(asked), maxDelay))
      })
    )
  )

// ---------------------------------------------------------------------------
// the loop

/** A failure of `send`, kept apart from signing failures, which are never retried. */
class SendFailure<E> {
  constructor(readonly error: E) {}
}

const scrubSummary = (summary: FailureSummary, secrets: ReadonlySet<string>): FailureSummary => ({
  ...summary,
  ...(summary.name === undefined ? {} : { name: scrubSecrets(summary.name, secrets) }),
  ...(summary.message === undefined ? {} : { message: scrubSecrets(summary.message, secrets) })
})

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
 * cannot succeed.
 *
 * When `send` keeps failing, the result is a `RequestError` carrying the
 * number of attempts and the last failure as `cause`. Interrupting the fiber
 * stops at once: no attempt starts after it. Each failed attempt is logged at
 * debug level (attempt number and a summary of the failure, never a secret).
 *
 * @example
 * ```ts
 * import { Credentials, Retry, Signer } from "api-gateway-request-signer"
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
          (options.while === undefined || options.while(error)) && (options.until === undefined || !options.until(error))

        // Signing failures travel in the success channel, so the schedule only ever sees send's failures.
        const attempt: Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> = Effect.suspend(
          () => {
            attempts++
            return Effect.either(signPreparedNow(signer, credentialsService, prepared))
          }
        ).pipe(
          Effect.flatMap((signed): Effect.Effect<Either.Either<A, SigningError>, SendFailure<E>, R> => {
            if (Either.isLeft(signed)) return Effect.succeed(Either.left(signed.left))
            const { credentials, request: signedRequest, canonicalRequest, stringToSign, credentialScope, signedHeaders, signature } =
              signed.right
            secrets.add(Secret.reveal(credentials.secretAccessKey))
            if (credentials.sessionToken !== undefined) secrets.add(Secret.reveal(credentials.sessionToken))
            const details: Attempt = { attempt: attempts, canonicalRequest, stringToSign, credentialScope, signedHeaders, signature }
            return send(signedRequest, details).pipe(
              Effect.mapBoth({ onFailure: (error) => new SendFailure(error), onSuccess: (value) => Either.right(value) })
            )
          }),
          Effect.tapError(({ error }: SendFailure<E>) =>
            Effect.logDebug("api-gateway-request-signer: attempt failed").pipe(
              Effect.annotateLogs({ attempt: attempts, failure: scrubSecrets(describeFailure(error), secrets) })
            )
          )
        )

        const times = options.times
        const base: Schedule.Schedule<unknown, E, R2> = options.schedule === undefined
          ? (times === undefined ? defaultSchedule : backoff({ times }))
          : times === undefined
          ? options.schedule
          : Schedule.intersect(options.schedule, Schedule.recurs(times))
        const policy = honourRetryAfter(base, Duration.decode(options.maxDelay ?? DEFAULT_MAX_DELAY)).pipe(
          Schedule.mapInput((failure: SendFailure<E>) => failure.error)
        )

        return attempt.pipe(
          Effect.retry({ schedule: policy, while: (failure) => shouldRetry(failure.error) }),
          Effect.matchEffect({
            onFailure: ({ error }) => {
              const retryable = shouldRetry(error)
              return Effect.fail(
                new RequestError<E>({
                  reason: retryable ? "RetriesExhausted" : "NotRetryable",
                  attempts,
                  cause: error,
                  message: scrubSecrets(
                    `${retryable ? "Request failed after" : "Request failed, not retryable, after"} ${attempts} attempt${
                      attempts === 1 ? "" : "s"
                    }: ${describeFailure(error)}`,
                    secrets
                  ),
                  causeSummary: scrubSummary(summarizeFailure(error), secrets)
                })
              )
            },
            onSuccess: (result) => Either.isLeft(result) ? Effect.fail(result.left) : Effect.succeed(result.right)
          })
        )
      })))
