// A JavaScript ES module consumer: the root, a subpath and the local gateway, by name.
import ApiGatewaySigner, { Credentials, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const credentials = { accessKeyId: "AKIDESM", secretAccessKey: "esm/secret" }
const gateway = await LocalGateway.start({ credentials: [credentials] })
try {
  const endpoint = `${gateway.url}/prod`
  const apiSigner = new ApiGatewaySigner({ endpoint, region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey })
  const signed = apiSigner.signRequest({ method: "PUT", path: "/pets/1", body: "text" })
  const effect = await Effect.runPromise(
    Signer.signRequest({ method: "GET", path: "/pets" }).pipe(
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint, region: "us-east-1" }), Credentials.layer(credentials)))
    )
  )
  console.log(JSON.stringify({ facade: (await fetch(signed.url, signed)).status, effect: (await fetch(effect.url, effect)).status }))
} finally {
  await gateway.close()
}
