/**
 * The facade's retry loop keeps the schedule Retry's TestClock tests check:
 * delays of base * 2^n (here with jitter at its midpoint), capped, stretched to
 * a Retry-After, on fake timers (nothing sleeps for real).
 */
import { describe, expect, it, vi } from "@effect/vitest"
import ApiGatewaySigner from "api-gateway-request-signer"
import { useFakeTimersAtMidpointJitter } from "./support/fakeTimers.js"

const signer = new ApiGatewaySigner({
  endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
  accessKey: "AKIDEXAMPLE",
  secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
})

/** Runs makeRequestWithRetries with a callback that always fails with `failure`, and records when each call came. */
const callTimes = async (failure: unknown, retries: number, options: { baseDelayMs?: number; maxDelayMs?: number } = {}, by = signer) => {
  const start = Date.now()
  const times: Array<number> = []
  const done = by.makeRequestWithRetries({ method: "GET", path: "/" }, () => {
    times.push(Date.now() - start)
    throw failure
  }, retries, options).catch(() => undefined)
  await vi.runAllTimersAsync()
  await done
  return times
}

describe("the facade's delays between attempts", () => {
  useFakeTimersAtMidpointJitter()

  it("double from 100 ms: 100, 200, 400, 800, 1600 for the default 5 retries", async () => {
    expect(await callTimes(new Error("boom"), 5)).toEqual([0, 100, 300, 700, 1500, 3100])
  })

  it("start from baseDelayMs and stop growing at maxDelayMs", async () => {
    expect(await callTimes(new Error("boom"), 4, { baseDelayMs: 1000, maxDelayMs: 3000 })).toEqual([0, 1000, 3000, 6000, 9000])
  })

  it("wait as long as a Retry-After asks, up to maxDelayMs", async () => {
    const busy = { status: 503, headers: { "retry-after": "2" } }
    expect(await callTimes(busy, 2)).toEqual([0, 2000, 4000])
    expect(await callTimes(busy, 1, { maxDelayMs: 1500 })).toEqual([0, 1500])
  })

  // An HTTP date is the server's time; here the server's clock is 20 minutes behind this one, and asks for 2 s.
  it("measure a Retry-After HTTP date from the answer's own Date header", async () => {
    const serverNow = Date.now() - 20 * 60_000
    const busy = { status: 503, headers: { date: new Date(serverNow).toUTCString(), "retry-after": new Date(serverNow + 2000).toUTCString() } }
    expect(await callTimes(busy, 1)).toEqual([0, 2000])
  })

  it("without a Date header, on the signer's corrected clock", async () => {
    const corrected = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", accessKey: "AKIDEXAMPLE", secretKey: "secret" })
    corrected.clockOffset = -20 * 60_000
    const busy = { status: 503, headers: { "retry-after": new Date(Date.now() - 20 * 60_000 + 2000).toUTCString() } }
    expect(await callTimes(busy, 1, {}, corrected)).toEqual([0, 2000])
  })

  it("randomize each delay between 80% and 120%", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0)
    expect(await callTimes(new Error("boom"), 2)).toEqual([0, 80, 240])
  })
})

describe("the facade's loop and failed responses", () => {
  // An unread body holds its connection, which the next attempt may need: retries.md's own callback throws this shape.
  it("releases the body of a Response an error holds as its response, once it retries past it", async () => {
    const cancelled: Array<number> = []
    const responses = [0, 1].map((i) =>
      Object.defineProperty(new Response(new ReadableStream({ cancel: () => void cancelled.push(i) }), { status: 503 }), "url", { value: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/" })
    )
    let sent = 0
    await signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => {
      throw Object.assign(new Error("HTTP 503"), { response: responses[sent++]! })
    }, 1, { baseDelayMs: 0 }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(sent).toBe(2)
    expect(cancelled).toEqual([0])
  })
})
