/**
 * Expired credentials are refused, never signed with, wherever they come
 * from (given once, or handed out by a provider) and in both APIs: a
 * signature made with them is a 403 at best. The time is the signer's own
 * (the Clock in the Effect API, with any clock-skew correction).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, Signer, SigningError } from "api-gateway-request-signer"
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

  it("never calls makeRequestWithRetries' callback with a request signed by expired credentials", async () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: async () => ({ ...keys, expiration: expiredAt }) })
    let calls = 0
    const error = await signer.makeRequestWithRetries(request, () => calls++, 2).catch((failure: unknown) => failure)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(calls).toBe(0)
  })

  it("judges a slow provider's answer when it arrives: credentials that expired while it was asked are refused", async () => {
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
    expect(sent).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(calls).toBe(0)
  })

  it("judges the answer to a renewal in the background (started by signRequest) when it arrives, too", async () => {
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
    const joined = await signer.signRequestAsync(request).catch((failure: unknown) => failure)
    expect(joined).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect((joined as Error).message).toMatch(/provider gave credentials that had already expired/)
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

  it.effect("refuses to presign with expired credentials", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(START)
      const error = failureOf(yield* Effect.exit(Signer.presignRequest(request)))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layer({ ...keys, expiration: new Date(START - MINUTE) }))))

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
