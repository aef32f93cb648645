/**
 * Between the Effect API's credentials (`AwsCredentials`, secrets in
 * `Redacted`) and the signing core's (`SigningCredentials`, secrets in
 * `Secret`): validation once, when credentials enter, and a conversion per
 * signature that is a lookup. Only `effect/Redacted` is loaded here, so the
 * pure protocol module (`SigV4`) can accept Effect's secrets cheaply.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type { AwsCredentials, CredentialsInput } from "../../Credentials.js"
import { SigningError } from "../../SigningError.js"
import { type FieldNames, type SigningCredentials, signingCredentials } from "../credentials.js"
import type { CredentialLookup as PublicCredentialLookup } from "../../SigV4.js"
import type { CredentialLookup } from "../sigv4/verify.js"
import { dateMillis, isThenable } from "../brand.js"
import { safely, thrownCause, thrownMessage } from "../guard.js"
import { Secret } from "../secret.js"

// The core credentials of each credentials object seen, so signing converts nothing twice.
const coreOf = new WeakMap<CredentialsInput, SigningCredentials>()
// One Secret per Redacted secret, so that credentials rebuilt around the same Redacted (a rotating
// layer that returns the same key) share the signing-key cache.
const secretOf = new WeakMap<Redacted.Redacted<string>, Secret>()

const reveal = (secret: unknown): unknown =>
  Redacted.isRedacted(secret) ? Redacted.value(secret) : secret

/**
 * The secrets of credentials as the public APIs take them (strings or
 * `Redacted`), as text, to scrub from the messages of the call that was given
 * them: a secret passed by mistake as another option must not come back in
 * its error. Total: credentials that cannot be read give none.
 */
export const secretTexts = (credentials: unknown): Array<string> => {
  try {
    const given = credentials as { readonly secretAccessKey?: unknown; readonly sessionToken?: unknown } | null | undefined
    return [reveal(given?.secretAccessKey), reveal(given?.sessionToken)].filter((secret): secret is string => typeof secret === "string" && secret !== "")
  } catch {
    return []
  }
}

const sharedSecret = (redacted: Redacted.Redacted<string>, fresh: Secret): Secret => {
  const known = secretOf.get(redacted)
  if (known !== undefined && Secret.reveal(known) === Secret.reveal(fresh)) return known
  secretOf.set(redacted, fresh)
  return fresh
}

/**
 * Validates credentials (secrets as strings or `Redacted`) and returns them
 * with every secret in `Redacted`. Messages name the faulty field, never its value.
 */
export const validateCredentials = (input: CredentialsInput, names?: FieldNames): AwsCredentials | SigningError => {
  try {
    return validate(input, names)
  } catch {
    // Credentials whose getters or Proxy traps throw: unusable, said without showing anything of them
    // (nor what was thrown, which may quote a secret this code never got to read).
    return new SigningError({
      reason: "MissingCredentials",
      message: "The credentials could not be read (reading them threw); pass a plain object " +
        "{ accessKeyId, secretAccessKey, sessionToken? } of strings or Redacted strings."
    })
  }
}

const validate = (input: CredentialsInput, names?: FieldNames): AwsCredentials | SigningError => {
  if (typeof input !== "object" || input === null) {
    return new SigningError({
      reason: "MissingCredentials",
      message: "Credentials must be an object { accessKeyId, secretAccessKey, sessionToken? }; got " +
        (input === null ? "null" : typeof input) + "."
    })
  }
  const core = signingCredentials(
    {
      accessKeyId: input.accessKeyId,
      secretAccessKey: reveal(input.secretAccessKey),
      sessionToken: reveal(input.sessionToken),
      expiration: input.expiration
    },
    names
  )
  if (core instanceof SigningError) return core
  const secret = Redacted.isRedacted(input.secretAccessKey)
    ? input.secretAccessKey as Redacted.Redacted<string>
    : Redacted.make(Secret.reveal(core.secretAccessKey))
  const token = core.sessionToken === undefined ? undefined
    : Redacted.isRedacted(input.sessionToken) ? input.sessionToken as Redacted.Redacted<string>
    : Redacted.make(Secret.reveal(core.sessionToken))
  const credentials: AwsCredentials = {
    accessKeyId: core.accessKeyId,
    secretAccessKey: secret,
    sessionToken: token,
    expiration: core.expiration === undefined ? undefined : new Date(core.expiration)
  }
  coreOf.set(credentials, { ...core, secretAccessKey: sharedSecret(secret, core.secretAccessKey) })
  return credentials
}

