/**
 * Verifying SigV4 signatures as an Effect, with the time from Effect's `Clock`.
 *
 * @since 2.0.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import {
  type CredentialLookup,
  type GatewayErrorType,
  type ReceivedRequest,
  verify as verifyAt,
  type VerifyFailureReason,
  type VerifySuccess
} from "./internal/sigv4/verify.js"

/**
 * A request whose signature does not verify. `errorType` and `message` are
 * what API Gateway would answer (with HTTP 403).
 *
 * @since 2.0.0
 * @category errors
 */
export class VerificationError extends Data.TaggedError("VerificationError")<{
  readonly reason: VerifyFailureReason
  readonly errorType: GatewayErrorType
  readonly message: string
  readonly canonicalRequest?: string
  readonly stringToSign?: string
}> {}

/**
 * @since 2.0.0
 * @category models
 */
export interface VerifierOptions {
  readonly credentials: CredentialLookup
  readonly region: string
  /** Default `execute-api`. */
  readonly service?: string | undefined
  /** Default 5 minutes. */
  readonly maxClockSkewMillis?: number | undefined
}

/**
 * Verifies a received request at the `Clock`'s current time.
 *
 * @since 2.0.0
 * @category verifying
 */
export const verify = (
  request: ReceivedRequest,
  options: VerifierOptions
): Effect.Effect<VerifySuccess, VerificationError> =>
  Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => {
    const result = verifyAt(request, { ...options, now })
    if (result.valid) return Effect.succeed(result)
    const { valid: _, ...failure } = result
    return Effect.fail(new VerificationError(failure))
  })
