/**
 * The local gateway fails closed and forwards only what it verified: the
 * regressions of an adversarial review (issue 9, items 1 to 6), one behaviour
 * per test.
 */
import * as http from "node:http"
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import ApiGatewaySigner, { SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { rawExchange } from "./support/rawHttp.js"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDHARDEN", secretAccessKey: "harden/secret/key", sessionToken: "harden-session-token" }
const MONTH = 30 * 24 * 3600 * 1000

/** Sends `request` (signed) to `path` instead of the path it was signed for. */
const sendTo = (signed: { readonly url: string; readonly method: string; readonly headers: Record<string, string> }, rawPath: string) =>
  new Promise<{ readonly status: number; readonly body: string }>((resolve, reject) => {
    const url = new URL(signed.url)
    const request = http.request(
      { host: url.hostname, port: url.port, method: signed.method, path: rawPath + url.search, headers: signed.headers },
      (response) => {
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => (body += chunk))
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }))
      }
    )
    request.on("error", reject)
    request.end()
  })

/** A backend that records what the gateway forwards to it. */
const recordingBackend = async () => {
  const seen: Array<{ readonly url: string; readonly headers: http.IncomingHttpHeaders }> = []
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers })
    req.resume()
    res.end("ok")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  return { seen, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** A gateway proxying to a recording backend, for the tests of one describe block. */
const proxyingGateway = () => {
  const proxied = {} as { backend: Awaited<ReturnType<typeof recordingBackend>>; gateway: LocalGateway.Service }
  beforeAll(async () => {
    proxied.backend = await recordingBackend()
    proxied.gateway = await LocalGateway.start({ credentials: [credentials], target: proxied.backend.url })
  })
  afterAll(async () => {
    await proxied.gateway.close()
    await proxied.backend.close()
  })
  return proxied
}

describe("bad time settings fail closed", () => {
  const received = (signer: ApiGatewaySigner) => {
    const { url, method, headers } = signer.signRequest({ method: "GET", path: "/old" })
    const target = new URL(url)
    return { method, target: target.pathname, headers: { ...headers, host: target.host } }
  }
  const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)

  it("SigV4.verify refuses to judge at an invalid Date, naming now", () => {
    expect(() => SigV4.verify(received(signer), { credentials: [credentials], region: "us-east-1", now: new Date("not a date") }))
      .toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/\bnow\b/) }))
  })

  it("SigV4.verify refuses a NaN clock skew, naming maxClockSkewMillis", () => {
    expect(() => SigV4.verify(received(signer), { credentials: [credentials], region: "us-east-1", now: Date.now(), maxClockSkewMillis: Number.NaN }))
      .toThrow(expect.objectContaining({ _tag: "SigningError", message: expect.stringMatching(/maxClockSkewMillis/) }))
  })

  it.each([
    ["maxClockSkewMillis", { maxClockSkewMillis: Number(undefined) }],
    ["maxBodyBytes", { maxBodyBytes: Number.NaN }],
    ["maxBodyBytes", { maxBodyBytes: -1 }],
    ["port", { port: 70000 }],
    ["now", { now: 5 as unknown as () => number }],
    ["headersTimeoutMillis", { headersTimeoutMillis: Infinity }],
    ["headersTimeoutMillis", { headersTimeoutMillis: 60_000, requestTimeoutMillis: 30_000 }],
    ["region", { region: "us-east-1/x" }]
  ] as const)("LocalGateway.start refuses an unusable %s", async (name, options) => {
    await expect(LocalGateway.start({ credentials: [credentials], ...options })).rejects.toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringContaining(name)
    })
  })

  it("a clock that reads NaN refuses a month-old signature with 500, never 200", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials], now: () => Number.NaN })
    try {
      const realNow = Date.now
      Date.now = () => realNow() - MONTH
      let request
      try {
        request = signerFor(gateway.url, credentials).signRequest({ method: "GET", path: "/old" })
      } finally {
        Date.now = realNow
      }
      expect((await fetch(request.url, request)).status).toBe(500)
    } finally {
      await gateway.close()
    }
  })
})

/** What `LocalGateway.start` with `host` rejects with (it fails the test if the gateway starts). */
const refusalOf = (host: string) =>
  LocalGateway.start({ credentials: [credentials], host }).then(
    async (gateway) => {
      await gateway.close()
      throw new Error("expected a refusal")
    },
    (error: unknown) => error as LocalGateway.LocalGatewayError
  )

