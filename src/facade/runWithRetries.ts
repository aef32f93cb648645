/**
 * The Promise facade's makeRequestWithRetries: the Effect program of
 * `Retry.makeRequestWithRetries`, run as a Promise. It is an Effect edge that
 * belongs to the facade, imported lazily by it, so that signing alone never
 * loads the Effect runtime.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { RequestWithRetriesOptions } from "../ApiGatewaySigner.js"
import * as Credentials from "../Credentials.js"
import type { SigningCredentials } from "../internal/credentials.js"
import { abortReason } from "../internal/abort.js"
import { fromSigningCredentials } from "../internal/effect/credentials.js"
import { staticService } from "../internal/effect/credentialsService.js"
import type { ResolvedSigner } from "../internal/settings.js"
import * as Retry from "../Retry.js"
import type { RequestToSign, SignedRequest } from "../SignedRequest.js"
import * as Signer from "../Signer.js"

export const runWithRetries = <T>(
  signer: ResolvedSigner,
  credentials: SigningCredentials,
  params: RequestToSign,
  callback: (request: SignedRequest) => T | PromiseLike<T>,
  retries: number,
  options: RequestWithRetriesOptions
): Promise<Awaited<T>> => {
  const { signal } = options
  const program = Retry.makeRequestWithRetries(
    params,
    (signed) => Effect.tryPromise({ try: async () => await callback(signed), catch: (error) => error }),
    {
      schedule: Retry.backoff({
        times: retries,
        ...(options.baseDelayMs === undefined ? {} : { base: options.baseDelayMs }),
        ...(options.maxDelayMs === undefined ? {} : { maxDelay: options.maxDelayMs })
      }),
      ...(options.shouldRetry === undefined ? {} : { while: options.shouldRetry }),
      ...(options.maxDelayMs === undefined ? {} : { maxDelay: options.maxDelayMs })
    }
  ).pipe(
    Effect.provideService(Signer.Signer, signer),
    Effect.provideService(Credentials.Credentials, staticService(fromSigningCredentials(credentials)))
  )
  return Effect.runPromiseExit(program, signal === undefined ? undefined : { signal }).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value as Awaited<T>
    if (signal?.aborted) throw abortReason(signal)
    const failure = Cause.failureOption(exit.cause)
    throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
  })
}
