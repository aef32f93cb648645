/**
 * Values made in another JavaScript realm (an iframe, node:vm, the jsdom
 * environment of a test runner, where TextEncoder hands out Node's own
 * Uint8Array) are what they are: bytes are sent as bytes, a Map is a Map,
 * and nothing is silently sent as JSON `{}`. Here the other realm is a
 * node:vm context.
 */
import { createHash } from "node:crypto"
import { runInNewContext } from "node:vm"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import ApiGatewaySigner, { SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { toSigningCredentials } from "../src/internal/effect/credentials.js"
import { holdsAnySecret } from "../src/internal/scrub.js"

/** Evaluates `code` in a fresh realm: its ArrayBuffer, Uint8Array, Map and Set are not this realm's. */
const foreign = <A>(code: string): A => runInNewContext(code) as A

const credentials = { accessKeyId: "AKIDREALM", secretAccessKey: "cross-realm-secret" }
const ENDPOINT_OF_NOWHERE = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner

beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: [credentials] })
  signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey })
})
afterAll(() => gateway.close())

const sent = async (body: unknown) => {
  const request = signer.signRequest({ method: "POST", path: "/upload", body })
  const response = await fetch(request.url, request)
  expect(response.status).toBe(200)
  return { request, echo: (await response.json()) as LocalGateway.EchoResponse }
}

describe("a body from another realm", () => {
  it("an ArrayBuffer is sent as its bytes, not as JSON", async () => {
    const { request, echo } = await sent(foreign("new Uint8Array([1, 2, 3, 250]).buffer"))
    expect(request.headers["Content-Type"]).toBeUndefined()
    expect(echo.body).toEqual({ length: 4, sha256: sha256(new Uint8Array([1, 2, 3, 250])) })
  })

  it("a Uint8Array is sent as its bytes, not refused as a SharedArrayBuffer view", async () => {
    const { echo } = await sent(foreign("new Uint8Array([104, 105])"))
    expect(echo.body).toEqual({ length: 2, sha256: sha256("hi") })
  })

  it("a view of part of a buffer is sent as just those bytes", async () => {
    const { echo } = await sent(foreign("new Uint8Array([9, 104, 105, 9]).subarray(1, 3)"))
    expect(echo.body).toEqual({ length: 2, sha256: sha256("hi") })
  })

  it("a view of a SharedArrayBuffer is still refused", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: foreign("new Uint8Array(new SharedArrayBuffer(2))") }))
      .toThrow(expect.objectContaining({ _tag: "SigningError", field: "body", message: expect.stringMatching(/SharedArrayBuffer/) }))
  })

  it.each([
    ["a Map at the top", "new Map([['a', 1]])", /Map/],
    ["a Set inside an object", "({ tags: new Set(['a']) })", /Set/],
    ["an Error", "new Error('x')", /Error/]
  ])("%s is refused, not sent as {}", (_, code, named) => {
    const attempt = () => signer.signRequest({ method: "POST", path: "/", body: foreign(code) })
    expect(attempt).toThrow(SigningError)
    expect(attempt).toThrow(named)
  })

  it("a plain object and an array are JSON as usual", async () => {
    const { echo } = await sent(foreign("({ a: [1, 2], b: 'x' })"))
    expect(echo.body.sha256).toBe(sha256(JSON.stringify({ a: [1, 2], b: "x" })))
  })
})

describe("query parameters and headers from another realm", () => {
  it("a Map of query parameters is read as one", () => {
    const request = signer.signRequest({ method: "GET", path: "/", queryParams: foreign("new Map([['page', '2'], ['tag', 'a']])") })
    expect(new URL(request.url).search).toBe("?page=2&tag=a")
  })

  it("a Map of headers is read as one", () => {
    const request = signer.signRequest({ method: "GET", path: "/", headers: foreign("new Map([['x-team', 'pets']])") })
    expect(request.headers["x-team"]).toBe("pets")
    expect(request.headers.Authorization).toMatch(/SignedHeaders=accept;host;x-amz-date;x-team,/)
  })
})

