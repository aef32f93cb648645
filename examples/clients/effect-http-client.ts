/**
 * The Effect way to send: the signed HttpClient. Every request it executes
 * (each retry included) is signed with the Signer and Credentials in
 * context; a request that cannot be signed fails with a SigningError before
 * anything is sent.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"

export const createPet = (name: string) =>
  Effect.gen(function*() {
    const client = yield* SignedHttpClient.SignedHttpClient
    const request = HttpClientRequest.post("/pets", { urlParams: [["tag", "new"], ["tag", "dog"]] }).pipe(
      HttpClientRequest.bodyUnsafeJson({ name })
    )
    const response = yield* client.execute(request)
    return yield* response.json
  }).pipe(Effect.scoped)

/** The layer: the signed client over fetch, for one endpoint, with credentials from the environment. */
export const PetsClientLive = (endpoint: string) =>
  SignedHttpClient.layer.pipe(
    Layer.provide(Signer.layer({ endpoint })),
    Layer.provide(Credentials.layerFromEnv),
    Layer.provide(FetchHttpClient.layer)
  )

// Effect.runPromise(createPet("Rex").pipe(Effect.provide(PetsClientLive("https://API_ID.execute-api.us-east-1.amazonaws.com/prod"))))
