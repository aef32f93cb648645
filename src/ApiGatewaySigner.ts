/**
 * The Promise facade: the API of the original `api-gateway-request-signer`
 * package, for plain TypeScript and JavaScript apps. It runs the same code as
 * the Effect API: the same request preparation and signing, and for retries
 * the same Effect program.
 *
 * @since 2.0.0
 */
import type { AwsCredentials } from "./Credentials.js"
import { abortReason } from "./internal/abort.js"
import { ENVIRONMENT_VARIABLES, validate } from "./internal/credentials.js"
import { prepareRequest } from "./internal/prepareRequest.js"
import { DEFAULT_RETRIES } from "./internal/retryDefaults.js"
import { presignPrepared } from "./internal/presign.js"
import { type ResolvedSigner, resolveSigner } from "./internal/settings.js"
import { signPrepared } from "./internal/signPrepared.js"
import type { RequestToSign, SignedRequest } from "./SignedRequest.js"
import type { PresignedRequest } from "./Signer.js"
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
export interface RetryOptions {
  /** Aborting rejects at once with the signal's reason (an `AbortError`) and makes no further calls. */
  readonly signal?: AbortSignal | undefined
  /** Retry only failures for which this returns true (e.g. `Retry.isTransient`). Default: every failure. */
  readonly shouldRetry?: ((error: unknown) => boolean) | undefined
  /** First delay between attempts, doubling after each. Default 100. */
  readonly baseDelayMs?: number | undefined
  /** Longest delay between attempts. Default 5000. */
  readonly maxDelayMs?: number | undefined
}

const credentialsOf = (config: ApiGatewaySignerConfig): AwsCredentials => {
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
  const input = given
    ? { accessKeyId: accessKey!, secretAccessKey: secretKey!, sessionToken }
    : {
      accessKeyId: process.env["AWS_ACCESS_KEY_ID"] ?? "",
      secretAccessKey: process.env["AWS_SECRET_ACCESS_KEY"] ?? "",
      sessionToken: process.env["AWS_SESSION_TOKEN"]
    }
  const credentials = validate(input)
  if (credentials instanceof SigningError) {
    throw new SigningError({
      reason: "MissingCredentials",
      message: `${credentials.message} (Constructor fields: accessKey, secretKey, sessionToken.)`
    })
  }
  return credentials
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
  readonly #credentials: AwsCredentials

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
    this.#signer = resolveSigner(
      {
        endpoint: config.endpoint,
        region: config.region,
        service: config.service ?? config.serviceName,
        signSessionToken: config.signSessionToken
      },
      process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"]
    )
    this.#credentials = credentialsOf(config)
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
    return signPrepared(prepareRequest(this.#signer, request), this.#credentials, Date.now(), this.#signer)
  }

  /**
   * Presigns a request: the URL carries the signature and works without
   * headers until it expires (`expiresIn` seconds, at most 7 days).
   *
   * @throws SigningError when the request cannot be signed as given.
   */
  presignRequest(request: RequestToSign, options: { readonly expiresIn: number }): PresignedRequest {
    return presignPrepared(
      this.#signer,
      prepareRequest(this.#signer, request),
      this.#credentials,
      Date.now(),
      options.expiresIn
    )
  }

  /**
   * Signs the request and calls `callback` with it; when the callback throws
   * or rejects, waits (exponential backoff with jitter) and calls it again
   * with a freshly signed request, up to `retries` more times. Resolves with
   * the callback's value.
   *
   * After `retries + 1` failed calls it rejects with a `RequestError` whose
   * `cause` is the last error. (The original package resolved `undefined`
   * then; that was a bug.) A request that cannot be signed rejects with a
   * `SigningError` before any call. Rejections are `RequestError`s
   * (`RequestError<unknown>`), `SigningError`s, or the abort reason.
   */
  makeRequestWithRetries<T>(
    params: RequestToSign,
    callback: (request: SignedRequest) => T | PromiseLike<T>,
    retries = DEFAULT_RETRIES,
    options: RetryOptions = {}
  ): Promise<Awaited<T>> {
    const { signal } = options
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    if (!Number.isInteger(retries) || retries < 0) {
      return Promise.reject(
        new SigningError({ reason: "InvalidConfig", message: `retries must be a whole number, 0 or more; got ${String(retries)}.` })
      )
    }
    // Loaded on first use: signing alone never loads the Effect runtime (cold starts).
    return import("./internal/facadeRetry.js").then(({ runWithRetries }) =>
      runWithRetries(this.#signer, this.#credentials, params, callback, retries, options)
    ) as Promise<Awaited<T>>
  }
}
