/**
 * The local IAM gateway: verifies every request like an IAM-authorized API
 * Gateway stage, echoes or proxies what verifies, and survives bad clients.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import * as net from "node:net"
import * as vm from "node:vm"
import aws4 from "aws4"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import ApiGatewaySigner, { Credentials, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as rawHttp from "./support/rawHttp.js"
import { signerFor } from "./support/gateway.js"
import { gatewayBody, signatureMismatchBody } from "./support/apiGateway403.js"
import { dateOf, smithyAuthorization, smithySign, wireViewOf } from "./support/oracles.js"

const credentials = { accessKeyId: "AKIDGATEWAY", secretAccessKey: "gateway/secret/key", sessionToken: "gateway-session-token" }
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner
const log: Array<LocalGateway.AccessLogEntry> = []

beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: [credentials], maxBodyBytes: 1024, onRequest: (entry) => log.push(entry) })
  signer = signerFor(gateway.url, credentials)
})
afterAll(() => gateway.close())

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex")

const rawExchange = (bytes: string, options: { readonly destroyAfterWrite?: boolean } = {}) => rawHttp.rawExchange(gateway.port, bytes, options)

describe("accepts requests signed by", () => {
  it("the Promise facade, sent with fetch", async () => {
    const request = signer.signRequest({ method: "GET", path: "/pets", queryParams: { type: "dog" } })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(200)
  })

  it("the Effect API, sent with fetch", () =>
    Effect.gen(function*() {
      const request = yield* Signer.signRequest({ method: "POST", path: "/pets", body: { name: "Rex" } })
      const response = yield* Effect.promise(() => fetch(request.url, request))
      expect(response.status).toBe(200)
    }).pipe(
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layer(credentials))),
      Effect.runPromise
    ))

  it("@smithy/signature-v4, sent with fetch", async () => {
    const url = new URL(`${gateway.url}/smithy/path`)
    const date = new Date()
    const headers = { host: url.host, "content-type": "text/plain" }
    const authorization = await smithyAuthorization(
      { method: "PUT", hostname: url.hostname, port: Number(url.port), path: url.pathname, query: { q: "1" }, headers, body: "hello" },
      credentials,
      { region: "us-east-1", service: "execute-api", signingDate: date }
    )
    const amzDate = date.toISOString().replace(/[-:]|\.\d{3}/g, "")
    const response = await fetch(`${url.href}?q=1`, {
      method: "PUT",
      headers: { ...headers, authorization, "x-amz-date": amzDate, "x-amz-security-token": credentials.sessionToken },
      body: "hello"
    })
    expect(response.status).toBe(200)
  })

  it("aws4, sent with node:http", async () => {
    const url = new URL(gateway.url)
    const options = aws4.sign(
      { host: url.host, path: "/aws4?x=1", method: "POST", body: "payload", service: "execute-api", region: "us-east-1", headers: { "content-type": "text/plain" } },
      credentials
    )
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ ...options, hostname: url.hostname, port: url.port }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on("error", reject)
      req.end("payload")
    })
    expect(status).toBe(200)
  })
})

describe("answers", () => {
  it("a verified request with an echo: method, path, query, headers, body hash and length, principal", async () => {
    const request = signer.signRequest({ method: "POST", path: "/echo/a b", queryParams: { k: ["2", "1"] }, headers: { "x-tenant": "t1" }, body: "hello" })
    const response = await fetch(request.url, request)
    const echo = await response.json() as { headers: Record<string, string> }
    expect(echo).toMatchObject({
      method: "POST",
      path: "/echo/a%20b",
      query: { k: ["1", "2"] },
      body: { length: 5, sha256: sha256("hello") },
      principal: { accessKeyId: "AKIDGATEWAY", presigned: false }
    })
    expect(echo.headers["x-tenant"]).toBe("t1")
    expect(echo.headers["x-amz-security-token"]).toBe("<redacted>")
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("an echo keeps a query key or value that starts with U+FEFF, as sent (a UTF-8 decoder drops it by default)", async () => {
    const request = signer.signRequest({ method: "GET", path: "/items", queryParams: { size: "\ufeff", "\ufeffk": "v", lead: "\ufeffx" } })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(200)
    expect((await response.json() as { query: unknown }).query).toEqual({ size: ["\ufeff"], "\ufeffk": ["v"], lead: ["\ufeffx"] })
  })

  it("a refused request with 403, API Gateway's JSON body and x-amzn-ErrorType", async () => {
    const response = await fetch(`${gateway.url}/pets`)
    expect(response.status).toBe(403)
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException")
    expect(response.headers.get("content-type")).toBe("application/json")
    expect(await response.text()).toBe(gatewayBody("missing-authentication-token.json"))
  })

  it("a request carrying a session token whose credentials expired with 403 ExpiredTokenException, as API Gateway answers", async () => {
    const expired = { ...credentials, accessKeyId: "ASIAEXPIREDTOKEN", expiration: new Date(Date.now() - 60_000) }
    const stale = await LocalGateway.start({ credentials: [expired] })
    try {
      const request = signerFor(stale.url, expired).signRequest({ method: "GET", path: "/pets" })
      const response = await fetch(request.url, request)
      expect(response.status).toBe(403)
      expect(response.headers.get("x-amzn-errortype")).toBe("ExpiredTokenException")
      expect(await response.json()).toEqual({ message: "The security token included in the request is expired" })
    } finally {
      await stale.close()
    }
  })

  it("a request signed with the wrong secret with 403 InvalidSignatureException, in API Gateway's words, with the canonical request the AWS SDK's signer computes", async () => {
    const forger = signerFor(gateway.url, credentials, { secretKey: "wrong" })
    const request = forger.signRequest({ method: "GET", path: "/pets", queryParams: { q: "a b" }, headers: { "x-tenant": "t1" } })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(403)
    expect(response.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException")
    const server = await smithySign(wireViewOf(request), credentials, {
      region: "us-east-1",
      service: "execute-api",
      signingDate: dateOf(request.headers["x-amz-date"]!)
    })
    expect(await response.text()).toBe(signatureMismatchBody(server.canonicalRequest, server.stringToSign))
  })

  it("logs every answered request, verified or refused, without secrets", async () => {
    const verified = signer.signRequest({ method: "POST", path: "/logged", body: "hello" })
    const verifiedResponse = await fetch(verified.url, verified)
    const refusedResponse = await fetch(`${gateway.url}/logged-unsigned`)
    const entryOf = (response: Response) => log.find((entry) => entry.requestId === response.headers.get("x-amzn-requestid"))
    expect(entryOf(verifiedResponse)).toMatchObject({ method: "POST", target: "/logged", status: 200, accessKeyId: "AKIDGATEWAY" })
    expect(entryOf(refusedResponse)).toMatchObject({
      method: "GET",
      target: "/logged-unsigned",
      status: 403,
      errorType: "MissingAuthenticationTokenException",
      message: "Missing Authentication Token"
    })
    expect(JSON.stringify(log)).not.toContain(credentials.secretAccessKey)
    expect(JSON.stringify(log)).not.toContain(credentials.sessionToken)
  })
})

describe("proxy mode", () => {
  let backend: http.Server
  let backendUrl = ""
  let proxying: LocalGateway.Service
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = []
  beforeAll(async () => {
    backend = http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk) => (body += chunk))
      req.on("end", () => {
        seen.push({ url: req.url!, headers: req.headers, body })
        res.writeHead(201, { "content-type": "text/plain", "x-backend": "yes" })
        res.end(`backend got ${req.method} ${req.url}`)
      })
    })
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve))
    backendUrl = `http://127.0.0.1:${(backend.address() as net.AddressInfo).port}/base`
    proxying = await LocalGateway.start({ credentials: [credentials], target: backendUrl })
  })
  afterAll(async () => {
    await proxying.close()
    await new Promise((resolve) => backend.close(resolve))
  })

  it("forwards verified requests to the target, signature headers stripped, and returns its answer", async () => {
    const s = signerFor(`${proxying.url}/stage`, credentials)
    const request = s.signRequest({ method: "POST", path: "/items", queryParams: { a: "1" }, headers: { "x-tenant": "t9" }, body: { v: 1 } })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(201)
    expect(response.headers.get("x-backend")).toBe("yes")
    expect(await response.text()).toBe("backend got POST /base/stage/items?a=1")
    const forwarded = seen.at(-1)!
    expect(forwarded.body).toBe('{"v":1}')
    expect(forwarded.headers["x-tenant"]).toBe("t9")
    for (const name of ["authorization", "x-amz-date", "x-amz-security-token"]) expect(forwarded.headers).not.toHaveProperty(name)
  })

  it("does not forward a request that fails verification", async () => {
    const before = seen.length
    const response = await fetch(`${proxying.url}/items`)
    expect(response.status).toBe(403)
    expect(seen.length).toBe(before)
  })

  it("answers 502 when the target does not answer", async () => {
    // A target that hangs up on every connection: no assumption that some port is closed.
    const hangingUp = net.createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => hangingUp.listen(0, "127.0.0.1", resolve))
    const orphan = await LocalGateway.start({
      credentials: [credentials],
      target: `http://127.0.0.1:${(hangingUp.address() as net.AddressInfo).port}/`
    })
    try {
      const s = signerFor(orphan.url, credentials)
      const request = s.signRequest({ method: "GET", path: "/" })
      const response = await fetch(request.url, request)
      expect(response.status).toBe(502)
      expect(response.headers.get("x-amzn-errortype")).toBe("BadGatewayException")
    } finally {
      await orphan.close()
      await new Promise((resolve) => hangingUp.close(resolve))
    }
  })
})

describe("CORS", () => {
  let browserFacing: LocalGateway.Service
  let browserSigner: ApiGatewaySigner
  const corsLog: Array<LocalGateway.AccessLogEntry> = []
  beforeAll(async () => {
    browserFacing = await LocalGateway.start({
      credentials: [credentials],
      cors: true,
      onRequest: (entry) => corsLog.push(entry),
      handler: (request) =>
        request.path === "/own-cors" ? { status: 200, headers: { "Access-Control-Allow-Origin": "https://evil.example" }, body: "mine" } : undefined
    })
    browserSigner = signerFor(browserFacing.url, credentials)
  })
  afterAll(() => browserFacing.close())

  const preflight = (url: string, requestHeaders = "authorization,content-type,x-amz-date,x-amz-security-token") =>
    fetch(url, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST", "access-control-request-headers": requestHeaders }
    })

  it("answers a preflight with 200 and API Gateway's defaults, without authentication", async () => {
    const response = await preflight(`${browserFacing.url}/pets/42?x=1`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json")
    expect(await response.text()).toBe("")
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
    expect(response.headers.get("access-control-allow-methods")).toBe("DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT")
    expect(response.headers.get("access-control-allow-headers")).toBe("Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token")
    expect(response.headers.get("access-control-max-age")).toBe("600")
    expect(corsLog.at(-1)).toMatchObject({ method: "OPTIONS", target: "/pets/42?x=1", status: 200 })
    expect(corsLog.at(-1)).not.toHaveProperty("accessKeyId")
  })

  it("adds Access-Control-Allow-Origin and exposes the request id and error type on a verified answer", async () => {
    const request = browserSigner.signRequest({ method: "POST", path: "/pets", body: { name: "Rex" } })
    const response = await fetch(request.url, { ...request, headers: { ...request.headers, origin: "http://127.0.0.1:5173" } })
    expect(response.status).toBe(200)
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
    expect(response.headers.get("access-control-expose-headers")).toBe("Date,x-amzn-RequestId,x-amzn-ErrorType")
    expect(response.headers.get("access-control-allow-methods")).toBeNull()
  })

  it("adds them to a 403 too, so that a page can read why it was refused", async () => {
    const response = await fetch(`${browserFacing.url}/pets`, { headers: { origin: "http://127.0.0.1:5173" } })
    expect(response.status).toBe(403)
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException")
  })

  it("verifies an OPTIONS request that is no preflight, as any other", async () => {
    expect((await fetch(`${browserFacing.url}/pets`, { method: "OPTIONS" })).status).toBe(403)
    const request = browserSigner.signRequest({ method: "OPTIONS", path: "/pets" })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ method: "OPTIONS", path: "/pets" })
  })

  it("replaces CORS headers a handler answers with by its own, as API Gateway does with an integration's", async () => {
    const request = browserSigner.signRequest({ method: "GET", path: "/own-cors" })
    const response = await fetch(request.url, request)
    expect(await response.text()).toBe("mine")
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
  })

  it("takes the origin, the allowed headers and the preflight lifetime as options", async () => {
    const configured = await LocalGateway.start({
      credentials: [credentials],
      cors: { allowOrigin: "https://app.example.com", allowHeaders: ["Authorization", "X-Amz-Date", "X-Tenant"], maxAgeSeconds: 0 }
    })
    try {
      const response = await preflight(`${configured.url}/pets`, "x-tenant")
      expect(response.status).toBe(200)
      expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
      expect(response.headers.get("access-control-allow-headers")).toBe("Authorization,X-Amz-Date,X-Tenant")
      expect(response.headers.get("access-control-max-age")).toBe("0")
      expect((await fetch(`${configured.url}/pets`)).headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    } finally {
      await configured.close()
    }
  })

  it("allows credentials (a page's cookies) when asked, for a named origin: every answer says so, preflights included", async () => {
    const configured = await LocalGateway.start({ credentials: [credentials], cors: { allowOrigin: "https://app.example.com", allowCredentials: true } })
    try {
      expect((await preflight(`${configured.url}/pets`)).headers.get("access-control-allow-credentials")).toBe("true")
      expect((await fetch(`${configured.url}/pets`)).headers.get("access-control-allow-credentials")).toBe("true")
    } finally {
      await configured.close()
    }
    expect((await preflight(`${browserFacing.url}/pets`)).headers.get("access-control-allow-credentials")).toBeNull()
  })

  it("is off by default: a preflight needs a signature like any request, and no answer carries CORS headers", async () => {
    const response = await preflight(`${gateway.url}/pets`)
    expect(response.status).toBe(403)
    expect(response.headers.get("access-control-allow-origin")).toBeNull()
  })

  it.each([
    ["an origin with a line break", { allowOrigin: "https://a.example\r\nset-cookie: x=1" }, /allowOrigin/],
    ["an empty origin", { allowOrigin: "" }, /allowOrigin/],
    ["a header name with a space", { allowHeaders: ["X Tenant"] }, /allowHeaders/],
    ["a NaN lifetime", { maxAgeSeconds: Number.NaN }, /maxAgeSeconds/],
    ["a negative lifetime", { maxAgeSeconds: -1 }, /maxAgeSeconds/],
    // Ignored, its default would stand: every origin allowed.
    ["a misspelt option", { allowOrigins: "https://app.example.com" }, /cors: has no option "allowOrigins"; its options are allowOrigin, allowHeaders, maxAgeSeconds/],
    // A long camelCase name, which a credential could look like, is named all the same: an option's name is code.
    ["an option of another library", { exposeHeadersList: ["x-a"] }, /cors: has no option "exposeHeadersList"; its options are allowOrigin/],
    // Browsers refuse credentials with a wildcard origin.
    ["credentials allowed for any origin", { allowCredentials: true }, /allowCredentials needs allowOrigin to name the page's origin/],
    // A browser reads " *" as "*".
    ["an origin with spaces around it", { allowOrigin: " *", allowCredentials: true }, /allowOrigin must have no spaces around it/],
    ["credentials allowed as a string", { allowOrigin: "https://app.example.com", allowCredentials: "true" }, /allowCredentials must be true or false/]
  ] as const)("refuses to start with %s", async (_, cors, message) => {
    const started = LocalGateway.start({ credentials: [credentials], cors: cors as LocalGateway.CorsOptions })
    await expect(started).rejects.toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(message) })
  })

  it.each([
    ["an array", [], /got an array/],
    ["a Date", new Date(), /got a Date/],
    ["a Map", new Map([["allowOrigin", "*"]]), /got a Map/],
    ["a string", "yes", /got "yes"/],
    ["a number", 1, /got number 1/]
  ] as const)("refuses to start with %s as cors, naming what cors takes, where it could turn CORS on for every origin", async (_, cors, got) => {
    const started = LocalGateway.start({ credentials: [credentials], cors: cors as unknown as LocalGateway.CorsOptions })
    await expect(started).rejects.toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/cors: must be true, false or a plain object \{ allowOrigin\?, allowHeaders\?, maxAgeSeconds\?, allowCredentials\? \}/)
    })
    await expect(started).rejects.toMatchObject({ message: expect.stringMatching(got) })
  })

  it("takes options made in another realm (node:vm), as a plain object", async () => {
    const cors = vm.runInNewContext(`({ allowOrigin: "https://app.example.com" })`) as LocalGateway.CorsOptions
    const configured = await LocalGateway.start({ credentials: [credentials], cors })
    try {
      expect((await preflight(`${configured.url}/pets`)).headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    } finally {
      await configured.close()
    }
  })

  it("takes options in an object without prototype", async () => {
    const configured = await LocalGateway.start({ credentials: [credentials], cors: Object.assign(Object.create(null) as object, { allowOrigin: "https://app.example.com" }) })
    try {
      expect((await preflight(`${configured.url}/pets`)).headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    } finally {
      await configured.close()
    }
  })
})

describe("credentials", () => {
  it("an empty list refuses to start: no request could pass", async () => {
    const started = LocalGateway.start({ credentials: [] })
    await expect(started).rejects.toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(/credentials is an empty list/) })
  })

  it("none given refuses to start, naming the option once", async () => {
    const started = LocalGateway.start({} as never)
    await expect(started).rejects.toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: "LocalGateway: credentials must be a list of credentials, or a function from an access key id to credentials."
    })
  })
})

describe("target", () => {
  it("with a query refuses to start, saying that the query is the fault (the URL is shown without it)", async () => {
    const started = LocalGateway.start({ credentials: [credentials], target: "http://127.0.0.1:3000/base?a=1" })
    await expect(started).rejects.toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/^LocalGateway: target "http:\/\/127\.0\.0\.1:3000\/base" has a query; give the base URL alone/)
    })
  })

  it("that is not an http(s) URL refuses to start, saying what target takes", async () => {
    const started = LocalGateway.start({ credentials: [credentials], target: "ftp://127.0.0.1/" })
    await expect(started).rejects.toMatchObject({ reason: "InvalidConfig", message: expect.stringMatching(/target must be an http\(s\) URL without a query; got "ftp:/) })
  })
})

describe("lifecycle", () => {
  it("starts and stops as a scoped Effect resource", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const running = yield* LocalGateway.make({ credentials: [credentials] }).pipe(Scope.extend(scope))
      expect((yield* Effect.promise(() => fetch(running.url))).status).toBe(403)
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.promise(() => fetch(running.url).then(() => "answered", () => "refused"))
      expect(after).toBe("refused")
    }).pipe(Effect.runPromise))

  it("is a layer", () =>
    Effect.gen(function*() {
      const running = yield* LocalGateway.LocalGateway
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    }).pipe(Effect.provide(LocalGateway.layer({ credentials: [credentials] })), Effect.runPromise))

  it("listens on the port asked for", async () => {
    // A free port is found by binding it and letting it go; another process may take it before the
    // gateway binds it. Only that race (EADDRINUSE) is tried again, with another port.
    for (let attempt = 1; ; attempt++) {
      const probe = net.createServer()
      await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
      const port = (probe.address() as net.AddressInfo).port
      await new Promise((resolve) => probe.close(resolve))
      const fixed = await LocalGateway.start({ credentials: [credentials], port }).catch((error: unknown) => {
        if (attempt < 5 && (error as { code?: unknown }).code === "EADDRINUSE") return undefined
        throw error
      })
      if (fixed === undefined) continue
      try {
        expect(fixed.port).toBe(port)
        expect(fixed.url).toBe(`http://127.0.0.1:${port}`)
        expect((await fetch(fixed.url)).status).toBe(403)
      } finally {
        await fixed.close()
      }
      return
    }
  })
})

describe("bad clients never crash it", () => {
  const stillServes = async () => {
    const request = signer.signRequest({ method: "GET", path: "/alive" })
    expect((await fetch(request.url, request)).status).toBe(200)
  }

  it("an oversized body with a Content-Length gets 413, before the body is read", async () => {
    // Only the head is sent: the gateway must answer from the Content-Length alone. (A client still
    // writing the body when the gateway closes may see a reset instead of the answer.)
    const request = signer.signRequest({ method: "POST", path: "/big", body: "x".repeat(2048) })
    const url = new URL(request.url)
    const head = [
      `POST ${url.pathname} HTTP/1.1`,
      `Host: ${url.host}`,
      ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
      "Content-Length: 2048"
    ].join("\r\n")
    const answer = await rawExchange(`${head}\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.slice(answer.indexOf("\r\n\r\n") + 4)).toBe(JSON.stringify({ message: "Request Too Long" }))
    await stillServes()
  })

  it("an oversized chunked body from an authenticated client gets 413", async () => {
    // Signed for an unsigned payload: the headers alone pass the checks made before the body is read, so it is read.
    const { headers } = signer.signRequest({ method: "POST", path: "/big", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } })
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")
    const answer = await rawExchange(
      `POST /big HTTP/1.1\r\nHost: ${new URL(gateway.url).host}\r\n${lines}Transfer-Encoding: chunked\r\n\r\n` +
        `800\r\n${"y".repeat(2048)}\r\n0\r\n\r\n`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    await stillServes()
  })

  it("an unauthenticated body is refused from its headers, before it is read", async () => {
    const answer = await rawExchange(
      `POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${"y".repeat(2048)}\r\n0\r\n\r\n`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 403/)
    expect(answer).toContain("Missing Authentication Token")
    await stillServes()
  })

  it("a malformed request line or header gets 400", async () => {
    expect(await rawExchange("GET /x HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/)
    expect(await rawExchange("NONSENSE\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/)
    await stillServes()
  })

  it("a client that disconnects mid-body", async () => {
    await rawExchange("POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\npartial", { destroyAfterWrite: true })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await stillServes()
  })
})

describe("load", () => {
  it("answers 2,000 requests, 64 at a time, each correctly", async () => {
    const total = 2000
    const concurrency = 64
    let next = 0
    let correct = 0
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
    const send = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const request = signer.signRequest({ method: "POST", path: `/load/${i}`, queryParams: { i }, body: { i } })
        const url = new URL(request.url)
        const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: request.method, headers: request.headers, agent }, (res) => {
          let data = ""
          res.on("data", (chunk) => (data += chunk))
          res.on("end", () => {
            const echo = JSON.parse(data)
            if (res.statusCode === 200 && echo.path === `/load/${i}` && echo.query.i[0] === String(i) && echo.body.sha256 === sha256(`{"i":${i}}`)) correct++
            resolve()
          })
        })
        req.on("error", reject)
        req.end(request.body as string)
      })
    const worker = async () => {
      while (next < total) await send(next++)
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    agent.destroy()
    expect(correct).toBe(total)
  }, 60_000)
})
