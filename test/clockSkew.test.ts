/**
 * Clock skew corrected: a local gateway whose clock is 20 minutes ahead of
 * (or behind) this machine's refuses the first signature as API Gateway
 * does (403, its time in the message and the Date header); the signer learns
 * the offset, signs again at once outside the retry budget, and signs on
 * time from then on. For the facade, the Effect Retry and the signed HttpClient.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { Credentials, RequestError, Retry, type SignedRequest, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { signatureExpiredMessage, signatureNotYetCurrentMessage } from "../src/internal/apiGatewayMessages.js"
import { attemptClock, clockCorrection, offsetAfterRefusal } from "../src/internal/clockSkew.js"
import { signerFor } from "./support/gateway.js"
import { failureOf } from "./support/outcomes.js"

const credentials = { accessKeyId: "AKIDSKEW", secretAccessKey: "skew/secret/key", sessionToken: "skew-session-token" }
const TWENTY_MINUTES = 20 * 60 * 1000
const skews = [["ahead", TWENTY_MINUTES], ["behind", -TWENTY_MINUTES]] as const

const withGateway = async <A>(
  clockOffsetMillis: number,
  f: (gateway: LocalGateway.Service) => Promise<A>,
  options: Partial<LocalGateway.Options> = {}
): Promise<A> => {
  const gateway = await LocalGateway.start({ credentials: [credentials], clockOffsetMillis, ...options })
  try {
    return await f(gateway)
  } finally {
    await gateway.close()
  }
}

/** What a typical caller passes: fetch, failing on HTTP errors with the response attached. */
const fetchOrThrow = async (request: SignedRequest) => {
  const response = await fetch(request.url, request)
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
  return response.status
}

/** A caller that reads the refusal's body into its error: the message only, no headers (so no Date). */
const fetchReadingBody = async (request: SignedRequest) => {
  const response = await fetch(request.url, request)
  if (!response.ok) throw Object.assign(new Error(await response.text()), { status: response.status })
  return response.status
}

/** Within a few seconds: the Date header has one-second resolution, and the requests take time. */
const expectNear = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(5000)

describe("the facade", () => {
  it.each(skews)("with the gateway %s by 20 minutes, retries: 0 still succeeds, with one extra call", async (_, offset) =>
    withGateway(offset, async (gateway) => {
      const signer = signerFor(gateway.url, credentials)
      let calls = 0
      const status = await signer.makeRequestWithRetries({ method: "GET", path: "/skew" }, (request) => {
        calls++
        return fetchOrThrow(request)
      }, 0)
      expect(status).toBe(200)
      expect(calls).toBe(2)
      expectNear(signer.clockOffset, offset)
    }))

  it.each(skews)("with the gateway %s, the same signer's next signRequest is on time", async (_, offset) =>
    withGateway(offset, async (gateway) => {
      const signer = signerFor(gateway.url, credentials)
      const before = signer.signRequest({ method: "GET", path: "/first" })
      expect((await fetch(before.url, before)).status).toBe(403)
      await signer.makeRequestWithRetries({ method: "GET", path: "/skew" }, fetchOrThrow)
      const after = signer.signRequest({ method: "GET", path: "/next" })
      expect((await fetch(after.url, after)).status).toBe(200)
    }))

  it("reads the server's time from the message when the caller read the body", async () =>
    withGateway(TWENTY_MINUTES, async (gateway) => {
      const signer = signerFor(gateway.url, credentials)
      expect(await signer.makeRequestWithRetries({ method: "GET", path: "/skew" }, fetchReadingBody, 0)).toBe(200)
      expectNear(signer.clockOffset, TWENTY_MINUTES)
    }))

  // The message only: a Date header 2 minutes off is too close to count on its own.
  it("corrects against a gateway whose skew limit is not whole minutes (90 s), 2 minutes ahead", async () =>
    withGateway(2 * 60 * 1000, async (gateway) => {
      const signer = signerFor(gateway.url, credentials)
      expect(await signer.makeRequestWithRetries({ method: "GET", path: "/skew" }, fetchReadingBody, 0)).toBe(200)
      expectNear(signer.clockOffset, 2 * 60 * 1000)
    }, { maxClockSkewMillis: 90_000 }))

  it("corrects once per request: a second refusal for skew is not retried outside the budget", async () => {
    const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
    let calls = 0
    // A server whose clock runs away: every answer is a refusal for skew.
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/skew" }, () => {
      calls++
      throw Object.assign(new Error("HTTP 403"), {
        status: 403,
        headers: { date: new Date(Date.now() + signer.clockOffset + TWENTY_MINUTES).toUTCString() }
      })
    }, 0).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ attempts: 2, reason: "NotRetryable" })
    expect(calls).toBe(2)
  })

  it("clockOffset refuses what is not a finite number", () => {
    const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
    expect(() => (signer.clockOffset = Number.NaN)).toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig" }))
  })

  it("clockOffset refuses an offset of more than 100 years, which would date every signature past 9999", () => {
    const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
    expect(() => (signer.clockOffset = 1e15)).toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/at most 100 years/) }))
    expect(signer.clockOffset).toBe(0)
    signer.clockOffset = -56 * 365 * 24 * 60 * 60 * 1000 // a device whose clock starts at 1970 in 2026: taken
    expect(() => signer.signRequest({ method: "GET", path: "/" })).not.toThrow()
  })

  it("clockOffset names a string it refuses by its kind only, never repeating it", () => {
    const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
    const assigned = "wJalrXUtnFEMI-assigned-by-mistake"
    expect(() => (signer.clockOffset = assigned as unknown as number)).toThrow(/got a string\./)
    expect(() => (signer.clockOffset = assigned as unknown as number)).not.toThrow(/wJalrXUtnFEMI/)
  })
})

