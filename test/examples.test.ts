/**
 * The recipes in examples/ do what they say: each client adapter sends a
 * signed request exactly as signed (every body form), the Effect service
 * runs, the WebSocket `$connect` URL is a valid presigned URL, and a request
 * signed for another host reaches a server that verifies it through
 * node:http. All against the local gateway on 127.0.0.1.
 */
import { createHash } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda"
import * as Effect from "effect/Effect"
import type { SignedRequest } from "api-gateway-request-signer"
import type ApiGatewaySigner from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as axiosExample from "../examples/axios.js"
import { demo } from "../examples/effect-service.js"
import * as gotExample from "../examples/got.js"
import * as nodeHttpExample from "../examples/node-http.js"
import { presignConnectUrl } from "../examples/websocket-connections.js"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDEXAMPLES", secretAccessKey: "examples/secret", sessionToken: "examples-session-token" }
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner

beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: [credentials] })
  signer = signerFor(`${gateway.url}/prod`, credentials)
})
afterAll(() => gateway.close())

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")

interface Echo {
  readonly body: { readonly length: number; readonly sha256: string }
  readonly path: string
  readonly headers: Record<string, string>
}

/** Each client adapter, as a function from a signed request to the status and echo it got. */
const clients: ReadonlyArray<readonly [string, (request: SignedRequest) => Promise<{ status: number; echo: Echo }>]> = [
  ["axios", async (request) => {
    const response = await axiosExample.send<Echo>(request)
    return { status: response.status, echo: response.data }
  }],
  ["got", async (request) => {
    const response = await gotExample.send(request)
    return { status: response.statusCode, echo: JSON.parse(response.body) as Echo }
  }],
  ["node:http", async (request) => {
    const response = await nodeHttpExample.send(request)
    return { status: response.status, echo: JSON.parse(response.body.toString("utf8")) as Echo }
  }]
]

const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255])
/** Bodies and the bytes each must arrive as. */
const bodies: ReadonlyArray<readonly [string, unknown, Uint8Array | string]> = [
  ["JSON", { name: "Rex", tags: ["a", "b"] }, JSON.stringify({ name: "Rex", tags: ["a", "b"] })],
  ["own JSON text with surrounding whitespace", "  {\"a\": 1}  ", "  {\"a\": 1}  "],
  ["text", "plain text, ünïcode", "plain text, ünïcode"],
  ["bytes", bytes, bytes],
  ["a slice of a larger buffer", bytes.subarray(2, 6), bytes.subarray(2, 6)],
  ["an ArrayBuffer", bytes.slice().buffer, bytes],
  ["a form", new URLSearchParams({ a: "1 2", b: "ü" }), "a=1+2&b=%C3%BC"]
]

describe.each(clients)("examples: %s", (_, send) => {
  it.each(bodies)("sends the body exactly as signed: %s", async (_, body, expected) => {
    const headers = typeof body === "string" && body.trimStart().startsWith("{") ? { "content-type": "application/json" } : {}
    const { status, echo } = await send(signer.signRequest({ method: "POST", path: "/pets", headers, body }))
    expect(status).toBe(200)
    expect(echo.body).toEqual({ length: typeof expected === "string" ? Buffer.byteLength(expected) : expected.byteLength, sha256: sha256(expected) })
  })

  it("sends a GET without a body", async () => {
    const { status, echo } = await send(signer.signRequest({ method: "GET", path: "/pets/1" }))
    expect([status, echo.path, echo.body.length]).toEqual([200, "/prod/pets/1", 0])
  })

  it("sends a GET with a Content-Type and no body", async () => {
    const { status, echo } = await send(signer.signRequest({ method: "GET", path: "/pets/1", headers: { "content-type": "application/json" } }))
    expect([status, echo.body.length]).toEqual([200, 0])
  })

  // Node sends no content-length of its own for these methods' bodies: the body would not arrive.
  it.each(["DELETE", "OPTIONS"] as const)("sends a %s body whole", async (method) => {
    const { status, echo } = await send(signer.signRequest({ method, path: "/pets/1", body: { reason: "sold" } }))
    expect(status).toBe(200)
    expect(echo.body).toEqual({ length: 17, sha256: sha256(JSON.stringify({ reason: "sold" })) })
  })

  // Node writes the header block in the body's encoding when the body is a string: é would leave as UTF-8.
  it("sends a Latin-1 header value as signed, with a string body", async () => {
    const { status, echo } = await send(signer.signRequest({ method: "POST", path: "/pets", headers: { "x-owner": "José" }, body: { name: "Rex" } }))
    expect(status).toBe(200)
    expect(echo.headers["x-owner"]).toBe("José")
  })
})

