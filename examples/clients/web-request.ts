/**
 * A web-standard Request, signed: the facade's `signRequestAsync` and the
 * Effect `Signer.signRequest` both take one whose URL lies under the
 * endpoint and give back a signed Request, leaving the one given unconsumed.
 * Send it with fetch. Handy with libraries and runtimes that hand you
 * Requests (Workers, Service Workers, middleware).
 */
import type ApiGatewaySigner from "api-gateway-request-signer"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as Effect from "effect/Effect"

/** With the Promise facade. */
export const forward = async (signer: ApiGatewaySigner, incoming: Request): Promise<Response> =>
  fetch(await signer.signRequestAsync(incoming))

/** With the Effect API: SigningErrors in the error channel; time from the Clock, credentials from the environment. */
export const forwardEffect = (endpoint: string, incoming: Request) =>
  Effect.gen(function*() {
    const signed = yield* Signer.signRequest(incoming)
    return yield* Effect.promise(() => fetch(signed))
  }).pipe(Effect.provide(Signer.layer({ endpoint })), Effect.provide(Credentials.layerFromEnv))