describe("credentials from another realm", () => {
  it("an expiration Date from another realm is a Date: a provider's credentials sign", async () => {
    const expiration = foreign<Date>("new Date(Date.now() + 3600 * 1000)")
    const provided = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: "us-east-1", credentials: async () => ({ ...credentials, expiration }) })
    const request = await provided.signRequestAsync({ method: "GET", path: "/realm" })
    expect((await fetch(request.url, request)).status).toBe(200)
  })

  it("an expired one from another realm is still refused as expired", () => {
    const expiration = foreign<Date>("new Date(Date.now() - 3600 * 1000)")
    const attempt = () => new ApiGatewaySigner({ endpoint: ENDPOINT_OF_NOWHERE, credentials: { ...credentials, expiration } }).signRequest({ method: "GET", path: "/" })
    expect(attempt).toThrow(/expired/)
  })

  it("an invalid Date from another realm is named as one", () => {
    const expiration = foreign<Date>("new Date(NaN)")
    expect(() => new ApiGatewaySigner({ endpoint: ENDPOINT_OF_NOWHERE, credentials: { ...credentials, expiration } })).toThrow(
      /expiration must be a valid Date; got an invalid Date\./
    )
  })
})

describe("the wire API and the secret scan", () => {
  it("SigV4.signHeaders takes another realm's Uint8Array body", () => {
    const body = foreign<Uint8Array>("new Uint8Array([104, 105])")
    const signed = SigV4.signHeaders(
      { method: "POST", target: "/prod/x", headers: [["host", "abc123.execute-api.us-east-1.amazonaws.com"]], body },
      { credentials, region: "us-east-1", signingTime: Date.UTC(2026, 0, 1) }
    )
    const same = SigV4.signHeaders(
      { method: "POST", target: "/prod/x", headers: [["host", "abc123.execute-api.us-east-1.amazonaws.com"]], body: "hi" },
      { credentials, region: "us-east-1", signingTime: Date.UTC(2026, 0, 1) }
    )
    expect(signed.headers).toEqual(same.headers)
  })

  it("finds a secret inside another realm's Map", () => {
    expect(holdsAnySecret({ request: foreign<Map<string, string>>("new Map([['token', 'cross-realm-secret']])") }, ["cross-realm-secret"])).toBe(true)
  })
})

/** A Proxy of a Map that works, as Vue's reactive() makes one: its methods are called on the Map itself. */
const reactiveMap = <K, V>(map: Map<K, V>): Map<K, V> =>
  new Proxy(map, {
    get: (target, key) => {
      const value = Reflect.get(target, key, target)
      return typeof value === "function" ? value.bind(target) : value
    }
  })

