/**
 * Signing for one host, sending to another (`sendTo`). API Gateway verifies
 * a signature against its own host and stage path; requests that reach it
 * through a proxy or CDN (which rewrites Host and the path prefix) or through
 * a VPC endpoint are sent elsewhere. The local gateway stands behind two
 * loopback stand-ins: a proxy that forwards `/v1/*` to `/prod/*` with Host
 * rewritten to the API's host (as CloudFront does with an origin path and
 * without forwarding Host), and a "VPC endpoint" that forwards requests as
 * they are, Host included. Through the facade, the Effect API and the signed
 * HttpClient.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import got from "got"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, Retry, type SignedRequest, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import type { EchoResponse } from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { withSigner as axiosWithSigner } from "api-gateway-request-signer/axios"
import { withSigner as gotWithSigner } from "api-gateway-request-signer/got"
import { text } from "./support/arbitraries.js"
import { bodyBytes } from "./support/oracles.js"

const credentials = { accessKeyId: "AKIDSENDTO", secretAccessKey: "send-to/secret+key", sessionToken: "send-to-session-token" }
const keys = { accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }
const REGION = "eu-west-1"
const API_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
const ENDPOINT = `https://${API_HOST}/prod`

/** A loopback server that forwards each request to the gateway, as `rewrite` says (undefined: 404). */
const startForwarder = async (
  gatewayUrl: string,
  rewrite: (path: string, host: string) => { readonly path: string; readonly host: string } | undefined
) => {
  const gateway = new URL(gatewayUrl)
  const server = http.createServer((req, res) => {
    const target = rewrite(req.url ?? "/", req.headers.host ?? "")
    if (target === undefined) return void res.writeHead(404).end()
    const upstream = http.request(
      { hostname: gateway.hostname, port: gateway.port, method: req.method, path: target.path, headers: { ...req.headers, host: target.host } },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(res)
      }
    )
    upstream.on("error", () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

let gateway: LocalGateway.Service
let cdn: Awaited<ReturnType<typeof startForwarder>>
let vpce: Awaited<ReturnType<typeof startForwarder>>

beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: [credentials], region: REGION })
  // /v1/* goes to /prod/*, with the API's host: a CDN or reverse proxy in front of the API.
  cdn = await startForwarder(gateway.url, (path) =>
    path === "/v1" || path.startsWith("/v1/") || path.startsWith("/v1?") ? { path: "/prod" + path.slice(3), host: API_HOST } : undefined)
  // Everything as it came, Host included: a VPC endpoint.
  vpce = await startForwarder(gateway.url, (path, host) => ({ path, host }))
})
afterAll(async () => {
  await cdn.close()
  await vpce.close()
  await gateway.close()
})

const sha256 = (bytes: Uint8Array | undefined) => createHash("sha256").update(bytes ?? new Uint8Array()).digest("hex")

const viaFetch = async (request: SignedRequest) => {
  const response = await fetch(request.url, request)
  return { status: response.status, body: await response.json() as EchoResponse & { message?: string } }
}

/** node:http sends the Host header as given; fetch sends the URL's. */
const viaNodeHttp = (request: SignedRequest) =>
  new Promise<{ status: number; body: EchoResponse & { message?: string } }>((resolve, reject) => {
    const outgoing = http.request(request.url, { method: request.method, headers: request.headers }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }))
    })
    outgoing.on("error", reject)
    outgoing.end(bodyBytes(request.body))
  })

const facade = (sendTo: string | undefined, endpoint = ENDPOINT) =>
  new ApiGatewaySigner({ endpoint, region: REGION, ...keys, ...(sendTo === undefined ? {} : { sendTo }) })

