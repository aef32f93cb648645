/**
 * Signed requests sent with got.
 *
 * - got takes a body as a string or a Buffer: convert the bytes of a
 *   `Uint8Array` or `ArrayBuffer` body without copying (`toGotBody`), and a
 *   `URLSearchParams` body as its text, which is what was signed.
 * - `followRedirect: false`: a redirect cannot carry a valid signature.
 * - `retry: { limit: 0 }`: got's own retries would resend the same signature;
 *   `makeRequestWithRetries` signs each attempt afresh, and reads the status of
 *   got's `HTTPError` (`response.statusCode`) to stop on a 4xx.
 *
 * `apiSigner` is made once, e.g.
 * `new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })`
 * (credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
 */
import got, { type Response } from "got"
import type { ApiGatewaySigner, SignedBody, SignedRequest } from "api-gateway-request-signer"

/** A signed body as got takes it, with the same bytes. */
export const toGotBody = (body: SignedBody | undefined): string | Buffer | undefined =>
  body === undefined || typeof body === "string" ? body
  : body instanceof URLSearchParams ? body.toString()
  : body instanceof ArrayBuffer ? Buffer.from(body)
  : Buffer.from(body.buffer, body.byteOffset, body.byteLength)

/** Sends a signed request with got, exactly as signed. */
export const send = (request: SignedRequest): Promise<Response<string>> =>
  got(request.url, {
    method: request.method,
    headers: request.headers,
    body: toGotBody(request.body),
    followRedirect: false,
    retry: { limit: 0 }
  })

export const getPet = (apiSigner: ApiGatewaySigner, id: string): Promise<{ id: string; name: string }> =>
  apiSigner.makeRequestWithRetries(
    { method: "GET", path: `/pets/${encodeURIComponent(id)}` },
    async (request) => JSON.parse((await send(request)).body) as { id: string; name: string },
    3
  )

export const uploadPhoto = async (apiSigner: ApiGatewaySigner, id: string, photo: Uint8Array): Promise<number> => {
  const request = apiSigner.signRequest({
    method: "PUT",
    path: `/pets/${encodeURIComponent(id)}/photo`,
    headers: { "content-type": "image/jpeg" },
    body: photo
  })
  return (await send(request)).statusCode
}