describe("a host that cannot be a host never reaches listen (whose getaddrinfo ENOTFOUND reads as a network failure)", () => {
  it.each([
    ["a space", "local host", /host "local host" contains a space; pass a host name or address alone/],
    ["a URL", "http://127.0.0.1", /host "http:\/\/127\.0\.0\.1" is a URL, not a host; pass its host alone, "127\.0\.0\.1", and give the port with the port option/],
    ["a port", "127.0.0.1:8080", /host "127\.0\.0\.1:8080" has a port in it; pass the host alone, "127\.0\.0\.1", and give the port with the port option/],
    ["a port after an IPv6 literal", "[::1]:8080", /host "\[::1\]:8080" has a port in it; pass the host alone, "\[::1\]"/],
    ["a slash", "127.0.0.1/prod", /host must be a host name or address, such as "127\.0\.0\.1", "localhost" or "::1"; got "127\.0\.0\.1\/prod"/]
  ])("LocalGateway.start refuses a host with %s with InvalidConfig, saying what to pass", async (_, host, message) => {
    expect(await refusalOf(host)).toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(message) })
  })

  it("an IPv6 literal in brackets, as a URL writes it, listens on the address inside", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials], host: "[::1]" })
    try {
      expect(new URL(gateway.url).hostname).toBe("[::1]")
    } finally {
      await gateway.close()
    }
  })
})

describe("a host with a control character never reaches listen", () => {
  it.each(["127.0.0.1\r\n", "127.0.0.1\n", "local\u0000host", "\t127.0.0.1", "127.0.0.1\u007f"])(
    "LocalGateway.start refuses host %j with InvalidConfig, in a message of one line",
    async (host) => {
      const error = await LocalGateway.start({ credentials: [credentials], host }).then(
        async (gateway) => {
          await gateway.close()
          throw new Error("expected a refusal")
        },
        (error: unknown) => error as LocalGateway.LocalGatewayError
      )
      expect(error).toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(/host contains a control character/) })
      expect(error.message).not.toMatch(/[\x00-\x1f\x7f]/)
    }
  )
})

describe("presigned credentials never reach the backend", () => {
  const proxied = proxyingGateway()

  it("a presigned URL is forwarded without its X-Amz-* authentication parameters, other parameters kept", async () => {
    const presigned = signerFor(proxied.gateway.url, credentials).presignRequest({ method: "GET", path: "/report", queryParams: { id: "7" } })
    expect((await fetch(presigned.url)).status).toBe(200)
    const forwarded = new URL(proxied.backend.seen.at(-1)!.url, "http://backend")
    expect([...forwarded.searchParams.keys()]).toEqual(["id"])
    expect(proxied.backend.seen.at(-1)!.url).not.toContain(credentials.sessionToken)
  })

  it("a header-signed request is forwarded without the signature headers", async () => {
    const request = signerFor(proxied.gateway.url, credentials).signRequest({ method: "GET", path: "/report" })
    expect((await fetch(request.url, request)).status).toBe(200)
    const headers = proxied.backend.seen.at(-1)!.headers
    for (const name of ["authorization", "x-amz-date", "x-amz-security-token"]) expect(headers).not.toHaveProperty(name)
  })
})

describe("the echo never shows a presigned URL's token", () => {
  it("X-Amz-Security-Token and X-Amz-Signature in the query show as <redacted>", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials] })
    try {
      const presigned = signerFor(gateway.url, credentials).presignRequest({ method: "GET", path: "/echo" })
      const response = await fetch(presigned.url)
      const text = await response.text()
      expect(response.status).toBe(200)
      expect(text).not.toContain(credentials.sessionToken)
      expect((JSON.parse(text) as LocalGateway.EchoResponse).query["X-Amz-Security-Token"]).toEqual(["<redacted>"])
    } finally {
      await gateway.close()
    }
  })
})

