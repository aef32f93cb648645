/**
 * makeRequestWithRetries: Effect.retry with a Schedule, signing afresh every
 * attempt. Time is the TestClock's: nothing here sleeps for real.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { Credentials, RequestError, Retry, type SignedRequest, Signer, SigningError } from "api-gateway-request-signer"
import { failureOf, thrownBy } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const Live = Layer.mergeAll(
  Signer.layer({ endpoint: ENDPOINT }),
  Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" })
)
const request = { method: "GET", path: "/pets" } as const
const noJitter = (times: number, base: Duration.DurationInput = "100 millis") => Retry.backoff({ times, base, jitter: false })

/** A send that fails its first `failures` calls with `error`, records every request, then answers "ok". */
const flaky = <E>(failures: number, error: E) =>
  Effect.map(Ref.make<ReadonlyArray<SignedRequest>>([]), (calls) => ({
    calls,
    send: (signed: SignedRequest) =>
      Effect.flatMap(Ref.updateAndGet(calls, (all) => [...all, signed]), (all) =>
        all.length <= failures ? Effect.fail(error) : Effect.succeed("ok" as const))
  }))

/** Fails the first attempt with `failure`, and expects the second exactly `millis` later (not a millisecond before). */
const secondAttemptAfter = <E>(failure: E, millis: number) =>
  Effect.gen(function*() {
    const { calls, send } = yield* flaky(1, failure)
    const fiber = yield* Effect.fork(Retry.makeRequestWithRetries(request, send, { schedule: noJitter(2) }))
    yield* TestClock.adjust(Duration.millis(millis - 1))
    expect((yield* Ref.get(calls)).length).toBe(1)
    yield* TestClock.adjust(Duration.millis(1))
    expect((yield* Ref.get(calls)).length).toBe(2)
    expect(yield* Fiber.join(fiber)).toBe("ok")
  })

/** Runs the effect in a fiber, advancing the TestClock until it is done. */
const runToEnd = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 100 && (yield* fiber.poll)._tag === "None"; i++) yield* TestClock.adjust(Duration.seconds(10))
    return yield* Fiber.await(fiber)
  })

describe("attempt counts", () => {
  it.effect.each([[0, 1], [1, 2], [5, 6]] as const)("times %i makes %i attempts when every attempt fails", ([times, attempts]) =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send, { times }))
      expect((yield* Ref.get(calls)).length).toBe(attempts)
      expect(failureOf(exit)).toMatchObject({ _tag: "RequestError", reason: "RetriesExhausted", attempts, cause: "boom" })
    }).pipe(Effect.provide(Live)))

  it.effect("the default retries 5 times: 6 attempts", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send))
      expect((yield* Ref.get(calls)).length).toBe(6)
      expect(failureOf(exit)).toBeInstanceOf(RequestError)
    }).pipe(Effect.provide(Live)))

  it.effect.each([0, 1, 3, 5] as const)("succeeds after %i failures, with one more attempt", (failures) =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(failures, "boom")
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send))
      expect(exit).toEqual(Exit.succeed("ok"))
      expect((yield* Ref.get(calls)).length).toBe(failures + 1)
    }).pipe(Effect.provide(Live)))

  it.effect("a schedule can be composed on the default", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      yield* runToEnd(Retry.makeRequestWithRetries(request, send, {
        schedule: Schedule.intersect(Retry.defaultSchedule, Schedule.recurs(2))
      }))
      expect((yield* Ref.get(calls)).length).toBe(3)
    }).pipe(Effect.provide(Live)))

  it.effect("with both a schedule and times, whichever stops first wins", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      yield* runToEnd(Retry.makeRequestWithRetries(request, send, { schedule: Schedule.spaced("1 second"), times: 3 }))
      expect((yield* Ref.get(calls)).length).toBe(4)
    }).pipe(Effect.provide(Live)))
})

