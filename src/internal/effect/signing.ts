/**
 * Signing as Effects, shared by the Effect edges (`Signer`, `Retry`, the
 * signed HttpClient): the pure core's preparation and signing, with failures
 * as `SigningError`s in the error channel, the time from `Clock` and the
 * credentials from the `Credentials` service current at each attempt.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Service as CredentialsService } from "../../Credentials.js"
import type { PresignedRequest, RequestToSign } from "../../SignedRequest.js"
import { SigningError } from "../../SigningError.js"
import { type PreparedRequest, prepareRequest } from "../request/prepare.js"
import type { ResolvedSigner } from "../settings.js"
import { presignPrepared, type SignedWithDetails, signPreparedWithDetails } from "../signPrepared.js"
import { currentSigningCredentials } from "./credentialsService.js"

/** Any failure of the pure core as a SigningError (it throws nothing else; this is the safety net). */
export const asSigningError = (error: unknown): SigningError =>
  error instanceof SigningError ? error : new SigningError({
    reason: "InvalidRequest",
    message: `The request could not be signed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error
  })

/** Validates and encodes a request once; reusable across attempts. */
export const prepare = (signer: ResolvedSigner, request: RequestToSign): Effect.Effect<PreparedRequest, SigningError> =>
  Effect.try({ try: () => prepareRequest(signer, request), catch: asSigningError })

/** Signs a prepared request with the credentials and time current now. */
export const signPreparedNow = (
  signer: ResolvedSigner,
  credentials: CredentialsService,
  prepared: PreparedRequest
): Effect.Effect<SignedWithDetails, SigningError> =>
  Effect.flatMap(currentSigningCredentials(credentials), (current) =>
    Effect.clockWith((clock) =>
      Effect.try({
        try: () => signPreparedWithDetails(prepared, current, clock.unsafeCurrentTimeMillis(), signer),
        catch: asSigningError
      })
    ))

/** Presigns a prepared request with the credentials and time current now. */
export const presignPreparedNow = (
  signer: ResolvedSigner,
  credentials: CredentialsService,
  prepared: PreparedRequest,
  expiresIn: number
): Effect.Effect<PresignedRequest, SigningError> =>
  Effect.flatMap(currentSigningCredentials(credentials), (current) =>
    Effect.clockWith((clock) =>
      Effect.try({
        try: () => presignPrepared(prepared, current, clock.unsafeCurrentTimeMillis(), signer, expiresIn),
        catch: asSigningError
      })
    ))
