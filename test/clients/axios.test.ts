/**
 * api-gateway-request-signer/axios: requests are signed as axios sends them
 * (after transformRequest, baseURL and params), and the wrapped adapter sends
 * exactly what was signed. Runs against the latest axios (the devDependency)
 * and, in the clients-compat project, against the oldest supported (1.6.x),
 * through Node's http adapter and the fetch adapter. Every request goes to a
 * local gateway that verifies it and echoes what arrived.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { PassThrough, Readable } from "node:stream"
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios, { type AxiosError, type AxiosInstance } from "axios"
import ApiGatewaySigner, { SigningError } from "api-gateway-request-signer"
import { signedAdapter, withSigner } from "api-gateway-request-signer/axios"
import { unsupportedAxios } from "../../src/internal/clientVersions.js"
import { AXIOS_COMPAT } from "./compat.js"
import { AWKWARD_PATH, installedVersion, credentials, decodedPath, type Echo, sha256, signedHeaderNames, type Stage, startStage, versionOf } from "./support.js"
import { thrownBy } from "../support/outcomes.js"

/** Whether this axios has the fetch adapter (1.7 and later). */
const hasFetchAdapter = (() => {
  try {
    axios.getAdapter("fetch")
    return true
  } catch {
    return false
  }
})()

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/** A Proxy whose every inspection throws. */
const throwingProxy = (): object =>
  new Proxy({}, {
    get: () => { throw new Error("trap") },
    has: () => { throw new Error("trap") },
    getPrototypeOf: () => { throw new Error("trap") }
  })

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

describe(`axios ${axios.VERSION}`, () => {
  it("is the version this project means to test: the devDependency, or in clients-compat the oldest supported", ({ task }) => {
    expect(axios.VERSION).toBe(task.file.projectName === "clients-compat" ? versionOf(AXIOS_COMPAT) : installedVersion("axios"))
  })
})

