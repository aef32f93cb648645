/**
 * Credentials as the signing core holds them, and their validation. The
 * facade and the Effect API both validate through `signingCredentials`, each
 * naming the fields as its own API spells them.
 *
 * @internal
 */
import { SigningError } from "../SigningError.js"
import { missingCredentials } from "./signingErrors.js"
import { dateMillis } from "./brand.js"
import { describe } from "./request/describe.js"
import { Secret } from "./secret.js"

/** Credentials ready to sign with: secrets wrapped, nothing that a print could show. */
export interface SigningCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: Secret
  readonly sessionToken: Secret | undefined
  /** When temporary credentials stop working, in epoch milliseconds. */
  readonly expiration: number | undefined
}

export const ENVIRONMENT_VARIABLES = "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)"

/** How an API spells the credential fields, so that messages name what the caller wrote. */
export interface FieldNames {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  /** Whether the credentials came from the AWS_* variables, or may: only then do messages advise setting them. */
  readonly fromEnvironment?: boolean
  /** What a missing key's message advises, when not to pass the two fields (or set the variables). */
  readonly whenMissing?: string
}

/** Credentials read from the AWS_* variables: a value's fault names the variable that holds it (a CRLF .env file's stray CR). */
export const ENVIRONMENT_FIELD_NAMES: FieldNames = {
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
  sessionToken: "AWS_SESSION_TOKEN",
  fromEnvironment: true,
  whenMissing: `set ${ENVIRONMENT_VARIABLES}`
}

/** The AWS SDK's spelling (`AwsCredentialIdentity`), which the Effect API and the facade's `credentials` option share. */
export const SDK_FIELD_NAMES: FieldNames = {
  accessKeyId: "accessKeyId",
  secretAccessKey: "secretAccessKey",
  sessionToken: "sessionToken"
}

// Characters that may stand in a header value. A key id may not hold "/" (it delimits the scope) or ","
// (it ends the Authorization header's Credential= part), so a server could never read it back.
const HEADER_SAFE = /^[\x21-\x7e]+$/
const ACCESS_KEY_ID = /^[\x21-\x2b\x2d\x2e\x30-\x7e]+$/

const missing = missingCredentials

/**
 * Validates credentials given as text. Messages name the faulty field, never
 * its value. An empty session token means none.
 */
export const signingCredentials = (
  input: {
    readonly accessKeyId: unknown
    readonly secretAccessKey: unknown
    readonly sessionToken?: unknown
    readonly expiration?: unknown
  },
  names: FieldNames = SDK_FIELD_NAMES
): SigningCredentials | SigningError => {
  let accessKeyId: unknown, secretAccessKey: unknown, sessionToken: unknown, expiration: unknown
  try {
    ;({ accessKeyId, secretAccessKey, sessionToken, expiration } = input)
  } catch {
    // Said without what was thrown: a getter's error may quote the very secret it failed to hand over.
    return missing(
      `The credentials could not be read (reading them threw); pass a plain object { ${names.accessKeyId}, ${names.secretAccessKey}, ` +
        `${names.sessionToken}? } of strings.`
    )
  }
  const passOrSet = names.whenMissing ??
    `pass ${names.accessKeyId} and ${names.secretAccessKey}${names.fromEnvironment === true ? `, or set ${ENVIRONMENT_VARIABLES}` : ""}`
  if (accessKeyId === undefined || accessKeyId === null || accessKeyId === "") {
    return missing(`No AWS access key id: ${passOrSet}.`)
  }
  if (typeof accessKeyId !== "string") return missing(`${names.accessKeyId} must be a string; got ${kindOf(accessKeyId)}.`)
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    return missing(
      `The AWS access key id contains a space, a comma, a slash, a control character or a character beyond ASCII; check ${names.accessKeyId} ` +
        "for a stray newline."
    )
  }
  if (secretAccessKey === undefined || secretAccessKey === null || secretAccessKey === "") {
    return missing(`No AWS secret access key: ${passOrSet}.`)
  }
  if (typeof secretAccessKey !== "string") {
    return missing(`${names.secretAccessKey} must be a string; got ${kindOf(secretAccessKey)}.`)
  }
  // An AWS secret key is 40 base64 characters: a space or newline is a paste or a file's trailing line
  // break, and signing with it would make every signature wrong (a 403 that names no cause).
  if (!HEADER_SAFE.test(secretAccessKey)) {
    return missing(
      `The AWS secret access key contains a space, a control character or a character beyond ASCII; check ${names.secretAccessKey} for a stray newline.`
    )
  }
  let token: Secret | undefined
  if (sessionToken !== undefined && sessionToken !== null && sessionToken !== "") {
    if (typeof sessionToken !== "string") return missing(`${names.sessionToken} must be a string; got ${kindOf(sessionToken)}.`)
    if (!HEADER_SAFE.test(sessionToken)) {
      return missing(`The AWS session token contains a space, a control character or a character beyond ASCII; check ${names.sessionToken} for a stray newline.`)
    }
    token = new Secret(sessionToken)
  }
  const expiresAt = expirationMillis(expiration)
  if (expiresAt instanceof SigningError) return expiresAt
  return { accessKeyId, secretAccessKey: new Secret(secretAccessKey), sessionToken: token, expiration: expiresAt }
}

