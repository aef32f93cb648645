/**
 * Where a signer's credentials come from: given once (static), or asked of a
 * provider and cached. A provider is asked once for credentials and again 5
 * minutes before they expire (the lifetime of a signature), by one call at a
 * time however many signatures wait; a failure is not cached, so the next
 * signature asks again. Pure: times are passed in (`now`, and the signer's
 * `clock`, read when a provider answers), nothing is read from a clock here.
 *
 * @internal
 */
import type { CredentialIdentity, CredentialsProvider } from "../SignedRequest.js"
import { SigningError } from "../SigningError.js"
import { listen, stopListening } from "./abort.js"
import { isWorkerd } from "./environment.js"
import { missingCredentials } from "./signingErrors.js"
import {
  expiredCredentials,
  type FieldNames,
  hasExpired,
  recentSecrets,
  secretsOf,
  type SigningCredentials,
  signingCredentials
} from "./credentials.js"
import { dateMillis, isError } from "./brand.js"
import { isSigningErrorSafely, safely, thrownCause, thrownMessage } from "./guard.js"
import { linesJoined, scrubForeignText, shorten } from "./scrub.js"

/** Credentials are renewed this long before they expire. */
export const REFRESH_BEFORE_MILLIS = 5 * 60 * 1000

export interface CredentialsSource {
  /**
   * The credentials to sign with at `now`, if they are at hand and have not
   * expired (or have, by this clock, but the request is being sent: `sendingAnyway`).
   */
  readonly current: (now: number, sendingAnyway?: boolean) => SigningCredentials | undefined
  /**
   * Credentials fresh at `now`, asking the provider when needed. Credentials
   * already past their expiration by the signer's clock are refused, unless
   * `sendingAnyway`: a request the signer sends itself goes out with them,
   * since the clock may be what is wrong, and API Gateway's answer tells which
   * (a refusal for skew corrects the clock; an expired token is a 403).
   */
  readonly resolve: (now: number, sendingAnyway?: boolean, signal?: AbortSignal | undefined) => Promise<SigningCredentials>
  /** Why `current` has none: the error a synchronous signature fails with. */
  readonly unavailable: (now: number) => SigningError
  /** The secrets of the credentials given, or of the last two a provider handed out, to scrub from messages. */
  readonly secrets: () => ReadonlyArray<string>
}

const stale = (credentials: SigningCredentials, now: number): boolean =>
  credentials.expiration !== undefined && !(now < credentials.expiration - REFRESH_BEFORE_MILLIS)

/** Credentials given once. They never change; once expired, they are refused (but for a request being sent). */
export const staticSource = (credentials: SigningCredentials): CredentialsSource => {
  const secrets = secretsOf(credentials)
  const expiredError = (now: number) => expiredCredentials(credentials.expiration!, now, "given")
  return {
    current: (now, sendingAnyway = false) => (!sendingAnyway && hasExpired(credentials, now) ? undefined : credentials),
    resolve: (now, sendingAnyway = false) =>
      !sendingAnyway && hasExpired(credentials, now) ? Promise.reject(expiredError(now)) : Promise.resolve(credentials),
    unavailable: expiredError,
    secrets: () => secrets
  }
}

// The whole message on one line: a credential_process failure says why on the lines after
// "Command failed: ..." (the process's stderr), and a CLI shows only the first line of an error.
const oneLine = (text: string): string => shorten(linesJoined(text), 500)

/**
 * A provider's failure as a `SigningError` carrying its message, with the
 * secrets the provider handed out before (`seen`) and a presigned URL's
 * credentials redacted, and any run that may be a credential masked: a
 * provider failing for the first time may quote secrets this library never
 * saw (a vault's answer, a process's output). The provider's error stays as
 * `cause` unless it shows a secret or was masked: `inspect` prints a cause in
 * full.
 */
export const providerFailure = (error: unknown, seen: ReadonlyArray<string>): SigningError => {
  if (isSigningErrorSafely(error)) return error
  // What a provider threw may be anything, a value whose every inspection throws included.
  const said = safely(() => (isError(error) ? `${error.name}: ${error.message}` : thrownMessage(error)), thrownMessage(error))
  const shown = withoutCommandLine(said)
  return new SigningError({
    reason: "MissingCredentials",
    message: `The credentials provider failed: ${oneLine(scrubForeignText(shown, seen))}`,
    // An error whose command line was left out is not kept: inspect would print it.
    cause: shown === said ? thrownCause(error, seen) : undefined
  })
}

