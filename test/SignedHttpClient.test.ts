/**
 * The signed @effect/platform HttpClient, sending through FetchHttpClient to a
 * local gateway on 127.0.0.1 that verifies every signature: what is signed is
 * what arrives, retries sign again, and what cannot be signed fails with a
 * SigningError before anything is sent.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Credentials, Signer, SigningError } from "api-gateway-request-signer"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"

const credentials = { accessKeyId: "AKIDHTTPCLIENT", secretAccessKey: "http-client/secret+key", sessionToken: "http-client-session-token" }
const rotated = { accessKeyId: "AKIDROTATED", secretAccessKey: "rotated/secret+key" }
const REGION = "eu-west-1"

let gateway: LocalGateway.Service
/** Requests the handler saw under /stage/flaky/, by path: the first two of each get 503. */
const flaky = new Map<string, Array<LocalGateway.VerifiedRequest>>()
/** Every request the gateway answered. */
const received: Array<LocalGateway.AccessLogEntry> = []

beforeAll(async () => {
  gateway = await LocalGateway.start({
    credentials: [credentials, rotated],
    region: REGION,
    onRequest: (entry) => received.push(entry),
    handler: (request) => {
      if (!request.path.startsWith("/stage/flaky/")) return undefined
      const seen = [...(flaky.get(request.path) ?? []), request]
      flaky.set(request.path, seen)
      return seen.length <= 2 ? { status: 503, body: { message: "Service Unavailable" } } : undefined
    }
  })
})
afterAll(() => gateway.close())

const endpoint = () => `${gateway.url}/stage`

/** The URL of every request handed to the transport (fetch): what "nothing is sent" is checked against. */
const handedToFetch: Array<string> = []
const RecordingFetch = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, HttpClient.tapRequest((request) => Effect.sync(() => handedToFetch.push(request.url))))
).pipe(Layer.provide(FetchHttpClient.layer))

const provideSigned = (
  credentialsLayer: Layer.Layer<Credentials.Credentials, SigningError> = Credentials.layer(credentials),
  signerEndpoint: string = endpoint()
) =>
  Effect.provide(
    SignedHttpClient.layer.pipe(
      Layer.provide(Signer.layer({ endpoint: signerEndpoint, region: REGION })),
      Layer.provide(credentialsLayer),
      Layer.provide(RecordingFetch)
    )
  )

/** The gateway's echo, or its 403 body. */
type Echo = LocalGateway.EchoResponse & { readonly message?: string }

const echoOf = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.json, (body) => ({ status: response.status, echo: body as Echo }))

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")
const signedHeaders = (echo: Echo) => /SignedHeaders=([^,]+)/.exec(echo.headers["authorization"] ?? "")?.[1]?.split(";") ?? []
const decodedSegments = (rawPath: string) => rawPath.split("/").map(decodeURIComponent)
const sortedValues = (query: Readonly<Record<string, ReadonlyArray<string>>>) =>
  Object.fromEntries(Object.entries(query).map(([key, values]) => [key, [...values].sort()]))

const client = SignedHttpClient.SignedHttpClient

