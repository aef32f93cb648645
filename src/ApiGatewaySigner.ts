/**
 * The Promise facade: the API of the original `api-gateway-request-signer`
 * package, for plain TypeScript and JavaScript apps. Signing runs on the pure
 * core (no Effect, no `node:` module but the crypto adapter), so it works
 * wherever the original did: Node, Bun, Deno, browsers and Workers. Retries
 * follow the policy of the Effect `Retry` module (the same backoff, the same
 * rules for what is retried, the same `RequestError`) in a plain Promise loop,
 * so that the facade never loads Effect: not at start, not at the first retry.
 *
 * @since 3.0.0
 * @module
 */
import { abortReason } from "./internal/abort.js"
import { type SigningCredentials, secretsOf } from "./internal/credentials.js"
import type { CredentialsSource } from "./internal/facadeCredentials.js"
import { attemptClock, type AttemptClock, isClockOffset, offsetAfterRefusal } from "./internal/clockSkew.js"
import { type RequestForSending, SIGN_FOR_SENDING } from "./internal/signForSending.js"
import {
  checkFetchRetry,
  checkFacadeRetryOptions,
  configSecrets,
  credentialsSourceOf,
  type FacadeSettings,
  facadeSettings,
  fetchSettings,
  type FetchSettings
} from "./internal/facadeConfig.js"
import { cleanSigningError, safely } from "./internal/guard.js"
import { environmentSetting } from "./internal/environment.js"
import { describe } from "./internal/request/describe.js"
import { type PreparedRequest, prepareRequest } from "./internal/request/prepare.js"
import { relativeTarget } from "./internal/request/target.js"
import { DEFAULT_BACKOFF, DEFAULT_RETRIES } from "./internal/retry/backoff.js"
import { isPermanentFailure, isTransient } from "./internal/retry/failures.js"
import { AbortedWhileReading, checkFetchable, fromFetchArguments, isWebRequest, releaseBody, toWebRequest } from "./internal/webRequest.js"
import { retryLoop, type SignedAttempt } from "./internal/retry/loop.js"
import { needsEnvironmentRegion, resolveSigner, textOption } from "./internal/settings.js"
import { presignPrepared, signPrepared } from "./internal/signPrepared.js"
import { expiresInOf } from "./internal/sigv4/presign.js"
import type {
  CredentialIdentity,
  CredentialsProvider,
  HeadersRecord,
  PresignedRequest,
  PresignOptions,
  QueryRecord,
  RequestToSign,
  SignedBody,
  SignedRequest
} from "./SignedRequest.js"
import { RequestError } from "./RequestError.js"
import { SigningError } from "./SigningError.js"
import { invalidConfig } from "./internal/signingErrors.js"

import { HttpMethods } from "./HttpMethods.js"
// HttpMethodsType: its type and its members' types (`HttpMethods.GET`), for 2.x's names on the class (below).
import type { HttpMethod, HttpMethods as HttpMethodsType } from "./HttpMethods.js"

export { HttpMethods }
export type { HttpMethod } from "./HttpMethods.js"

/**
 * Configuration of an `ApiGatewaySigner`.
 *
 * @since 3.0.0
 * @category models
 */
export interface ApiGatewaySignerConfig {
  /** The invoke URL, stage included: `https://API_ID.execute-api.REGION.amazonaws.com/STAGE`. */
  endpoint: string
  /** Default: read from the endpoint's host, else AWS_REGION, else AWS_DEFAULT_REGION. */
  region?: string | undefined
  /** Give `accessKey` and `secretKey` together, or neither to read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
  accessKey?: string | undefined
  secretKey?: string | undefined
  sessionToken?: string | undefined
  /**
   * Credentials, instead of `accessKey` / `secretKey` / `sessionToken`: an
   * identity `{ accessKeyId, secretAccessKey, sessionToken?, expiration? }`,
   * or a provider, such as `fromNodeProviderChain()` from
   * `@aws-sdk/credential-providers` (ECS, EC2, EKS, SSO, profiles,
   * `credential_process`) or `fromCognitoIdentityPool(...)` in a browser. A
   * provider is asked on the first `signRequestAsync`, `fetch` or
   * `makeRequestWithRetries`, and again 5 minutes before the credentials expire.
   */
  credentials?: CredentialIdentity | CredentialsProvider | undefined
  /**
   * Default: the one the endpoint's host names (`execute-api` for API
   * Gateway, `lambda` for a Lambda function URL, `appsync` for AppSync), else `execute-api`.
   */
  service?: string | undefined
  /** The original package's name for `service`. */
  serviceName?: string | undefined
  /** Sign the x-amz-security-token header (default true); false adds it unsigned, as the original package did. Presigned URLs always sign their token. */
  signSessionToken?: boolean | undefined
  /**
   * The `Accept` header every request gets (signed) unless it sets its own, as
   * in the original package. Default `application/json` (also for `null` and
   * `""`, as in 2.x); `false` sends none.
   */
  defaultAcceptType?: string | false | undefined
  /**
   * The `Content-Type` of every request with a body that sets none, as in the
   * original package. Default: the body's own (`application/json` for an
   * object, the form type for `URLSearchParams`, none for text and bytes).
   */
  defaultContentType?: string | undefined
  /**
   * The fetch `signer.fetch` sends with, called as `fetch(url, init)`: the
   * signed URL as a string, and a `RequestInit` with the signed method,
   * headers and body. Default: the runtime's `fetch`, as it is when a request is sent.
   */
  fetch?: ((url: string, init: RequestInit) => Promise<Response>) | undefined
  /**
   * How many times `signer.fetch` retries (same schedule as `makeRequestWithRetries`). Default 0: no
   * retries; 5 (`Retry.DEFAULT_RETRIES`) when `shouldRetry` is given, since that asks for retries.
   */
  retries?: number | undefined
  /** Which failures and responses `signer.fetch` retries. Default, once retries are asked for: `Retry.isTransient`. */
  shouldRetry?: ((failure: unknown) => boolean) | undefined
  /**
   * The base URL requests are sent to, when that is not `endpoint`: a proxy
   * or CDN in front of the API that rewrites Host (and path) to the
   * endpoint's, or a VPC endpoint. Signatures cover the endpoint's host and
   * path; the URL returned is `sendTo` plus the path below the stage plus the
   * query. Default: the endpoint. See docs/private-apis.md.
   */
  sendTo?: string | undefined
}

