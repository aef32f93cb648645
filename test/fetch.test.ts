/**
 * signer.fetch: the global fetch, signed. Requests go to a local gateway that
 * verifies every signature and echoes what arrived: awkward paths, repeated
 * query keys, JSON, text, bytes, Blob, FormData and stream bodies, Request
 * objects, refusal of URLs outside the endpoint, retries only when asked.
 */
import { createHash } from "node:crypto"
import { Readable } from "node:stream"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import ky from "ky"
import ApiGatewaySigner, { RequestError, type RequestToSign, type SignedRequestData } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"

const credentials = { accessKeyId: "AKIDFETCH", secretAccessKey: "fetch/secret/key", sessionToken: "fetch-session-token" }
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner
let failuresLeft = 0

beforeAll(async () => {
  gateway = await LocalGateway.start({
    credentials: [credentials],
    handler: (request) => {
      if (request.path.endsWith("/flaky") && failuresLeft > 0) {
        failuresLeft--
        return { status: 503, body: { message: "Service Unavailable" } }
      }
      return undefined
    }
  })
  signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/stage`, region: "us-east-1", credentials })
})
afterAll(() => gateway.close())

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex")
const echoOf = async (response: Response) => ({ status: response.status, echo: (await response.json()) as LocalGateway.EchoResponse & { message?: string } })
const decoded = (path: string) => path.split("/").map(decodeURIComponent).join("/")

describe("signer.fetch takes what fetch takes", () => {
  it("a path under the endpoint, with reserved and non-ASCII characters", async () => {
    const { status, echo } = await echoOf(await signer.fetch(`/pets/${encodeURIComponent("a/b c")}/café/@:=+!$'()*`))
    expect(echo.message).toBeUndefined()
    expect(status).toBe(200)
    expect(decoded(echo.path)).toBe("/stage/pets/a/b c/café/@:=+!$'()*")
  })

  it("an absolute URL under the endpoint, with repeated query keys and empty values", async () => {
    const { status, echo } = await echoOf(await signer.fetch(new URL(`${gateway.url}/stage/search?tag=b&tag=a&empty=`)))
    expect(status).toBe(200)
    expect(echo.query).toEqual({ tag: ["a", "b"], empty: [""] })
  })

  it.each([
    ["a JSON string", JSON.stringify({ name: "Rex", note: "ü ∑ 😀" }), { "content-type": "application/json" }],
    ["text", "line one\nline two ✓", {}],
    ["bytes", Uint8Array.from({ length: 256 }, (_, i) => i), {}],
    ["an ArrayBuffer", Uint8Array.from([1, 2, 3]).buffer, {}],
    ["URLSearchParams", new URLSearchParams({ a: "1 2", b: "x&y" }), {}]
  ] as const)("a POST with %s arrives byte for byte", async (_, body, headers) => {
    const { status, echo } = await echoOf(await signer.fetch("/upload", { method: "POST", body, headers }))
    expect(status).toBe(200)
    const bytes = typeof body === "string" ? Buffer.from(body) : body instanceof URLSearchParams ? Buffer.from(body.toString()) : new Uint8Array(body as ArrayBuffer)
    expect(echo.body.sha256).toBe(sha256(bytes))
  })

  it("a Blob and a ReadableStream are read once, and the bytes read are signed and sent", async () => {
    const blob = await echoOf(await signer.fetch("/blob", { method: "PUT", body: new Blob(["blob ✓"], { type: "text/plain" }) }))
    expect(blob.status).toBe(200)
    expect(blob.echo.body.sha256).toBe(sha256("blob ✓"))
    expect(blob.echo.headers["content-type"]).toBe("text/plain")
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("streamed")), controller.close()) })
    const streamed = await echoOf(await signer.fetch("/stream", { method: "PUT", body: stream, duplex: "half" } as RequestInit))
    expect(streamed.status).toBe(200)
    expect(streamed.echo.body.sha256).toBe(sha256("streamed"))
  })

  it("a Node stream and an async generator are read once, as Node's fetch streams them, and the bytes read are signed and sent", async () => {
    const fromStream = await echoOf(await signer.fetch("/stream", { method: "PUT", body: Readable.from([Buffer.from("node "), "stream ✓"]) } as unknown as RequestInit))
    expect(fromStream.status).toBe(200)
    expect(fromStream.echo.body.sha256).toBe(sha256("node stream ✓"))
    async function* chunks() {
      yield new TextEncoder().encode("generated ")
      yield "✓"
    }
    const fromGenerator = await echoOf(await signer.fetch("/stream", { method: "PUT", body: chunks() } as unknown as RequestInit))
    expect(fromGenerator.status).toBe(200)
    expect(fromGenerator.echo.body.sha256).toBe(sha256("generated ✓"))
  })

  it("a stream that yields something other than bytes or text: a SigningError naming it", async () => {
    async function* numbers() {
      yield 42
    }
    await expect(signer.fetch("/stream", { method: "PUT", body: numbers() } as unknown as RequestInit)).rejects.toMatchObject({
      _tag: "SigningError",
      field: "body",
      message: expect.stringMatching(/stream yielded number 42; a body stream must yield bytes or strings/)
    })
  })

  it("a ReadableStream of text (a TextDecoderStream's) is sent as UTF-8, as Node's fetch sends it", async () => {
    const text = new ReadableStream<string>({ start: (controller) => (controller.enqueue("text "), controller.enqueue("stream ✓"), controller.close()) })
    const { status, echo } = await echoOf(await signer.fetch("/stream", { method: "PUT", body: text, duplex: "half" } as unknown as RequestInit))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("text stream ✓"))
  })

  it("a ReadableStream that yields something other than bytes or text: a SigningError naming the body", async () => {
    const numbers = new ReadableStream<number>({ start: (controller) => (controller.enqueue(42), controller.close()) })
    await expect(signer.fetch("/stream", { method: "PUT", body: numbers, duplex: "half" } as unknown as RequestInit)).rejects.toMatchObject({
      _tag: "SigningError",
      field: "body",
      message: expect.stringMatching(/stream yielded number 42; a body stream must yield bytes or strings/)
    })
  })

  it("a locked ReadableStream: a SigningError naming the body and saying what to pass", async () => {
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new Uint8Array([1])), controller.close()) })
    stream.getReader()
    await expect(signer.fetch("/stream", { method: "PUT", body: stream, duplex: "half" } as RequestInit)).rejects.toMatchObject({
      _tag: "SigningError",
      field: "body",
      message: expect.stringMatching(/ReadableStream body is locked .* pass a fresh stream, or the bytes/)
    })
  })

  it("a ReadableStream read already (sent by an earlier call, read by the caller, or cancelled) is refused, never sent empty", async () => {
    const oneChunk = () => new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("once")), controller.close()) })
    const sentBefore = oneChunk()
    const init = { method: "PUT", body: sentBefore, duplex: "half" } as RequestInit
    expect((await echoOf(await signer.fetch("/stream", init))).echo.body.sha256).toBe(sha256("once"))
    const readByCaller = oneChunk()
    const reader = readByCaller.getReader()
    await reader.read()
    reader.releaseLock()
    const cancelled = oneChunk()
    await cancelled.cancel()
    for (const body of [sentBefore, readByCaller, cancelled]) {
      await expect(signer.fetch("/stream", { method: "PUT", body, duplex: "half" } as RequestInit)).rejects.toMatchObject({ _tag: "SigningError", field: "body" })
    }
  })

  it("FormData is serialized once, to exactly the multipart body sent, boundary signed", async () => {
    const form = new FormData()
    form.append("name", "Rex")
    form.append("file", new Blob(["x"]), "x.txt")
    const { status, echo } = await echoOf(await signer.fetch("/form", { method: "POST", body: form }))
    expect(status).toBe(200)
    expect(echo.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    expect(echo.body.length).toBeGreaterThan(0)
  })

  it("a Request, whose body stays readable", async () => {
    const request = new Request(`${gateway.url}/stage/req?x=1`, { method: "POST", body: "from a Request", headers: { "x-custom": "v" } })
    const { status, echo } = await echoOf(await signer.fetch(request))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("from a Request"))
    expect(echo.headers["x-custom"]).toBe("v")
    expect(await request.text()).toBe("from a Request")
  })

  it("refuses a URL outside the endpoint's origin or stage, before anything is sent", async () => {
    await expect(signer.fetch("https://elsewhere.example/stage/x")).rejects.toMatchObject({ _tag: "SigningError", field: "path" })
    await expect(signer.fetch(`${gateway.url}/other-stage/x`)).rejects.toMatchObject({ _tag: "SigningError", field: "path" })
  })

  it("a Request with a null body in init sends the Request's own body, as fetch does", async () => {
    const request = new Request(`${gateway.url}/stage/req`, { method: "PUT", body: "kept", headers: { "content-type": "text/plain" } })
    const { status, echo } = await echoOf(await signer.fetch(request, { body: null }))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("kept"))
  })

  it("a Request with init.headers sends init's headers instead of its own, as fetch does", async () => {
    const incoming = new Request(`${gateway.url}/stage/forwarded`, { headers: { cookie: "session=abc", authorization: "Bearer end-user" } })
    const { status, echo } = await echoOf(await signer.fetch(incoming, { headers: { "x-chosen": "1" } }))
    expect(status).toBe(200)
    expect(echo.headers["x-chosen"]).toBe("1")
    expect(echo.headers["cookie"]).toBeUndefined()
  })

  it.each([
    ["a line break at the end (read from a file)", (url: string) => `${url}/pets\n`],
    ["a space before it", (url: string) => ` ${url}/pets`],
    ["a space after it", (url: string) => `${url}/pets `],
    ["a tab inside", (url: string) => `${url}/pe\tts`],
    ["a backslash in the path", (url: string) => `${url}/pets\\123`]
  ])("refuses an absolute URL fetch would read otherwise than as written: %s", async (_, spelled) => {
    const url = spelled(`${gateway.url}/stage`)
    await expect(signer.fetch(url)).rejects.toMatchObject({ _tag: "SigningError", field: "path", message: expect.stringContaining("fetch would") })
  })

  it("a space before an absolute URL's fragment is the path's, sent as fetch sends it", async () => {
    const { status, echo } = await echoOf(await signer.fetch(`${gateway.url}/stage/pets #top`))
    expect(status).toBe(200)
    expect(echo.path).toBe("/stage/pets%20")
  })

  it("a backslash in an absolute URL's query is sent, as fetch sends it", async () => {
    const { status, echo } = await echoOf(await signer.fetch(`${gateway.url}/stage/pets?q=a\\b`))
    expect(status).toBe(200)
    expect(echo.query).toEqual({ q: ["a\\b"] })
  })

  it("refuses a body fetch would send as [object Object]", async () => {
    await expect(signer.fetch("/x", { method: "POST", body: { a: 1 } as unknown as NonNullable<RequestInit["body"]> })).rejects.toMatchObject({
      _tag: "SigningError",
      field: "body"
    })
  })

  it("is bound: it can be handed to a library as its fetch (ky)", async () => {
    const client = ky.create({ prefix: `${gateway.url}/stage`, fetch: signer.fetch })
    const echo = await client.post("pets", { json: { name: "Rex" }, searchParams: { a: "1" } }).json<LocalGateway.EchoResponse>()
    expect(echo.method).toBe("POST")
    expect(echo.query).toEqual({ a: ["1"] })
  })
})

