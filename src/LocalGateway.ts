/**
 * A local stand-in for an IAM-authorized API Gateway stage: it verifies the
 * SigV4 signature of every request and answers 403 as API Gateway does when
 * verification fails. Requests that verify are echoed back as JSON, proxied to
 * a backend (`target`) with what authenticated them stripped, or answered by a
 * handler of yours, each given the path the signature verified. With `cors`
 * it also answers browsers as a stage with CORS enabled does. No AWS account
 * needed.
 *
 * This module is the gateway's public face; the server lives in
 * `internal/gateway/` (options, target, HTTP plumbing, proxy, pipeline).
 *
 * @since 3.0.0
 * @module
 */
// Buffer, node:http: this module runs on Node; its declarations need node's types wherever they are compiled
// (TypeScript 6+ no longer loads @types/node by default). preserve="true" keeps the directive in the .d.ts.
/// <reference types="node" preserve="true" />
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { resolveOptions } from "./internal/gateway/options.js"
import { secretTexts } from "./internal/effect/credentials.js"
import { safely, thrownCause, thrownMessage } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { causeShowingNoSecret, looksLikeCredential, redactForDisplay } from "./internal/scrub.js"
import { listen } from "./internal/gateway/server.js"
import type { CredentialLookup, GatewayErrorType } from "./SigV4.js"

/**
 * A request that passed verification, as a handler sees it.
 *
 * @since 3.0.0
 * @category models
 */
export interface VerifiedRequest {
  readonly method: string
  /** `path`, then the query as received, a `+` written as `%20` (the signature read it as a space). */
  readonly target: string
  /**
   * The path the signature verified, percent-encoded as received: dot
   * segments resolved and repeated slashes collapsed, as SigV4 signs it (and
   * API Gateway routes it) for every service but S3.
   */
  readonly path: string
  /** Query parameters, decoded, in arrival order (an object without prototype). */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Header values by lower-case name; every line of a repeated header is kept, joined by ", " (cookies by "; "). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  /** Who signed: the access key id, and whether the signature came in the query. */
  readonly principal: { readonly accessKeyId: string; readonly presigned: boolean }
}

/**
 * The JSON body a verified request is echoed with (when there is no `target`
 * and the handler, if any, returns `undefined`).
 *
 * @since 3.0.0
 * @category models
 */
export interface EchoResponse {
  readonly method: string
  /** The path the signature verified (see `VerifiedRequest.path`). */
  readonly path: string
  /**
   * The path as it arrived, before the signature's normalization (`//` and
   * dot segments kept): what the client sent, so that a test can check its
   * client sent the path it meant. Handlers and backends never get it.
   */
  readonly receivedPath: string
  /** Query parameters, decoded; a session token and a signature (`X-Amz-Security-Token`, `X-Amz-Signature`, any case) show as `<redacted>`. */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Headers by lower-case name; the session token, and the signature in `authorization`, show as `<redacted>`. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly length: number; readonly sha256: string }
  readonly principal: VerifiedRequest["principal"]
}

/**
 * What a handler answers: a `status` from 200 to 599, `headers` as a plain
 * object, and a `body`. A string `body` is sent as UTF-8, bytes (any typed
 * array, a `DataView`, an `ArrayBuffer`) as they are, an object or array as
 * JSON. What JSON would not send as it is, anywhere in the body (a `Blob`, a
 * stream, a `Map`, a `Response`, an `Error`, a `Promise` not awaited, a
 * function, an Effect value), as any other status or headers, is the
 * handler's failure: a 500, and a warning naming it.
 *
 * @since 3.0.0
 * @category models
 */
export interface HandlerResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | Uint8Array | object | undefined
}

/**
 * Answers verified requests; returning `undefined` falls back to proxying
 * (with `target`) or echoing.
 *
 * @since 3.0.0
 * @category models
 */
export type Handler = (request: VerifiedRequest) => HandlerResponse | undefined | Promise<HandlerResponse | undefined>

/**
 * One line of the gateway's access log.
 *
 * @since 3.0.0
 * @category models
 */
export interface AccessLogEntry {
  readonly requestId: string
  readonly method: string
  /**
   * The request target as received, but that the values of a session token
   * and a signature in the query (`X-Amz-Security-Token`, `X-Amz-Signature`:
   * any case, repeated, percent-encoded names) show as `<redacted>`.
   */
  readonly target: string
  readonly status: number
  /** The access key id of a verified request. */
  readonly accessKeyId?: string
  /** Why a request was refused. */
  readonly errorType?: GatewayErrorType | "RequestTooLong" | "BadGateway" | "GatewayTimeout" | "BadRequest" | "InternalError"
  readonly message?: string
}

