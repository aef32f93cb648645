/**
 * An Effect service over an IAM-authorized API: the signed HttpClient, a
 * retry `Schedule`, typed errors and layers.
 *
 * - `SignedHttpClient` signs every request it sends, afresh on each retry
 *   (a new `x-amz-date`, the current credentials), so
 *   `HttpClient.retryTransient` with a `Schedule` re-signs every attempt.
 * - `HttpClient.filterStatusOk` turns 4xx and 5xx into `ResponseError`s;
 *   `retryTransient` retries 408, 429, 500, 502, 503, 504 and network failures only.
 * - The endpoint comes from `Config` (PETS_API_URL) and the credentials from
 *   the environment: both are read when the layer is built, and a missing one
 *   is a typed error naming it.
 *
 * Run against the local gateway: `node --import tsx examples/effect-service.ts`.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"

export class Pet extends Schema.Class<Pet>("Pet")({ id: Schema.String, name: Schema.String }) {}

/** Exponential backoff from 100 ms with jitter, capped at 2 s between attempts, at most 4 retries. */
export const retryPolicy = Schedule.exponential("100 millis").pipe(
  Schedule.jittered,
  Schedule.either(Schedule.spaced("2 seconds")),
  Schedule.intersect(Schedule.recurs(4))
)

export class PetsApi extends Effect.Service<PetsApi>()("PetsApi", {
  effect: Effect.gen(function*() {
    const client = (yield* SignedHttpClient.SignedHttpClient).pipe(
      HttpClient.filterStatusOk,
      HttpClient.retryTransient({ schedule: retryPolicy })
    )
    const get = (id: string) =>
      client.get(`/pets/${encodeURIComponent(id)}`).pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Pet)))
    const create = (name: string) =>
      HttpClientRequest.post("/pets").pipe(
        HttpClientRequest.bodyJson({ name }),
        Effect.flatMap(client.execute),
        Effect.flatMap(HttpClientResponse.schemaBodyJson(Pet))
      )
    return { get, create } as const
  }),
  dependencies: [SignedHttpClient.layer]
}) {}

/** Signer and credentials from the environment, fetch as the transport. */
export const PetsApiLive = PetsApi.Default.pipe(
  Layer.provide(Signer.layerConfig({ endpoint: Config.string("PETS_API_URL") })),
  Layer.provide(Credentials.layerFromEnv),
  Layer.provide(FetchHttpClient.layer)
)

export const program = Effect.gen(function*() {
  const pets = yield* PetsApi
  const created = yield* pets.create("Rex")
  return yield* pets.get(created.id)
})

/** The same program against a local gateway that creates pets and answers 503 once. */
export const demo = Effect.gen(function*() {
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example/secret/key" }
  let calls = 0
  const gateway = yield* LocalGateway.make({
    credentials: [credentials],
    handler: (request) =>
      ++calls === 1 ? { status: 503, body: { message: "busy" } }
      : request.method === "POST" ? { status: 201, body: { id: "1", name: "Rex" } }
      : { status: 200, body: { id: "1", name: "Rex" } }
  })
  return yield* program.pipe(
    Effect.provide(PetsApi.Default),
    Effect.provide(Signer.layer({ endpoint: `${gateway.url}/prod`, region: gateway.region })),
    Effect.provide(Credentials.layer(credentials)),
    Effect.provide(FetchHttpClient.layer)
  )
}).pipe(Effect.scoped)

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(demo).then(
    (pet) => console.log(pet),
    (error: unknown) => console.error(error)
  )
}