describe("signer.fetch retries only when asked", () => {
  it("without retries, a 503 is the response", async () => {
    failuresLeft = 1
    expect((await signer.fetch("/flaky")).status).toBe(503)
  })

  it("with retries, a 503 is retried, signed afresh, until it succeeds", async () => {
    failuresLeft = 2
    expect((await signer.fetch("/flaky", { retries: 3 })).status).toBe(200)
  })

  // A browser's fetch rejects with only its words ("Failed to fetch"), workerd's likewise: no code to read.
  it.each([
    ["Chromium's", new TypeError("Failed to fetch")],
    ["workerd's", new Error("Network connection lost.")]
  ])("with retries, %s network failure is retried, signed afresh, until it succeeds", async (_, failure) => {
    let attempts = 0
    const flaky = new ApiGatewaySigner({
      endpoint: `${gateway.url}/stage`,
      region: "us-east-1",
      credentials,
      fetch: (input: string | URL | Request, init?: RequestInit) => (attempts++ === 0 ? Promise.reject(failure) : fetch(input, init))
    })
    expect((await flaky.fetch("/x", { retries: 2 })).status).toBe(200)
    expect(attempts).toBe(2)
  })

  it("a shouldRetry without retries asks for retries: up to the default 5", async () => {
    failuresLeft = 2
    expect((await signer.fetch("/flaky", { shouldRetry: (failure) => failure instanceof Response && failure.status === 503 })).status).toBe(200)
  })

  it("when retries run out, the last response is what it resolves with", async () => {
    failuresLeft = 5
    expect((await signer.fetch("/flaky", { retries: 1 })).status).toBe(503)
    failuresLeft = 0
  })

  it("a network failure after the last retry is a RequestError", async () => {
    const unreachable = new ApiGatewaySigner({ endpoint: "http://127.0.0.1:1/stage", region: "us-east-1", credentials })
    await expect(unreachable.fetch("/x", { retries: 1 })).rejects.toBeInstanceOf(RequestError)
  })
})

