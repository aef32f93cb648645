/**
 * Signing as Effects: `signRequest` reads the time from Effect's `Clock` (so
 * `TestClock` drives it) and the credentials from the `Credentials` service;
 * it does no other I/O (but for reading a web `Request`'s body, from a
 * clone). Failures are `SigningError`s in the error channel.
 *
 * @since 3.0.0
 * @module
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import { Credentials } from "./Credentials.js"
import { toSigningCredentials } from "./internal/effect/credentials.js"
import { configFields, describeConfigError, orUndefined, thrownConfigRead } from "./internal/effect/config.js"
import { credentialsAt, signingClockOffset, staticCredentials } from "./internal/effect/credentialsService.js"
import {
  asSigningError,
  checked,
  failShowingNoSecret,
  prepare,
  presignPreparedNow,
  signAt,
  signingTime,
  signPreparedNow
} from "./internal/effect/signing.js"
import { isClockOffset } from "./internal/clockSkew.js"
import { safely } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { type PreparedRequest, prepareRequest } from "./internal/request/prepare.js"
import { needsEnvironmentRegion, resolveSigner } from "./internal/settings.js"
import { type PresignedWithDetails, signPrepared } from "./internal/signPrepared.js"
import { fromFetchArguments, isWebRequest, toWebRequest } from "./internal/webRequest.js"
import { expiresInOf } from "./internal/sigv4/presign.js"
import { methodAttributes, SPAN_SIGN, traced, withWirePath } from "./internal/effect/tracing.js"
import type { HeadersRecord, PresignedRequest, PresignOptions, QueryRecord, RequestToSign, SignedRequest } from "./SignedRequest.js"
import { SigningError } from "./SigningError.js"

export type {
  /**
   * @since 3.0.0
   * @category models
   */
  PresignedRequest,
  /**
   * @since 3.0.0
   * @category models
   */
  PresignOptions
}

/**
 * The endpoint a signer is bound to (or the base URL it sends to), parsed once.
 *
 * @since 3.0.0
 * @category models
 */
export interface Endpoint {
  /** `https://host[:port]` (or `wss://...`) as clients write it (IDN hosts in punycode, default port dropped). */
  readonly origin: string
  /** The Host header clients send for it. */
  readonly host: string
  readonly hostname: string
  /** The stage (or base) path, percent-encoded, without trailing slash: `""` or `/prod`. */
  readonly basePath: string
  /** How many segments `basePath` has (0 for `""`, 1 for `/prod`). */
  readonly baseSegments: number
  /** origin + basePath */
  readonly href: string
}

/**
 * What a signer is configured with.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignerOptions {
  /**
   * The invoke URL, stage included: `https://API_ID.execute-api.REGION.amazonaws.com/STAGE`
   * (`wss://...` for a WebSocket API; `http://` and `ws://` for local stand-ins).
   */
  readonly endpoint: string
  /**
   * The base URL requests are sent to, when that is not the endpoint: a proxy
   * or CDN (CloudFront) in front of the API that forwards `/v1/*` to the
   * endpoint's `/STAGE/*` with Host rewritten to the endpoint's host, or a VPC
   * endpoint (`https://vpce-ID.execute-api.REGION.vpce.amazonaws.com/STAGE`,
   * with a `host` header naming the API's host). Signatures cover the
   * endpoint's host and path, which API Gateway verifies; the URL returned is
   * `sendTo` plus the path below the stage plus the query. A `host` header
   * you give is signed, and sent when it differs from `sendTo`'s host.
   * Default: the endpoint itself.
   */
  readonly sendTo?: string | undefined
  /** Default: read from the endpoint's host, else AWS_REGION, else AWS_DEFAULT_REGION. */
  readonly region?: string | undefined
  /**
   * Default: the one the endpoint's host names (`execute-api` for API
   * Gateway, `lambda` for a Lambda function URL, `appsync` for AppSync), else `execute-api`.
   */
  readonly service?: string | undefined
  /** Sign the x-amz-security-token header (default true); false adds it unsigned, as the original package did. Presigned URLs always sign their token. */
  readonly signSessionToken?: boolean | undefined
  /** Add and sign x-amz-content-sha256 (default false; true for service `s3`). */
  readonly contentSha256Header?: boolean | undefined
}

/**
 * A signer's resolved configuration: the endpoint, region and service it
 * signs for, and how it canonicalizes (for every service but S3: dot segments
 * removed and the path encoded twice).
 *
 * @since 3.0.0
 * @category models
 */
