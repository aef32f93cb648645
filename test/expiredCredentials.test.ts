/**
 * Expired credentials are refused wherever they come from (given once, or
 * handed out by a provider) and in both APIs: a signature made with them is a
 * 403 at best. The time is the signer's own (the Clock in the Effect API, with
 * any clock-skew correction). One exception: a request the library sends
 * itself goes out with a provider's credentials that look expired by the
 * signer's clock, since a clock ahead of AWS's by more than they have left is
 * set right only by API Gateway's refusal for skew.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, Retry, Signer, SigningError } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { withSigner as axiosWithSigner } from "api-gateway-request-signer/axios"
import { withSigner as gotWithSigner } from "api-gateway-request-signer/got"
import axios from "axios"
import got from "got"
import { failureOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const request = { method: "GET", path: "/pets" } as const
const MINUTE = 60_000
const START = Date.UTC(2026, 0, 1, 12, 0, 0)
const keys = { accessKeyId: "ASIAEXPIREDKEY", secretAccessKey: "expired-secret-key", sessionToken: "expired-session-token" }
const expiredAt = new Date(Date.now() - MINUTE)

describe("the facade", () => {
  it("refuses credentials given with an expiration that has passed", () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: { ...keys, expiration: expiredAt } })
    expect(() => signer.signRequest(request)).toThrow(SigningError)
    expect(() => signer.signRequest(request)).toThrow(/expired/)
  })

  it("refuses expired credentials a provider hands out, saying the provider gave them", async () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: async () => ({ ...keys, expiration: expiredAt }) })
    const error = await signer.signRequestAsync(request).catch((failure: unknown) => failure)
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "MissingCredentials" })
    expect((error as Error).message).toMatch(/provider gave credentials that had already expired/)
  })

  it.each([
    ["given once", { ...keys, expiration: expiredAt }],
    ["from a provider", async () => ({ ...keys, expiration: expiredAt })]
  ])("sends makeRequestWithRetries' request with credentials %s that look expired: API Gateway's answer says whether the clock is wrong", async (_, credentials) => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials })
    const sent: Array<string | undefined> = []
    await signer.makeRequestWithRetries(request, (signed) => sent.push(signed.headers["x-amz-security-token"]), 2)
    expect(sent).toEqual([keys.sessionToken])
  })

  it("sends them through a subclass's signRequest too (makeRequestWithRetries signs each attempt through it)", async () => {
    class Tagging extends ApiGatewaySigner {
      override signRequest(params: Parameters<ApiGatewaySigner["signRequest"]>[0]) {
        return super.signRequest({ ...params, headers: { ...params.headers, "x-tag": "1" } })
      }
    }
    const signer = new Tagging({ endpoint: ENDPOINT, credentials: async () => ({ ...keys, expiration: expiredAt }) })
    const sent: Array<string | undefined> = []
    await signer.makeRequestWithRetries(request, (signed) => sent.push(signed.headers["x-tag"]), 0)
    expect(sent).toEqual(["1"])
    // Outside makeRequestWithRetries, its signRequest signs only, and refuses them.
    expect(() => signer.signRequest(request)).toThrow(SigningError)
  })

  it("judges a slow provider's answer when it arrives: credentials that expired while it was asked are refused for signing only", async () => {
    // A stale cache behind a slow provider: asked, it answers 300 ms later with credentials that expired 100 ms after it was asked.
    const slow = () => {
      const askedAt = Date.now()
      return new Promise<typeof keys & { expiration: Date }>((resolve) => setTimeout(() => resolve({ ...keys, expiration: new Date(askedAt + 100) }), 300))
    }
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: slow })
    let calls = 0
    const [signed, sent] = await Promise.all([
      signer.signRequestAsync(request).catch((failure: unknown) => failure),
      signer.makeRequestWithRetries(request, () => calls++, 0).catch((failure: unknown) => failure)
    ])
    expect(signed).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect((signed as Error).message).toMatch(/provider gave credentials that had already expired/)
    // The request makeRequestWithRetries sends goes out, once: the answer tells a stale cache from a clock ahead.
    expect(sent).toBe(0)
    expect(calls).toBe(1)
  })

  it("judges the answer to a renewal in the background (started by signRequest) when it arrives: a stale one leaves the valid credentials in place", async () => {
    let calls = 0
    const provider = async () => {
      if (calls++ === 0) return { ...keys, expiration: new Date(Date.now() + 4 * MINUTE) }
      // Slow, from a stale cache: it answers 300 ms after it was asked, with credentials that expired 100 ms after.
      const askedAt = Date.now()
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { ...keys, accessKeyId: "ASIASTALEANSWER", expiration: new Date(askedAt + 100) }
    }
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: provider })
    await signer.signRequestAsync(request)
    signer.signRequest(request) // inside the 5-minute window: starts the renewal
    // The stale answer is not signed with, nor kept: the credentials it would replace are still valid.
    const joined = await signer.signRequestAsync(request)
    expect(joined.headers["Authorization"]).toContain(`Credential=${keys.accessKeyId}/`)
    expect(signer.signRequest(request).headers["Authorization"]).toContain(`Credential=${keys.accessKeyId}/`)
  })

  it("asks the provider again after it handed out expired credentials, and signs once they are fresh", async () => {
    let answers = 0
    const provider = async () => ({ ...keys, expiration: answers++ === 0 ? expiredAt : new Date(Date.now() + 60 * MINUTE) })
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: provider })
    await expect(signer.signRequestAsync(request)).rejects.toThrow(SigningError)
    const signed = await signer.signRequestAsync(request)
    expect(signed.headers["x-amz-security-token"]).toBe(keys.sessionToken)
    expect(answers).toBe(2)
  })
})

describe("the Effect API", () => {
  const signerLayer = Signer.layer({ endpoint: ENDPOINT })

  it.effect("refuses static credentials whose expiration has passed by the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      const error = failureOf(yield* Effect.exit(Signer.signRequest(request)))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect(error.message).toMatch(/expired at 2026-01-01T11:59:00.000Z/)
    }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layer({ ...keys, expiration: new Date(START - MINUTE) }))))

  it.effect("signs until the expiration, and refuses from then on as the Clock moves past it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      expect((yield* Signer.signRequest(request)).headers["x-amz-security-token"]).toBe(keys.sessionToken)
      yield* TestClock.adjust(Duration.minutes(10))
      expect(failureOf(yield* Effect.exit(Signer.signRequest(request)))).toMatchObject({ reason: "MissingCredentials" })
    }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layer({ ...keys, expiration: new Date(START + 10 * MINUTE) }))))

  it.effect("Retry sends its request with static credentials that look expired by the Clock: the answer says whether the clock is wrong", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      const tokens: Array<string | undefined> = []
      yield* Retry.makeRequestWithRetries(request, (signed) => Effect.sync(() => tokens.push(signed.headers["x-amz-security-token"])), { times: 0 })
      expect(tokens).toEqual([keys.sessionToken])
    }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layer({ ...keys, expiration: new Date(START - MINUTE) }))))

  it.effect("refuses to presign with expired credentials", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      const error = failureOf(yield* Effect.exit(Signer.presignRequest(request)))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layer({ ...keys, expiration: new Date(START - MINUTE) }))))

  it.effect("a renewal whose answer has already expired (a stale cache) leaves the valid credentials in place: signatures go on with them", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      let calls = 0
      const provider = async () =>
        calls++ === 0
          ? { ...keys, expiration: new Date(START + 4 * MINUTE) } // inside the renewal window from the start
          : { ...keys, accessKeyId: "ASIASTALEANSWER", expiration: new Date(START - MINUTE) }
      yield* Effect.gen(function*() {
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain(`Credential=${keys.accessKeyId}/`)
        // Renewed (the window), answered with expired credentials: signed with the valid ones.
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain(`Credential=${keys.accessKeyId}/`)
        expect(calls).toBe(2)
      }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layerFromProvider(provider)))
    }))

  it.effect("with maxAge, credentials kept after a renewal answered with expired ones are not renewed again at every signature", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      let calls = 0
      // Credentials without expiration, renewed every 15 minutes; the renewals answer from a stale cache.
      const fetch = Effect.sync(() =>
        calls++ === 0 ? { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } : { ...keys, accessKeyId: "ASIASTALEANSWER", expiration: new Date(START - MINUTE) }
      )
      yield* Effect.gen(function*() {
        yield* Signer.signRequest(request)
        yield* TestClock.adjust(Duration.minutes(16))
        for (let i = 0; i < 5; i++) {
          expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain(`Credential=${keys.accessKeyId}/`)
        }
        expect(calls).toBe(2)
      }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layerRefreshing(fetch, { maxAge: "15 minutes" })))
    }))

  it.effect("refuses expired credentials a provider hands out, saying the provider gave them", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      const error = failureOf(yield* Effect.exit(Signer.signRequest(request)))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect(error.message).toMatch(/provider gave credentials that had already expired/)
    }).pipe(
      Effect.provide(signerLayer),
      Effect.provide(Credentials.layerFromProvider(async () => ({ ...keys, expiration: new Date(START - MINUTE) })))
    ))
})

describe("a clock ahead of AWS's by more than a provider's credentials have left", () => {
  // This machine's clock is 2 hours ahead of the gateway's ("AWS"); the provider's credentials are valid for
  // 1 more hour of AWS's time, so they look expired by this clock until a refusal for skew sets it right.
  const AHEAD = 2 * 60 * MINUTE
  const provider = async () => ({ ...keys, expiration: new Date(Date.now() - AHEAD + 60 * MINUTE) })
  const withGateway = async <A>(f: (gateway: LocalGateway.Service) => Promise<A>): Promise<A> => {
    const gateway = await LocalGateway.start({ credentials: [keys], clockOffsetMillis: -AHEAD })
    try {
      return await f(gateway)
    } finally {
      await gateway.close()
    }
  }

  it("the facade's fetch is refused for skew, corrects the clock, and succeeds with them", () =>
    withGateway(async (gateway) => {
      const signer = new ApiGatewaySigner({ endpoint: gateway.url, region: "us-east-1", credentials: provider })
      const response = await signer.fetch("/pets")
      expect(response.status).toBe(200)
      expect(Math.abs(signer.clockOffset + AHEAD)).toBeLessThan(5000)
      // Now on the corrected clock, the same credentials sign synchronously too.
      expect(signer.signRequest(request).headers["x-amz-security-token"]).toBe(keys.sessionToken)
    }))

  it("makeRequestWithRetries with retries 0 succeeds with one extra call", () =>
    withGateway(async (gateway) => {
      const signer = new ApiGatewaySigner({ endpoint: gateway.url, region: "us-east-1", credentials: provider })
      let calls = 0
      const status = await signer.makeRequestWithRetries(request, async (signed) => {
        calls++
        const response = await fetch(signed.url, signed)
        if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
        return response.status
      }, 0)
      expect(status).toBe(200)
      expect(calls).toBe(2)
    }))

  it("the Effect Retry does the same with Credentials.layerFromProvider", () =>
    withGateway(async (gateway) => {
      const program = Retry.makeRequestWithRetries(request, (signed) =>
        Effect.tryPromise({
          try: async () => {
            const response = await fetch(signed.url, signed)
            if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
            return response.status
          },
          catch: (error) => error
        }), { times: 0 })
      const status = await Effect.runPromise(program.pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layerFromProvider(provider)))
      ))
      expect(status).toBe(200)
    }))

  it("axios with the signer (withSigner) succeeds after one correction", () =>
    withGateway(async (gateway) => {
      const signer = new ApiGatewaySigner({ endpoint: gateway.url, region: "us-east-1", credentials: provider })
      const response = await axiosWithSigner(axios.create({ baseURL: gateway.url }), signer).get("/pets")
      expect(response.status).toBe(200)
      expect(Math.abs(signer.clockOffset + AHEAD)).toBeLessThan(5000)
    }))

  it("got with the signer (withSigner) succeeds after one correction", () =>
    withGateway(async (gateway) => {
      const signer = new ApiGatewaySigner({ endpoint: gateway.url, region: "us-east-1", credentials: provider })
      const response = await gotWithSigner(got.extend({ prefixUrl: gateway.url, retry: { limit: 0 } }), signer).get("pets")
      expect(response.statusCode).toBe(200)
      expect(Math.abs(signer.clockOffset + AHEAD)).toBeLessThan(5000)
    }))

  it("signRequestAsync, which only signs, still refuses them", async () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: provider })
    await expect(signer.signRequestAsync(request)).rejects.toMatchObject({ reason: "MissingCredentials" })
  })

  it("Signer.signRequest, which only signs, still refuses them, naming the clock", async () => {
    const error = failureOf(await Effect.runPromiseExit(Signer.signRequest(request).pipe(
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layerFromProvider(provider)))
    )))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringMatching(/machine's clock/) })
  })
})

