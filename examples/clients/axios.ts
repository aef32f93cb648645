/**
 * axios: `withSigner` gives an axios instance an adapter that signs each
 * request exactly as axios sends it (after interceptors, the instance's
 * defaults and `transformRequest`; the URL as `axios.getUri` builds it from
 * `baseURL`, `url` and `params`) and has axios's own adapter send exactly
 * that. A 403 for clock skew corrects the signer's clock and the request
 * goes once more. A request that cannot be signed rejects with a
 * SigningError; HTTP errors stay axios's AxiosErrors.
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })
 */
import axios from "axios"
import type ApiGatewaySigner from "api-gateway-request-signer"
import { withSigner } from "api-gateway-request-signer/axios"

/**
 * baseURL is the invoke URL, stage included; withSigner returns the same instance, now signing.
 * `indexes: null` writes an array param as tag=a&tag=b (axios's default is tag[]=a&tag[]=b).
 */
export const petsApi = (signer: ApiGatewaySigner) =>
  withSigner(
    axios.create({ baseURL: signer.endpoint, headers: { "x-client": "pets-app" }, paramsSerializer: { indexes: null }, timeout: 10_000 }),
    signer
  )

export const createPet = async (signer: ApiGatewaySigner, name: string) => {
  const { data } = await petsApi(signer).post("/pets", { name }, { params: { tag: ["new", "dog"] } })
  return data
}

/** Node's http adapter is axios's default in Node; the fetch adapter works the same way. */
export const uploadPhoto = async (signer: ApiGatewaySigner, id: string, photo: Uint8Array) => {
  const api = withSigner(axios.create({ baseURL: signer.endpoint, adapter: "fetch" }), signer)
  const { status } = await api.put(`/pets/${encodeURIComponent(id)}/photo`, photo, { headers: { "content-type": "image/jpeg" } })
  return status
}
