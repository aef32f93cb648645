/**
 * Signing as Effects: `signRequest` reads the time from Effect's `Clock` (so
 * `TestClock` drives it) and the credentials from the `Credentials` service;
 * it does no other I/O. Failures are `SigningError`s in the error channel.
 *
 * @since 2.0.0
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { type AwsCredentials, Credentials, staticCredentials } from "./Credentials.js"
import type { Endpoint } from "./internal/endpoint.js"
import { presignPrepared } from "./internal/presign.js"
import { type PreparedRequest, prepareRequest } from "./internal/prepareRequest.js"
import { needsEnvironmentRegion, type ResolvedSigner, resolveSigner, type SignerOptions } from "./internal/settings.js"
import { signPrepared, signPreparedWithDetails, type SignedWithDetails } from "./internal/signPrepared.js"
import type { HttpMethod } from "./HttpMethods.js"
import type { RequestToSign, SignedRequest } from "./SignedRequest.js"
import { SigningError } from "./SigningError.js"

export type {
  /**
   * @since 2.0.0
   * @category models
   */
  Endpoint,
  /**
   * @since 2.0.0
   * @category models
   */
  SignerOptions
}

/**
 * A signer's resolved configuration: the endpoint, region and service it signs for.
 *
 * @since 2.0.0
 * @category models
 */
export interface Service extends ResolvedSigner {}

/**
 * @since 2.0.0
 * @category tags
 */
export class Signer extends Context.Tag("api-gateway-request-signer/Signer")<Signer, Service>() {}

