/**
 * What the default retry policy resends, in both loops (the facade's and
 * Retry's): a failure that carries an HTTP status which cannot succeed
 * unchanged (a 4xx but 408, 425 and 429) is not retried, so the callback is
 * called once; 408, 425, 429, 5xx and failures without a status are retried;
 * a caller's own predicate (`shouldRetry`, `while`) decides instead.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, RequestError, Retry, type SignedRequest, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = { accessKeyId: "AKIDRETRY", secretAccessKey: "retry/secret+key" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey })
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))
const request = { method: "POST", path: "/orders", body: { item: 42 } } as const

const axiosError = (status: number) => Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, headers: {} } })
const platformError = (status: number) => {
  const sent = HttpClientRequest.get(ENDPOINT)
  return new HttpClientError.ResponseError({
    request: sent,
    response: HttpClientResponse.fromWeb(sent, new Response(null, { status })),
    reason: "StatusCode"
  })
}

/** Failures that cannot succeed if sent again unchanged, in every shape the policy reads a status from. */
const permanent: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a fetch Response with 400", () => new Response("bad request", { status: 400 })],
  ["an axios-style error with response.status 404", () => axiosError(404)],
  ["an error with statusCode 409", () => Object.assign(new Error("conflict"), { statusCode: 409 })],
  ["a plain { statusCode: 409 }", () => ({ statusCode: 409 })],
  ["an error with status 422", () => Object.assign(new Error("unprocessable"), { status: 422 })],
  ["an @effect/platform ResponseError with 404", () => platformError(404)]
]

/** Failures that may heal on their own, and failures that carry no status at all. */
const retried: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a fetch Response with 408", () => new Response(null, { status: 408 })],
  ["a fetch Response with 425", () => new Response(null, { status: 425 })],
  ["a fetch Response with 429", () => new Response(null, { status: 429 })],
  ["a fetch Response with 500", () => new Response(null, { status: 500 })],
  ["an axios-style error with response.status 502", () => axiosError(502)],
  ["an error with statusCode 503", () => Object.assign(new Error("unavailable"), { statusCode: 503 })],
  ["an @effect/platform ResponseError with 504", () => platformError(504)],
  ["an error without a status", () => new Error("socket hang up")]
]

/** Calls the facade's makeRequestWithRetries with a callback that always throws `failure`; the calls made and the rejection. */
const facadeRun = async (failure: () => unknown, options: Parameters<ApiGatewaySigner["makeRequestWithRetries"]>[3] = {}) => {
  let calls = 0
  const error = await signer.makeRequestWithRetries(request, () => {
    calls++
    throw failure()
  }, 2, { baseDelayMs: 0, ...options }).then(() => undefined, (error: unknown) => error)
  return { calls, error: error as RequestError }
}

/** Runs Retry.makeRequestWithRetries with a send that always fails with `failure`; the attempts made and the failure. */
const retryRun = async (failure: () => unknown, options: Retry.RetryOptions<unknown> = {}) => {
  let calls = 0
  const exit = await Effect.runPromiseExit(
    Retry.makeRequestWithRetries(request, () => Effect.suspend(() => {
      calls++
      return Effect.fail(failure())
    }), { schedule: Retry.backoff({ base: 0, times: 2 }), ...options }).pipe(Effect.provide(Live))
  )
  if (!Exit.isFailure(exit) || !Cause.isFailType(exit.cause)) throw new Error("expected a failure")
  return { calls, error: exit.cause.error as RequestError }
}

describe("the facade's loop, by default", () => {
  it.each(permanent)("calls back once for %s, and rejects with a NotRetryable RequestError", async (_, failure) => {
    const { calls, error } = await facadeRun(failure)
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ reason: "NotRetryable", attempts: 1 })
  })

  it.each(retried)("retries %s until retries run out", async (_, failure) => {
    const { calls, error } = await facadeRun(failure)
    expect(calls).toBe(3)
    expect(error).toMatchObject({ _tag: "RequestError", reason: "RetriesExhausted", attempts: 3 })
  })

  it("retries a permanent failure when shouldRetry says so", async () => {
    const { calls, error } = await facadeRun(() => new Response(null, { status: 400 }), { shouldRetry: () => true })
    expect(calls).toBe(3)
    expect(error).toMatchObject({ reason: "RetriesExhausted" })
  })

  it("stops at a failure without a status when shouldRetry is Retry.isTransient", async () => {
    const { calls, error } = await facadeRun(() => new Error("bad input"), { shouldRetry: Retry.isTransient })
    expect(calls).toBe(1)
    expect(error).toMatchObject({ reason: "NotRetryable" })
  })
})