describe("what counts as a refusal for skew", () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0)
  it("a 403 whose message states the server's time", () => {
    const message = "Signature expired: 20261126T120000Z is now earlier than 20261126T121500Z (20261126T122000Z - 5 min.)"
    expect(clockCorrection({ status: 403, message }, now)).toBe(20 * 60 * 1000)
  })

  it.each([
    ["expired", signatureExpiredMessage({ requestTime: "20261126T115000Z", limitTime: "20261126T120500Z", serverTime: "20261126T121000Z", maxSkewMinutes: 5 })],
    ["not yet current", signatureNotYetCurrentMessage({ requestTime: "20261126T122000Z", limitTime: "20261126T121500Z", serverTime: "20261126T121000Z", maxSkewMinutes: 5 })]
  ])("a 403 with API Gateway's %s message, inside a JSON body", (_, message) => {
    expect(clockCorrection({ status: 403, body: JSON.stringify({ message }) }, now)).toBe(10 * 60 * 1000)
  })

  it.each([1.5, 10080, 90_001 / 60_000])("a 403 whose message states a skew limit of %s minutes, as a local gateway with another limit writes", (maxSkewMinutes) => {
    const message = signatureExpiredMessage({ requestTime: "20261126T115000Z", limitTime: "20261126T120500Z", serverTime: "20261126T121000Z", maxSkewMinutes })
    expect(clockCorrection({ status: 403, message }, now)).toBe(10 * 60 * 1000)
  })

  it("a 403 whose Date header is more than 4 minutes off", () => {
    const response = new Response(null, { status: 403, headers: { date: new Date(now - 10 * 60 * 1000).toUTCString() } })
    expect(clockCorrection({ response }, now)).toBe(-10 * 60 * 1000)
  })

  it.each([
    ["a 403 with a Date header close to ours", { status: 403, headers: { date: new Date(now + 60_000).toUTCString() } }],
    ["a 500 whose Date header is far off", { status: 500, headers: { date: new Date(now + TWENTY_MINUTES).toUTCString() } }],
    ["a 403 with neither message nor Date", { status: 403 }],
    ["anything else", new Error("boom")]
  ])("not %s", (_, failure) => {
    expect(clockCorrection(failure, now)).toBeUndefined()
  })

  it.each([
    ["before 1970", "Wed, 31 Dec 1969 23:00:00 GMT"],
    ["in the last year an X-Amz-Date can hold", "Fri, 31 Dec 9999 23:59:59 GMT"]
  ])("not a 403 whose Date header is %s: no signature could be dated with the offset it would set", (_, date) => {
    expect(clockCorrection({ status: 403, headers: { date } }, now)).toBeUndefined()
  })

  it("not a 403 whose message states a server time no signature could be dated by", () => {
    const message = "Signature not yet current: 20261126T120000Z is still later than 99991231T240459Z (99991231T235959Z + 5 min.)"
    expect(clockCorrection({ status: 403, message }, now)).toBeUndefined()
  })

  it.each([["a number", "0"], ["an ISO date", "2026-11-26T12:30:00Z"], ["a five-digit year", "Sat, 01 Jan 10000 00:00:00 GMT"]])(
    "not a 403 whose Date header is %s, not an HTTP date",
    (_, date) => {
      expect(clockCorrection({ status: 403, headers: { date } }, now)).toBeUndefined()
    }
  )

  it("not a 403 whose x-amzn-ErrorType names another error, however far off its Date", () => {
    const headers = { date: new Date(now + TWENTY_MINUTES).toUTCString(), "x-amzn-errortype": "MissingAuthenticationTokenException" }
    expect(clockCorrection(new Response(null, { status: 403, headers }), now)).toBeUndefined()
  })

  it("not a 403 whose x-amzn-ErrorType, in a plain object in API Gateway's own casing, names another error", () => {
    const headers = { date: new Date(now + TWENTY_MINUTES).toUTCString(), "x-amzn-ErrorType": "AccessDeniedException" }
    expect(clockCorrection({ response: { status: 403, headers } }, now)).toBeUndefined()
  })

  it("no offset from a server time more than 100 years from this clock, which the signer would refuse if set by hand", () => {
    const failure = { status: 403, headers: { date: "Thu, 01 Jan 2201 00:00:00 GMT" } }
    expect(offsetAfterRefusal(failure, attemptClock(now, 0), now, 0)).toBeUndefined()
  })

  it("a 403 whose x-amzn-ErrorType is API Gateway's for a bad signature, with its Date far off", () => {
    const headers = { date: new Date(now + TWENTY_MINUTES).toUTCString(), "x-amzn-errortype": "InvalidSignatureException" }
    expect(clockCorrection(new Response(null, { status: 403, headers }), now)).toBe(TWENTY_MINUTES)
  })

  it("not a backend's 403 whose message only quotes API Gateway's (user text, say)", () => {
    const quoted = "Comment 42 is hidden: \"Signature expired: 20351231T000000Z is now earlier than 20351231T000500Z (20360101T000000Z - 5 min.)\""
    expect(clockCorrection({ status: 403, body: JSON.stringify({ message: quoted }) }, now)).toBeUndefined()
    expect(clockCorrection({ status: 403, message: quoted }, now)).toBeUndefined()
  })

  it("not a 403 whose Date header matched the signer's clock when the attempt was signed, however long ago that was", () => {
    const signedAt = now - 56 * 60 * 1000
    expect(clockCorrection({ status: 403, headers: { date: new Date(signedAt).toUTCString() } }, now, signedAt)).toBeUndefined()
  })

  it("a 403 whose message states a server time the signer's clock passed during the attempt: no correction (0), but signed again", () => {
    // The signature really expired on the way (a queue, a slow upload): a fresh one is the remedy, the clock is right.
    const message = "Signature expired: 20261126T114500Z is now earlier than 20261126T115000Z (20261126T115500Z - 5 min.)"
    expect(clockCorrection({ status: 403, message }, now, Date.UTC(2026, 10, 26, 11, 45, 0))).toBe(0)
  })

  it("the correction is the smallest that fits a moment of the attempt", () => {
    const failure = { status: 403, headers: { date: new Date(now - TWENTY_MINUTES).toUTCString() } }
    expect(clockCorrection(failure, now, now - 60_000)).toBe(-TWENTY_MINUTES + 60_000)
  })
})

