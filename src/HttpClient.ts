/**
 * A signed `@effect/platform` `HttpClient`: every request it executes is
 * signed with AWS Signature Version 4 for the endpoint of the `Signer` in
 * context, with the credentials current at that moment, and then sent by the
 * `HttpClient` you give it (`FetchHttpClient.layer`, or any other).
 *
 * - URLs are relative to the signer's endpoint: `/pets` goes to
 *   `https://API.execute-api.REGION.amazonaws.com/STAGE/pets`. An absolute URL
 *   is accepted only if it lies under the endpoint.
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
 *   drops them.
 * - The session token header is redacted like `authorization` in the
 *   transport's spans, and (with `layer`) in logged requests.
 *
 * Import it from `api-gateway-request-signer/HttpClient`; the package root
 * does not, so `@effect/platform` is loaded only by programs that use it.
 *
 * @since 2.0.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, type Service as CredentialsService } from "./Credentials.js"
import type { Endpoint } from "./internal/endpoint.js"
import { normalizeEncoding } from "./internal/sigv4/uriEncoding.js"
import type { RequestToSign, SignedBody, SignedRequest } from "./SignedRequest.js"
import { asSigningError, prepare, signPreparedNow } from "./internal/effect/signing.js"
import { type Service as SignerService, Signer } from "./Signer.js"
import { invalidRequest, type SigningError } from "./SigningError.js"

/**
 * A signed client: an `HttpClient` whose requests are relative to the
 * signer's endpoint and whose error channel carries `SigningError`s (the
 * request could not be signed) besides `HttpClientError`s.
 *
 * @since 2.0.0
 * @category models
 */
export interface Service extends HttpClient.HttpClient.With<HttpClientError.HttpClientError | SigningError> {}

// ---------------------------------------------------------------------------
// from an HttpClientRequest to a RequestToSign

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*:\/\/[^/?#\\]*)(.*)$/is

/** The URL as an error message may show it: no user info, no query (either may hold a secret). */
const displayUrl = (authority: string, rest: string): string => {
  const queryAt = rest.indexOf("?")
  return authority.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@]*@/i, "$1") + (queryAt === -1 ? rest : rest.slice(0, queryAt))
}

const withUserInfo = (shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} carries a user name or password; remove them (requests are authorized by the signature).`
  )

const outsideEndpoint = (endpoint: Endpoint, shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} is outside the signer's endpoint (${endpoint.href}): this client signs requests for ` +
      `that endpoint only, so its signatures never go elsewhere. Pass a path relative to the endpoint (e.g. "/pets"), ` +
      "or use a client whose Signer is for the other endpoint."
  )

/**
 * The path (and query) of a request URL relative to the endpoint. A URL is
 * absolute only when it starts with `scheme://`; anything else, `//a//b`
 * included, is a path under the endpoint. The fragment is never sent, so it
 * is dropped.
 */
const relativeTarget = (endpoint: Endpoint, url: string): string => {
  const fragmentAt = url.indexOf("#")
  const target = fragmentAt === -1 ? url : url.slice(0, fragmentAt)
  const match = ABSOLUTE_URL.exec(target)
  if (match === null) return target
  const authority = match[1]!
  const rest = match[2]!
  const parsed = URL.canParse(authority) ? new URL(authority) : undefined
  if (parsed !== undefined && (parsed.username !== "" || parsed.password !== "")) throw withUserInfo(displayUrl(authority, rest))
  if (parsed === undefined || parsed.origin !== endpoint.origin) throw outsideEndpoint(endpoint, displayUrl(authority, rest))
  const queryAt = rest.indexOf("?")
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const query = queryAt === -1 ? "" : rest.slice(queryAt)
  // `path` is "" or starts with "/": the authority ends at the first "/".
  const segments = path === "" ? [] : path.slice(1).split("/")
  const stage = endpoint.basePath === "" ? [] : endpoint.basePath.slice(1).split("/")
  for (let i = 0; i < stage.length; i++) {
    const segment = segments[i]
    if (segment === undefined || normalizeEncoding(segment) !== stage[i]) {
      throw outsideEndpoint(endpoint, displayUrl(authority, rest))
    }
  }
  return "/" + segments.slice(stage.length).join("/") + query
}

const bodyCannotBeHashed = (what: string, advice: string): SigningError =>
  invalidRequest(
    "body",
    `${what} cannot be signed: SigV4 covers the SHA-256 of the body, which must be computed before the request is sent, ` +
      `and this body is only produced while it is sent. ${advice}`
  )