/**
 * CORS as an API Gateway stage with CORS enabled answers it: preflights
 * without authentication, and `Access-Control-Allow-Origin` on every answer.
 * The lists are sent as configured, whatever a preflight asks for; the
 * browser decides, as it does with API Gateway.
 *
 * @since 3.0.0
 * @category models
 */
export interface CorsOptions {
  /** Default `*`. */
  readonly allowOrigin?: string | undefined
  /**
   * Request headers a page may send. Default: API Gateway's default for
   * "Enable CORS": Content-Type, X-Amz-Date, Authorization, X-Api-Key,
   * X-Amz-Security-Token. Add any header of your own you sign and send.
   */
  readonly allowHeaders?: ReadonlyArray<string> | undefined
  /** How long a browser may cache a preflight answer. Default 600. */
  readonly maxAgeSeconds?: number | undefined
  /**
   * Answers `Access-Control-Allow-Credentials: true`, so that a page's
   * `fetch(..., { credentials: "include" })` (cookies) is read. Needs an
   * `allowOrigin` naming the page's origin: browsers refuse credentials with
   * `*`. Default false.
   */
  readonly allowCredentials?: boolean | undefined
}

/**
 * @since 3.0.0
 * @category models
 */
export interface Options {
  /**
   * Who may call: a non-empty list of credentials (secrets as strings or
   * `Redacted`), or a lookup by access key id that returns `undefined` or
   * `null` for a key it does not know, as `SigV4.verify` takes them.
   */
  readonly credentials: CredentialLookup
  /** Default 0: any free port. */
  readonly port?: number | undefined
  /**
   * A host name or an IP address (an IPv6 one with or without brackets), with
   * no space, scheme or port in it: the port is `port`. Default 127.0.0.1.
   */
  readonly host?: string | undefined
  /** The region requests must be signed for. Default us-east-1. */
  readonly region?: string | undefined
  /** Default execute-api. */
  readonly service?: string | undefined
  /**
   * Proxy verified requests to this URL (its path prefixes theirs), with the
   * signature headers stripped. Its user info, if any (`http://user:pw@host/`),
   * is sent to it as Basic authorization.
   */
  readonly target?: string | undefined
  /**
   * How long the target has to answer a proxied request, the whole answer
   * included: past it the client gets API Gateway's 504 (`Endpoint request
   * timed out`), or, if the answer has begun, its connection closed. Default
   * 29 seconds, API Gateway's integration timeout.
   */
  readonly targetTimeoutMillis?: number | undefined
  /** Answer verified requests yourself; return undefined to fall back to proxy or echo. */
  readonly handler?: Handler | undefined
  /** Larger bodies get 413. Default 10 MiB, API Gateway's limit. */
  readonly maxBodyBytes?: number | undefined
  /** Default 5 minutes. */
  readonly maxClockSkewMillis?: number | undefined
  /** The time to verify at, in epoch milliseconds. Default Date.now. A time that is not a finite number refuses the request (500). */
  readonly now?: (() => number) | undefined
  /**
   * Milliseconds the gateway's clock is ahead of `now` (negative: behind), to
   * test clock skew: its verification and its `Date` header use `now() +
   * clockOffsetMillis`. Default 0.
   */
  readonly clockOffsetMillis?: number | undefined
  /** How long a client may take to send the request's headers. Default 10 seconds. */
  readonly headersTimeoutMillis?: number | undefined
  /** How long a client may take to send the whole request. Default 30 seconds (API Gateway's integration timeout is 29 s). */
  readonly requestTimeoutMillis?: number | undefined
  /** Called once per answered request, after the answer is written. If it throws, the answer stands and the process gets a warning (`LOCAL_GATEWAY_ON_REQUEST`). */
  readonly onRequest?: ((entry: AccessLogEntry) => void) | undefined
  /**
   * Answer browsers: CORS preflights (OPTIONS with Access-Control-Request-Method)
   * get 200 without authentication, and every answer, 403s included, carries
   * Access-Control-Allow-Origin. `true` takes the defaults of `CorsOptions`.
   * Default off. A signed OPTIONS request that is no preflight is verified as usual.
   * Anything but `true`, `false`, `undefined` or a plain object (an array, a
   * Date, a string) is refused with `InvalidConfig`.
   */
  readonly cors?: boolean | CorsOptions | undefined
}

