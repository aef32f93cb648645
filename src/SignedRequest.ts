/**
 * The request you describe and the signed request you send, shared by the
 * Effect API and the Promise facade; and the credentials they sign with, in
 * the AWS SDK's shape (`CredentialIdentity`, `CredentialsProvider`), kept here
 * because this module loads nothing of Effect.
 *
 * @since 3.0.0
 * @module
 */
import type { HttpMethod } from "./HttpMethods.js"

/**
 * One query value. `undefined` and `null` are skipped on purpose, so optional
 * parameters can be written inline (`{ page: options.page }`).
 *
 * @since 3.0.0
 * @category models
 */
export type QueryValue = string | number | boolean | bigint | null | undefined

/**
 * Query parameters as an object of any keys, each a `QueryValue` or a list
 * of them: what `QueryParams` takes when nothing more is known of the object.
 *
 * @since 3.0.0
 * @category models
 */
export type QueryRecord = { readonly [key: string]: QueryValue | ReadonlyArray<QueryValue> }

/**
 * Query parameters: an object (an array value repeats the key), a
 * `URLSearchParams`, a `Map` or a list of pairs.
 *
 * @typeParam Q The object's type. Where a request is signed, it is inferred
 * from the object given, so that an object typed by an `interface` (which
 * has no index signature) is taken, as long as each of its values is a
 * `QueryValue` or a list of them (its constraint is an index signature of
 * `any` because only such a one takes an `interface`; the values are
 * checked here). Default: `QueryRecord`.
 *
 * @since 3.0.0
 * @category models
 */
export type QueryParams<Q extends Record<string, any> = QueryRecord> =
  // (A list is taken as pairs only.)
  | { readonly [K in keyof Q]?: Q extends ReadonlyArray<unknown> ? never : QueryValue | ReadonlyArray<QueryValue> }
  // Also any record of such values: what Q is inferred from may be one branch of a conditional, and the other
  // branch, an object literal of other keys, must still be taken.
  | QueryRecord
  | URLSearchParams
  | ReadonlyMap<string, QueryValue | ReadonlyArray<QueryValue>>
  | ReadonlyArray<readonly [string, QueryValue]>
  // Pairs typed as lists (string[][]: URLSearchParams's init, a list built with push): each is checked at run time.
  | ReadonlyArray<ReadonlyArray<string>>

/**
 * One header value; `undefined` and `null` skip the header. A list (as Node's
 * `OutgoingHttpHeaders` allows) is one header whose values are joined by
 * `,`, as SigV4 joins a repeated header.
 *
 * @since 3.0.0
 * @category models
 */
export type HeaderValue =
  | string
  | number
  | boolean
  | bigint
  | null
  | undefined
  | ReadonlyArray<string | number | boolean | bigint>

/**
 * Request headers as an object of any names, each a `HeaderValue`: what
 * `HeadersInput` takes when nothing more is known of the object.
 *
 * @since 3.0.0
 * @category models
 */
export type HeadersRecord = { readonly [name: string]: HeaderValue }

/**
 * Request headers: an object, a fetch `Headers`, a `Map` or a list of pairs.
 * Names are case-insensitive and must each appear once.
 *
 * @typeParam H The object's type. Where a request is signed, it is inferred
 * from the object given, so that an object typed by an `interface` (which
 * has no index signature) is taken, as long as each of its values is a
 * `HeaderValue` (its constraint is an index signature of `any` because
 * only such a one takes an `interface`; the values are checked here).
 * Default: `HeadersRecord`.
 *
 * @since 3.0.0
 * @category models
 */
export type HeadersInput<H extends Record<string, any> = HeadersRecord> =
  // (A list is taken as pairs only.)
  | { readonly [K in keyof H]?: H extends ReadonlyArray<unknown> ? never : HeaderValue }
  // Also any record of such values (see QueryParams).
  | HeadersRecord
  | Headers
  | ReadonlyMap<string, HeaderValue>
  | ReadonlyArray<readonly [string, HeaderValue]>
  // Pairs typed as lists (string[][]: Node's HeadersInit, a list built with push): each is checked at run time.
  | ReadonlyArray<ReadonlyArray<string>>

/**
 * A request to sign, relative to the signer's endpoint.
 *
 * The signing methods infer `Q` and `H` from the request given. A request
 * declared `RequestToSign` takes objects of any keys (a literal, a `type`, a
 * `Record`); for one typed by an `interface`, name it:
 * `RequestToSign<ListPetsQuery>`.
 *
 * @typeParam Q The type of `queryParams` when it is an object: see `QueryParams`.
 * @typeParam H The type of `headers` when it is an object: see `HeadersInput`.
 *
 * @since 3.0.0
 * @category models
 */