describe("the Promise facade's names for Retry's options", () => {
  it.effect.each([
    ["retries", { retries: 0 }, /given retries, the Promise facade's option, which it would ignore; it takes times \(how many retries\)/],
    ["retries beside a schedule", { schedule: Schedule.recurs(5), retries: 0 }, /given retries, .* it takes times/],
    ["shouldRetry", { shouldRetry: () => false }, /given shouldRetry, .* it takes while \(or until\), a predicate of the failure/],
    ["maxDelayMs", { maxDelayMs: 1000 }, /given maxDelayMs, .* it takes maxDelay \(a Duration\)/],
    ["baseDelayMs", { baseDelayMs: 10 }, /given baseDelayMs, .* it takes a schedule \(Retry.backoff\(\{ base \}\)\)/],
    ["signal", { signal: AbortSignal.abort() }, /given signal, .* it takes no signal: interrupt the Effect instead/]
  ] as const)("%s in place of Retry's own: refused before any attempt, naming Retry's (it would be ignored)", ([, options, message]) =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send, options as unknown as Retry.RetryOptions<string, never>))
      expect((yield* Ref.get(calls)).length).toBe(0)
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
    }).pipe(Effect.provide(Live)))

  it.effect("beside Retry's own: ignored, as any other field", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      yield* runToEnd(Retry.makeRequestWithRetries(request, send, { times: 1, retries: 0 } as Retry.RetryOptions<string, never>))
      expect((yield* Ref.get(calls)).length).toBe(2)
    }).pipe(Effect.provide(Live)))
})

describe("delays", () => {
  it.effect("follow the schedule, and no attempt runs early", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      const fiber = yield* Effect.fork(Retry.makeRequestWithRetries(request, send, { schedule: noJitter(3) }))
      const count = Effect.map(Ref.get(calls), (all) => all.length)
      yield* TestClock.adjust(Duration.zero) // let the fiber make its first attempt
      expect(yield* count).toBe(1)
      for (const [delay, expected] of [[100, 2], [200, 3], [400, 4]] as const) {
        yield* TestClock.adjust(Duration.millis(delay - 1))
        expect(yield* count).toBe(expected - 1)
        yield* TestClock.adjust(Duration.millis(1))
        expect(yield* count).toBe(expected)
      }
      expect(failureOf(yield* Fiber.await(fiber))).toMatchObject({ attempts: 4 })
    }).pipe(Effect.provide(Live)))

  it.effect("of the default schedule grow from about 100 ms, each within ±20%", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      yield* Effect.fork(Retry.makeRequestWithRetries(request, send))
      const times: Array<number> = []
      for (let elapsed = 0; elapsed <= 4000; elapsed += 5) {
        const count = (yield* Ref.get(calls)).length
        while (times.length < count) times.push(elapsed)
        yield* TestClock.adjust(Duration.millis(5))
      }
      const delays = times.slice(1).map((t, i) => t - times[i]!)
      expect(delays).toHaveLength(5)
      delays.forEach((delay, i) => {
        const nominal = 100 * 2 ** i
        expect(delay).toBeGreaterThanOrEqual(nominal * 0.8 - 5)
        expect(delay).toBeLessThanOrEqual(nominal * 1.2 + 5)
      })
    }).pipe(Effect.provide(Live)))

  it.effect("wait at least as long as a Retry-After header asks, up to maxDelay", () =>
    secondAttemptAfter({ response: { status: 429, headers: { "retry-after": "3" } } }, 3000).pipe(Effect.provide(Live)))

  // The server's clock 20 minutes ahead of this one: its HTTP date, measured from its own Date header, asks 3 s.
  it.effect("wait what a Retry-After HTTP date asks of the server's own Date, however far off this clock is", () =>
    Effect.gen(function*() {
      const serverNow = (yield* Effect.clockWith((clock) => clock.currentTimeMillis)) + 20 * 60_000
      const headers = { date: new Date(serverNow).toUTCString(), "retry-after": new Date(serverNow + 3000).toUTCString() }
      yield* secondAttemptAfter({ response: { status: 503, headers } }, 3000)
    }).pipe(Effect.provide(Live)))

  it.effect("without a Date header, measure a Retry-After HTTP date on the signer's corrected clock", () =>
    Effect.gen(function*() {
      yield* Signer.setClockOffset(20 * 60_000) // the server's clock 20 minutes ahead, as learnt from a refusal for skew
      const serverNow = (yield* Effect.clockWith((clock) => clock.currentTimeMillis)) + 20 * 60_000
      yield* secondAttemptAfter({ response: { status: 503, headers: { "retry-after": new Date(serverNow + 3000).toUTCString() } } }, 3000)
    }).pipe(Effect.provide(Live)))

  it.effect("never wait longer than maxDelay for a Retry-After", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(1, new Response(null, { status: 503, headers: { "Retry-After": "3600" } }))
      yield* Effect.fork(Retry.makeRequestWithRetries(request, send, { schedule: noJitter(2), maxDelay: "2 seconds" }))
      yield* TestClock.adjust(Duration.seconds(2))
      expect((yield* Ref.get(calls)).length).toBe(2)
    }).pipe(Effect.provide(Live)))
})

