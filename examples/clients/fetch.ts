/**
 * fetch, two ways. Sign with the facade and send exactly what was signed
 * (`fetch(request.url, request)`); or let `signer.fetch` sign and send: it
 * takes what the global fetch takes (a path under the endpoint, an absolute
 * URL under it, a Request), resolves credentials, corrects clock skew, and
 * retries only when asked.
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })
 */
import type ApiGatewaySigner from "api-gateway-request-signer"

/** A JSON object body is serialized by the signer, with content-type application/json. */
export const createPet = (signer: ApiGatewaySigner, name: string): Promise<Response> => {
  const request = signer.signRequest({ method: "POST", path: "/pets", queryParams: { tag: ["new", "dog"] }, body: { name } })
  return fetch(request.url, request)
}

/** signer.fetch: a body as fetch takes it (here a string), up to 2 retries of network errors, 408, 425, 429 and 5xx. */
export const renamePet = (signer: ApiGatewaySigner, id: string, name: string): Promise<Response> =>
  signer.fetch(`/pets/${encodeURIComponent(id)}?notify=email&notify=sms`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
    retries: 2
  })