/** A Response as fetch hands it out: with the URL it came from (one made in code has none, and holds no connection). */
const fromNetwork = (response: Response): Response =>
  Object.defineProperty(response, "url", { value: "https://abc123.execute-api.us-east-1.amazonaws.com/stage/x" })

describe("signer.fetch with a fetch of its own that records what it is given", () => {
  /** A signer whose fetch answers `statuses` in turn, each with a body that records being cancelled; `seen` holds each init. */
  const scripted = (statuses: ReadonlyArray<number>) => {
    const seen: Array<RequestInit> = []
    const cancelled: Array<number> = []
    const answer = (status: number, index: number) =>
      fromNetwork(new Response(new ReadableStream({ start: (controller) => (controller.enqueue(new Uint8Array(64 * 1024)), controller.close()), cancel: () => void cancelled.push(index) }), { status }))
    const fake = async (_: string | URL | Request, init?: RequestInit) => {
      seen.push(init!)
      return answer(statuses[seen.length - 1]!, seen.length - 1)
    }
    return { signer: new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/stage", credentials, fetch: fake }), seen, cancelled }
  }

  it("asks shouldRetry once per failed response", async () => {
    const { signer } = scripted([503, 503, 503])
    let asked = 0
    const response = await signer.fetch("/x", { retries: 2, shouldRetry: () => (asked++, true) })
    expect(response.status).toBe(503)
    expect(asked).toBe(3)
  })

  it("releases the bodies of the responses it retries past, and hands over the last one unread", async () => {
    const { signer, cancelled } = scripted([503, 503, 200])
    const response = await signer.fetch("/x", { retries: 2 })
    expect(response.status).toBe(200)
    expect(cancelled).toEqual([0, 1])
    expect((await response.arrayBuffer()).byteLength).toBe(64 * 1024)
  })

  it("keeps a response its fetch hands out again for every attempt (a mock's one Response): the last one is still readable", async () => {
    const same = new Response("busy", { status: 503 })
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/stage", credentials, fetch: async () => same })
    const response = await signer.fetch("/x", { retries: 2, shouldRetry: () => true })
    expect(response).toBe(same)
    expect(await response.text()).toBe("busy")
  })

  it.each([404, 503])("resolves with a %s from a fetch whose Response is not this runtime's class (npm undici, node-fetch, a mock)", async (status) => {
    class ForeignResponse {
      readonly ok = false
      readonly status = status
      readonly headers = new Headers()
      readonly bodyUsed = false
      readonly body = new ReadableStream()
    }
    const foreign = new ForeignResponse()
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/stage", credentials, fetch: async () => foreign as unknown as Response })
    expect(await signer.fetch("/x")).toBe(foreign)
  })

  it("passes on a Request's own fields (cache, credentials, mode, ...) that init sets to undefined, as fetch keeps them", async () => {
    const { signer, seen } = scripted([200])
    const request = new Request("https://abc123.execute-api.us-east-1.amazonaws.com/stage/x", { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" } as RequestInit)
    await signer.fetch(request, { cache: undefined, credentials: undefined, referrerPolicy: undefined, retries: 0 } as unknown as RequestInit)
    expect(seen[0]).toMatchObject({ cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" })
  })

  it("passes on the fields of the runtime's fetch it does not know (undici's dispatcher, Bun's proxy), as given", async () => {
    const { signer, seen } = scripted([200])
    const dispatcher = { dispatch: () => true }
    await signer.fetch("/x", { dispatcher, proxy: "http://127.0.0.1:3128", retries: 0 } as unknown as RequestInit)
    expect(seen[0]).toMatchObject({ dispatcher, proxy: "http://127.0.0.1:3128", redirect: "manual" })
    expect(seen[0]).not.toHaveProperty("retries")
  })

  it("is called as fetch(url, init), the signed URL a string, whether signer.fetch got a path, a URL or a Request: a fetch typed so is taken", async () => {
    const calls: Array<[string, RequestInit]> = []
    const recording = async (url: string, init: RequestInit): Promise<Response> => {
      calls.push([url, init])
      return new Response("ok")
    }
    const endpoint = "https://abc123.execute-api.us-east-1.amazonaws.com/stage"
    const own = new ApiGatewaySigner({ endpoint, credentials, fetch: recording })
    for (const input of ["/pets", new URL(`${endpoint}/pets`), new Request(`${endpoint}/pets`, { method: "POST", body: "x" })]) await own.fetch(input)
    expect(calls.map(([url, init]) => [typeof url, url, init.method, init.redirect])).toEqual([
      ["string", `${endpoint}/pets`, "GET", "manual"],
      ["string", `${endpoint}/pets`, "GET", "manual"],
      ["string", `${endpoint}/pets`, "POST", "manual"]
    ])
  })
})

describe("retrying past large error bodies, with a pool of one connection", () => {
  // Each unread body holds its connection: the retry would wait for one that is never freed.
  const withFlakyServer = async (run: (base: string) => Promise<void>) => {
    const errorPage = Buffer.alloc(256 * 1024, 120)
    let requests = 0
    const server = createServer((request, response) => {
      request.resume()
      response.writeHead(++requests % 3 === 0 ? 200 : 503, { "content-length": errorPage.length })
      response.end(errorPage)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  }
  // Node's fetch (undici) takes its Agent as `dispatcher`; the global one's class is the Agent class.
  const poolOfOne = async (base: string): Promise<object> => {
    await (await fetch(`${base}/warm-up`)).arrayBuffer()
    const Agent = (globalThis as Record<symbol, { constructor: new (options: object) => object }>)[Symbol.for("undici.globalDispatcher.1")]!.constructor
    return new Agent({ connections: 1 })
  }

  it("signer.fetch does not stall", () =>
    withFlakyServer(async (base) => {
      const dispatcher = await poolOfOne(base)
      const signer = new ApiGatewaySigner({ endpoint: `${base}/prod`, region: "us-east-1", credentials })
      const response = await signer.fetch("/x", { retries: 3, dispatcher } as RequestInit)
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }), 10_000)

  it("makeRequestWithRetries with a callback that throws the failed Response does not stall", () =>
    withFlakyServer(async (base) => {
      const dispatcher = await poolOfOne(base)
      const signer = new ApiGatewaySigner({ endpoint: `${base}/prod`, region: "us-east-1", credentials })
      const bytes = await signer.makeRequestWithRetries({ method: "GET", path: "/x" }, async (request) => {
        const response = await fetch(request.url, { ...request, dispatcher } as RequestInit)
        if (!response.ok) throw response
        return (await response.arrayBuffer()).byteLength
      }, 3, { baseDelayMs: 1 })
      expect(bytes).toBe(256 * 1024)
    }), 10_000)
})

describe("makeRequestWithRetries releases what it retries past", () => {
  it("the body of each Response the callback throws and that is retried, not the last one", async () => {
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/stage", credentials })
    const cancelled: Array<number> = []
    let calls = 0
    const thrown: Array<Response> = []
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/x" }, () => {
      const index = calls++
      const response = fromNetwork(new Response(new ReadableStream({ cancel: () => void cancelled.push(index) }), { status: 503 }))
      thrown.push(response)
      throw response
    }, 2, { baseDelayMs: 1 }).catch((failure: unknown) => failure)
    expect(error).toMatchObject({ _tag: "RequestError", attempts: 3 })
    expect(cancelled).toEqual([0, 1])
    expect(thrown[2]!.bodyUsed).toBe(false)
  })
})

describe("signer.fetch's signal", () => {
  const countingSigner = () => {
    const sent: Array<string> = []
    const fetch = (url: string | URL | Request) => {
      sent.push(String(url))
      return Promise.resolve(new Response("unavailable", { status: 503 }))
    }
    return { sent, signer: new ApiGatewaySigner({ endpoint: `${gateway.url}/stage`, region: "us-east-1", credentials, fetch }) }
  }

  it("refuses a signal that is not an AbortSignal with a SigningError naming it, before anything is sent", async () => {
    const { sent, signer } = countingSigner()
    for (const signal of ["abort", {}, { aborted: true }, 0, Object.create(AbortSignal.prototype)]) {
      const failure = await signer.fetch("/x", { signal: signal as unknown as AbortSignal, retries: 1 }).then(() => undefined, (error: unknown) => error)
      expect(failure).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
      expect((failure as Error).message).toMatch(/signal must be an AbortSignal/)
    }
    expect(sent).toEqual([])
  })

  it("a Request's own signal is heard when init sets signal to undefined (`{ signal: options?.signal }`), as fetch hears it", async () => {
    const { sent, signer } = countingSigner()
    const reason = new Error("stopped by the Request's signal")
    const request = new Request(`${gateway.url}/stage/x`, { signal: AbortSignal.abort(reason) })
    // Typed as fetch's init (exactOptionalPropertyTypes refuses `signal: undefined`), and taken as fetch takes it.
    await expect(signer.fetch(request, { signal: undefined, retries: 1 } as unknown as RequestInit)).rejects.toBe(reason)
    expect(sent).toEqual([])
  })

  it("takes null for no signal, as fetch does", async () => {
    expect((await signer.fetch("/x", { signal: null })).status).toBe(200)
  })

  it("an aborted signal rejects with its reason, and nothing is sent", async () => {
    const { sent, signer } = countingSigner()
    const reason = new Error("stopped by the caller")
    await expect(signer.fetch("/x", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(sent).toEqual([])
  })

  it("aborting while the body is read rejects at once with the signal's reason, and nothing is sent", async () => {
    const { sent, signer } = countingSigner()
    const controller = new AbortController()
    const reason = new Error("stopped while reading")
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) })
    const fetching = signer.fetch("/x", { method: "POST", body: endless, signal: controller.signal, duplex: "half" } as RequestInit)
    controller.abort(reason)
    await expect(fetching).rejects.toBe(reason)
    expect(sent).toEqual([])
  })

  it("aborting with a null reason while the body is read rejects as with no body to read, not as a SigningError", async () => {
    const { sent, signer } = countingSigner()
    const withoutBody = await signer.fetch("/x", { signal: AbortSignal.abort(null) }).then(() => undefined, (error: unknown) => error)
    const controller = new AbortController()
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) })
    const fetching = signer.fetch("/x", { method: "POST", body: endless, signal: controller.signal, duplex: "half" } as RequestInit)
    controller.abort(null)
    const whileReading = await fetching.then(() => undefined, (error: unknown) => error)
    expect(whileReading).not.toMatchObject({ _tag: "SigningError" })
    expect((whileReading as Error | null)?.name).toBe((withoutBody as Error | null)?.name)
    expect(sent).toEqual([])
  })

  it("aborting while credentials are resolved rejects at once with the signal's reason, and nothing is sent", async () => {
    const sent: Array<string> = []
    let asked = false
    const slowProvider = () => {
      asked = true
      return new Promise<typeof credentials>(() => {})
    }
    const signer = new ApiGatewaySigner({
      endpoint: `${gateway.url}/stage`,
      region: "us-east-1",
      credentials: slowProvider,
      fetch: (url: string | URL | Request) => {
        sent.push(String(url))
        return Promise.resolve(new Response("ok"))
      }
    })
    const controller = new AbortController()
    const reason = new Error("stopped while resolving")
    const fetching = signer.fetch("/x", { signal: controller.signal })
    await expect.poll(() => asked).toBe(true)
    controller.abort(reason)
    await expect(fetching).rejects.toBe(reason)
    expect(sent).toEqual([])
  })

  it("settles when the signal's removeEventListener throws, and leaves nothing unhandled", async () => {
    const { sent, signer } = countingSigner()
    const signal = new AbortController().signal
    signal.removeEventListener = () => {
      throw new Error("removeEventListener replaced by something that throws")
    }
    expect((await signer.fetch("/x", { signal, retries: 1, shouldRetry: () => true })).status).toBe(503)
    expect(sent).toHaveLength(2)
  })

  it("aborting while waiting to retry rejects at once with the signal's reason, and nothing more is sent", async () => {
    const { sent, signer } = countingSigner()
    const controller = new AbortController()
    const reason = new Error("stopped while waiting")
    const fetching = signer.fetch("/x", { signal: controller.signal, retries: 5 })
    await expect.poll(() => sent.length).toBe(1)
    controller.abort(reason)
    await expect(fetching).rejects.toBe(reason)
    expect(sent).toHaveLength(1)
  })
})

describe("signRequestAsync with a web Request", () => {
  it("resolves with a signed Request that the gateway accepts, and leaves the input unconsumed", async () => {
    const input = new Request(`${gateway.url}/stage/signed?x=1`, { method: "PUT", body: "payload" })
    const signed = await signer.signRequestAsync(input)
    expect(signed).toBeInstanceOf(Request)
    expect(signed.headers.get("authorization")).toMatch(/^AWS4-HMAC-SHA256 /)
    expect(await input.text()).toBe("payload")
    const { status, echo } = await echoOf(await fetch(signed))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("payload"))
  })

  it("takes a RequestToSign | Request held as one (a helper that signs either), and resolves with what each is signed into", async () => {
    const sign = (input: RequestToSign | Request): Promise<SignedRequestData | Request> => signer.signRequestAsync(input)
    const described = await sign({ method: "GET", path: "/either" })
    const web = await sign(new Request(`${gateway.url}/stage/either`))
    expect(described).not.toBeInstanceOf(Request)
    expect(web).toBeInstanceOf(Request)
    expect(described.url).toBe(web.url)
    expect((await fetch(web as Request)).status).toBe(200)
  })
})