describe("Retry.backoff fails closed on options that would weaken it", () => {
  it.each([
    ["base NaN", { base: NaN }, /base must be/],
    ["base negative", { base: -1 }, /base must be/],
    ["maxDelay NaN", { maxDelay: NaN }, /maxDelay must be/],
    ["factor NaN", { factor: NaN }, /factor must be/],
    ["factor below 1", { factor: 0.5 }, /factor must be/],
    ["factor Infinity", { factor: Infinity }, /factor must be/],
    ["times NaN", { times: NaN }, /times must be/],
    ["times fractional", { times: 1.5 }, /times must be/],
    ["times past 1,000", { times: 1001 }, /times must be .* from 0 to 1000/],
    ["times Number.MAX_VALUE", { times: Number.MAX_VALUE }, /times must be/],
    ["jitter not a boolean", { jitter: "yes" }, /jitter must be/],
    ["options null", null, /Retry.backoff takes options such as/],
    ["options a number (not taken as {})", 5, /Retry.backoff takes options such as/],
    ["options a string (not taken as {})", "fast", /Retry.backoff takes options such as/],
    ["options an array (not taken as {})", [], /Retry.backoff takes options such as/],
    ["options whose getter throws", { get base(): never { throw new TypeError("no base here") } }, /The configuration is unusable: no base here/],
    // Effect decodes each of these to a zero Duration: no backoff, no wait for Retry-After.
    ["base a negative Duration string", { base: "-5 millis" }, /base must be/],
    ["base a NaN Duration string", { base: "NaN seconds" }, /base must be/],
    ["base a negative [seconds, nanos]", { base: [-5, 0] }, /base must be/],
    ["base a NaN [seconds, nanos]", { base: [NaN, 0] }, /base must be/],
    ["base a negative bigint of nanos", { base: -1n }, /base must be/],
    ["maxDelay a negative Duration string", { maxDelay: "-1 seconds" }, /maxDelay must be/],
    ["options a Date (not taken as {})", new Date(), /Retry.backoff takes options such as/],
    ["options a Map (not taken as {})", new Map([["times", 1]]), /Retry.backoff takes options such as/],
    ["options a Redacted (not taken as {})", Redacted.make({ times: 1 }), /Retry.backoff takes options such as .*; got a Redacted\./]
  ] as const)("%s: a SigningError naming the option, at once", (_, options, message) => {
    const error = thrownBy(() => Retry.backoff(options as unknown as Retry.BackoffOptions))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidConfig", message: expect.stringMatching(message) })
  })

  it("accepts Durations and the edges of each range", () => {
    expect(() => Retry.backoff({ base: "1 second", maxDelay: Duration.infinity, factor: 1, times: 0, jitter: false })).not.toThrow()
    expect(() => Retry.backoff({ times: 1000 })).not.toThrow()
  })

  it.each([["0 millis"], [0], [0n], [[0, 0]], [Duration.zero]] as const)("accepts a zero base spelled as zero: %s", (base) => {
    expect(() => Retry.backoff({ base: base as Duration.DurationInput })).not.toThrow()
  })

  it("accepts options made with Object.create(null)", () => {
    expect(() => Retry.backoff(Object.assign(Object.create(null) as object, { times: 2 }))).not.toThrow()
  })
})

