/**
 * The inputs issue 9 found to throw untyped errors, one by one: each is now
 * the typed error of its API (a rejection, for the Promise methods), with a
 * message that names what is wrong. test/fuzz.test.ts searches for more.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import ApiGatewaySigner, { Credentials, RequestError, Retry, type SignedRequest, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { failureOf, rejectionOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = { accessKeyId: "AKIDTYPED", secretAccessKey: "typed/secret+key" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey })
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))
const request = { method: "GET", path: "/pets" } as const
/** A send as the types allow it, for the hostile ones that do not fit them. */
type Send = (signed: SignedRequest) => Effect.Effect<unknown, unknown>

const revokedProxy = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

/** The failure of an Exit, which must be a typed failure, not a defect. */

describe("the facade", () => {
  it("presignRequest without options presigns for 15 minutes", () => {
    const presigned = signer.presignRequest(request)
    expect(new URL(presigned.url).searchParams.get("X-Amz-Expires")).toBe("900")
  })

  it("presignRequest with expiresIn given as an object throws a SigningError naming expiresIn", () => {
    expect(() => signer.presignRequest(request, { expiresIn: {} as never })).toThrow(SigningError)
    expect(() => signer.presignRequest(request, { expiresIn: {} as never })).toThrow(/expiresIn must be a whole number/)
  })

  it("makeRequestWithRetries(params, null) rejects at once with a SigningError, without retrying", async () => {
    const error = await rejectionOf(signer.makeRequestWithRetries(request, null as never))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidConfig", message: expect.stringMatching(/needs a callback/) })
  })

  it.each([
    ["maxDelayMs: \"abc\"", { maxDelayMs: "abc" }, /maxDelayMs must be a number/],
    ["shouldRetry: 5", { shouldRetry: 5 }, /shouldRetry must be a function/],
    // Options of another kind hold no options: refused, as Retry refuses them, not read as none.
    ["options: a Date", new Date(), /options of makeRequestWithRetries must be a plain object .*; got a Date\./],
    ["options: a Map", new Map([["baseDelayMs", 0]]), /must be a plain object .*; got a Map\./],
    ["options: a Redacted", Redacted.make({ baseDelayMs: 0 }), /must be a plain object .*; got a Redacted\./]
  ])("makeRequestWithRetries with %s rejects with a SigningError naming the option, and never calls back", async (_, options, message) => {
    let calls = 0
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => calls++, 1, options as never))
    expect(error).toBeInstanceOf(SigningError)
    expect((error as SigningError).message).toMatch(message)
    expect(calls).toBe(0)
  })

  it("makeRequestWithRetries with options whose getters throw rejects with a SigningError, never throws", async () => {
    const options = Object.defineProperty({}, "signal", {
      get() {
        throw revokedProxy()
      }
    })
    let returned: Promise<unknown> | undefined
    expect(() => {
      returned = signer.makeRequestWithRetries(request, () => "ok", 1, options)
    }).not.toThrow()
    expect(await rejectionOf(returned!)).toBeInstanceOf(SigningError)
  })

  it("a shouldRetry that throws stops the retries with a SigningError naming shouldRetry, its error as cause", async () => {
    const thrown = new TypeError("predicate bug")
    let calls = 0
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      calls++
      throw new Error("HTTP 503")
    }, 3, {
      baseDelayMs: 0,
      shouldRetry: () => {
        throw thrown
      }
    }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidConfig", message: expect.stringMatching(/shouldRetry threw \(predicate bug\)/) })
    expect((error as SigningError).cause).toBe(thrown)
    expect(calls).toBe(1)
  })

  it("a callback that throws a revoked Proxy ends in a RequestError, not in a TypeError from reading it", async () => {
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      throw revokedProxy()
    }, 0))
    expect(error).toBeInstanceOf(RequestError)
    expect((error as RequestError).message).toMatch(/cannot be inspected/)
  })

  it("a config whose getters throw is a SigningError from the constructor", () => {
    const config = new Proxy({}, {
      get() {
        throw new TypeError("hostile getter")
      }
    })
    expect(() => new ApiGatewaySigner(config as never)).toThrow(SigningError)
  })
})