describe("the facade with sendTo", () => {
  it("returns sendTo plus the path below the stage plus the query, signed for the endpoint's host and path", () => {
    const signed = facade("https://d111111abcdef8.cloudfront.net/v1/").signRequest({ method: "GET", path: "/pets/@x", queryParams: { type: "dog" } })
    expect(signed.url).toBe("https://d111111abcdef8.cloudfront.net/v1/pets/@x?type=dog")
    expect(Object.keys(signed.headers).map((name) => name.toLowerCase())).not.toContain("host")
    const asApiGatewaySeesIt = SigV4.verify(
      { method: "GET", target: "/prod/pets/@x?type=dog", headers: [["host", API_HOST], ...Object.entries(signed.headers)] },
      { credentials: [credentials], region: REGION, now: Date.now() }
    )
    expect(asApiGatewaySeesIt).toMatchObject({ valid: true })
  })

  it("sends to a sendTo without a path: the stage is dropped", () => {
    expect(facade("https://api.example.com").signRequest({ method: "GET", path: "/pets" }).url).toBe("https://api.example.com/pets")
    expect(facade("https://api.example.com").signRequest({ method: "GET", path: "/" }).url).toBe("https://api.example.com/")
  })

  it("sends the endpoint itself (path \"\") to a sendTo without a path as \"/\": through a CDN that prefixes the stage (an origin path), it arrives as signed", async () => {
    const originPath = await startForwarder(gateway.url, (path) => ({ path: "/prod" + path, host: API_HOST }))
    try {
      const signed = facade(originPath.url).signRequest({ method: "GET", path: "" })
      expect(signed.url).toBe(`${originPath.url}/`)
      const { status, body } = await viaFetch(signed)
      expect(body.message).toBeUndefined()
      expect(status).toBe(200)
      expect(body.path).toBe("/prod/")
    } finally {
      await originPath.close()
    }
  })

  it("reaches the gateway through a proxy that rewrites Host and /v1 to /prod", async () => {
    const signer = facade(`${cdn.url}/v1`)
    const signed = signer.signRequest({ method: "POST", path: "/pets/42", queryParams: { q: "a b" }, body: { name: "Rex" } })
    const { status, body } = await viaFetch(signed)
    expect(body.message).toBeUndefined()
    expect(status).toBe(200)
    expect(body.path).toBe("/prod/pets/42")
    expect(body.query).toEqual({ q: ["a b"] })
    expect(body.body.sha256).toBe(sha256(bodyBytes(signed.body)))
  })

  it("is what makes that work: signed for the proxy's own URL, the same request is refused", async () => {
    const { status, body } = await viaFetch(facade(undefined, `${cdn.url}/v1`).signRequest({ method: "GET", path: "/pets" }))
    expect(status).toBe(403)
    expect(body.message).toMatch(/^The request signature we calculated does not match/)
  })

  it("signer.fetch sends to sendTo, and takes absolute URLs under sendTo or the endpoint", async () => {
    const signer = facade(`${cdn.url}/v1`)
    for (const input of ["/pets/7?x=1", `${cdn.url}/v1/pets/7?x=1`, `${ENDPOINT}/pets/7?x=1`]) {
      const response = await signer.fetch(input, { method: "POST", body: JSON.stringify({ name: "Rex" }), headers: { "content-type": "application/json" } })
      const echo = await response.json() as EchoResponse & { message?: string }
      expect(echo.message).toBeUndefined()
      expect(response.status).toBe(200)
      expect(echo.path).toBe("/prod/pets/7")
      expect(echo.query).toEqual({ x: ["1"] })
    }
    await expect(signer.fetch(`${gateway.url}/prod/pets`)).rejects.toMatchObject({ _tag: "SigningError", reason: "InvalidRequest" })
  })

  it("retries through the proxy with makeRequestWithRetries", async () => {
    const status = await facade(`${cdn.url}/v1`).makeRequestWithRetries({ method: "GET", path: "/pets" }, async (request) => {
      const response = await fetch(request.url, request)
      if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
      return response.status
    })
    expect(status).toBe(200)
  })

  it("presigns a URL that points at sendTo and is accepted through the proxy", async () => {
    const { url } = facade(`${cdn.url}/v1`).presignRequest({ method: "GET", path: "/report", queryParams: { id: "7" } })
    expect(url.startsWith(`${cdn.url}/v1/report?`)).toBe(true)
    const response = await fetch(url)
    const echo = await response.json() as EchoResponse
    expect(response.status).toBe(200)
    expect(echo.principal.presigned).toBe(true)
    expect(echo.path).toBe("/prod/report")
  })

  it.live.prop("random paths, queries and bodies arrive through the proxy as given", {
    // No "/" inside a segment: the check below decodes the path that arrives, segment by segment.
    segments: fc.array(text(8).filter((s) => s !== "." && s !== "..").map((s) => s.replaceAll("/", "_")), { minLength: 1, maxLength: 3 }),
    query: fc.dictionary(text(5), text(6), { maxKeys: 3 }),
    payload: fc.option(fc.uint8Array({ maxLength: 100 }), { nil: undefined })
  }, ({ segments, query, payload }) =>
    Effect.promise(async () => {
      const path = "/" + segments.map(encodeURIComponent).join("/")
      const signed = facade(`${cdn.url}/v1`).signRequest({ method: "PUT", path, queryParams: query, body: payload })
      const { status, body } = await viaFetch(signed)
      expect(body.message).toBeUndefined()
      expect(status).toBe(200)
      // The gateway hands on the path it verified: empty segments collapsed.
      expect(body.path.split("/").map(decodeURIComponent).join("/")).toBe(("/prod/" + segments.join("/")).replace(/\/+/g, "/"))
      expect(body.body.sha256).toBe(sha256(bodyBytes(signed.body)))
    }), { fastCheck: { numRuns: 60 } })
})