describe("SignedHttpClient: URLs", () => {
  it.live("a GET to an awkward path is accepted, and every segment arrives as given", () =>
    Effect.gen(function*() {
      const escaped = encodeURIComponent("x/y?z")
      const { echo, status } = yield* (yield* client).get(`/a b/ሴ😀/${escaped}/@:=+!*'(),;//end`).pipe(Effect.flatMap(echoOf))
      expect(echo.message).toBeUndefined()
      expect(status).toBe(200)
      // The empty segment travels, and the gateway hands on the verified path, where it is collapsed.
      expect(decodedSegments(echo.path)).toEqual(["", "stage", "a b", "ሴ😀", "x/y?z", "@:=+!*'(),;", "end"])
    }).pipe(provideSigned()))

  it.live("urlParams with repeated keys, empty values, plus signs and unicode are accepted, and arrive as given", () =>
    Effect.gen(function*() {
      const { echo, status } = yield* (yield* client).get("/search", {
        urlParams: { tag: ["b", "a"], empty: "", plus: "a+b c", "ключ": "значение", "k&=?#": "v&=?#/" }
      }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      // The wire query is the canonical one: repeated values travel sorted.
      expect(sortedValues(echo.query)).toEqual({ tag: ["a", "b"], empty: [""], plus: ["a+b c"], "ключ": ["значение"], "k&=?#": ["v&=?#/"] })
    }).pipe(provideSigned()))

  it.live("a query written in the URL and urlParams are merged, and each parameter is sent exactly once", () =>
    Effect.gen(function*() {
      const response = yield* (yield* client).get("/search?q=1", { urlParams: { page: "2" } })
      const { echo, status } = yield* echoOf(response)
      expect(status).toBe(200)
      expect(echo.query).toEqual({ q: ["1"], page: ["2"] })
      expect(response.request.urlParams).toEqual([])
      expect(response.request.url).toBe(`${endpoint()}/search?page=2&q=1`)
    }).pipe(provideSigned()))

  it.live("an absolute URL under the endpoint is accepted", () =>
    Effect.gen(function*() {
      const before = handedToFetch.length
      const { echo, status } = yield* (yield* client).get(`${endpoint()}/pets?type=dog`).pipe(Effect.flatMap(echoOf))
      expect(handedToFetch.slice(before)).toEqual([`${endpoint()}/pets?type=dog`])
      expect(status).toBe(200)
      expect(echo.path).toBe("/stage/pets")
      expect(echo.query).toEqual({ type: ["dog"] })
    }).pipe(provideSigned()))

  it.live("an absolute URL on another host fails with a SigningError, and nothing is sent", () =>
    Effect.gen(function*() {
      const before = handedToFetch.length
      const error = yield* (yield* client).get("https://evil.example.com/stage/pets?key=secret").pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "path" })
      expect(error.message).toContain("outside the signer's endpoint")
      expect(error.message).not.toContain("secret")
    }).pipe(provideSigned()))

  it.live("an absolute URL on the endpoint's host but outside its stage fails with a SigningError, and nothing is sent", () =>
    Effect.gen(function*() {
      const before = handedToFetch.length
      const error = yield* (yield* client).get(`${gateway.url}/other-stage/outside`).pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toBeInstanceOf(SigningError)
      expect(error.message).toContain("outside the signer's endpoint")
      expect(received.some((entry) => entry.target.includes("outside"))).toBe(false)
    }).pipe(provideSigned()))

  it.live("an absolute URL with a space before it fails with a SigningError, not sent as a path under the stage", () =>
    Effect.gen(function*() {
      const before = handedToFetch.length
      const error = yield* (yield* client).get(` ${endpoint()}/pets`).pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toMatchObject({ _tag: "SigningError", field: "path" })
      expect(error.message).toContain("fetch would drop")
    }).pipe(provideSigned()))
})