/** A provider that resolved with `answer`, no object: a function is the provider a factory makes, the factory passed uncalled. */
export const notCredentials = (answer: unknown): SigningError =>
  missingCredentials(
    typeof answer === "function"
      ? "The credentials provider resolved with a function, not credentials: pass the provider a factory makes " +
        "(fromNodeProviderChain(), fromIni()), not the factory itself (fromNodeProviderChain)."
      : `The credentials provider resolved with ${answer === null ? "null" : typeof answer}, not credentials.`
  )

// How Node's exec reports a process that failed (a credential_process, through the AWS SDK): "Command failed:
// COMMAND", then the process's stderr on the lines after.
export const COMMAND_FAILED = /Command failed: [^\n]*(?:\n([\s\S]*))?$/

/**
 * `said` without the command line of a failed process: its arguments may
 * carry what is not meant for logs (a vault password, an MFA code), too
 * short to look like a credential. What it wrote on stderr stays.
 */
export const withoutCommandLine = (said: string): string => {
  const failed = COMMAND_FAILED.exec(said)
  if (failed === null) return said
  const stderr = (failed[1] ?? "").trimStart()
  return `${said.slice(0, failed.index)}Command failed (its command line is not shown)${stderr === "" ? "" : `: ${stderr}`}`
}

/** How often a renewal may force a provider's cache (see `providerAsker`). */
export const FORCED_RENEWAL_INTERVAL_MILLIS = 10_000

/**
 * How a provider is asked, by one credentials source: a function that gives
 * its answer. An answer that is the one it gave before (the same key and
 * expiration: the provider's cache answered) and that is due for renewal at
 * the time a signature carries (`isDue`) is asked for again, with the AWS
 * SDK's `{ forceRefresh: true }`: an SDK provider's cache judges expiry by this
 * machine's clock, and behind AWS's (the offset a signer learns) it hands back
 * the credentials it holds, which AWS expires before the cache renews them.
 * Only then, so that a provider whose answers are new is asked once per
 * renewal, and a function of one's own is called without arguments otherwise.
 * At most once per `FORCED_RENEWAL_INTERVAL_MILLIS`: a source that still
 * serves the credentials held is not fetched from at every signature. A
 * forced call that fails, or takes longer than `FORCED_RENEWAL_WAIT_MILLIS`
 * while the first answer is still valid, gives the first answer. `isDue(answer,
 * within)`: whether the answer expires within `within` milliseconds of the
 * signer's time (by default its renewal window; 0: has expired).
 */
export const providerAsker = (provider: CredentialsProvider): ((isDue: (answer: unknown, within?: number) => boolean) => Promise<CredentialIdentity>) => {
  let last: { readonly accessKeyId: unknown; readonly expiration: number | undefined } | undefined
  const mayForce = forcingAtMostEvery()
  const keyOf = (answer: unknown) =>
    safely(() => {
      const { accessKeyId, expiration } = answer as { readonly accessKeyId?: unknown; readonly expiration?: unknown }
      return { accessKeyId, expiration: dateMillis(expiration) }
    }, undefined)
  const force = provider as (options: { readonly forceRefresh: boolean }) => PromiseLike<CredentialIdentity>
  return async (isDue) => {
    const answer = await provider()
    const key = keyOf(answer)
    const again = last !== undefined && key !== undefined && key.accessKeyId === last.accessKeyId && key.expiration === last.expiration &&
      safely(() => isDue(answer), false) && mayForce()
    // Bounded only while the answer in hand stays valid past the bound: an expired one (a clock behind AWS's),
    // or one expiring before the bound ends, cannot sign.
    const given = again ? await forcedOr(force, answer, !safely(() => isDue(answer, FORCED_RENEWAL_WAIT_MILLIS), true)) : answer
    last = given === answer ? key : keyOf(given)
    return given
  }
}

/** How long a forced call may take before the answer held is used (the source behind the cache may hang: STS has no timeout). */
export const FORCED_RENEWAL_WAIT_MILLIS = 2_000

/** What `force` answers, or `answer` if it fails, answers no credentials, or (`bounded`: `answer` still valid) takes longer than FORCED_RENEWAL_WAIT_MILLIS. */
const forcedOr = (
  force: (options: { readonly forceRefresh: boolean }) => PromiseLike<CredentialIdentity>,
  answer: CredentialIdentity,
  bounded: boolean
): Promise<CredentialIdentity> => {
  const forced = Promise.resolve()
    .then(() => force({ forceRefresh: true }))
    .then((identity) => (typeof identity === "object" && identity !== null ? identity : answer), () => answer)
  if (!bounded) return forced
  let bound: ReturnType<typeof setTimeout> | undefined
  const waited = new Promise<CredentialIdentity>((resolve) => {
    bound = setTimeout(() => resolve(answer), FORCED_RENEWAL_WAIT_MILLIS)
    // Holding no process open: the answer held is at hand.
    const handle = bound as { unref?: () => unknown } | undefined
    if (typeof handle === "object" && handle !== null) handle.unref?.()
  })
  return Promise.race([forced, waited]).finally(() => clearTimeout(bound))
}