describe.each(["http", ...(hasFetchAdapter ? ["fetch"] : [])])(`axios ${axios.VERSION}, %s adapter`, (adapterName) => {
  /** An instance whose defaults name the stage and a header, signing through the adapter under test. */
  const api = (): AxiosInstance =>
    withSigner(axios.create({ baseURL: stage.stage, headers: { "x-team": "pets" }, adapter: adapterName }), stage.signer)

  it.each([
    ["a JSON object", { name: "Rex", note: "ü ∑ 😀" }, {}, JSON.stringify({ name: "Rex", note: "ü ∑ 😀" }), "application/json"],
    ["a string", "plain text ✓", { "content-type": "text/plain; charset=utf-8" }, "plain text ✓", "text/plain; charset=utf-8"],
    ["URLSearchParams", new URLSearchParams([["a", "1 2"], ["b", "ü&="], ["a", "3"]]), {}, "a=1+2&b=%C3%BC%26%3D&a=3", "application/x-www-form-urlencoded;charset=utf-8"],
    ["a Uint8Array", Uint8Array.from({ length: 256 }, (_, i) => 255 - i), {}, Uint8Array.from({ length: 256 }, (_, i) => 255 - i), undefined],
    ["a Buffer from Node's shared pool", Buffer.from("pooled ✓"), {}, Buffer.from("pooled ✓"), undefined]
  ] as const)("sends %s as axios serializes it, signed and intact", async (_, data, headers, arrives, contentType) => {
    const response = await api().post<Echo>("/upload", data, { headers })
    expect(response.status).toBe(200)
    expect(response.data.method).toBe("POST")
    expect(response.data.body.sha256).toBe(sha256(arrives))
    if (contentType !== undefined) expect(response.data.headers["content-type"]).toBe(contentType)
    expect(signedHeaderNames(response.data)).toContain("content-type")
  })

  it("signs after transformRequest and request interceptors: what they produce is what arrives", async () => {
    const client = api()
    client.interceptors.request.use((config) => {
      config.headers.set("x-interceptor", "yes")
      return config
    })
    const response = await client.put<Echo>("/transformed", { a: 1 }, {
      transformRequest: [(data: unknown) => JSON.stringify(data).toUpperCase()]
    })
    expect(response.status).toBe(200)
    expect(response.data.body.sha256).toBe(sha256("{\"A\":1}"))
    expect(response.data.headers["x-interceptor"]).toBe("yes")
    expect(signedHeaderNames(response.data)).toEqual(expect.arrayContaining(["x-interceptor", "x-team"]))
  })

  it("a baseURL with the stage, a path with reserved and non-ASCII characters, params with arrays", async () => {
    const response = await api().get<Echo>(AWKWARD_PATH.written, { params: { tag: ["b", "a"], q: "x", page: 2 } })
    expect(response.data.message).toBeUndefined()
    expect(response.status).toBe(200)
    expect(decodedPath(response.data.path)).toBe(AWKWARD_PATH.arrives)
    // axios writes arrays as tag[]=b&tag[]=a; the signer sends the query in canonical order.
    expect(response.data.query).toEqual({ "tag[]": ["a", "b"], q: ["x"], page: ["2"] })
  })

  it("the query in the URL and params together, repeated keys and non-ASCII values, each sent once", async () => {
    const response = await api().get<Echo>("/search?tag=z&ü=ö", { params: new URLSearchParams([["tag", "y"], ["tag", "x"]]) })
    expect(response.status).toBe(200)
    expect(response.data.query).toEqual({ tag: ["x", "y", "z"], "ü": ["ö"] })
  })

  it("a space in params: axios writes +, which API Gateway reads as a space, so the value arrives as given; so it does with encodeURIComponent", async () => {
    const plus = await api().get<Echo>("/q", { params: { q: "a b" } })
    expect(plus.status).toBe(200)
    expect(plus.data.query).toEqual({ q: ["a b"] })
    const space = await api().get<Echo>("/q", { params: { q: "a b+c" }, paramsSerializer: { encode: encodeURIComponent } })
    expect(space.status).toBe(200)
    expect(space.data.query).toEqual({ q: ["a b+c"] })
  })

  it("multipart: axios.postForm and a web FormData are read once, and the bytes read are signed with their boundary", async () => {
    const posted = await api().postForm<Echo>("/form", { name: "Rex", age: 3 })
    expect(posted.status).toBe(200)
    expect(posted.data.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    expect(signedHeaderNames(posted.data)).toContain("content-type")
    const form = new FormData()
    form.append("file", new Blob(["x ✓"], { type: "text/plain" }), "x.txt")
    const sent = await api().post<Echo>("/form", form)
    expect(sent.status).toBe(200)
    expect(sent.data.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    expect(sent.data.body.length).toBeGreaterThan(0)
  })

  it("a Blob and a ReadableStream are read once, and the bytes read are signed and sent", async () => {
    const blob = await api().put<Echo>("/blob", new Blob(["blob ✓"], { type: "text/x-blob" }))
    expect(blob.status).toBe(200)
    expect(blob.data.body.sha256).toBe(sha256("blob ✓"))
    expect(blob.data.headers["content-type"]).toBe("text/x-blob")
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("streamed")), controller.close()) })
    const streamed = await api().put<Echo>("/stream", stream)
    expect(streamed.status).toBe(200)
    // axios before 1.7 does not know web streams: its transformRequest serializes one as JSON, "{}", and that is what it sends.
    expect(streamed.data.body.sha256).toBe(sha256(hasFetchAdapter ? "streamed" : "{}"))
  })

  it("a Blob without a type goes as application/octet-stream, as axios's http adapter sends it, not as the form axios sets by default", async () => {
    const typeless = await api().post<Echo>("/blob", new Blob([new Uint8Array([1, 2, 3])]))
    expect(typeless.status).toBe(200)
    expect(typeless.data.headers["content-type"]).toBe("application/octet-stream")
    expect(typeless.data.body.sha256).toBe(sha256(new Uint8Array([1, 2, 3])))
  })

  it("a Blob without a type keeps the content type given, but on the http adapter, which sends application/octet-stream over it as axios does", async () => {
    const png = await api().post<Echo>("/blob", new Blob([new Uint8Array([137, 80, 78, 71])]), { headers: { "content-type": "image/png" } })
    expect(png.status).toBe(200)
    expect(png.data.headers["content-type"]).toBe(adapterName === "http" ? "application/octet-stream" : "image/png")
  })

  describe("a body stream that stalls while the signer reads it", () => {
    /** A stream that gives one chunk and then nothing: its end never comes. */
    const stalled = () => {
      const stream = new PassThrough()
      stream.write("first chunk; the rest never comes")
      return stream
    }
    const octets = { "content-type": "application/octet-stream" }

    it("the request's signal cancels it, with axios's CanceledError, and the stream is released", async () => {
      const body = stalled()
      const failure = await api().post("/upload", body, { headers: octets, signal: AbortSignal.timeout(100) }).catch((error: unknown) => error)
      expect(axios.isCancel(failure)).toBe(true)
      expect(failure).toMatchObject({ name: "CanceledError", code: "ERR_CANCELED" })
      expect(body.destroyed).toBe(true)
    })

    it("its cancel token cancels it, with the token's reason", async () => {
      const source = axios.CancelToken.source()
      setTimeout(() => source.cancel("no longer needed"), 100)
      const failure = await api().post("/upload", stalled(), { headers: octets, cancelToken: source.token }).catch((error: unknown) => error)
      expect(axios.isCancel(failure)).toBe(true)
      expect(failure).toMatchObject({ message: "no longer needed" })
    })

    it("its timeout ends it, with axios's timeout error", async () => {
      const failure = await api().post("/upload", stalled(), { headers: octets, timeout: 100 }).catch((error: unknown) => error)
      expect(failure).toMatchObject({ name: "AxiosError", code: "ECONNABORTED", message: "timeout of 100ms exceeded" })
      const clarified = await api().post("/upload", stalled(), { headers: octets, timeout: 100, timeoutErrorMessage: "too slow", transitional: { clarifyTimeoutError: true } })
        .catch((error: unknown) => error)
      expect(clarified).toMatchObject({ name: "AxiosError", code: "ETIMEDOUT", message: "too slow" })
    })

    it("requests sharing one signal add no listener of their own while they are sent: eight at once stay under Node's warning", async () => {
      const warnings: Array<string> = []
      const onWarning = (warning: Error) => warnings.push(warning.name)
      process.on("warning", onWarning)
      try {
        const shared = new AbortController().signal
        const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => api().post<Echo>("/upload", `body ${i}`, { headers: octets, signal: shared })))
        expect(sent.map((response) => response.status)).toEqual(Array(8).fill(200))
        await new Promise((resolve) => setTimeout(resolve, 10))
        expect(warnings).not.toContain("MaxListenersExceededWarning")
      } finally {
        process.off("warning", onWarning)
      }
    })

    it("a timeout given as a numeric string (read from the environment) is heard as axios reads it; one it cannot read fails at once", async () => {
      const failure = await api().post("/upload", stalled(), { headers: octets, timeout: "100" as unknown as number }).catch((error: unknown) => error)
      expect(failure).toMatchObject({ name: "AxiosError", code: "ECONNABORTED", message: "timeout of 100ms exceeded" })
      const unreadable = await api().post("/upload", stalled(), { headers: octets, timeout: "soon" as unknown as number }).catch((error: unknown) => error)
      expect(unreadable).toMatchObject({ name: "AxiosError", code: "ERR_BAD_OPTION_VALUE" })
    })

    it("a timeout that does not pass while the body is read leaves the request to be sent", async () => {
      const response = await api().post<Echo>("/upload", Readable.from([Buffer.from("quick")]), { headers: octets, timeout: 5_000 })
      expect(response.status).toBe(200)
      expect(response.data.body.sha256).toBe(sha256("quick"))
    })
  })

  it("a typed array that views part of a buffer: axios sends the whole buffer, and that is what is signed", async () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5])
    const response = await api().put<Echo>("/part", whole.subarray(1, 3))
    expect(response.status).toBe(200)
    expect(response.data.body.sha256).toBe(sha256(whole))
  })

  it("without a baseURL, a path is under the signer's endpoint", async () => {
    const client = axios.create({ adapter: signedAdapter(stage.signer, { adapter: adapterName }) })
    const response = await client.delete<Echo>("/pets/1")
    expect(response.status).toBe(200)
    expect([response.data.method, response.data.path]).toEqual(["DELETE", "/stage/pets/1"])
  })

  it("an absolute URL outside the endpoint is refused with a SigningError before anything is sent", async () => {
    const before = stage.log.length
    const client = api()
    await expect(client.get(`${stage.gateway.url}/other-stage/x`)).rejects.toMatchObject({ _tag: "SigningError", field: "path" })
    await expect(client.get("https://elsewhere.example/stage/x")).rejects.toBeInstanceOf(SigningError)
    expect(stage.log.length).toBe(before)
  })

  it("refuses what would replace or forge the signature: auth, an Authorization header, a body on GET", async () => {
    const client = api()
    await expect(client.get("/x", { auth: { username: "u", password: "p" } })).rejects.toMatchObject({ _tag: "SigningError", field: "headers" })
    await expect(client.get("/x", { headers: { Authorization: "Bearer t" } })).rejects.toMatchObject({ _tag: "SigningError", field: "headers" })
    await expect(client.get("/x", { data: "body" })).rejects.toMatchObject({ _tag: "SigningError", field: "body" })
  })

  it("does not follow a redirect: the signature and session token never go where it points", async () => {
    let elsewhereHits = 0
    const elsewhere = createServer((_, res) => (elsewhereHits++, res.end("{}")))
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve))
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`
    const redirecting = await startStage({ handler: () => ({ status: 302, headers: { location: target } }) })
    try {
      const client = withSigner(axios.create({ baseURL: redirecting.stage, adapter: adapterName, validateStatus: () => true }), redirecting.signer)
      const response = await client.get("/moved")
      expect(response.status).toBe(302)
      expect(elsewhereHits).toBe(0)
    } finally {
      await redirecting.gateway.close()
      await new Promise((resolve) => elsewhere.close(resolve))
    }
  })

  it("a 403 for clock skew corrects the signer's clock, and the request is signed and sent once more", async () => {
    const skewed = await startStage({ clockOffsetMillis: 10 * 60_000 })
    try {
      const client = withSigner(axios.create({ baseURL: skewed.stage, adapter: adapterName }), skewed.signer)
      const response = await client.post<Echo>("/skew", { a: 1 })
      expect(response.status).toBe(200)
      expect(skewed.signer.clockOffset).toBeGreaterThan(9 * 60_000)
      expect(skewed.log.map((entry) => entry.status)).toEqual([403, 200])
      // Later requests are on time at once.
      expect((await client.get<Echo>("/later")).status).toBe(200)
      expect(skewed.log.map((entry) => entry.status)).toEqual([403, 200, 200])
    } finally {
      await skewed.gateway.close()
    }
  })

  it("the clock is corrected when validateStatus accepts the 403 too", async () => {
    const skewed = await startStage({ clockOffsetMillis: -10 * 60_000 })
    try {
      const client = withSigner(axios.create({ baseURL: skewed.stage, adapter: adapterName, validateStatus: () => true }), skewed.signer)
      expect((await client.get<Echo>("/skew")).status).toBe(200)
      expect(skewed.signer.clockOffset).toBeLessThan(-9 * 60_000)
    } finally {
      await skewed.gateway.close()
    }
  })

  it("an HTTP error is axios's own AxiosError, with the response", async () => {
    const failing = await startStage({ handler: () => ({ status: 404, body: { message: "Not Found" } }) })
    try {
      const client = withSigner(axios.create({ baseURL: failing.stage, adapter: adapterName }), failing.signer)
      const error = await client.get("/missing").catch((error: AxiosError) => error)
      expect(axios.isAxiosError(error)).toBe(true)
      expect((error as AxiosError).response?.status).toBe(404)
      expect(failing.log.map((entry) => entry.status)).toEqual([404])
    } finally {
      await failing.gateway.close()
    }
  })

  it("a config sent again, as axios-retry sends error.config, is signed afresh and accepted", async () => {
    let failures = 1
    const flaky = await startStage({ handler: () => (failures-- > 0 ? { status: 503, body: { message: "Service Unavailable" } } : undefined) })
    try {
      const client = withSigner(axios.create({ baseURL: flaky.stage, adapter: adapterName }), flaky.signer)
      const error = (await client.post("/again", { a: 1 }, { params: { q: "1" } }).catch((error: unknown) => error)) as AxiosError
      expect(error.response?.status).toBe(503)
      const response = await client.request<Echo>(error.config!)
      expect(response.status).toBe(200)
      expect([response.data.path, response.data.query, response.data.body.sha256]).toEqual(["/stage/again", { q: ["1"] }, sha256("{\"a\":1}")])
      expect(flaky.log.map((entry) => entry.status)).toEqual([503, 200])
    } finally {
      await flaky.gateway.close()
    }
  })

  it("once sent, the config in a response or an error shows no session token", async () => {
    const response = await api().get<Echo>("/token")
    expect(JSON.stringify(response.config)).not.toContain(credentials.sessionToken)
    const failing = await startStage({ handler: () => ({ status: 500, body: {} }) })
    try {
      const client = withSigner(axios.create({ baseURL: failing.stage, adapter: adapterName }), failing.signer)
      const error = (await client.get("/x").catch((error: unknown) => error)) as AxiosError
      expect(JSON.stringify(error.toJSON())).not.toContain(credentials.sessionToken)
      expect(JSON.stringify(error.config)).not.toContain(credentials.sessionToken)
    } finally {
      await failing.gateway.close()
    }
  })

  it("resolves credentials from a provider, as signRequestAsync does", async () => {
    let asked = 0
    const signer = new ApiGatewaySigner({
      endpoint: stage.stage,
      region: "us-east-1",
      credentials: async () => (asked++, { ...credentials, expiration: new Date(Date.now() + 3_600_000) })
    })
    const client = withSigner(axios.create({ baseURL: stage.stage, adapter: adapterName }), signer)
    expect((await client.get<Echo>("/a")).status).toBe(200)
    expect((await client.get<Echo>("/b")).status).toBe(200)
    expect(asked).toBe(1)
  })
})

describe(`axios ${axios.VERSION}: withSigner and signedAdapter`, () => {
  it("withSigner keeps the instance: its defaults and interceptors stay", async () => {
    const instance = axios.create({ baseURL: stage.stage })
    instance.interceptors.request.use((config) => (config.headers.set("x-kept", "1"), config))
    expect(withSigner(instance, stage.signer)).toBe(instance)
    const response = await instance.get<Echo>("/kept")
    expect(response.status).toBe(200)
    expect(response.data.headers["x-kept"]).toBe("1")
  })

  it("withSigner on an instance that already signs is refused: a request is signed once", () => {
    const instance = withSigner(axios.create({ baseURL: stage.stage }), stage.signer)
    expect(() => withSigner(instance, stage.signer)).toThrow(SigningError)
  })

  // A 2.x app's axios 0.21 installs beside this package (the optional peer range is *); the subpath refuses it when used.
  it.each([
    ["axios 0.21, without getAdapter", { VERSION: "0.21.4", getUri: (): string => "" }, "axios 0.21.4 is installed"],
    ["axios 0.19, without VERSION", { getUri: (): string => "" }, "an older axios is installed"],
    ["axios 1.5", { VERSION: "1.5.1", getAdapter: (): undefined => undefined, getUri: (): string => "" }, "axios 1.5.1 is installed"],
    ["axios 1.x with its VERSION unreadable as a number", { VERSION: "one", getAdapter: (): undefined => undefined, getUri: (): string => "" }, "axios one is installed"]
  ] as const)("refuses %s, naming the axios it needs and the way around it", (_, module, installed) => {
    expect(unsupportedAxios(module)).toBe(
      `api-gateway-request-signer/axios needs axios 1.6 or later, and ${installed}: ` +
        "upgrade it (npm install axios@1), or keep your axios and sign with signer.signRequest, passing its url, headers and body to axios."
    )
  })

  it.each([["1.6.0"], ["1.16.2"], ["2.0.0"]])("takes axios %s", (version) => {
    expect(unsupportedAxios({ VERSION: version, getAdapter: (): undefined => undefined, getUri: (): string => "" })).toBeUndefined()
  })

  it(`takes this axios, ${axios.VERSION}`, () => {
    expect(unsupportedAxios(axios)).toBeUndefined()
  })

  it("signedAdapter refuses what is not a signer", () => {
    expect(() => signedAdapter({} as ApiGatewaySigner)).toThrow(SigningError)
  })

  it("withSigner refuses an instance whose defaults are null, with an InvalidConfig saying what to pass", () => {
    expect(thrownBy(() => withSigner({ defaults: null } as unknown as AxiosInstance, stage.signer))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/withSigner\(instance, signer\) takes an axios instance.*defaults are null/)
    })
  })

  it("withSigner refuses an instance whose defaults getter throws, quoting what it threw", () => {
    const instance = Object.defineProperty({}, "defaults", { get: () => { throw new Error("no defaults here") } })
    expect(thrownBy(() => withSigner(instance as AxiosInstance, stage.signer))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/instance\.defaults could not be read \(no defaults here\); withSigner\(instance, signer\) takes an axios instance/)
    })
  })

  it("withSigner refuses an instance whose defaults getter throws a credential, without showing or keeping it", () => {
    const instance = Object.defineProperty({}, "defaults", { get: () => { throw new Error(SECRET) } })
    const error = thrownBy(() => withSigner(instance as AxiosInstance, stage.signer))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/not shown: they may be a credential/) })
    expect(inspect(error, { depth: Infinity })).not.toContain(SECRET)
  })

  it("withSigner refuses an instance that is a Proxy whose traps throw", () => {
    expect(thrownBy(() => withSigner(throwingProxy() as AxiosInstance, stage.signer))).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
  })

  it("signedAdapter refuses a signer that is a Proxy whose traps throw", () => {
    expect(thrownBy(() => signedAdapter(throwingProxy() as ApiGatewaySigner))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/the signer could not be read \(trap\); pass an ApiGatewaySigner/)
    })
  })

  it("withSigner refuses a signer that is a Proxy whose traps throw, leaving the instance unchanged", () => {
    const instance = axios.create({ baseURL: stage.stage })
    const adapter = instance.defaults.adapter
    expect(thrownBy(() => withSigner(instance, throwingProxy() as ApiGatewaySigner))).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expect(instance.defaults.adapter).toBe(adapter)
  })

  it("signedAdapter refuses options whose adapter getter throws", () => {
    const options = Object.defineProperty({}, "adapter", { get: () => { throw new Error("unreadable adapter") } })
    expect(thrownBy(() => signedAdapter(stage.signer, options))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/options\.adapter could not be read \(unreadable adapter\)/)
    })
  })

  it.each([
    ["an object without prototype", Object.create(null), /got an object\./],
    ["a number", 5, /got number 5\./],
    ["false", false, /got boolean false\./],
    ["a string that cannot be a name", "0", /got "0"\./],
    ["a secret key", SECRET, /got \(a string of 40 characters, not shown: it looks like a credential\)\./],
    ["an empty list", [], /is an empty list/],
    ["a list holding a number", ["fetch", 5], /got number 5\./]
  ] as const)("signedAdapter refuses %s as adapter at the call, saying what adapter takes", (_, adapter, got) => {
    const error = thrownBy(() => signedAdapter(stage.signer, { adapter: adapter as never }))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/options\.adapter/) })
    expect((error as Error).message).toMatch(got)
    expect((error as Error).message).not.toContain(SECRET)
  })

  it("withSigner refuses an instance whose defaults.adapter is unusable, leaving it unchanged", () => {
    const instance = axios.create({ baseURL: stage.stage })
    const unusable = Object.create(null) as never
    instance.defaults.adapter = unusable
    expect(thrownBy(() => withSigner(instance, stage.signer))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/instance\.defaults\.adapter must be an adapter name/)
    })
    expect(instance.defaults.adapter).toBe(unusable)
  })

  it("signedAdapter takes an adapter name, a list of names and functions, or a function", async () => {
    const http = axios.getAdapter("http")
    for (const adapter of ["http", "HTTP", ["http"], [http, "http"], http]) {
      const client = axios.create({ baseURL: stage.stage, adapter: signedAdapter(stage.signer, { adapter }) })
      expect((await client.get("/adapter")).status).toBe(200)
    }
  })

  if (!hasFetchAdapter) {
    it("an axios without the fetch adapter (before 1.7) says so when asked for it, with its own error", async () => {
      const client = axios.create({ baseURL: stage.stage, adapter: signedAdapter(stage.signer, { adapter: "fetch" }) })
      await expect(client.get("/x")).rejects.toThrow(/fetch/)
    })
  }
})
