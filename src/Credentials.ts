/**
 * AWS credentials as an Effect service: static, from `Config` (any
 * `ConfigProvider`), from the standard environment variables, or from an
 * effect that is asked again each time a request is signed (rotation, refresh).
 *
 * Secrets are `Redacted` from the moment they enter: printing, logging or
 * serializing credentials shows `<redacted>`.
 *
 * @since 3.0.0
 * @module
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ENVIRONMENT_VARIABLES, recentSecrets } from "./internal/credentials.js"
import { providerFailure, REFRESH_BEFORE_MILLIS } from "./internal/credentialsSource.js"
import { asSigningError, safely } from "./internal/guard.js"
import { causeShowingNoSecret } from "./internal/scrub.js"
import { describe } from "./internal/request/describe.js"
import type { CredentialIdentity, CredentialsProvider } from "./SignedRequest.js"
import { thrownConfigRead } from "./internal/effect/config.js"
import { sameCredentials, validateCredentials } from "./internal/effect/credentials.js"
import { signingClockOffset, staticService } from "./internal/effect/credentialsService.js"
import { SigningError } from "./SigningError.js"

/**
 * One set of AWS credentials.
 *
 * @since 3.0.0
 * @category models
 */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  readonly sessionToken?: Redacted.Redacted<string> | undefined
  /** When temporary credentials stop working; refreshing layers renew them before. */
  readonly expiration?: Date | undefined
}

/**
 * Credentials as they are given: secrets may be plain strings, which are
 * wrapped in `Redacted` at once.
 *
 * @since 3.0.0
 * @category models
 */
export interface CredentialsInput {
  readonly accessKeyId: string
  readonly secretAccessKey: string | Redacted.Redacted<string>
  readonly sessionToken?: string | Redacted.Redacted<string> | undefined
  readonly expiration?: Date | undefined
}

/**
 * The credentials service: `get` yields the credentials to sign with now.
 * Static layers yield the same value every time; dynamic ones (`layerEffect`,
 * `layerRefreshing`) yield whatever is current, so a retry never signs with
 * credentials that have since rotated.
 *
 * @since 3.0.0
 * @category models
 */
export interface Service {
  readonly get: Effect.Effect<AwsCredentials, SigningError>
}

/**
 * @since 3.0.0
 * @category tags
 */
export class Credentials extends Context.Tag("api-gateway-request-signer/Credentials")<
  Credentials,
  Service
>() {}

/**
 * Checks credentials and wraps their secrets in `Redacted`. Messages name the
 * faulty field, never its value.
 *
 * @since 3.0.0
 * @category constructors
 */
