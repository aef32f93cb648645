/**
 * A signed `@effect/platform` `HttpClient`: every request it executes is
 * signed with AWS Signature Version 4 for the endpoint of the `Signer` in
 * context, with the credentials current at that moment, and then sent by the
 * `HttpClient` you give it (`FetchHttpClient.layer`, or any other).
 *
 * - URLs are relative to the signer's endpoint: `/pets` goes to
 *   `https://API.execute-api.REGION.amazonaws.com/STAGE/pets` (or, with the
 *   Signer's `sendTo`, to `sendTo` + `/pets`, signed for the endpoint). An
 *   absolute URL is accepted only if it lies under the endpoint (or `sendTo`).
 * - What is signed is what is sent: the URL (path and query, `urlParams`
 *   folded in), every header of the request (the body's content type
 *   included) and the body bytes. Bodies must be in memory: empty, text, JSON,
 *   bytes or URL-encoded forms; `FormData` and `Stream` bodies fail with a
 *   `SigningError`.
 * - Each execution signs afresh (a new `x-amz-date` from Effect's `Clock`, the
 *   current credentials), so `HttpClient.retry` and `HttpClient.retryTransient`
 *   applied to the signed client re-sign every attempt.
 * - Request transformations applied to the signed client
 *   (`HttpClient.mapRequest`, ...) run before signing, so they are signed too.
 *   Transformations of the client you wrap run after signing: keep it a plain
 *   transport. The trace headers it adds (`traceparent`, `b3`) travel
 *   unsigned, which SigV4 allows; `HttpClient.withTracerPropagation(false)`
 *   drops them. A request's own `traceparent` or `b3` (a trace context passed
 *   on) is sent unsigned too: the transport replaces it with its span's.
 * - The session token header is redacted like `authorization` in the
 *   transport's spans, and (with `layer`) in logged requests. Once an attempt
 *   is over, the request its response and errors hold shows the token and the
 *   signature as `<redacted>`, wherever it is printed.
 *
 * Import it from `api-gateway-request-signer/SignedHttpClient` (or its older
 * name, `api-gateway-request-signer/HttpClient`); the package root does not,
 * so `@effect/platform` is loaded only by programs that use it.
 *
 * @since 3.0.0
 * @module
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Credentials, type Service as CredentialsService } from "./Credentials.js"
import { attemptClock, type AttemptClock, offsetAfterResponse } from "./internal/clockSkew.js"
import { toHttpClientRequest, toRequestToSign, transportTraceHeaders } from "./internal/effect/httpClientRequest.js"
import { checked, signPreparedNow } from "./internal/effect/signing.js"
import { safely } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { prepareRequest } from "./internal/request/prepare.js"
import { REDACTED } from "./internal/scrub.js"
import { redactAuthorization } from "./internal/sigv4/verifyRedaction.js"
import { AUTHORIZATION, X_AMZ_SECURITY_TOKEN } from "./internal/sigv4/signatureHeaders.js"
import { type Service as SignerService, Signer } from "./Signer.js"
import { SigningError } from "./SigningError.js"

/**
 * A signed client: an `HttpClient` whose requests are relative to the
 * signer's endpoint and whose error channel carries `SigningError`s (the
 * request could not be signed) besides `HttpClientError`s.
 *
 * @since 3.0.0
 * @category models
 */
export interface Service extends HttpClient.HttpClient.With<HttpClientError.HttpClientError | SigningError> {}