describe("clock skew correction and credential providers", () => {
  /** A 403 (what a clock skew refusal is), whose every other property throws when read. */
  const forbiddenThatThrows = () => {
    const failure = { status: 403 }
    for (const key of ["message", "body", "data", "response", "headers", "name", "statusCode", "cause", "code"]) {
      Object.defineProperty(failure, key, {
        get() {
          throw revokedProxy()
        }
      })
    }
    return failure
  }

  it("a 403 whose properties throw ends the facade's loop in a RequestError, not in the clock correction's TypeError", async () => {
    const error = await rejectionOf(signer.makeRequestWithRetries(request, () => {
      throw forbiddenThatThrows()
    }, 2, { baseDelayMs: 0 }))
    expect(error).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
  })

  it("a 403 whose properties throw ends Retry in a RequestError, not in a defect", async () => {
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, () => Effect.fail(forbiddenThatThrows())).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "RequestError", reason: "NotRetryable", attempts: 1 })
  })

  it("a provider that rejects with a value that cannot be inspected: signRequestAsync rejects with a MissingCredentials SigningError", async () => {
    const withProvider = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: () => Promise.reject(revokedProxy()) })
    const error = await rejectionOf(withProvider.signRequestAsync(request))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringMatching(/provider failed/) })
  })

  it("a provider that resolves with credentials whose getters throw: a MissingCredentials SigningError", async () => {
    const identity = new Proxy({}, {
      get() {
        throw new TypeError("hostile identity")
      }
    })
    const withProvider = new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: () => Promise.resolve(identity as never) })
    expect(await rejectionOf(withProvider.signRequestAsync(request))).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
  })

  it.each([
    ["refreshBefore: \"abc\"", { refreshBefore: "abc" }, /refreshBefore must be a Duration/],
    ["refreshBefore: NaN", { refreshBefore: Number.NaN }, /refreshBefore must be a Duration/],
    // Effect decodes these to a zero Duration: renewal only at expiry, or a fetch at every signature.
    ["refreshBefore: \"-5 minutes\"", { refreshBefore: "-5 minutes" }, /refreshBefore must be a Duration/],
    ["maxAge: [NaN, 0]", { maxAge: [Number.NaN, 0] }, /maxAge must be a Duration/],
    ["options: 5", 5, /must be a plain object/],
    ["options: a Date", new Date(), /must be a plain object/]
  ])("Credentials.layerFromProvider with %s: every signature fails with a SigningError naming it, not a defect", async (_, options, message) => {
    const exit = await Effect.runPromiseExit(
      Signer.signRequest(request).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layerFromProvider(() => Promise.resolve(CREDENTIALS), options as never)))
      )
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
  })

  it("Retry.makeRequestWithRetries with options that are a Date: a SigningError naming them, not the default policy", async () => {
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, () => Effect.fail("boom"), new Date() as never).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/must be a plain object.*got a Date/) })
  })

  it("Credentials.layerFromProvider with a provider that throws a revoked Proxy: a MissingCredentials SigningError", async () => {
    const exit = await Effect.runPromiseExit(
      Signer.signRequest(request).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layerFromProvider(() => {
          throw revokedProxy()
        })))
      )
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
  })
})

describe("Credentials and Signer", () => {
  it("Credentials.make(null) fails with a SigningError instead of dying", () => {
    expect(failureOf(Effect.runSyncExit(Credentials.make(null as never)))).toBeInstanceOf(SigningError)
  })

  it("a secret given as a plain string is valid, not \"Invalid value used as weak map key\"", () => {
    const exit = Effect.runSyncExit(Credentials.make({ accessKeyId: "AKID", secretAccessKey: "plain-string-secret" }))
    expect(Exit.isSuccess(exit)).toBe(true)
  })

  it("credentials whose getters throw fail with a MissingCredentials SigningError", () => {
    const input = Object.defineProperty({}, "accessKeyId", {
      get() {
        throw revokedProxy()
      }
    })
    expect(failureOf(Effect.runSyncExit(Credentials.validate(input as never)))).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
  })

  it("Signer.make(null) fails with a SigningError instead of throwing", () => {
    let effect: Effect.Effect<unknown, SigningError> | undefined
    expect(() => {
      effect = Signer.make(null as never)
    }).not.toThrow()
    expect(failureOf(Effect.runSyncExit(effect!))).toBeInstanceOf(SigningError)
  })

  it("Signer.make with options whose region getter throws fails with a SigningError", () => {
    const options = Object.defineProperty({ endpoint: ENDPOINT }, "region", {
      get() {
        throw new TypeError("hostile region")
      }
    })
    expect(failureOf(Effect.runSyncExit(Signer.make(options as never)))).toBeInstanceOf(SigningError)
  })
})

