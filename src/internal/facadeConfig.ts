/**
 * The facade's configuration, read the way the original package read it:
 * where the credentials come from (given, a provider, or the `AWS_*`
 * variables), the original's header names and defaults (`Accept:
 * application/json`, `Content-Type`), and the retry options of `fetch` and
 * `makeRequestWithRetries`, each read once and checked (no `NaN`, no
 * non-function: fail closed).
 *
 * @internal
 */
import type { ApiGatewaySignerConfig } from "../ApiGatewaySigner.js"
import { SigningError } from "../SigningError.js"
import { invalidConfig, missingCredentials } from "./signingErrors.js"
import { describeNonSignal, isAbortSignal } from "./abort.js"
import { isPlainObject } from "./brand.js"
import {
  SDK_FIELD_NAMES,
  ENVIRONMENT_VARIABLES,
  ENVIRONMENT_FIELD_NAMES,
  type FieldNames,
  type SigningCredentials,
  signingCredentials
} from "./credentials.js"
import { type CredentialsSource, providedSource, staticSource } from "./facadeCredentials.js"
import { safely } from "./guard.js"
import { environmentRefused, environmentVariable, hasEnvironment } from "./environment.js"
import { describe } from "./request/describe.js"
import { isFieldValue } from "./request/headers.js"
import type { PrepareSettings } from "./request/prepare.js"
import { isDelayMillis, isRetryCount, MAX_RETRIES } from "./retry/backoff.js"
import type { ResolvedSigner } from "./settings.js"
import type { SignedRequestSettings } from "./signPrepared.js"

const FACADE_FIELD_NAMES: FieldNames = { accessKeyId: "accessKey", secretAccessKey: "secretKey", sessionToken: "sessionToken", fromEnvironment: true }

/** Keys read from the AWS_* variables: a fault in a value names its variable; a key missing, what to pass or set. */
const FACADE_ENVIRONMENT_NAMES: FieldNames = {
  ...ENVIRONMENT_FIELD_NAMES,
  whenMissing: `pass accessKey and secretKey, or set ${ENVIRONMENT_VARIABLES}`
}

/** Unset, as 2.x read its options (with `||`): undefined, null or "" (an empty line in a .env file). */
const isUnset = (value: unknown): value is undefined | null | "" => value === undefined || value === null || value === ""

// Names other AWS APIs give the credentials, spelled exactly (a config spread from process.env may hold an
// unrelated SECRET_KEY or ACCESS_KEY of another service: those are not AWS's names), each with the facade option
// and the variable for the same credential: the SDK's (accessKeyId), STS's (AccessKeyId), the variables' and the
// shared credentials file's (AWS_ACCESS_KEY_ID, aws_access_key_id).
const ACCESS_KEY = ["accessKey", "AWS_ACCESS_KEY_ID"] as const
const SECRET_KEY = ["secretKey", "AWS_SECRET_ACCESS_KEY"] as const
const SESSION_TOKEN = ["sessionToken", "AWS_SESSION_TOKEN"] as const
const CREDENTIAL_NAMES = new Map<string, readonly [option: "accessKey" | "secretKey" | "sessionToken", variable: string]>([
  ["accessKeyId", ACCESS_KEY], ["AccessKeyId", ACCESS_KEY], ["AWS_ACCESS_KEY_ID", ACCESS_KEY], ["aws_access_key_id", ACCESS_KEY],
  ["secretAccessKey", SECRET_KEY], ["SecretAccessKey", SECRET_KEY], ["AWS_SECRET_ACCESS_KEY", SECRET_KEY], ["aws_secret_access_key", SECRET_KEY],
  ["SessionToken", SESSION_TOKEN], ["AWS_SESSION_TOKEN", SESSION_TOKEN], ["aws_session_token", SESSION_TOKEN]
])

/**
 * An option of the config that holds a credential under a name the facade does not read (`accessKeyId`,
 * `SessionToken`, `AWS_SECRET_ACCESS_KEY`, ...), unless it holds what the environment holds (a config spread
 * from `process.env`) or, when keys are given, what the option of the facade's own name holds. Only its name
 * is returned, one of the names above.
 */
const misnamedCredentialOption = (config: ApiGatewaySignerConfig, keysGiven: boolean): string | undefined =>
  safely(() => Object.keys(config), [] as Array<string>).find((name) => {
    const kind = CREDENTIAL_NAMES.get(name)
    if (kind === undefined) return false
    const value = safely(() => (config as unknown as Record<string, unknown>)[name], undefined)
    if (isUnset(value) || value === environmentVariable(kind[1])) return false
    return !keysGiven || value !== safely(() => config[kind[0]], undefined)
  })

