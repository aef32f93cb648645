/**
 * ky: hand it `signer.fetch` as its fetch. ky builds each Request (its
 * `json`, `searchParams` and `prefix`) and signer.fetch signs and sends it.
 * Turn ky's own retries off or keep them: each retry is a new call of
 * signer.fetch, signed afresh.
 *
 * This is ky 2 (Node 22 or later, browsers). On Node 20, npm installs ky 1,
 * whose option is named `prefixUrl` instead of `prefix`.
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })
 */
import ky from "ky"
import type ApiGatewaySigner from "api-gateway-request-signer"

export const petsApi = (signer: ApiGatewaySigner) => ky.create({ prefix: signer.endpoint, fetch: signer.fetch, headers: { "x-client": "pets-app" } })

export const createPet = (signer: ApiGatewaySigner, name: string) =>
  petsApi(signer).post("pets", { json: { name }, searchParams: [["tag", "new"], ["tag", "dog"]] }).json()
