/**
 * api-gateway-request-signer/got: each attempt is signed in a beforeRequest
 * hook, as got sends it (after json/form/body serialization, prefixUrl and
 * searchParams), and the hook sets exactly what was signed. Runs against the
 * latest got (the devDependency) and, in the clients-compat project, against
 * got 14. Every request goes to a local gateway that verifies it and echoes
 * what arrived.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { resolve } from "node:path"
import { PassThrough, Readable } from "node:stream"
import { pathToFileURL } from "node:url"
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import got, { type Got, HTTPError, Options, RequestError } from "got"
import ApiGatewaySigner, { SigningError } from "api-gateway-request-signer"
import { clockSkewHook, signingHook, withSigner } from "api-gateway-request-signer/got"
import { compatEntry, GOT_COMPAT } from "./compat.js"
import { AWKWARD_PATH, credentials, decodedPath, type Echo, sha256, signedHeaderNames, type Stage, startStage } from "./support.js"
import { thrownBy } from "../support/outcomes.js"

let stage: Stage
let failuresLeft = 0
beforeAll(async () => {
  stage = await startStage({
    handler: (request) => {
      if (request.path.endsWith("/flaky") && failuresLeft > 0) {
        failuresLeft--
        return { status: 503, body: { message: "Service Unavailable" } }
      }
      if (request.path.endsWith("/moved")) return { status: 302, headers: { location: `${stage.stage}/arrived?from=moved` } }
      return undefined
    }
  })
})
afterAll(() => stage.gateway.close())

/** Whether this got's RequestError keeps the error it wraps as its cause (got 14.0 does not: it keeps the message). */
const keepsCause = new RequestError("probe", new Error("wrapped"), {} as never).cause !== undefined

/** Whether this got takes any iterable as body (got 16 does; got 14.0 takes streams and generators only). */
const takesIterableBodies = (() => {
  try {
    new Options(undefined, { body: new URLSearchParams("a=1") as unknown as string })
    return true
  } catch {
    return false
  }
})()

/**
 * How got reports a hook's failure: its RequestError, whose cause is the
 * SigningError saying what is wrong (with got 14.0, which keeps no cause,
 * the RequestError carries the SigningError's message).
 */
const refusal = (field: string, message: RegExp) =>
  keepsCause
    ? { name: "RequestError", code: "ERR_GOT_REQUEST_ERROR", message: expect.stringMatching(message), cause: { _tag: "SigningError", field } }
    : { name: "RequestError", code: "ERR_GOT_REQUEST_ERROR", message: expect.stringMatching(message) }
const OUTSIDE = /outside the signer's endpoint/

/** An instance with the stage as prefixUrl and a default header, signing. */
const api = (): Got => withSigner(got.extend({ prefixUrl: stage.stage, headers: { "x-team": "pets" } }), stage.signer)

describe("got, as this project means to test it", () => {
  it("is the devDependency, or in clients-compat got 14", async ({ task }) => {
    const entry = task.file.projectName === "clients-compat"
      ? compatEntry(GOT_COMPAT, "dist/source/index.js")
      : resolve(import.meta.dirname, "..", "..", "node_modules", "got", "dist", "source", "index.js")
    expect(got).toBe(((await import(pathToFileURL(entry).href)) as { default: Got }).default)
  })
})