describe("every attempt signs afresh", () => {
  it.effect("with a new x-amz-date when the clock has moved", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(2, "boom")
      yield* runToEnd(Retry.makeRequestWithRetries(request, send, { schedule: Schedule.spaced("2 seconds") }))
      const dates = (yield* Ref.get(calls)).map((signed) => signed.headers["x-amz-date"])
      expect(dates).toEqual(["19700101T000000Z", "19700101T000002Z", "19700101T000004Z"])
      const signatures = new Set((yield* Ref.get(calls)).map((signed) => signed.headers["authorization"]))
      expect(signatures.size).toBe(3)
    }).pipe(Effect.provide(Live)))

  it.effect("with the credentials current at that attempt", () =>
    Effect.gen(function*() {
      const keyId = yield* Ref.make(1)
      const rotating = Credentials.layerEffect(Effect.map(Ref.get(keyId), (n) => ({ accessKeyId: `AKIDROTATION${n}`, secretAccessKey: `secret${n}` })))
      const used: Array<string> = []
      const send = (signed: SignedRequest) => {
        used.push(/Credential=([^/]+)/.exec(signed.headers["authorization"]!)![1]!)
        return Effect.zipRight(Ref.update(keyId, (n) => n + 1), used.length < 3 ? Effect.fail("rotated") : Effect.succeed("ok"))
      }
      const result = yield* runToEnd(
        Retry.makeRequestWithRetries(request, send).pipe(Effect.provide(rotating), Effect.provide(Signer.layer({ endpoint: ENDPOINT })))
      )
      expect(result).toEqual(Exit.succeed("ok"))
      expect(used).toEqual(["AKIDROTATION1", "AKIDROTATION2", "AKIDROTATION3"])
    }))
})

describe("what is retried", () => {
  it.effect("a SigningError from the request is not retried: send is never called", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(0, "never")
      const exit = yield* runToEnd(Retry.makeRequestWithRetries({ method: "GET", path: "/", headers: { "x-a": "a\r\nb" } }, send))
      expect(failureOf(exit)).toBeInstanceOf(SigningError)
      expect((yield* Ref.get(calls)).length).toBe(0)
    }).pipe(Effect.provide(Live)))

  it.effect("a SigningError while re-signing (credentials gone) stops the retries at once", () =>
    Effect.gen(function*() {
      const available = yield* Ref.make(true)
      const credentials = Credentials.layerEffect(Effect.flatMap(Ref.get(available), (ok) =>
        ok ? Effect.succeed({ accessKeyId: "AKID", secretAccessKey: "s" }) : Effect.fail("credentials endpoint down")))
      const { calls, send } = yield* flaky(Infinity, "boom")
      const exit = yield* runToEnd(
        Retry.makeRequestWithRetries(request, (signed) => Effect.zipRight(Ref.set(available, false), send(signed))).pipe(
          Effect.provide(credentials),
          Effect.provide(Signer.layer({ endpoint: ENDPOINT }))
        )
      )
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect((yield* Ref.get(calls)).length).toBe(1)
    }))

  it.effect("the while predicate is honoured: a failure it rejects ends at once as NotRetryable", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, { response: { status: 404 } })
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send, { while: Retry.isTransient }))
      expect((yield* Ref.get(calls)).length).toBe(1)
      expect(failureOf(exit)).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
    }).pipe(Effect.provide(Live)))

  it.effect("the while predicate lets transient failures through", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(2, { response: { status: 503 } })
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send, { while: Retry.isTransient }))
      expect(exit).toEqual(Exit.succeed("ok"))
      expect((yield* Ref.get(calls)).length).toBe(3)
    }).pipe(Effect.provide(Live)))

  it.effect("the until predicate stops at the first failure it accepts", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "fatal")
      yield* runToEnd(Retry.makeRequestWithRetries(request, send, { until: (error) => error === "fatal" }))
      expect((yield* Ref.get(calls)).length).toBe(1)
    }).pipe(Effect.provide(Live)))

  it.effect("the last failure is the RequestError's cause", () =>
    Effect.gen(function*() {
      let n = 0
      const send = () => Effect.fail(`failure ${++n}`)
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, send, { times: 2 }))
      expect(failureOf(exit)).toMatchObject({ cause: "failure 3", attempts: 3 })
      expect(failureOf(exit).message).toBe("Request failed after 3 attempts: failure 3")
    }).pipe(Effect.provide(Live)))
})