export interface Service {
  readonly endpoint: Endpoint
  /** The endpoint's origin: the same as `endpoint.origin`. */
  readonly origin: string
  /**
   * Where requests are sent when that is not the endpoint (see
   * `SignerOptions.sendTo`): its origin and base path. `undefined` (or absent):
   * to the endpoint.
   */
  readonly sendTo?: Endpoint | undefined
  readonly region: string
  readonly service: string
  /** Sign x-amz-security-token (true) or add it unsigned, as the legacy STS flow did. */
  readonly signSessionToken: boolean
  /** Add and sign x-amz-content-sha256 (S3 needs it; API Gateway does not). */
  readonly contentSha256Header: boolean
  /** Remove dot segments and collapse `//` in the canonical path. */
  readonly normalizePath: boolean
  /** Encode the wire path once more in the canonical path. */
  readonly doubleEncodePath: boolean
  /**
   * Milliseconds added to the `Clock` when signing: state of the layer, set
   * after API Gateway refuses a signature for clock skew. Read and set it
   * with `Signer.clockOffset` and `Signer.setClockOffset`.
   */
  readonly clockOffset: MutableRef.MutableRef<number>
}

/**
 * @since 3.0.0
 * @category tags
 */
export class Signer extends Context.Tag("api-gateway-request-signer/Signer")<Signer, Service>() {}

// Not set when the environment cannot be read at all (Deno without --allow-env), as in the facade. One set empty or
// blank (AWS_REGION= in a CI file) is not set either: the next is read.
const environmentRegion: Effect.Effect<string | undefined> = orUndefined(
  Effect.gen(function*() {
    for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"]) {
      const value = yield* Config.option(Config.string(name))
      if (Option.isSome(value) && value.value.trim() !== "") return value.value
    }
    return undefined
  })
)

/**
 * Resolves signer options. The region is the one given, else the one in a
 * `*.execute-api.REGION.amazonaws.com` endpoint, else AWS_REGION (or
 * AWS_DEFAULT_REGION) read through `Config`, else a `MissingRegion` error.
 *
 * @since 3.0.0
 * @category constructors
 */
export const make = (options: SignerOptions): Effect.Effect<Service, SigningError> =>
  Effect.gen(function*() {
    if (typeof options !== "object" || options === null) {
      return yield* Effect.fail(
        new SigningError({ reason: "InvalidEndpoint", message: "Signer.make(options) takes { endpoint, region?, service? }." })
      )
    }
    const region = needsEnvironmentRegion(options) ? yield* environmentRegion : undefined
    const settings = yield* Effect.try({ try: () => resolveSigner(options, region), catch: (error) => asSigningError(error, "InvalidConfig") })
    return { ...settings, clockOffset: MutableRef.make(0) }
  })

/**
 * The milliseconds the `Signer` in context adds to the `Clock` when signing
 * (0 until a refusal for clock skew corrects it).
 *
 * @since 3.0.0
 * @category clock
 */
export const clockOffset: Effect.Effect<number, never, Signer> = Effect.map(Signer, (signer) => MutableRef.get(signer.clockOffset))

/**
 * Sets the milliseconds the `Signer` in context adds to the `Clock` when
 * signing, from a time source you trust.
 *
 * @since 3.0.0
 * @category clock
 */
