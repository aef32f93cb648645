/**
 * node:http (or node:https): sign with the facade, then send the signed URL,
 * method, headers and body exactly. node:http sends headers as given, so it
 * is also the client for a `host` header signed for a private API reached
 * through a VPC endpoint.
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })
 */
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import type ApiGatewaySigner from "api-gateway-request-signer"
import type { SignedBody } from "api-gateway-request-signer"

/**
 * A signed body as node:http writes it, with the same bytes. A string goes as bytes too: given a
 * string, Node writes the header block in its encoding, which changes a Latin-1 header value.
 */
const bytesOf = (body: SignedBody): Buffer =>
  typeof body === "string" ? Buffer.from(body, "utf8")
  : body instanceof URLSearchParams ? Buffer.from(body.toString(), "utf8")
  : body instanceof ArrayBuffer ? Buffer.from(body)
  : Buffer.from(body.buffer, body.byteOffset, body.byteLength)

export const createPet = (signer: ApiGatewaySigner, name: string): Promise<{ status: number; body: string }> => {
  const signed = signer.signRequest({ method: "POST", path: "/pets", queryParams: { tag: ["new", "dog"] }, body: { name } })
  const send = signed.url.startsWith("https:") ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const body = signed.body === undefined ? undefined : bytesOf(signed.body)
    // Node adds no content-length of its own to a DELETE or OPTIONS body, which would then not arrive.
    const headers = body === undefined ? signed.headers : { ...signed.headers, "content-length": String(body.byteLength) }
    const request = send(signed.url, { method: signed.method, headers }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(body)
  })
}
