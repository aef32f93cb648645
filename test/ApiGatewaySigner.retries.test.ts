/**
 * The facade's makeRequestWithRetries against a local server on 127.0.0.1
 * whose route fails the first N requests with 503 (after verifying each
 * signature), with real fetch calls and real time.
 */
import { inspect } from "node:util"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
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

  it("with the default of 5 retries, makes 6 calls and finishes in a few seconds", async () => {
    failuresLeft = 100
    const started = Date.now()
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(RequestError)
    expect(calls).toBe(6)
    expect(elapsed).toBeGreaterThan(2000) // about 100 + 200 + 400 + 800 + 1600 ms of backoff
    expect(elapsed).toBeLessThan(8000)
  }, 15_000)

  it("hands every attempt a freshly signed request that the server verifies", async () => {
    failuresLeft = 2
    const seen: Array<SignedRequest> = []
    await signer.makeRequestWithRetries({ method: "POST", path: "/flaky", body: { n: 1 } }, (request) => {
      seen.push(request)
      return callback(request)
    }, 3, fast)
    expect(seen).toHaveLength(3)
    expect(served).toHaveLength(3) // each reached the route: its signature verified
    expect(new Set(seen).size).toBe(3) // a new request object each time, not one replayed
    // Signed at the time of each attempt: dates never go back, and a new date means a new signature.
    for (let i = 1; i < seen.length; i++) {
      const [before, after] = [seen[i - 1]!.headers, seen[i]!.headers]
      expect(after["x-amz-date"]! >= before["x-amz-date"]!).toBe(true)
      if (after["x-amz-date"] !== before["x-amz-date"]) expect(after["authorization"]).not.toBe(before["authorization"])
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

  it("stops at once when aborted, with an AbortError, and makes no further calls", async () => {
    failuresLeft = 100
    const controller = new AbortController()
    const pending = signer.makeRequestWithRetries({ method: "GET", path: "/flaky" }, callback, 5, { signal: controller.signal, baseDelayMs: 1000 })
    await new Promise((resolve) => setTimeout(resolve, 200)) // the first call failed; now waiting 1 s
    const abortedAt = Date.now()
    controller.abort()
    const error = await pending.catch((e: unknown) => e)
    expect(Date.now() - abortedAt).toBeLessThan(100)
    expect(error).toMatchObject({ name: "AbortError" })
    expect(calls).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    expect(calls).toBe(1)
  })

  it("rejects at once, without calling, when the signal is already aborted", async () => {
    const controller = new AbortController()
    controller.abort(new Error("cancelled by caller"))
    await expect(signer.makeRequestWithRetries({ method: "GET", path: "/" }, callback, 5, { signal: controller.signal })).rejects.toThrow("cancelled by caller")
    expect(calls).toBe(0)
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
