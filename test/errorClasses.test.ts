/**
 * SigningError and RequestError are one class each, loaded without Effect,
 * and catchable the same way in both worlds: `instanceof` for the facade,
 * `Effect.catchTag` / `catchTags` in the Effect API, with `_tag`, `reason`,
 * `field`, `message` and `cause`. (What an Effect user gives up against a
 * Data.TaggedError: the error is not itself an Effect, so `Effect.fail(error)`
 * rather than `yield* error`, and two errors are not structurally Equal.)
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, RequestError, Retry, Signer, SigningError } from "api-gateway-request-signer"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const keys = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(keys))

describe("in the facade", () => {
  it("a SigningError is an Error, by class, with its tag, reason, field and message", () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey })
    let caught: unknown
    try {
      signer.signRequest({ method: "BREW", path: "/" })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SigningError)
    expect(caught).toBeInstanceOf(Error)
    expect(caught).toMatchObject({ _tag: "SigningError", name: "SigningError", reason: "InvalidRequest", field: "method" })
    expect((caught as SigningError).message).toMatch(/Unknown HTTP method "BREW"/)
    expect((caught as SigningError).stack).toContain("SigningError")
  })

  it("a RequestError carries the last failure as its cause", async () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey })
    const failure = new Error("boom")
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/" }, () => Promise.reject(failure), 0).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ _tag: "RequestError", name: "RequestError", reason: "RetriesExhausted", attempts: 1 })
    expect((error as RequestError).cause).toBe(failure)
  })

  it("both serialize and print as their tag, reason and message", () => {
    const error = new SigningError({ reason: "InvalidRequest", field: "path", message: "bad path", cause: new Error("inner") })
    expect(JSON.parse(JSON.stringify(error))).toEqual({ _tag: "SigningError", reason: "InvalidRequest", field: "path", message: "bad path" })
    expect(inspect(error)).toContain("SigningError: bad path")
    expect(error.cause).toBeInstanceOf(Error)
  })
})

describe("in the Effect API", () => {
  it.effect("Effect.catchTag(\"SigningError\", ...) catches a request that cannot be signed, with the same fields", () =>
    Effect.gen(function*() {
      const caught = yield* Signer.signRequest({ method: "BREW", path: "/" }).pipe(
        Effect.map(() => undefined),
        Effect.catchTag("SigningError", (error) => Effect.succeed(error))
      )
      expect(caught).toBeInstanceOf(SigningError)
      expect(caught).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "method" })
    }).pipe(Effect.provide(Live)))

  it.effect("Effect.catchTags handles both errors of Retry by their tags", () =>
    Effect.gen(function*() {
      const handled = <R>(effect: Effect.Effect<unknown, SigningError | RequestError<string>, R>) =>
        effect.pipe(
          Effect.map(() => "ok"),
          Effect.catchTags({
            SigningError: (error) => Effect.succeed(`signing: ${error.reason}`),
            RequestError: (error) => Effect.succeed(`request: ${error.reason} after ${error.attempts}`)
          })
        )
      expect(yield* handled(Retry.makeRequestWithRetries({ method: "GET", path: "/" }, () => Effect.fail("boom"), { times: 0 })))
        .toBe("request: RetriesExhausted after 1")
      expect(yield* handled(Retry.makeRequestWithRetries({ method: "BREW", path: "/" }, () => Effect.succeed("x"))))
        .toBe("signing: InvalidRequest")
    }).pipe(Effect.provide(Live)))

  it.effect("a failure is a Fail in the Exit, holding the error itself, and Cause.pretty shows its message", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Signer.signRequest({ method: "BREW", path: "/" }))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        expect(Cause.failureOption(exit.cause)._tag).toBe("Some")
        expect(Cause.squash(exit.cause)).toBeInstanceOf(SigningError)
        expect(Cause.pretty(exit.cause)).toContain("Unknown HTTP method")
      }
    }).pipe(Effect.provide(Live)))

  it.effect("Effect.fail(new SigningError(...)) is how code raises one (the error is not itself an Effect)", () =>
    Effect.gen(function*() {
      const error = new SigningError({ reason: "InvalidConfig", message: "mine" })
      const exit = yield* Effect.exit(Effect.fail(error))
      expect(exit).toEqual(Exit.fail(error))
      expect(Effect.isEffect(error)).toBe(false)
    }))
})

describe("bundled and minified (a Lambda built with esbuild --minify, as CDK's NodejsFunction does)", () => {
  it("SigningError and RequestError keep their class names, which Lambda logs as errorType", async () => {
    const { build } = await import("esbuild")
    const built = await build({
      stdin: {
        contents: `export { SigningError } from "api-gateway-request-signer/SigningError"\nexport { RequestError } from "api-gateway-request-signer/RequestError"`,
        resolveDir: import.meta.dirname
      },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "node",
      write: false,
      logLevel: "silent"
    })
    const bundled = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0]!.text).toString("base64")}`) as {
      SigningError: typeof SigningError
      RequestError: typeof RequestError
    }
    const signing = new bundled.SigningError({ reason: "InvalidRequest", message: "x" })
    expect([bundled.SigningError.name, signing.constructor.name, signing.name]).toEqual(["SigningError", "SigningError", "SigningError"])
    expect(bundled.RequestError.name).toBe("RequestError")
  })
})