describe("SignedHttpClient: headers and bodies", () => {
  it.live("a JSON body (HttpBody.unsafeJson) is accepted: its bytes arrive intact, and its content-type arrived signed", () =>
    Effect.gen(function*() {
      const pet = { name: "Rex", note: "ü ∑ 😀" }
      const { echo, status } = yield* (yield* client).post("/pets", { body: HttpBody.unsafeJson(pet) }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256(JSON.stringify(pet)))
      expect(echo.headers["content-type"]).toBe("application/json")
      expect(signedHeaders(echo)).toContain("content-type")
    }).pipe(provideSigned()))

  it.live("a body set with HttpClientRequest.bodyJson is accepted, and arrives intact", () =>
    Effect.gen(function*() {
      const signedClient = yield* client
      const request = yield* HttpClientRequest.put("/pets/1").pipe(HttpClientRequest.bodyJson([1, "two", { three: 3 }]))
      const { echo, status } = yield* signedClient.execute(request).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256(JSON.stringify([1, "two", { three: 3 }])))
      expect(echo.headers["content-type"]).toBe("application/json")
    }).pipe(provideSigned()))

  it.live("a text body with its own content type is accepted: the bytes and that content type arrive, signed", () =>
    Effect.gen(function*() {
      const csv = "name,note\nRex,ü ✓\n"
      const { echo, status } = yield* (yield* client).post("/import", { body: HttpBody.text(csv, "text/csv; charset=utf-8") })
        .pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256(csv))
      expect(echo.headers["content-type"]).toBe("text/csv; charset=utf-8")
      expect(signedHeaders(echo)).toContain("content-type")
    }).pipe(provideSigned()))

  it.live("a binary body (a view into a larger buffer) is accepted, and exactly its bytes arrive", () =>
    Effect.gen(function*() {
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256).subarray(20, 276)
      const request = HttpClientRequest.post("/upload").pipe(HttpClientRequest.bodyUint8Array(bytes))
      const { echo, status } = yield* (yield* client).execute(request).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body).toEqual({ length: 256, sha256: sha256(bytes) })
      expect(echo.headers["content-type"]).toBe("application/octet-stream")
      expect(signedHeaders(echo)).toContain("content-type")
    }).pipe(provideSigned()))

  it.live("a URL-encoded form body (bodyUrlParams) is accepted, and arrives intact with its content type", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.post("/form").pipe(HttpClientRequest.bodyUrlParams({ a: "1 2", b: "x&y=z", c: "ü" }))
      const { echo, status } = yield* (yield* client).execute(request).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256("a=1+2&b=x%26y%3Dz&c=%C3%BC"))
      expect(echo.headers["content-type"]).toBe("application/x-www-form-urlencoded")
    }).pipe(provideSigned()))

  it.live("a raw string body without a content type gets fetch's text/plain content type, signed", () =>
    Effect.gen(function*() {
      const { echo, status } = yield* (yield* client).post("/notes", { body: HttpBody.raw("plain ✓") }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256("plain ✓"))
      expect(echo.headers["content-type"]).toBe("text/plain;charset=UTF-8")
      expect(signedHeaders(echo)).toContain("content-type")
    }).pipe(provideSigned()))

  it.live("a POST without a body is accepted, and no content type is sent", () =>
    Effect.gen(function*() {
      const { echo, status } = yield* (yield* client).post("/ping").pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.length).toBe(0)
      expect(echo.headers["content-type"]).toBeUndefined()
    }).pipe(provideSigned()))

  it.live("headers added by mapRequest on the signed client are signed too", () =>
    Effect.gen(function*() {
      const versioned = (yield* client).pipe(HttpClient.mapRequest(HttpClientRequest.setHeader("x-api-version", "2")))
      const { echo, status } = yield* versioned.get("/pets").pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.headers["x-api-version"]).toBe("2")
      expect(signedHeaders(echo)).toContain("x-api-version")
    }).pipe(provideSigned()))

  it.live("trace headers the transport adds after signing travel unsigned, and the request still verifies", () =>
    Effect.gen(function*() {
      const { echo, status } = yield* (yield* client).get("/traced").pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.headers["traceparent"]).toBeDefined()
      expect(signedHeaders(echo)).not.toContain("traceparent")
    }).pipe(provideSigned()))

  // A trace context passed on from an incoming request: the transport replaces it with its own span's.
  it.live("a request's own traceparent and b3 travel unsigned, and the request still verifies", () =>
    Effect.gen(function*() {
      const headers = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", b3: "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1" }
      const { echo, status } = yield* (yield* client).get("/traced", { headers }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(signedHeaders(echo)).not.toContain("traceparent")
      expect(signedHeaders(echo)).not.toContain("b3")
    }).pipe(provideSigned()))

  it.live("with tracer propagation off, a request's own traceparent is sent as given, unsigned", () =>
    Effect.gen(function*() {
      const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
      const untraced = (yield* client).pipe(HttpClient.withTracerPropagation(false))
      const { echo, status } = yield* untraced.get("/traced", { headers: { traceparent } }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.headers["traceparent"]).toBe(traceparent)
      expect(signedHeaders(echo)).not.toContain("traceparent")
    }).pipe(provideSigned()))

  it.live("a caller's authorization header fails with a SigningError instead of being overwritten", () =>
    Effect.gen(function*() {
      const before = handedToFetch.length
      const error = yield* (yield* client).get("/pets", { headers: { authorization: "Bearer abc" } }).pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "headers" })
    }).pipe(provideSigned()))

  it.live("a FormData body fails with a SigningError that says how to send it instead, and nothing is sent", () =>
    Effect.gen(function*() {
      const form = new FormData()
      form.append("name", "Rex")
      const before = handedToFetch.length
      const error = yield* (yield* client).post("/upload/form-data", { body: HttpBody.formData(form) }).pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "body" })
      expect(error.message).toMatch(/FormData body cannot be signed/)
      expect(error.message).toMatch(/bodyUrlParams|bodyUint8Array/)
      expect(received.some((entry) => entry.target.includes("form-data"))).toBe(false)
    }).pipe(provideSigned()))

  it.live("a Stream body fails with a SigningError that says how to send it instead, and nothing is sent", () =>
    Effect.gen(function*() {
      const body = HttpBody.stream(Stream.make(new TextEncoder().encode("chunk")))
      const before = handedToFetch.length
      const error = yield* (yield* client).post("/upload/stream", { body }).pipe(Effect.flip)
      expect(handedToFetch.slice(before)).toEqual([])
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "body" })
      expect(error.message).toMatch(/Stream body .* cannot be signed/)
      expect(error.message).toContain("bodyUint8Array")
      expect(received.some((entry) => entry.target.includes("upload/stream"))).toBe(false)
    }).pipe(provideSigned()))
})

