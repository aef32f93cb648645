/**
 * A failure that wraps the response it stands for: Effect's UnknownException
 * (what `Effect.tryPromise` without `catch` fails with, as the README's
 * `send` does) holds the rejected Response as `cause`; a facade callback may
 * throw `new Error("HTTP 409", { cause: response })`. Both loops read the
 * status, the Retry-After and the clock skew through such wrappers, as
 * `Retry.isTransient` does: a permanent 4xx is sent once, Retry-After is
 * waited for, a refusal for skew is corrected. Time is the TestClock's or
 * fake timers'; the skew tests send to a local gateway.
 */
import { describe, expect, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, RequestError, Retry, type SignedRequest, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { clockCorrection } from "../src/internal/clockSkew.js"
import { failureOf, rejectionOf } from "./support/outcomes.js"
import { signerFor } from "./support/gateway.js"
import { useFakeTimersAtMidpointJitter } from "./support/fakeTimers.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = { accessKeyId: "AKIDWRAPPED", secretAccessKey: "wrapped/secret+key" }
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))
const TEN_MINUTES = 10 * 60 * 1000

/** What Effect.tryPromise without catch fails with when the promise rejects with `rejection`. */
const unknownException = (rejection: unknown) => new Cause.UnknownException(rejection)

describe("the failure readers look through the errors a failure wraps", () => {
  const now = Date.UTC(2026, 0, 1)

  it("a 409 Response inside an UnknownException is a permanent failure, not a transient one", () => {
    const failure = unknownException(new Response(null, { status: 409 }))
    expect(Retry.isPermanentFailure(failure)).toBe(true)
    expect(Retry.isTransient(failure)).toBe(false)
  })

  it("the Retry-After of a Response inside an UnknownException is read", () => {
    const failure = unknownException(new Response(null, { status: 503, headers: { "retry-after": "7" } }))
    expect(Retry.retryAfterMillis(failure, now)).toBe(7000)
  })

  it("a 403 Response inside an UnknownException, its Date header far off, is a refusal for skew", () => {
    const response = new Response(null, { status: 403, headers: { date: new Date(now - TEN_MINUTES).toUTCString() } })
    expect(clockCorrection(unknownException(response), now)).toBe(-TEN_MINUTES)
  })

  it("API Gateway's skew message on an Error that wraps the 403 as cause is read", () => {
    const message = "Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)"
    expect(clockCorrection(new Error(message, { cause: { status: 403 } }), now)).toBe(TEN_MINUTES)
  })

  it("the outermost status decides: a 503 wrapping a 404 is retried", () => {
    const failure = Object.assign(new Error("HTTP 503", { cause: new Response(null, { status: 404 }) }), { status: 503 })
    expect(Retry.isPermanentFailure(failure)).toBe(false)
    expect(Retry.isTransient(failure)).toBe(true)
  })

  it("a cause chain that loops back on itself ends: no status, no Retry-After, no skew", () => {
    const failure: { cause?: unknown } = {}
    failure.cause = failure
    expect(Retry.isPermanentFailure(failure)).toBe(false)
    expect(Retry.retryAfterMillis(failure, now)).toBeUndefined()
    expect(clockCorrection(failure, now)).toBeUndefined()
  })

  it("a cause that throws when read (a revoked Proxy, a throwing getter) reads as absent", () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const hostile = Object.defineProperty({}, "status", {
      get() {
        throw new Error("getter")
      }
    })
    for (const failure of [unknownException(proxy), unknownException(hostile)]) {
      expect(Retry.isPermanentFailure(failure)).toBe(false)
      expect(Retry.isTransient(failure)).toBe(false)
      expect(Retry.retryAfterMillis(failure, now)).toBeUndefined()
      expect(clockCorrection(failure, now)).toBeUndefined()
    }
  })
})