/** The body as bytes (or text) that can be hashed now, and sent as they are. */
const bodyToSign = (body: HttpBody.HttpBody): unknown => {
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw": {
      const raw = body.body
      if (
        raw === undefined || raw === null || typeof raw === "string" || raw instanceof ArrayBuffer ||
        ArrayBuffer.isView(raw) || raw instanceof URLSearchParams
      ) return raw
      throw bodyCannotBeHashed(
        `A raw body of type ${(raw as { constructor?: { name?: string } }).constructor?.name ?? typeof raw}`,
        "Read it into memory first and pass the bytes with HttpClientRequest.bodyUint8Array(bytes, contentType), " +
          "or use HttpClientRequest.bodyText / bodyJson / bodyUrlParams."
      )
    }
    case "FormData":
      throw bodyCannotBeHashed(
        "A FormData body",
        "The client encodes it as multipart/form-data with a random boundary. Send the fields URL-encoded with " +
          "HttpClientRequest.bodyUrlParams, or encode the multipart body yourself and send it with " +
          "HttpClientRequest.bodyUint8Array(bytes, \"multipart/form-data; boundary=...\")."
      )
    case "Stream":
      throw bodyCannotBeHashed(
        `A Stream body (${body.contentType})`,
        "Collect it into a Uint8Array first (e.g. with Stream.runCollect, or FileSystem.readFile instead of " +
          "HttpClientRequest.bodyFile) and send it with HttpClientRequest.bodyUint8Array(bytes, contentType)."
      )
  }
}

/** What fetch would send with a raw string body and no content type; the bytes sent instead would get none. */
const TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8"

const toRequestToSign = (endpoint: Endpoint, request: HttpClientRequest.HttpClientRequest): RequestToSign => {
  const body = bodyToSign(request.body)
  return {
    method: request.method,
    path: relativeTarget(endpoint, request.url),
    // Folded into the signed URL here; the request sent carries none, so nothing is appended twice.
    queryParams: request.urlParams,
    // Every header of the request, content-type (set from the body by HttpClientRequest.setBody) included.
    headers: typeof body === "string" && request.headers["content-type"] === undefined
      ? { ...request.headers, "content-type": TEXT_CONTENT_TYPE }
      : request.headers,
    body
  }
}

// ---------------------------------------------------------------------------
// from a SignedRequest back to an HttpClientRequest

const encoder = new TextEncoder()

const bodyBytes = (body: SignedBody | undefined): Uint8Array | undefined =>
  body === undefined ? undefined
  : typeof body === "string" ? encoder.encode(body)
  : body instanceof URLSearchParams ? encoder.encode(body.toString())
  : body instanceof ArrayBuffer ? new Uint8Array(body)
  : body

/**
 * The request to send: the signed URL with no `urlParams` left to append, the
 * signed headers and nothing else, and the body bytes that were hashed.
 */
const toHttpClientRequest = (signed: SignedRequest): HttpClientRequest.HttpClientRequest => {
  const bytes = bodyBytes(signed.body)
  const contentType = signed.headers["content-type"]
  // A raw body adds no header but the content type given (already among the signed headers), so
  // the headers sent are exactly the signed ones; fetch sends a Uint8Array as it is.
  const body = bytes === undefined ? HttpBody.empty : HttpBody.raw(bytes, { contentType })
  return HttpClientRequest.make(signed.method)(signed.url).pipe(
    HttpClientRequest.setBody(body),
    HttpClientRequest.setHeaders(signed.headers)
  )
}