describe("Retry, by default", () => {
  it.each(permanent)("sends once for %s, and fails with a NotRetryable RequestError", async (_, failure) => {
    const { calls, error } = await retryRun(failure)
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ reason: "NotRetryable", attempts: 1 })
  })

  it.each(retried)("retries %s until the schedule runs out", async (_, failure) => {
    const { calls, error } = await retryRun(failure)
    expect(calls).toBe(3)
    expect(error).toMatchObject({ _tag: "RequestError", reason: "RetriesExhausted", attempts: 3 })
  })

  it("retries a permanent failure when while says so", async () => {
    const { calls, error } = await retryRun(() => new Response(null, { status: 404 }), { while: () => true })
    expect(calls).toBe(3)
    expect(error).toMatchObject({ reason: "RetriesExhausted" })
  })

  it("retries a permanent failure when only until is given and does not hold", async () => {
    const { calls } = await retryRun(() => new Response(null, { status: 404 }), { until: () => false })
    expect(calls).toBe(3)
  })

  it("stops at a failure without a status when while is Retry.isTransient", async () => {
    const { calls, error } = await retryRun(() => new Error("bad input"), { while: Retry.isTransient })
    expect(calls).toBe(1)
    expect(error).toMatchObject({ reason: "NotRetryable" })
  })
})

describe("Retry.isPermanentFailure and Retry.isTransient agree on statuses", () => {
  it.each([400, 401, 403, 404, 405, 409, 410, 413, 422, 431, 451])("%i is permanent, not transient", (status) => {
    const response = new Response(null, { status })
    expect(Retry.isPermanentFailure(response)).toBe(true)
    expect(Retry.isTransient(response)).toBe(false)
  })

  it.each([408, 425, 429, 500, 502, 503, 504])("%i is transient, not permanent", (status) => {
    const response = new Response(null, { status })
    expect(Retry.isTransient(response)).toBe(true)
    expect(Retry.isPermanentFailure(response)).toBe(false)
  })
})

describe("with real fetch calls to a local gateway", () => {
  const credentials = { accessKeyId: "AKIDPERMANENT", secretAccessKey: "permanent/secret+key" }
  let gateway: LocalGateway.Service
  const served: Array<string> = []
  beforeAll(async () => {
    gateway = await LocalGateway.start({
      credentials: [credentials],
      handler: (received) => {
        served.push(received.path)
        return received.path.endsWith("/invalid")
          ? { status: 400, body: { message: "Invalid request body" } }
          : { status: 503, body: { message: "Service Unavailable" } }
      }
    })
  })
  afterAll(() => gateway.close())

  const callback = async (signed: SignedRequest) => {
    const response = await fetch(signed.url, signed)
    if (!response.ok) throw response
    return response.json()
  }

  it("a POST answered 400 is sent once", async () => {
    served.length = 0
    const error = await signerFor(`${gateway.url}/prod`, credentials)
      .makeRequestWithRetries({ method: "POST", path: "/invalid", body: { a: 1 } }, callback, 3, { baseDelayMs: 0 })
      .then(() => undefined, (error: unknown) => error)
    expect(error).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
    expect(served).toEqual(["/prod/invalid"])
  })

  it("a POST answered 503 is sent again, retries + 1 times", async () => {
    served.length = 0
    const error = await signerFor(`${gateway.url}/prod`, credentials)
      .makeRequestWithRetries({ method: "POST", path: "/busy", body: { a: 1 } }, callback, 2, { baseDelayMs: 0 })
      .then(() => undefined, (error: unknown) => error)
    expect(error).toMatchObject({ _tag: "RequestError", reason: "RetriesExhausted", attempts: 3 })
    expect(served).toEqual(["/prod/busy", "/prod/busy", "/prod/busy"])
  })
})
