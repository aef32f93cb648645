/**
 * A Node project without the DOM lib (as @tsconfig/node20, node22 and node24
 * set it up): fetch's types come from @types/node (undici's), whose
 * `HeadersInit` includes `string[][]`. A fetch-shaped helper that forwards
 * `init` to signRequest compiles, and so do pairs built with `push`, typed
 * `string[][]` (each pair is checked at run time).
 */
import ApiGatewaySigner from "api-gateway-request-signer"

const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })

export const apiFetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
  const signed = signer.signRequest({ method: init.method ?? "GET", path, headers: init.headers, body: init.body })
  return fetch(signed.url, signed)
}

const headers: Array<Array<string>> = []
headers.push(["x-api-key", "k"])
const query: Array<Array<string>> = [["a", "1"], ["a", "2"]]
export const listed = signer.signRequest({ method: "GET", path: "/pets", headers, queryParams: query })