describe("the client integrations with sendTo", () => {
  // got clears the body headers of a request a hook moves to another origin, unless the hook sets the body.
  it.each(["GET", "DELETE"] as const)("got: a %s without a body keeps the body headers it was signed with", async (method) => {
    const instance = gotWithSigner(got.extend({ prefixUrl: ENDPOINT, retry: { limit: 0 }, throwHttpErrors: false }), facade(`${cdn.url}/v1`))
    const response = await instance(`pets/1`, { method, headers: { "content-language": "en", "content-type": "application/json" } })
    const body = JSON.parse(response.body) as EchoResponse & { message?: string }
    expect(body.message).toBeUndefined()
    expect(response.statusCode).toBe(200)
    expect(body.headers["content-language"]).toBe("en")
    expect(body.headers["content-type"]).toBe("application/json")
  })

  it("axios: a GET without a body keeps the body headers it was signed with", async () => {
    const instance = axiosWithSigner(axios.create({ baseURL: ENDPOINT, validateStatus: () => true }), facade(`${cdn.url}/v1`))
    const response = await instance.get<EchoResponse & { message?: string }>("/pets/1", { headers: { "content-language": "en" } })
    expect(response.data.message).toBeUndefined()
    expect(response.status).toBe(200)
    expect(response.data.headers["content-language"]).toBe("en")
  })
})

describe("a private API through a VPC endpoint, with sendTo and a host header", () => {
  it("sends the API's host in a Host header, which node:http sends as given", async () => {
    const signed = facade(`${vpce.url}/prod`).signRequest({ method: "GET", path: "/pets", headers: { host: API_HOST } })
    expect(signed.url).toBe(`${vpce.url}/prod/pets`)
    expect(signed.headers["host"]).toBe(API_HOST)
    const { status, body } = await viaNodeHttp(signed)
    expect(body.message).toBeUndefined()
    expect(status).toBe(200)
    expect(body.headers["host"]).toBe(API_HOST)
  })

  it("is refused when sent with fetch, which sends the URL's host instead", async () => {
    const signed = facade(`${vpce.url}/prod`).signRequest({ method: "GET", path: "/pets", headers: { host: API_HOST } })
    expect((await viaFetch(signed)).status).toBe(403)
  })

  it("sends the endpoint's host spelled as the endpoint spells it", () => {
    const signed = facade(`${vpce.url}/prod`).signRequest({ method: "GET", path: "/", headers: { Host: API_HOST.toUpperCase() } })
    expect(signed.headers["Host"]).toBe(API_HOST)
  })
})

describe("a host header naming sendTo's host in other letters", () => {
  it("is signed as sendTo spells it, the host a client sends, and not sent", () => {
    const VPCE_HOST = "vpce-0123-abcd.execute-api.eu-west-1.vpce.amazonaws.com"
    const signed = facade(`https://${VPCE_HOST}/prod`).signRequest({ method: "GET", path: "/pets", headers: { host: VPCE_HOST.toUpperCase() } })
    expect(Object.keys(signed.headers).map((name) => name.toLowerCase())).not.toContain("host")
    const asSent = SigV4.verify(
      { method: "GET", target: "/prod/pets", headers: [["host", VPCE_HOST], ...Object.entries(signed.headers)] },
      { credentials: [credentials], region: REGION, now: Date.now() }
    )
    expect(asSent).toMatchObject({ valid: true })
  })
})

describe("a private API through a VPC endpoint, with x-apigw-api-id instead (no sendTo)", () => {
  it("signs for the VPC endpoint's host, whose name gives the region, and signs the header", () => {
    const signer = new ApiGatewaySigner({ endpoint: "https://vpce-0123456789abcdef0-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com/prod", ...keys })
    expect(signer.region).toBe("eu-west-1")
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { "x-apigw-api-id": "abc123" } })
    expect(signed.url).toBe("https://vpce-0123456789abcdef0-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com/prod/pets")
    expect(signed.headers["Authorization"]).toMatch(/SignedHeaders=accept;host;x-amz-date;x-amz-security-token;x-apigw-api-id,/)
  })

  it("is accepted through the VPC endpoint stand-in, sent with fetch", async () => {
    const signed = facade(undefined, `${vpce.url}/prod`).signRequest({ method: "GET", path: "/pets", headers: { "x-apigw-api-id": "abc123" } })
    const { status, body } = await viaFetch(signed)
    expect(status).toBe(200)
    expect(body.headers["x-apigw-api-id"]).toBe("abc123")
  })
})

