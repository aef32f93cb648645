/**
 * Signed requests sent with axios.
 *
 * Pass the signed request's `url`, `method` and `headers` unchanged, its body
 * through `toAxiosData`, and two options:
 *
 * - `transformRequest: []`: axios's own transforms re-serialize a string body
 *   sent with a JSON content type (they trim it, or JSON-encode text that is
 *   not JSON), and send the whole underlying buffer of a typed array. The
 *   body sent must be the body signed.
 * - `maxRedirects: 0`: a redirect cannot carry a valid signature, and
 *   following one would hand the session token to whoever it names.
 *
 * Without transforms axios sends a string or an `ArrayBuffer` as it is (in
 * Node and in browsers), so `toAxiosData` gives it one of those.
 *
 * axios rejects on HTTP 400 and above by default with an error carrying
 * `response.status`: `makeRequestWithRetries` and `Retry.isTransient` read it.
 *
 * `apiSigner` is made once, e.g.
 * `new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })`
 * (credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
 */
import axios, { type AxiosResponse } from "axios"
import type { ApiGatewaySigner, SignedBody, SignedRequest } from "api-gateway-request-signer"

/** A signed body as axios sends it untransformed: a string or an `ArrayBuffer`, with the same bytes. */
export const toAxiosData = (body: SignedBody | undefined): string | ArrayBuffer | undefined =>
  body === undefined || typeof body === "string" || body instanceof ArrayBuffer ? body
  : body instanceof URLSearchParams ? body.toString()
  : body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body.buffer
  : body.slice().buffer // a view of part of a buffer (a Node Buffer from its pool): just its bytes

/** Sends a signed request with axios, exactly as signed. */
export const send = <T = unknown>(request: SignedRequest): Promise<AxiosResponse<T>> =>
  axios.request<T>({
    url: request.url,
    method: request.method,
    headers: request.headers,
    data: toAxiosData(request.body),
    transformRequest: [],
    maxRedirects: 0
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