describe("proxies and look-alikes", () => {
  it("a Proxy of a Map (Vue's reactive) is read as query parameters", () => {
    const request = signer.signRequest({ method: "GET", path: "/", queryParams: reactiveMap(new Map([["tenant", "acme"]])) })
    expect(new URL(request.url).search).toBe("?tenant=acme")
  })

  it("a Proxy of a Map is read as headers", () => {
    const request = signer.signRequest({ method: "GET", path: "/", headers: reactiveMap(new Map([["x-tenant", "acme"]])) })
    expect(request.headers["x-tenant"]).toBe("acme")
  })

  it("a Proxy of a Map inside a JSON body is refused, not sent as {}", () => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: { filters: reactiveMap(new Map([["a", 1]])) } })).toThrow(SigningError)
  })

  it.each([
    ["a Proxy of a Uint8Array", () => new Proxy(new Uint8Array([104, 105]), {})],
    ["a Proxy of an ArrayBuffer", () => new Proxy(new Uint8Array([104, 105]).buffer, {})]
  ])("%s is refused, not sent as JSON or as nothing", (_, make) => {
    expect(() => signer.signRequest({ method: "POST", path: "/", body: make() }))
      .toThrow(expect.objectContaining({ _tag: "SigningError", field: "body", message: expect.stringMatching(/bytes themselves/) }))
  })

  it.each([
    ["a class instance with its own Symbol.toStringTag", () => new (class Money {
      amount = 5
      get [Symbol.toStringTag]() {
        return "Money"
      }
    })(), { amount: 5 }],
    ["a plain object with a Symbol.toStringTag key", () => ({ id: 1, [Symbol.toStringTag]: "Thing" }), { id: 1 }],
    ["a boxed string", () => new String("hello"), "hello"],
    ["an arguments object, even an empty one", () => (function() {
      return arguments // eslint-disable-line prefer-rest-params
    })(), {}],
    ["an object tagged like a Map but not one", () => ({ a: 1, [Symbol.toStringTag]: "Map" }), { a: 1 }]
  ])("%s is sent as JSON sends it", async (_, make, json) => {
    const { echo } = await sent(make())
    expect(echo.body.sha256).toBe(sha256(JSON.stringify(json)))
  })
})

describe("credentials whose expiration is a Date from another realm", () => {
  it("are validated once, not at every signature (the same core credentials each time, so the signing key stays cached)", () => {
    const credentials = { accessKeyId: "AKIDREALM", secretAccessKey: "realm/secret", expiration: foreign<Date>("new Date(Date.now() + 3600000)") }
    const first = toSigningCredentials(credentials)
    expect(first).not.toBeInstanceOf(SigningError)
    expect(toSigningCredentials(credentials)).toBe(first)
  })
})

describe("an error from another realm (under Jest, every error Node's fetch throws) says what it said", () => {
  /** Node's fetch failing to connect, made in another realm: "fetch failed", with why in its cause. */
  const fetchFailed = () =>
    foreign<Error>(`(() => { const e = new TypeError("fetch failed"); e.cause = new Error("connect ECONNREFUSED 10.0.0.1:443"); return e })()`)
  const quietSigner = (options: Partial<ConstructorParameters<typeof ApiGatewaySigner>[0]> = {}) =>
    new ApiGatewaySigner({ endpoint: ENDPOINT_OF_NOWHERE, region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, ...options })

  it("makeRequestWithRetries: the failure's message and the reason in its cause", async () => {
    const failure = await quietSigner().makeRequestWithRetries({ method: "GET", path: "/x" }, () => { throw fetchFailed() }, 0).catch((error: unknown) => error)
    expect(failure).toMatchObject({ _tag: "RequestError", message: expect.stringContaining("fetch failed (connect ECONNREFUSED 10.0.0.1:443)") })
  })

  it("signer.fetch: the same", async () => {
    const failure = await quietSigner({ fetch: () => Promise.reject(fetchFailed()) }).fetch("/x").catch((error: unknown) => error)
    expect(failure).toMatchObject({ _tag: "RequestError", message: expect.stringContaining("fetch failed (connect ECONNREFUSED 10.0.0.1:443)") })
  })

  it("a credentials provider that fails: its error's name and message", async () => {
    const signerOfFailingProvider = new ApiGatewaySigner({ endpoint: ENDPOINT_OF_NOWHERE, region: "us-east-1", credentials: () => Promise.reject(fetchFailed()) })
    const failure = await signerOfFailingProvider.signRequestAsync({ method: "GET", path: "/x" }).catch((error: unknown) => error)
    expect(failure).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: "The credentials provider failed: TypeError: fetch failed" })
  })

  it("a shouldRetry that throws: what it threw", async () => {
    const failure = await quietSigner()
      .makeRequestWithRetries({ method: "GET", path: "/x" }, () => { throw fetchFailed() }, 1, { shouldRetry: () => { throw fetchFailed() } })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ message: expect.stringContaining("shouldRetry threw (fetch failed)") })
  })
})
