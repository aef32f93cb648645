/**
 * A SigningError is never retried (docs/retries.md), also when it is what
 * the callback or `send` fails with: its own signing failed (an inner
 * `signer.fetch` whose credentials provider fails, a second request signed
 * with the Effect API). Signing the same input again cannot succeed, so both
 * loops end at once with that SigningError itself, as when their own signing
 * fails, whatever the retry predicate would say.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, Retry, type SignedRequest, Signer, SigningError } from "api-gateway-request-signer"
import { failureOf, rejectionOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = { accessKeyId: "AKIDSIGNINGERROR", secretAccessKey: "signing/error+key" }
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))
const request = { method: "GET", path: "/pets" } as const

/** A facade signer whose credentials provider fails: every signature it tries is a SigningError. */
const brokenSigner = new ApiGatewaySigner({
  endpoint: "http://127.0.0.1:9/prod",
  region: "us-east-1",
  credentials: async () => {
    throw new Error("no SSO session: run aws sso login")
  }
})
const signingError = () => new SigningError({ reason: "InvalidRequest", message: "header x-a holds a line break" })

describe("the facade's makeRequestWithRetries", () => {
  const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey })

  it("calls back once when the callback's own signing fails, and rejects with that SigningError", async () => {
    let calls = 0
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      calls++
      return brokenSigner.fetch("/pets/details")
    }, 5, { baseDelayMs: 0 }))
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "MissingCredentials", message: expect.stringMatching(/no SSO session/) })
  })

  it("rejects with the very SigningError the callback threw, not a RequestError wrapping it", async () => {
    const thrown = signingError()
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      throw thrown
    }, 5, { baseDelayMs: 0 }))
    expect(error).toBe(thrown)
  })

  it("does not retry it even when shouldRetry would, and does not ask shouldRetry", async () => {
    let calls = 0
    let asked = 0
    const thrown = signingError()
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      calls++
      throw thrown
    }, 5, { baseDelayMs: 0, shouldRetry: () => (asked++, true) }))
    expect(error).toBe(thrown)
    expect(calls).toBe(1)
    expect(asked).toBe(0)
  })
})

describe("the Effect Retry.makeRequestWithRetries", () => {
  /** Runs `program` in a fiber, and moves the TestClock far past any backoff. */
  const settled = <A, E, R>(program: Effect.Effect<A, E, R>) =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(program)
      yield* TestClock.adjust(Duration.minutes(10))
      return yield* Fiber.await(fiber)
    })

  it.effect("sends once when send fails with a SigningError, and fails with that SigningError", () =>
    Effect.gen(function*() {
      let calls = 0
      const failure = signingError()
      const exit = yield* settled(Retry.makeRequestWithRetries(request, (_: SignedRequest) => {
        calls++
        return Effect.fail(failure)
      }))
      expect(calls).toBe(1)
      expect(failureOf(exit)).toBe(failure)
    }).pipe(Effect.provide(Live)))

  it.effect("fails with the SigningError an UnknownException holds (Effect.tryPromise of a facade call whose signing failed)", () =>
    Effect.gen(function*() {
      let calls = 0
      const exit = yield* settled(Retry.makeRequestWithRetries(request, (_: SignedRequest) => {
        calls++
        return Effect.tryPromise(() => brokenSigner.fetch("/pets/details"))
      }))
      expect(calls).toBe(1)
      expect(failureOf(exit)).toBeInstanceOf(SigningError)
      expect(failureOf(exit)).toMatchObject({ reason: "MissingCredentials" })
    }).pipe(Effect.provide(Live)))

  it.effect("does not retry it even when while would, and does not ask while", () =>
    Effect.gen(function*() {
      let calls = 0
      let asked = 0
      const failure = signingError()
      const exit = yield* settled(Retry.makeRequestWithRetries(request, (_: SignedRequest) => {
        calls++
        return Effect.fail(failure)
      }, { while: () => (asked++, true) }))
      expect(failureOf(exit)).toBe(failure)
      expect(calls).toBe(1)
      expect(asked).toBe(0)
    }).pipe(Effect.provide(Live)))
})