describe("time spent in the caller's code after the answer is no skew", () => {
  const FIFTY_SIX_MINUTES = 56 * 60 * 1000

  it("the facade: a signature that expired on the way (API Gateway says so) is signed and sent again once, the clock left alone", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 0, 0) })
    try {
      const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
      const dates: Array<string> = []
      const result = await signer.makeRequestWithRetries({ method: "GET", path: "/queued" }, (request) => {
        dates.push(request.headers["x-amz-date"])
        if (dates.length > 1) return "ok"
        // The request waited 6 minutes in a queue before it left: expired on arrival, the clocks agree.
        vi.setSystemTime(Date.now() + 6 * 60 * 1000)
        throw {
          status: 403,
          message: "Signature expired: 20260101T120000Z is now earlier than 20260101T120100Z (20260101T120600Z - 5 min.)"
        }
      }, 0)
      expect(result).toBe("ok")
      expect(dates).toEqual(["20260101T120000Z", "20260101T120600Z"])
      expect(signer.clockOffset).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it("the facade: a 403 thrown 56 minutes after it was answered is not retried, and the clock is left alone", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) })
    try {
      const signer = signerFor("https://abc.execute-api.us-east-1.amazonaws.com/prod", credentials)
      let calls = 0
      const error = await signer.makeRequestWithRetries({ method: "GET", path: "/slow" }, () => {
        calls++
        // Answered on time; the caller's code then takes 56 minutes before it throws.
        const answeredAt = new Date(Date.now()).toUTCString()
        vi.setSystemTime(Date.now() + FIFTY_SIX_MINUTES)
        throw { status: 403, headers: { date: answeredAt } }
      }, 0).catch((e: unknown) => e)
      expect(error).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
      expect(calls).toBe(1)
      expect(signer.clockOffset).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it.effect("the Effect Retry: a 403 failed with 56 minutes after it was answered is not retried, and the clock is left alone", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 0, 1))
      let calls = 0
      const send = () =>
        Effect.flatMap(Clock.currentTimeMillis, (answeredAt) => {
          calls++
          return Effect.zipRight(
            TestClock.adjust(Duration.millis(FIFTY_SIX_MINUTES)),
            Effect.fail({ status: 403, headers: { date: new Date(answeredAt).toUTCString() } })
          )
        })
      const exit = yield* Effect.exit(Retry.makeRequestWithRetries({ method: "GET", path: "/slow" }, send, { times: 0 }))
      expect(failureOf(exit)).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
      expect(calls).toBe(1)
      expect(yield* Signer.clockOffset).toBe(0)
    }).pipe(
      Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: "https://abc.execute-api.us-east-1.amazonaws.com/prod" }), Credentials.layer(credentials)))
    ))
})