export const validate = (input: CredentialsInput): Effect.Effect<AwsCredentials, SigningError> =>
  Effect.suspend(() => {
    const result = validateCredentials(input)
    return result instanceof SigningError ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * A credentials service that always yields the same credentials.
 *
 * @since 3.0.0
 * @category constructors
 */
export const make = (input: CredentialsInput): Effect.Effect<Service, SigningError> => Effect.map(validate(input), staticService)

/**
 * Static credentials. Plain-string secrets are wrapped in `Redacted` at once.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 * import * as Redacted from "effect/Redacted"
 *
 * const CredentialsLive = Credentials.layer({
 *   accessKeyId: "AKIDEXAMPLE",
 *   secretAccessKey: Redacted.make("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
 * })
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layer = (input: CredentialsInput): Layer.Layer<Credentials, SigningError> => Layer.effect(Credentials, make(input))

/**
 * Configuration of credentials: any `Config` for each field.
 *
 * @since 3.0.0
 * @category models
 */
export interface CredentialsConfig {
  readonly accessKeyId: Config.Config<string>
  readonly secretAccessKey: Config.Config<Redacted.Redacted<string>>
  readonly sessionToken?: Config.Config<Option.Option<Redacted.Redacted<string>>>
}

// ConfigError messages name the missing key, never a value; keep only the first line.
const describeConfigError = (error: unknown): string => String(error).split("\n")[0] ?? "unreadable"

/**
 * Credentials read through `Config`, so any `ConfigProvider` can feed them.
 * A config that cannot be read fails with a `MissingCredentials` error that
 * names what is missing.
 *
 * @since 3.0.0
 * @category layers
 */
export const layerConfig = (config: CredentialsConfig): Layer.Layer<Credentials, SigningError> =>
  Layer.effect(
    Credentials,
    Effect.gen(function*() {
      const [accessKeyId, secretAccessKey, sessionToken] = yield* Effect.all([
        config.accessKeyId,
        config.secretAccessKey,
        config.sessionToken ?? Effect.succeedNone
      ]).pipe(
        Effect.mapError((error) =>
          new SigningError({
            reason: "MissingCredentials",
            message: `AWS credentials could not be read from the configuration: ${describeConfigError(error)}. ` +
              `Provide ${ENVIRONMENT_VARIABLES}, or use Credentials.layer with explicit values.`,
            cause: error
          })
        ),
        // A read the runtime refuses (Deno without --allow-env) or that throws: typed, never a defect; nothing of what was thrown is kept.
        Effect.catchAllDefect((defect) =>
          Effect.fail(
            new SigningError({
              reason: "MissingCredentials",
              message: `AWS credentials could not be read from the configuration: ${
                thrownConfigRead(defect, "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN")
              }. Provide ${ENVIRONMENT_VARIABLES}, or use Credentials.layer with explicit values.`
            })
          )
        )
      )
      return yield* make({ accessKeyId, secretAccessKey, sessionToken: Option.getOrUndefined(sessionToken) })
    })
  )

/**
 * `Config` for the standard variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN (optional).
 *
 * @since 3.0.0
 * @category config
 */
export const envConfig: CredentialsConfig = {
  accessKeyId: Config.string("AWS_ACCESS_KEY_ID"),
  secretAccessKey: Config.redacted("AWS_SECRET_ACCESS_KEY"),
  sessionToken: Config.option(Config.redacted("AWS_SESSION_TOKEN"))
}

/**
 * Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, read through the current `ConfigProvider` (the process
 * environment by default; swap it with `Layer.setConfigProvider` in tests).
 *
 * @since 3.0.0
 * @category layers
 */
export const layerFromEnv: Layer.Layer<Credentials, SigningError> = layerConfig(envConfig)

/**
 * The same layer as `layerFromEnv`, under the name the AWS SDK gives its
 * environment provider.
 *
 * @since 3.0.0
 * @category layers
 */
export const fromEnv: Layer.Layer<Credentials, SigningError> = layerFromEnv

/**
 * A source's failure as a `SigningError`. Its error is kept as `cause` unless
 * it shows a secret the source handed out before (`seen`): printing an error
 * prints its cause in full.
 */
const sourceFailed = (what: string, seen: SeenSecrets) => (error: unknown): SigningError => {
  if (error instanceof SigningError) return error
  const cause = causeShowingNoSecret(error, seen.secrets())
  return new SigningError({
    reason: "MissingCredentials",
    message: cause === undefined ? `${what}; its error is not kept, as it shows credentials.` : `${what}; see cause.`,
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

/**
 * Credentials that may change: `get` runs every time a request is signed.
 * Use it for credentials held in a `Ref`, or any source you cache yourself.
 *
 * @since 3.0.0
 * @category layers
 */
export const layerEffect = <E, R>(
  get: Effect.Effect<CredentialsInput, E, R>
): Layer.Layer<Credentials, never, R> =>
  Layer.effect(
    Credentials,
    Effect.map(Effect.context<R>(), (context) => {
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
    })
  )

/**
 * Options of `layerRefreshing`.
 *
 * @since 3.0.0
 * @category models
 */
export interface RefreshOptions {
  /** Renew this long before `expiration` (default 5 minutes, the lifetime of a signature). */
  readonly refreshBefore?: Duration.DurationInput
  /** Renew at least this often when credentials carry no `expiration` (default: never). */
  readonly maxAge?: Duration.DurationInput
}

/** A duration option in milliseconds: `fallback` when absent; a SigningError naming it when it is no Duration (or a NaN, or negative). */
const durationOption = (name: string, value: unknown, fallback: number): number | SigningError => {
  if (value === undefined) return fallback
  const duration = typeof value === "number" && !(value >= 0) ? Option.none() : Duration.decodeUnknown(value)
  return Option.isSome(duration) ? Duration.toMillis(duration.value) : new SigningError({
    reason: "InvalidConfig",
    message: `${name} must be a Duration such as "5 minutes" or a number of milliseconds, 0 or more; got ${describe(value)}.`
  })
}

const refreshTimes = (options: unknown): { readonly refreshBefore: number; readonly maxAge: number } | SigningError => {
  try {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      return new SigningError({ reason: "InvalidConfig", message: `The refresh options must be an object such as { refreshBefore: "5 minutes" }; got ${describe(options)}.` })
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

/**
 * Temporary credentials fetched on first use and fetched again shortly before
 * they expire. Concurrent signers share one fetch; a failed fetch is not
 * cached, so the next signature tries again.
 *
 * @since 3.0.0
 * @category layers
 */
export const layerRefreshing = <E, R>(
  fetch: Effect.Effect<CredentialsInput, E, R>,
  options?: RefreshOptions
): Layer.Layer<Credentials, never, R> =>
  Layer.effect(
    Credentials,
    Effect.gen(function*() {
      const context = yield* Effect.context<R>()
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
        Effect.clockWith((clock) => {
          current = {
            credentials,
            renewAt: (credentials.expiration?.getTime() ?? Infinity) - refreshBefore,
            fetchedAt: clock.unsafeCurrentTimeMillis()
          }
          return Effect.succeed(credentials)
        }))
      /** The credentials while fresh, else `stale`: one step, on the signing path of every signature. */
      const freshOr = (stale: Effect.Effect<AwsCredentials, SigningError>): Effect.Effect<AwsCredentials, SigningError> =>
        Effect.withFiberRuntime((fiber) => {
          const clockNow = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
          return fresh(clockNow, clockNow + fiber.getFiberRef(signingClockOffset)) ? Effect.succeed(current!.credentials) : stale
        })
      // One fetch at a time, and its outcome, failure included, is every waiting fiber's: those that
      // queued behind a fetch take what it gave instead of fetching again, one after another. The
      // outcome is kept only while some fiber still waits.
      const lock = yield* Effect.makeSemaphore(1)
      let fetches = 0
      let waiting = 0
      let lastFetch: Exit.Exit<AwsCredentials, SigningError> | undefined
      // Counted in and out in one uninterruptible step with its finalizer: an interruption in between
      // would leave the count up for good, and the last outcome kept.
      const fetchOnce = Effect.uninterruptibleMask((restore) =>
        Effect.suspend(() => {
          const queuedAfter = fetches
          waiting++
          return restore(lock.withPermits(1)(Effect.suspend(() =>
            fetches !== queuedAfter && lastFetch !== undefined ? lastFetch : freshOr(Effect.flatMap(Effect.exit(refresh), (exit) => {
              fetches++
              lastFetch = exit
              return exit
            }))
          ))).pipe(Effect.ensuring(Effect.sync(() => {
            if (--waiting === 0) lastFetch = undefined
          })))
        })
      )
      const get = freshOr(fetchOnce)
      return { get }
    })
  )

/**
 * Options of `layerFromProvider`.
 *
 * @since 3.0.0
 * @category models
 */
export interface ProviderOptions {
  /** Renew this long before `expiration` (default 5 minutes, the lifetime of a signature). */
  readonly refreshBefore?: Duration.DurationInput
}

/**
 * Credentials from an AWS SDK v3 provider (`AwsCredentialIdentityProvider`),
 * or any `() => Promise<credentials>`: asked on first use, cached, and asked
 * again 5 minutes before the credentials expire; concurrent signatures share
 * one call, and a failure is not cached. A failure is a `MissingCredentials`
 * error carrying the provider's message. Reuse one layer (and so one
 * provider): building a provider per request resolves from scratch each time.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 *
 * declare const fromIni: (init: { profile: string }) => () => Promise<{ accessKeyId: string; secretAccessKey: string }>
 * const CredentialsLive = Credentials.layerFromProvider(fromIni({ profile: "dev" }))
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerFromProvider = (provider: CredentialsProvider, options?: ProviderOptions): Layer.Layer<Credentials> => {
  // The secrets of the last credentials handed out: a later failure's message may quote them.
  const seen = recentSecrets()
  return layerRefreshing(
    Effect.tryPromise({
      try: () => Promise.resolve(provider()),
      catch: (error) => providerFailure(error, seen.secrets())
    }).pipe(
      Effect.filterOrFail(
        (identity): identity is CredentialIdentity => typeof identity === "object" && identity !== null,
        () => new SigningError({ reason: "MissingCredentials", message: "The credentials provider resolved with no credentials." })
      ),
      Effect.tap((identity) => {
        // Credentials that cannot be read are refused by validation next; reading them here must not die first.
        const secrets = safely(() => [identity.secretAccessKey, identity.sessionToken], [])
        seen.remember(secrets.filter((secret): secret is string => typeof secret === "string"))
      })
    ),
    // Read, and checked, when the layer is built: options that cannot be read fail signatures, typed.
    options
  )
}

/**
 * The same layer as `layerFromProvider`, under the name the AWS SDK gives its providers.
 *
 * @since 3.0.0
 * @category layers
 */
export const fromProvider: (provider: CredentialsProvider, options?: ProviderOptions) => Layer.Layer<Credentials> =
  layerFromProvider

/**
 * Options of `layerFromNodeProviderChain`: those of the AWS SDK's
 * `fromNodeProviderChain` (`profile`, ...), and when to renew.
 *
 * @since 3.0.0
 * @category models
 */
export interface NodeProviderChainOptions extends ProviderOptions {
  /** The profile of `~/.aws/config` and `~/.aws/credentials` to use (default: AWS_PROFILE, else `default`). */
  readonly profile?: string | undefined
  /** Any other option of the SDK's `fromNodeProviderChain`, passed on as given. */
  readonly [option: string]: unknown
}

const CHAIN_PACKAGE = "@aws-sdk/credential-providers"

/**
 * Credentials from the AWS SDK's default Node chain (`fromNodeProviderChain`
 * of `@aws-sdk/credential-providers`), where every AWS tool looks: the
 * environment, SSO (`aws sso login`), `~/.aws` profiles, `credential_process`,
 * web identity (EKS IRSA), ECS and EKS Pod Identity container credentials,
 * EC2 instance roles. `@aws-sdk/credential-providers` is an optional peer
 * dependency, loaded when the layer is built; without it the layer fails
 * with a `MissingCredentials` error that gives the install command.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 *
 * const CredentialsLive = Credentials.layerFromNodeProviderChain({ profile: "dev" })
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerFromNodeProviderChain = (options: NodeProviderChainOptions = {}): Layer.Layer<Credentials, SigningError> =>
  Layer.unwrapEffect(
    Effect.map(loadChain, (fromNodeProviderChain) => {
      const { refreshBefore, ...init } = options
      return layerFromProvider(fromNodeProviderChain(init), refreshBefore === undefined ? {} : { refreshBefore })
    })
  )

/**
 * The same layer as `layerFromNodeProviderChain`, under the name the AWS SDK gives it.
 *
 * @since 3.0.0
 * @category layers
 */
export const fromNodeProviderChain: (options?: NodeProviderChainOptions) => Layer.Layer<Credentials, SigningError> =
  layerFromNodeProviderChain

type ChainFactory = (init: Record<string, unknown>) => CredentialsProvider

// Loaded by a name held in a variable: bundlers leave the optional peer alone, so
// bundling this module never fails where it is not installed.
const loadChain: Effect.Effect<ChainFactory, SigningError> = Effect.tryPromise({
  try: () => {
    const name = CHAIN_PACKAGE
    return import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<{ fromNodeProviderChain?: unknown }>
  },
  catch: (error) =>
    new SigningError({
      reason: "MissingCredentials",
      message: `The AWS SDK's credential providers are not installed: run npm install ${CHAIN_PACKAGE} ` +
        "(an optional peer dependency of api-gateway-request-signer), or pass credentials another way.",
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