describe("what is handed on is the path the signature verified", () => {
  let gateway: LocalGateway.Service
  const paths: Array<string> = []
  beforeAll(async () => {
    gateway = await LocalGateway.start({
      credentials: [credentials],
      handler: (request) => {
        paths.push(request.path)
        return { status: 200, body: { path: request.path, target: request.target } }
      }
    })
  })
  afterAll(() => gateway.close())

  it("a handler's target writes a + in the query as %20, as the signature read it", async () => {
    const signed = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/search", queryParams: { q: "a b" } })
    const { status, body } = await sendTo({ ...signed, url: signed.url.replace("?q=a%20b", "?q=a+b") }, "/prod/search")
    expect(status).toBe(200)
    expect(JSON.parse(body)).toEqual({ path: "/prod/search", target: "/prod/search?q=a%20b" })
  })

  it.each(["/prod/admin/../public/report", "/prod//public/report", "/prod/./public/./report"])(
    "a signature for /prod/public/report sent to %s verifies, and the handler gets /prod/public/report",
    async (rawPath) => {
      const signed = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/public/report" })
      const { status, body } = await sendTo(signed, rawPath)
      expect(status).toBe(200)
      expect(JSON.parse(body)).toEqual({ path: "/prod/public/report", target: "/prod/public/report" })
    }
  )

  it("the proxy forwards a + in the query as %20: a backend reads the value that was verified, whatever it makes of +", async () => {
    const backend = await recordingBackend()
    const proxying = await LocalGateway.start({ credentials: [credentials], target: backend.url })
    try {
      // Signed as q=a%20b; sent with + for the space, which verifies as the same value.
      const signed = signerFor(`${proxying.url}/prod`, credentials).signRequest({ method: "GET", path: "/search", queryParams: { q: "a b", t: "c+d" } })
      expect(new URL(signed.url).search).toBe("?q=a%20b&t=c%2Bd")
      expect((await sendTo({ ...signed, url: signed.url.replace("?q=a%20b", "?q=a+b") }, "/prod/search")).status).toBe(200)
      expect(backend.seen.at(-1)!.url).toBe("/prod/search?q=a%20b&t=c%2Bd")
    } finally {
      await proxying.close()
      await backend.close()
    }
  })

  it("the proxy forwards the verified path, not the one received", async () => {
    const backend = await recordingBackend()
    const proxying = await LocalGateway.start({ credentials: [credentials], target: `${backend.url}/base` })
    try {
      const signed = signerFor(`${proxying.url}/prod`, credentials).signRequest({ method: "GET", path: "/public/report" })
      expect((await sendTo(signed, "/prod/admin/../public/report")).status).toBe(200)
      expect(backend.seen.at(-1)!.url).toBe("/base/prod/public/report")
    } finally {
      await proxying.close()
      await backend.close()
    }
  })
})

