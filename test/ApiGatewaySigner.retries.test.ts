/**
 * The facade's makeRequestWithRetries against a local server on 127.0.0.1
 * whose route fails the first N requests with 503 (after verifying each
 * signature), with real fetch calls. Delays are tiny or on fake timers: no
 * test waits for real backoff, and none asserts a duration (the schedule is
 * tested on the TestClock in Retry.test.ts).
 */
import { inspect } from "node:util"
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import ApiGatewaySigner, { RequestError, type SignedRequest, SigningError } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDRETRY", secretAccessKey: "retry/secret/key/value", sessionToken: "retry-session-token-value" }
let gateway: LocalGateway.Service
let signer: ApiGatewaySigner
let failuresLeft = 0
let served: Array<string> = []

beforeAll(async () => {
  gateway = await LocalGateway.start({
    credentials: [credentials],
    // Read Date at each request (not the Date.now of start-up), so a test that drives Date drives the gateway too.
    now: () => Date.now(),
    handler: (request) => {
      served.push(request.headers["x-amz-date"]!)
      if (failuresLeft > 0) {
        failuresLeft--
        return { status: 503, body: { message: "Service Unavailable" } }
      }
      return { status: 200, body: { ok: true, attempt: served.length } }
    }
  })
  signer = signerFor(`${gateway.url}/prod`, credentials)
})
afterAll(() => gateway.close())
beforeEach(() => {
  failuresLeft = 0
  served = []
})

/** What a typical caller passes: fetch, failing on HTTP errors. */
let calls = 0
const callback = async (request: SignedRequest) => {
  calls++
  const response = await fetch(request.url, request)
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
  return response.json() as Promise<{ ok: boolean; attempt: number }>
}
beforeEach(() => {
  calls = 0
})
const fast = { baseDelayMs: 5 }

/**
 * Starts makeRequestWithRetries with attempts that always fail and a minute's wait before each retry (on fake
 * timers, so it never passes unless a test moves the clock); resolves once the first attempt has failed, with
 * what the call settles with (never rejecting) and how many attempts were made.
 */
const waitingToRetry = async (signal: AbortSignal): Promise<{ readonly settled: Promise<unknown>; readonly attempts: () => number }> => {
  let attempts = 0
  let failed = (): void => {}
  const firstAttemptFailed = new Promise<void>((resolve) => (failed = resolve))
  const settled = signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, () => {
    attempts++
    failed()
    throw new Error("HTTP 503")
  }, 5, { signal, baseDelayMs: 60_000, maxDelayMs: 60_000 }).catch((e: unknown) => e)
  await firstAttemptFailed
  return { settled, attempts: () => attempts }
}

