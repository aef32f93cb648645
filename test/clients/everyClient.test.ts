/**
 * Every client docs/clients.md shows sends requests the local gateway
 * accepts, and they arrive as sent: a path with reserved and non-ASCII
 * characters, repeated query keys, and JSON, text and bytes bodies. Each
 * client is given the request its own way (its params, its JSON option, its
 * body types); the gateway verifies the signature and echoes method, path,
 * query and the body's SHA-256.
 */
import { request as httpRequest } from "node:http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import got from "got"
import ky from "ky"
import { Credentials, Signer } from "api-gateway-request-signer"
import { withSigner as axiosWithSigner } from "api-gateway-request-signer/axios"
import { withSigner as gotWithSigner } from "api-gateway-request-signer/got"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { AWKWARD_PATH, BODIES, type BodyCase, credentials, decodedPath, type Echo, sha256, type Stage, startStage } from "./support.js"

/** One request, as each client is given it. */
interface Case {
  readonly method: "GET" | "POST" | "PUT"
  /** Under the stage, starting with "/", encoded where a client would not encode. */
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly body?: BodyCase | undefined
}

type Sent = { readonly status: number; readonly echo: Echo }
type Client = (stage: Stage, request: Case) => Promise<Sent>

const queryString = (query: Case["query"]) => query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")
const searchParamsOf = ({ query }: Case) => new URLSearchParams(query.map(([key, value]): [string, string] => [key, value]))
const target = ({ path, query }: Case) => (query.length === 0 ? path : `${path}?${queryString(query)}`)

/** The body as text or bytes, with the content type that says what it is. */
const rawBody = (body: BodyCase): { readonly data: string | Uint8Array<ArrayBuffer>; readonly contentType: string } =>
  "json" in body ? { data: JSON.stringify(body.json), contentType: "application/json" }
  : "text" in body ? { data: body.text, contentType: "text/plain; charset=utf-8" }
  : { data: body.bytes as Uint8Array<ArrayBuffer>, contentType: "application/octet-stream" }

/** The body as a client with a JSON option takes it: JSON as an object, the rest raw. */
const nativeBody = (body: BodyCase): { readonly json?: unknown; readonly data?: string | Uint8Array<ArrayBuffer>; readonly contentType?: string } =>
  "json" in body ? { json: body.json } : rawBody(body)

const fetched = async (response: Response): Promise<Sent> => ({ status: response.status, echo: (await response.json()) as Echo })