/** Whether a provider's `answer` (not checked yet) expires within `refreshBefore` of `now`. */
export const dueForRenewal = (answer: unknown, now: number, refreshBefore: number): boolean => {
  const expiration = dateMillis((answer as { readonly expiration?: unknown } | null | undefined)?.expiration)
  return expiration !== undefined && Number.isFinite(expiration) && !(now < expiration - refreshBefore)
}

/** True at most once per `intervalMillis` of host time (`providerAsker`'s forced calls). */
export const forcingAtMostEvery = (intervalMillis: number = FORCED_RENEWAL_INTERVAL_MILLIS): (() => boolean) => {
  let forcedAt: number | undefined
  return () => {
    const now = Date.now()
    // Both ways: a host clock stepped back must not stop the forcing for as long as the step.
    if (forcedAt !== undefined && Math.abs(now - forcedAt) < intervalMillis) return false
    forcedAt = now
    return true
  }
}

/** How long signatures wait for a credentials provider to answer. */
export const PROVIDER_TIMEOUT_MILLIS = 60_000

const PROVIDER_TIMED_OUT =
  `The credentials provider did not answer within ${PROVIDER_TIMEOUT_MILLIS / 1000} s, so the signature stopped waiting; ` +
  "the next one asks it again. Give the provider a timeout of its own (the AWS SDK's take one), or find what it waits for."

/** How signatures that waited `PROVIDER_TIMEOUT_MILLIS` for a provider's answer fail (the facade, and the Effect layers). */
export const providerTimedOut = (): SigningError => missingCredentials(PROVIDER_TIMED_OUT)

/** Whether a signature failed because its provider did not answer in time (the CLI says what that means for a profile). */
export const isProviderTimeout = (error: SigningError): boolean => error.message === PROVIDER_TIMED_OUT

/**
 * Credentials asked of `provider`, cached, renewed before they expire. `clock` is the signer's: a
 * provider's answer is judged by it when the answer arrives, since a slow provider's stale cache may
 * hand out credentials that expired while it was asked (for a signature, or a renewal in the background).
 */
