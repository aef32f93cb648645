/**
 * Where a signer's credentials come from: given once (static), or asked of a
 * provider and cached. A provider is asked once for credentials and again 5
 * minutes before they expire (the lifetime of a signature), by one call at a
 * time however many signatures wait; a failure is not cached, so the next
 * signature asks again. Pure: times are passed in, nothing is read from a clock.
 *
 * @internal
 */
import type { CredentialIdentity, CredentialsProvider } from "../SignedRequest.js"
import { SigningError } from "../SigningError.js"
import { type FieldNames, type SigningCredentials, signingCredentials } from "./credentials.js"
import { redactAuthParameters, scrubSecrets } from "./scrub.js"
import { secretsOf } from "./credentials.js"

/** Credentials are renewed this long before they expire. */
export const REFRESH_BEFORE_MILLIS = 5 * 60 * 1000

export interface CredentialsSource {
  /** The credentials to sign with at `now`, if they are at hand and have not expired. */
  readonly current: (now: number) => SigningCredentials | undefined
  /** Credentials fresh at `now`, asking the provider when needed. */
  readonly resolve: (now: number) => Promise<SigningCredentials>
  /** Why `current` has none: the error a synchronous signature fails with. */
  readonly unavailable: (now: number) => SigningError
  /** Every secret seen so far, to scrub from messages. */
  readonly secrets: () => ReadonlyArray<string>
}

const expired = (credentials: SigningCredentials, now: number): boolean =>
  credentials.expiration !== undefined && !(now < credentials.expiration)

const stale = (credentials: SigningCredentials, now: number): boolean =>
  credentials.expiration !== undefined && !(now < credentials.expiration - REFRESH_BEFORE_MILLIS)

/** Credentials given once. They never change; once expired, they are refused. */
export const staticSource = (credentials: SigningCredentials): CredentialsSource => {
  const secrets = secretsOf(credentials)
  const expiredError = () =>
    new SigningError({
      reason: "MissingCredentials",
      message: `The credentials expired at ${new Date(credentials.expiration!).toISOString()}; ` +
        "pass fresh ones, or a credentials provider that renews them."
    })
  return {
    current: (now) => (expired(credentials, now) ? undefined : credentials),
    resolve: (now) => (expired(credentials, now) ? Promise.reject(expiredError()) : Promise.resolve(credentials)),
    unavailable: expiredError,
    secrets: () => secrets
  }
}

const firstLine = (text: string): string => {
  const line = text.split("\n")[0] ?? ""
  return line.length > 300 ? line.slice(0, 300) + "…" : line
}

/** Credentials asked of `provider`, cached, renewed before they expire. */
export const providedSource = (provider: CredentialsProvider, names: FieldNames): CredentialsSource => {
  let cached: SigningCredentials | undefined
  let pending: Promise<SigningCredentials> | undefined
  const seen = new Set<string>()

  const ask = (): Promise<SigningCredentials> => {
    pending ??= Promise.resolve()
      .then(() => provider())
      .then(
        (identity: CredentialIdentity | undefined) => {
          if (typeof identity !== "object" || identity === null) {
            throw new SigningError({
              reason: "MissingCredentials",
              message: `The credentials provider resolved with ${identity === null ? "null" : typeof identity}, not credentials.`
            })
          }
          const credentials = signingCredentials(identity, names)
          if (credentials instanceof SigningError) {
            throw new SigningError({ reason: "MissingCredentials", message: `The credentials provider gave unusable credentials: ${credentials.message}` })
          }
          for (const secret of secretsOf(credentials)) seen.add(secret)
          cached = credentials
          return credentials
        },
        (error: unknown) => {
          if (error instanceof SigningError) throw error
          const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
          throw new SigningError({
            reason: "MissingCredentials",
            message: `The credentials provider failed: ${redactAuthParameters(scrubSecrets(firstLine(said), seen))}`,
            cause: error
          })
        }
      )
      .finally(() => {
        pending = undefined
      })
    return pending
  }

  return {
    current: (now) => {
      if (cached === undefined || expired(cached, now)) return undefined
      // Still valid, but inside the renewal window: renew in the background for the signatures to come.
      if (stale(cached, now)) void ask().catch(() => {})
      return cached
    },
    resolve: (now) => (cached !== undefined && !stale(cached, now) ? Promise.resolve(cached) : ask()),
    unavailable: () =>
      new SigningError({
        reason: "CredentialsNotResolved",
        message: cached === undefined
          ? "The credentials provider has not been asked yet: sign with await signer.signRequestAsync(request) " +
            "(or makeRequestWithRetries), which resolves them; signRequest can sign synchronously after that."
          : "The credentials from the provider have expired: sign with await signer.signRequestAsync(request), " +
            "which renews them."
      }),
    secrets: () => [...seen]
  }
}