/**
 * A running gateway. `url` is its base URL: use it as a signer's endpoint
 * (with the region the gateway verifies).
 *
 * @since 3.0.0
 * @category models
 */
export interface Service {
  readonly url: string
  readonly port: number
  readonly region: string
  readonly service: string
  readonly close: () => Promise<void>
}

/**
 * @since 3.0.0
 * @category tags
 */
export class LocalGateway extends Context.Tag("api-gateway-request-signer/LocalGateway")<LocalGateway, Service>() {}

/**
 * Why the gateway could not start: an option it cannot use (`InvalidConfig`,
 * naming the option), or the server could not listen (`ListenFailed`, e.g.
 * the port is taken).
 *
 * @since 3.0.0
 * @category errors
 */
export class LocalGatewayError extends Error {
  /** @since 3.0.0 */
  readonly _tag = "LocalGatewayError" as const
  /** @since 3.0.0 */
  readonly reason: "InvalidConfig" | "ListenFailed"

  constructor(args: { readonly reason: "InvalidConfig" | "ListenFailed"; readonly message: string; readonly cause?: unknown }) {
    super(args.message, args.cause === undefined ? undefined : { cause: args.cause })
    this.reason = args.reason
  }
}
LocalGatewayError.prototype.name = "LocalGatewayError"
// The class's own name too, which a minifier renames: logs that name an error by its constructor (AWS Lambda's errorType) read it.
Object.defineProperty(LocalGatewayError, "name", { value: "LocalGatewayError" })

const isLocalGatewayError = (error: unknown): error is LocalGatewayError => safely(() => error instanceof LocalGatewayError, false)

const invalidConfig = (message: string, cause?: unknown): LocalGatewayError =>
  new LocalGatewayError({ reason: "InvalidConfig", message: `LocalGateway: ${message}`, cause })

/**
 * Starts a gateway and resolves once it listens. Unusable options, or a port
 * it cannot listen on, reject with a `LocalGatewayError`.
 *
 * @example
 * ```ts
 * import { start } from "api-gateway-request-signer/LocalGateway"
 *
 * const gateway = await start({ credentials: [{ accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }] })
 * // sign against gateway.url with region "us-east-1", then:
 * await gateway.close()
 * ```
 *
 * @since 3.0.0
 * @category constructors
 */
export const start = async (options: Options): Promise<Service> => {
  // The secrets of the credentials listed: a secret given by mistake as another option (region,
  // target, host) must not come back in this call's error.
  const secrets = safely(() => (Array.isArray(options.credentials) ? options.credentials.flatMap(secretTexts) : []), [])
  const withoutSecrets = (error: LocalGatewayError): LocalGatewayError =>
    new LocalGatewayError({ reason: error.reason, message: redactForDisplay(error.message, secrets), cause: causeShowingNoSecret(error.cause, secrets) })
  let settings: ReturnType<typeof resolveOptions>
  try {
    settings = resolveOptions(options, invalidConfig)
  } catch (error) {
    // Options whose getters or Proxy traps throw are unusable options too.
    throw withoutSecrets(isLocalGatewayError(error) ? error : invalidConfig(`the options could not be read (${thrownMessage(error)}).`, thrownCause(error)))
  }
  try {
    return await listen(settings)
  } catch (error) {
    // A host that looks like a credential (a secret passed in the wrong place) is described; what listen
    // threw quotes it (getaddrinfo ENOTFOUND <host>), and thrownMessage and thrownCause hide it there.
    const where = looksLikeCredential(settings.host) ? `host ${describe(settings.host)}, port ${settings.port}` : `${settings.host}:${settings.port}`
    throw withoutSecrets(new LocalGatewayError({
      reason: "ListenFailed",
      message: `LocalGateway could not listen on ${where}: ${thrownMessage(error)}`,
      cause: thrownCause(error)
    }))
  }
}

/**
 * A gateway as a scoped resource: it listens when acquired and closes when
 * the scope closes.
 *
 * @since 3.0.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, LocalGatewayError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options),
      catch: (error) =>
        isLocalGatewayError(error) ? error : new LocalGatewayError({
          reason: "ListenFailed",
          message: `LocalGateway could not start: ${thrownMessage(error)}`,
          cause: thrownCause(error)
        })
    }),
    (gateway) => Effect.promise(() => gateway.close())
  )

/**
 * A gateway for the lifetime of a layer.
 *
 * @since 3.0.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<LocalGateway, LocalGatewayError> => Layer.scoped(LocalGateway, make(options))
