/**
 * Where the `Credentials` layers' changing credentials come from, behind the
 * service's `get`: a source asked at every signature (`layerEffect`), one
 * fetched again shortly before its credentials expire (`layerRefreshing`, and
 * so an AWS SDK provider), and the SDK's Node chain, loaded on first use.
 * What any of them yields goes through `validate`. Every failure is a
 * `SigningError`, and none keeps a secret the source handed out before.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { AwsCredentials, CredentialsInput, RefreshOptions, Service } from "../../Credentials.js"
import type { CredentialIdentity, CredentialsProvider } from "../../SignedRequest.js"
import { SigningError } from "../../SigningError.js"
import { isPlainObject } from "../brand.js"
import { type FieldNames, recentSecrets } from "../credentials.js"
import { isWorkerd } from "../environment.js"
import {
  dueForRenewal,
  notCredentials,
  PROVIDER_TIMEOUT_MILLIS,
  providerAsker,
  providerFailure,
  providerTimedOut,
  REFRESH_BEFORE_MILLIS
} from "../facadeCredentials.js"
import { asSigningError, isSigningErrorSafely, safely, thrownMessage } from "../guard.js"
import { describe } from "../request/describe.js"
import { missingCredentials } from "../signingErrors.js"
import { causeShowingNoSecret, holdsFailedCommandLine } from "../scrub.js"
import { sameCredentials, validateCredentials } from "./credentials.js"
import { signingClockOffset } from "./credentialsService.js"
import { durationMillis } from "./duration.js"

/** `Credentials.validate`: credentials checked, secrets `Redacted`. */
export const validate = (input: CredentialsInput, names?: FieldNames): Effect.Effect<AwsCredentials, SigningError> =>
  Effect.suspend(() => {
    const result = validateCredentials(input, names)
    return result instanceof SigningError ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * A source's failure as a `SigningError`. Its error is kept as `cause` unless
 * it shows a secret the source handed out before (`seen`): printing an error
 * prints its cause in full.
 */
const sourceFailed = (what: string, seen: SeenSecrets) => (error: unknown): SigningError => {
  if (isSigningErrorSafely(error)) return error
  // Nor one that quotes a failed process's command line (a credential_process's arguments may carry a password).
  const commandLine = safely(() => holdsFailedCommandLine(error), true)
  const cause = commandLine ? undefined : causeShowingNoSecret(error, seen.secrets())
  return new SigningError({
    reason: "MissingCredentials",
    message: commandLine
      ? `${what}; its error is not kept, as it shows a failed process's command line.`
      : cause === undefined ? `${what}; its error is not kept, as it shows credentials.` : `${what}; see cause.`,
    cause
  })
}

/** The secrets of the last two credentials a source handed out, for `sourceFailed` (see `recentSecrets`). */
interface SeenSecrets {
  readonly remember: (credentials: AwsCredentials) => AwsCredentials
  readonly secrets: () => Array<string>
}

const seenSecrets = (): SeenSecrets => {
  const recent = recentSecrets()
  return {
    remember: (credentials) => {
      recent.remember([credentials.secretAccessKey, credentials.sessionToken].flatMap((secret) => secret === undefined ? [] : [Redacted.value(secret)]))
      return credentials
    },
    secrets: recent.secrets
  }
}

/** `Credentials.layerEffect`'s service: `get` asked at every signature, on the layer's context. */
export const askedEachTime = <E, R>(get: Effect.Effect<CredentialsInput, E, R>, context: Context.Context<R>): Service => {
  // The layer itself cannot fail: a get that is no Effect fails every signature, naming the mistake.
  if (!safely(() => Effect.isEffect(get), false)) {
    return { get: Effect.fail(new SigningError({ reason: "InvalidConfig", message: `layerEffect(get) needs an Effect that yields credentials; got ${describe(get)}.` })) }
  }
  // The credentials last yielded, yielded again while the source returns the same ones: a
  // source that builds a new object each time must not cost a new signing key each signature.
  let last: AwsCredentials | undefined
  const seen = seenSecrets()
  return {
    get: get.pipe(
      Effect.provide(context),
      Effect.mapError(sourceFailed("The credentials source failed", seen)),
      Effect.flatMap(validate),
      Effect.map(seen.remember),
      Effect.map((current) => (last !== undefined && sameCredentials(last, current) ? last : (last = current)))
    )
  }
}

/** A renewal option in milliseconds: `fallback` when absent; a Duration, 0 or more, when given. */
const durationOption = (name: string, value: unknown, fallback: number): number | SigningError =>
  value === undefined ? fallback : durationMillis(name, value, `"5 minutes"`)

const refreshTimes = (options: unknown): { readonly refreshBefore: number; readonly maxAge: number } | SigningError => {
  try {
    if (options !== undefined && !isPlainObject(options)) {
      return new SigningError({ reason: "InvalidConfig", message: `The refresh options must be a plain object such as { refreshBefore: "5 minutes" }; got ${describe(options)}.` })
    }
    const { refreshBefore, maxAge } = (options ?? {}) as { refreshBefore?: unknown; maxAge?: unknown }
    const before = durationOption("refreshBefore", refreshBefore, REFRESH_BEFORE_MILLIS)
    if (before instanceof SigningError) return before
    const age = durationOption("maxAge", maxAge, Infinity)
    return age instanceof SigningError ? age : { refreshBefore: before, maxAge: age }
  } catch (error) {
    return asSigningError(error, "InvalidConfig")
  }
}

/** A provider call of `refreshing`: its outcome once settled, and the signatures waiting for it until then. */
interface Call {
  outcome: Exit.Exit<AwsCredentials, SigningError> | undefined
  readonly waiting: Set<(outcome: Exit.Exit<AwsCredentials, SigningError>) => void>
  fiber: Fiber.RuntimeFiber<void> | undefined
  /** When it started, in host time: signatures wait for it, and join it, until PROVIDER_TIMEOUT_MILLIS after. */
  readonly startedAt: number
}

/** The Clock's time, and the time a signature made now carries (the Clock plus the signer's clock offset). */
const signingTimes = (fiber: Fiber.RuntimeFiber<unknown, unknown>): { readonly clockNow: number; readonly signingNow: number } => {
  const clockNow = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
  return { clockNow, signingNow: clockNow + fiber.getFiberRef(signingClockOffset) }
}

/** `Credentials.layerRefreshing`'s service: `fetch` run on first use and again before expiry, one fetch at a time. */
export const refreshing = <E, R>(
  fetch: Effect.Effect<CredentialsInput, E, R>,
  options: RefreshOptions | undefined,
  context: Context.Context<R>
): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const checked = refreshTimes(options)
    // Unusable options fail every signature with a SigningError naming them (the layer itself cannot fail).
    if (checked instanceof SigningError) return { get: Effect.fail(checked) }
    if (!safely(() => Effect.isEffect(fetch), false)) {
      return { get: Effect.fail(new SigningError({ reason: "InvalidConfig", message: "layerRefreshing(fetch) needs an Effect that fetches credentials." })) }
    }
    const { refreshBefore, maxAge } = checked
    const seen = seenSecrets()
    const load = fetch.pipe(
      Effect.provide(context),
      Effect.mapError(sourceFailed("Refreshing AWS credentials failed", seen)),
      Effect.flatMap(validate),
      Effect.map(seen.remember)
    )
    // Two bounds, on two clocks. `expiration` is AWS's time, so it is judged at the time a signature
    // made now carries: the Clock plus the clock offset of the signer asking (which it sets while it
    // asks), so that credentials are renewed before that signer finds them expired. `maxAge` is time
    // elapsed since the fetch, on the Clock itself: an offset that changes must not stretch it.
    let current: { readonly credentials: AwsCredentials; readonly renewAt: number; readonly fetchedAt: number } | undefined
    const fresh = (clockNow: number, signingNow: number) =>
      current !== undefined && signingNow < current.renewAt && clockNow < current.fetchedAt + maxAge
    const refresh = Effect.flatMap(load, (credentials) =>
      Effect.withFiberRuntime<AwsCredentials>((fiber) => {
        // An answer already expired at the time a signature carries (a stale cache behind the provider) does not
        // replace credentials still valid, as in the facade: signatures go on with those until they expire.
        const { clockNow, signingNow } = signingTimes(fiber)
        const expired = (held: AwsCredentials) => held.expiration !== undefined && !(signingNow < held.expiration.getTime())
        if (expired(credentials) && current !== undefined && !expired(current.credentials)) {
          // Kept as if fetched now: asked again at the next maxAge (or inside refreshBefore), not at every signature.
          current = { ...current, fetchedAt: clockNow }
          return Effect.succeed(current.credentials)
        }
        current = {
          credentials,
          renewAt: (credentials.expiration?.getTime() ?? Infinity) - refreshBefore,
          fetchedAt: clockNow
        }
        return Effect.succeed(credentials)
      }))
    /** The credentials while fresh, else `stale`: one step, on the signing path of every signature. */
    const freshOr = (stale: Effect.Effect<AwsCredentials, SigningError>): Effect.Effect<AwsCredentials, SigningError> =>
      Effect.withFiberRuntime((fiber) => {
        const { clockNow, signingNow } = signingTimes(fiber)
        return fresh(clockNow, signingNow) ? Effect.succeed(current!.credentials) : stale
      })
    // One provider call at a time, in a fiber of its own that every signature needing credentials waits on:
    // its outcome, failure included, is theirs. A signature that stops waiting (Effect.timeout, a lost race)
    // leaves the call running, and a later signature waits on the same call, whose answer is kept. (Run on
    // the fiber of the first signature, the call was interrupted with it, and the next one asked again while
    // the provider still worked on the first: with timeouts shorter than the provider's answer, one call per
    // request and none signed.) The facade holds its provider calls the same way, and bounds the waits the
    // same way: see `waitFor`.
    let inFlight: Call | undefined
    // In workerd a call belongs to the request that made it (see isWorkerd): each signature makes its own there.
    const shared = !isWorkerd()
    // Every call whose fiber may still run (one the signatures gave up on too): stopped when another call
    // answers, or when the layer is released.
    const running = new Set<Call>()
    const settle = (call: Call, outcome: Exit.Exit<AwsCredentials, SigningError>): void => {
      if (call.outcome !== undefined) return
      call.outcome = outcome
      running.delete(call)
      if (inFlight === call) inFlight = undefined
      for (const resume of call.waiting) resume(outcome)
      call.waiting.clear()
      // Credentials from one call are every call's: the others (given up on, still running) end with them, and
      // calls that hang no longer pile up, one a minute, while the layer lives.
      if (Exit.isSuccess(outcome) && shared) {
        for (const other of [...running]) {
          settle(other, outcome)
          other.fiber?.unsafeInterruptAsFork(FiberId.none)
        }
      }
    }
    // Finding the call in flight, or starting one, is one synchronous step: two signatures never both start one.
    // A call past its bound is not joined, even when no signature waited it out (each stopped sooner, at its own
    // Effect.timeout): the next signature asks the provider again, as in the facade.
    const callInFlight = Effect.uninterruptible(Effect.suspend(() => {
      // Within the bound on both sides: a host clock stepped back must not stretch it (an hour back, an hour held).
      const now = Date.now()
      if (shared && inFlight !== undefined && inFlight.startedAt <= now && now < inFlight.startedAt + PROVIDER_TIMEOUT_MILLIS) {
        return Effect.succeed(inFlight)
      }
      const call: Call = { outcome: undefined, waiting: new Set(), fiber: undefined, startedAt: now }
      if (shared) inFlight = call
      running.add(call)
      // A daemon (whoever waits or stops waiting, it runs to its end), forked from the signature starting it
      // (its Clock, its clock offset), interruptible again (the fetch may time itself out).
      const run = Effect.exit(refresh).pipe(
        Effect.flatMap((exit) => Effect.sync(() => settle(call, exit))),
        Effect.onInterrupt(() => Effect.sync(() => settle(call, Exit.interrupt(FiberId.none))))
      )
      return Effect.map(Effect.forkDaemon(Effect.interruptible(run)), (fiber) => {
        call.fiber = fiber
        return call
      })
    }))
    // In workerd a call has one signature, and dies with its request: once that signature stops waiting, the call
    // is dropped, not kept among the running ones for the layer's life.
    const abandonUnshared = (call: Call): void => {
      if (shared || call.outcome !== undefined) return
      running.delete(call)
      call.fiber?.unsafeInterruptAsFork(FiberId.none)
    }
    // A call that never settles (a credential_process that hangs) must not hold every signature for good: its
    // signatures wait until PROVIDER_TIMEOUT_MILLIS after it started, as in the facade, then fail, and the next
    // one asks again; the call goes on, and an answer that arrives later is kept. Timed by the host's timer, not
    // the Clock: the bound is on real time, so a TestClock moved on does not fail a call answering in real time;
    // and it ends the wait without interrupting anything, so it holds also where nothing can be interrupted (a
    // signature in a finalizer, a fetch stuck in an uninterruptible region). The timer is the waiting
    // signature's: one that stops waiting leaves none behind.
    const waitFor = (call: Call): Effect.Effect<AwsCredentials, SigningError> =>
      Effect.suspend(() =>
        call.outcome !== undefined ? call.outcome : Effect.async<AwsCredentials, SigningError>((resume) => {
          const onOutcome = (outcome: Exit.Exit<AwsCredentials, SigningError>) => {
            clearTimeout(timer)
            resume(outcome)
          }
          const timer = setTimeout(() => {
            call.waiting.delete(onOutcome)
            if (inFlight === call) inFlight = undefined
            abandonUnshared(call)
            resume(Effect.fail(providerTimedOut()))
          }, Math.min(PROVIDER_TIMEOUT_MILLIS, Math.max(0, call.startedAt + PROVIDER_TIMEOUT_MILLIS - Date.now())))
          call.waiting.add(onOutcome)
          return Effect.sync(() => {
            clearTimeout(timer)
            call.waiting.delete(onOutcome)
            abandonUnshared(call)
          })
        })
      )
    const fetchOnce = Effect.flatMap(callInFlight, waitFor)
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        const calls = [...running]
        // Settled here: a fiber interrupted before it ran never reaches its own handlers. A signature still
        // waiting gets a SigningError, not an interruption it did not ask for.
        const released = Exit.fail(missingCredentials(
          "The Credentials layer was released while this signature waited for the credentials provider; " +
            "sign within the layer's lifetime (provide it around the program that signs)."
        ))
        for (const call of calls) settle(call, released)
        // Not awaited: a fetch stuck where it cannot be interrupted must not hold up the release.
        return Effect.forEach(calls, (call) => call.fiber === undefined ? Effect.void : Fiber.interruptFork(call.fiber), { discard: true })
      })
    )
    // A renewal that fails (an endpoint's blip, throttling) while the credentials held are still valid at the time a
    // signature carries: signed with those, as in the facade and the AWS SDK's own chain, since renewing early is what
    // leaves time to try again; the next signature asks again. Without valid ones, the failure.
    const heldOr = (failure: SigningError): Effect.Effect<AwsCredentials, SigningError> =>
      Effect.withFiberRuntime((fiber) => {
        const held = current?.credentials
        const valid = held !== undefined && (held.expiration === undefined || signingTimes(fiber).signingNow < held.expiration.getTime())
        return valid ? Effect.succeed(held) : Effect.fail(failure)
      })
    const get = freshOr(Effect.catchAll(fetchOnce, heldOr))
    return { get }
  })

