/**
 * npm run demo: the whole job on this machine, no AWS account, no network
 * beyond loopback. A local IAM gateway verifies SigV4 like API Gateway does;
 * the Promise facade and the Effect API sign requests for it; a forged request
 * is refused; a flaky route is recovered by retries.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SignedHttpClient from "../src/SignedHttpClient.js"
import ApiGatewaySigner, { Credentials, HttpMethods, Retry, Signer } from "../src/index.js"
import * as LocalGateway from "../src/LocalGateway.js"
import type { EchoResponse } from "../src/LocalGateway.js"

// Demo credentials, known to the local gateway only.
const DEMO = {
  accessKeyId: "AKIDLOCALDEMO0000000",
  secretAccessKey: "local-demo-secret-access-key/0000000000",
  sessionToken: "local-demo-session-token"
}
const REGION = "us-east-1"

const say = (line = "") => process.stdout.write(line + "\n")
const step = (title: string) => say(`\n── ${title} ${"─".repeat(Math.max(0, 66 - title.length))}`)

const main = async () => {
  // A route that fails twice with 503 before it answers, to show retries.
  let flakyFailuresLeft = 0
  const gateway = await LocalGateway.start({
    credentials: [DEMO],
    region: REGION,
    // Browser pages may call it too: preflights answered, Access-Control-Allow-Origin on every answer.
    cors: true,
    handler: (request) => {
      if (!request.path.endsWith("/flaky")) return undefined // everything else is echoed
      if (flakyFailuresLeft > 0) {
        flakyFailuresLeft--
        return { status: 503, body: { message: "Service Unavailable" } }
      }
      return { status: 200, body: { ok: true, served: "after retries" } }
    }
  })
  const endpoint = `${gateway.url}/prod`
  say("api-gateway-request-signer demo")
  say(`Local IAM gateway listening on ${gateway.url}, verifying SigV4 for ${REGION}/execute-api, CORS enabled.`)
  say(`Signer endpoint: ${endpoint} (access key ${DEMO.accessKeyId}; the secret is never printed)`)

  try {
    step("1. Promise facade: signRequest + fetch")
    const apiSigner = new ApiGatewaySigner({
      endpoint,
      region: REGION,
      accessKey: DEMO.accessKeyId,
      secretKey: DEMO.secretAccessKey,
      sessionToken: DEMO.sessionToken
    })
    const request = apiSigner.signRequest({
      method: HttpMethods.GET,
      path: `/pets/${encodeURIComponent("rex & co")}/photos //2024`,
      queryParams: { size: ["large", "small"], q: "a+b c", page: undefined }
    })
    say(`GET ${request.url}`)
    say(`  signed headers: ${/SignedHeaders=([^,]+)/.exec(request.headers.Authorization)![1]}`)
    const response = await fetch(request.url, request)
    const echo = await response.json() as EchoResponse
    say(`  → ${response.status}: the gateway verified it and saw path ${echo.path}, query ${JSON.stringify(echo.query)}`)
    if (response.status !== 200) throw new Error("the facade's request was refused")

    step("2. Effect API: Signer.signRequest with Signer and Credentials layers")
    const posted = await Effect.gen(function*() {
      const signed = yield* Signer.signRequest({ method: "POST", path: "/pets", body: { name: "Rex", tags: ["good", "boy"] } })
      const res = yield* Effect.promise(() => fetch(signed.url, signed))
      return { status: res.status, echo: (yield* Effect.promise(() => res.json())) as EchoResponse, signed }
    }).pipe(
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint, region: REGION }), Credentials.layer(DEMO))),
      Effect.runPromise
    )
    say(`POST ${posted.signed.url}  body ${posted.signed.body as string}`)
    say(`  → ${posted.status}: ${posted.echo.body.length} bytes arrived, sha256 ${posted.echo.body.sha256.slice(0, 16)}…, principal ${posted.echo.principal.accessKeyId}`)
    if (posted.status !== 200) throw new Error("the Effect API's request was refused")

    step("3. Signed @effect/platform HttpClient")
    const viaClient = await Effect.gen(function*() {
      const client = (yield* SignedHttpClient.SignedHttpClient).pipe(HttpClient.filterStatusOk)
      const response = yield* client.get("/pets/search", { urlParams: { tag: ["good", "boy"], near: "Zürich" } })
      return (yield* response.json) as unknown as EchoResponse
    }).pipe(
      Effect.provide(SignedHttpClient.layer),
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint, region: REGION }), Credentials.layer(DEMO), FetchHttpClient.layer)),
      Effect.runPromise
    )
    say(`GET /pets/search with urlParams, through SignedHttpClient`)
    say(`  → 200: the gateway saw path ${viaClient.path}, query ${JSON.stringify(viaClient.query)}`)

    step("4. A forged request is refused with 403, as API Gateway would")
    const genuine = apiSigner.signRequest({ method: "GET", path: "/accounts", queryParams: { id: "42" } })
    const forged = genuine.url.replace("id=42", "id=43")
    const refused = await fetch(forged, { headers: genuine.headers })
    const refusal = await refused.json() as { message: string }
    say(`GET ${forged}  (signature made for id=42)`)
    say(`  → ${refused.status} ${refused.headers.get("x-amzn-errortype")}: ${refusal.message.split("\n")[0]}`)
    if (refused.status !== 403) throw new Error("the forged request was not refused")

    step("5. A flaky route, recovered by makeRequestWithRetries")
    flakyFailuresLeft = 2
    let attempt = 0
    const result = await apiSigner.makeRequestWithRetries({ method: "GET", path: "/flaky" }, async (signed) => {
      attempt++
      const res = await fetch(signed.url, signed)
      say(`  attempt ${attempt}: x-amz-date ${signed.headers["x-amz-date"]} → ${res.status}`)
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return res.json()
    })
    say(`  → resolved after ${attempt} attempts with ${JSON.stringify(result)}; each attempt was signed when it was made`)
    say(`  (x-amz-date has whole seconds: attempts within one second carry the same date, and so the same signature)`)
    say(`  (default policy: ${Retry.DEFAULT_RETRIES} retries, exponential backoff from 100 ms with jitter)`)
    if (attempt !== 3) throw new Error("the flaky route did not take 3 attempts")

    say("\nAll done: every request was signed, sent, and verified locally.")
  } finally {
    await gateway.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