const signWith = (
  signer: SignerService,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest, SigningError, Credentials> =>
  Effect.flatMap(Credentials, (credentials) =>
    checked(credentials, () => prepareRequest(signer, toRequestToSign(signer, request))).pipe(
      Effect.flatMap((prepared) => signPreparedNow(signer, credentials, prepared, "sending")),
      Effect.map((signed) => toHttpClientRequest(signed.request, transportTraceHeaders(request)))
    ))

// ---------------------------------------------------------------------------
// public API

/**
 * Signs one request for the endpoint of the `Signer` in context, with the
 * current credentials and the time from `Clock`. The result is absolute, has
 * its `urlParams` folded into its URL, and can be executed by any
 * `HttpClient` as it is (before its signature expires, five minutes on).
 *
 * @effect/platform's clients record request headers on their spans, hiding
 * only the names in `Headers.currentRedactedNames`, which holds
 * `authorization` but not the session token's header. So signing also adds
 * `x-amz-security-token` to that list in the fiber that signs (and in the
 * fibers it forks from then on): executing the result there keeps the token
 * out of traces and logs.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 *
 * const signed = SignedHttpClient.signRequest(HttpClientRequest.get("/pets", { urlParams: { type: "dog" } })).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv)
 * )
 * ```
 *
 * @since 3.0.0
 * @category signing
 */
export const signRequest = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest, SigningError, Signer | Credentials> =>
  Effect.flatMap(Signer, (signer) => Effect.zipLeft(signWith(signer, request), FiberRef.update(Headers.currentRedactedNames, withSessionTokenName)))

/** Adds the session token header to the names @effect/platform redacts (in spans, logs and printed requests). */
const withSessionTokenName = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(X_AMZ_SECURITY_TOKEN) ? names : [...names, X_AMZ_SECURITY_TOKEN]

/**
 * Masks the signed request's session token and signature in place, once its
 * attempt is over. The response and any error keep this request (a
 * `ResponseError` from `HttpClient.filterStatusOk` prints it), and they may be
 * printed, serialized or logged outside any fiber that redacts header names:
 * @effect/platform redacts only within a fiber's `currentRedactedNames`. Each
 * attempt signs a request of its own (fresh headers), and its headers were
 * written to the wire before its answer came, so nothing reads them again.
 */
const maskCredentials = (sent: { readonly headers: unknown }): void => {
  const headers = sent.headers as Record<string, unknown> | null
  if (typeof headers !== "object" || headers === null) return
  if (typeof headers[X_AMZ_SECURITY_TOKEN] === "string") headers[X_AMZ_SECURITY_TOKEN] = REDACTED
  if (typeof headers[AUTHORIZATION] === "string") headers[AUTHORIZATION] = redactAuthorization(headers[AUTHORIZATION])
}

/** The same for the request a transport's error holds (its `RequestError` or `ResponseError`). */
const maskCredentialsIn = (error: unknown): void => {
  const request = typeof error === "object" && error !== null ? (error as { readonly request?: unknown }).request : undefined
  if (typeof request === "object" && request !== null) maskCredentials(request as { readonly headers: unknown })
}

/**
 * A signed request is never sent on to a redirect's target: no redirect of it
 * can verify, and following one would carry the session token elsewhere.
 * (`FetchHttpClient` follows redirects unless its `RequestInit` says not to;
 * Node's http client never follows them.)
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, { ...Option.getOrElse(init, () => ({})), redirect: "manual" }))


/** How long a clock-skew refusal's body may take to give its first chunk before it is cancelled. */
const SKEW_REFUSAL_BODY_WAIT = "1 second"
const signing = <E, R>(
  client: HttpClient.HttpClient.With<E, R>,
  signer: SignerService,
  credentials: CredentialsService
): HttpClient.HttpClient.With<E | SigningError, R> =>
  // Signing happens in the postprocess step: it runs on every execution (so every retry signs
  // again), after the request transformations applied to the signed client.
  HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest>) =>
      Effect.flatMap(request, (request) => {
        // The clock the request was signed on: a refusal for skew is measured on it.
        let signedOn: AttemptClock = { signedAt: 0, offset: 0 }
        const send = Effect.flatMap(
          Effect.provideService(
            Effect.zipRight(
              Effect.clockWith((clock) =>
                Effect.sync(() => {
                  signedOn = attemptClock(clock.unsafeCurrentTimeMillis(), MutableRef.get(signer.clockOffset))
                })
              ),
              signWith(signer, request)
            ),
            Credentials,
            credentials
          ),
          // The transport records request headers on its span: keep the session token out of traces.
          (signed) =>
            withoutRedirects(Effect.locallyWith(client.execute(signed), Headers.currentRedactedNames, withSessionTokenName)).pipe(
              Effect.tap((response) => Effect.sync(() => maskCredentials(response.request))),
              Effect.tapError((error) => Effect.sync(() => maskCredentialsIn(error)))
            )
        )
        // A 403 for clock skew sets the signer's clock right, and the request is signed and sent again, once.
        return Effect.flatMap(send, (response) =>
          response.status !== 403 ? Effect.succeed(response) : Effect.clockWith((clock) => {
            const offset = offsetAfterResponse(
              response.status,
              { date: response.headers["date"], errorType: response.headers["x-amzn-errortype"] },
              signedOn,
              clock.unsafeCurrentTimeMillis(),
              MutableRef.get(signer.clockOffset)
            )
            if (offset === undefined) return Effect.succeed(response)
            MutableRef.set(signer.clockOffset, offset)
            // The refusal's body is let go, beside sending again: left unread, it would hold its connection (and a
            // Node process) until collected. Its first chunk is taken and the rest cancelled, or all of it after a
            // second without one: a body that never ends, or never starts, is neither read whole nor waited for.
            return Effect.zipRight(
              Effect.forkDaemon(Effect.ignore(Effect.timeout(Stream.runHead(response.stream), SKEW_REFUSAL_BODY_WAIT))),
              send
            )
          }))
      }),
    Effect.succeed
  )