/**
 * `Credentials.layerFromProvider`'s fetch: the provider asked, its answer
 * checked, its secrets remembered. Made once per layer, so the secrets it
 * remembers are shared by every build of that layer: a provider is one
 * source, however many times its layer is built.
 */
export const providerFetch = (provider: CredentialsProvider, options: unknown): Effect.Effect<CredentialIdentity, SigningError> => {
  // Something else given (a wrong import's undefined): said as such, not as the provider failing ("provider is not a function").
  if (typeof provider !== "function") {
    return Effect.fail(
      new SigningError({
        reason: "InvalidConfig",
        // A string is not quoted: given here by mistake, it may be a secret key.
        message: `Credentials.layerFromProvider takes a provider function (fromNodeProviderChain(), fromIni(), or your own); got ${
          typeof provider === "string" ? "a string" : describe(provider)
        }.`
      })
    )
  }
  // The layer's own (unusable options fail its signatures before any fetch).
  const times = refreshTimes(options)
  const refreshBefore = times instanceof SigningError ? REFRESH_BEFORE_MILLIS : times.refreshBefore
  // The secrets of the last credentials handed out: a later failure's message may quote them.
  const seen = recentSecrets()
  const askProvider = providerAsker(provider)
  return Effect.withFiberRuntime<CredentialIdentity, SigningError>((fiber) =>
    Effect.tryPromise({
      // Due for renewal at the time a signature carries (the layer's fetch runs with the offset of the signer asking).
      try: () => askProvider((answer, within = refreshBefore) => dueForRenewal(answer, signingTimes(fiber).signingNow, within)),
      catch: (error) => providerFailure(error, seen.secrets())
    })
  ).pipe(
    Effect.filterOrFail(
      (identity): identity is CredentialIdentity => typeof identity === "object" && identity !== null,
      (answer) => notCredentials(answer)
    ),
    Effect.tap((identity) => {
      // Credentials that cannot be read are refused by validation next; reading them here must not die first.
      const secrets = safely(() => [identity.secretAccessKey, identity.sessionToken], [])
      seen.remember(secrets.filter((secret): secret is string => typeof secret === "string"))
    })
  )
}

