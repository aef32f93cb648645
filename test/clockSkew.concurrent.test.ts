/**
 * Clock skew with requests in flight together, as in a Lambda that sends
 * them with Promise.all or Effect.all: two requests of one signer are both
 * signed on the wrong clock; the first one's refusal corrects the clock, and
 * the second one's refusal, read after that, must still be signed again (its
 * skew is measured on the clock it was signed on, not on the corrected one),
 * not handed back as a 403. The second request's answer is held until the
 * first one has finished, so the order is always that one.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import got from "got"
import { Credentials, Retry, type SignedRequest, Signer } from "api-gateway-request-signer"
import { withSigner as axiosWithSigner } from "api-gateway-request-signer/axios"
import { withSigner as gotWithSigner } from "api-gateway-request-signer/got"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDCONCURRENT", secretAccessKey: "concurrent/skew/secret", sessionToken: "concurrent-token" }
const TWENTY_MINUTES = 20 * 60 * 1000
const skews = [["ahead", TWENTY_MINUTES], ["behind", -TWENTY_MINUTES]] as const

/** Within a few seconds: the Date header has one-second resolution, and the requests take time. */
const expectNear = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(5000)

const withGateway = async <A>(clockOffsetMillis: number, f: (url: string) => Promise<A>): Promise<A> => {
  const gateway = await LocalGateway.start({ credentials: [credentials], clockOffsetMillis })
  try {
    return await f(gateway.url)
  } finally {
    await gateway.close()
  }
}

const facadeFor = (endpoint: string, transport?: typeof fetch) =>
  signerFor(endpoint, credentials, transport === undefined ? {} : { fetch: transport })

/** A promise and the function that settles it. */
const latch = () => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

