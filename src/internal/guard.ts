/**
 * The last line of the public entry points: whatever went wrong leaves as a
 * `SigningError` (never a raw TypeError from a hostile input, such as a
 * getter that throws), and its message shows no secret (the signer's own
 * secrets and a presigned URL's credentials are redacted).
 *
 * @internal
 */
import { SigningError } from "../SigningError.js"
import { redactAuthParameters, scrubSecrets } from "./scrub.js"

/** Any failure as a SigningError; one that is not already one is an unusable input. */
export const asSigningError = (error: unknown): SigningError =>
  error instanceof SigningError ? error : new SigningError({
    reason: "InvalidRequest",
    message: `The request could not be signed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error
  })

/** `asSigningError`, with `secrets` and authentication parameters redacted from the message. */
export const cleanSigningError = (error: unknown, secrets: Iterable<string> = []): SigningError => {
  const typed = asSigningError(error)
  const message = redactAuthParameters(scrubSecrets(typed.message, secrets))
  return message === typed.message
    ? typed
    : new SigningError({ reason: typed.reason, field: typed.field, message, cause: typed.cause })
}
