/**
 * A TypeScript consumer, compiled with tsc and run: each API sends a request
 * to a local gateway (the package's own, on 127.0.0.1) that verifies its
 * signature. Prints the status each got, as JSON.
 */
import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const credentials = { accessKeyId: "AKIDCONSUMER", secretAccessKey: "consumer/secret", sessionToken: "consumer-token" }
const gateway = await LocalGateway.start({ credentials: [credentials] })
try {
  const endpoint = `${gateway.url}/prod`
  const apiSigner = new ApiGatewaySigner({
    endpoint,
    region: "us-east-1",
    accessKey: credentials.accessKeyId,
    secretKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken
  })
  const signed = apiSigner.signRequest({ method: "POST", path: "/pets", body: { name: "Rex" } })
  const presigned = apiSigner.presignRequest({ method: "GET", path: "/pets" }, { expiresIn: 60 })
  const SignerLive = Layer.mergeAll(Signer.layer({ endpoint, region: "us-east-1" }), Credentials.layer(credentials))
  const statuses = {
    facade: (await fetch(signed.url, signed)).status,
    presigned: (await fetch(presigned.url, presigned)).status,
    retries: await apiSigner.makeRequestWithRetries({ method: "GET", path: "/pets" }, async (request) => (await fetch(request.url, request)).status, 0),
    effect: await Effect.runPromise(
      Signer.signRequest({ method: "DELETE", path: "/pets/1" }).pipe(
        Effect.flatMap((request) => Effect.promise(() => fetch(request.url, request))),
        Effect.map((response) => response.status),
        Effect.provide(SignerLive)
      )
    ),
    httpClient: await Effect.runPromise(
      Effect.gen(function*() {
        const client = yield* SignedHttpClient.SignedHttpClient
        const response = yield* client.get("/pets", { urlParams: { type: "dog" } })
        return response.status
      }).pipe(Effect.provide(SignedHttpClient.layer), Effect.provide(SignerLive), Effect.provide(FetchHttpClient.layer))
    )
  }
  console.log(JSON.stringify(statuses))
} finally {
  await gateway.close()
}
