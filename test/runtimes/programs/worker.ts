/**
 * The Cloudflare Worker workerd runs (bundled without nodejs_compat): asked
 * `GET /?gateway=URL`, it signs and sends every case itself, with the Worker's
 * fetch, and answers with the outcomes as JSON.
 */
import { runCases } from "../client.js"

export default {
  async fetch(request: Request): Promise<Response> {
    const gatewayUrl = new URL(request.url).searchParams.get("gateway")
    if (gatewayUrl === null) return new Response("GET /?gateway=URL", { status: 400 })
    return new Response(JSON.stringify(await runCases(gatewayUrl)), { headers: { "content-type": "application/json" } })
  }
}
