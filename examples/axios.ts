/**
 * Signed requests sent with axios.
 *
 * Pass the signed request's `url`, `method`, `headers` and `body` (as
 * `data`) unchanged, and two options:
 *
 * - `maxRedirects: 0`: a redirect cannot carry a valid signature, and
 *   following one would hand the session token to whoever it names.
 * - `transformRequest: []`: axios re-serializes a string body sent with a JSON
 *   content type (it trims it, or JSON-encodes text that is not JSON), and
 *   the body sent must be the body signed. Bodies this library serializes
 *   survive axios's transform, but your own JSON text may not.
 *
 * axios rejects on HTTP 400 and above by default with an error carrying
 * `response.status`: `makeRequestWithRetries` and `Retry.isTransient` read it.
 *
 * `apiSigner` is made once, e.g.
 * `new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })`
 * (credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
 */
import axios, { type AxiosResponse } from "axios"
import type { ApiGatewaySigner, SignedRequest } from "api-gateway-request-signer"

/** Sends a signed request with axios, exactly as signed. */
export const send = <T = unknown>(request: SignedRequest): Promise<AxiosResponse<T>> =>
  axios.request<T>({
    url: request.url,
    method: request.method,
    headers: request.headers,
    data: request.body,
    maxRedirects: 0,
    transformRequest: []
  })

export const createPet = async (apiSigner: ApiGatewaySigner, name: string): Promise<{ id: string }> => {
  const request = apiSigner.signRequest({ method: "POST", path: "/pets", body: { name } })
  const response = await send<{ id: string }>(request)
  return response.data
}

/** With retries: each attempt signed afresh; axios errors for 4xx (but 408, 425, 429) end them. */
export const listPets = (apiSigner: ApiGatewaySigner, type: string): Promise<ReadonlyArray<{ id: string; name: string }>> =>
  apiSigner.makeRequestWithRetries(
    { method: "GET", path: "/pets", queryParams: { type } },
    async (request) => (await send<ReadonlyArray<{ id: string; name: string }>>(request)).data,
    3
  )