/**
 * Turns any `HttpClient` into one that signs every request it executes for
 * the `Signer` in context, with the `Credentials` current at each execution.
 * `client` only sends: transformations applied to it run after signing, so
 * apply yours to the signed client instead.
 *
 * @example
 * ```ts
 * import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const transport = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
 *   const client = yield* SignedHttpClient.fromClient(transport)
 *   return yield* client.get("/pets")
 * })
 * ```
 *
 * @since 3.0.0
 * @category constructors
 */
export const fromClient = <E, R>(
  client: HttpClient.HttpClient.With<E, R>
): Effect.Effect<HttpClient.HttpClient.With<E | SigningError, R>, never, Signer | Credentials> =>
  Effect.map(
    Effect.context<Signer | Credentials>(),
    (context) =>
      isHttpClient(client)
        ? signing(client, Context.get(context, Signer), Context.get(context, Credentials))
        : refusing(new SigningError({
          reason: "InvalidConfig",
          message: `SignedHttpClient.fromClient needs an HttpClient (e.g. yield* HttpClient.HttpClient, or FetchHttpClient's); got ${describe(client)}.`
        }))
  )

/** An `HttpClient` of @effect/platform (its brand), false for anything else, a hostile value included. */
const isHttpClient = (value: unknown): value is HttpClient.HttpClient.With<never, never> =>
  safely(() => typeof value === "object" && value !== null && HttpClient.TypeId in value, false)

/** A client that fails every request with `error`: what is no client cannot send, and must not die on the first request. */
const refusing = <E, R>(error: SigningError): HttpClient.HttpClient.With<E | SigningError, R> =>
  HttpClient.makeWith(() => Effect.fail(error), Effect.succeed)

/**
 * The `HttpClient` in context, signed: see `fromClient`.
 *
 * @since 3.0.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, HttpClient.HttpClient | Signer | Credentials> = Effect.flatMap(
  HttpClient.HttpClient,
  fromClient
)

/**
 * The signed client as a service. `SignedHttpClient.layer` builds it from the
 * `HttpClient`, `Signer` and `Credentials` in context.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* SignedHttpClient.SignedHttpClient
 *   const response = yield* client.get("/pets", { urlParams: { type: "dog" } })
 *   return yield* response.json
 * }).pipe(
 *   Effect.provide(SignedHttpClient.layer),
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.layerFromEnv),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 3.0.0
 * @category tags
 */
export class SignedHttpClient extends Context.Tag("api-gateway-request-signer/SignedHttpClient")<
  SignedHttpClient,
  Service
>() {}

/**
 * The signed client, built from the `HttpClient`, `Signer` and `Credentials`
 * in context. It also adds `x-amz-security-token` to the header names
 * @effect/platform redacts, so requests logged within the layer never show
 * the session token; and once an attempt is over, the request its response
 * and errors hold shows the token and the signature as `<redacted>`, wherever
 * it is printed.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * const ClientLive = SignedHttpClient.layer.pipe(
 *   Layer.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Layer.provide(Credentials.layerFromEnv),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 3.0.0
 * @category layers
 */
export const layer: Layer.Layer<SignedHttpClient, never, HttpClient.HttpClient | Signer | Credentials> = Layer.merge(
  Layer.effect(SignedHttpClient, make),
  Layer.fiberRefLocallyScopedWith(Headers.currentRedactedNames, withSessionTokenName)
)