describe("Signer.setClockOffset refuses what is not a finite number, as an Effect", () => {
  const signerLayer = Layer.mergeAll(Signer.layer({ endpoint: "https://abc.execute-api.us-east-1.amazonaws.com/prod" }), Credentials.layer(credentials))
  it.each([
    ["NaN", Number.NaN, /got number NaN\./],
    ["more than 100 years", 1e15, /at most 100 years either way; got number 1000000000000000\./],
    ["a null-prototype object (String() of it throws)", Object.create(null), /got an object/],
    ["a secret key passed by mistake, named by its kind only", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", /not shown: it looks like a credential/]
  ])("%s: a SigningError from the Effect, none thrown while building it", (_, millis, message) => {
    const setting = Signer.setClockOffset(millis as number)
    const error = failureOf(Effect.runSyncExit(Effect.provide(setting, signerLayer)))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
    expect((error as Error).message).not.toContain("wJalrXUtnFEMI")
  })
})

describe("the Effect Retry", () => {
  it.each(skews)("with the gateway %s, times: 0 still succeeds, and the Signer keeps the offset", (_, offset) =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: offset })
      let calls = 0
      const program = Effect.gen(function*() {
        const status = yield* Retry.makeRequestWithRetries({ method: "GET", path: "/skew" }, (signed) => {
          calls++
          return Effect.tryPromise({ try: () => fetchOrThrow(signed), catch: (error) => error })
        }, { times: 0 })
        return { status, offset: yield* Signer.clockOffset }
      })
      const result = yield* program.pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layer(credentials)))
      )
      expect(result.status).toBe(200)
      expect(calls).toBe(2)
      expectNear(result.offset, offset)
    }).pipe(Effect.scoped, Effect.runPromise))
})