/**
 * A transport that sends as @effect/platform-node's client does: the request's
 * own headers, and a raw body written with `end(bytes)`. For a DELETE or an
 * OPTIONS, Node then frames the body only if a content-length header says how
 * long it is.
 */
const NodeStyleTransport = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request, url) =>
    Effect.async<HttpClientResponse.HttpClientResponse>((resume) => {
      const outgoing = http.request(url, { method: request.method, headers: request.headers }, (incoming) => {
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () =>
          resume(Effect.succeed(HttpClientResponse.fromWeb(request, new Response(Buffer.concat(chunks), { status: incoming.statusCode ?? 0 }))))
        )
      })
      outgoing.end(request.body._tag === "Raw" ? request.body.body as Uint8Array : undefined)
    })
  )
)

describe("SignedHttpClient: over a Node transport", () => {
  const overNode = Effect.provide(
    SignedHttpClient.layer.pipe(
      Layer.provide(Layer.suspend(() => Signer.layer({ endpoint: endpoint(), region: REGION }))),
      Layer.provide(Credentials.layer(credentials)),
      Layer.provide(NodeStyleTransport)
    )
  )

  it.live("a DELETE with a raw body (HttpBody.raw) arrives whole: the request sent says its length", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ reason: "moved ü" })
      const request = HttpClientRequest.del("/pets/1").pipe(HttpClientRequest.setBody(HttpBody.raw(body, { contentType: "application/json" })))
      const { echo, status } = yield* (yield* client).execute(request).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.body.sha256).toBe(sha256(body))
    }).pipe(overNode))
})

describe("SignedHttpClient: forgeries", () => {
  it.live("a request altered after signing (a parameter added by the transport) is refused with 403", () =>
    Effect.gen(function*() {
      const tampering = (yield* HttpClient.HttpClient).pipe(HttpClient.mapRequest(HttpClientRequest.appendUrlParam("admin", "true")))
      const signedClient = yield* SignedHttpClient.fromClient(tampering)
      const { echo, status } = yield* signedClient.get("/pets", { urlParams: { id: "1" } }).pipe(Effect.flatMap(echoOf))
      expect(status).toBe(403)
      expect(echo.message).toMatch(/^The request signature we calculated does not match/)
    }).pipe(
      Effect.provide(Signer.layer({ endpoint: endpoint(), region: REGION })),
      Effect.provide(Credentials.layer(credentials)),
      Effect.provide(FetchHttpClient.layer)
    ))

  it.live("a request signed with the wrong secret is refused with 403", () =>
    Effect.gen(function*() {
      const { echo, status } = yield* (yield* client).get("/pets").pipe(Effect.flatMap(echoOf))
      expect(status).toBe(403)
      expect(echo.message).toMatch(/^The request signature we calculated does not match/)
    }).pipe(provideSigned(Credentials.layer({ accessKeyId: rotated.accessKeyId, secretAccessKey: "not/the+secret" }))))
})

describe("SignedHttpClient: secrets", () => {
  it.live("a logged request shows the session token as <redacted>, like the authorization header", () => {
    const lines: Array<string> = []
    const capture = Logger.replace(Logger.defaultLogger, Logger.make((options) => lines.push(Logger.logfmtLogger.log(options))))
    return Effect.gen(function*() {
      const response = yield* (yield* client).get("/pets")
      yield* Effect.log(response.request)
      expect(lines.join("\n")).toContain("x-amz-security-token")
      expect(lines.join("\n")).not.toContain(credentials.sessionToken)
    }).pipe(provideSigned(), Effect.provide(capture))
  })
})

