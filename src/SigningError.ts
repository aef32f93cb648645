/**
 * @since 2.0.0
 */
import * as Data from "effect/Data"

/**
 * Why a request could not be signed.
 *
 * - `MissingCredentials`: no access key id or secret access key, or one that cannot be used.
 * - `InvalidEndpoint`: the endpoint is not an absolute http(s) URL without query or fragment.
 * - `MissingRegion`: no region was given and none could be read from the endpoint or the environment.
 * - `InvalidConfig`: another signer option (service, region spelling, expiry) is unusable.
 * - `InvalidRequest`: the method, path, query, a header or the body cannot be signed as given.
 *
 * @since 2.0.0
 * @category models
 */
export type SigningErrorReason =
  | "MissingCredentials"
  | "InvalidEndpoint"
  | "MissingRegion"
  | "InvalidConfig"
  | "InvalidRequest"

/**
 * The part of a request an `InvalidRequest` is about.
 *
 * @since 2.0.0
 * @category models
 */
export type RequestField = "method" | "path" | "queryParams" | "headers" | "body"

/**
 * A request could not be signed. Signing again with the same input cannot
 * succeed, so retries never retry it. The message says what is wrong and how to
 * fix it; it never contains a secret key or session token.
 *
 * The Promise facade throws this same class, so `instanceof SigningError`
 * works for both APIs.
 *
 * @since 2.0.0
 * @category errors
 */
export class SigningError extends Data.TaggedError("SigningError")<{
  readonly reason: SigningErrorReason
  readonly message: string
  /** For `InvalidRequest`: which part of the request. */
  readonly field?: RequestField
  readonly cause?: unknown
}> {}

/** @internal */
export const invalidRequest = (field: RequestField, message: string, cause?: unknown): SigningError =>
  new SigningError(
    cause === undefined
      ? { reason: "InvalidRequest", field, message }
      : { reason: "InvalidRequest", field, message, cause }
  )