describe("interruption", () => {
  it.effect("stops the retries at once: no attempt after it", () =>
    Effect.gen(function*() {
      const { calls, send } = yield* flaky(Infinity, "boom")
      const fiber = yield* Effect.fork(Retry.makeRequestWithRetries(request, send, { schedule: noJitter(5) }))
      yield* TestClock.adjust(Duration.millis(150))
      expect((yield* Ref.get(calls)).length).toBe(2)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* TestClock.adjust(Duration.minutes(10))
      expect((yield* Ref.get(calls)).length).toBe(2)
    }).pipe(Effect.provide(Live)))

  it.effect("interrupts a send in flight", () =>
    Effect.gen(function*() {
      const started = yield* Ref.make(0)
      const fiber = yield* Effect.fork(Retry.makeRequestWithRetries(request, () => Effect.zipRight(Ref.update(started, (n) => n + 1), Effect.never)))
      yield* Effect.yieldNow()
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(yield* Ref.get(started)).toBe(1)
    }).pipe(Effect.provide(Live)))
})

describe("isTransient", () => {
  const platformResponseError = (status: number) => {
    const request = HttpClientRequest.get("https://example.com/")
    return new HttpClientError.ResponseError({
      request,
      response: { status, headers: {}, request } as never,
      reason: "StatusCode"
    })
  }
  const transient: ReadonlyArray<readonly [string, unknown]> = [
    ["a fetch Response with 503", new Response(null, { status: 503 })],
    ["a fetch Response with 429", new Response(null, { status: 429 })],
    ["a fetch Response with 408", new Response(null, { status: 408 })],
    ["an axios-style error with response.status 502", { response: { status: 502 } }],
    ["an @effect/platform ResponseError with 500", platformResponseError(500)],
    ["an @effect/platform transport RequestError", new HttpClientError.RequestError({ request: HttpClientRequest.get("https://x/"), reason: "Transport" })],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["fetch failing on a refused connection", new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) })],
    // Browsers' and workerd's fetch give no code, only their words; Deno's names the failure in its cause.
    ["Chromium's fetch failing on the network", new TypeError("Failed to fetch")],
    ["Firefox's fetch failing on the network", new TypeError("NetworkError when attempting to fetch resource.")],
    ["Safari's fetch failing on the network", new TypeError("Load failed")],
    ["React Native's fetch failing on the network", new TypeError("Network request failed")],
    ["React Native's fetch timing out", new TypeError("Network request timed out")],
    ["Deno's fetch on a connection reset after the request went", new TypeError("fetch failed", { cause: new Error("Connection reset by peer (os error 104)") })],
    [
      "Deno's fetch meeting a DNS server's passing failure",
      new TypeError("fetch failed", { cause: new Error("error sending request for url (https://abc123.execute-api.us-east-1.amazonaws.com/prod): client error (Connect): dns error: failed to lookup address information: Temporary failure in name resolution") })
    ],
    ["workerd's fetch losing its connection", new Error("Network connection lost.")],
    [
      "Deno's fetch on a refused connection",
      new TypeError("fetch failed", { cause: new Error("error sending request for url (http://127.0.0.1:9/): client error (Connect): tcp connect error: Connection refused (os error 111)") })
    ],
    [
      "Deno's fetch on a connection closed before the answer",
      new TypeError("fetch failed", { cause: new Error("error sending request from 127.0.0.1:41264 for http://127.0.0.1:45791/ (127.0.0.1:45791): client error (SendRequest): connection closed before message completed") })
    ],
    ["an AbortSignal.timeout TimeoutError", new DOMException("timed out", "TimeoutError")],
    ["an Effect TimeoutException", new Cause.TimeoutException()],
    [
      "an @effect/platform ResponseError reading the body of a 200 cut mid-way (the cause: fetch's socket error)",
      new HttpClientError.ResponseError({
        request: HttpClientRequest.get("https://x/"),
        response: { status: 200, headers: {}, request: HttpClientRequest.get("https://x/") } as never,
        reason: "Decode",
        cause: new TypeError("terminated", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) })
      })
    ],
    ["got's body cut mid-way (a 200 whose Content-Length was not read)", Object.assign(new Error("Request body length does not match content-length header"), { code: "ERR_HTTP_CONTENT_LENGTH_MISMATCH", response: { statusCode: 200 } })]
  ]
  const permanent: ReadonlyArray<readonly [string, unknown]> = [
    ["a fetch Response with 400", new Response(null, { status: 400 })],
    ["a 403 (a bad signature does not heal)", { response: { status: 403 } }],
    ["an @effect/platform ResponseError with 404", platformResponseError(404)],
    ["an @effect/platform encode RequestError", new HttpClientError.RequestError({ request: HttpClientRequest.get("https://x/"), reason: "Encode" })],
    [
      "an @effect/platform ResponseError reading a 200 body that is not JSON",
      new HttpClientError.ResponseError({
        request: HttpClientRequest.get("https://x/"),
        response: { status: 200, headers: {}, request: HttpClientRequest.get("https://x/") } as never,
        reason: "Decode",
        cause: new SyntaxError("Unexpected token < in JSON at position 0")
      })
    ],
    ["a plain Error", new Error("bad input")],
    ["fetch refusing a URL", new TypeError("Failed to parse URL from /x")],
    ["a TypeError of the caller's code", new TypeError("Cannot read properties of undefined (reading 'status')")],
    ["fetch failing to resolve the host (no such API)", new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }) })],
    [
      "Deno's fetch finding no such host",
      new TypeError("fetch failed", { cause: new Error("error sending request for url (https://nowhere.invalid/): client error (Connect): dns error: failed to lookup address information: Name or service not known") })
    ],
    [
      "Deno's fetch refusing the server's certificate",
      new TypeError("fetch failed", { cause: new Error("error sending request for url (https://127.0.0.1:8443/): client error (Connect): invalid peer certificate: UnknownIssuer") })
    ],
    ["an AbortError", new DOMException("aborted", "AbortError")],
    ["a SigningError", new SigningError({ reason: "InvalidRequest", message: "x" })],
    ["a string", "boom"]
  ]
  it.each(transient)("is true for %s", (_, error) => expect(Retry.isTransient(error)).toBe(true))
  it.each(permanent)("is false for %s", (_, error) => expect(Retry.isTransient(error)).toBe(false))
})