describe("signer.fetch refuses what fetch cannot send as it was signed, before sending", () => {
  it("a Host header other than the URL's (fetch sends the URL's host): a SigningError naming it and the ways that work", async () => {
    let sent = 0
    const vpce = new ApiGatewaySigner({
      endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
      sendTo: "https://vpce-1.execute-api.us-east-1.vpce.amazonaws.com/prod",
      accessKey: credentials.accessKeyId,
      secretKey: credentials.secretAccessKey,
      fetch: async () => (sent++, new Response("ok"))
    })
    await expect(vpce.fetch("/pets", { headers: { host: "abc123.execute-api.us-east-1.amazonaws.com" } })).rejects.toMatchObject({
      _tag: "SigningError",
      field: "headers",
      message: expect.stringMatching(/cannot send a Host header.*x-apigw-api-id.*signRequest/)
    })
    expect(sent).toBe(0)
  })

  it("a WebSocket endpoint: a SigningError saying to use the https:// endpoint for @connections", async () => {
    let sent = 0
    const wss = new ApiGatewaySigner({
      endpoint: "wss://abc123.execute-api.us-east-1.amazonaws.com/prod",
      accessKey: credentials.accessKeyId,
      secretKey: credentials.secretAccessKey,
      fetch: async () => (sent++, new Response("ok"))
    })
    await expect(wss.fetch("/@connections/abc=")).rejects.toMatchObject({
      _tag: "SigningError",
      reason: "InvalidEndpoint",
      message: expect.stringMatching(/WebSocket URL.*https:\/\/ endpoint/)
    })
    expect(sent).toBe(0)
  })
})

