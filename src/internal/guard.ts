/**
 * The last line of the public entry points: whatever went wrong leaves as a
 * `SigningError` (never a raw TypeError from a hostile input, such as a
 * getter that throws), and its message shows no secret (the signer's own
 * secrets and a presigned URL's credentials are redacted).
 *
 * Everything here is total: what it is handed may be anything a hostile
 * input threw (a revoked Proxy, whose every inspection throws, included), and
 * a guard that throws would let that escape untyped.
 *
 * @internal
 */
import { type SigningErrorReason, SigningError } from "../SigningError.js"
import { isError } from "./brand.js"
import { describe } from "./request/describe.js"
import { causeShowingNoSecret, holdsCredentialLikeText, redactForDisplay, cutForScrubbing, scrubForeignText } from "./scrub.js"

/** `f()`, or `fallback` when it throws (an inspection of a hostile value). */
export const safely = <A>(f: () => A, fallback: A): A => {
  try {
    return f()
  } catch {
    return fallback
  }
}

/** `error instanceof SigningError`, false when even that throws. */
export const isSigningErrorSafely = (error: unknown): error is SigningError => safely(() => error instanceof SigningError, false)

/**
 * What a thrown value says: an Error's first line of message, a string, or the
 * value's kind, with `secrets` and authentication parameters redacted. What
 * code outside this library threw may also quote a secret the library never
 * held (a getter, `send`, a predicate that throws one), so a run that may be a
 * credential is then shown by its length (after the known secrets, which are
 * found whole only before). With `readLength`, only that much of the text is
 * read (cut with an ellipsis, less a run of credential characters it cuts):
 * scrubbing costs its length times the number of secrets, and a gateway's
 * handler may quote megabytes that a client sent with hundreds of them.
 */
export const thrownMessage = (error: unknown, secrets: Iterable<string> = [], readLength = Infinity): string =>
  safely(() => {
    const said = saidBy(error)
    return said === undefined ? describe(error) : scrubForeignText(cutForScrubbing(said, readLength), secrets)
  }, "a value that cannot be inspected")

/** A thrown string, or a thrown Error's message (not empty). */
const textOf = (error: unknown): string | undefined =>
  typeof error === "string" ? error
  : isError(error) && typeof error.message === "string" && error.message !== "" ? error.message
  : undefined

/** What a message quotes of a thrown value: its text's first line (a string is quoted whole). */
const saidBy = (error: unknown): string | undefined => typeof error === "string" ? error : textOf(error)?.split("\n")[0]

/**
 * `error` to keep as the cause of a failure that quotes it: not when it shows
 * one of `secrets` (see `causeShowingNoSecret`), nor when any text in it, at
 * any depth, holds a run that may be a credential, as `thrownMessage` hides
 * one (printing an error prints its cause in full: every line of its
 * message, the errors it wraps, an HTTP client's request headers).
 */
export const thrownCause = (error: unknown, secrets: Iterable<string> = []): unknown =>
  safely(() => (holdsCredentialLikeText(error) ? undefined : causeShowingNoSecret(error, secrets)), undefined)

/**
 * Any failure as a SigningError; one that is not already one is an unusable
 * input (`reason`, `InvalidRequest` unless the caller knows better), its
 * message showing none of `secrets`.
 */
export const asSigningError = (error: unknown, reason: SigningErrorReason = "InvalidRequest", secrets: Iterable<string> = []): SigningError =>
  isSigningErrorSafely(error) ? error : new SigningError({
    reason,
    message: `${reason === "InvalidRequest" ? "The request could not be signed" : "The configuration is unusable"}: ${thrownMessage(error, secrets)}`,
    cause: thrownCause(error, secrets)
  })

/** `asSigningError`, with `secrets` and authentication parameters redacted from the message, and a cause that shows a secret dropped. */
export const cleanSigningError = (
  error: unknown,
  secrets: Iterable<string> = [],
  reason: SigningErrorReason = "InvalidRequest"
): SigningError => {
  const known = [...secrets]
  const typed = asSigningError(error, reason, known)
  const message = redactForDisplay(typed.message, known)
  // inspect prints a cause in full: what was thrown may quote the same secret the message was cleaned of.
  const cause = known.length === 0 ? typed.cause : causeShowingNoSecret(typed.cause, known)
  return message === typed.message && cause === typed.cause
    ? typed
    : new SigningError({ reason: typed.reason, field: typed.field, message, cause })
}

/**
 * The body of a public function, with every failure a SigningError: runs `f`,
 * and what it throws is a SigningError, without the secrets this call was
 * given (`secrets`). A hostile input (a getter or Proxy trap that throws) must
 * not escape as a TypeError, nor as whatever it threw.
 */
export const guarded = <A>(f: () => A, secrets: Iterable<string> = []): A => {
  try {
    return f()
  } catch (error) {
    throw cleanSigningError(error, secrets)
  }
}
