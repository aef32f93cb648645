/**
 * A signed request is never sent on to a redirect's target. A signature
 * covers the host and the path, so no redirect of a signed request can
 * verify; following one to another origin would hand that origin the session
 * token (`x-amz-security-token`) and a signature valid for five minutes.
 *
 * Two loopback servers: the "API" answers every request with a 302 to the
 * "elsewhere" server, which records whatever reaches it. Elsewhere must never
 * see a request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, type SignedRequest, Signer, SigningError } from "api-gateway-request-signer"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"

const CREDENTIALS = { accessKeyId: "AKIDREDIRECT", secretAccessKey: "redirect/secret+key", sessionToken: "redirect-session-token-value" }

interface Seen {
  readonly method: string | undefined
  readonly url: string | undefined
  readonly headers: IncomingHttpHeaders
}

let api: Server
let elsewhere: Server
let apiUrl: string
let elsewhereUrl: string
/** Requests that reached each server. */
const reachedApi: Array<Seen> = []
const reachedElsewhere: Array<Seen> = []

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))

const record = (into: Array<Seen>) => (req: import("node:http").IncomingMessage) => {
  into.push({ method: req.method, url: req.url, headers: req.headers })
  req.resume()
}

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    record(reachedElsewhere)(req)
    res.writeHead(200, { "content-type": "application/json" }).end("{\"stolen\":true}")
  })
  elsewhereUrl = await listen(elsewhere)
  api = createServer((req, res) => {
    record(reachedApi)(req)
    // 307 keeps the method and body: a client that followed it would replay the request, signed headers and all.
    const status = req.url?.includes("/307") ? 307 : 302
    res.writeHead(status, { location: `${elsewhereUrl}/steal${req.url ?? ""}` }).end()
  })
  apiUrl = await listen(api)
})
afterAll(async () => {
  await Promise.all([api, elsewhere].map((server) => new Promise((resolve) => server.close(resolve))))
})
beforeEach(() => {
  reachedApi.length = 0
  reachedElsewhere.length = 0
})

const facade = () =>
  new ApiGatewaySigner({
    endpoint: `${apiUrl}/prod`,
    region: "us-east-1",
    accessKey: CREDENTIALS.accessKeyId,
    secretKey: CREDENTIALS.secretAccessKey,
    sessionToken: CREDENTIALS.sessionToken
  })

const Live = Layer.mergeAll(
  Layer.suspend(() => Signer.layer({ endpoint: `${apiUrl}/prod`, region: "us-east-1" })),
  Credentials.layer(CREDENTIALS)
)

/** The signed request reached the API, with its token, and nothing reached elsewhere. */
const expectNotFollowed = () => {
  expect(reachedApi).toHaveLength(1)
  expect(reachedApi[0]!.headers["x-amz-security-token"]).toBe(CREDENTIALS.sessionToken)
  expect(reachedElsewhere).toEqual([])
}

describe("fetch(request.url, request), the documented call, does not follow a redirect", () => {
  it.each(["/pets/302", "/pets/307"])("for a signed GET to %s: the 3xx comes back, and elsewhere sees nothing", async (path) => {
    const request = facade().signRequest({ method: "GET", path })
    expect(request.redirect).toBe("manual")
    const response = await fetch(request.url, request)
    // Node's fetch returns the redirect itself; a browser returns an opaque redirect (type "opaqueredirect", status 0).
    expect([302, 307, 0]).toContain(response.status)
    await response.body?.cancel()
    expectNotFollowed()
  })

  it("for a signed POST with a body, redirected with 307 (which keeps method and body)", async () => {
    const request = facade().signRequest({ method: "POST", path: "/orders/307", body: { item: 42 } })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(307)
    expectNotFollowed()
  })

  it("for every attempt of makeRequestWithRetries", async () => {
    const statuses: Array<number> = []
    await facade().makeRequestWithRetries({ method: "GET", path: "/pets/302" }, async (request) => {
      const response = await fetch(request.url, request)
      statuses.push(response.status)
      return response.status
    })
    expect(statuses).toEqual([302])
    expectNotFollowed()
  })

  it("nor does signer.fetch", async () => {
    const response = await facade().fetch("/pets/307", { method: "POST", body: "{\"item\":42}" })
    expect(response.status).toBe(307)
    expectNotFollowed()
  })

  it("for a request signed by the Effect API", async () => {
    const request: SignedRequest = await Effect.runPromise(Signer.signRequest({ method: "GET", path: "/pets/302" }).pipe(Effect.provide(Live)))
    expect(request.redirect).toBe("manual")
    const response = await fetch(request.url, request)
    expect(response.status).toBe(302)
    expectNotFollowed()
  })
})

describe("axios with maxRedirects: 0, the documented equivalent, does not follow either", () => {
  it("the 302 rejects as an axios error carrying the response, and elsewhere sees nothing", async () => {
    const { url, method, headers, body } = facade().signRequest({ method: "GET", path: "/pets/302" })
    const error = await axios({ url, method, headers, ...(body === undefined ? {} : { data: body }), maxRedirects: 0 }).then(() => undefined, (error: unknown) => error)
    expect(error).toMatchObject({ response: { status: 302 } })
    expectNotFollowed()
  })

  it("with axios's fetch adapter (what to use in a browser) too", async () => {
    const { url, method, headers, body } = facade().signRequest({ method: "GET", path: "/pets/302" })
    const result = await axios({ url, method, headers, ...(body === undefined ? {} : { data: body }), maxRedirects: 0, adapter: "fetch" }).then(
      (response) => response.status,
      (error: { response?: { status: number } }) => error.response?.status
    )
    expect(result).toBe(302)
    expectNotFollowed()
  })
})

describe("the signed HttpClient does not follow a redirect", () => {
  const run = <A, E>(effect: Effect.Effect<A, E, SignedHttpClient.SignedHttpClient>, transport = FetchHttpClient.layer) =>
    Effect.runPromise(
      effect.pipe(
        Effect.provide(SignedHttpClient.layer.pipe(Layer.provide(Live), Layer.provide(transport)))
      )
    )

  it("over FetchHttpClient: the 302 is the response, and elsewhere sees nothing", async () => {
    const status = await run(Effect.flatMap(SignedHttpClient.SignedHttpClient, (client) => Effect.map(client.get("/pets/302"), (response) => response.status)))
    expect(status).toBe(302)
    expectNotFollowed()
  })

  it("even when the transport's RequestInit asks to follow redirects", async () => {
    const following = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { redirect: "follow" })))
    const status = await run(
      Effect.flatMap(SignedHttpClient.SignedHttpClient, (client) => Effect.map(client.get("/pets/302"), (response) => response.status)),
      following
    )
    expect(status).toBe(302)
    expectNotFollowed()
  })

  it("and HttpClient.followRedirects on it cannot send the request elsewhere: the target is outside the endpoint, a SigningError", async () => {
    const error = await run(
      Effect.flatMap(SignedHttpClient.SignedHttpClient, (client) => Effect.flip(HttpClient.followRedirects(client).get("/pets/302")))
    )
    expect(error).toBeInstanceOf(SigningError)
    expect((error as SigningError).message).toMatch(/outside the signer's endpoint/)
    expectNotFollowed()
  })
})