describe("unread failures", () => {
  /** Fetched responses (a url: one the caller built may be handed out again, and is left alone), recording which bodies were cancelled. */
  const fetchedResponses = (inits: ReadonlyArray<ResponseInit>) => {
    const cancelled: Array<number> = []
    const responses = inits.map((init, i) =>
      Object.defineProperty(new Response(new ReadableStream({ cancel: () => void cancelled.push(i) }), init), "url", { value: `${ENDPOINT}/pets` })
    )
    return { cancelled, responses }
  }
  const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 0)))

  // An unread body holds its connection, which the next attempt may need (a pool of one hangs without this).
  it.effect("the body of each Response retried past is released; the last one comes to the caller unread", () =>
    Effect.gen(function*() {
      const { cancelled, responses } = fetchedResponses([{ status: 503 }, { status: 503 }, { status: 503 }])
      let sent = 0
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, () => Effect.fail(responses[sent++]!), { schedule: noJitter(2) }))
      yield* settle
      expect(sent).toBe(3)
      expect(cancelled).toEqual([0, 1])
      expect(failureOf(exit)).toMatchObject({ reason: "RetriesExhausted", cause: responses[2] })
      expect(responses[2]!.body!.locked).toBe(false)
    }).pipe(Effect.provide(Live)))

  // Where the retry reads a status, it releases a body: Effect.tryPromise without catch (the docs' own send) fails
  // with an UnknownException whose cause is the Response; an error made with the response (retries.md's callback,
  // ky's HTTPError) holds it as its response.
  it.effect.each([
    ["rejected through Effect.tryPromise (an UnknownException)", (response: Response) => Effect.tryPromise(() => Promise.reject(response))],
    ["an error holds as its response", (response: Response) => Effect.fail(Object.assign(new Error("HTTP 503"), { response }))]
  ] as const)("the body of a Response %s is released too", ([, failWith]) =>
    Effect.gen(function*() {
      const { cancelled, responses } = fetchedResponses([{ status: 503 }, { status: 503 }])
      let sent = 0
      yield* runToEnd(Retry.makeRequestWithRetries(request, () => failWith(responses[sent++]!), { schedule: noJitter(1) }))
      yield* settle
      expect(sent).toBe(2)
      expect(cancelled).toEqual([0])
    }).pipe(Effect.provide(Live)))

  it.effect("a Response the retry gives up on at once (a 404) comes to the caller unread", () =>
    Effect.gen(function*() {
      const { cancelled, responses } = fetchedResponses([{ status: 404 }])
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, () => Effect.fail(responses[0]!)))
      yield* settle
      expect(failureOf(exit)).toMatchObject({ reason: "NotRetryable", cause: responses[0] })
      expect(cancelled).toEqual([])
    }).pipe(Effect.provide(Live)))

  // Released before the backoff, not when the next attempt starts: an interruption meanwhile (a timeout) must not keep it.
  it.effect("a body retried past is released before the backoff, so an interruption during it keeps none", () =>
    Effect.gen(function*() {
      const { cancelled, responses } = fetchedResponses([{ status: 503 }])
      const fiber = yield* Effect.fork(Retry.makeRequestWithRetries(request, () => Effect.fail(responses[0]!), { schedule: noJitter(2, "10 seconds") }))
      yield* TestClock.adjust(Duration.millis(1))
      yield* Fiber.interrupt(fiber)
      yield* settle
      expect(cancelled).toEqual([0])
    }).pipe(Effect.provide(Live)))

  it.effect("a refusal for clock skew, signed and sent again at once, has its body released", () =>
    Effect.gen(function*() {
      const serverNow = (yield* Effect.clockWith((clock) => clock.currentTimeMillis)) + 20 * 60_000
      const { cancelled, responses } = fetchedResponses([{ status: 403, headers: { date: new Date(serverNow).toUTCString() } }])
      let sent = 0
      const exit = yield* runToEnd(Retry.makeRequestWithRetries(request, () => sent++ === 0 ? Effect.fail(responses[0]!) : Effect.succeed("ok")))
      yield* settle
      expect(exit).toEqual(Exit.succeed("ok"))
      expect(sent).toBe(2)
      expect(cancelled).toEqual([0])
    }).pipe(Effect.provide(Live)))
})

