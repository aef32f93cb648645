/**
 * How a RequestError words the failure it gave up on: the name, the HTTP
 * status and the message, each once.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Credentials, RequestError, Retry, Signer } from "api-gateway-request-signer"
import { describeFailure } from "../src/internal/retry/failureSummary.js"

describe("describeFailure", () => {
  it.each([
    ["the README's error, whose message is the status", Object.assign(new Error("HTTP 403"), { response: { status: 403 } }), "HTTP 403"],
    ["a message that starts with the status", Object.assign(new Error("HTTP 503 for https://a.example/x"), { status: 503 }), "HTTP 503 for https://a.example/x"],
    ["axios", Object.assign(new Error("Request failed with status code 403"), { name: "AxiosError", response: { status: 403 } }), "AxiosError: Request failed with status code 403"],
    ["a message without the status", Object.assign(new Error("boom"), { status: 500 }), "HTTP 500: boom"],
    ["a number that only contains the status", Object.assign(new Error("gave up after 4030 ms"), { status: 403 }), "HTTP 403: gave up after 4030 ms"],
    ["a fetch Response", { status: 429, headers: {} }, "HttpResponse: HTTP 429"],
    ["a thrown null, by name rather than as \"object\"", null, "null"],
    ["a thrown number, by its kind", 42, "number"]
  ] as const)("%s", (_, failure, description) => {
    expect(describeFailure(failure)).toBe(description)
  })
})

describe("the message of a RequestError", () => {
  it("states the status once: not \"HTTP 403: HTTP 403\"", async () => {
    const send = () => Effect.fail(Object.assign(new Error("HTTP 403"), { response: { status: 403 } }))
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, send, { times: 0 }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layer({ accessKeyId: "AKIDWORDING", secretAccessKey: "wording-secret" }))
      )
    )
    if (!Exit.isFailure(exit) || exit.cause._tag !== "Fail") throw new Error("expected a failure")
    const error = exit.cause.error
    expect(error).toBeInstanceOf(RequestError)
    expect((error as RequestError).message).toMatch(/ after 1 attempt: HTTP 403$/)
  })
})