describe("the Effect Retry, with send as the README writes it (Effect.tryPromise without catch)", () => {
  /** `Effect.tryPromise(() => fetch(...).then((r) => r.ok ? r.json() : Promise.reject(r)))`, answered by `answer`. */
  const readmeSend = (calls: Ref.Ref<number>, answer: (call: number) => Response) => (_: SignedRequest) =>
    Effect.flatMap(Ref.updateAndGet(calls, (n) => n + 1), (call) =>
      Effect.tryPromise(() => {
        const response = answer(call)
        return response.ok ? response.json() : Promise.reject(response)
      }))

  it.effect("by default, a POST answered 409 is sent once, and fails as NotRetryable", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const send = readmeSend(calls, () => new Response(JSON.stringify({ message: "exists" }), { status: 409 }))
      const fiber = yield* Effect.fork(Retry.makeRequestWithRetries({ method: "POST", path: "/pets", body: { name: "Rex" } }, send))
      yield* TestClock.adjust(Duration.minutes(1))
      const error = failureOf(yield* Fiber.await(fiber))
      expect(yield* Ref.get(calls)).toBe(1)
      expect(error).toBeInstanceOf(RequestError)
      expect(error).toMatchObject({ reason: "NotRetryable", attempts: 1 })
    }).pipe(Effect.provide(Live)))

  it.effect("a Retry-After on the rejected Response is waited for", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const send = readmeSend(calls, (call) =>
        call === 1 ? new Response(null, { status: 503, headers: { "retry-after": "3" } }) : new Response("{}", { status: 200 }))
      const fiber = yield* Effect.fork(
        Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, send, { schedule: Retry.backoff({ times: 2, jitter: false }) })
      )
      yield* TestClock.adjust(Duration.millis(2999))
      expect(yield* Ref.get(calls)).toBe(1)
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Ref.get(calls)).toBe(2)
      expect(yield* Fiber.join(fiber)).toEqual({})
    }).pipe(Effect.provide(Live)))

  it("a refusal for clock skew is corrected: times: 0 still succeeds, and the Signer keeps the offset", () =>
    Effect.gen(function*() {
      const credentials = { accessKeyId: "AKIDWRAPPEDSKEW", secretAccessKey: "wrapped/skew/key" }
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: TEN_MINUTES * 2 })
      let calls = 0
      const send = (signed: SignedRequest) => {
        calls++
        return Effect.tryPromise(() => fetch(signed.url, signed).then((r) => (r.ok ? r.json() : Promise.reject(r))))
      }
      const result = yield* Effect.zip(Retry.makeRequestWithRetries({ method: "GET", path: "/skew" }, send, { times: 0 }), Signer.clockOffset).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layer(credentials)))
      )
      expect(calls).toBe(2)
      expect(Math.abs(result[1] - TEN_MINUTES * 2)).toBeLessThan(5000)
    }).pipe(Effect.scoped, Effect.runPromise))
})

describe("the facade, with a callback that throws an Error wrapping the response as cause", () => {
  const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey })
  const wrapping = (response: Response) => new Error(`HTTP ${response.status}`, { cause: response })

  it("by default, a POST answered 409 is called back once, and rejects as NotRetryable", async () => {
    let calls = 0
    const error = await rejectionOf(signer.makeRequestWithRetries({ method: "POST", path: "/pets", body: { name: "Rex" } }, () => {
      calls++
      throw wrapping(new Response(null, { status: 409 }))
    }, 3, { baseDelayMs: 0 }))
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ reason: "NotRetryable", attempts: 1 })
  })

  describe("on fake timers", () => {
    useFakeTimersAtMidpointJitter()

    it("a Retry-After on the wrapped Response is waited for", async () => {
      const start = Date.now()
      const times: Array<number> = []
      const done = signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => {
        times.push(Date.now() - start)
        throw wrapping(new Response(null, { status: 503, headers: { "retry-after": "2" } }))
      }, 2).catch(() => undefined)
      await vi.runAllTimersAsync()
      await done
      expect(times).toEqual([0, 2000, 4000])
    })
  })

  it("a refusal for clock skew is corrected: retries: 0 still succeeds, with one extra call", async () => {
    const credentials = { accessKeyId: "AKIDWRAPPEDSKEW", secretAccessKey: "wrapped/skew/key" }
    const gateway = await LocalGateway.start({ credentials: [credentials], clockOffsetMillis: -TEN_MINUTES * 2 })
    try {
      const skewed = signerFor(gateway.url, credentials)
      let calls = 0
      const status = await skewed.makeRequestWithRetries({ method: "GET", path: "/skew" }, async (request) => {
        calls++
        const response = await fetch(request.url, request)
        if (!response.ok) throw wrapping(response)
        return response.status
      }, 0)
      expect(status).toBe(200)
      expect(calls).toBe(2)
      expect(Math.abs(skewed.clockOffset + TEN_MINUTES * 2)).toBeLessThan(5000)
    } finally {
      await gateway.close()
    }
  })
})
