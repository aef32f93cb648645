/**
 * The Promise facade: the API of the original `api-gateway-request-signer`
 * package, for plain TypeScript and JavaScript apps. Signing runs on the pure
 * core (no Effect, no `node:` module but the crypto adapter), so it works
 * wherever the original did: Node, Bun, Deno, browsers and Workers. Retries
 * follow the policy of the Effect `Retry` module (the same backoff, the same
 * rules for what is retried, the same `RequestError`) in a plain Promise loop,
 * so that the facade never loads Effect: not at start, not at the first retry.
 *
 * @since 2.0.0
 * @module
 */
import { abortReason } from "./internal/abort.js"
import {
  ENVIRONMENT_VARIABLES,
  type FieldNames,
  type SigningCredentials,
  signingCredentials,
  secretsOf
} from "./internal/credentials.js"
import { cleanSigningError } from "./internal/guard.js"
import { environmentVariable, hasEnvironment } from "./internal/environment.js"
import { describe } from "./internal/request/describe.js"
import { prepareRequest } from "./internal/request/prepare.js"
import { DEFAULT_BACKOFF, DEFAULT_RETRIES } from "./internal/retry/backoff.js"
import { isPermanentFailure } from "./internal/retry/failures.js"
import { retryLoop } from "./internal/retry/loop.js"
import { type ResolvedSigner, resolveSigner } from "./internal/settings.js"
import { presignPrepared, signPrepared } from "./internal/signPrepared.js"
import { expiresInOf } from "./internal/sigv4/presign.js"
import type { PresignedRequest, PresignOptions, RequestToSign, SignedRequest } from "./SignedRequest.js"
import { SigningError } from "./SigningError.js"

export { HttpMethods } from "./HttpMethods.js"
export type { HttpMethod } from "./HttpMethods.js"

/**
 * Configuration of an `ApiGatewaySigner`.
 *
 * @since 2.0.0
 * @category models
 */
export interface ApiGatewaySignerConfig {
  /** The invoke URL, stage included: `https://API_ID.execute-api.REGION.amazonaws.com/STAGE`. */
  readonly endpoint: string
  /** Default: read from the endpoint's host, else AWS_REGION. */
  readonly region?: string | undefined
  /** Give `accessKey` and `secretKey` together, or neither to read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
  readonly accessKey?: string | undefined
  readonly secretKey?: string | undefined
  readonly sessionToken?: string | undefined
  /** Default `execute-api`. */
  readonly service?: string | undefined
  /** The original package's name for `service`. */
  readonly serviceName?: string | undefined
  /** Sign x-amz-security-token (default true); false adds it unsigned, as the original package did. */
  readonly signSessionToken?: boolean | undefined
}

/**
 * Options of `makeRequestWithRetries`, its optional fourth argument.
 *
 * @since 2.0.0
 * @category models
 */
export interface RequestWithRetriesOptions {
  /** Aborting rejects at once with the signal's reason (an `AbortError`) and makes no further calls. */
  readonly signal?: AbortSignal | undefined
  /** Retry only failures for which this returns true (e.g. `Retry.isTransient`). Default: every failure. */
  readonly shouldRetry?: ((error: unknown) => boolean) | undefined
  /** First delay between attempts, doubling after each. Default 100. */
  readonly baseDelayMs?: number | undefined
  /** Longest delay between attempts. Default 5000. */
  readonly maxDelayMs?: number | undefined
}

const FACADE_FIELD_NAMES: FieldNames = { accessKeyId: "accessKey", secretAccessKey: "secretKey", sessionToken: "sessionToken" }