describe("got with withSigner", () => {
  it.each([
    ["json", { json: { name: "Rex", note: "ü ∑ 😀" } }, JSON.stringify({ name: "Rex", note: "ü ∑ 😀" }), "application/json"],
    ["a string body", { body: "plain text ✓", headers: { "content-type": "text/plain; charset=utf-8" } }, "plain text ✓", "text/plain; charset=utf-8"],
    ["a Buffer body", { body: Buffer.from([0, 1, 2, 253, 254, 255]) }, new Uint8Array([0, 1, 2, 253, 254, 255]), undefined],
    ["form", { form: { a: "1 2", b: "ü&=" } }, "a=1+2&b=%C3%BC%26%3D", "application/x-www-form-urlencoded"]
  ] as const)("sends %s as got serializes it, signed and intact", async (_, options, arrives, contentType) => {
    const echo = await api().post("upload", options).json<Echo>()
    expect(echo.method).toBe("POST")
    expect(echo.body.sha256).toBe(sha256(arrives))
    if (contentType !== undefined) {
      expect(echo.headers["content-type"]).toBe(contentType)
      expect(signedHeaderNames(echo)).toContain("content-type")
    }
    expect(signedHeaderNames(echo)).toEqual(expect.arrayContaining(["content-length", "x-team"]))
  })

  it("a prefixUrl with the stage, a path with reserved and non-ASCII characters, searchParams", async () => {
    const response = await api().get(AWKWARD_PATH.written.slice(1), { searchParams: { q: "a b+c", page: 2, "ü": "ö" } })
    const echo = JSON.parse(response.body) as Echo
    expect(echo.message).toBeUndefined()
    expect(response.statusCode).toBe(200)
    expect(decodedPath(echo.path)).toBe(AWKWARD_PATH.arrives)
    // got writes a space in searchParams as + (and a plus as %2B), which API Gateway reads back as a space.
    expect(echo.query).toEqual({ q: ["a b+c"], page: ["2"], "ü": ["ö"] })
  })

  it("repeated query keys, from URLSearchParams or the URL, sent in canonical order", async () => {
    const fromParams = await api().get("search", { searchParams: new URLSearchParams([["tag", "b"], ["tag", "a"], ["q", "a b"]]) }).json<Echo>()
    expect(fromParams.query).toEqual({ tag: ["a", "b"], q: ["a b"] })
    const fromUrl = await api().get("search?tag=z&tag=y&empty=").json<Echo>()
    expect(fromUrl.query).toEqual({ tag: ["y", "z"], empty: [""] })
  })

  it("a stream body and a web FormData are read once, and the bytes read are signed and sent", async () => {
    const streamed = await api().put("stream", { body: Readable.from([Buffer.from("chunk one, "), Buffer.from("chunk two")]) }).json<Echo>()
    expect(streamed.body.sha256).toBe(sha256("chunk one, chunk two"))
    const form = new FormData()
    form.append("name", "Rex")
    form.append("file", new Blob(["x ✓"], { type: "text/plain" }), "x.txt")
    const formed = await api().post("form", { body: form }).json<Echo>()
    expect(formed.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    expect(signedHeaderNames(formed)).toContain("content-type")
    expect(formed.body.length).toBeGreaterThan(0)
  })

  it("a DELETE or OPTIONS body got could not measure (a stream, a generator) goes with its length, and arrives", async () => {
    const bodies = [
      ["DELETE", () => Readable.from([Buffer.from("ab"), Buffer.from("cd")]), "abcd"],
      ["DELETE", () => (async function*() { yield Buffer.from("gen") })(), "gen"],
      ["OPTIONS", () => Readable.from([Buffer.from("xy")]), "xy"]
    ] as const
    for (const [method, body, sent] of bodies) {
      const echo = await api()("items/1", { method, body: body(), headers: { "content-type": "application/octet-stream" }, retry: { limit: 0 } }).json<Echo>()
      expect(echo.body.sha256).toBe(sha256(sent))
      expect(echo.headers["content-length"]).toBe(String(sent.length))
    }
  })

  it("timeout.request bounds the reading of a body stream that stalls: got's timeout error, and the stream is released", async () => {
    const body = new PassThrough()
    body.write("first chunk; the rest never comes")
    const failure = await api().post("upload", { body, headers: { "content-type": "application/octet-stream" }, timeout: { request: 100 }, retry: { limit: 0 } })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: "ETIMEDOUT", message: expect.stringContaining("Timeout awaiting 'request' for 100ms") })
    expect(body.destroyed).toBe(true)
  })

  it.runIf(takesIterableBodies)("URLSearchParams and a web ReadableStream as body are sent as fetch would send them, read once", async () => {
    const form = await api().post("form", { body: new URLSearchParams([["a", "1 2"], ["a", "ü"]]) as unknown as string }).json<Echo>()
    expect(form.body.sha256).toBe(sha256("a=1+2&a=%C3%BC"))
    expect(form.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8")
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("web stream")), controller.close()) })
    const streamed = await api().put("stream", { body: stream as unknown as string }).json<Echo>()
    expect(streamed.body.sha256).toBe(sha256("web stream"))
  })

  it.runIf(!takesIterableBodies)("URLSearchParams and a web ReadableStream as body are refused by got 14.0 itself, before any hook", async () => {
    const before = stage.log.length
    for (const body of [new URLSearchParams("a=1"), new ReadableStream()]) {
      await expect(api().post("x", { body: body as unknown as string })).rejects.toMatchObject({ name: "RequestError", message: expect.stringMatching(/Expected values which are/) })
    }
    expect(stage.log.length).toBe(before)
  })

  it("got's retries are each signed afresh, and each is accepted", async () => {
    failuresLeft = 2
    const before = stage.log.length
    const response = await api().get("flaky", { retry: { limit: 2, backoffLimit: 1 } })
    expect(response.statusCode).toBe(200)
    expect(stage.log.slice(before).map((entry) => entry.status)).toEqual([503, 503, 200])
  })

  it("a redirect under the endpoint is followed, signed for where it leads", async () => {
    const echo = await api().get("moved").json<Echo>()
    expect([echo.path, echo.query]).toEqual(["/stage/arrived", { from: ["moved"] }])
  })

  it("a redirect outside the endpoint fails with a SigningError: the signature and token never go there", async () => {
    let elsewhereHits = 0
    const elsewhere = createServer((_, res) => (elsewhereHits++, res.end("{}")))
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve))
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`
    const redirecting = await startStage({ handler: () => ({ status: 302, headers: { location: target } }) })
    try {
      const client = withSigner(got.extend({ prefixUrl: redirecting.stage }), redirecting.signer)
      await expect(client.get("away")).rejects.toMatchObject(refusal("path", OUTSIDE))
      expect(elsewhereHits).toBe(0)
    } finally {
      await redirecting.gateway.close()
      await new Promise((resolve) => elsewhere.close(resolve))
    }
  })

  it("a 403 for clock skew corrects the signer's clock, and the request is signed and sent once more", async () => {
    const skewed = await startStage({ clockOffsetMillis: 10 * 60_000 })
    try {
      const client = withSigner(got.extend({ prefixUrl: skewed.stage }), skewed.signer)
      const echo = await client.post("skew", { json: { a: 1 } }).json<Echo>()
      expect(echo.body.sha256).toBe(sha256("{\"a\":1}"))
      expect(skewed.signer.clockOffset).toBeGreaterThan(9 * 60_000)
      expect(skewed.log.map((entry) => entry.status)).toEqual([403, 200])
    } finally {
      await skewed.gateway.close()
    }
  })

  it("an HTTP error is got's own HTTPError, with the response", async () => {
    const failing = await startStage({ handler: () => ({ status: 404, body: { message: "Not Found" } }) })
    try {
      const client = withSigner(got.extend({ prefixUrl: failing.stage }), failing.signer)
      const error = await client.get("missing").catch((error: unknown) => error)
      expect(error).toBeInstanceOf(HTTPError)
      expect((error as HTTPError).response.statusCode).toBe(404)
    } finally {
      await failing.gateway.close()
    }
  })

  it("refuses, before sending, a URL outside the endpoint, HTTP Basic credentials and an Authorization header", async () => {
    const before = stage.log.length
    await expect(withSigner(got, stage.signer).get(`${stage.gateway.url}/other-stage/x`)).rejects.toMatchObject(refusal("path", OUTSIDE))
    await expect(api().get("x", { username: "u", password: "p" })).rejects.toMatchObject(refusal("headers", /username or password/))
    await expect(api().get("x", { headers: { authorization: "Bearer t" } })).rejects.toMatchObject(refusal("headers", /authorization/i))
    expect(stage.log.length).toBe(before)
  })

  it("what got refuses itself, before any hook: an object or a Blob as body (use json, or the Blob's bytes)", async () => {
    const before = stage.log.length
    for (const body of [{ a: 1 }, new Blob(["b"])]) {
      const error = await api().post("x", { body: body as unknown as string }).catch((error: unknown) => error)
      expect(error).toMatchObject({ name: "RequestError", message: expect.stringMatching(/Expected values which are/) })
      expect((error as Error).cause).not.toBeInstanceOf(SigningError)
    }
    expect(stage.log.length).toBe(before)
  })

  it("resolves credentials from a provider, as signRequestAsync does", async () => {
    let asked = 0
    const signer = new ApiGatewaySigner({
      endpoint: stage.stage,
      region: "us-east-1",
      credentials: async () => (asked++, { ...credentials, expiration: new Date(Date.now() + 3_600_000) })
    })
    const client = withSigner(got.extend({ prefixUrl: stage.stage }), signer)
    expect((await client.get("a")).statusCode).toBe(200)
    expect((await client.get("b")).statusCode).toBe(200)
    expect(asked).toBe(1)
  })
})

describe("got with the hooks by hand", () => {
  it("signingHook and clockSkewHook work as any hooks do", async () => {
    const echo = await got(`${stage.stage}/by-hand`, {
      method: "PATCH",
      json: { a: 1 },
      hooks: { beforeRequest: [signingHook(stage.signer)], afterResponse: [clockSkewHook(stage.signer)] }
    }).json<Echo>()
    expect([echo.method, echo.path]).toEqual(["PATCH", "/stage/by-hand"])
  })

  it("withSigner and the hooks refuse what is not a got instance or a signer", () => {
    expect(() => withSigner({} as Got, stage.signer)).toThrow(SigningError)
    expect(() => signingHook({} as ApiGatewaySigner)).toThrow(SigningError)
  })

  it.each([
    ["signingHook", (signer: ApiGatewaySigner) => signingHook(signer)],
    ["clockSkewHook", (signer: ApiGatewaySigner) => clockSkewHook(signer)],
    ["withSigner", (signer: ApiGatewaySigner) => withSigner(got, signer)]
  ] as const)("%s refuses a signer that is a Proxy whose traps throw, with an InvalidConfig saying what to pass", (_, make) => {
    const signer = new Proxy({}, { get: () => { throw new Error("trap") } }) as ApiGatewaySigner
    expect(thrownBy(() => make(signer))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/the signer could not be read \(trap\); pass an ApiGatewaySigner/)
    })
  })

  // A 2.x app's got 11 installs beside this package (the optional peer range is *); the subpath refuses it when used.
  describe("got 11 and earlier, whose hooks get a plain object instead of got's Options", () => {
    const OLD_GOT = /^api-gateway-request-signer\/got works with got 12 and later .*Upgrade got \(npm install got@16\), or keep your got and sign with signer\.signRequest/

    it("withSigner refuses such an instance with an InvalidConfig naming the got it needs", () => {
      const extend = () => { throw new Error("extend must not be called") }
      const got11 = Object.assign(() => {}, { extend, defaults: { options: { hooks: {}, headers: {} } } }) as unknown as Got
      expect(thrownBy(() => withSigner(got11, stage.signer))).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(OLD_GOT) })
    })

    it("signingHook refuses such options before reading them", async () => {
      const hook = signingHook(stage.signer)
      const plainOptions = { method: "GET", url: new URL(`${stage.stage}/pets`), headers: {}, context: {} }
      await expect(hook(plainOptions as never, {} as never)).rejects.toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(OLD_GOT) })
    })

    it("takes got's own instance and Options, as this got is", () => {
      expect(() => withSigner(got, stage.signer)).not.toThrow()
      expect(got.defaults.options).toBeInstanceOf(Options)
    })
  })

  it("withSigner refuses an instance that is a Proxy whose traps throw, with an InvalidConfig saying what to pass", () => {
    const instance = new Proxy(() => {}, { get: () => { throw new Error("trap") } }) as unknown as Got
    expect(thrownBy(() => withSigner(instance, stage.signer))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/instance\.extend could not be read \(trap\); withSigner\(instance, signer\) takes a got instance/)
    })
  })

  // got's documented way to keep secrets out of a printed error: redact options.headers in beforeError. The
  // hook's own note of what it signed (for a retry to remove) must not keep a copy that outlives it.
  it("an HTTPError redacted in beforeError shows no session token when printed", async () => {
    const redact = (error: RequestError) => {
      const headers = error.options.headers as Record<string, unknown>
      for (const name of ["authorization", "x-amz-security-token"]) if (headers[name] !== undefined) headers[name] = "[REDACTED]"
      return error
    }
    const client = withSigner(got.extend({ prefixUrl: stage.stage, retry: { limit: 0 }, hooks: { beforeError: [redact] } }), stage.signer)
    failuresLeft = 1
    const error = await client.get("flaky").then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    // As console.log prints it, deeper; got's socket and parser internals (showHidden) are got's, as docs/clients.md says.
    expect(inspect(error, { depth: 8 })).not.toContain(credentials.sessionToken)
    expect(inspect((error as RequestError).options.context, { depth: Infinity, showHidden: true })).not.toContain(credentials.sessionToken)
  })

  it("a signer whose getter throws a credential is refused without showing it", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    const signer = Object.defineProperty({ signRequestAsync: () => undefined }, "endpoint", { get: () => { throw new Error(secret) } })
    const error = thrownBy(() => signingHook(signer as unknown as ApiGatewaySigner))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/not shown: they may be a credential/) })
    expect(inspect(error, { depth: Infinity })).not.toContain(secret)
  })
})
