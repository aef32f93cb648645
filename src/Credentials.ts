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
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { ENVIRONMENT_FIELD_NAMES, ENVIRONMENT_VARIABLES, type FieldNames, SDK_FIELD_NAMES } from "./internal/credentials.js"
import { configFields, describeConfigError, thrownConfigRead } from "./internal/effect/config.js"
import { isSigningErrorSafely } from "./internal/guard.js"
import * as sources from "./internal/effect/credentialSources.js"
import { staticService } from "./internal/effect/credentialsService.js"
import type { CredentialsProvider } from "./SignedRequest.js"
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
export const validate: (input: CredentialsInput) => Effect.Effect<AwsCredentials, SigningError> = sources.validate

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
  readonly sessionToken?: Config.Config<Option.Option<Redacted.Redacted<string>>> | undefined
}

/**
 * Credentials read through `Config`, so any `ConfigProvider` can feed them.
 * A config that cannot be read fails with a `MissingCredentials` error that
 * names what is missing; options that are not `Config`s fail with
 * `InvalidConfig`. `sessionToken` may yield an `Option` (as
 * `Config.option(...)` does) or the token itself.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 * import * as Config from "effect/Config"
 *
 * // Another account's keys, under names of your own.
 * const CredentialsLive = Credentials.layerConfig({
 *   accessKeyId: Config.string("PARTNER_ACCESS_KEY_ID"),
 *   secretAccessKey: Config.redacted("PARTNER_SECRET_ACCESS_KEY"),
 *   sessionToken: Config.option(Config.redacted("PARTNER_SESSION_TOKEN"))
 * })
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerConfig = (config: CredentialsConfig): Layer.Layer<Credentials, SigningError> =>
  Layer.effect(
    Credentials,
    Effect.gen(function*() {
      const fields = configFields("Credentials.layerConfig", config, {
        required: ["accessKeyId", "secretAccessKey"],
        optional: ["sessionToken"],
        example: `{ accessKeyId: Config.string("AWS_ACCESS_KEY_ID"), secretAccessKey: Config.redacted("AWS_SECRET_ACCESS_KEY") }`
      })
      if (fields instanceof SigningError) return yield* Effect.fail(fields)
      const read = yield* Config.all(fields).pipe(
        Effect.mapError((error) =>
          new SigningError({
            reason: "MissingCredentials",
            // Not kept as cause: an invalid value's ConfigError quotes the value, which may be a secret.
            message: `AWS credentials could not be read from the configuration: ${describeConfigError(error)}. ` +
              `Provide ${ENVIRONMENT_VARIABLES}, or use Credentials.layer with explicit values.`
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
      const sessionToken = optionalValue(read["sessionToken"])
      if (isSigningErrorSafely(sessionToken)) return yield* Effect.fail(sessionToken)
      // Read from the configuration (the AWS_* variables by default): a missing key's message says to set them,
      // and from the AWS_* variables themselves (envConfig, layerFromEnv), a fault in a value names its variable.
      const credentials = yield* sources.validate({
        accessKeyId: read["accessKeyId"] as string,
        secretAccessKey: read["secretAccessKey"] as string | Redacted.Redacted<string>,
        sessionToken: sessionToken as string | Redacted.Redacted<string> | undefined
      }, config === envConfig ? ENVIRONMENT_FIELD_NAMES : CONFIGURED_FIELD_NAMES)
      return staticService(credentials)
    })
  )

const CONFIGURED_FIELD_NAMES: FieldNames = { ...SDK_FIELD_NAMES, fromEnvironment: true }

/** The session token a Config yielded: from an `Option` (`Config.option`), or as it is; `make` checks its type. */
const optionalValue = (value: unknown): unknown => {
  try {
    return Option.isOption(value) ? Option.getOrUndefined(value) : value
  } catch {
    return new SigningError({ reason: "InvalidConfig", message: "Credentials.layerConfig: the sessionToken Config yielded a value that cannot be read." })
  }
}

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
 * Credentials that may change: `get` runs every time a request is signed.
 * Use it for credentials held in a `Ref`, or any source you cache yourself.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 * import * as Ref from "effect/Ref"
 *
 * const current = Ref.unsafeMake({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "first-secret" })
 * // Every signature reads the Ref: set it, and the next request (a retry too) signs with the new keys.
 * const CredentialsLive = Credentials.layerEffect(Ref.get(current))
 * const rotate = Ref.set(current, { accessKeyId: "AKIDEXAMPLE2", secretAccessKey: "second-secret" })
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerEffect = <E, R>(
  get: Effect.Effect<CredentialsInput, E, R>
): Layer.Layer<Credentials, never, R> =>
  Layer.effect(Credentials, Effect.map(Effect.context<R>(), (context) => sources.askedEachTime(get, context)))

