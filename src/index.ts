/**
 * Sign requests to IAM-authorized Amazon API Gateway APIs with AWS Signature
 * Version 4, and send them with retries.
 *
 * - Promise facade: `ApiGatewaySigner` (default export), `HttpMethods`, `isHttpMethod`.
 * - Effect API: `Signer`, `Credentials`, `Retry`; errors `SigningError`, `RequestError`.
 * - Pure protocol: `SigV4`; what a refusal means: `Diagnosis`.
 * - Subpaths: `api-gateway-request-signer/SignedHttpClient` (a signed
 *   @effect/platform HttpClient; `/HttpClient` is its older name),
 *   `/LocalGateway`, `/Verifier`, `/axios` and `/got`, and each root module
 *   on its own (`/ApiGatewaySigner`, `/Signer`, ...).
 *
 * @since 3.0.0
 * @module api-gateway-request-signer
 */
import { ApiGatewaySigner } from "./ApiGatewaySigner.js"
import * as Credentials from "./Credentials.js"
import * as Signer from "./Signer.js"
import * as Retry from "./Retry.js"
import * as SigV4 from "./SigV4.js"
import * as Diagnosis from "./Diagnosis.js"

export {
  /**
   * @since 3.0.0
   */
  ApiGatewaySigner,
  /**
   * @since 3.0.0
   */
  ApiGatewaySigner as default
}

export type {
  /**
   * @since 3.0.0
   */
  ApiGatewaySignerConfig,
  /**
   * @since 3.0.0
   */
  RequestWithRetriesOptions,
  /**
   * @since 3.0.0
   */
  SignedFetch,
  /**
   * @since 3.0.0
   */
  SignedFetchInit
} from "./ApiGatewaySigner.js"

export {
  /**
   * @since 3.0.0
   */
  HttpMethods,
  /**
   * @since 3.0.0
   */
  isHttpMethod
} from "./HttpMethods.js"

export type {
  /**
   * The original package's name for `ApiGatewaySignerConfig`.
   *
   * @since 3.0.0
   */
  ApiGatewaySignerConfig as RequestSignerConfig
} from "./ApiGatewaySigner.js"

export type {
  /**
   * @since 3.0.0
   */
  SignedHeaders,
  /**
   * A request the facade signed (the original package's name for it).
   *
   * @since 3.0.0
   */
  SignedRequestData
} from "./ApiGatewaySigner.js"

export type {
  /**
   * @since 3.0.0
   */
  HttpMethod
} from "./HttpMethods.js"

export type {
  /**
   * @since 3.0.0
   */
  CredentialIdentity,
  /**
   * @since 3.0.0
   */
  CredentialsProvider,
  /**
   * @since 3.0.0
   */
  HeadersInput,
  /**
   * @since 3.0.0
   */
  HeadersRecord,
  /**
   * @since 3.0.0
   */
  HeaderValue,
  /**
   * @since 3.0.0
   */
  PresignedRequest,
  /**
   * @since 3.0.0
   */
  PresignOptions,
  /**
   * @since 3.0.0
   */
  QueryParams,
  /**
   * @since 3.0.0
   */
  QueryRecord,
  /**
   * @since 3.0.0
   */
  QueryValue,
  /**
   * @since 3.0.0
   */
  RequestToSign,
  /**
   * @since 3.0.0
   */
  SignedBody,
  /**
   * @since 3.0.0
   */
  SignedRequest
} from "./SignedRequest.js"

export {
  /**
   * @since 3.0.0
   */
  SigningError
} from "./SigningError.js"

export type {
  /**
   * @since 3.0.0
   */
  RequestField,
  /**
   * @since 3.0.0
   */
  SigningErrorReason
} from "./SigningError.js"

export {
  /**
   * @since 3.0.0
   */
  RequestError
} from "./RequestError.js"

export type {
  /**
   * @since 3.0.0
   */
  FailureSummary,
  /**
   * @since 3.0.0
   */
  RequestErrorReason
} from "./RequestError.js"

// The Effect API's modules, each as a namespace (imported above, then exported here, rather than
// `export * as`: React Native's Babel preset has no plugin for `export * as`, so Metro could not bundle
// the root). Bundlers drop each module an app does not use, all the same.
export {
  /**
   * AWS credentials as an Effect service: static, Config, environment, refreshing.
   *
   * @since 3.0.0
   */
  Credentials,
  /**
   * Signing as Effects: `signRequest`, `presignRequest`, the `Signer` layer.
   *
   * @since 3.0.0
   */
  Signer,
  /**
   * Sending with retries: `makeRequestWithRetries`, `defaultSchedule`, `isTransient`.
   *
   * @since 3.0.0
   */
  Retry,
  /**
   * AWS Signature Version 4 as pure functions on wire requests.
   *
   * @since 3.0.0
   */
  SigV4,
  /**
   * Diagnosis of signature mismatches: the server's canonical request from a 403, diffed with ours.
   *
   * @since 3.0.0
   */
  Diagnosis
}