describe("a web Request whose body was already read", () => {
  const used = async () => {
    const request = new Request(`${gateway.url}/stage/used`, { method: "POST", body: "payload" })
    await request.text()
    return request
  }
  it("signRequestAsync rejects with a SigningError that says the body was read and what to do", async () => {
    await expect(signer.signRequestAsync(await used())).rejects.toMatchObject({
      _tag: "SigningError",
      field: "body",
      message: expect.stringMatching(/body has already been read.*sign the Request before reading its body/)
    })
  })
  it("signer.fetch rejects the same way", async () => {
    await expect(signer.fetch(await used())).rejects.toMatchObject({ _tag: "SigningError", field: "body" })
  })
  it("signer.fetch with a null body in init refuses it the same way (null keeps the Request's body, as for fetch)", async () => {
    await expect(signer.fetch(await used(), { body: null })).rejects.toMatchObject({ _tag: "SigningError", field: "body" })
  })
  it("signer.fetch sends the body given in init instead, as fetch does", async () => {
    const { status, echo } = await echoOf(await signer.fetch(await used(), { body: "again" }))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("again"))
  })
})

describe("signer.fetch refuses headers fetch cannot send as signRequest does: naming the header and the fix", () => {
  const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", ...{ accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }, fetch: async () => new Response("ok") })
  it.each([
    ["a name beyond ASCII", { "x-name\u00e9\u4e2d": "v" }, /is not a valid header name/],
    ["a name with a space", { "bad name": "v" }, /is not a valid header name/],
    ["a value beyond U+00FF", { "x-emoji": "\u{1F600}" }, /Header "x-emoji" contains a control character or a character beyond U\+00FF/],
    ["a pair without a value", [["x-a"]], /not a \[name, value\] pair/],
    ["null, which fetch refuses too (a request to sign takes it, for none)", null, /fetch takes no headers: null .*leave headers out/]
  ])("%s", async (_, headers, message) => {
    const error = await signer.fetch("/pets", { headers: headers as never }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "headers", message: expect.stringMatching(message) })
  })

  it("headers fetch refuses from a one-shot iterable: the refused value is not quoted (it may be a key)", async () => {
    const headers = (function*() {
      yield ["x-api-key", "sk_live_SECRETVALUE123\0"] as [string, string]
    })()
    const error = await signer.fetch("/pets", { headers: headers as never }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "headers" })
    expect((error as Error).message).not.toContain("sk_live_SECRETVALUE123")
  })

  it.each([
    ["a generator", () => (function*() {
      yield ["x-a", "caf\u00e9 \u{1F600}"] as [string, string]
    })()],
    ["map.entries()", () => new Map([["x-a", "\u{1F600}"]]).entries()],
    ["an iterable of one's own that hands out one iterator", () => {
      const entries = new Map([["x-a", "\u{1F600}"]]).entries()
      return { [Symbol.iterator]: () => entries }
    }]
  ])("headers from %s (read once) with a value beyond U+00FF: named as the same headers in pairs are", async (_, headers) => {
    const error = await signer.fetch("/pets", { headers: headers() as never }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError", field: "headers", message: expect.stringMatching(/Header "x-a" contains a control character or a character beyond U\+00FF/) })
  })

  it("headers from an iterator that throws: a SigningError that quotes nothing of it", async () => {
    const headers = (function*() {
      yield ["x-a", "1"] as [string, string]
      throw new Error("sk_live_SECRETVALUE123")
    })()
    const error = await signer.fetch("/pets", { headers: headers as never }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError", field: "headers", message: expect.stringMatching(/could not be read/) })
    expect((error as Error).message).not.toContain("sk_live_SECRETVALUE123")
  })

  /** The x-a header each request the signer's fetch sends carries. */
  const recordingSigner = () => {
    const seen: Array<string | null> = []
    const recording = new ApiGatewaySigner({
      endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
      accessKey: credentials.accessKeyId,
      secretKey: credentials.secretAccessKey,
      fetch: async (_input, init) => {
        seen.push(new Headers(init?.headers).get("x-a"))
        return new Response("ok")
      }
    })
    return { recording, seen }
  }

  it("headers from a generator that fetch can send are signed and sent", async () => {
    const { recording, seen } = recordingSigner()
    const headers = (function*() {
      yield ["x-a", "1"] as [string, string]
    })()
    await recording.fetch("/pets", { headers: headers as never })
    expect(seen).toEqual(["1"])
  })

  it("a name repeated in [name, value] pairs is still joined, as fetch joins it", async () => {
    const { recording, seen } = recordingSigner()
    await recording.fetch("/pets", { headers: [["x-a", "1"], ["x-a", "2"]] })
    expect(seen).toEqual(["1, 2"])
  })
})