/** @internal */
export const asSigningError = (error: unknown): SigningError =>
  error instanceof SigningError ? error : new SigningError({
    reason: "InvalidRequest",
    message: `The request could not be signed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error
  })

/**
 * Resolves signer options. The region is the one given, else the one in a
 * `*.execute-api.REGION.amazonaws.com` endpoint, else AWS_REGION (or
 * AWS_DEFAULT_REGION) read through `Config`, else a `MissingRegion` error.
 *
 * @since 2.0.0
 * @category constructors
 */
export const make = (options: SignerOptions): Effect.Effect<Service, SigningError> =>
  Effect.flatMap(
    needsEnvironmentRegion(options)
      ? Config.option(Config.string("AWS_REGION").pipe(Config.orElse(() => Config.string("AWS_DEFAULT_REGION")))).pipe(
        Effect.map(Option.getOrUndefined),
        Effect.orElseSucceed(() => undefined)
      )
      : Effect.succeed(undefined),
    (environmentRegion) => Effect.try({ try: () => resolveSigner(options, environmentRegion), catch: asSigningError })
  )

/**
 * A signer for one endpoint.
 *
 * @example
 * ```ts
 * import { Signer } from "api-gateway-request-signer"
 *
 * const SignerLive = Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
 * ```
 *
 * @since 2.0.0
 * @category layers
 */
export const layer = (options: SignerOptions): Layer.Layer<Signer, SigningError> => Layer.effect(Signer, make(options))

/**
 * A signer whose options come from `Config`.
 *
 * @example
 * ```ts
 * import { Signer } from "api-gateway-request-signer"
 * import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
 *
 * const SignerLive = Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT") })
 * ```
 *
 * @since 2.0.0
 * @category layers
 */
export const layerConfig = (options: Config.Config.Wrap<SignerOptions>): Layer.Layer<Signer, SigningError> =>
  Layer.effect(
    Signer,
    Config.unwrap(options).pipe(
      Effect.mapError((error) =>
        new SigningError({
          reason: "InvalidConfig",
          message: `The signer configuration could not be read (${String(error).split("\n")[0]}).`,
          cause: error
        })
      ),
      Effect.flatMap(make)
    )
  )

/** @internal Validates and encodes a request once; reusable across attempts. */
export const prepare = (signer: Service, request: RequestToSign): Effect.Effect<PreparedRequest, SigningError> =>
  Effect.try({ try: () => prepareRequest(signer, request), catch: asSigningError })

/** @internal Signs a prepared request with the credentials and time current now. */
export const signPreparedNow = (
  signer: Service,
  prepared: PreparedRequest
): Effect.Effect<SignedWithDetails, SigningError, Credentials> =>
  Effect.flatMap(Credentials, (credentials) =>
    Effect.flatMap(credentials.get, (current) =>
      Effect.clockWith((clock) =>
        Effect.try({
          try: () => signPreparedWithDetails(prepared, current, clock.unsafeCurrentTimeMillis(), signer),
          catch: asSigningError
        })
      )))

const signNow = (
  signer: Service,
  prepared: PreparedRequest,
  credentials: AwsCredentials,
  clock: Clock.Clock
): Exit.Exit<SignedRequest, SigningError> => {
  try {
    return Exit.succeed(signPrepared(prepared, credentials, clock.unsafeCurrentTimeMillis(), signer))
  } catch (error) {
    return Exit.fail(asSigningError(error))
  }
}

/**
 * signRequest as one step of the fiber (each Effect step costs about a fifth
 * of a signature): the context, the Clock and static credentials are read
 * from the fiber directly; only dynamic credentials take a step of their own.
 */
const signWith = (
  signer: Service | undefined,
  request: RequestToSign
): Effect.Effect<SignedRequest, SigningError, Signer | Credentials> =>
  Effect.withFiberRuntime((fiber) => {
    const context = fiber.currentContext as Context.Context<Signer | Credentials>
    const resolved = signer ?? Context.get(context, Signer)
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    let prepared: PreparedRequest
    try {
      prepared = prepareRequest(resolved, request)
    } catch (error) {
      return Exit.fail(asSigningError(error))
    }
    const credentials = Context.get(context, Credentials)
    const fixed = staticCredentials(credentials)
    return fixed === undefined
      ? Effect.flatMap(credentials.get, (current) => signNow(resolved, prepared, current, clock))
      : signNow(resolved, prepared, fixed, clock)
  })

const signerFor = (options: SignerOptions | undefined): Effect.Effect<Service, SigningError, Signer> =>
  options === undefined ? Signer : make(options)

/**
 * Signs a request for the endpoint of the `Signer` in context (or of the
 * options given). The signed request's `url`, `headers` and `body` are exactly
 * what to send.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
 *
 * const program = Signer.signRequest({ method: "GET", path: "/pets", queryParams: { type: "dog" } }).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.fromEnv)
 * )
 * ```
 *
 * @since 2.0.0
 * @category signing
 */
export const signRequest: {
  (request: RequestToSign): Effect.Effect<SignedRequest, SigningError, Signer | Credentials>
  (request: RequestToSign, options: SignerOptions): Effect.Effect<SignedRequest, SigningError, Credentials>
} = (request: RequestToSign, options?: SignerOptions): Effect.Effect<SignedRequest, SigningError, any> =>
  options === undefined ? signWith(undefined, request) : Effect.flatMap(make(options), (signer) => signWith(signer, request))

/**
 * A signed request together with what its signature was computed from, for
 * diagnosis: compare `canonicalRequest` with the one a server reports.
 *
 * @since 2.0.0
 * @category models
 */
export interface SignedRequestWithDetails {
  readonly request: SignedRequest
  readonly canonicalRequest: string
  readonly stringToSign: string
  readonly credentialScope: string
  readonly signedHeaders: string
  readonly signature: string
}

/**
 * Like `signRequest`, and returns the canonical request and string to sign too.
 *
 * @since 2.0.0
 * @category signing
 */
export const signRequestWithDetails: {
  (request: RequestToSign): Effect.Effect<SignedRequestWithDetails, SigningError, Signer | Credentials>
  (request: RequestToSign, options: SignerOptions): Effect.Effect<SignedRequestWithDetails, SigningError, Credentials>
} = (request: RequestToSign, options?: SignerOptions): Effect.Effect<SignedRequestWithDetails, SigningError, any> =>
  Effect.flatMap(signerFor(options), (signer) =>
    Effect.flatMap(prepare(signer, request), (prepared) =>
      Effect.map(signPreparedNow(signer, prepared), (signed) => ({
        request: signed.request,
        canonicalRequest: signed.canonicalRequest,
        stringToSign: signed.stringToSign,
        credentialScope: signed.credentialScope,
        signedHeaders: signed.signedHeaders,
        signature: signed.signature
      }))))

/**
 * A presigned request: the signature travels in the URL's query, so the URL
 * alone authorizes the request until `expiresAt`. Send `headers` with it
 * (they are signed too; usually none).
 *
 * @since 2.0.0
 * @category models
 */
export interface PresignedRequest {
  readonly url: string
  readonly method: HttpMethod
  readonly headers: Record<string, string>
  readonly body?: SignedRequest["body"]
  readonly expiresAt: Date
}

/** @internal */
export { presignPrepared } from "./internal/presign.js"

/**
 * Presigns a request: the returned URL carries the signature in its query
 * (`X-Amz-Signature`) and works without headers until it expires. Share it
 * with a client that has no AWS credentials, for a limited time.
 *
 * @since 2.0.0
 * @category signing
 */
export const presignRequest: {
  (request: RequestToSign, presign: { readonly expiresIn: number }): Effect.Effect<PresignedRequest, SigningError, Signer | Credentials>
  (request: RequestToSign, presign: { readonly expiresIn: number }, options: SignerOptions): Effect.Effect<PresignedRequest, SigningError, Credentials>
} = (request: RequestToSign, presign: { readonly expiresIn: number }, options?: SignerOptions): Effect.Effect<PresignedRequest, SigningError, any> =>
  Effect.flatMap(signerFor(options), (signer) =>
    Effect.flatMap(prepare(signer, request), (prepared) =>
      Effect.flatMap(Credentials, (credentials) =>
        Effect.flatMap(credentials.get, (current) =>
          Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) =>
            Effect.try({ try: () => presignPrepared(signer, prepared, current, now, presign.expiresIn), catch: asSigningError }))))))