export const setClockOffset = (millis: number): Effect.Effect<void, SigningError, Signer> =>
  isClockOffset(millis)
    ? Effect.map(Signer, (signer) => void MutableRef.set(signer.clockOffset, millis))
    : Effect.failSync(() =>
      // describe: total (String() throws for a null-prototype object), and it shows no secret passed here by mistake.
      new SigningError({
        reason: "InvalidConfig",
        message: `The clock offset must be a finite number of milliseconds, at most 100 years either way; got ${describe(millis)}.`
      })
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
 * @since 3.0.0
 * @category layers
 */
export const layer = (options: SignerOptions): Layer.Layer<Signer, SigningError> => Layer.effect(Signer, make(options))

/**
 * A signer whose options come from `Config`.
 *
 * @example
 * ```ts
 * import { Signer } from "api-gateway-request-signer"
 * import * as Config from "effect/Config"
 *
 * const SignerLive = Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT") })
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layerConfig = (options: Config.Config.Wrap<SignerOptions>): Layer.Layer<Signer, SigningError> =>
  Layer.effect(
    Signer,
    Effect.suspend((): Effect.Effect<SignerOptions, SigningError | ConfigError.ConfigError> => {
      // Config.Config.Wrap: one Config of the whole options, or an object of a Config per field.
      if (safely(() => Config.isConfig(options), false)) return options as Config.Config<SignerOptions>
      const fields = configFields("Signer.layerConfig", options, {
        required: ["endpoint"],
        optional: ["sendTo", "region", "service", "signSessionToken", "contentSha256Header"],
        example: `{ endpoint: Config.string("API_ENDPOINT") }`
      })
      return fields instanceof SigningError ? Effect.fail(fields) : Config.all(fields) as unknown as Config.Config<SignerOptions>
    }).pipe(
      Effect.mapError((error) =>
        error instanceof SigningError ? error : new SigningError({
          reason: "InvalidConfig",
          // Not kept as cause: an invalid value's ConfigError quotes the value.
          message: `The signer configuration could not be read: ${describeConfigError(error)}.`
        })
      ),
      // A read the runtime refuses (Deno without --allow-env) or that throws: typed, never a defect.
      Effect.catchAllDefect((defect) =>
        Effect.fail(
          new SigningError({
            reason: "InvalidConfig",
            message: `The signer configuration could not be read: ${thrownConfigRead(defect, "the variables it reads")}.`
          })
        )
      ),
      Effect.flatMap(make)
    )
  )

const signerFor = (options: SignerOptions | undefined): Effect.Effect<Service, SigningError, Signer> =>
  options === undefined ? Signer : make(options)

const signNow = (
  signer: Service,
  prepared: PreparedRequest,
  credentials: Parameters<typeof toSigningCredentials>[0],
  clock: Clock.Clock,
  from: "given" | "provider"
): Exit.Exit<SignedRequest, SigningError> => {
  let core: ReturnType<typeof toSigningCredentials>
  try {
    core = toSigningCredentials(credentials)
  } catch (error) {
    return Exit.fail(asSigningError(error))
  }
  if (core instanceof SigningError) return Exit.fail(core)
  return signAt(core, signingTime(signer, clock), from, (current, epochMillis) => signPrepared(prepared, current, epochMillis, signer))
}

/**
 * signRequest as one step of the fiber (each Effect step costs about a fifth
 * of a signature, measured with `npm run bench`): the context, the Clock and
 * static credentials are read from the fiber directly; only dynamic
 * credentials take a step of their own. `currentContext` and
 * `currentDefaultServices` are members of effect/Fiber's public
 * `RuntimeFiber` interface; the TestClock tests of signRequest fail if the
 * Clock stops coming from there.
 */
const signWith = (
  signer: Service | undefined,
  request: RequestToSign
): Effect.Effect<SignedRequest, SigningError, Signer | Credentials> =>
  Effect.withFiberRuntime((fiber) => {
    const context = fiber.currentContext as Context.Context<Signer | Credentials>
    const resolved = signer ?? Context.get(context, Signer)
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const credentials = Context.get(context, Credentials)
    let prepared: PreparedRequest
    try {
      prepared = prepareRequest(resolved, request)
    } catch (error) {
      return failShowingNoSecret(error, credentials)
    }
    const fixed = staticCredentials(credentials)
    // signRequest's span opened before the request was prepared: its url.path is the path sent, known only now.
    return withWirePath(
      fiber,
      prepared.path,
      fixed === undefined
        ? Effect.flatMap(
          credentialsAt(credentials, MutableRef.get(resolved.clockOffset), fiber.getFiberRef(signingClockOffset)),
          (current) => signNow(resolved, prepared, current, clock, "provider")
        )
        : signNow(resolved, prepared, fixed, clock, "given")
    )
  })

/**
 * Signs a request for the endpoint of the `Signer` in context (or of the
 * options given). The signed request's `url`, `headers` and `body` are exactly
 * what to send.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Signer.signRequest({ method: "GET", path: "/pets", queryParams: { type: "dog" } }).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export function signRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(request: RequestToSign<Q, H>): Effect.Effect<SignedRequest, SigningError, Signer | Credentials>
export function signRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(request: RequestToSign<Q, H>, options: SignerOptions): Effect.Effect<SignedRequest, SigningError, Credentials>
/**
 * Signs a web-standard `Request` whose URL lies under the endpoint (or under
 * `sendTo`), as the facade's `signRequestAsync` does: succeeds with a signed
 * `Request` (the same URL rules, method, headers and body as `signer.fetch`:
 * a `Blob`, `FormData` or stream body is read once, and the bytes read are
 * signed and carried by the signed `Request`). The `Request` given is left
 * unconsumed: its body is read from a clone. Failures, a URL outside the
 * endpoint included, are `SigningError`s in the error channel.
 *
 * Send the signed `Request` with `fetch`; in an Effect program the signed
 * HttpClient (`SignedHttpClient`) is the way to send, signing each attempt.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const request = new Request("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify({ name: "Rex" })
 *   })
 *   const signed: Request = yield* Signer.signRequest(request)
 *   return yield* Effect.promise(() => fetch(signed))
 * }).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export function signRequest(request: Request): Effect.Effect<Request, SigningError, Signer | Credentials>
export function signRequest(request: Request, options: SignerOptions): Effect.Effect<Request, SigningError, Credentials>
/**
 * Either of the above, for a caller holding a `RequestToSign | Request`:
 * succeeds with what the request given is signed into.
 *
 * @since 3.0.0
 * @category signing
 */
export function signRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H> | Request
): Effect.Effect<SignedRequest | Request, SigningError, Signer | Credentials>
/**
 * Either of the above, for a caller holding a `RequestToSign | Request`, with
 * signer options instead of the Signer service.
 *
 * @since 3.0.0
 * @category signing
 */