/**
 * `URL.canParse` came late (Chrome 120, Safari 17, Firefox 115), and React
 * Native's URL and react-native-url-polyfill before 3.0 have none: absolute
 * URLs are read with `new URL` alone.
 */
describe("where URL has no static canParse (older browsers, React Native)", () => {
  const withoutCanParse = async (run: () => Promise<void>) => {
    const descriptor = Object.getOwnPropertyDescriptor(URL, "canParse")!
    delete (URL as { canParse?: unknown }).canParse
    try {
      await run()
    } finally {
      Object.defineProperty(URL, "canParse", descriptor)
    }
  }

  it.each([
    ["an absolute URL", () => `${gateway.url}/stage/pets?tag=a`],
    ["a URL object", () => new URL(`${gateway.url}/stage/pets?tag=a`)],
    ["a Request", () => new Request(`${gateway.url}/stage/pets?tag=a`)]
  ] as const)("signer.fetch takes %s", (_, input) =>
    withoutCanParse(async () => {
      const { status, echo } = await echoOf(await signer.fetch(input()))
      expect(status).toBe(200)
      expect(echo.path).toBe("/stage/pets")
    }))

  it("signRequestAsync takes a Request", () =>
    withoutCanParse(async () => {
      const signed = await signer.signRequestAsync(new Request(`${gateway.url}/stage/pets?tag=a`))
      expect((await echoOf(await fetch(signed))).status).toBe(200)
    }))

  it.each(["https://user:hunter2@elsewhere.example/pets", "https://user:hun/ter2@elsewhere.example/pets"])(
    "a URL with user info is refused as one, without showing its password: %s",
    (url) =>
      withoutCanParse(async () => {
        const failure = await signer.fetch(url).catch((e: unknown) => e)
        expect(failure).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest" })
        expect((failure as Error).message).toMatch(/carries a user name or password|may hold a password/)
        expect((failure as Error).message).not.toContain("ter2")
      })
  )
})

