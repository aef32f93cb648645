/**
 * AWS credentials as an Effect service: static, from `Config` (any
 * `ConfigProvider`), from the standard environment variables, or from an
 * effect that is asked again each time a request is signed (rotation, refresh).
 *
 * Secrets are `Redacted` from the moment they enter: printing, logging or
 * serializing credentials shows `<redacted>`.
 *
 * @since 2.0.0
 * @module
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { ENVIRONMENT_VARIABLES } from "./internal/credentials.js"
import { validateCredentials } from "./internal/effect/credentials.js"
import { staticService } from "./internal/effect/credentialsService.js"
import { SigningError } from "./SigningError.js"

/**
 * One set of AWS credentials.
 *
 * @since 2.0.0
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
 * @since 2.0.0
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
 * @since 2.0.0
 * @category models
 */
export interface Service {
  readonly get: Effect.Effect<AwsCredentials, SigningError>
}

/**
 * @since 2.0.0
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
 * @since 2.0.0
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
 * @since 2.0.0
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
 * @since 2.0.0
 * @category layers
 */
export const layer = (input: CredentialsInput): Layer.Layer<Credentials, SigningError> => Layer.effect(Credentials, make(input))

/**
 * Configuration of credentials: any `Config` for each field.
 *
 * @since 2.0.0
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
 * @since 2.0.0
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
        )
      )
      return yield* make({ accessKeyId, secretAccessKey, sessionToken: Option.getOrUndefined(sessionToken) })
    })
  )

/**
 * `Config` for the standard variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN (optional).
 *
 * @since 2.0.0
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
 * @since 2.0.0
 * @category layers
 */
export const layerFromEnv: Layer.Layer<Credentials, SigningError> = layerConfig(envConfig)

/**
 * @deprecated Use `layerFromEnv`, the same layer under the name Effect's conventions give it.
 * @since 2.0.0
 * @category layers
 */
export const fromEnv: Layer.Layer<Credentials, SigningError> = layerFromEnv

const sourceFailed = (message: string) => (error: unknown): SigningError =>
  error instanceof SigningError ? error : new SigningError({ reason: "MissingCredentials", message, cause: error })

/**
 * Credentials that may change: `get` runs every time a request is signed.
 * Use it for credentials held in a `Ref`, or any source you cache yourself.
 *
 * @since 2.0.0
 * @category layers
 */
export const layerEffect = <E, R>(
  get: Effect.Effect<CredentialsInput, E, R>
): Layer.Layer<Credentials, never, R> =>
  Layer.effect(
    Credentials,
    Effect.map(Effect.context<R>(), (context) => ({
      get: get.pipe(
        Effect.provide(context),
        Effect.mapError(sourceFailed("The credentials source failed; see cause.")),
        Effect.flatMap(validate)
      )
    }))
  )

/**
 * Options of `layerRefreshing`.
 *
 * @since 2.0.0
 * @category models
 */
export interface RefreshOptions {
  /** Renew this long before `expiration` (default 5 minutes, the lifetime of a signature). */
  readonly refreshBefore?: Duration.DurationInput
  /** Renew at least this often when credentials carry no `expiration` (default: never). */
  readonly maxAge?: Duration.DurationInput
}

/**
 * Temporary credentials fetched on first use and fetched again shortly before
 * they expire. Concurrent signers share one fetch; a failed fetch is not
 * cached, so the next signature tries again.
 *
 * @since 2.0.0
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
      const refreshBefore = Duration.toMillis(options?.refreshBefore ?? Duration.minutes(5))
      const maxAge = options?.maxAge === undefined ? Infinity : Duration.toMillis(options.maxAge)
      const load = fetch.pipe(
        Effect.provide(context),
        Effect.mapError(sourceFailed("Refreshing AWS credentials failed; see cause.")),
        Effect.flatMap(validate)
      )
      const lock = yield* Effect.makeSemaphore(1)
      let current: { readonly credentials: AwsCredentials; readonly staleAt: number } | undefined
      const fresh = (now: number) => current !== undefined && now < current.staleAt
      const refresh = Effect.flatMap(load, (credentials) =>
        Effect.clockWith((clock) =>
          Effect.map(clock.currentTimeMillis, (now) => {
            const expiresAt = credentials.expiration?.getTime() ?? Infinity
            current = { credentials, staleAt: Math.min(expiresAt - refreshBefore, now + maxAge) }
            return credentials
          })
        ))
      const get = Effect.clockWith((clock) => clock.currentTimeMillis).pipe(
        Effect.flatMap((now) =>
          fresh(now) ? Effect.succeed(current!.credentials) : lock.withPermits(1)(
            // Another fiber may have refreshed while this one waited.
            Effect.flatMap(
              Effect.clockWith((clock) => clock.currentTimeMillis),
              (later) => fresh(later) ? Effect.succeed(current!.credentials) : refresh
            )
          )
        )
      )
      return { get }
    })
  )