/** Where the facade's credentials come from; `clock` is the signer's, for judging a provider's answers. */
export const credentialsSourceOf = (config: ApiGatewaySignerConfig, clock: () => number): CredentialsSource => {
  const { credentials } = config
  if (credentials === undefined) return staticSource(credentialsFromConfig(config))
  if (!isUnset(config.accessKey) || !isUnset(config.secretKey) || !isUnset(config.sessionToken)) {
    throw missingCredentials("Pass either credentials, or accessKey and secretKey (and sessionToken), not both.")
  }
  if (typeof credentials === "function") return providedSource(credentials, SDK_FIELD_NAMES, clock)
  if (typeof credentials !== "object" || credentials === null) {
    throw new SigningError({
      reason: "MissingCredentials",
      message: `credentials must be { accessKeyId, secretAccessKey, sessionToken?, expiration? } or a provider function; got ${describe(credentials)}.`
    })
  }
  const identity = signingCredentials(credentials, SDK_FIELD_NAMES)
  if (identity instanceof SigningError) throw identity
  return staticSource(identity)
}

const credentialsFromConfig = (config: ApiGatewaySignerConfig): SigningCredentials => {
  let accessKey: unknown, secretKey: unknown, sessionToken: unknown
  try {
    ;({ accessKey, secretKey, sessionToken } = config)
  } catch {
    // Said without what was thrown: a getter's error may quote the very secret it failed to hand over.
    throw missingCredentials("accessKey, secretKey or sessionToken could not be read (reading them threw); pass strings.")
  }
  // A credential given under another API's name is not read: signing without it (a token dropped: a 403), or
  // with the environment's keys (a Lambda's role: another principal), would happen without a word.
  const misnamed = misnamedCredentialOption(config, !isUnset(accessKey) || !isUnset(secretKey))
  if (misnamed !== undefined) {
    throw new SigningError({
      reason: "MissingCredentials",
      message: `${misnamed} is not an option of ApiGatewaySigner, so it was not read: pass accessKey and secretKey (and sessionToken), ` +
        `or credentials: { accessKeyId, secretAccessKey, sessionToken? }, or none of these to use ${ENVIRONMENT_VARIABLES}.`
    })
  }
  // As in 2.x, keys that are all unset mean "use the environment".
  if (isUnset(accessKey) && isUnset(secretKey)) {
    if (!isUnset(sessionToken)) {
      // Signing with the environment's keys would drop the token given here without a word.
      throw missingCredentials(`A sessionToken was given without accessKey and secretKey: pass all three, or none to use ${ENVIRONMENT_VARIABLES}.`)
    }
    accessKey = secretKey = sessionToken = undefined
  }
  const given = accessKey !== undefined || secretKey !== undefined
  if (given && (accessKey === undefined || secretKey === undefined)) {
    // Mixing a key from the config with one from the environment would sign with a mismatched pair.
    throw missingCredentials(
      `Only ${accessKey === undefined ? "secretKey" : "accessKey"} was given: pass accessKey and secretKey together, ` +
        `or neither to use ${ENVIRONMENT_VARIABLES}.`
    )
  }
  if (!given && !hasEnvironment()) {
    throw missingCredentials(
      "No credentials given, and this runtime has no environment variables to read them from: " +
        "in a browser or a Worker, pass credentials, a provider such as fromCognitoIdentityPool({ ... }) " +
        "of @aws-sdk/credential-provider-cognito-identity, or accessKey, secretKey and sessionToken."
    )
  }
  // Deno refuses the reads without --allow-env for them: the keys may well be set, and "set them" would mislead.
  // The token's too: temporary keys signed without it, as if it were unset, get a 403.
  const refused = given ? [] : ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].filter((name) => environmentRefused(name))
  if (refused.length > 0) {
    throw missingCredentials(
      `No credentials given, and the runtime refused to read ${refused.join(", ")} from the environment: ` +
        "in Deno, grant --allow-env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN (with AWS_REGION if it is read), " +
        "or pass accessKey and secretKey."
    )
  }
  const fromEnvironment = given ? undefined : {
    accessKeyId: environmentVariable("AWS_ACCESS_KEY_ID"),
    secretAccessKey: environmentVariable("AWS_SECRET_ACCESS_KEY"),
    sessionToken: environmentVariable("AWS_SESSION_TOKEN")
  }
  const credentials = fromEnvironment === undefined
    ? signingCredentials({ accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken }, FACADE_FIELD_NAMES)
    : signingCredentials(fromEnvironment, FACADE_ENVIRONMENT_NAMES)
  if (credentials instanceof SigningError) throw credentials
  return credentials
}