/**
 * React Native's own URL and URLSearchParams (0.80 on) have no
 * Symbol.toStringTag, and its URLSearchParams constructor reads another
 * instance as a plain object (its internal map becomes one "_searchParams"
 * pair): they are recognized by instanceof, and a form is signed and sent as
 * its own text.
 */
describe("where URL and URLSearchParams carry no Symbol.toStringTag (React Native's own)", () => {
  class TaglessURL extends URL {
    get [Symbol.toStringTag](): undefined {
      return undefined
    }
  }
  class TaglessSearchParams {
    readonly pairs: Array<[string, string]> = []
    constructor(init?: Record<string, string>) {
      // As React Native's: any object, another instance included, is read as a record.
      for (const [key, value] of Object.entries(init ?? {})) this.append(key, String(value))
    }
    append(key: string, value: string): void {
      this.pairs.push([key, value])
    }
    getAll(key: string): Array<string> {
      return this.pairs.filter(([name]) => name === key).map(([, value]) => value)
    }
    [Symbol.iterator]() {
      return this.pairs[Symbol.iterator]()
    }
    toString(): string {
      return this.pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")
    }
  }
  const restore: Array<() => void> = []
  const stubGlobal = (name: "URL" | "URLSearchParams", value: unknown) => {
    const saved = globalThis[name]
    ;(globalThis as Record<string, unknown>)[name] = value
    restore.push(() => ((globalThis as Record<string, unknown>)[name] = saved))
  }
  beforeAll(() => {
    stubGlobal("URL", TaglessURL)
    stubGlobal("URLSearchParams", TaglessSearchParams)
  })
  afterAll(() => restore.forEach((undo) => undo()))

  it("signer.fetch takes such a URL object", async () => {
    const { status, echo } = await echoOf(await signer.fetch(new TaglessURL(`${gateway.url}/stage/pets?tag=a`)))
    expect(status).toBe(200)
    expect(echo.path).toBe("/stage/pets")
  })

  it("signRequest signs such a form body as its text, with the form content type, and that text arrives", async () => {
    const form = new TaglessSearchParams({ a: "1 2", b: "x&y" })
    const request = signer.signRequest({ method: "POST", path: "/form", body: form as unknown as URLSearchParams })
    expect(request.headers["Content-Type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8")
    expect(String(request.body)).toBe("a=1%202&b=x%26y")
    const { status, echo } = await echoOf(await fetch(request.url, { ...request, body: String(request.body) }))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("a=1%202&b=x%26y"))
  })

  it("signer.fetch sends such a form body as its text", async () => {
    const form = new TaglessSearchParams({ a: "1 2", b: "x&y" })
    const { status, echo } = await echoOf(await signer.fetch("/form", { method: "POST", body: form as unknown as URLSearchParams }))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("a=1%202&b=x%26y"))
  })
})