describe("makeRequestWithRetries", () => {
  it.each([0, 1, 3])("succeeds after %i failures when retries allow it", async (failures) => {
    failuresLeft = failures
    const result = await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 3, fast)
    expect(result).toEqual({ ok: true, attempt: failures + 1 })
    expect(calls).toBe(failures + 1)
  })

  it("rejects with a RequestError after retries + 1 calls, the last error as cause", async () => {
    failuresLeft = 100
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 2, fast).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ attempts: 3, reason: "RetriesExhausted" })
    expect((error as RequestError<Error>).cause.message).toBe("HTTP 503")
    expect(calls).toBe(3)
  })

  it("says why Node's fetch failed: the reason it keeps in cause, not only \"fetch failed\"", async () => {
    const closed = await LocalGateway.start({ credentials: [credentials] })
    await closed.close()
    const error = await signerFor(`${closed.url}/prod`, credentials)
      .makeRequestWithRetries({ method: "GET", path: "/pets" }, (request) => fetch(request.url, request), 0)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect((error as RequestError).message).toMatch(/^Request failed after 1 attempt: TypeError: fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/)
    expect((error as RequestError).causeSummary).toMatchObject({ name: "TypeError", message: expect.stringContaining("ECONNREFUSED") })
  })

  it("with the default of 5 retries, makes 6 calls, each verified by the server, then rejects with a RequestError", async () => {
    failuresLeft = 100
    // Tiny delays: the schedule itself is Retry.backoff's, tested on the TestClock in Retry.test.ts.
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, undefined, fast).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ attempts: 6, reason: "RetriesExhausted" })
    expect(calls).toBe(6)
    expect(served).toHaveLength(6)
  })

  it("hands every attempt a request signed at that attempt's time, which the server verifies", async () => {
    // The clock is driven: each attempt moves it on by one second, so each must carry a new date and signature.
    const start = Date.UTC(2024, 2, 1, 12, 0, 0)
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    try {
      failuresLeft = 2
      const seen: Array<SignedRequest> = []
      await signer.makeRequestWithRetries({ method: "POST", path: "/flaky", body: { n: 1 } }, (request) => {
        seen.push(request)
        const sent = callback(request)
        vi.setSystemTime(Date.now() + 1000)
        return sent
      }, 3, fast)
      expect(served).toEqual(["20240301T120000Z", "20240301T120001Z", "20240301T120002Z"]) // each verified, in order
      expect(seen.map((request) => request.headers["x-amz-date"])).toEqual(served)
      expect(new Set(seen.map((request) => request.headers.Authorization)).size).toBe(3)
      expect(seen.map((request) => request.body)).toEqual(['{"n":1}', '{"n":1}', '{"n":1}'])
    } finally {
      vi.useRealTimers()
    }
  })

  it("resolves with whatever the callback returns, value or promise", async () => {
    expect(await signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => 42)).toBe(42)
    expect(await signer.makeRequestWithRetries({ method: "GET", path: "/" }, async () => "later")).toBe("later")
  })

  it("retries a callback that throws synchronously", async () => {
    let attempts = 0
    const result = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => {
      if (++attempts < 3) throw new Error("not yet")
      return "done"
    }, 5, fast)
    expect(result).toBe("done")
    expect(attempts).toBe(3)
  })

  it("rejects a request that cannot be signed with a SigningError, before any call", async () => {
    const error = await signer.makeRequestWithRetries({ method: "BREW", path: "/" }, callback).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SigningError)
    expect(calls).toBe(0)
  })

  it("retries only what shouldRetry accepts", async () => {
    failuresLeft = 100
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, {
      ...fast,
      shouldRetry: (e) => !(e instanceof Error && e.message === "HTTP 503")
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
    expect(calls).toBe(1)
  })

  it("refuses a negative or fractional retry count", async () => {
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, -1)).rejects.toBeInstanceOf(SigningError)
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 1.5)).rejects.toThrow(/whole number/)
  })

  it("stops at once when aborted while waiting to retry, with an AbortError, and never calls again", async () => {
    // Fake timers: the wait before the retry is a minute that never passes unless the test moves the clock.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate"] })
    try {
      const controller = new AbortController()
      const { settled, attempts } = await waitingToRetry(controller.signal)
      controller.abort()
      // Settles without the clock moving past the delay: the abort, not the delay, ended the wait.
      expect(await settled).toMatchObject({ name: "AbortError" })
      await vi.advanceTimersByTimeAsync(10 * 60_000)
      expect(attempts()).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it("rejects at once, without calling, when the signal is already aborted", async () => {
    const controller = new AbortController()
    controller.abort(new Error("cancelled by caller"))
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, { signal: controller.signal })).rejects.toThrow("cancelled by caller")
    expect(calls).toBe(0)
  })

  it("rejects with an AbortError when the signal was aborted with null, as it did before React Native's fallback", async () => {
    const controller = new AbortController()
    controller.abort(null)
    const failure = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, { signal: controller.signal }).catch((e: unknown) => e)
    expect(failure).toMatchObject({ name: "AbortError" })
    expect(calls).toBe(0)
  })

  it("stops at once when aborted while credentials are being resolved, and never calls", async () => {
    let provided = (): void => {}
    const slowProvider = () => new Promise<typeof credentials>((resolve) => (provided = () => resolve(credentials)))
    const withProvider = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: "us-east-1", credentials: slowProvider })
    const controller = new AbortController()
    const reason = new Error("cancelled while resolving")
    const pending = withProvider.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, { signal: controller.signal }).catch((e: unknown) => e)
    controller.abort(reason)
    // Settles before the provider answers: the abort, not the provider, ended it.
    expect(await pending).toBe(reason)
    provided()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(calls).toBe(0)
  })

  it.each([1001, 2 ** 53, Number.MAX_VALUE])("refuses %d retries, which against an endpoint that keeps failing would never end", async (retries) => {
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, retries)).rejects.toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/retries must be a whole number from 0 to 1000/)
    })
    expect(calls).toBe(0)
  })

  it("refuses a signal that passes instanceof but is not one (made from its prototype)", async () => {
    const signal = Object.create(AbortSignal.prototype) as AbortSignal
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 1, { signal })).rejects.toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/signal must be an AbortSignal/)
    })
    expect(calls).toBe(0)
  })

  it("refuses a signal of another realm or a polyfill saying so, not as \"an AbortSignal must be an AbortSignal\"", async () => {
    const foreign = { [Symbol.toStringTag]: "AbortSignal", aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} }
    const failure = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 1, { signal: foreign as unknown as AbortSignal })
      .catch((e: unknown) => e)
    expect(failure).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expect((failure as Error).message).toBe(
      "signal must be an AbortSignal; got an AbortSignal of another realm (an iframe's, a vm context's) or of a polyfill; " +
        "pass one made by this realm's AbortController."
    )
    expect(calls).toBe(0)
  })

  it("names a refused signal's class with its article: an AbortController, a URL", async () => {
    const refusal = (signal: unknown) =>
      signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 1, { signal: signal as AbortSignal }).catch((e: unknown) => (e as Error).message)
    expect(await refusal(new AbortController())).toBe("signal must be an AbortSignal; got an AbortController.")
    expect(await refusal(new URL("https://example.com"))).toBe("signal must be an AbortSignal; got a URL.")
  })

  it("settles when the signal's removeEventListener throws, and leaves nothing unhandled", async () => {
    failuresLeft = 100
    const signal = new AbortController().signal
    signal.removeEventListener = () => {
      throw new Error("removeEventListener replaced by something that throws")
    }
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 1, { ...fast, signal })).rejects.toBeInstanceOf(RequestError)
    expect(calls).toBe(2)
  })

  it("refuses, with a SigningError and no call or timer left, a signal whose addEventListener throws", async () => {
    const signal = new AbortController().signal
    signal.addEventListener = () => {
      throw new Error("addEventListener replaced by something that throws")
    }
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 1, { ...fast, signal })).rejects.toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/addEventListener threw/)
    })
    expect(calls).toBe(0)
  })

  it("waits a delay longer than a timer can run (2^31 - 1 ms) instead of retrying at once", async () => {
    failuresLeft = 100
    const controller = new AbortController()
    const longest = 2 ** 31 - 1
    const pending = signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 1, {
      signal: controller.signal,
      baseDelayMs: 2 * longest,
      maxDelayMs: 2 * longest
    }).catch((e: unknown) => e)
    await expect.poll(() => calls).toBe(1)
    // A timer given more than it can run fires at once: a retry would follow within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(calls).toBe(1)
    controller.abort()
    expect(await pending).toMatchObject({ name: "AbortError" })
  })

  it("refuses a signal that cannot be listened to before sending, never after", async () => {
    const signal = new AbortController().signal
    let listens = 0
    const addEventListener = signal.addEventListener.bind(signal)
    // Hears the first listener (while signing), then throws (before sending).
    signal.addEventListener = (...args: Parameters<typeof addEventListener>) => {
      if (++listens > 1) throw new Error("addEventListener replaced by something that throws")
      addEventListener(...args)
    }
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 0, { signal })).rejects.toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig"
    })
    expect(calls).toBe(0)
  })

  it("50 concurrent calls sharing one signal add one listener to it, so Node warns of no leak, and aborting stops them all", async () => {
    const warnings: Array<string> = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on("warning", onWarning)
    try {
      const controller = new AbortController()
      let started = 0
      const pending = Array.from({ length: 50 }, () =>
        signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => {
          started++
          return new Promise(() => {})
        }, 5, { signal: controller.signal }).catch((e: unknown) => e))
      await expect.poll(() => started).toBe(50)
      controller.abort(new Error("all stopped"))
      for (const outcome of await Promise.all(pending)) expect(outcome).toMatchObject({ message: "all stopped" })
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).not.toContain("MaxListenersExceededWarning")
    } finally {
      process.off("warning", onWarning)
    }
  })

  it("puts no secret in the rejection's message, JSON or inspect output", async () => {
    failuresLeft = 100
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, async (request) => {
      // Some HTTP clients attach the whole request, headers and all, to their errors.
      throw Object.assign(new Error(`HTTP 503 for ${request.url}`), { config: { headers: request.headers } })
    }, 1, fast).catch((e: unknown) => e)
    for (const shown of [(error as Error).message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error)]) {
      expect(shown).not.toContain(credentials.secretAccessKey)
      expect(shown).not.toContain(credentials.sessionToken)
    }
  })

  it("writes nothing to the console", async () => {
    const writes: Array<unknown> = []
    const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug }
    for (const name of Object.keys(original) as Array<keyof typeof original>) console[name] = (...args: Array<unknown>) => writes.push(args)
    try {
      failuresLeft = 2
      await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 3, fast)
    } finally {
      Object.assign(console, original)
    }
    expect(writes).toEqual([])
  })
})