/**
 * The second argument of `signer.fetch`: fetch's `RequestInit`, and when to retry.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedFetchInit extends RequestInit {
  /**
   * Retry this many times (exponential backoff with jitter, as `makeRequestWithRetries`). Default: the
   * signer's `retries`; else 5 (`Retry.DEFAULT_RETRIES`) when a `shouldRetry` is given, and 0 when not.
   */
  readonly retries?: number | undefined
  /**
   * Retry a failure (a thrown error, or a `Response`) only when this holds.
   * Default, once retries are asked for: network errors, 408, 425, 429 and 5xx.
   */
  readonly shouldRetry?: ((failure: unknown) => boolean) | undefined
}

/**
 * The shape of `signer.fetch`: the global `fetch`'s, taking a path under the endpoint too.
 *
 * @since 3.0.0
 * @category models
 */
export type SignedFetch = (input: string | URL | Request, init?: SignedFetchInit) => Promise<Response>

/**
 * Headers of a request the facade signed: the original package's names
 * (`Authorization`, `x-amz-date`, `x-amz-security-token` with a session
 * token) and the request's own.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedHeaders {
  Authorization: string
  "x-amz-date": string
  [name: string]: string
}

/**
 * A request the facade signed: send exactly this (`fetch(request.url,
 * request)`, or axios with `url`, `method`, `headers`, `data: body`).
 * Its fields are writable, as 2.x's were: the object is yours. What the
 * signature covers (the URL, the signed headers, the body) must go out
 * unchanged; to send through another host, give the signer `sendTo`.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedRequestData extends SignedRequest {
  url: string
  method: HttpMethod
  headers: SignedHeaders
  body?: SignedBody
  redirect: "manual"
}

/**
 * Options of `makeRequestWithRetries`, its optional fourth argument.
 *
 * @since 3.0.0
 * @category models
 */
export interface RequestWithRetriesOptions {
  /** Aborting rejects at once with the signal's reason (an `AbortError`) and makes no further calls. */
  readonly signal?: AbortSignal | undefined
  /**
   * Retry only failures for which this returns true (e.g. `Retry.isTransient`). Default: every failure but
   * one that carries a 4xx status other than 408, 425 and 429 (`Retry.isPermanentFailure`).
   */
  readonly shouldRetry?: ((error: unknown) => boolean) | undefined
  /** First delay between attempts, doubling after each. Default 100. */
  readonly baseDelayMs?: number | undefined
  /** Longest delay between attempts. Default 5000. */
  readonly maxDelayMs?: number | undefined
}

/**
 * The service option: `service`, or 2.x's name for it, `serviceName` (checked under that name). Either left out,
 * `null` or blank counts as not given, as in 2.x; both given and different is refused rather than one silently
 * winning. A `service` given is checked by `resolveSigner`, after the region, as before.
 */
const serviceOption = (config: ApiGatewaySignerConfig): string | undefined => {
  const { service } = config
  if (service === undefined || service === null || (typeof service === "string" && service.trim() === "")) {
    return textOption("serviceName", config.serviceName, "execute-api")
  }
  const serviceName = typeof config.serviceName === "string" ? config.serviceName.trim() : ""
  if (typeof service === "string" && serviceName !== "" && serviceName !== service.trim()) {
    throw invalidConfig(
      `service ${describe(service.trim())} and serviceName ${describe(serviceName)} (2.x's name for it) differ: pass one of them.`
    )
  }
  return service
}