describe("examples: the recipes' own functions", () => {
  it("axios, got and node:http: retries end in the callback's value", async () => {
    expect(await axiosExample.listPets(signer, "dog")).toMatchObject({ path: "/prod/pets", query: { type: ["dog"] } })
    expect(await gotExample.getPet(signer, "a/b")).toMatchObject({ path: "/prod/pets/a%2Fb" })
    expect(await nodeHttpExample.getPet(signer, "7")).toMatchObject({ path: "/prod/pets/7" })
  })

  it("the Effect service gets its pet after a 503, through the signed HttpClient's retries", async () => {
    const pet = await Effect.runPromise(demo)
    expect({ id: pet.id, name: pet.name }).toEqual({ id: "1", name: "Rex" })
  })

  it("the WebSocket $connect URL is a ws(s):// URL whose signature the gateway accepts (the scheme is not signed)", async () => {
    const stage = `${gateway.url.replace(/^http:/, "ws:")}/prod`
    const url = presignConnectUrl(stage, { region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken })
    // The local gateway speaks http:, so ws: here; a wss: URL gives wss:.
    expect(url.startsWith(`${stage}?`), url).toBe(true)
    expect(new URL(url).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/)
    expect(presignConnectUrl("wss://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod", { accessKey: "AKID", secretKey: "secret" }))
      .toMatch(/^wss:\/\/a1b2c3d4e5\.execute-api\.eu-west-1\.amazonaws\.com\/prod\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F\d{8}%2Feu-west-1%2Fexecute-api%2Faws4_request&/)
    const response = await fetch(url.replace(/^ws:/, "http:"))
    expect(response.status).toBe(200)
  })

  it("node:http sends a Host header the request was signed for (a private API through a VPC endpoint)", async () => {
    const request = signer.signRequest({ method: "GET", path: "/pets", headers: { host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" } })
    const response = await nodeHttpExample.send(request)
    expect(response.status).toBe(200)
    expect((JSON.parse(response.body.toString("utf8")) as Echo).headers["host"]).toBe("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com")
  })

  it("the Lambda handler answers with the pets API's pet, and 404 for a pet it does not have", async () => {
    let stalled = false
    const pets = await LocalGateway.start({
      credentials: [credentials],
      handler: async (request) => {
        if (stalled) await new Promise((resolve) => setTimeout(resolve, 3_000))
        return request.path === "/prod/pets/1" ? { status: 200, body: { id: "1", name: "Rex" } } : { status: 404, body: { message: "no" } }
      }
    })
    // The function's environment, as Lambda sets it, while the example module loads.
    vi.stubEnv("PETS_API_URL", `${pets.url}/prod`)
    vi.stubEnv("AWS_REGION", "us-east-1")
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.accessKeyId)
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey)
    vi.stubEnv("AWS_SESSION_TOKEN", credentials.sessionToken)
    try {
      const { handler } = await import("../examples/lambda.js")
      const call = async (id: string, remainingMillis = 10_000) =>
        (await handler({ pathParameters: { id } } as unknown as APIGatewayProxyEventV2, { getRemainingTimeInMillis: () => remainingMillis } as Context)) as
          APIGatewayProxyStructuredResultV2
      const found = await call("1")
      expect([found.statusCode, JSON.parse(String(found.body))]).toEqual([200, { id: "1", name: "Rex" }])
      expect((await call("2")).statusCode).toBe(404)
      // An upstream that does not answer: the handler answers 502 before the invocation's time is up.
      const started = Date.now()
      stalled = true
      expect((await call("1", 1_500)).statusCode).toBe(502)
      expect(Date.now() - started).toBeLessThan(1_500)
    } finally {
      vi.unstubAllEnvs()
      await pets.close()
    }
  })
})
