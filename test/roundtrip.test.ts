/**
 * Facade-signed requests sent by real clients (fetch, axios) to a local server
 * on 127.0.0.1 that verifies every signature: awkward paths, queries and
 * bodies all arrive intact and verify.
 */
import { createHash } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import ApiGatewaySigner, { type RequestToSign, type SignedRequest } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"
import type { EchoResponse } from "api-gateway-request-signer/LocalGateway"
import { pathWithinStage, resolvedSegments, text } from "./support/arbitraries.js"
import { runs } from "./support/fastCheck.js"
import { bodyBytes, decodedBytes } from "./support/oracles.js"

const credentials = { accessKeyId: "AKIDROUNDTRIP", secretAccessKey: "roundtrip/secret+key", sessionToken: "roundtrip-session-token" }
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner

beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: [credentials], region: "eu-west-1" })
  signer = signerFor(`${gateway.url}/stage`, credentials, { region: "eu-west-1" })
})
afterAll(() => gateway.close())

const sha256 = (bytes: Uint8Array | undefined) => createHash("sha256").update(bytes ?? new Uint8Array()).digest("hex")
const decodedPath = (raw: string) => raw.split("/").map(decodeURIComponent).join("/")

const viaFetch = async (request: SignedRequest) => {
  const response = await fetch(request.url, request)
  return { status: response.status, body: await response.json() as EchoResponse & { message?: string } }
}
const viaAxios = async (request: SignedRequest) => {
  const { url, method, headers, body } = request
  // (Spread because axios types `data` as optional-not-undefined under exactOptionalPropertyTypes.)
  const response = await axios({ url, method, headers, ...(body === undefined ? {} : { data: body }), validateStatus: () => true })
  return { status: response.status, body: response.data as EchoResponse & { message?: string } }
}

const cases: ReadonlyArray<readonly [string, RequestToSign, string]> = [
  ["a plain GET", { method: "GET", path: "/pets" }, "/stage/pets"],
  // Sent as given; SigV4 signs it with the slashes collapsed, and that verified path is what the gateway hands on.
  ["a double slash", { method: "GET", path: "//a//b" }, "/stage/a/b"],
  ["spaces and trailing spaces", { method: "GET", path: "/a b/trailing  " }, "/stage/a b/trailing  "],
  ["unicode", { method: "GET", path: "/ሴ/😀/café" }, "/stage/ሴ/😀/café"],
  ["%XX escapes", { method: "GET", path: `/items/${encodeURIComponent("a/b?c#d%e")}` }, "/stage/items/a/b?c#d%e"],
  ["reserved characters", { method: "GET", path: "/@:=+!*'(),;$&" }, "/stage/@:=+!*'(),;$&"],
  ["a trailing slash", { method: "GET", path: "/dir/" }, "/stage/dir/"],
  ["dot segments", { method: "GET", path: "/a/./b/../c" }, "/stage/a/c"]
]

const queries: ReadonlyArray<readonly [string, RequestToSign["queryParams"], Record<string, Array<string>>]> = [
  ["repeated keys and empty values", { tag: ["b", "a"], empty: "" }, { empty: [""], tag: ["a", "b"] }],
  ["plus signs and spaces", { q: "a+b c" }, { q: ["a+b c"] }],
  ["unicode and reserved characters", { "ключ": "значение", "k&=?#": "v&=?#/" }, { "k&=?#": ["v&=?#/"], "ключ": ["значение"] }]
]

const bodies: ReadonlyArray<readonly [string, unknown]> = [
  ["a JSON object", { name: "Rex", note: "ü ∑ 😀" }],
  ["a string", "line one\nline two ✓"],
  ["every byte value", Uint8Array.from({ length: 256 }, (_, i) => i)],
  ["an ArrayBuffer", Uint8Array.from([1, 2, 3]).buffer],
  ["a slice of a larger buffer", new Uint8Array(Uint8Array.from([9, 9, 1, 2, 3, 9]).buffer, 2, 3)],
  ["URLSearchParams", new URLSearchParams({ a: "1 2", b: "x&y=z" })]
]

describe.each([["fetch", viaFetch], ["axios", viaAxios]] as const)("%s to the verifying gateway", (_, send) => {
  it.each(cases)("%s: accepted, and the path arrives as given", async (_, request, expectedPath) => {
    const { status, body } = await send(signer.signRequest(request))
    expect(body.message).toBeUndefined()
    expect(status).toBe(200)
    expect(decodedPath(body.path)).toBe(expectedPath)
  })

  it("sends a double slash as given", async () => {
    const request = signer.signRequest({ method: "GET", path: "//a//b" })
    expect(new URL(request.url).pathname).toBe("/stage//a//b")
    expect((await send(request)).status).toBe(200)
  })

  it.each(queries)("query with %s: accepted, and the values arrive as given", async (_, queryParams, expected) => {
    const { status, body } = await send(signer.signRequest({ method: "GET", path: "/q", queryParams }))
    expect(status).toBe(200)
    expect(body.query).toEqual(expected)
  })

  it.each(bodies)("body as %s: accepted, and the bytes arrive intact", async (_, input) => {
    const request = signer.signRequest({ method: "POST", path: "/upload", body: input })
    const { status, body } = await send(request)
    expect(status).toBe(200)
    expect(body.body.sha256).toBe(sha256(bodyBytes(request.body)))
  })

  it("a forged request is refused with API Gateway's 403", async () => {
    const request = signer.signRequest({ method: "GET", path: "/pets", queryParams: { id: "1" } })
    const { status, body } = await send({ ...request, url: request.url.replace("id=1", "id=2") })
    expect(status).toBe(403)
    expect(body.message).toMatch(/^The request signature we calculated does not match/)
  })
})

describe("random requests through fetch", () => {
  const hex = (segments: ReadonlyArray<string>) => segments.map((segment) => decodedBytes(segment).toString("hex"))

  it.live.prop("every one verifies, and path, query and body arrive as given", {
    // Paths as users write them: dot segments that stay within the stage, %XX escapes, "//", trailing spaces.
    path: pathWithinStage,
    query: fc.dictionary(text(5), fc.array(text(6), { minLength: 1, maxLength: 2 }), { maxKeys: 3 }),
    payload: fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 50 }))
  }, ({ path, payload, query }) =>
    Effect.promise(async () => {
      const request = signer.signRequest({ method: "PUT", path, queryParams: query, body: payload })
      const { status, body } = await viaFetch(request)
      expect(body.message).toBeUndefined()
      expect(status).toBe(200)
      // The gateway hands on the path the signature verified: repeated slashes (empty segments) collapsed.
      const [empty, stage, ...rest] = body.path.split("/")
      expect([empty, stage]).toEqual(["", "stage"])
      const resolved = resolvedSegments(path)!
      const collapsed = [...resolved.filter((segment) => segment !== ""), ...(resolved.at(-1) === "" ? [""] : [])]
      expect(hex(rest)).toEqual(hex(collapsed))
      expect(Object.keys(body.query).sort()).toEqual(Object.keys(query).filter((k) => query[k]!.length > 0).sort())
      for (const [key, values] of Object.entries(query)) expect([...body.query[key]!].sort()).toEqual([...values].sort())
      expect(body.body.sha256).toBe(sha256(bodyBytes(request.body)))
    }), runs(300))
})
