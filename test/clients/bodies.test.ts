/**
 * The body table of docs/clients.md, where it states this library's own
 * rules: which bodies each way of signing refuses (a SigningError for the
 * field "body", before anything is sent) and which it reads once. The
 * clients' own rules (axios's and got's serialization) are tested with them
 * in axios.test.ts and got.test.ts.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { credentials, type Echo, sha256, type Stage, startStage } from "./support.js"

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

const stream = (text: string) => new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode(text)), controller.close()) })
const form = () => {
  const data = new FormData()
  data.append("name", "Rex")
  return data
}
const refusal = { _tag: "SigningError", reason: "InvalidRequest", field: "body" }

describe("the facade's signRequest and signRequestAsync", () => {
  it.each([
    ["a Blob", () => new Blob(["x"])],
    ["FormData", form],
    ["a ReadableStream", () => stream("x")]
  ])("refuse %s, whose hash cannot be known before it is sent", async (_, body) => {
    expect(() => stage.signer.signRequest({ method: "POST", path: "/x", body: body() })).toThrow(expect.objectContaining(refusal))
    await expect(stage.signer.signRequestAsync({ method: "POST", path: "/x", body: body() })).rejects.toMatchObject(refusal)
  })

  it("take a view of part of a buffer as just its bytes", async () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5])
    const signed = stage.signer.signRequest({ method: "PUT", path: "/part", body: whole.subarray(1, 3) })
    const echo = (await (await fetch(signed.url, signed)).json()) as Echo
    expect(echo.body.sha256).toBe(sha256(new Uint8Array([2, 3])))
  })
})

describe("signer.fetch", () => {
  it("refuses a plain object, which fetch would send as [object Object], before anything is sent", async () => {
    const before = stage.log.length
    await expect(stage.signer.fetch("/x", { method: "POST", body: { a: 1 } as unknown as NonNullable<RequestInit["body"]> })).rejects.toMatchObject(refusal)
    expect(stage.log.length).toBe(before)
  })

  it.each([
    ["a Blob", () => new Blob(["read once"], { type: "text/x-blob" }), "read once"],
    ["a ReadableStream", () => stream("read once"), "read once"]
  ])("reads %s once and sends the bytes read", async (_, body, arrives) => {
    const response = await stage.signer.fetch("/once", { method: "PUT", body: body(), duplex: "half" } as RequestInit)
    expect(response.status).toBe(200)
    expect(((await response.json()) as Echo).body.sha256).toBe(sha256(arrives))
  })
})

describe("a body stream whose producer fills one buffer for every chunk (a read loop)", () => {
  const chunks = ["abc", "def", "ghi"]
  /** Yields each chunk in the same buffer, refilled: what a loop reading into one buffer yields. */
  function* refilled() {
    const buffer = new Uint8Array(3)
    for (const chunk of chunks) {
      buffer.set(new TextEncoder().encode(chunk))
      yield buffer
    }
  }

  // Fetch takes an async iterable body (undici's fetch does); a ReadableStream's queue holds what was enqueued, not a copy, so the same loop feeding one would be the producer's bug.
  it("is sent by signer.fetch as it was yielded", async () => {
    async function* yielded() {
      yield* refilled()
    }
    const response = await stage.signer.fetch("/stream", { method: "PUT", body: yielded(), duplex: "half" } as unknown as RequestInit)
    expect(((await response.json()) as Echo).body.sha256).toBe(sha256(chunks.join("")))
  })

  it("is sent by got's hook as it was yielded", async () => {
    const { default: got } = await import("got")
    const { withSigner } = await import("api-gateway-request-signer/got")
    const echo = await withSigner(got.extend({ prefixUrl: stage.stage }), stage.signer).put("stream", { body: refilled() }).json<Echo>()
    expect(echo.body.sha256).toBe(sha256(chunks.join("")))
  })
})

describe("a body stream that fails while it is read", () => {
  const failing = () => new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new Error("disk gone")) })
  const refusal = { _tag: "SigningError", reason: "InvalidRequest", field: "body", message: expect.stringContaining("Reading the body stream failed (disk gone)") }

  it("is a SigningError for the body from signer.fetch, saying so, and nothing is sent", async () => {
    const before = stage.log.length
    await expect(stage.signer.fetch("/x", { method: "PUT", body: failing(), duplex: "half" } as RequestInit)).rejects.toMatchObject(refusal)
    expect(stage.log.length).toBe(before)
  })

  it.each([
    ["signer.fetch", (request: Request) => stage.signer.fetch(request)],
    ["signRequestAsync", (request: Request) => stage.signer.signRequestAsync(request)]
  ])("in a Request: is a SigningError for the body from %s, saying so, and nothing is sent", async (_, sign) => {
    const before = stage.log.length
    const request = new Request(`${stage.stage}/x`, { method: "PUT", body: failing(), duplex: "half" } as RequestInit)
    await expect(sign(request)).rejects.toMatchObject(refusal)
    expect(stage.log.length).toBe(before)
  })

  it("is a SigningError for the body from got's hook, saying so", async () => {
    const { default: got } = await import("got")
    const { withSigner } = await import("api-gateway-request-signer/got")
    async function* failingChunks() {
      yield new TextEncoder().encode("a")
      throw new Error("disk gone")
    }
    const error = await withSigner(got.extend({ prefixUrl: stage.stage, retry: { limit: 0 } }), stage.signer).put("x", { body: failingChunks() }).then(() => undefined, (failure: unknown) => failure)
    expect((error as { cause?: unknown }).cause ?? error).toMatchObject(refusal)
  })
})

describe("the Effect signed HttpClient", () => {
  const send = (body: HttpBody.HttpBody) =>
    Effect.gen(function*() {
      const client = yield* SignedHttpClient.SignedHttpClient
      return yield* client.execute(HttpClientRequest.post("/x").pipe(HttpClientRequest.setBody(body)))
    }).pipe(
      Effect.scoped,
      Effect.flip,
      Effect.provide(
        SignedHttpClient.layer.pipe(
          Layer.provide(Signer.layer({ endpoint: stage.stage, region: "us-east-1" })),
          Layer.provide(Credentials.layer(credentials)),
          Layer.provide(FetchHttpClient.layer)
        )
      )
    )

  // A Stream body likewise: test/SignedHttpClient.test.ts.
  it.each([
    ["a Blob", () => HttpBody.raw(new Blob(["x"]))],
    ["FormData", () => HttpBody.formData(form())]
  ])("refuses %s in the error channel, before anything is sent", async (_, body) => {
    const before = stage.log.length
    expect(await Effect.runPromise(send(body()))).toMatchObject(refusal)
    expect(stage.log.length).toBe(before)
  })
})
