/**
 * Signed requests sent with `node:http` / `node:https`, no HTTP library.
 *
 * - Headers go out as given, a `host` header included: this is the client
 *   to use when the signed host differs from the URL's (a private API through
 *   a VPC endpoint, see vpc-endpoint.ts), which fetch cannot send.
 * - The body goes out as bytes with its `content-length` (unsigned, as
 *   clients add it): Node sends none of its own for a DELETE or OPTIONS body,
 *   which would then not arrive, and a string body would make Node write the
 *   header block as UTF-8 (a Latin-1 header value such as `José` would
 *   change). A `URLSearchParams` body goes out as its text.
 * - `node:http` never follows redirects, which is what a signed request
 *   needs.
 *
 * `apiSigner` is made once, e.g.
 * `new ApiGatewaySigner({ endpoint: "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })`.
 */
import * as http from "node:http"
import * as https from "node:https"
import { isIP } from "node:net"
import type { ApiGatewaySigner, SignedBody, SignedRequest } from "api-gateway-request-signer"

export interface HttpResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

/** The bytes of a signed body, as `end()` takes them. */
export const bodyBytes = (body: SignedBody | undefined): Uint8Array | undefined =>
  body === undefined ? undefined
  : typeof body === "string" ? Buffer.from(body, "utf8")
  : body instanceof URLSearchParams ? Buffer.from(body.toString(), "utf8")
  : body instanceof ArrayBuffer ? new Uint8Array(body)
  : body

/** Sends a signed request exactly as signed; resolves with the whole response, whatever its status. */
export const send = (request: SignedRequest, options: { readonly signal?: AbortSignal } = {}): Promise<HttpResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(request.url)
    const client = url.protocol === "https:" ? https : http
    const body = bodyBytes(request.body)
    const headers = body === undefined ? request.headers : { ...request.headers, "content-length": String(body.byteLength) }
    // servername: Node would take TLS's server name from a Host header (a VPC endpoint's request carries the API's);
    // the certificate to check is the one of the host the request goes to, as curl checks it. (An IP address is
    // no server name: "" sends none.)
    const servername = isIP(url.hostname) === 0 ? url.hostname : ""
    const outgoing = client.request(url, { method: request.method, headers, signal: options.signal, servername }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
    })
    outgoing.on("error", reject)
    if (body === undefined) outgoing.end()
    else outgoing.end(body)
  })

/** With retries: a failure is thrown with its `status`, which the retry policy reads (4xx but 408, 425, 429 end them). */
export const getPet = (apiSigner: ApiGatewaySigner, id: string): Promise<unknown> =>
  apiSigner.makeRequestWithRetries(
    { method: "GET", path: `/pets/${encodeURIComponent(id)}` },
    async (request) => {
      const response = await send(request, { signal: AbortSignal.timeout(10_000) })
      if (response.status >= 400) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status })
      return JSON.parse(response.body.toString("utf8")) as unknown
    },
    3
  )
