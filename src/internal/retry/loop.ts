/**
 * The facade's retry loop, in plain Promises so that the facade loads no
 * Effect: sign afresh, send, and on failure wait as the policy says
 * (`backoff.ts`), until an attempt succeeds, a failure is not retryable,
 * retries run out (a `RequestError`, as `giveUp.ts` builds it for both
 * loops), or the signal aborts. Signing failures are never retried, whatever
 * `shouldRetry` would say, and reject as they are: signing the same input
 * again cannot succeed. That holds for the loop's own signing and for a
 * `SigningError` the callback fails with (its own signing failed).
 *
 * @internal
 */
import type { SignedRequest } from "../../SignedRequest.js"
import { SigningError } from "../../SigningError.js"
import { abortReason, isSignalRefusal, listen, stopListening, unlessAborted } from "../abort.js"
import { thrownCause, thrownMessage } from "../guard.js"
import type { AttemptClock } from "../clockSkew.js"
import { type Backoff, backoffMillis, honourRetryAfter } from "./backoff.js"
import { signingErrorIn } from "./failures.js"
import { giveUp } from "./giveUp.js"

/** A request signed for one attempt, the secrets it was signed with (to scrub from messages), and the clock it was signed on. */
export interface SignedAttempt {
  readonly request: SignedRequest
  readonly secrets: ReadonlyArray<string>
  readonly clock: AttemptClock
}

export interface LoopOptions {
  readonly retries: number
  readonly backoff: Backoff
  readonly shouldRetry: (failure: unknown) => boolean
  readonly signal: AbortSignal | undefined
  /**
   * Sets the signer's clock right when a failure is a refusal for clock skew,
   * and says whether it did: the request is then signed and sent again at
   * once, outside the retry budget (once per request). `signedOn` is the
   * clock the refused attempt was signed on.
   */
  readonly correctClock?: ((failure: unknown, signedOn: AttemptClock) => boolean) | undefined
  /**
   * Releases a failure the loop goes past, before it waits and sends again (a response nobody will
   * read: its body holds a connection, which the next attempt may need). Never the last outcome, which
   * is the caller's.
   */
  readonly discard?: ((failure: unknown) => void) | undefined
}

// The longest a timer runs: longer delays would fire at once (Node, browsers), so they are waited in steps.
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** Calls `done` after `millis`, in timer steps of at most MAX_TIMER_MILLIS; `started` hears of each later step's timer. */
const wait = (
  millis: number,
  done: () => void,
  started: (timer: ReturnType<typeof setTimeout>) => void
): ReturnType<typeof setTimeout> =>
  setTimeout(() => {
    if (millis > MAX_TIMER_MILLIS) started(wait(millis - MAX_TIMER_MILLIS, done, started))
    else done()
  }, Math.min(millis, MAX_TIMER_MILLIS))

/** Waits `millis`, or rejects with the abort reason as soon as `signal` aborts. */
const sleep = (millis: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal === undefined) {
      wait(millis, resolve, () => {})
      return
    }
    // Aborted since the last look (by shouldRetry, say): no wait at all.
    if (signal.aborted) return reject(abortReason(signal))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortReason(signal))
    }
    // Listening before the timer starts: a signal that cannot be listened to leaves no timer behind.
    const refused = listen(signal, onAbort)
    if (refused !== undefined) return reject(refused)
    let timer = wait(millis, () => {
      stopListening(signal, onAbort)
      resolve()
    }, (next) => (timer = next))
  })

/**
 * The caller's verdict on a failure. A predicate that throws cannot decide:
 * that is a bug in the options, reported as such (a SigningError naming
 * `shouldRetry`), never let out untyped. The thrown error is its cause unless
 * it shows a secret: it is often the failure itself, whose request holds the
 * session token.
 */
const askShouldRetry = (shouldRetry: (failure: unknown) => boolean, failure: unknown, secrets: Iterable<string>): boolean => {
  try {
    return Boolean(shouldRetry(failure))
  } catch (error) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `shouldRetry threw (${thrownMessage(error, secrets)}) instead of returning true or false, so retrying stopped; ` +
        "make it return a boolean for any error, e.g. (error) => Retry.isTransient(error).",
      cause: thrownCause(error, secrets)
    })
  }
}

export const retryLoop = async <T>(
  sign: () => SignedAttempt | Promise<SignedAttempt>,
  send: (request: SignedRequest, signedOn: AttemptClock) => T | PromiseLike<T>,
  options: LoopOptions
): Promise<Awaited<T>> => {
  const { signal } = options
  const secrets = new Set<string>()
  let calls = 0
  let retries = 0
  let clockCorrected = false
  for (;;) {
    if (signal?.aborted) throw abortReason(signal)
    // Signing may wait for credentials: aborting meanwhile rejects at once, and nothing is sent.
    const signed = await unlessAborted(sign, signal)
    for (const secret of signed.secrets) secrets.add(secret)
    calls++
    try {
      return await unlessAborted(() => send(signed.request, signed.clock), signal)
    } catch (failure) {
      if (signal?.aborted) throw abortReason(signal)
      if (isSignalRefusal(failure)) throw failure
      const signingFailure = signingErrorIn(failure)
      if (signingFailure !== undefined) throw signingFailure
      if (!clockCorrected && options.correctClock?.(failure, signed.clock) === true) {
        clockCorrected = true
        options.discard?.(failure)
        continue
      }
      const retryable = askShouldRetry(options.shouldRetry, failure, secrets)
      if (!retryable || retries >= options.retries) throw giveUp(failure, calls, retryable, secrets)
      options.discard?.(failure)
      const delay = backoffMillis(retries++, options.backoff, Math.random())
      // An HTTP date in Retry-After is the server's time: without the answer's own Date header, measured on this
      // clock as the signer corrects it.
      await sleep(honourRetryAfter(delay, failure, Date.now() + signed.clock.offset, options.backoff.maxMillis), signal)
    }
  }
}