const fixedAtConstruction = (name: string): SigningError =>
  invalidConfig(`signer.${name} cannot be changed once the signer is made: pass it to new ApiGatewaySigner({ ..., ${name} }), or make another signer.`)

// Says nothing of the value assigned: it is a credential.
const credentialsFixed = (name: string): SigningError =>
  invalidConfig(
    `signer.${name} cannot be changed: the credentials are read once, when the signer is made. For credentials that change ` +
      "(a session token renewed), pass credentials: a function that returns them with their expiration " +
      "({ accessKeyId, secretAccessKey, sessionToken, expiration }), which the signer asks again before they expire; " +
      "or make a new ApiGatewaySigner."
  )

const stagePathMoved = (): SigningError =>
  invalidConfig(
    "signer.pathComponent cannot be changed: the stage path is part of the endpoint now " +
      "(new ApiGatewaySigner({ endpoint: \"https://API_ID.execute-api.REGION.amazonaws.com/STAGE\" })); make a new signer for another stage."
  )

/**
 * An option assigned after construction. On a signer made by `new ApiGatewaySigner`, refused: 2.x read its
 * fields on every signature, and here the assignment would be ignored without a word. On a subclass's
 * instance, it is the subclass's own field of that name (TypeScript assigns fields when
 * `useDefineForClassFields` is off), kept as a plain property.
 */
