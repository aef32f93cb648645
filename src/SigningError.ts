/**
 * `SigningError`: a request could not be signed (bad input, options or
 * credentials). One class for the Promise facade and the Effect API, loading
 * nothing of Effect.
 *
 * @since 3.0.0
 * @module
 */

/**
 * Why a request could not be signed.
 *
 * - `MissingCredentials`: no access key id or secret access key, or one that
 *   cannot be used; credentials that expired; a credentials provider that failed.
 * - `CredentialsNotResolved`: a synchronous `signRequest` with credentials from a
 *   provider that have not been resolved yet, or have expired: sign with
 *   `signRequestAsync`, which resolves them.
 * - `InvalidEndpoint`: the endpoint (or `sendTo`) is not an absolute http(s) or ws(s) URL without query or fragment.
 * - `MissingRegion`: no region was given and none could be read from the endpoint or the environment.
 * - `InvalidConfig`: another signer option (service, region spelling, expiry) is unusable.
 * - `InvalidRequest`: the method, path, query, a header or the body cannot be signed as given.
 *
 * @since 3.0.0
 * @category models
 */
export type SigningErrorReason =
  | "MissingCredentials"
  | "CredentialsNotResolved"
  | "InvalidEndpoint"
  | "MissingRegion"
  | "InvalidConfig"
  | "InvalidRequest"

/**
 * The part of a request an `InvalidRequest` is about.
 *
 * @since 3.0.0
 * @category models
 */
export type RequestField = "method" | "path" | "queryParams" | "headers" | "body"

/**
 * A request could not be signed. Signing again with the same input cannot
 * succeed, so retries never retry it. The message says what is wrong and how to
 * fix it; it never contains a secret key or session token.
 *
 * One class for both APIs: the Promise facade throws it (`instanceof
 * SigningError`), and the Effect API fails with it, tagged `"SigningError"`
 * (`Effect.catchTag("SigningError", ...)`).
 *
 * It is a plain `Error` with a `_tag`, not an Effect `Data.TaggedError`, so
 * that signing loads nothing of Effect. What that changes for Effect code:
 * the error is not itself an Effect (write `Effect.fail(error)`, not
 * `yield* error`), and two errors with the same fields are not `Equal`.
 *
 * @since 3.0.0
 * @category errors
 */
export class SigningError extends Error {
  /** @since 3.0.0 */
  readonly _tag = "SigningError" as const
  /** @since 3.0.0 */
  readonly reason: SigningErrorReason
  /**
   * For `InvalidRequest`: which part of the request.
   *
   * @since 3.0.0
   */
  declare readonly field?: RequestField

  constructor(args: {
    readonly reason: SigningErrorReason
    readonly message: string
    readonly field?: RequestField | undefined
    readonly cause?: unknown
  }) {
    super(args.message, args.cause === undefined ? undefined : { cause: args.cause })
    this.reason = args.reason
    if (args.field !== undefined) (this as { field?: RequestField }).field = args.field
  }

  /** @since 3.0.0 */
  toJSON(): unknown {
    return { _tag: this._tag, reason: this.reason, ...(this.field === undefined ? {} : { field: this.field }), message: this.message }
  }
}
SigningError.prototype.name = "SigningError"
// The class's own name too, which a minifier renames: logs that name an error by its constructor (AWS Lambda's errorType) read it.
Object.defineProperty(SigningError, "name", { value: "SigningError" })
