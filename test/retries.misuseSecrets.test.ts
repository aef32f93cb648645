/**
 * When the caller's code around the retry loop misbehaves (a shouldRetry or
 * while that throws, a send that throws instead of failing), the loop stops
 * with a SigningError naming it. What was thrown is often the failure itself,
 * and an HTTP client's failure holds the request, session token and all: it
 * is kept as cause only when it shows no secret, so no message, String, JSON
 * or inspect (to any depth) of the SigningError shows one.
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, Retry, type SignedRequest, Signer, SigningError } from "api-gateway-request-signer"
import { failureOf, rejectionOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = {
  accessKeyId: "AKIDMISUSE",
  secretAccessKey: "misuse/secret+key/value",
  sessionToken: "IQoJb3JpZ2luX2VjMISUSESESSIONTOKEN"
}
const request = { method: "GET", path: "/pets" } as const

/** An axios-style failure: it carries the request it was for, headers (and the session token) included. */
const failureHolding = (signed: SignedRequest) =>
  Object.assign(new Error("Request failed with status code 503"), { config: signed, response: undefined })

/** Every way the error may be shown: none may hold a secret. */
const expectShowsNoSecret = (error: unknown) => {
  for (const shown of [(error as Error).message, String(error), JSON.stringify(error), inspect(error, { depth: null })]) {
    expect(shown).not.toContain(CREDENTIALS.sessionToken)
    expect(shown).not.toContain(CREDENTIALS.secretAccessKey)
  }
}

describe("the facade's makeRequestWithRetries", () => {
  const signer = new ApiGatewaySigner({
    endpoint: ENDPOINT,
    accessKey: CREDENTIALS.accessKeyId,
    secretKey: CREDENTIALS.secretAccessKey,
    sessionToken: CREDENTIALS.sessionToken
  })

  it("a shouldRetry that rethrows the failure, which holds the request: the SigningError shows no secret", async () => {
    const error = await rejectionOf(signer.makeRequestWithRetries(request, (signed) => {
      throw failureHolding(signed)
    }, 3, {
      baseDelayMs: 0,
      shouldRetry: (failure) => {
        throw failure
      }
    }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidConfig", message: expect.stringMatching(/shouldRetry threw/) })
    expectShowsNoSecret(error)
  })
})

describe("the Effect Retry.makeRequestWithRetries", () => {
  const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))

  it.effect("a while predicate that rethrows the failure, which holds the request: the SigningError shows no secret", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Retry.makeRequestWithRetries(request, (signed) => Effect.fail(failureHolding(signed)), {
        while: (failure) => {
          throw failure
        }
      }))
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/predicate \(while or until\) threw/) })
      expectShowsNoSecret(failureOf(exit))
    }).pipe(Effect.provide(Live)))

  it.effect("a send that throws a failure holding the request, instead of failing with it: the SigningError shows no secret", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Retry.makeRequestWithRetries(request, (signed): Effect.Effect<string> => {
        throw failureHolding(signed)
      }))
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/send threw/) })
      expectShowsNoSecret(failureOf(exit))
    }).pipe(Effect.provide(Live)))
})