export interface RequestToSign<Q extends Record<string, any> = QueryRecord, H extends Record<string, any> = HeadersRecord> {
  /** One of `HttpMethods`. */
  method: HttpMethod | Lowercase<HttpMethod> | (string & {})
  /**
   * A URL path under the endpoint's stage, e.g. `/pets/${encodeURIComponent(id)}`.
   * `%XX` escapes are kept; anything else that cannot travel raw is encoded.
   * It may carry its own `?query`, merged with `queryParams`.
   */
  path: string
  /** `null` or `undefined`: no query parameters (a Lambda event's `queryStringParameters` can be passed on as it is). */
  queryParams?: QueryParams<Q> | null | undefined
  /** `null` or `undefined`: no headers of your own. */
  headers?: HeadersInput<H> | null | undefined
  /**
   * What to send. Strings, `Uint8Array` (and other views), `ArrayBuffer` and
   * `URLSearchParams` are sent as given; any other value is JSON-serialized and
   * gets `content-type: application/json` unless you set a content type.
   */
  body?: unknown
}

/**
 * The body of a signed request, exactly as it must be sent. Each form is a
 * valid fetch `BodyInit`; a `Uint8Array` spans its whole `ArrayBuffer`, so
 * clients that send a view's buffer send exactly these bytes.
 *
 * @since 3.0.0
 * @category models
 */
export type SignedBody = string | Uint8Array<ArrayBuffer> | ArrayBuffer | URLSearchParams

/**
 * A signed request: send exactly this. `fetch(request.url, request)` works
 * unchanged; axios needs `transformRequest: []`, since its default
 * re-serializes a JSON-typed string (trimming it, or quoting text), and a
 * string or `ArrayBuffer` body (examples/axios.ts has both). `body` is absent
 * when there is none.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedRequest {
  readonly url: string
  readonly method: HttpMethod
  readonly headers: Record<string, string>
  readonly body?: SignedBody
  /**
   * Always `"manual"`: `fetch(request.url, request)` does not follow a
   * redirect. A signature covers the host and path, so no redirect of a
   * signed request can verify, and following one would hand the session
   * token to whoever the redirect names. With axios, pass `maxRedirects: 0`.
   */
  readonly redirect: "manual"
}

/**
 * A presigned request: the signature travels in the URL's query, so the URL
 * alone authorizes the request until `expiresAt`. Send `headers` with it
 * (they are signed too; usually none).
 *
 * `expiresAt` is `expiresIn` after signing, or when temporary credentials
 * signing it expire, if that is sooner: the URL carries their session token,
 * and AWS refuses it once the token has expired, whatever `X-Amz-Expires`
 * says.
 *
 * @since 3.0.0
 * @category models
 */
export interface PresignedRequest {
  readonly url: string
  readonly method: HttpMethod
  readonly headers: Record<string, string>
  readonly body?: SignedBody
  readonly expiresAt: Date
}

/**
 * Options of presigning.
 *
 * @since 3.0.0
 * @category models
 */
export interface PresignOptions {
  /** Seconds the URL stays valid, 1 to 604800 (7 days). Default 900 (15 minutes, as the AWS SDK for JavaScript's getSignedUrl). */
  readonly expiresIn?: number | undefined
}

/**
 * One set of AWS credentials, in the shape the AWS SDK for JavaScript v3
 * gives them (`AwsCredentialIdentity`).
 *
 * @since 3.0.0
 * @category models
 */
export interface CredentialIdentity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
  /** When temporary credentials stop working; they are refreshed 5 minutes before. */
  readonly expiration?: Date | undefined
}

/**
 * A source of credentials in the shape of an AWS SDK v3 provider
 * (`AwsCredentialIdentityProvider`): `fromNodeProviderChain()`,
 * `fromIni({ profile })`, `fromContainerMetadata()`,
 * `fromCognitoIdentityPool(...)` from `@aws-sdk/credential-providers`, or
 * your own async function.
 *
 * It is called without arguments, but for one case: a renewal answered with
 * the credentials it gave before, due for renewal by the signer's clock, asks
 * again with `{ forceRefresh: true }` (at most every 10 s), which the AWS
 * SDK's providers take: their cache judges expiry by the machine's clock,
 * which may be behind AWS's. (Typed without the parameter, so that every SDK
 * provider's type is taken.)
 *
 * @since 3.0.0
 * @category models
 */
export type CredentialsProvider = () => PromiseLike<CredentialIdentity>