const CHAIN_PACKAGE = "@aws-sdk/credential-providers"

export type ChainFactory = (init: Record<string, unknown>) => CredentialsProvider

/** What Node, Bun and Deno throw for an import of a package that is not there. */
const isModuleNotFound = (error: unknown): boolean =>
  safely(() => {
    const { code, message } = error as { readonly code?: unknown; readonly message?: unknown }
    return (typeof code === "string" && code.endsWith("MODULE_NOT_FOUND")) ||
      (typeof message === "string" && /cannot find (?:package|module)|could not find|not found/i.test(message))
  }, false)

// Loaded by a name held in a variable, which esbuild, Vite and webpack leave alone, and inside a try
// statement, which Metro (React Native) takes for an optional dependency even though it reads the
// variable: bundling this module never fails where the optional peer is not installed.
export const loadChain: Effect.Effect<ChainFactory, SigningError> = Effect.tryPromise({
  try: () => {
    const name = CHAIN_PACKAGE
    try {
      return import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<{ fromNodeProviderChain?: unknown }>
    } catch (error) {
      return Promise.reject(error)
    }
  },
  catch: (error) =>
    new SigningError({
      reason: "MissingCredentials",
      message: isModuleNotFound(error)
        ? `The AWS SDK's credential providers are not installed: run npm install ${CHAIN_PACKAGE} ` +
          "(an optional peer dependency of api-gateway-request-signer), or pass credentials another way. " +
          // Loaded by a name in a variable (see above), which file tracing does not follow either.
          "If it is installed, this deployment left it out (a bundle or a traced output, such as Next.js's standalone " +
          `one, keeps only what is imported by name): import { fromNodeProviderChain } from "${CHAIN_PACKAGE}" ` +
          "yourself, and pass Credentials.layerFromProvider(fromNodeProviderChain())."
        // Installed, but it failed as it loaded (a broken install, a runtime it does not support): "not installed" would mislead.
        : `${CHAIN_PACKAGE} is installed but could not be loaded (${thrownMessage(error)}); ` +
          `reinstall it (npm install ${CHAIN_PACKAGE}), or pass credentials another way.`,
      cause: error
    })
}).pipe(
  Effect.filterOrFail(
    (module): module is { fromNodeProviderChain: ChainFactory } => typeof module.fromNodeProviderChain === "function",
    // Installed, but from before 3.87.0, the first version with fromNodeProviderChain: "not installed" would mislead.
    () =>
      new SigningError({
        reason: "MissingCredentials",
        message: `The installed ${CHAIN_PACKAGE} has no fromNodeProviderChain (added in 3.87.0): ` +
          `run npm install ${CHAIN_PACKAGE}@latest, or pass credentials another way.`
      })
  ),
  Effect.map((module) => module.fromNodeProviderChain)
)

/**
 * `layerFromNodeProviderChain`'s options, read once: the SDK chain's provider
 * made from them, and when to renew. Options that are no object, or that
 * the SDK refuses, are a `SigningError`.
 */
export const chainProvider = (
  fromNodeProviderChain: ChainFactory,
  options: unknown
): Effect.Effect<{ readonly provider: CredentialsProvider; readonly refreshBefore: Duration.DurationInput | undefined }, SigningError> =>
  Effect.try({
    try: () => {
      if (typeof options !== "object" || options === null || Array.isArray(options)) {
        throw new SigningError({
          reason: "InvalidConfig",
          message: `Credentials.layerFromNodeProviderChain takes options such as { profile: "dev" }; got ${describe(options)}.`
        })
      }
      const { refreshBefore, ...init } = options as { readonly refreshBefore?: Duration.DurationInput }
      return { provider: fromNodeProviderChain(init), refreshBefore }
    },
    catch: (error) => asSigningError(error, "InvalidConfig")
  })