/**
 * The core credentials to sign with. Credentials that a custom `Credentials`
 * service built by hand (not through `validate`) are validated here, once
 * while their fields stay as they were: an object updated in place (a
 * rotation into the same holder) is validated anew, or the old secret would
 * sign, and verify, for as long as the object lives.
 */
export const toSigningCredentials = (credentials: CredentialsInput): SigningCredentials | SigningError => {
  const known = coreOf.get(credentials)
  if (known !== undefined && stillHolds(known, credentials)) return known
  const validated = validateCredentials(credentials)
  if (validated instanceof SigningError) return validated
  const core = coreOf.get(validated)!
  coreOf.set(credentials, core)
  return core
}

/** Whether the fields of `input` still say what `known` was validated from (read without throwing). */
const stillHolds = (known: SigningCredentials, input: CredentialsInput): boolean => {
  try {
    const token = reveal(input.sessionToken)
    const expiration: unknown = input.expiration
    return input.accessKeyId === known.accessKeyId &&
      reveal(input.secretAccessKey) === Secret.reveal(known.secretAccessKey) &&
      (known.sessionToken === undefined
        ? token === undefined || token === null || token === ""
        : token === Secret.reveal(known.sessionToken)) &&
      (expiration === undefined || expiration === null
        ? known.expiration === undefined
        : dateMillis(expiration) === known.expiration) // a Date of any realm, as validation takes it
  } catch {
    return false
  }
}

/** Whether two validated credentials are the same: same key id, secrets and expiration. */
export const sameCredentials = (a: AwsCredentials, b: AwsCredentials): boolean =>
  a.accessKeyId === b.accessKeyId &&
  Redacted.value(a.secretAccessKey) === Redacted.value(b.secretAccessKey) &&
  (a.sessionToken === undefined ? b.sessionToken === undefined
    : b.sessionToken !== undefined && Redacted.value(a.sessionToken) === Redacted.value(b.sessionToken)) &&
  a.expiration?.getTime() === b.expiration?.getTime()

/**
 * Who may call, as the public APIs take it (credentials with secrets as
 * strings or `Redacted`, or a lookup by access key id), in the core's form.
 * A list is validated at once; credentials a lookup returns, when it returns them.
 */
export const toCredentialLookup = (lookup: PublicCredentialLookup): CredentialLookup => {
  if (typeof lookup === "function") {
    return (accessKeyId) => {
      let found: CredentialsInput | null | undefined
      try {
        found = lookup(accessKeyId)
      } catch (error) {
        throw new SigningError({
          reason: "InvalidConfig",
          message: `The credentials lookup threw (${thrownMessage(error)}); return undefined for an unknown access key id instead.`,
          cause: thrownCause(error)
        })
      }
      // `null` too, as a Map or a database lookup says "none" (`map.get(id) ?? null`): an unknown key.
      if (found === undefined || found === null) return undefined
      if (isThenable(found)) {
        // Its outcome is nobody's now: a rejection must not go unhandled.
        safely(() => void found.then(undefined, () => undefined), undefined)
        throw new SigningError({
          reason: "InvalidConfig",
          message: "The credentials lookup returned a Promise; it must return the credentials (or undefined) synchronously, " +
            "as verification does not wait: load them first (into a Map, refreshed as they change) and look them up there."
        })
      }
      const core = toSigningCredentials(found)
      if (core instanceof SigningError) throw core
      return core
    }
  }
  if (!Array.isArray(lookup)) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: "credentials must be a list of credentials, or a function from an access key id to credentials."
    })
  }
  return lookup.map((input) => {
    const core = toSigningCredentials(input)
    if (core instanceof SigningError) throw core
    return core
  })
}