export function signRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H> | Request,
  options: SignerOptions
): Effect.Effect<SignedRequest | Request, SigningError, Credentials>
export function signRequest(
  request: RequestToSign | Request,
  options?: SignerOptions
): Effect.Effect<SignedRequest | Request, SigningError, Signer | Credentials> {
  if (isWebRequest(request)) {
    return traced(
      SPAN_SIGN,
      methodAttributes(request),
      options === undefined ? signWebRequest(undefined, request) : Effect.flatMap(make(options), (signer) => signWebRequest(signer, request))
    )
  }
  return traced(
    SPAN_SIGN,
    methodAttributes(request),
    options === undefined ? signWith(undefined, request) : Effect.flatMap(make(options), (signer) => signWith(signer, request))
  )
}

/**
 * A web `Request`, signed: what it describes (its body read from a clone, as
 * `signer.fetch` reads it) is signed as any request is, and comes back as a
 * `Request` carrying exactly the signed URL, headers and body.
 */
const signWebRequest = (signer: Service | undefined, request: Request): Effect.Effect<Request, SigningError, Signer | Credentials> =>
  Effect.flatMap(Effect.all([signer === undefined ? Signer : Effect.succeed(signer), Credentials]), ([resolved, credentials]) => {
    // What the Request says is quoted by its errors (a URL outside the endpoint): a secret of the signer's in it is not shown.
    const showingNoSecret = <A>(effect: Effect.Effect<A, unknown>) => Effect.catchAll(effect, (error) => failShowingNoSecret(error, credentials))
    return Effect.flatMap(
      showingNoSecret(Effect.tryPromise({ try: () => fromFetchArguments(resolved, request, undefined), catch: (error) => error })),
      (parts) =>
        Effect.flatMap(signWith(resolved, parts.request), (signed) =>
          showingNoSecret(Effect.try({ try: () => toWebRequest(signed, parts.sendWith), catch: (error) => error })))
    )
  })

/**
 * A signed request together with what its signature was computed from, for
 * diagnosis: compare `canonicalRequest` with the one a server reports.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedRequestWithDetails extends SigningDetails {
  readonly request: SignedRequest
}

/**
 * What a signature was computed from.
 *
 * @since 3.0.0
 * @category models
 */
export interface SigningDetails {
  readonly canonicalRequest: string
  readonly stringToSign: string
  readonly credentialScope: string
  readonly signedHeaders: string
  readonly signature: string
}

