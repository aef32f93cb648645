/**
 * Verifying SigV4 signatures as an Effect, with the time from Effect's `Clock`.
 *
 * @since 3.0.0
 * @module
 */
import * as Effect from "effect/Effect"
import type { GatewayErrorType, VerifyFailureReason, VerifySuccess } from "./SigV4.js"
import { asSigningError } from "./internal/effect/signing.js"
import { type ReceivedRequest, verify as verifyAt, type VerifyOptions } from "./SigV4.js"
import type { SigningError } from "./SigningError.js"

/**
 * A request whose signature does not verify. `errorType` and `message` are
 * what API Gateway would answer (with HTTP 403), but that the message and
 * `canonicalRequest` show the caller's session token and any signature in
 * the query as `<redacted>`: the error may be logged, printed and serialized
 * (see `SigV4.verify`).
 *
 * @since 3.0.0
 * @category errors
 */
export class VerificationError extends Error {
  /** @since 3.0.0 */
  readonly _tag = "VerificationError" as const
  /** @since 3.0.0 */
  readonly reason: VerifyFailureReason
  /** @since 3.0.0 */
  readonly errorType: GatewayErrorType
  /** For a signature mismatch: what the server computed, session token and query signature `<redacted>`. */
  declare readonly canonicalRequest?: string
  /** For a signature mismatch: what the server computed (no secret in it). */
  declare readonly stringToSign?: string

  constructor(args: {
    readonly reason: VerifyFailureReason
    readonly errorType: GatewayErrorType
    readonly message: string
    readonly canonicalRequest?: string | undefined
    readonly stringToSign?: string | undefined
  }) {
    super(args.message)
    this.reason = args.reason
    this.errorType = args.errorType
    if (args.canonicalRequest !== undefined) (this as { canonicalRequest?: string }).canonicalRequest = args.canonicalRequest
    if (args.stringToSign !== undefined) (this as { stringToSign?: string }).stringToSign = args.stringToSign
  }
}
VerificationError.prototype.name = "VerificationError"
// The class's own name too, which a minifier renames: logs that name an error by its constructor (AWS Lambda's errorType) read it.
Object.defineProperty(VerificationError, "name", { value: "VerificationError" })

/**
 * Options of `verify`: those of `SigV4.verify` but the time, which comes from `Clock`.
 *
 * @since 3.0.0
 * @category models
 */
export interface VerifierOptions extends Omit<VerifyOptions, "now"> {}

/**
 * Verifies a received request at the `Clock`'s current time. Unusable options
 * (credentials that cannot be used, a bad skew) fail with a `SigningError`.
 *
 * @example
 * ```ts
 * import type { SigV4 } from "api-gateway-request-signer"
 * import * as Verifier from "api-gateway-request-signer/Verifier"
 * import * as Effect from "effect/Effect"
 *
 * // In a Node server: the request as it arrived (req.method, req.url, req.rawHeaders as pairs, the body bytes).
 * const caller = (received: SigV4.ReceivedRequest) =>
 *   Verifier.verify(received, {
 *     credentials: [{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }],
 *     region: "us-east-1"
 *   }).pipe(
 *     // Route on the path verified (dot segments resolved, `//` collapsed), not on req.url.
 *     Effect.map((verified) => ({ caller: verified.accessKeyId, path: verified.path })),
 *     // API Gateway's answer: a 403 with its error type and message (no credential of the caller in it).
 *     Effect.catchTag("VerificationError", (refused) => Effect.fail({ status: 403, type: refused.errorType, message: refused.message }))
 *   )
 * ```
 *
 * @since 3.0.0
 * @category verifying
 */
export const verify = (
  request: ReceivedRequest,
  options: VerifierOptions
): Effect.Effect<VerifySuccess, VerificationError | SigningError> =>
  Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now): Effect.Effect<VerifySuccess, VerificationError | SigningError> => {
    let result: ReturnType<typeof verifyAt>
    try {
      result = verifyAt(request, { ...options, now })
    } catch (error) {
      return Effect.fail(asSigningError(error))
    }
    if (result.valid) return Effect.succeed(result)
    const { valid: _, ...failure } = result
    return Effect.fail(new VerificationError(failure))
  })
