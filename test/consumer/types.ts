/**
 * Types a consumer names and writes, compiled only: the root's companions of
 * the error classes and request shapes, the 2.x enum's member types, options
 * given an explicit `undefined` (which the run time reads as not given; the
 * nodenext project compiles this under exactOptionalPropertyTypes), and a
 * LocalGateway lookup typed as `SigV4.verify` takes it.
 */
import ApiGatewaySigner, {
  Credentials,
  type FailureSummary,
  type HeadersInput,
  type HeaderValue,
  HttpMethods,
  isHttpMethod,
  type QueryValue,
  type RequestErrorReason,
  type RequestField,
  type RequestToSign,
  Retry,
  type SignedFetch,
  type SignedFetchInit,
  type SigningErrorReason
} from "api-gateway-request-signer"
import type * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"

// The original package's enum: each member is a type too.
export const onlyGet: HttpMethods.GET = HttpMethods.GET
export interface Route {
  readonly method: HttpMethods.POST | HttpMethods.PUT
  readonly path: string
}
export const anyMethod: HttpMethods = HttpMethods.DELETE
export const methodOf = (request: RequestToSign): HttpMethods | undefined => isHttpMethod(request.method) ? request.method : undefined

// The names the root gives the parts of its errors and requests.
export const describeFailure = (reason: SigningErrorReason | RequestErrorReason, field: RequestField | undefined): string =>
  `${reason}${field === undefined ? "" : ` (${field})`}`
export const summaryStatus = (summary: FailureSummary): number | undefined => summary.status
export const headers: HeadersInput = { accept: "application/json", "x-count": 2 satisfies HeaderValue }
export const page: QueryValue = 2
export const viaProxy = (fetchSigned: SignedFetch, init: SignedFetchInit): Promise<Response> => fetchSigned("/pets", init)

// Settings that may be unset, passed straight on.
declare const settings: {
  readonly retries?: number | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
  readonly jitter?: boolean | undefined
}
declare const sessionToken: Config.Config<Option.Option<Redacted.Redacted<string>>> | undefined
export const schedule = Retry.backoff({ times: settings.retries, maxDelay: settings.maxDelay, jitter: settings.jitter, base: undefined, factor: undefined })
export const call = Retry.makeRequestWithRetries({ method: "GET", path: "/" }, () => Effect.void, {
  times: settings.retries,
  maxDelay: settings.maxDelay,
  schedule: undefined,
  while: undefined,
  until: undefined
})
export const refreshing = Credentials.layerRefreshing(Effect.succeed({ accessKeyId: "a", secretAccessKey: "b" }), {
  refreshBefore: settings.maxDelay,
  maxAge: undefined
})
export const fromProvider = Credentials.layerFromProvider(async () => ({ accessKeyId: "a", secretAccessKey: "b" }), { refreshBefore: undefined })
export const fromConfig = Credentials.layerConfig({ accessKeyId: Config.string("K"), secretAccessKey: Config.redacted("S"), sessionToken })
export const handler: LocalGateway.Handler = () => ({ status: 204, headers: undefined, body: undefined })

// A lookup as verify takes it: plain-string secrets, and null for a key it does not know.
const keys = new Map([["AKIDLOCAL", { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }]])
export const gatewayOptions: LocalGateway.Options = { credentials: (accessKeyId) => keys.get(accessKeyId) ?? null }

// 2.x code in an ES module, naming its types through the default import (then 2.x's CommonJS exports object).
export const legacyRequest = (signer: ApiGatewaySigner.default, request: ApiGatewaySigner.RequestToSign): ApiGatewaySigner.SignedRequestData =>
  signer.signRequest(request)
export const legacyConfig: ApiGatewaySigner.RequestSignerConfig = { endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" }
export const legacyMethod: ApiGatewaySigner.HttpMethods.POST = ApiGatewaySigner.HttpMethods.POST

// Query parameters and headers typed by an interface, which has no index signature.
interface ListPetsQuery {
  readonly limit: number
  readonly cursor?: string | undefined
}
interface ClientHeaders {
  readonly "x-api-key": string
}
export const listPets = (signer: ApiGatewaySigner, query: ListPetsQuery, headers: ClientHeaders) =>
  signer.signRequest({ method: "GET", path: "/pets", queryParams: query, headers })
export const listPetsWithRetries = (query: ListPetsQuery) => Retry.makeRequestWithRetries({ method: "GET", path: "/pets", queryParams: query }, () => Effect.void)