/**
 * Like `signRequest`, and returns the canonical request and string to sign too.
 *
 * @example
 * ```ts
 * import { Credentials, Diagnosis, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const signed = yield* Signer.signRequestWithDetails({ method: "GET", path: "/pets" })
 *   // What a 403's message is compared against (docs/troubleshooting.md); it holds the session token.
 *   yield* Effect.logDebug(Diagnosis.redactSessionToken(signed.canonicalRequest))
 *   return signed.request
 * }).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export function signRequestWithDetails<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>
): Effect.Effect<SignedRequestWithDetails, SigningError, Signer | Credentials>
export function signRequestWithDetails<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>,
  options: SignerOptions
): Effect.Effect<SignedRequestWithDetails, SigningError, Credentials>
export function signRequestWithDetails(
  request: RequestToSign,
  options?: SignerOptions
): Effect.Effect<SignedRequestWithDetails, SigningError, Signer | Credentials> {
  return Effect.gen(function*() {
    const signer = yield* signerFor(options)
    const credentials = yield* Credentials
    const prepared = yield* prepare(signer, credentials, request)
    const signed = yield* signPreparedNow(signer, credentials, prepared)
    return {
      request: signed.request,
      canonicalRequest: signed.canonicalRequest,
      stringToSign: signed.stringToSign,
      credentialScope: signed.credentialScope,
      signedHeaders: signed.signedHeaders,
      signature: signed.signature
    }
  })
}

/**
 * Presigns a request: the returned URL carries the signature in its query
 * (`X-Amz-Signature`) until it expires (default 15 minutes). Share it with a
 * client that has no AWS credentials, for a limited time. A request without
 * a body or headers of its own needs nothing but the URL; the signed headers
 * of one with them (its headers, a body's content type) are in `headers`,
 * and go with it.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const reportUrl = Signer.presignRequest({ method: "GET", path: "/reports/42" }, { expiresIn: 3600 }).pipe(
 *   Effect.map((presigned) => presigned.url), // valid for an hour; presigned.expiresAt says until when
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export function presignRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>,
  presign?: PresignOptions
): Effect.Effect<PresignedRequest, SigningError, Signer | Credentials>
export function presignRequest<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>,
  presign: PresignOptions | undefined,
  options: SignerOptions
): Effect.Effect<PresignedRequest, SigningError, Credentials>
export function presignRequest(
  request: RequestToSign,
  presign?: PresignOptions,
  options?: SignerOptions
): Effect.Effect<PresignedRequest, SigningError, Signer | Credentials> {
  return Effect.map(presignWithDetails(request, presign, options), (presigned) => presigned.request)
}

/** Presigns with the signer of `options` (else the `Signer` in context): the request, and what was signed. */
const presignWithDetails = (
  request: RequestToSign,
  presign: PresignOptions | undefined,
  options: SignerOptions | undefined
): Effect.Effect<PresignedWithDetails, SigningError, Signer | Credentials> =>
  Effect.gen(function*() {
    const signer = yield* signerFor(options)
    const credentials = yield* Credentials
    const expiresIn = yield* checked(credentials, () => expiresInOf(presign))
    const prepared = yield* prepare({ ...signer, presigning: true }, credentials, request)
    return yield* presignPreparedNow(signer, credentials, prepared, expiresIn)
  })

/**
 * A presigned request together with what its signature was computed from, for
 * diagnosis: compare `canonicalRequest` with the one a server reports.
 *
 * @since 3.0.0
 * @category models
 */
export interface PresignedRequestWithDetails extends SigningDetails {
  readonly request: PresignedRequest
}

/**
 * Like `presignRequest`, and returns the canonical request and string to sign
 * too (the canonical request's query holds the session token, as the URL does).
 *
 * @example
 * ```ts
 * import { Credentials, Diagnosis, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const presigned = yield* Signer.presignRequestWithDetails({ method: "GET", path: "/reports/42" }, { expiresIn: 3600 })
 *   yield* Effect.logDebug(Diagnosis.redactSessionToken(presigned.canonicalRequest))
 *   return presigned.request.url
 * }).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export function presignRequestWithDetails<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>,
  presign?: PresignOptions
): Effect.Effect<PresignedRequestWithDetails, SigningError, Signer | Credentials>
export function presignRequestWithDetails<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord>(
  request: RequestToSign<Q, H>,
  presign: PresignOptions | undefined,
  options: SignerOptions
): Effect.Effect<PresignedRequestWithDetails, SigningError, Credentials>
export function presignRequestWithDetails(
  request: RequestToSign,
  presign?: PresignOptions,
  options?: SignerOptions
): Effect.Effect<PresignedRequestWithDetails, SigningError, Signer | Credentials> {
  return Effect.map(presignWithDetails(request, presign, options), (presigned) => ({
    request: presigned.request,
    canonicalRequest: presigned.canonicalRequest,
    stringToSign: presigned.stringToSign,
    credentialScope: presigned.credentialScope,
    signedHeaders: presigned.signedHeaders,
    signature: presigned.signature
  }))
}