/**
 * Options of `layerRefreshing`.
 *
 * @since 3.0.0
 * @category models
 */
export interface RefreshOptions {
  /** Renew this long before `expiration` (default 5 minutes, the lifetime of a signature). */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /** Renew at least this often when credentials carry no `expiration` (default: never). */
  readonly maxAge?: Duration.DurationInput | undefined
}

/**
 * Temporary credentials fetched on first use and fetched again shortly before
 * they expire. Concurrent signers share one fetch; a failed fetch is not
 * cached, so the next signature tries again.
 *
 * @example
 * ```ts
 * import { Credentials } from "api-gateway-request-signer"
 * import * as Duration from "effect/Duration"
 * import * as Effect from "effect/Effect"
 *
 * interface Issued {
 *   readonly accessKeyId: string
 *   readonly secretAccessKey: string
 *   readonly sessionToken: string
 *   readonly expiration: string
 * }
 *
 * // Your own issuer of temporary credentials (a vault, a broker service).
 * const issue = Effect.tryPromise(async () => {
 *   const response = await fetch("http://127.0.0.1:8200/v1/aws/creds/caller")
 *   return (await response.json()) as Issued
 * })
 *
 * const CredentialsLive = Credentials.layerRefreshing(
 *   Effect.map(issue, (issued) => ({ ...issued, expiration: new Date(issued.expiration) })),
 *   { refreshBefore: Duration.minutes(10) }
 * )
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerRefreshing = <E, R>(
  fetch: Effect.Effect<CredentialsInput, E, R>,
  options?: RefreshOptions
): Layer.Layer<Credentials, never, R> =>
  // Scoped: the provider call in flight is interrupted when the layer is released.
  Layer.scoped(Credentials, Effect.flatMap(Effect.context<R>(), (context) => sources.refreshing(fetch, options, context)))

/**
 * Options of `layerFromProvider`.
 *
 * @since 3.0.0
 * @category models
 */
export interface ProviderOptions {
  /** Renew this long before `expiration` (default 5 minutes, the lifetime of a signature). */
  readonly refreshBefore?: Duration.DurationInput | undefined
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
export const layerFromProvider = (provider: CredentialsProvider, options?: ProviderOptions): Layer.Layer<Credentials> =>
  // Options are read, and checked, when the layer is built: options that cannot be read fail signatures, typed.
  layerRefreshing(sources.providerFetch(provider, options), options)

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
    Effect.flatMap(sources.loadChain, (fromNodeProviderChain) =>
      Effect.map(sources.chainProvider(fromNodeProviderChain, options), ({ provider, refreshBefore }) =>
        layerFromProvider(provider, refreshBefore === undefined ? {} : { refreshBefore })))
  )

/**
 * The same layer as `layerFromNodeProviderChain`, under the name the AWS SDK gives it.
 *
 * @since 3.0.0
 * @category layers
 */
export const fromNodeProviderChain: (options?: NodeProviderChainOptions) => Layer.Layer<Credentials, SigningError> =
  layerFromNodeProviderChain