/** The status of one GET /skew through the signed HttpClient over FetchHttpClient with `fetch`, for the gateway at `endpoint`. */
const statusOfGet = (endpoint: string, fetch: typeof globalThis.fetch) =>
  Effect.gen(function*() {
    const client = yield* SignedHttpClient.SignedHttpClient
    return (yield* client.get("/skew")).status
  }).pipe(
    Effect.provide(SignedHttpClient.layer),
    Effect.provide(Layer.mergeAll(
      Signer.layer({ endpoint, region: "us-east-1" }),
      Credentials.layer(credentials),
      FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
    ))
  )

describe("the signed HttpClient", () => {
  it.each(skews)("with the gateway %s, a GET succeeds after one correction, and the next is on time", (_, offset) =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: offset })
      let executions = 0
      const counting = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) => HttpClient.tapRequest(client, () => Effect.sync(() => void executions++)))
      ).pipe(Layer.provide(FetchHttpClient.layer))
      const program = Effect.gen(function*() {
        const client = yield* SignedHttpClient.SignedHttpClient
        const first = yield* client.get("/skew")
        const second = yield* client.get("/again")
        return { first: first.status, second: second.status, offset: yield* Signer.clockOffset }
      })
      const result = yield* program.pipe(
        Effect.provide(SignedHttpClient.layer),
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layer(credentials), counting))
      )
      expect(result).toMatchObject({ first: 200, second: 200 })
      expect(executions).toBe(3)
      expectNear(result.offset, offset)
    }).pipe(Effect.scoped, Effect.runPromise))

  it("lets the refusal's body go beside sending again, so that its connection is not held until collected", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: TWENTY_MINUTES })
      const responses: Array<Response> = []
      const recording: typeof fetch = async (input, init) => {
        const response = await fetch(input, init)
        responses.push(response)
        return response
      }
      const status = yield* statusOfGet(gateway.url, recording)
      expect(status).toBe(200)
      expect(responses.map((response) => [response.status, response.bodyUsed])).toEqual([[403, true], [200, false]])
    }).pipe(Effect.scoped, Effect.runPromise))

  it("cancels a refusal's body that never starts after a second, so that it holds neither its connection nor the process", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: TWENTY_MINUTES })
      let calls = 0
      let cancelled = false
      const refusingFirst: typeof fetch = async (input, init) => {
        if (calls++ > 0) return fetch(input, init)
        const silent = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}), cancel: () => void (cancelled = true) })
        return new Response(silent, {
          status: 403,
          headers: { date: new Date(Date.now() + TWENTY_MINUTES).toUTCString(), "x-amzn-ErrorType": "InvalidSignatureException" }
        })
      }
      expect(yield* statusOfGet(gateway.url, refusingFirst)).toBe(200)
      yield* Effect.promise(() => vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 5000 }))
    }).pipe(Effect.scoped, Effect.runPromise))

  it("sends again without waiting for a refusal's body that never ends, and cancels it after its first chunk", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials], clockOffsetMillis: TWENTY_MINUTES, now: Date.now })
      let calls = 0
      let chunksPulled = 0
      let cancelled = false
      const refusingFirst: typeof fetch = async (input, init) => {
        if (calls++ > 0) return fetch(input, init)
        const endless = new ReadableStream<Uint8Array>({
          pull: (controller) => void (chunksPulled++, controller.enqueue(new Uint8Array(64 * 1024))),
          cancel: () => void (cancelled = true)
        })
        return new Response(endless, {
          status: 403,
          headers: { date: new Date(Date.now() + TWENTY_MINUTES).toUTCString(), "x-amzn-ErrorType": "InvalidSignatureException" }
        })
      }
      const status = yield* statusOfGet(gateway.url, refusingFirst)
      expect({ status, calls }).toEqual({ status: 200, calls: 2 })
      yield* Effect.promise(() => vi.waitFor(() => expect(cancelled).toBe(true)))
      // The stream's own buffering asks a chunk or two ahead; a body read whole would be thousands of chunks.
      expect(chunksPulled).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped, Effect.runPromise))
})
