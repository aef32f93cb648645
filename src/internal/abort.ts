/**
 * Aborting with an `AbortSignal`, as fetch does: what an aborted operation
 * rejects with, which values are signals, and waiting on a promise unless the
 * signal aborts first. A caller's signal is a real `AbortSignal` (checked
 * where it comes in) but its methods may still have been replaced: removing
 * a listener never throws out of here.
 *
 * @internal
 */
import { SigningError } from "../SigningError.js"

/** What an aborted operation rejects with: the signal's reason, else an AbortError as fetch uses. */
export const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException("This operation was aborted", "AbortError")

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

/** Stops listening. A signal whose removeEventListener throws keeps a listener that does nothing once its promise settled. */
export const stopListening = (signal: AbortSignal, onAbort: () => void): void => {
  try {
    signal.removeEventListener("abort", onAbort)
  } catch {
    // Nothing to undo: the listener only settles a promise that is settled already.
  }
}

/** Listens for `signal` to abort; a SigningError when its addEventListener throws (it would never tell). */
export const listen = (signal: AbortSignal, onAbort: () => void): SigningError | undefined => {
  try {
    signal.addEventListener("abort", onAbort, { once: true })
    return undefined
  } catch {
    return new SigningError({ reason: "InvalidConfig", message: "signal.addEventListener threw, so aborting could not be heard; pass an AbortSignal as AbortController makes it." })
  }
}

/**
 * `promise`, or a rejection with the abort reason as soon as `signal` aborts
 * (the promise then runs on, unheard; its failure is handled all the same).
 */
export const unlessAborted = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
  signal === undefined ? promise : new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      promise.catch(() => {})
      reject(abortReason(signal))
      return
    }
    const onAbort = () => reject(abortReason(signal))
    // Heard first: whatever happens next, the promise's own failure is never left unhandled.
    promise.then(
      (value) => {
        stopListening(signal, onAbort)
        resolve(value)
      },
      (error: unknown) => {
        stopListening(signal, onAbort)
        reject(error)
      }
    )
    const refused = listen(signal, onAbort)
    if (refused !== undefined) reject(refused)
  })