describe("Retry.makeRequestWithRetries options", () => {
  it.each([
    ["times: NaN", { times: Number.NaN }, /times must be a whole number/],
    ["times: -1", { times: -1 }, /times must be a whole number/],
    ["maxDelay: \"abc\"", { maxDelay: "abc" }, /maxDelay must be a Duration/],
    ["maxDelay: NaN", { maxDelay: Number.NaN }, /maxDelay must be a Duration/],
    ["while: 5", { while: 5 }, /while must be a predicate/],
    ["until: \"no\"", { until: "no" }, /until must be a predicate/],
    ["schedule: {}", { schedule: {} }, /schedule must be a Schedule/],
    ["options: null", null, /must be a plain object/]
  ])("%s fails with an InvalidConfig SigningError naming it, before anything is sent", (_, options, message) => {
    let sent = 0
    const exit = Effect.runSyncExit(
      Retry.makeRequestWithRetries(request, () => Effect.sync(() => sent++), options as never).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
    expect(sent).toBe(0)
  })

  it("a send that is not a function fails with a SigningError", () => {
    const exit = Effect.runSyncExit(Retry.makeRequestWithRetries(request, null as unknown as Send).pipe(Effect.provide(Live)))
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/send must be a function/) })
  })

  it("a send that returns a Promise, not an Effect, fails with a SigningError that says how to wrap it", async () => {
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, (() => Promise.resolve("ok")) as unknown as Send).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/not an Effect.*Effect\.tryPromise/) })
  })

  it("a send that throws fails with a SigningError, its error as cause, and is not called again", async () => {
    const thrown = new TypeError("send bug")
    let calls = 0
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, ((): Effect.Effect<string> => {
        calls++
        throw thrown
      })).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/send threw \(send bug\)/) })
    expect((failureOf(exit) as SigningError).cause).toBe(thrown)
    expect(calls).toBe(1)
  })

  it("a while predicate that throws fails with a SigningError, not a defect", async () => {
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, () => Effect.fail("HTTP 503"), {
        times: 3,
        while: () => {
          throw new TypeError("predicate bug")
        }
      }).pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringMatching(/predicate \(while or until\) threw \(predicate bug\)/) })
  })

  it("a send failing with an error whose getters throw ends in a RequestError, with no defect from reading it", async () => {
    const failure = {}
    for (const key of ["status", "statusCode", "response", "name", "message", "headers", "code", "cause"]) {
      Object.defineProperty(failure, key, {
        get() {
          throw revokedProxy()
        }
      })
    }
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries(request, () => Effect.fail(failure), { times: 1, schedule: Retry.backoff({ base: 0 }) })
        .pipe(Effect.provide(Live))
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "RequestError", attempts: 2, message: expect.stringMatching(/cannot be inspected/) })
  })
})

describe("SigV4", () => {
  const options = { credentials: [CREDENTIALS], region: "us-east-1", now: Date.UTC(2024, 0, 1) }

  it.each([
    ["null", null, /A received request is/],
    ["a target that is not a string", { method: "GET", target: 42, headers: [] }, /target must be the path/],
    ["headers that are a string", { method: "GET", target: "/", headers: "host: x" }, /headers must be a list/],
    ["a header value that is a number", { method: "GET", target: "/", headers: { host: 42 } }, /one value is number 42/],
    ["a Map with a value that is a number", { method: "GET", target: "/", headers: new Map([["host", 42]]) }, /the value of "host" is number 42/],
    ["a Map whose entries cannot be read", { method: "GET", target: "/", headers: Object.assign(new Map(), { [Symbol.iterator]: () => { throw new Error("trap") } }) }, /could not be read \(iterating them threw\)/],
    ["a body that is an object", { method: "GET", target: "/", headers: [["host", "h"]], body: {} }, /body must be a string or a Uint8Array/]
  ])("verify refuses a received request that is %s with a SigningError", (_, received, message) => {
    expect(() => SigV4.verify(received as never, options)).toThrow(SigningError)
    expect(() => SigV4.verify(received as never, options)).toThrow(message)
  })

  it("verify refuses null options with a SigningError", () => {
    expect(() => SigV4.verify({ method: "GET", target: "/", headers: [["host", "h"]] }, null as never)).toThrow(/Verify options must be/)
  })

  it("verify reports a credentials lookup that throws as a SigningError naming the lookup", () => {
    const authorization = "AWS4-HMAC-SHA256 Credential=AKIDTYPED/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
    const received = { method: "GET", target: "/", headers: [["host", "h"], ["x-amz-date", "20240101T000000Z"], ["authorization", authorization]] as const }
    const lookup = () => {
      throw new TypeError("lookup bug")
    }
    expect(() => SigV4.verify(received, { ...options, credentials: lookup })).toThrow(/credentials lookup threw \(lookup bug\)/)
  })

  it("verify reports a credentials lookup that returns a Promise (an async database read) as a SigningError saying it must answer synchronously", async () => {
    const authorization = "AWS4-HMAC-SHA256 Credential=AKIDTYPED/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
    const received = { method: "GET", target: "/", headers: [["host", "h"], ["x-amz-date", "20240101T000000Z"], ["authorization", authorization]] as const }
    let rejected = false
    const lookup = (() => Promise.reject(new Error("db down")).catch((error: unknown) => {
      rejected = true
      throw error
    })) as never
    expect(() => SigV4.verify(received, { ...options, credentials: lookup })).toThrow(expect.objectContaining({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringContaining("The credentials lookup returned a Promise; it must return the credentials (or undefined) synchronously")
    }))
    // Its rejection is handled: no unhandled rejection follows.
    await new Promise((resolve) => setImmediate(resolve))
    expect(rejected).toBe(true)
  })

  it("signHeaders refuses a malformed request, or a signingTime that is no time, with a SigningError", () => {
    const credentials = CREDENTIALS
    expect(() => SigV4.signHeaders(null as never, { credentials, region: "us-east-1", signingTime: 0 })).toThrow(SigningError)
    expect(() => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials, region: "us-east-1", signingTime: "now" as never }))
      .toThrow(/signingTime must be epoch milliseconds or a Date/)
  })

  it("signHeaders turns a request whose getters throw into a SigningError", () => {
    const hostile = new Proxy({}, {
      get() {
        throw revokedProxy()
      }
    })
    expect(() => SigV4.signHeaders(hostile as never, { credentials: CREDENTIALS, region: "us-east-1", signingTime: 0 })).toThrow(SigningError)
  })
})

