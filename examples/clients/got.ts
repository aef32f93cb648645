/**
 * got: `withSigner` extends a got instance with a beforeRequest hook that
 * signs each attempt (retries and redirects included) as got sends it, after
 * `json` or `form` serialization, `prefixUrl` and `searchParams`, and an
 * afterResponse hook that corrects clock skew. A request that cannot be
 * signed fails with got's RequestError, whose cause is the SigningError.
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })
 */
import got from "got"
import type ApiGatewaySigner from "api-gateway-request-signer"
import { withSigner } from "api-gateway-request-signer/got"

/** prefixUrl is the invoke URL, stage included; paths under it have no leading slash. */
export const petsApi = (signer: ApiGatewaySigner) =>
  withSigner(got.extend({ prefixUrl: signer.endpoint, headers: { "x-client": "pets-app" }, retry: { limit: 2 } }), signer)

export const createPet = (signer: ApiGatewaySigner, name: string) =>
  petsApi(signer).post("pets", { json: { name }, searchParams: new URLSearchParams([["tag", "new"], ["tag", "dog"]]) }).json()

export const uploadPhoto = async (signer: ApiGatewaySigner, id: string, photo: Uint8Array) => {
  const response = await petsApi(signer).put(`pets/${encodeURIComponent(id)}/photo`, { body: photo, headers: { "content-type": "image/jpeg" } })
  return response.statusCode
}