describe("sendTo is validated like the endpoint", () => {
  const refusals: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["an empty string", "", /^No sendTo: pass the base URL requests are sent to/],
    ["not a string", 42, /^The sendTo must be a string such as https:\/\/\S+; got number 42\.$/],
    ["a relative URL", "/v1", /^The sendTo "\/v1" is not an absolute URL/],
    ["another scheme", "ftp://proxy.example.com/v1", /^The sendTo must be an http\(s\) URL/],
    ["a query", "https://proxy.example.com/v1?X-Amz-Security-Token=SECRETTOKEN", /^The sendTo "https:\/\/proxy.example.com\/v1" carries a query/],
    ["user info", "https://user:SECRETPASSWORD@proxy.example.com/v1", /^The sendTo contains a user name or password/],
    ["a ws(s) URL for an https endpoint", "wss://proxy.example.com/v1", /^sendTo "wss:\/\/proxy.example.com\/v1" uses wss: but the endpoint .* uses https:/]
  ]

  it.each(refusals)("refuses %s in the facade, with an InvalidEndpoint that shows no secret", (_, sendTo, message) => {
    const error = (() => {
      try {
        new ApiGatewaySigner({ endpoint: ENDPOINT, region: REGION, ...keys, sendTo: sendTo as string })
        return undefined
      } catch (error) {
        return error
      }
    })()
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidEndpoint" })
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toMatch(/SECRET/)
  })

  it.each(refusals)("refuses %s in Signer.make, in the error channel", (_, sendTo, message) =>
    Effect.runPromise(Effect.flip(Signer.make({ endpoint: ENDPOINT, region: REGION, sendTo: sendTo as string }))).then((error) => {
      expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidEndpoint" })
      expect(error.message).toMatch(message)
    }))

  it("accepts ws(s) for a wss endpoint", () => {
    const signer = new ApiGatewaySigner({ endpoint: "wss://abc123.execute-api.eu-west-1.amazonaws.com/prod", ...keys, sendTo: "wss://ws.example.com/chat" })
    expect(signer.presignRequest({ method: "GET", path: "/" }).url.startsWith("wss://ws.example.com/chat/?X-Amz-")).toBe(true)
  })
})

const SignerLive = () => Signer.layer({ endpoint: ENDPOINT, region: REGION, sendTo: `${cdn.url}/v1` })

describe("the Effect API with sendTo", () => {
  it.live("Signer.signRequest returns a request that reaches the gateway through the proxy", () =>
    Effect.gen(function*() {
      const signed = yield* Signer.signRequest({ method: "GET", path: "/pets", queryParams: { page: "2" } })
      expect(signed.url).toBe(`${cdn.url}/v1/pets?page=2`)
      const { status, body } = yield* Effect.promise(() => viaFetch(signed))
      expect(status).toBe(200)
      expect(body.path).toBe("/prod/pets")
    }).pipe(Effect.provide(SignerLive()), Effect.provide(Credentials.layer(credentials))))

  it.live("Retry.makeRequestWithRetries sends through the proxy", () =>
    Effect.gen(function*() {
      const status = yield* Retry.makeRequestWithRetries({ method: "DELETE", path: "/pets/1" }, (signed) =>
        Effect.promise(() => viaFetch(signed)).pipe(Effect.map(({ status }) => status)))
      expect(status).toBe(200)
    }).pipe(Effect.provide(SignerLive()), Effect.provide(Credentials.layer(credentials))))

  it.live("the signed HttpClient sends to sendTo, signed for the endpoint, and takes absolute URLs under either", () =>
    Effect.gen(function*() {
      const client = yield* SignedHttpClient.SignedHttpClient
      for (const url of ["/pets", `${cdn.url}/v1/pets`, `${ENDPOINT}/pets`]) {
        const response = yield* client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson({ name: "Rex" })))
        const echo = (yield* response.json) as EchoResponse
        expect(response.status).toBe(200)
        expect(echo.path).toBe("/prod/pets")
      }
      const outside = yield* Effect.flip(client.get(`${gateway.url}/prod/pets`))
      expect(outside).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest" })
      expect(outside.message).toContain(`sent to ${cdn.url}/v1`)
    }).pipe(
      Effect.provide(
        SignedHttpClient.layer.pipe(
          Layer.provide(SignerLive()),
          Layer.provide(Credentials.layer(credentials)),
          Layer.provide(FetchHttpClient.layer)
        )
      )
    ))
})