describe("hop-by-hop headers and absolute-form targets", () => {
  const proxied = proxyingGateway()

  it("Proxy-Authorization and the unsigned headers Connection names are not forwarded; end-to-end headers are", async () => {
    const signed = signerFor(proxied.gateway.url, credentials).signRequest({
      method: "GET",
      path: "/hop",
      headers: { "proxy-authorization": "Basic c2VjcmV0", "x-end-to-end": "kept" }
    })
    const { status } = await new Promise<{ status: number }>((resolve, reject) => {
      const url = new URL(signed.url)
      const request = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { ...signed.headers, "x-private": "for-the-gateway-only", connection: "keep-alive, x-private" } },
        (response) => {
          response.resume()
          response.on("end", () => resolve({ status: response.statusCode ?? 0 }))
        }
      )
      request.on("error", reject)
      request.end()
    })
    expect(status).toBe(200)
    const headers = proxied.backend.seen.at(-1)!.headers
    expect(headers).not.toHaveProperty("proxy-authorization")
    expect(headers).not.toHaveProperty("x-private")
    expect(headers["x-end-to-end"]).toBe("kept")
  })

  // Connection is never signed: anyone holding a signed request could add it and strip what the signature covers.
  it("a signed header that Connection names is forwarded all the same", async () => {
    const signed = signerFor(proxied.gateway.url, credentials).signRequest({ method: "GET", path: "/tenant", headers: { "x-tenant-id": "acme" } })
    const answer = await rawExchange(
      proxied.gateway.port,
      `GET /tenant HTTP/1.1\r\nHost: ${new URL(signed.url).host}\r\n` +
        Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("") +
        "Connection: close, x-tenant-id\r\n\r\n"
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200/)
    expect(proxied.backend.seen.at(-1)!.headers["x-tenant-id"]).toBe("acme")
  })

  // The signature reads a raw "#" as %23; the backend's URL parser would end the target there, dropping the
  // signed parameters after it.
  it("a request target with a # is refused with 400 and never reaches the backend", async () => {
    const before = proxied.backend.seen.length
    const signed = signerFor(proxied.gateway.url, credentials).signRequest({ method: "GET", path: "/search", queryParams: { q: "C#", role: "reader" } })
    const answer = await rawExchange(
      proxied.gateway.port,
      `GET /search?q=C#&role=reader HTTP/1.1\r\nHost: ${new URL(signed.url).host}\r\n` +
        Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("") + "Connection: close\r\n\r\n"
    )
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    expect(answer).toContain("the request target contains '#'; a fragment is never sent (write a '#' in a path or query value as %23)")
    expect(proxied.backend.seen.length).toBe(before)
  })

  it("an absolute-form request target is refused with 400 and never reaches the backend", async () => {
    const before = proxied.backend.seen.length
    const answer = await rawExchange(proxied.gateway.port, "GET http://evil.example/steal HTTP/1.1\r\nHost: evil.example\r\n\r\n")
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    expect(proxied.backend.seen.length).toBe(before)
  })

  // Node closes a CONNECT's connection without a word when the server does not listen for it.
  it.each(["evil.example:443", "/prod/x"])("a CONNECT %s gets the gateway's 400, saying it opens no tunnel, and its connection closed", async (target) => {
    const answer = await rawExchange(proxied.gateway.port, `CONNECT ${target} HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    expect(answer.toLowerCase()).toContain("connection: close")
    expect(answer).toContain("CONNECT asks for a tunnel")
    expect(answer.toLowerCase()).toContain("x-amzn-requestid: ")
  })

  it("a CONNECT's connection is closed by the gateway, so that close() does not wait for a client that keeps its side open", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials] })
    const socket = net.connect({ port: gateway.port, host: "127.0.0.1", allowHalfOpen: true })
    try {
      socket.on("connect", () => socket.write("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"))
      socket.resume()
      await new Promise((resolve) => socket.once("end", resolve))
      await gateway.close()
    } finally {
      socket.destroy()
    }
  })
})

describe("a CONNECT never takes the gateway down", () => {
  const stillAnswers = async (gateway: LocalGateway.Service) =>
    expect(await rawExchange(gateway.port, "GET /prod/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 403/)

  it("a client that sends CONNECT and resets its connection: the error is the connection's, not the process's", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials] })
    try {
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(gateway.port, "127.0.0.1", () => {
            socket.write("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n")
            socket.resetAndDestroy()
          })
          socket.on("error", () => {})
          socket.on("close", () => resolve())
        })
      }
      await stillAnswers(gateway)
    } finally {
      await gateway.close()
    }
  })

  it("a CONNECT pipelined behind a request: that request is answered, then the connection closed", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials] })
    try {
      const answer = await rawExchange(gateway.port, "GET /prod/x HTTP/1.1\r\nHost: x\r\n\r\nCONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n")
      expect(answer.match(/HTTP\/1\.1 \d+/g)).toEqual(["HTTP/1.1 403"])
      await stillAnswers(gateway)
    } finally {
      await gateway.close()
    }
  })
})

describe("authentication before bodies, and Node's answers to bad clients", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    // Default timeouts: a loaded machine that stalls the gateway must not turn these answers into 408s.
    gateway = await LocalGateway.start({ credentials: [credentials] })
  })
  afterAll(() => gateway.close())

  it("an unauthenticated upload is answered 403 from its headers while its body is still unsent", async () => {
    const answer = await rawExchange(
      gateway.port,
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10485760\r\n\r\n${"x".repeat(1024)}`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 403/)
  })

  it.each([
    ["an unknown key", { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x", sessionToken: "y" }, /security token included in the request is invalid/],
    ["an expired date", credentials, /Signature expired/]
  ] as const)("a signed upload with %s is answered 403 while its body is still unsent", async (_, who, message) => {
    const realNow = Date.now
    Date.now = () => realNow() - (who === credentials ? 3600_000 : 0)
    let headers: Record<string, string>
    try {
      headers = signerFor(gateway.url, who).signRequest({ method: "POST", path: "/upload", body: "x".repeat(4096) }).headers
    } finally {
      Date.now = realNow
    }
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")
    const answer = await rawExchange(gateway.port, `POST /upload HTTP/1.1\r\nHost: ${new URL(gateway.url).host}\r\n${lines}Content-Length: 4096\r\n\r\nxx`)
    expect(answer).toMatch(/^HTTP\/1\.1 403/)
    expect(answer).toMatch(message)
  })

  it("headers too large get 431, as Node answers them", async () => {
    const answer = await rawExchange(gateway.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 431/)
  })

  it("a client that never finishes its headers gets 408 and its connection closed", async () => {
    // A gateway of its own with short timeouts, so the test waits well under a second for them.
    const impatient = await LocalGateway.start({ credentials: [credentials], headersTimeoutMillis: 300, requestTimeoutMillis: 600 })
    try {
      const answer = await rawExchange(impatient.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
      expect(answer).toMatch(/^HTTP\/1\.1 408/)
    } finally {
      await impatient.close()
    }
  })
})

describe("a header sent on two lines reaches the handler whole", () => {
  // SigV4 signs repeated header lines as their values joined by ","; Node's
  // req.headers keeps only the first line of some names (From, User-Agent, ...).
  // x-custom is the control: a name Node's req.headers joins too.
  it.each(["from", "user-agent", "x-custom"])("two %s lines: the handler gets both values, joined by \", \"", async (name) => {
    let seen: string | undefined
    const gateway = await LocalGateway.start({
      credentials: [credentials],
      handler: (request) => {
        seen = request.headers[name]
        return undefined
      }
    })
    try {
      const signed = signerFor(gateway.url, credentials).signRequest({ method: "GET", path: "/two-lines", headers: { [name]: "first,second" } })
      const lines = Object.entries(signed.headers)
        .filter(([header]) => header.toLowerCase() !== name)
        .map(([header, value]) => `${header}: ${value}\r\n`)
        .join("")
      const answer = await rawExchange(gateway.port, `GET /two-lines HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\n${lines}${name}: first\r\n${name}: second\r\nConnection: close\r\n\r\n`)
      expect(answer).toMatch(/^HTTP\/1\.1 200/)
      expect(seen).toBe("first, second")
    } finally {
      await gateway.close()
    }
  })
})

describe("a __proto__ query parameter is a parameter", () => {
  it("handlers get it as a value, and the echo shows it", async () => {
    let seen: LocalGateway.VerifiedRequest["query"] | undefined
    const gateway = await LocalGateway.start({
      credentials: [credentials],
      handler: (request) => {
        seen = request.query
        return undefined
      }
    })
    try {
      const request = signerFor(gateway.url, credentials).signRequest({ method: "GET", path: "/q", queryParams: [["__proto__", "evil"], ["a", "1"]] })
      const response = await fetch(request.url, request)
      const echo = (await response.json()) as LocalGateway.EchoResponse
      expect(Object.getPrototypeOf(seen)).toBe(null)
      expect(seen!["__proto__"]).toEqual(["evil"])
      expect(JSON.stringify(echo.query)).toContain("\"__proto__\":[\"evil\"]")
    } finally {
      await gateway.close()
    }
  })
})

describe("an onRequest that throws changes no answer and crashes nothing", () => {
  const throwingLog = () => {
    throw new Error("the log sink is down")
  }
  const warnings: Array<Error> = []
  const onWarning = (warning: Error) => warnings.push(warning)
  beforeAll(() => {
    process.on("warning", onWarning)
  })
  afterAll(() => {
    process.off("warning", onWarning)
  })

  it.each([
    ["a backend that answers", true],
    ["a backend that is down (502)", false]
  ])("in proxy mode, with %s: the answer arrives, and the process gets a warning", async (_, backendUp) => {
    const backend = await recordingBackend()
    if (!backendUp) await backend.close()
    const gateway = await LocalGateway.start({ credentials: [credentials], target: backend.url, onRequest: throwingLog })
    try {
      warnings.length = 0
      const response = await signerFor(`${gateway.url}/prod`, credentials).fetch("/x")
      expect(response.status).toBe(backendUp ? 200 : 502)
      await response.arrayBuffer()
      await expect.poll(() => warnings.map((warning) => warning.message)).toContainEqual(expect.stringMatching(/onRequest threw \(the log sink is down\)/))
    } finally {
      await gateway.close()
      if (backendUp) await backend.close()
    }
  })

  it("in echo mode: the answer arrives whole", async () => {
    const gateway = await LocalGateway.start({ credentials: [credentials], onRequest: throwingLog })
    try {
      const response = await signerFor(`${gateway.url}/prod`, credentials).fetch("/x")
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ path: "/prod/x" })
    } finally {
      await gateway.close()
    }
  })
})
