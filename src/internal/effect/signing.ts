/**
 * Signing as Effects, shared by the Effect edges (`Signer`, `Retry`, the
 * signed HttpClient): the pure core's preparation and signing, with failures
 * as `SigningError`s in the error channel, the time from `Clock` and the
 * credentials from the `Credentials` service current at each attempt.
 *
 * @internal
 */
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as MutableRef from "effect/MutableRef"
import type { Service as CredentialsService } from "../../Credentials.js"
import type { RequestToSign } from "../../SignedRequest.js"
import type * as Signer from "../../Signer.js"
import type { SigningError } from "../../SigningError.js"
import { expiredCredentials, hasExpired, type SigningCredentials, secretsOf } from "../credentials.js"
import { cleanSigningError } from "../guard.js"
import { type PreparedRequest, prepareRequest } from "../request/prepare.js"
import type { ResolvedSigner } from "../settings.js"
import { type PresignedWithDetails, presignPreparedWithDetails, type SignedWithDetails, signPreparedWithDetails } from "../signPrepared.js"
import { currentSigningCredentials, staticCredentials } from "./credentialsService.js"
import { SPAN_PRESIGN, SPAN_SIGN, traced } from "./tracing.js"

export { asSigningError } from "../guard.js"

/**
 * What `check()` returns; what it throws, as a `SigningError` showing none of
 * the secrets of the credentials current now: a token pasted into a path or
 * a header, or passed as an option, must not reach a log through the message
 * that refuses it.
 */
export const checked = <A>(credentials: CredentialsService, check: () => A): Effect.Effect<A, SigningError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(check())
    } catch (error) {
      return failShowingNoSecret(error, credentials)
    }
  })

/** `error` as a `SigningError` with the secrets of the credentials current now scrubbed out (those it can get). */
export const failShowingNoSecret = (error: unknown, credentials: CredentialsService): Effect.Effect<never, SigningError> =>
  Effect.flatMap(
    Effect.orElseSucceed(Effect.map(currentSigningCredentials(credentials), secretsOf), () => []),
    (secrets) => Effect.fail(cleanSigningError(error, secrets))
  )

/** Validates and encodes a request once; reusable across attempts. */
export const prepare = (
  signer: ResolvedSigner & { readonly presigning?: boolean },
  credentials: CredentialsService,
  request: RequestToSign
): Effect.Effect<PreparedRequest, SigningError> => checked(credentials, () => prepareRequest(signer, request))

/** The time to sign at: the Clock's, plus the signer's clock offset. */
export const signingTime = (signer: Signer.Service, clock: Clock.Clock): number =>
  clock.unsafeCurrentTimeMillis() + MutableRef.get(signer.clockOffset)

/**
 * Whether a signature is for a request the library sends itself (`Retry`,
 * the signed HttpClient), which may go out with credentials that look expired
 * by the signer's clock: API Gateway's answer tells whether the clock is what
 * is wrong (a refusal for skew, which corrects it) or they are (an expired
 * token).
 */
export type Sending = "signOnly" | "sending"

/**
 * `sign` with `current` at `epochMillis`. Expired credentials are refused (as
 * in the facade): a signature made with them is a 403. But for a request being
 * sent (`sending`): when they look expired, the clock may be wrong instead, and
 * only the refusal for skew sets it right. What signing throws is a
 * SigningError without their secrets.
 */
export const signAt = <A>(
  current: SigningCredentials,
  epochMillis: number,
  from: "given" | "provider",
  sign: (current: SigningCredentials, epochMillis: number) => A,
  sending: Sending = "signOnly"
): Exit.Exit<A, SigningError> => {
  if (hasExpired(current, epochMillis) && sending !== "sending") {
    return Exit.fail(expiredCredentials(current.expiration!, epochMillis, from))
  }
  try {
    return Exit.succeed(sign(current, epochMillis))
  } catch (error) {
    return Exit.fail(cleanSigningError(error, secretsOf(current)))
  }
}

/** `sign` with the credentials current now, at the signing time, inside a span named `span`. */
const signNow = <A>(
  span: string,
  signer: Signer.Service,
  credentials: CredentialsService,
  prepared: PreparedRequest,
  sign: (current: SigningCredentials, epochMillis: number) => A,
  sending: Sending = "signOnly"
): Effect.Effect<A, SigningError> =>
  traced(
    span,
    { "http.request.method": prepared.method, "url.path": prepared.path },
    Effect.flatMap(currentSigningCredentials(credentials, MutableRef.get(signer.clockOffset)), (current) =>
      Effect.clockWith((clock) =>
        signAt(current, signingTime(signer, clock), staticCredentials(credentials) === undefined ? "provider" : "given", sign, sending)
      ))
  )

/** Signs a prepared request with the credentials and time current now; `sending` when the library sends it itself. */
export const signPreparedNow = (
  signer: Signer.Service,
  credentials: CredentialsService,
  prepared: PreparedRequest,
  sending: Sending = "signOnly"
): Effect.Effect<SignedWithDetails, SigningError> =>
  signNow(SPAN_SIGN, signer, credentials, prepared, (current, epochMillis) =>
    signPreparedWithDetails(prepared, current, epochMillis, signer), sending)

/** Presigns a prepared request with the credentials and time current now; what the signature computed too. */
export const presignPreparedNow = (
  signer: Signer.Service,
  credentials: CredentialsService,
  prepared: PreparedRequest,
  expiresIn: number
): Effect.Effect<PresignedWithDetails, SigningError> =>
  signNow(SPAN_PRESIGN, signer, credentials, prepared, (current, epochMillis) =>
    presignPreparedWithDetails(prepared, current, epochMillis, signer, expiresIn))