describe("LocalGateway.start", () => {
  it.each([
    ["null", null],
    ["a region that is not a string", { credentials: [{ accessKeyId: "AKIDTYPED", secretAccessKey: "typed-secret" }], region: 42 }],
    ["options whose getters throw", new Proxy({}, {
      get() {
        throw revokedProxy()
      }
    })]
  ])("with %s rejects with a LocalGatewayError", async (_, options) => {
    const error = await rejectionOf(LocalGateway.start(options as never))
    expect(error).toBeInstanceOf(LocalGateway.LocalGatewayError)
    expect(error).toMatchObject({ reason: "InvalidConfig" })
  })
})

describe("the signed HttpClient given what it cannot sign with", () => {
  it.each([["undefined", undefined], ["an object", {}], ["fetch itself", fetch]])(
    "SignedHttpClient.fromClient(%s): each request fails with InvalidConfig naming the mistake, never a defect",
    async (_, client) => {
      const exit = await Effect.runPromiseExit(
        Effect.flatMap(SignedHttpClient.fromClient(client as HttpClient.HttpClient), (signed) => signed.get("/pets")).pipe(Effect.provide(Live))
      )
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining("fromClient needs an HttpClient") })
    }
  )

  it("SignedHttpClient.signRequest given the Effect HttpClientRequest.bodyJson returns: says to yield it first", async () => {
    const request = HttpClientRequest.bodyJson(HttpClientRequest.post("/pets"), { name: "Rex" })
    const exit = await Effect.runPromiseExit(SignedHttpClient.signRequest(request as never).pipe(Effect.provide(Live)))
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", message: expect.stringContaining("yield* it first") })
  })
})

describe("Signer.make with options that cannot be read", () => {
  it("a getter that throws: InvalidConfig (a configuration problem), not InvalidRequest", () => {
    const options = Object.defineProperty({}, "endpoint", {
      get() {
        throw new TypeError("not loaded yet")
      }
    })
    expect(failureOf(Effect.runSyncExit(Signer.make(options as never)))).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
  })
})

describe("options that are a Proxy whose traps throw", () => {
  const hostile = () => new Proxy({}, {
    get() {
      throw new TypeError("trap")
    },
    getPrototypeOf() {
      throw new TypeError("trap")
    }
  })

  it("Retry.backoff: a SigningError naming the options, not the trap's TypeError", () => {
    expect(() => Retry.backoff(hostile() as never)).toThrow(SigningError)
  })

  it("Credentials.layerConfig, a sessionToken Config yielding one: the build fails typed, never a defect", async () => {
    const config = {
      accessKeyId: Config.succeed("AKIDEXAMPLE"),
      secretAccessKey: Config.succeed(Redacted.make("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
      sessionToken: Config.succeed(Option.some(hostile()))
    }
    const exit = await Effect.runPromiseExit(Layer.build(Credentials.layerConfig(config as never)).pipe(Effect.scoped))
    expect(failureOf(exit)).toBeInstanceOf(SigningError)
  })
})