describe("retryAfterMillis", () => {
  it("reads seconds and HTTP dates, from a Response or an axios-style error", () => {
    const now = Date.UTC(2024, 0, 1, 0, 0, 0)
    expect(Retry.retryAfterMillis(new Response(null, { headers: { "retry-after": "7" } }), now)).toBe(7000)
    expect(Retry.retryAfterMillis({ response: { headers: { "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" } } }, now)).toBe(30000)
    expect(Retry.retryAfterMillis({ response: { status: 503 } }, now)).toBeUndefined()
  })

  it("measures an HTTP date from the failure's own Date header (the server's clock), not from now", () => {
    const now = Date.UTC(2024, 0, 1, 0, 20, 0) // this clock, 20 minutes ahead of the server's
    const headers = { "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT", date: "Mon, 01 Jan 2024 00:00:27 GMT" }
    expect(Retry.retryAfterMillis({ response: { headers } }, now)).toBe(3000)
    expect(Retry.retryAfterMillis(new Response(null, { headers }), now)).toBe(3000)
  })

  it("reads an Age too large to hold as 2^31 seconds (RFC 9111): a Retry-After long passed asks for no wait", () => {
    const now = Date.UTC(2024, 0, 1, 0, 0, 0)
    const headers = { date: "Mon, 01 Jan 2024 00:00:00 GMT", age: "9999999999", "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" }
    expect(Retry.retryAfterMillis({ response: { headers } }, now)).toBe(0)
  })

  it("measures from now when the Date header is a day or more off: a broken clock, not a skewed one", () => {
    const now = Date.UTC(2024, 0, 1, 0, 0, 0)
    const headers = { date: "Thu, 01 Jan 1970 00:00:00 GMT", "retry-after": "Mon, 01 Jan 2024 00:00:02 GMT" }
    expect(Retry.retryAfterMillis({ response: { headers } }, now)).toBe(2000)
  })

  it("counts the Age of an answer a cache kept: a Retry-After that passed while it was cached asks for no wait", () => {
    const now = Date.UTC(2024, 0, 1, 0, 10, 0)
    const headers = { date: "Mon, 01 Jan 2024 00:00:00 GMT", age: "600", "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" }
    expect(Retry.retryAfterMillis({ response: { headers } }, now)).toBe(0)
  })

  it.each([
    ["undefined", undefined],
    ["an object", {}],
    ["a string", "now"],
    ["NaN", Number.NaN]
  ])("refuses a now that is %s: a SigningError, not a NaN wait", (_, now) => {
    const failure = { response: { headers: { "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" } } }
    const error = thrownBy(() => Retry.retryAfterMillis(failure, now as number))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/now must be the current time in epoch milliseconds/) })
  })
})