const runEffect = <A>(effect: Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(effect)

/** The random request signed by the facade's own signRequest, its body as the facade takes it. */
const signedByFacade = (signer: Stage["signer"], request: Case) => {
  const body = request.body === undefined ? undefined : nativeBody(request.body)
  return signer.signRequest({
    method: request.method,
    path: request.path,
    queryParams: request.query,
    headers: body?.contentType === undefined ? {} : { "content-type": body.contentType },
    body: body?.json ?? body?.data
  })
}

const CLIENTS: ReadonlyArray<readonly [string, Client]> = [
  ["the facade's signRequest, sent with fetch", async ({ signer }, request) => {
    const signed = signedByFacade(signer, request)
    return fetched(await fetch(signed.url, signed))
  }],
  ["signer.fetch", async ({ signer }, request) => {
    const body = request.body === undefined ? undefined : rawBody(request.body)
    return fetched(
      await signer.fetch(target(request), {
        method: request.method,
        ...(body === undefined ? {} : { headers: { "content-type": body.contentType }, body: body.data })
      })
    )
  }],
  ["a web Request, signed by signRequestAsync", async ({ signer, stage }, request) => {
    const body = request.body === undefined ? undefined : rawBody(request.body)
    const input = new Request(stage + target(request), {
      method: request.method,
      ...(body === undefined ? {} : { headers: { "content-type": body.contentType }, body: body.data })
    })
    return fetched(await fetch(await signer.signRequestAsync(input)))
  }],
  ["a web Request, signed by the Effect Signer", async ({ stage }, request) => {
    const body = request.body === undefined ? undefined : rawBody(request.body)
    const input = new Request(stage + target(request), {
      method: request.method,
      ...(body === undefined ? {} : { headers: { "content-type": body.contentType }, body: body.data })
    })
    const signed = await runEffect(
      Signer.signRequest(input, { endpoint: stage, region: "us-east-1" }).pipe(Effect.provide(Credentials.layer(credentials)))
    )
    return fetched(await fetch(signed))
  }],
  ["the Effect signed HttpClient", ({ stage }, request) => {
    const body = request.body === undefined ? undefined : nativeBody(request.body)
    let unsigned = HttpClientRequest.make(request.method)(request.path, { urlParams: request.query.map(([key, value]) => [key, value] as [string, string]) })
    if (body?.json !== undefined) unsigned = HttpClientRequest.bodyUnsafeJson(unsigned, body.json)
    else if (typeof body?.data === "string") unsigned = HttpClientRequest.bodyText(unsigned, body.data, body.contentType)
    else if (body?.data !== undefined) unsigned = HttpClientRequest.bodyUint8Array(unsigned, body.data, body.contentType)
    return runEffect(
      Effect.gen(function*() {
        const client = yield* SignedHttpClient.SignedHttpClient
        const response = yield* client.execute(unsigned)
        return { status: response.status, echo: (yield* response.json) as Echo }
      }).pipe(
        Effect.scoped,
        Effect.provide(
          SignedHttpClient.layer.pipe(
            Layer.provide(Signer.layer({ endpoint: stage, region: "us-east-1" })),
            Layer.provide(Credentials.layer(credentials)),
            Layer.provide(FetchHttpClient.layer)
          )
        )
      )
    )
  }],
  ...(["http", "fetch"] as const).map((adapter) =>
    [`axios (${adapter} adapter), withSigner`, async ({ signer, stage }: Stage, request: Case): Promise<Sent> => {
      const body = request.body === undefined ? undefined : nativeBody(request.body)
      const client = axiosWithSigner(axios.create({ baseURL: stage, adapter, validateStatus: () => true }), signer)
      const response = await client.request<Echo>({
        method: request.method,
        url: request.path,
        params: searchParamsOf(request),
        ...(body === undefined ? {} : { data: body.json ?? body.data }),
        ...(body?.contentType === undefined ? {} : { headers: { "content-type": body.contentType } })
      })
      return { status: response.status, echo: response.data }
    }] as const
  ),
  ["got, withSigner", async ({ signer, stage }, request) => {
    const body = request.body === undefined ? undefined : nativeBody(request.body)
    const client = gotWithSigner(got.extend({ prefixUrl: stage, throwHttpErrors: false, retry: { limit: 0 } }), signer)
    const response = await client(request.path.slice(1), {
      method: request.method,
      searchParams: searchParamsOf(request),
      ...(body?.json !== undefined ? { json: body.json } : {}),
      ...(body?.data !== undefined ? { body: body.data } : {}),
      ...(body?.contentType === undefined ? {} : { headers: { "content-type": body.contentType } })
    })
    return { status: response.statusCode, echo: JSON.parse(response.body) as Echo }
  }],
  ["ky, with signer.fetch as its fetch", async ({ signer, stage }, request) => {
    const body = request.body === undefined ? undefined : nativeBody(request.body)
    const client = ky.create({ prefix: stage, fetch: signer.fetch, throwHttpErrors: false, retry: 0 })
    const response = await client(request.path.slice(1), {
      method: request.method,
      searchParams: searchParamsOf(request),
      ...(body?.json !== undefined ? { json: body.json } : {}),
      ...(body?.data !== undefined ? { body: body.data } : {}),
      ...(body?.contentType === undefined ? {} : { headers: { "content-type": body.contentType } })
    })
    return fetched(response)
  }],
  ["node:http, with the facade's signRequest", ({ signer }, request) => {
    const signed = signedByFacade(signer, request)
    return new Promise<Sent>((resolve, reject) => {
      const sending = httpRequest(signed.url, { method: signed.method, headers: signed.headers }, (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => resolve({ status: response.statusCode ?? 0, echo: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Echo }))
        response.on("error", reject)
      })
      sending.on("error", reject)
      sending.end(signed.body === undefined ? undefined : typeof signed.body === "string" ? signed.body : Buffer.from(signed.body as Uint8Array))
    })
  }]
]

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

describe.each(CLIENTS)("%s", (_, send) => {
  it("a path with reserved and non-ASCII characters is accepted, and arrives as written", async () => {
    const { status, echo } = await send(stage, { method: "GET", path: AWKWARD_PATH.written, query: [] })
    expect(echo.message).toBeUndefined()
    expect(status).toBe(200)
    expect(decodedPath(echo.path)).toBe(AWKWARD_PATH.arrives)
  })

  it("repeated query keys, non-ASCII and empty values are accepted, and arrive each once, in canonical order", async () => {
    const query = [["tag", "b"], ["tag", "a"], ["ключ", "значение✓"], ["empty", ""], ["tag", "c"]] as const
    const { status, echo } = await send(stage, { method: "GET", path: "/search", query })
    expect(status).toBe(200)
    expect(echo.query).toEqual({ tag: ["a", "b", "c"], "ключ": ["значение✓"], empty: [""] })
  })

  it.each(BODIES.map((body) => [body.name, body] as const))("a %s body is accepted, and arrives byte for byte", async (_, body) => {
    const { status, echo } = await send(stage, { method: "PUT", path: "/upload", query: [["v", "1"]], body })
    expect(echo.message).toBeUndefined()
    expect(status).toBe(200)
    expect(echo.method).toBe("PUT")
    expect(echo.body.sha256).toBe(sha256(body.arrives))
  })
})