/**
 * React Native's Blob has no Symbol.toStringTag and no arrayBuffer(): it is
 * taken for a Blob by its shape and class, and read through the runtime's
 * Response (whose fetch reads it with FileReader there).
 */
describe("a Blob without Symbol.toStringTag or arrayBuffer() (React Native's own)", () => {
  class TaglessBlob {
    readonly bytes: Uint8Array
    constructor(text: string, readonly type = "") {
      this.bytes = new TextEncoder().encode(text)
    }
    get size(): number {
      return this.bytes.length
    }
    slice(): TaglessBlob {
      return this
    }
    close(): void {}
  }
  // The runtime's Response reads the runtime's Blob.
  class ReadingResponse extends Response {
    constructor(body?: unknown, init?: ResponseInit) {
      super(body instanceof TaglessBlob ? body.bytes : (body as ConstructorParameters<typeof Response>[0]), init)
    }
  }
  const saved = { Blob: globalThis.Blob, Response: globalThis.Response }
  beforeAll(() => Object.assign(globalThis, { Blob: TaglessBlob, Response: ReadingResponse }))
  afterAll(() => Object.assign(globalThis, saved))

  it("is refused, never sent as \"[object Object]\", where the runtime's Response cannot read it", async () => {
    globalThis.Response = saved.Response
    try {
      const failure = await signer.fetch("/blob", { method: "PUT", body: new TaglessBlob("rn blob ✓") as unknown as Blob }).catch((e: unknown) => e)
      expect(failure).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest" })
      expect((failure as Error).message).toMatch(/has no arrayBuffer\(\), and this runtime's Response does not read its content \(it read 15 bytes, its text or nothing, of the Blob's 11\)/)
    } finally {
      globalThis.Response = ReadingResponse
    }
  })

  it("is refused where the runtime's Response reads its text, even when that text is as long as the Blob", async () => {
    globalThis.Response = saved.Response
    try {
      // "[object Object]", 15 bytes: what a Response that does not know the Blob reads of it.
      const failure = await signer.fetch("/blob", { method: "PUT", body: new TaglessBlob("fifteen bytes!!") as unknown as Blob }).catch((e: unknown) => e)
      expect(failure).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest" })
    } finally {
      globalThis.Response = ReadingResponse
    }
  })

  it("signRequest refuses it, advising a read that works on it", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: new TaglessBlob("x") as unknown as Blob })).toThrow(
      "The body is a Blob, whose bytes are only read when it is sent; read them first: new Uint8Array(await new Response(blob).arrayBuffer()), " +
        "or use signer.fetch, which does. A signature covers the body's SHA-256, which must be known before the request is sent."
    )
  })

  it("inside a JSON body, is refused, never sent as its private fields", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: { photo: new TaglessBlob("x") } })).toThrow(
      /property "photo" is a Blob, which JSON\.stringify writes as \{\} or as its private fields, never its content/
    )
  })

  it("signer.fetch reads it once, and signs and sends those bytes with its type", async () => {
    const { status, echo } = await echoOf(await signer.fetch("/blob", { method: "PUT", body: new TaglessBlob("rn blob ✓", "text/plain") as unknown as Blob }))
    expect(status).toBe(200)
    expect(echo.body.sha256).toBe(sha256("rn blob ✓"))
    expect(echo.headers["content-type"]).toBe("text/plain")
  })
})

/**
 * React Native's FormData has no Symbol.toStringTag, and its fetch encodes
 * it natively, after signing: it is refused, never signed as JSON of its
 * private fields.
 */
describe("a FormData without Symbol.toStringTag (React Native's own)", () => {
  class TaglessFormData {
    readonly _parts: Array<[string, string]> = []
    append(name: string, value: string): void {
      this._parts.push([name, value])
    }
    getAll(name: string): Array<string> {
      return this._parts.filter(([key]) => key === name).map(([, value]) => value)
    }
    getParts(): Array<[string, string]> {
      return this._parts
    }
  }
  const saved = globalThis.FormData
  beforeAll(() => Object.assign(globalThis, { FormData: TaglessFormData }))
  afterAll(() => Object.assign(globalThis, { FormData: saved }))
  const form = () => {
    const data = new TaglessFormData()
    data.append("name", "Rex")
    return data as unknown as FormData
  }

  it("signRequest refuses it as FormData only the runtime's fetch encodes, without pointing to signer.fetch", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: form() })).toThrow(
      "The body is FormData that only this runtime's fetch encodes (React Native's), when it is sent; send the fields as URLSearchParams, or a file's bytes as the body."
    )
  })

  it("inside a JSON body, is refused, pointing to URLSearchParams", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: { upload: form() } })).toThrow(
      /property "upload" is FormData, which JSON\.stringify writes as \{\} or as its private fields, never its fields; send the fields as the body \(URLSearchParams\)/
    )
  })

  it("signer.fetch refuses it as a FormData its Response does not encode", async () => {
    await expect(signer.fetch("/form", { method: "POST", body: form() })).rejects.toThrow(/This FormData is not one this runtime's Response encodes as multipart/)
  })
})