/**
 * React Native has no global DOMException, and its AbortController (the
 * abort-controller package) gives signals no `reason`: an abort there rejects
 * with an Error named AbortError, as fetch's own does.
 */
describe("aborting where there is no DOMException and signals carry no reason (React Native)", () => {
  const reasonlessAbortController = (): AbortController => {
    const controller = new AbortController()
    Object.defineProperty(controller.signal, "reason", { get: () => undefined })
    return controller
  }
  beforeEach(() => {
    vi.stubGlobal("DOMException", undefined)
    return () => vi.unstubAllGlobals()
  })

  it("makeRequestWithRetries with a signal already aborted rejects with an AbortError, without calling", async () => {
    const controller = reasonlessAbortController()
    controller.abort()
    const failure = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, { signal: controller.signal }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).toMatchObject({ name: "AbortError", message: "This operation was aborted" })
    expect(calls).toBe(0)
  })

  it("makeRequestWithRetries aborted while waiting to retry rejects at once with an AbortError", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    try {
      const controller = reasonlessAbortController()
      const { settled } = await waitingToRetry(controller.signal)
      controller.abort()
      // Settles without the clock moving: an abort that threw in its listener would leave it pending for good.
      expect(await settled).toMatchObject({ name: "AbortError" })
    } finally {
      vi.useRealTimers()
    }
  })

  it("signer.fetch with a signal already aborted rejects with an AbortError, not a ReferenceError", async () => {
    const controller = reasonlessAbortController()
    controller.abort()
    await expect(signer.fetch("/pets", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" })
  })
})