/** Every secret a config could sign with, as given or from the environment: scrubbed from the constructor's errors. */
export const configSecrets = (config: ApiGatewaySignerConfig): Array<string> =>
  [
    safely(() => config.secretKey, undefined),
    safely(() => config.sessionToken, undefined),
    safely(() => (config.credentials as { secretAccessKey?: unknown } | undefined)?.secretAccessKey, undefined),
    safely(() => (config.credentials as { sessionToken?: unknown } | undefined)?.sessionToken, undefined),
    environmentVariable("AWS_SECRET_ACCESS_KEY"),
    environmentVariable("AWS_SESSION_TOKEN")
  ].filter((secret): secret is string => typeof secret === "string" && secret !== "")

export const retriesRefused = (retries: unknown): SigningError =>
  invalidConfig(`retries must be a whole number from 0 to ${MAX_RETRIES}; got ${describe(retries)}.`)

/** How `signer.fetch` retries, from its `init` or the config: each checked. */
export interface FetchRetrySettings {
  readonly retries: number | undefined
  readonly shouldRetry: ((failure: unknown) => boolean) | undefined
}

export const checkFetchRetry = (retries: unknown, shouldRetry: unknown): FetchRetrySettings => {
  if (retries !== undefined && !isRetryCount(retries)) throw retriesRefused(retries)
  if (shouldRetry !== undefined && typeof shouldRetry !== "function") {
    throw invalidConfig(`shouldRetry must be a function (failure) => boolean; got ${describe(shouldRetry)}.`)
  }
  return { retries, shouldRetry: shouldRetry as FetchRetrySettings["shouldRetry"] }
}

export interface FetchSettings extends FetchRetrySettings {
  readonly fetch: ApiGatewaySignerConfig["fetch"]
}

export const fetchSettings = (config: ApiGatewaySignerConfig): FetchSettings => {
  const { fetch, retries, shouldRetry } = config
  if (fetch !== undefined && typeof fetch !== "function") throw invalidConfig(`fetch must be a function; got ${describe(fetch)}.`)
  return { fetch, ...checkFetchRetry(retries, shouldRetry) }
}

/** The facade's signer settings: the resolved signer, with the original package's header names and defaults. */
export interface FacadeSettings extends ResolvedSigner, PrepareSettings, SignedRequestSettings {}

export const facadeSettings = (config: ApiGatewaySignerConfig, signer: ResolvedSigner): FacadeSettings => {
  const { defaultAcceptType, defaultContentType } = config
  for (const [name, value] of [["defaultAcceptType", defaultAcceptType], ["defaultContentType", defaultContentType]] as const) {
    if (!isUnset(value) && value !== false && (typeof value !== "string" || !isFieldValue(value))) {
      throw invalidConfig(`${name} must be a media type such as "application/json"; got ${describe(value)}.`)
    }
  }
  // null and "" mean the default, as in 2.x (which read both with ||); false sends no Accept, and
  // leaves the Content-Type to the body.
  const accept = isUnset(defaultAcceptType) ? "application/json" : defaultAcceptType
  return {
    ...signer,
    defaultHeaders: accept === false ? undefined : [["Accept", accept]],
    defaultContentType: isUnset(defaultContentType) || (defaultContentType as unknown) === false ? undefined : defaultContentType,
    contentTypeName: "Content-Type",
    authorizationName: "Authorization"
  }
}

/** The options of makeRequestWithRetries, each read once and checked (a getter cannot change one after its check). */
export interface CheckedRetryOptions {
  readonly signal: AbortSignal | undefined
  readonly shouldRetry: ((error: unknown) => boolean) | undefined
  readonly baseDelayMs: number | undefined
  readonly maxDelayMs: number | undefined
}

export const checkFacadeRetryOptions = (retries: unknown, options: unknown): CheckedRetryOptions | SigningError => {
  if (!isRetryCount(retries)) return retriesRefused(retries)
  if (!isPlainObject(options)) {
    return invalidConfig(`The options of makeRequestWithRetries must be a plain object such as { signal }; got ${describe(options)}.`)
  }
  const { signal, shouldRetry, baseDelayMs, maxDelayMs } = options as Record<string, unknown>
  if (signal !== undefined && !isAbortSignal(signal)) {
    return invalidConfig(`signal must be an AbortSignal; got ${describeNonSignal(signal)}.`)
  }
  if (shouldRetry !== undefined && typeof shouldRetry !== "function") {
    return invalidConfig(`shouldRetry must be a function (error) => boolean; got ${describe(shouldRetry)}.`)
  }
  for (const [name, value] of [["baseDelayMs", baseDelayMs], ["maxDelayMs", maxDelayMs]] as const) {
    if (value !== undefined && !isDelayMillis(value)) {
      return invalidConfig(`${name} must be a number of milliseconds, 0 or more; got ${describe(value)}.`)
    }
  }
  return {
    signal: signal as AbortSignal | undefined,
    shouldRetry: shouldRetry as ((error: unknown) => boolean) | undefined,
    baseDelayMs: baseDelayMs as number | undefined,
    maxDelayMs: maxDelayMs as number | undefined
  }
}