export const providedSource = (provider: CredentialsProvider, names: FieldNames, clock: () => number): CredentialsSource => {
  let cached: SigningCredentials | undefined
  let pending: Promise<SigningCredentials> | undefined
  const seen = recentSecrets()
  // The last two answers' secrets, and those signed with: answers already expired when they came do not replace
  // credentials still valid, so those can be older than both.
  const secretsHeld = (): ReadonlyArray<string> => (cached === undefined ? seen.secrets() : [...new Set([...seen.secrets(), ...secretsOf(cached)])])
  const askProvider = providerAsker(provider)

  // The timer of the call in flight. A renewal in the background holds no process open (a CLI or a Lambda
  // handler that is done exits, rather than wait up to a minute for a provider that hangs); a signature
  // waiting on the call does, as any await of a pending request would, until it stops waiting (its signal
  // aborted): the timer holds the process while one signature still waits.
  let timer: ReturnType<typeof setTimeout> | undefined
  let waiting = 0
  const holdProcess = (hold: boolean): void => {
    // Node, Bun and Deno return a Timeout with ref/unref; browsers and Workers a number, which holds nothing.
    const handle = timer as { ref?: () => unknown; unref?: () => unknown } | undefined
    if (typeof handle === "object" && handle !== null) void (hold ? handle.ref?.() : handle.unref?.())
  }
  const waitOn = (call: Promise<SigningCredentials>, signal: AbortSignal | undefined): Promise<SigningCredentials> => {
    // Stopped waiting already (got signs after its own abort, for a hook still reading the body): it holds nothing,
    // since an aborted signal never fires again to let it go.
    if (signal?.aborted === true) return call
    waiting++
    holdProcess(true)
    if (signal === undefined) return call
    const leave = () => {
      if (pending === call && --waiting === 0) holdProcess(false)
    }
    if (listen(signal, leave) === undefined) {
      const stop = () => stopListening(signal, leave)
      call.then(stop, stop)
    }
    return call
  }

  // In workerd a call belongs to the request that made it (see isWorkerd): each signature makes its own, and none
  // is made in the background, where it would die with the request that started it.
  const shared = !isWorkerd()
  const ask = (inBackground: boolean, signal?: AbortSignal): Promise<SigningCredentials> => {
    if (pending !== undefined && shared) return inBackground ? pending : waitOn(pending, signal)
    const answer = Promise.resolve()
      .then(() => askProvider((given, within = REFRESH_BEFORE_MILLIS) => dueForRenewal(given, clock(), within)))
      .then(
        (identity: CredentialIdentity | undefined) => {
          if (typeof identity !== "object" || identity === null) throw notCredentials(identity)
          let credentials: SigningCredentials | SigningError
          try {
            credentials = signingCredentials(identity, names)
          } catch {
            // Not kept as cause: what a getter threw may quote a secret this code never got to read.
            throw missingCredentials("The credentials provider gave credentials that cannot be read (reading them threw).")
          }
          if (credentials instanceof SigningError) {
            throw missingCredentials(`The credentials provider gave unusable credentials: ${credentials.message}`)
          }
          seen.remember(secretsOf(credentials))
          // An answer already expired by this clock (a stale cache behind the provider, or a clock ahead) does not
          // replace credentials still valid: a renewal in the background must not take away what signRequest signs with.
          const arrivedAt = clock()
          if (cached === undefined || hasExpired(cached, arrivedAt) || !hasExpired(credentials, arrivedAt)) cached = credentials
          return credentials
        },
        (error: unknown) => {
          throw providerFailure(error, secretsHeld())
        }
      )
    // Every caller waits on one call: one that never settles (a credential_process that hangs, an endpoint that
    // never answers) would hold every signature of this signer for good. Bounded, the waiting signatures fail,
    // and the next asks again; an answer arriving later is still kept.
    let bound: ReturnType<typeof setTimeout> | undefined
    const gaveUp = new Promise<never>((_, reject) => {
      bound = setTimeout(() => reject(providerTimedOut()), PROVIDER_TIMEOUT_MILLIS)
    })
    // A call of its own (workerd): its bound goes with it.
    if (!shared) return Promise.race([answer, gaveUp]).finally(() => clearTimeout(bound))
    timer = bound
    waiting = 0
    holdProcess(false)
    const asked: Promise<SigningCredentials> = Promise.race([answer, gaveUp]).finally(() => {
      if (pending === asked) {
        clearTimeout(timer)
        pending = undefined
        timer = undefined
      }
    })
    pending = asked
    return inBackground ? asked : waitOn(asked, signal)
  }

  return {
    current: (now, sendingAnyway = false) => {
      if (cached === undefined) return undefined
      if (hasExpired(cached, now)) return sendingAnyway ? cached : undefined
      // Still valid, but inside the renewal window: renew in the background for the signatures to come.
      if (stale(cached, now) && shared) void ask(true).catch(() => {})
      return cached
    },
    resolve: (now, sendingAnyway = false, signal) =>
      cached !== undefined && !stale(cached, now) ? Promise.resolve(cached) : ask(false, signal).then(
        (answer) => {
          // Judged when the answer arrives, since a slow provider's answer may expire while it is awaited.
          const arrivedAt = clock()
          if (!hasExpired(answer, arrivedAt)) return answer
          // Expired already by the signer's clock (a stale cache behind the provider, or a clock ahead of AWS's):
          // the credentials kept are signed with while they are valid; else the answer, for a request being sent.
          if (cached !== undefined && !hasExpired(cached, arrivedAt)) return cached
          if (sendingAnyway) return answer
          throw expiredCredentials(answer.expiration!, arrivedAt, "provider")
        },
        (failure: unknown) => {
          // A renewal that failed (an endpoint's blip, throttling) while the credentials kept are still valid: signed
          // with those, as the AWS SDK's own chain does, since renewing early is what leaves time to try again; the
          // next signature asks again. Without valid ones, the failure.
          if (cached !== undefined && !hasExpired(cached, clock())) return cached
          throw failure
        }
      ),
    unavailable: () =>
      new SigningError({
        reason: "CredentialsNotResolved",
        message: cached === undefined
          ? "The credentials provider has not been asked yet: sign with await signer.signRequestAsync(request) " +
            "(or makeRequestWithRetries), which resolves them; signRequest can sign synchronously after that."
          : "The credentials from the provider have expired: sign with await signer.signRequestAsync(request), " +
            "which renews them."
      }),
    secrets: () => secretsHeld()
  }
}