const credentialsFromConfig = (config: ApiGatewaySignerConfig): SigningCredentials => {
  const { accessKey, secretKey, sessionToken } = config
  const given = accessKey !== undefined || secretKey !== undefined
  if (given && (accessKey === undefined || secretKey === undefined)) {
    // Mixing a key from the config with one from the environment would sign with a mismatched pair.
    throw new SigningError({
      reason: "MissingCredentials",
      message: `Only ${accessKey === undefined ? "secretKey" : "accessKey"} was given: pass accessKey and secretKey together, ` +
        `or neither to use ${ENVIRONMENT_VARIABLES}.`
    })
  }
  if (!given && !hasEnvironment()) {
    throw new SigningError({
      reason: "MissingCredentials",
      message: "No credentials given, and this runtime has no environment variables to read them from: " +
        "in a browser or a Worker, pass accessKey, secretKey and sessionToken (e.g. from Cognito) explicitly."
    })
  }
  const credentials = signingCredentials(
    given
      ? { accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken }
      : {
        accessKeyId: environmentVariable("AWS_ACCESS_KEY_ID"),
        secretAccessKey: environmentVariable("AWS_SECRET_ACCESS_KEY"),
        sessionToken: environmentVariable("AWS_SESSION_TOKEN")
      },
    FACADE_FIELD_NAMES
  )
  if (credentials instanceof SigningError) throw credentials
  return credentials
}

const invalidOption = (message: string): SigningError => new SigningError({ reason: "InvalidConfig", message })

const checkRetryOptions = (retries: unknown, options: unknown): SigningError | undefined => {
  if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0) {
    return invalidOption(`retries must be a whole number, 0 or more; got ${describe(retries)}.`)
  }
  if (typeof options !== "object" || options === null) {
    return invalidOption(`The options of makeRequestWithRetries must be an object such as { signal }; got ${describe(options)}.`)
  }
  const { signal, shouldRetry, baseDelayMs, maxDelayMs } = options as Record<string, unknown>
  if (signal !== undefined && !(typeof AbortSignal !== "undefined" && signal instanceof AbortSignal)) {
    return invalidOption(`signal must be an AbortSignal; got ${describe(signal)}.`)
  }
  if (shouldRetry !== undefined && typeof shouldRetry !== "function") {
    return invalidOption(`shouldRetry must be a function (error) => boolean; got ${describe(shouldRetry)}.`)
  }
  for (const [name, value] of [["baseDelayMs", baseDelayMs], ["maxDelayMs", maxDelayMs]] as const) {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      return invalidOption(`${name} must be a number of milliseconds, 0 or more; got ${describe(value)}.`)
    }
  }
  return undefined
}

/**
 * Signs requests to an IAM-authorized API Gateway API.
 *
 * @example
 * ```ts
 * import ApiGatewaySigner, { HttpMethods } from "api-gateway-request-signer"
 *
 * const apiSigner = new ApiGatewaySigner({
 *   endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/STAGE",
 *   region: "us-east-1"
 * })
 * const request = apiSigner.signRequest({ method: HttpMethods.GET, path: "/path/to/some/resource" })
 * const response = await fetch(request.url, request)
 * ```
 *
 * @since 2.0.0
 * @category constructors
 */
export class ApiGatewaySigner {
  /** The endpoint requests are relative to (origin and stage path). */
  readonly endpoint: string
  readonly region: string
  readonly service: string
  readonly #signer: ResolvedSigner
  readonly #credentials: SigningCredentials
  /** Scrubbed from every message this signer throws. */
  readonly #secrets: ReadonlyArray<string>

