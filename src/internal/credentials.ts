/**
 * Credentials validation, free of the Effect runtime so the Promise facade can
 * use it without loading it.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type { AwsCredentials, CredentialsInput } from "../Credentials.js"
import { SigningError } from "../SigningError.js"

export const ENVIRONMENT_VARIABLES = "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)"

// Characters that may stand in a header value; a key id may not hold "/" either (it delimits the scope).
const HEADER_SAFE = /^[\x21-\x7e]+$/
const ACCESS_KEY_ID = /^[\x21-\x2e\x30-\x7e]+$/

const missing = (message: string): SigningError => new SigningError({ reason: "MissingCredentials", message })

/** Validates credentials and wraps their secrets in `Redacted`; messages name the faulty field, never its value. */
export const validate = (input: CredentialsInput): AwsCredentials | SigningError => {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = input
  if (typeof accessKeyId !== "string" || accessKeyId === "") {
    return missing(`No AWS access key id: pass accessKeyId, or set ${ENVIRONMENT_VARIABLES}.`)
  }
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    return missing("The AWS access key id contains a space, a slash or a control character; check for a stray newline.")
  }
  const secret = toRedacted(secretAccessKey)
  if (secret === undefined || Redacted.value(secret) === "") {
    return missing(`No AWS secret access key: pass secretAccessKey, or set ${ENVIRONMENT_VARIABLES}.`)
  }
  const token = toRedacted(sessionToken)
  if (token !== undefined) {
    const text = Redacted.value(token)
    if (text !== "" && !HEADER_SAFE.test(text)) {
      return missing("The AWS session token contains a space or a control character; check for a stray newline.")
    }
  }
  return {
    accessKeyId,
    secretAccessKey: secret,
    sessionToken: token === undefined || Redacted.value(token) === "" ? undefined : token,
    expiration
  }
}

const toRedacted = (
  secret: string | Redacted.Redacted<string> | undefined
): Redacted.Redacted<string> | undefined =>
  secret === undefined ? undefined
  : Redacted.isRedacted(secret) ? (typeof Redacted.value(secret) === "string" ? secret : undefined)
  : typeof secret === "string" ? Redacted.make(secret)
  : undefined