const signWith = (
  signer: SignerService,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest, SigningError, Credentials> =>
  Effect.try({ try: () => toRequestToSign(signer.endpoint, request), catch: asSigningError }).pipe(
    Effect.flatMap((input) => prepare(signer, input)),
    Effect.flatMap((prepared) => Effect.flatMap(Credentials, (credentials) => signPreparedNow(signer, credentials, prepared))),
    Effect.map(({ request }) => toHttpClientRequest(request))
  )

// ---------------------------------------------------------------------------
// public API

/**
 * Signs one request for the endpoint of the `Signer` in context, with the
 * current credentials and the time from `Clock`. The result is absolute, has
 * its `urlParams` folded into its URL, and can be executed by any
 * `HttpClient` as it is (before its signature expires, five minutes on).
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as SignedHttpClient from "api-gateway-request-signer/HttpClient"
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 *
 * const signed = SignedHttpClient.signRequest(HttpClientRequest.get("/pets", { urlParams: { type: "dog" } })).pipe(
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.fromEnv)
 * )
 * ```
 *
 * @since 2.0.0
 * @category signing
 */
export const signRequest = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest, SigningError, Signer | Credentials> =>
  Effect.flatMap(Signer, (signer) => signWith(signer, request))

const SESSION_TOKEN_HEADER = "x-amz-security-token"

/** Adds the session token header to the names @effect/platform redacts (in spans, logs and printed requests). */
const redactSessionToken = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(SESSION_TOKEN_HEADER) ? names : [...names, SESSION_TOKEN_HEADER]

const signing = <E, R>(
  client: HttpClient.HttpClient.With<E, R>,
  signer: SignerService,
  credentials: CredentialsService
): HttpClient.HttpClient.With<E | SigningError, R> =>
  // Signing happens in the postprocess step: it runs on every execution (so every retry signs
  // again), after the request transformations applied to the signed client.
  HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest>) =>
      Effect.flatMap(request, (request) =>
        Effect.flatMap(
          Effect.provideService(signWith(signer, request), Credentials, credentials),
          // The transport records request headers on its span: keep the session token out of traces.
          (signed) => Effect.locallyWith(client.execute(signed), Headers.currentRedactedNames, redactSessionToken)
        )),
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
 * import * as SignedHttpClient from "api-gateway-request-signer/HttpClient"
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
 * @since 2.0.0
 * @category constructors
 */
export const fromClient = <E, R>(
  client: HttpClient.HttpClient.With<E, R>
): Effect.Effect<HttpClient.HttpClient.With<E | SigningError, R>, never, Signer | Credentials> =>
  Effect.map(
    Effect.context<Signer | Credentials>(),
    (context) => signing(client, Context.get(context, Signer), Context.get(context, Credentials))
  )

/**
 * The `HttpClient` in context, signed: see `fromClient`.
 *
 * @since 2.0.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, HttpClient.HttpClient | Signer | Credentials> = Effect.flatMap(
  HttpClient.HttpClient,
  fromClient
)

/**
 * The signed client as a service. `SignedHttpClient.layer` builds it from the
 * `HttpClient`, `Signer` and `Credentials` in context; it is the same layer as
 * the module's `layer`, reachable from the tag when you import the tag alone.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import { SignedHttpClient } from "api-gateway-request-signer/HttpClient"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* SignedHttpClient
 *   const response = yield* client.get("/pets", { urlParams: { type: "dog" } })
 *   return yield* response.json
 * }).pipe(
 *   Effect.provide(SignedHttpClient.layer),
 *   Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Effect.provide(Credentials.fromEnv),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 2.0.0
 * @category tags
 */
export class SignedHttpClient extends Context.Tag("api-gateway-request-signer/HttpClient/SignedHttpClient")<
  SignedHttpClient,
  Service
>() {
  /**
   * The signed client, built from the `HttpClient`, `Signer` and `Credentials`
   * in context. It also adds `x-amz-security-token` to the header names
   * @effect/platform redacts (`Headers.currentRedactedNames`), so printed or
   * logged requests show `<redacted>` for the session token, as they do for
   * `authorization`.
   *
   * @since 2.0.0
   * @category layers
   */
  static readonly layer: Layer.Layer<SignedHttpClient, never, HttpClient.HttpClient | Signer | Credentials> = Layer
    .merge(Layer.effect(this, make), Layer.fiberRefLocallyScopedWith(Headers.currentRedactedNames, redactSessionToken))
}

/**
 * The signed client, built from the `HttpClient`, `Signer` and `Credentials`
 * in context (the same layer as `SignedHttpClient.layer`). It also adds
 * `x-amz-security-token` to the header names @effect/platform redacts, so
 * printed or logged requests never show the session token.
 *
 * @example
 * ```ts
 * import { Credentials, Signer } from "api-gateway-request-signer"
 * import * as SignedHttpClient from "api-gateway-request-signer/HttpClient"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * const ClientLive = SignedHttpClient.layer.pipe(
 *   Layer.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
 *   Layer.provide(Credentials.fromEnv),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 2.0.0
 * @category layers
 */
export const layer: Layer.Layer<SignedHttpClient, never, HttpClient.HttpClient | Signer | Credentials> =
  SignedHttpClient.layer