const expirationMillis = (expiration: unknown): number | undefined | SigningError => {
  if (expiration === undefined || expiration === null) return undefined
  const millis = dateMillis(expiration) ?? Number.NaN
  return Number.isNaN(millis)
    ? missing(`The credentials' expiration must be a valid Date; got ${kindOf(expiration)}.`)
    : millis
}

// What a value is, for messages about credential fields: never the value itself (so not `describe`'s
// "number 5"). Objects as `describe` names them, which is total; an invalid Date is the expiration's case.
const kindOf = (value: unknown): string =>
  typeof value !== "object" || value === null ? (value === null ? "null" : `a ${typeof value}`)
  : dateMillis(value) !== undefined ? "an invalid Date"
  : describe(value)

/** The secrets credentials hold, to scrub from anything shown. */
export const secretsOf = (credentials: SigningCredentials): Array<string> =>
  credentials.sessionToken === undefined
    ? [Secret.reveal(credentials.secretAccessKey)]
    : [Secret.reveal(credentials.secretAccessKey), Secret.reveal(credentials.sessionToken)]

/**
 * The secrets of the last two credentials a source handed out, to scrub from
 * its failures: a failing refresh may quote the credentials it replaces, or
 * the ones before. Two, not all: a source that rotates for months must not
 * keep every secret it ever had.
 */
export interface RecentSecrets {
  readonly remember: (secrets: ReadonlyArray<string>) => void
  readonly secrets: () => Array<string>
}

export const recentSecrets = (): RecentSecrets => {
  let previous: ReadonlyArray<string> = []
  let current: ReadonlyArray<string> = []
  return {
    remember: (secrets) => {
      if (secrets.length !== current.length || secrets.some((secret, i) => secret !== current[i])) [previous, current] = [current, secrets]
    },
    secrets: () => [...previous, ...current]
  }
}

/** Whether credentials have expired at `now` (epoch ms, by the signer's clock). */
export const hasExpired = (credentials: SigningCredentials, now: number): boolean =>
  credentials.expiration !== undefined && !(now < credentials.expiration)

/**
 * Why expired credentials are refused: a signature made with them is a 403
 * (ExpiredToken) at best. Given once, they need replacing; handed out by a
 * provider that is meant to renew them, the provider or the clock is wrong.
 */
export const expiredCredentials = (expiration: number, now: number, from: "given" | "provider"): SigningError =>
  missing(
    from === "given"
      ? `The credentials expired at ${new Date(expiration).toISOString()}; pass fresh ones, or a credentials provider that renews them.`
      : `The credentials provider gave credentials that had already expired (at ${new Date(expiration).toISOString()}; ` +
        `the signer's clock says ${new Date(now).toISOString()}); check what the provider reads, or the machine's clock.`
  )