const assignOption = (signer: object, name: string, value: unknown, refusal: (name: string) => SigningError): void => {
  if (Object.getPrototypeOf(signer) === ApiGatewaySigner.prototype) throw refusal(name)
  Object.defineProperty(signer, name, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * A method called on something other than a signer: detached (`requests.map(signer.signRequest)`), or through a
 * Proxy around the signer (a framework's reactive state), neither of which can reach the signer's private state.
 */
/** What printing a signer through a Proxy shows of each field. */
const PROXIED = "(not readable through a Proxy around the signer: keep it raw, e.g. with Vue's markRaw)"

const fieldNotOnASigner = (field: string): SigningError =>
  invalidConfig(
    `signer.${field} was used through something other than an ApiGatewaySigner (a Proxy around the signer: a framework's ` +
      "reactive state), which cannot reach the signer's private state: keep the signer raw (Vue's markRaw), or use the signer itself."
  )

const notOnASigner = (method: string): SigningError =>
  invalidConfig(
    `${method} was called on something other than an ApiGatewaySigner (a detached method, or a Proxy around the signer): ` +
      `call it on the signer itself, signer.${method}(...), or bind it, signer.${method}.bind(signer).`
  )

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
 * Code written for 2.x in an ES module, where the default import was 2.x's
 * CommonJS exports object, keeps compiling and working:
 * `new ApiGatewaySigner.default(config)`, `ApiGatewaySigner.HttpMethods.GET`,
 * and the types `ApiGatewaySigner.default`, `ApiGatewaySigner.RequestToSign`,
 * `ApiGatewaySigner.SignedRequestData`, `ApiGatewaySigner.RequestSignerConfig`
 * and `ApiGatewaySigner.HttpMethods`. These names are deprecated: use the
 * class itself and the package's named exports (docs/migration.md).
 *
 * @since 3.0.0
 * @category constructors
 */
export class ApiGatewaySigner {
  /**
   * The class itself, for code written for 2.x in an ES module: 2.x was
   * CommonJS, so there its default import was the exports object, and
   * `new ApiGatewaySigner.default(config)` the way to construct.
   *
   * @deprecated The default import is the class: `new ApiGatewaySigner(config)`.
   */
  static get default(): typeof ApiGatewaySigner {
    return ApiGatewaySigner
  }

  /**
   * `HttpMethods`, for code written for 2.x in an ES module
   * (`ApiGatewaySigner.HttpMethods.GET`, as on its exports object).
   *
   * @deprecated Import it by name: `import { HttpMethods } from "api-gateway-request-signer"`.
   */
  static get HttpMethods(): typeof HttpMethods {
    return HttpMethods
  }

  /** What signing needs: endpoint, region, service and the header options. */
  readonly #settings: FacadeSettings
  readonly #credentials: CredentialsSource
  /** What signer.fetch sends with: its fetch, retries and shouldRetry. */
  readonly #fetchSettings: FetchSettings
  /** Added to the local clock for every signature: see `clockOffset`. */
  #clockOffset = 0

  /**
   * True while `makeRequestWithRetries` signs an attempt through an overridden `signRequest`: credentials that look
   * expired by this clock are signed with then, as for any request this signer sends.
   */
  #sendingNow = false

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
      const options = {
        endpoint: config.endpoint,
        region: config.region,
        service: serviceOption(config),
        signSessionToken: config.signSessionToken,
        sendTo: config.sendTo
      }
      // Read only when neither the options nor the host give the region: Deno asks for each variable read.
      const environmentRegion = needsEnvironmentRegion(options)
        ? environmentSetting("AWS_REGION") ?? environmentSetting("AWS_DEFAULT_REGION")
        : undefined
      this.#settings = facadeSettings(config, resolveSigner(options, environmentRegion))
      this.#credentials = credentialsSourceOf(config, this.#now)
      this.#fetchSettings = fetchSettings(config)
    } catch (error) {
      // The credentials are not validated yet, but their text is known: a secret passed where the
      // endpoint or region goes (arguments mixed up) must not come back in the message.
      throw cleanSigningError(error, configSecrets(config), "InvalidConfig")
    }
  }

  /**
   * Signs a request. Send the result exactly as returned:
   * `fetch(request.url, request)`; with axios, pass `transformRequest: []`
   * (its default re-serializes a JSON-typed string) and the body as a string
   * or `ArrayBuffer` (examples/axios.ts), or use `api-gateway-request-signer/axios`.
   *
   * @throws SigningError when the request cannot be signed as given.
   */
  signRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(request: RequestToSign<Q, H>): SignedRequestData {
    if (!ApiGatewaySigner.#isSigner(this)) throw notOnASigner("signRequest")
    try {
      const prepared = prepareRequest(this.#settings, request)
      const now = this.#now()
      return signPrepared(prepared, this.#currentCredentials(now), now, this.#settings) as SignedRequestData
    } catch (error) {
      throw cleanSigningError(error, this.#credentials.secrets())
    }
  }

  /**
   * Signs a request after resolving the credentials: with a credentials
   * provider, the first signature (and the first after they near expiry)
   * asks it; otherwise the same as `signRequest`. Rejects with a
   * `SigningError`, never throws.
   */
  signRequestAsync<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(request: RequestToSign<Q, H>): Promise<SignedRequestData>
  /**
   * Signs a web-standard `Request` (its URL under the endpoint), as
   * Powertools' signer does: resolves with a signed `Request`, and leaves the
   * one given unconsumed (its body is read from a clone).
   */
  signRequestAsync(request: Request): Promise<Request>
  /** Either of the above, for a caller holding a `RequestToSign | Request`: resolves with what the request given is signed into. */
  signRequestAsync<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
    request: RequestToSign<Q, H> | Request
  ): Promise<SignedRequestData | Request>
  async signRequestAsync(request: RequestToSign | Request): Promise<SignedRequestData | Request> {
    if (!ApiGatewaySigner.#isSigner(this)) throw notOnASigner("signRequestAsync")
    return this.#signAsync(request, false)
  }

  /**
   * How the axios and got integrations sign a request they send (`signForSending`): the request they read
   * (its URL absolute), signed as it is, so that its body's bytes go out without a copy; with the web
   * Request `asRequest` makes when `signRequestAsync` is overridden, so that the override is honoured. Unlike
   * `signRequestAsync`, a provider's credentials that look expired go out, for the refusal for skew that
   * corrects a clock ahead of AWS's.
   *
   * @internal
   */
  async [SIGN_FOR_SENDING](request: RequestForSending, asRequest: () => Request, signal?: AbortSignal): Promise<SignedRequest | Request> {
    if (!ApiGatewaySigner.#isSigner(this)) throw notOnASigner("signRequestAsync")
    if (this.signRequestAsync !== ownSignRequestAsync) return this.signRequestAsync(asRequest())
    try {
      const { method, url, headers, body } = request
      return await this.#signResolved({ method, path: relativeTarget(this.#settings, url), headers, body }, true, signal)
    } catch (error) {
      throw cleanSigningError(error, this.#credentials.secrets())
    }
  }

  async #signAsync(request: RequestToSign | Request, sending: boolean): Promise<SignedRequestData | Request> {
    try {
      // A web Request is read (from a clone) into a request to sign, and signed back into one.
      const web = isWebRequest(request)
        ? await fromFetchArguments(this.#settings, request, undefined)
        : undefined
      const signed = await this.#signResolved(web?.request ?? (request as RequestToSign), sending)
      return web === undefined ? signed as SignedRequestData : toWebRequest(signed, web.sendWith)
    } catch (error) {
      throw cleanSigningError(error, this.#credentials.secrets())
    }
  }

  /** Signs `request` with the credentials resolved (expired ones going out when `sending`, as above). */
  async #signResolved(request: RequestToSign, sending: boolean, signal?: AbortSignal): Promise<SignedRequest> {
    const prepared = prepareRequest(this.#settings, request)
    const credentials = await this.#credentials.resolve(this.#now(), sending, signal)
    return signPrepared(prepared, credentials, this.#now(), this.#settings)
  }

  // A field, not a method: bound, and replaceable as any own property is (a test's mock, a spy, a stub).
  /**
   * `fetch`, signed: the same arguments as the global `fetch` and the
   * runtime's `Response`. `input` is a path under the endpoint (`"/pets"`),
   * an absolute URL under it, or a `Request`; any other URL is refused, so
   * the credentials never go elsewhere. It resolves the credentials, signs
   * what will be sent (a `Blob`, `FormData` or `ReadableStream` body is read
   * into memory first: its hash is part of the signature), sends with the
   * runtime's fetch (or the `fetch` of the config), and corrects clock skew
   * once. It retries only when asked (`retries`, `shouldRetry`, in `init` or
   * the config), asking `shouldRetry` once per failed response and releasing
   * the body of each response it retries past; after the last attempt it
   * resolves with the last response, or rejects with a `RequestError` when
   * there was none. The other fields of `init` go to fetch as given (`signal`,
   * `mode`, undici's `dispatcher`, ...), but `redirect`: it never follows one.
   *
   * It is bound: hand it to any library that takes a fetch (ky's `fetch`
   * option, openapi-fetch, GraphQL clients).
   */
  readonly fetch: SignedFetch = (input, init) => this.#fetch(input, init)

  /** The endpoint requests are relative to (origin and stage path). Fixed when the signer is made. */
  get endpoint(): string {
    return ApiGatewaySigner.#settingsOf(this, "endpoint").endpoint.href
  }

  /** The region signed for. Fixed when the signer is made. */
  get region(): string {
    return ApiGatewaySigner.#settingsOf(this, "region").region
  }

  /** The service signed for (`execute-api`). Fixed when the signer is made. */
  get service(): string {
    return ApiGatewaySigner.#settingsOf(this, "service").service
  }

  /**
   * 2.x's stage path. The stage is part of `endpoint` now, so this is `""`:
   * 2.x code that joins `signer.endpoint + signer.pathComponent` still gets
   * the stage's URL.
   *
   * @deprecated The stage path is part of `endpoint`.
   */
  get pathComponent(): string {
    return ""
  }

  /**
   * 2.x's name for `service`.
   *
   * @deprecated Read `service`.
   */
  get serviceName(): string {
    return ApiGatewaySigner.#settingsOf(this, "serviceName").service
  }

  /**
   * The Accept header added to requests that have none (2.x's field), or
   * `undefined` when the signer was made with `defaultAcceptType: false`.
   *
   * @deprecated Fixed when the signer is made; kept for 2.x code that reads it.
   */
  get defaultAcceptType(): string | undefined {
    return ApiGatewaySigner.#settingsOf(this, "defaultAcceptType").defaultHeaders?.[0]?.[1]
  }

  /**
   * The Content-Type an object body is sent with when the request has none
   * (2.x's field): the one given to the signer, else `application/json`.
   *
   * @deprecated Fixed when the signer is made; kept for 2.x code that reads it.
   */
  get defaultContentType(): string {
    return ApiGatewaySigner.#settingsOf(this, "defaultContentType").defaultContentType ?? "application/json"
  }

  /** What printing and serializing show of the signer: its endpoint, region and service, never its credentials. */
  toJSON(): { readonly endpoint: string; readonly region: string; readonly service: string } {
    // Through a Proxy (a framework's reactive state), where nothing of the signer can be read: a note saying so, as
    // printing or serializing a store that holds the signer must not throw.
    if (!ApiGatewaySigner.#isSigner(this)) return { endpoint: PROXIED, region: PROXIED, service: PROXIED }
    return { endpoint: this.endpoint, region: this.region, service: this.service }
  }

  /** Node's `util.inspect` (and so `console.log`) shows the same as `toJSON`. */
  [Symbol.for("nodejs.util.inspect.custom")](): object {
    return this.toJSON()
  }

  // 2.x read its fields on every signature, so assigning one changed the next request. Here the
  // settings are checked once, in the constructor: an assignment is refused, never silently ignored.
  set endpoint(_: never) {
    throw fixedAtConstruction("endpoint")
  }

  set region(_: never) {
    throw fixedAtConstruction("region")
  }

  set service(_: never) {
    throw fixedAtConstruction("service")
  }

  /**
   * Milliseconds added to this machine's clock when signing. API Gateway
   * refuses a signature more than 5 minutes from its own clock; after such a
   * refusal `makeRequestWithRetries` sets this from the server's time, so
   * that later signatures of this signer are on time. Set it yourself from a
   * trusted time source if you have one.
   */
  get clockOffset(): number {
    if (!ApiGatewaySigner.#isSigner(this)) throw fieldNotOnASigner("clockOffset")
    return this.#clockOffset
  }

  set clockOffset(millis: number) {
    if (!ApiGatewaySigner.#isSigner(this)) throw fieldNotOnASigner("clockOffset")
    if (!isClockOffset(millis)) {
      // A string is named by its kind only: whatever was assigned by mistake (a secret?) is not repeated.
      throw invalidConfig(
        `clockOffset must be a finite number of milliseconds, at most 100 years either way; got ${typeof millis === "string" ? "a string" : describe(millis)}.`
      )
    }
    this.#clockOffset = millis
  }

  async #fetch(input: string | URL | Request, init: SignedFetchInit | undefined): Promise<Response> {
    let prepared: PreparedRequest
    let sendWith: RequestInit
    try {
      const parts = await fromFetchArguments(this.#settings, input, init, { abortWhileReading: true })
      prepared = prepareRequest(this.#settings, parts.request)
      checkFetchable(prepared)
      sendWith = parts.sendWith
    } catch (error) {
      // (What was thrown may be anything, a revoked Proxy included: looking at it must not throw.)
      if (safely(() => error instanceof AbortedWhileReading, false)) throw (error as AbortedWhileReading).reason
      throw cleanSigningError(error, this.#credentials.secrets())
    }
    const send = this.#fetchSettings.fetch ?? globalThis.fetch
    let retrySettings: ReturnType<typeof checkFetchRetry>
    try {
      retrySettings = checkFetchRetry(init?.retries ?? this.#fetchSettings.retries, init?.shouldRetry ?? this.#fetchSettings.shouldRetry)
    } catch (error) {
      // Its message quotes the bad value: a secret of this signer's, passed there by mistake, is taken out.
      throw cleanSigningError(error, this.#credentials.secrets(), "InvalidConfig")
    }
    const { retries, shouldRetry } = retrySettings
    const retry = shouldRetry ?? isTransient
    const failedResponses = new WeakSet<object>()
    try {
      return await retryLoop(
        () => this.#signAttempt((credentials, signedAt) => signPrepared(prepared, credentials, signedAt, this.#settings), sendWith.signal ?? undefined),
        async (signed) => {
          const response = await send(signed.url, { ...sendWith, method: signed.method, headers: signed.headers, body: signed.body ?? null, redirect: "manual" })
          // Every failed response goes to the loop, which asks shouldRetry once (and corrects the clock after a
          // refusal for skew); the last comes back as the RequestError's cause, resolved below.
          if (!response.ok) {
            failedResponses.add(response)
            throw response
          }
          return response
        },
        {
          retries: retries ?? (shouldRetry === undefined ? 0 : DEFAULT_RETRIES),
          backoff: DEFAULT_BACKOFF,
          shouldRetry: retry,
          signal: sendWith.signal ?? undefined,
          correctClock: (failure, signedOn) => this.#correctClock(failure, signedOn),
          discard: releaseBody
        }
      )
    } catch (error) {
      // The last attempt's response, as fetch would have resolved with it: known by identity, since the
      // config's fetch may hand out another class of Response (npm undici's, node-fetch's, a mock's).
      if (error instanceof RequestError && failedResponses.has(error.cause as object)) return error.cause as Response
      throw error
    }
  }

  /**
   * Signs one attempt of `fetch` or `makeRequestWithRetries`. The credentials
   * are resolved before each attempt, so a retry never signs with credentials
   * that have since expired; the attempt keeps the clock it was signed on, for
   * a refusal for clock skew.
   */
  async #signAttempt(
    sign: (credentials: SigningCredentials, signedAt: number) => SignedRequest | PromiseLike<SignedRequest>,
    // The attempt's: a signature that stops waiting for credentials (it aborted) no longer holds the process open.
    signal: AbortSignal | undefined
  ): Promise<SignedAttempt> {
    try {
      // Sent by this signer, so a provider's answer that looks expired by this clock is sent all the same: when the
      // clock is ahead of AWS's by more than the credentials have left, the refusal for skew is what corrects it.
      const credentials = await this.#credentials.resolve(this.#now(), true, signal)
      const clock = this.#attemptClock()
      return { request: await sign(credentials, clock.signedAt), secrets: secretsOf(credentials), clock }
    } catch (error) {
      throw cleanSigningError(error, this.#credentials.secrets())
    }
  }

  /**
   * How `makeRequestWithRetries` signs each attempt. As 2.x did, through
   * `this.signRequest` when a subclass overrides it or a test stubs it (to add
   * a header to every request, to count calls): skipping the override would
   * send requests without what it adds. Otherwise `params` is prepared once,
   * and checked before any call, and each attempt is signed afresh.
   */
  #attemptsOf(params: RequestToSign, signal: AbortSignal | undefined): () => Promise<SignedAttempt> {
    if (this.signRequest !== ownSignRequest) {
      // The credentials are resolved first, so that the synchronous signRequest finds them current; and it runs
      // as sending, so that it signs with them even when they look expired by this clock (as the other path does).
      return () => this.#signAttempt(() => this.#asSending(() => this.signRequest(params)), signal)
    }
    const prepared = prepareRequest(this.#settings, params)
    return () => this.#signAttempt((credentials, signedAt) => signPrepared(prepared, credentials, signedAt, this.#settings), signal)
  }

  /** Sets the clock from a refusal for skew of an attempt signed on `signedOn`; says whether it was one. */
  #correctClock(failure: unknown, signedOn: AttemptClock): boolean {
    const offset = offsetAfterRefusal(failure, signedOn, Date.now(), this.#clockOffset)
    if (offset === undefined) return false
    this.#clockOffset = offset
    return true
  }

  static #isSigner(value: unknown): value is ApiGatewaySigner {
    return typeof value === "object" && value !== null && #settings in value
  }

  /** The settings of `value`, a signer, for its field `field`; read through a Proxy, a SigningError saying so (not a TypeError). */
  static #settingsOf(value: unknown, field: string): FacadeSettings {
    if (!ApiGatewaySigner.#isSigner(value)) throw fieldNotOnASigner(field)
    return value.#settings
  }

  /**
   * The signer's clock: local time plus the offset. A field, so that it can be handed over (the credentials
   * source reads it when a provider answers) and exists before the constructor runs.
   */
  readonly #now = (): number => Date.now() + this.#clockOffset

  /** The signer's clock now, for an attempt about to be signed. */
  #attemptClock(): AttemptClock {
    return attemptClock(Date.now(), this.#clockOffset)
  }

  /** Runs a synchronous signature of a request this signer sends (`#sendingNow` set while it runs). */
  #asSending<A>(sign: () => A): A {
    this.#sendingNow = true
    try {
      return sign()
    } finally {
      this.#sendingNow = false
    }
  }

  #currentCredentials(now: number): SigningCredentials {
    const credentials = this.#credentials.current(now, this.#sendingNow)
    if (credentials === undefined) throw this.#credentials.unavailable(now)
    return credentials
  }

  /**
   * Presigns a request: the URL carries the signature until it expires
   * (`expiresIn` seconds, at most 7 days; default 900, 15 minutes). A
   * request without a body or headers of its own needs nothing but the URL;
   * the signed headers of one with them (its headers, a body's content type)
   * are in `headers`, and go with it.
   *
   * @throws SigningError when the request cannot be signed as given.
   */
  presignRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(request: RequestToSign<Q, H>, options: PresignOptions = {}): PresignedRequest {
    if (!ApiGatewaySigner.#isSigner(this)) throw notOnASigner("presignRequest")
    try {
      // A presigned URL is often followed by a browser or a link: it carries no default Accept to send along.
      const prepared = prepareRequest({ ...this.#settings, defaultHeaders: undefined, presigning: true }, request)
      const now = this.#now()
      return presignPrepared(prepared, this.#currentCredentials(now), now, this.#settings, expiresInOf(options))
    } catch (error) {
      throw cleanSigningError(error, this.#credentials.secrets())
    }
  }

  /**
   * Signs the request and calls `callback` with it; when the callback throws
   * or rejects, waits (exponential backoff with jitter, or longer when the
   * failure carries a `Retry-After`) and calls it again with a freshly signed
   * request, up to `retries` more times. Resolves with the callback's value.
   * When a subclass overrides `signRequest` (or a test stubs it), each
   * attempt is signed through it, as in 2.x.
   *
   * A 403 for clock skew (a signature dated more than 5 minutes from API
   * Gateway's clock, which says its time in the message and the `Date`
   * header) sets `clockOffset` right, and the request is signed and sent
   * again at once, outside the retry budget.
   *
   * A failure that carries an HTTP status that cannot succeed unchanged (a
   * 4xx but 408, 425 and 429: a fetch `Response`, or an error with `status`,
   * `statusCode` or `response.status`) is not retried; pass `shouldRetry` to
   * decide yourself (e.g. `Retry.isTransient`, for network errors and 5xx only).
   *
   * After `retries + 1` failed calls it rejects with a `RequestError` whose
   * `cause` is the last error. (The original package resolved `undefined`
   * then; that was a bug.) A request that cannot be signed, or bad options,
   * reject with a `SigningError` before any call; a `SigningError` the
   * callback fails with (its own signing failed) rejects as is, at once,
   * whatever `shouldRetry` would say. Rejections are
   * `RequestError`s (`RequestError<unknown>`), `SigningError`s, or the abort
   * reason.
   */
  makeRequestWithRetries<T, Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
    params: RequestToSign<Q, H>,
    callback: (request: SignedRequestData) => T | PromiseLike<T>,
    retries: number = DEFAULT_RETRIES,
    options: RequestWithRetriesOptions = {}
  ): Promise<Awaited<T>> {
    // A Promise method never throws: whatever goes wrong, hostile options included, is a rejection.
    if (!ApiGatewaySigner.#isSigner(this)) return Promise.reject(notOnASigner("makeRequestWithRetries"))
    // Its messages quote bad values: one may be a secret of this signer's, passed there by mistake.
    const refuse = (error: unknown) => Promise.reject(cleanSigningError(error, this.#credentials.secrets(), "InvalidConfig"))
    try {
      if (typeof callback !== "function") {
        return refuse(invalidConfig(`makeRequestWithRetries(params, callback) needs a callback that sends the signed request; got ${describe(callback)}.`))
      }
      const checked = checkFacadeRetryOptions(retries, options)
      if (checked instanceof SigningError) return refuse(checked)
      const { signal } = checked
      if (signal?.aborted) return Promise.reject(abortReason(signal))
      return retryLoop(
        this.#attemptsOf(params, signal),
        // The callback gets the request alone, as in 2.x.
        (request) => callback(request as SignedRequestData),
        {
          retries,
          backoff: {
            ...DEFAULT_BACKOFF,
            ...(checked.baseDelayMs === undefined ? {} : { baseMillis: checked.baseDelayMs }),
            ...(checked.maxDelayMs === undefined ? {} : { maxMillis: checked.maxDelayMs })
          },
          shouldRetry: checked.shouldRetry ?? ((failure) => !isPermanentFailure(failure)),
          signal,
          correctClock: (failure, signedOn) => this.#correctClock(failure, signedOn),
          // A Response the callback threw (docs/retries.md's pattern) and that was retried: nobody reads it now.
          discard: releaseBody
        }
      )
    } catch (error) {
      return Promise.reject(cleanSigningError(error, this.#credentials.secrets()))
    }
  }
}

// The other options, and 2.x's other writable fields, refused too (JavaScript code that assigned one got
// no error, and the signer went on with what it was made with). Setters on the prototype, defined from
// their names; not declared: TypeScript already refuses them. Defined here, not in a static block:
// Metro's Babel preset (React Native) cannot parse static blocks.
const refuseAssignments = (names: string, refusal: (name: string) => SigningError): void => {
  for (const name of names.split(" ")) {
    // The class's getter of 2.x's fields that code reads (pathComponent, serviceName, ...), kept beside the setter.
    const get = Object.getOwnPropertyDescriptor(ApiGatewaySigner.prototype, name)?.get
    Object.defineProperty(ApiGatewaySigner.prototype, name, {
      ...(get === undefined ? {} : { get }),
      set(this: ApiGatewaySigner, value: unknown) {
        assignOption(this, name, value, refusal)
      },
      configurable: true
    })
  }
}
refuseAssignments("accessKey secretKey sessionToken credentials", credentialsFixed)
refuseAssignments("signSessionToken retries shouldRetry sendTo serviceName defaultAcceptType defaultContentType", fixedAtConstruction)
refuseAssignments("pathComponent", stagePathMoved)

// signRequest as this class defines it, kept apart from the prototype: a test's stub of the prototype's (sinon,
// vi.spyOn(ApiGatewaySigner.prototype, ...)) is an override too.
const ownSignRequest = ApiGatewaySigner.prototype.signRequest
const ownSignRequestAsync = ApiGatewaySigner.prototype.signRequestAsync

/**
 * The 2.x names, as 2.x code in an ES module reached them through its
 * default import (2.x was CommonJS, so that import was its exports object):
 * `ApiGatewaySigner.default`, `ApiGatewaySigner.SignedRequestData`, ... in
 * type positions. Types only; the values `ApiGatewaySigner.default` and
 * `ApiGatewaySigner.HttpMethods` are the class's static members.
 *
 * Hidden from the API reference (with the static `default` and
 * `HttpMethods`, which share its names): the class's description names them.
 *
 * @deprecated Import the names from the package: `import ApiGatewaySigner, { type SignedRequestData } from "api-gateway-request-signer"`.
 * @since 3.0.0
 * @hidden
 */
export declare namespace ApiGatewaySigner {
  /** @deprecated The class is the default import itself: `ApiGatewaySigner`. */
  export type { ApiGatewaySignerClass as default }
  /** @deprecated Import it by name: `import type { RequestSignerConfig } from "api-gateway-request-signer"`. */
  export type RequestSignerConfig = ApiGatewaySignerConfig
  /** @deprecated Import it by name: `import type { RequestToSign } from "api-gateway-request-signer"`. */
  export type RequestToSign = import("./SignedRequest.js").RequestToSign
  /** @deprecated Import it by name: `import type { SignedRequestData } from "api-gateway-request-signer"`. */
  export type SignedRequestData = import("./ApiGatewaySigner.js").SignedRequestData
  /** @deprecated Import it by name: `import { HttpMethods } from "api-gateway-request-signer"`. */
  export type HttpMethods = HttpMethodsType
  /** @deprecated Import it by name: `import { HttpMethods } from "api-gateway-request-signer"`. */
  export namespace HttpMethods {
    export type GET = HttpMethodsType.GET
    export type POST = HttpMethodsType.POST
    export type PUT = HttpMethodsType.PUT
    export type PATCH = HttpMethodsType.PATCH
    export type DELETE = HttpMethodsType.DELETE
    export type HEAD = HttpMethodsType.HEAD
    export type OPTIONS = HttpMethodsType.OPTIONS
  }
}
type ApiGatewaySignerClass = ApiGatewaySigner

/**
 * The default export, as the package root has it:
 * `import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"`.
 *
 * @since 3.0.0
 */
export default ApiGatewaySigner