  /**
   * @throws SigningError when the endpoint is unusable, no region can be
   * found, or no credentials are given or set in the environment.
   */
  constructor(config: ApiGatewaySignerConfig) {
    if (typeof config !== "object" || config === null) {
      throw new SigningError({
        reason: "InvalidEndpoint",
        message: "new ApiGatewaySigner(config) takes { endpoint, region?, accessKey?, secretKey?, sessionToken? }."
      })
    }
    try {
      this.#signer = resolveSigner(
        {
          endpoint: config.endpoint,
          region: config.region,
          service: config.service ?? config.serviceName,
          signSessionToken: config.signSessionToken
        },
        environmentVariable("AWS_REGION") ?? environmentVariable("AWS_DEFAULT_REGION")
      )
      this.#credentials = credentialsFromConfig(config)
    } catch (error) {
      throw cleanSigningError(error)
    }
    this.#secrets = secretsOf(this.#credentials)
    this.endpoint = this.#signer.endpoint.href
    this.region = this.#signer.region
    this.service = this.#signer.service
  }

  /**
   * Signs a request. Send the result exactly as returned:
   * `fetch(request.url, request)`, or `axios({ url, method, headers, data: body })`.
   *
   * @throws SigningError when the request cannot be signed as given.
   */
  signRequest(request: RequestToSign): SignedRequest {
    try {
      return signPrepared(prepareRequest(this.#signer, request), this.#credentials, Date.now(), this.#signer)
    } catch (error) {
      throw cleanSigningError(error, this.#secrets)
    }
  }

  /**
   * Presigns a request: the URL carries the signature and works without
   * headers until it expires (`expiresIn` seconds, at most 7 days; default
   * 900, 15 minutes).
   *
   * @throws SigningError when the request cannot be signed as given.
   */
  presignRequest(request: RequestToSign, options: PresignOptions = {}): PresignedRequest {
    try {
      return presignPrepared(prepareRequest(this.#signer, request), this.#credentials, Date.now(), this.#signer, expiresInOf(options))
    } catch (error) {
      throw cleanSigningError(error, this.#secrets)
    }
  }

  /**
   * Signs the request and calls `callback` with it; when the callback throws
   * or rejects, waits (exponential backoff with jitter, or longer when the
   * failure carries a `Retry-After`) and calls it again with a freshly signed
   * request, up to `retries` more times. Resolves with the callback's value.
   *
   * A failure that carries an HTTP status that cannot succeed unchanged (a
   * 4xx but 408, 425 and 429: a fetch `Response`, or an error with `status`,
   * `statusCode` or `response.status`) is not retried; pass `shouldRetry` to
   * decide yourself (e.g. `Retry.isTransient`, for network errors and 5xx only).
   *
   * After `retries + 1` failed calls it rejects with a `RequestError` whose
   * `cause` is the last error. (The original package resolved `undefined`
   * then; that was a bug.) A request that cannot be signed, or bad options,
   * reject with a `SigningError` before any call. Rejections are
   * `RequestError`s (`RequestError<unknown>`), `SigningError`s, or the abort
   * reason.
   */
  makeRequestWithRetries<T>(
    params: RequestToSign,
    callback: (request: SignedRequest) => T | PromiseLike<T>,
    retries: number = DEFAULT_RETRIES,
    options: RequestWithRetriesOptions = {}
  ): Promise<Awaited<T>> {
    // A Promise method never throws: whatever goes wrong, hostile options included, is a rejection.
    try {
      if (typeof callback !== "function") {
        return Promise.reject(
          invalidOption(`makeRequestWithRetries(params, callback) needs a callback that sends the signed request; got ${describe(callback)}.`)
        )
      }
      const invalid = checkRetryOptions(retries, options)
      if (invalid !== undefined) return Promise.reject(invalid)
      const { signal } = options
      if (signal?.aborted) return Promise.reject(abortReason(signal))
      const prepared = prepareRequest(this.#signer, params)
      const credentials = this.#credentials
      const secrets = this.#secrets
      return retryLoop(
        () => {
          try {
            return { request: signPrepared(prepared, credentials, Date.now(), this.#signer), secrets }
          } catch (error) {
            throw cleanSigningError(error, secrets)
          }
        },
        callback,
        {
          retries,
          backoff: {
            ...DEFAULT_BACKOFF,
            ...(options.baseDelayMs === undefined ? {} : { baseMillis: options.baseDelayMs }),
            ...(options.maxDelayMs === undefined ? {} : { maxMillis: options.maxDelayMs })
          },
          shouldRetry: options.shouldRetry ?? ((failure) => !isPermanentFailure(failure)),
          signal
        }
      )
    } catch (error) {
      return Promise.reject(cleanSigningError(error, this.#secrets))
    }
  }
}

/**
 * The default export, as the package root has it:
 * `import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"`.
 *
 * @since 2.0.0
 */
export default ApiGatewaySigner