describe("SignedHttpClient: errors printed anywhere", () => {
  // Printed after the program, outside every fiber: where @effect/platform's header redaction does not reach.
  const everyView = (error: unknown) => [inspect(error, { depth: 10 }), JSON.stringify(error), inspect(Object.entries(error as object), { depth: 10 })]
  const failureOf = async <A, E>(program: Effect.Effect<A, E>) => {
    const exit = await Effect.runPromiseExit(program)
    if (exit._tag === "Success") throw new Error("expected a failure")
    return Cause.squash(exit.cause)
  }

  it("a ResponseError (filterStatusOk) shows the session token and the signature as <redacted>", async () => {
    const error = await failureOf(
      Effect.flatMap(client, (signed) => signed.pipe(HttpClient.filterStatusOk).get("/flaky/printed")).pipe(provideSigned())
    )
    expect(error).toMatchObject({ _tag: "ResponseError", response: { status: 503 } })
    for (const view of everyView(error)) {
      expect(view).toMatch(/x-amz-security-token['"]?: ?['"]<redacted>['"]/)
      expect(view).toMatch(/Signature=<redacted>/)
      expect(view).not.toContain(credentials.sessionToken)
      expect(view).not.toMatch(/Signature=[0-9a-f]{64}/)
    }
  })

  it("a RequestError (nothing listening) does too", async () => {
    // A port that was free a moment ago: the connection is refused.
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await failureOf(Effect.flatMap(client, (signed) => signed.get("/pets")).pipe(provideSigned(undefined, `http://127.0.0.1:${port}/stage`)))
    expect(error).toMatchObject({ _tag: "RequestError" })
    for (const view of everyView(error)) {
      expect(view).not.toContain(credentials.sessionToken)
      expect(view).not.toMatch(/Signature=[0-9a-f]{64}/)
    }
  })
})

describe("SignedHttpClient: retries", () => {
  it.effect("retryTransient signs every attempt again: each carries the Clock's time as x-amz-date, and the third succeeds", () =>
    Effect.gen(function*() {
      // The TestClock starts at a fixed time and the schedule moves it 30 s per retry; a gateway of its own
      // verifies at the middle attempt's time, so all three are within its 5-minute clock-skew window.
      const start = Date.UTC(2024, 0, 2, 3, 4, 5)
      const attempts: Array<LocalGateway.VerifiedRequest> = []
      const verifying = yield* LocalGateway.make({
        credentials: [credentials],
        region: REGION,
        now: () => start + 30_000,
        handler: (request) => {
          attempts.push(request)
          return attempts.length <= 2 ? { status: 503, body: { message: "Service Unavailable" } } : undefined
        }
      })
      yield* TestClock.setTime(start)
      const retrying = (yield* client.pipe(provideSigned(Credentials.layer(credentials), `${verifying.url}/stage`))).pipe(
        HttpClient.retryTransient({
          schedule: Schedule.recurs(5).pipe(Schedule.tapInput((_: unknown) => TestClock.adjust("30 seconds")))
        })
      )
      const { echo, status } = yield* retrying.get("/flaky/dates").pipe(Effect.flatMap(echoOf))
      expect(status).toBe(200)
      expect(echo.path).toBe("/stage/flaky/dates")
      expect(attempts.map((attempt) => attempt.headers["x-amz-date"])).toEqual(["20240102T030405Z", "20240102T030435Z", "20240102T030505Z"])
      expect(new Set(attempts.map((attempt) => attempt.headers["authorization"])).size).toBe(3)
    }).pipe(Effect.scoped))

  it.live("HttpClient.retry signs every attempt with the credentials current at that attempt", () => {
    const sequence = [credentials, rotated, credentials]
    let gets = 0
    const changing = Credentials.layerEffect(Effect.sync(() => sequence[Math.min(gets++, sequence.length - 1)]!))
    return Effect.gen(function*() {
      const retrying = (yield* client).pipe(HttpClient.filterStatusOk, HttpClient.retry(Schedule.recurs(3)))
      const response = yield* retrying.get("/flaky/credentials")
      expect(response.status).toBe(200)
      const attempts = flaky.get("/stage/flaky/credentials") ?? []
      expect(attempts.map((attempt) => attempt.principal.accessKeyId)).toEqual(["AKIDHTTPCLIENT", "AKIDROTATED", "AKIDHTTPCLIENT"])
    }).pipe(provideSigned(changing))
  })
})

describe("SignedHttpClient: API", () => {
  it.effect("signRequest returns the request to send: absolute, urlParams folded into the URL, headers signed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2024, 0, 2, 3, 4, 5))
      const signed = yield* SignedHttpClient.signRequest(HttpClientRequest.get("/pets", { urlParams: { type: "dog" } }))
      expect(signed.url).toBe("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?type=dog")
      expect(signed.urlParams).toEqual([])
      expect(signed.headers["x-amz-date"]).toBe("20240102T030405Z")
      expect(signed.headers["authorization"]).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDHTTPCLIENT\/20240102\/us-east-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/
      )
    }).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
      Effect.provide(Credentials.layer(credentials))
    ))

  it("the client's error channel holds SigningError besides HttpClientError", () => {
    expectTypeOf<Effect.Effect.Error<ReturnType<SignedHttpClient.Service["get"]>>>().toEqualTypeOf<
      HttpClientError.HttpClientError | SigningError
    >()
  })
})
