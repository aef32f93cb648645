/**
 * Aborting with an `AbortSignal`, as fetch does: what an aborted operation
 * rejects with, which values are signals, and waiting on a promise unless the
 * signal aborts first. A caller's signal is a real `AbortSignal` (checked
 * where it comes in) but its methods may still have been replaced: removing
 * a listener never throws out of here, and a signal is listened to once
 * however many calls wait on it.
 *
 * @internal
 */
import { type SigningError } from "../SigningError.js"
import { tagOf } from "./brand.js"
import { safely } from "./guard.js"
import { describe } from "./request/describe.js"
import { invalidConfig } from "./signingErrors.js"

/**
 * What an aborted operation rejects with: the signal's reason, else an AbortError as fetch uses. React Native
 * has no DOMException, and its AbortController gives no reason: there, an Error named AbortError, as its fetch uses.
 */
export const abortReason = (signal: AbortSignal): unknown => {
  const reason: unknown = signal.reason
  // A null reason (abort(null)) too gets the AbortError, as ever here.
  if (reason !== undefined && reason !== null) return reason
  return typeof DOMException === "function"
    ? new DOMException("This operation was aborted", "AbortError")
    : Object.assign(new Error("This operation was aborted"), { name: "AbortError" })
}

/**
 * Whether `value` is a real AbortSignal: an instance whose `aborted` can be
 * read (an object made from its prototype passes `instanceof`, then throws
 * on every use).
 */
export const isAbortSignal = (value: unknown): value is AbortSignal => {
  try {
    return typeof AbortSignal !== "undefined" && value instanceof AbortSignal && typeof value.aborted === "boolean"
  } catch {
    return false
  }
}

/**
 * How a value refused as a signal is described. One that calls itself an AbortSignal but is not this realm's
 * (an iframe's, a vm context's, a polyfill's) is not refused for what it is, but for where it comes from.
 */
export const describeNonSignal = (value: unknown): string =>
  safely(
    () => typeof AbortSignal !== "undefined" && !(value instanceof AbortSignal) && tagOf(value) === "[object AbortSignal]",
    false
  )
    ? "an AbortSignal of another realm (an iframe's, a vm context's) or of a polyfill; pass one made by this realm's AbortController"
    : describe(value)

// One listener per signal, however many calls wait on it: many concurrent calls sharing a signal
// would otherwise pass the 10 listeners after which Node warns of a leak.
interface Waiting {
  readonly callbacks: Set<() => void>
  readonly dispatch: () => void
}
const waitingOn = new WeakMap<AbortSignal, Waiting>()

const refusals = new WeakSet<object>()

/** Whether `failure` is `listen`'s refusal of a signal: the caller's mistake, never an attempt's failure to retry. */
export const isSignalRefusal = (failure: unknown): boolean =>
  typeof failure === "object" && failure !== null && refusals.has(failure)

/** Listens for `signal` to abort; a SigningError when its addEventListener throws (it would never tell). */
export const listen = (signal: AbortSignal, onAbort: () => void): SigningError | undefined => {
  const waiting = waitingOn.get(signal)
  if (waiting !== undefined) {
    waiting.callbacks.add(onAbort)
    return undefined
  }
  const callbacks = new Set([onAbort])
  // Every waiter hears it: one that throws would otherwise leave the rest pending for good (the EventTarget
  // swallows what a listener throws), and settling is all a callback does.
  const dispatch = () => {
    waitingOn.delete(signal)
    for (const callback of callbacks) safely(callback, undefined)
  }
  try {
    signal.addEventListener("abort", dispatch, { once: true })
  } catch {
    const refusal = invalidConfig("signal.addEventListener threw, so aborting could not be heard; pass an AbortSignal as AbortController makes it.")
    refusals.add(refusal)
    return refusal
  }
  waitingOn.set(signal, { callbacks, dispatch })
  return undefined
}

/** Stops listening. A signal whose removeEventListener throws keeps a listener that does nothing once its promise settled. */
export const stopListening = (signal: AbortSignal, onAbort: () => void): void => {
  const waiting = waitingOn.get(signal)
  if (waiting === undefined || !waiting.callbacks.delete(onAbort) || waiting.callbacks.size > 0) return
  waitingOn.delete(signal)
  try {
    signal.removeEventListener("abort", waiting.dispatch)
  } catch {
    // Nothing to undo: the listener calls no one now.
  }
}

/**
 * What `start` gives, or a rejection with the abort reason as soon as
 * `signal` aborts. `start` runs only once the abort can be heard, and not at
 * all when the signal has aborted by then; after an abort what it started
 * runs on, unheard (its failure is handled all the same).
 */
export const unlessAborted = <T>(start: () => T | PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (signal === undefined) return Promise.resolve().then(start)
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal))
    const onAbort = () => reject(abortReason(signal))
    const refused = listen(signal, onAbort)
    if (refused !== undefined) return reject(refused)
    Promise.resolve()
      .then((): T | PromiseLike<T> => {
        if (signal.aborted) throw abortReason(signal)
        return start()
      })
      .then(
        (value) => {
          stopListening(signal, onAbort)
          resolve(value)
        },
        (error: unknown) => {
          stopListening(signal, onAbort)
          reject(error)
        }
      )
  })
}