describe.each(skews)("two requests in flight, the gateway %s by 20 minutes", (_, offset) => {
  it("signer.fetch: both succeed, and the clock is corrected once", () =>
    withGateway(offset, async (url) => {
      const first = latch()
      let heldSecond = false
      // The second request's first answer is held until the first request is done (corrected and answered).
      const transport: typeof fetch = async (input, init) => {
        const response = await fetch(input, init)
        if (String(input).endsWith("/second") && !heldSecond) {
          heldSecond = true
          await first.opened
        }
        return response
      }
      const signer = facadeFor(url, transport)
      const [a, b] = await Promise.all([
        signer.fetch("/first").then((response) => (first.open(), response.status)),
        signer.fetch("/second").then((response) => response.status)
      ])
      expect([a, b]).toEqual([200, 200])
      expectNear(signer.clockOffset, offset)
    }))

  it("makeRequestWithRetries: both succeed with retries: 0", () =>
    withGateway(offset, async (url) => {
      const signer = facadeFor(url)
      const first = latch()
      const bothSigned = latch()
      let firstAttempts = 0
      const send = (name: string) => async (request: SignedRequest) => {
        if (++firstAttempts === 2) bothSigned.open()
        await bothSigned.opened
        const response = await fetch(request.url, request)
        if (name === "second" && firstAttempts === 2) {
          firstAttempts++
          await first.opened
        }
        if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
        return response.status
      }
      const [a, b] = await Promise.all([
        signer.makeRequestWithRetries({ method: "GET", path: "/first" }, send("first"), 0).then((status) => (first.open(), status)),
        signer.makeRequestWithRetries({ method: "GET", path: "/second" }, send("second"), 0)
      ])
      expect([a, b]).toEqual([200, 200])
      expectNear(signer.clockOffset, offset)
    }))

  it("Retry.makeRequestWithRetries in Effect.all: both succeed with times: 0", () =>
    withGateway(offset, async (url) => {
      const first = latch()
      let heldSecond = false
      const send = (name: string) => (request: SignedRequest): Effect.Effect<number, unknown> =>
        Effect.tryPromise({
          try: async () => {
            const response = await fetch(request.url, request)
            if (name === "second" && !heldSecond) {
              heldSecond = true
              await first.opened
            }
            if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
            return response.status
          },
          catch: (error) => error
        })
      const program = Effect.gen(function*() {
        const statuses = yield* Effect.all([
          Retry.makeRequestWithRetries<number, unknown, never>({ method: "GET", path: "/first" }, send("first"), { times: 0 }).pipe(Effect.tap(() => Effect.sync(first.open))),
          Retry.makeRequestWithRetries<number, unknown, never>({ method: "GET", path: "/second" }, send("second"), { times: 0 })
        ], { concurrency: 2 })
        return { statuses, offset: yield* Signer.clockOffset }
      })
      const result = await Effect.runPromise(
        program.pipe(Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: url, region: "us-east-1" }), Credentials.layer(credentials))))
      )
      expect(result.statuses).toEqual([200, 200])
      expectNear(result.offset, offset)
    }))

  it("the signed HttpClient in Effect.all: both succeed", () =>
    withGateway(offset, async (url) => {
      const first = latch()
      let heldSecond = false
      // The transport holds the second request's first answer until the first request is done.
      const holding = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) =>
          HttpClient.transformResponse(client, (response) =>
            Effect.flatMap(response, (answer) => {
              if (!answer.request.url.endsWith("/second") || heldSecond) return Effect.succeed(answer)
              heldSecond = true
              return Effect.as(Effect.promise(() => first.opened), answer)
            })))
      ).pipe(Layer.provide(FetchHttpClient.layer))
      const program = Effect.gen(function*() {
        const client = yield* SignedHttpClient.SignedHttpClient
        const statuses = yield* Effect.all([
          client.get("/first").pipe(Effect.map((response) => response.status), Effect.tap(() => Effect.sync(first.open))),
          client.get("/second").pipe(Effect.map((response) => response.status))
        ], { concurrency: 2 })
        return { statuses, offset: yield* Signer.clockOffset }
      })
      const result = await Effect.runPromise(
        program.pipe(
          Effect.provide(SignedHttpClient.layer),
          Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: url, region: "us-east-1" }), Credentials.layer(credentials), holding))
        )
      )
      expect(result.statuses).toEqual([200, 200])
      expectNear(result.offset, offset)
    }))

  it("axios withSigner: both succeed", () =>
    withGateway(offset, async (url) => {
      const signer = facadeFor(url)
      const first = latch()
      let heldSecond = false
      const instance = axiosWithSigner(axios.create({ baseURL: url }), signer)
      // Holds the second request's first answer (as its error, for a 403) until the first request is done.
      instance.interceptors.response.use(undefined, async (error: { config?: { url?: string } }) => {
        if (error.config?.url?.endsWith("/second") === true && !heldSecond) {
          heldSecond = true
          await first.opened
        }
        throw error
      })
      const [a, b] = await Promise.all([
        instance.get("/first").then((response) => (first.open(), response.status)),
        instance.get("/second").then((response) => response.status)
      ])
      expect([a, b]).toEqual([200, 200])
      expectNear(signer.clockOffset, offset)
    }))

  it("got withSigner: both succeed", () =>
    withGateway(offset, async (url) => {
      const signer = facadeFor(url)
      const first = latch()
      let heldSecond = false
      // The hold runs before the signer's clock-skew hook sees the second request's first answer.
      const holding = got.extend({
        hooks: {
          afterResponse: [async (response) => {
            if (response.url.endsWith("/second") && !heldSecond) {
              heldSecond = true
              await first.opened
            }
            return response
          }]
        }
      })
      const instance = gotWithSigner(holding.extend({ prefixUrl: url, retry: { limit: 0 } }), signer)
      const [a, b] = await Promise.all([
        instance.get("first").then((response) => (first.open(), response.statusCode)),
        instance.get("second").then((response) => response.statusCode)
      ])
      expect([a, b]).toEqual([200, 200])
      expectNear(signer.clockOffset, offset)
    }))
})
