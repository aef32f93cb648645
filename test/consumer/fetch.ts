/**
 * The README's main call, `fetch(request.url, request)`, with every kind of
 * request the package returns: signed by the facade (with and without a
 * body), presigned, and signed by the Effect API. Compiled against the
 * consumer's own libs: TypeScript's defaults (DOM included), no @types/node
 * in the browser project.
 */
import ApiGatewaySigner, { Credentials, HttpMethods, type SignedRequest, Signer } from "api-gateway-request-signer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const endpoint = "https://API_ID.execute-api.us-east-1.amazonaws.com/STAGE"
const apiSigner = new ApiGatewaySigner({ endpoint, region: "us-east-1" })

export const signed = async (): Promise<Response> => {
  const request = apiSigner.signRequest({ method: HttpMethods.GET, path: "/pets", queryParams: { page: 2 } })
  return fetch(request.url, request)
}

export const signedWithBody = async (body: unknown): Promise<Response> => {
  const request = apiSigner.signRequest({ method: "POST", path: "/pets", body })
  return fetch(request.url, request)
}

export const presigned = async (): Promise<Response> => {
  const request = apiSigner.presignRequest({ method: "GET", path: "/pets" }, { expiresIn: 60 })
  return fetch(request.url, request)
}

export const asRequestObject = (request: SignedRequest): Request => new Request(request.url, request)

export const viaEffect = Effect.gen(function*() {
  const request = yield* Signer.signRequest({ method: "PUT", path: "/pets/1", body: new Uint8Array([1, 2, 3]) })
  const url = yield* Signer.presignRequest({ method: "GET", path: "/pets/1" })
  const sent = yield* Effect.promise(() => fetch(request.url, request))
  const fetched = yield* Effect.promise(() => fetch(url.url, url))
  return [sent.status, fetched.status] as const
}).pipe(
  Effect.provide(Layer.mergeAll(Signer.layer({ endpoint }), Credentials.layer({ accessKeyId: "AKID", secretAccessKey: "secret" })))
)
