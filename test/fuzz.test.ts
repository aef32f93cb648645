/**
 * Every public entry point, fuzzed with hostile values in every argument
 * position (test/support/hostile.ts: every JavaScript kind, getters and
 * Proxy traps that throw, revoked Proxies), fails only with its typed error:
 *
 * - the facade: a `SigningError`, thrown by the constructor and the signing
 *   methods, and a rejection (never a synchronous throw) from
 *   `makeRequestWithRetries`, which may also reject with a `RequestError`
 *   (the callback failed) or the abort reason;
 * - the Effect API: an Exit that is a failure with `SigningError`
 *   (`RequestError` too for `Retry`; `LocalGatewayError` for the gateway),
 *   never a defect and never a synchronous throw while building the Effect;
 * - `SigV4`: a thrown `SigningError` (`Verifier.verify`: a failed Effect, with
 *   `SigningError` or `VerificationError`);
 * - `LocalGateway.start`: a rejection with `LocalGatewayError`.
 *
 * Succeeding is always allowed: some hostile values are valid input.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import ApiGatewaySigner, { Credentials, RequestError, Retry, type SignedRequest, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as Verifier from "api-gateway-request-signer/Verifier"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { runs } from "./support/fastCheck.js"
import { build, Hostile, hostile, kindOf, orHostile, recordOrHostile, safely } from "./support/hostile.js"

/** Runs per property: 150, times FC_RUNS_MULTIPLIER (10 under `npm run test:stress`; more to search longer). */
const options = runs(150)

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const CREDENTIALS = { accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz/secret+key", sessionToken: "fuzz-session-token" }
const NOW = Date.UTC(2024, 0, 1)
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey })
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(CREDENTIALS))

type ErrorClass = typeof SigningError | typeof RequestError | typeof LocalGateway.LocalGatewayError | typeof Verifier.VerificationError

const isTyped = (error: unknown, allowed: ReadonlyArray<ErrorClass>): boolean =>
  safely(
    () =>
      allowed.some((type) => error instanceof type) &&
      typeof (error as Error).message === "string" &&
      (error as Error).message !== "",
    false
  )

const expectTyped = (error: unknown, allowed: ReadonlyArray<ErrorClass>, how: string) => {
  if (!isTyped(error, allowed)) {
    expect.fail(`${how} ${kindOf(error)}, not a ${allowed.map((type) => type.name).join(" or ")}`)
  }
}

/** A synchronous call: it returns, or throws a typed error. */
const expectThrowsTyped = (call: () => unknown, allowed: ReadonlyArray<ErrorClass> = [SigningError]) => {
  try {
    call()
  } catch (error) {
    expectTyped(error, allowed, "threw")
  }
}

const isAbortReason = (error: unknown): boolean => safely(() => error instanceof DOMException && error.name === "AbortError", false)

/** A Promise method: it never throws, returns a Promise, and rejects only with a typed error. */
const expectRejectsTyped = async (
  call: () => unknown,
  allowed: ReadonlyArray<ErrorClass>,
  alsoAllowed: (error: unknown) => boolean = () => false
): Promise<void> => {
  let result: unknown
  try {
    result = call()
  } catch (error) {
    expect.fail(`threw synchronously ${kindOf(error)} instead of returning a rejected Promise`)
  }
  expect(result).toBeInstanceOf(Promise)
  const outcome = await (result as Promise<unknown>).then(() => undefined, (error: unknown) => ({ error }))
  if (outcome !== undefined && !alsoAllowed(outcome.error)) expectTyped(outcome.error, allowed, "rejected with")
}

/** An Effect: building it does not throw, and running it succeeds or fails with a typed error: no defect. */
const expectFailsTyped = async <A, E>(
  make: () => Effect.Effect<A, E, never>,
  allowed: ReadonlyArray<ErrorClass> = [SigningError]
): Promise<void> => {
  let effect: Effect.Effect<A, E, never>
  try {
    effect = make()
  } catch (error) {
    expect.fail(`threw ${kindOf(error)} while building the Effect`)
  }
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return
  const defects = [...Cause.defects(exit.cause)]
  if (defects.length > 0) expect.fail(`died with ${kindOf(defects[0])}`)
  const failures = [...Cause.failures(exit.cause)]
  if (failures.length === 0) expect.fail(`ended without a typed failure: ${Cause.pretty(exit.cause)}`)
  for (const failure of failures) expectTyped(failure, allowed, "failed with")
}

// ---------------------------------------------------------------------------
// Descriptions of arguments: valid-ish shapes with hostile values anywhere.

const leaf = (name: string, make: () => unknown) => new Hostile(name, make)

const headerCollection = fc.oneof(
  fc.dictionary(fc.constantFrom("accept", "x-custom", "Content-Type", "__proto__", "bad name"), orHostile(fc.constant("v")), { maxKeys: 3 }),
  fc.array(fc.tuple(orHostile(fc.constantFrom("accept", "x-a")), orHostile(fc.constant("v"))), { maxLength: 3 })
)
const queryCollection = fc.oneof(
  fc.dictionary(fc.constantFrom("a", "b", "__proto__"), orHostile(fc.constantFrom("1", 2, true)), { maxKeys: 3 }),
  fc.array(fc.tuple(orHostile(fc.constant("a")), orHostile(fc.constant("1"))), { maxLength: 3 })
)

const requestToSign = recordOrHostile({
  method: fc.constantFrom("GET", "post", "PUT"),
  path: fc.constantFrom("/pets", "/a b/ü", "pets?x=1", "/a/../b"),
  queryParams: queryCollection,
  headers: headerCollection,
  body: fc.oneof(fc.constant("text"), fc.dictionary(fc.constantFrom("a", "b"), orHostile(fc.constant(1)), { maxKeys: 2 }))
})

/** Mostly a request that signs, so that runs reach the retry loop and its handling of hostile failures. */
const signableMostly = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>({ method: "GET", path: "/pets" }, { method: "POST", path: "/orders", body: { item: 1 } }) },
  { weight: 1, arbitrary: requestToSign }
)

function redactedOr(value: string) {
  return fc.constantFrom<unknown>(value, leaf(`Redacted(${JSON.stringify(value)})`, () => Redacted.make(value)))
}

function credentialsInputOf() {
  return recordOrHostile({
    accessKeyId: fc.constant(CREDENTIALS.accessKeyId),
    secretAccessKey: redactedOr(CREDENTIALS.secretAccessKey),
    sessionToken: redactedOr(CREDENTIALS.sessionToken),
    expiration: fc.constant(leaf("a Date in 2099", () => new Date(Date.UTC(2099, 0, 1))))
  })
}
const credentialsInput = credentialsInputOf()

const signerOptions = recordOrHostile({
  endpoint: fc.constantFrom(ENDPOINT, "http://127.0.0.1:1/stage", "https://example.com"),
  region: fc.constantFrom("us-east-1", "EU West"),
  service: fc.constantFrom("execute-api", "s3"),
  signSessionToken: fc.boolean(),
  contentSha256Header: fc.boolean()
})

/** A credentials provider: one that resolves, or one that resolves with, rejects with or throws a hostile value. */
const provider = fc.oneof(
  fc.constant(leaf("a provider of valid credentials", () => () => Promise.resolve(CREDENTIALS))),
  hostile.map((value) => leaf(`a provider resolving with ${value[fc.toStringMethod]()}`, () => () => Promise.resolve(value.make()))),
  hostile.map((value) =>
    leaf(`a provider rejecting with ${value[fc.toStringMethod]()}`, () => () => {
      const rejected = Promise.reject(value.make())
      rejected.catch(() => {})
      return rejected
    })
  ),
  hostile.map((value) =>
    leaf(`a provider throwing ${value[fc.toStringMethod]()}`, () => () => {
      throw value.make()
    })
  )
)

const facadeConfig = fc.oneof(
  recordOrHostile({
    endpoint: fc.constantFrom(ENDPOINT, "https://example.com/stage"),
    region: fc.constant("us-east-1"),
    accessKey: fc.constant(CREDENTIALS.accessKeyId),
    secretKey: fc.constant(CREDENTIALS.secretAccessKey),
    sessionToken: fc.constant(CREDENTIALS.sessionToken),
    service: fc.constant("execute-api"),
    serviceName: fc.constant("execute-api"),
    signSessionToken: fc.boolean(),
    defaultAcceptType: fc.constantFrom<unknown>("application/json", false),
    defaultContentType: fc.constant("application/json")
  }),
  recordOrHostile({
    endpoint: fc.constant(ENDPOINT),
    region: fc.constant("us-east-1"),
    credentials: fc.oneof(credentialsInputOf(), provider)
  })
)

/** A signer built from credentials that may be a hostile identity or provider; `undefined` when the constructor refused them. */
const signerWith = (credentials: unknown): ApiGatewaySigner | undefined =>
  safely(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: credentials as never }), undefined)

const presignOptions = fc.oneof(fc.constant(undefined), recordOrHostile({ expiresIn: fc.constantFrom(60, 900) }))

/** A callback or send that fails once with a hostile value, then succeeds (so no run retries for long). */
const failsOnceWith = (make: (failure: unknown) => (calls: number) => unknown) =>
  hostile.map((failure) =>
    leaf(`fails once with ${failure[fc.toStringMethod]()}, then succeeds`, () => {
      let calls = 0
      const respond = make(failure.make())
      return () => respond(++calls)
    })
  )

/** Any function as the callback, stopped after two calls, so that a huge retry count cannot run for long. */
const atMostTwoCalls = (callback: unknown): unknown => {
  if (typeof callback !== "function") return callback
  let calls = 0
  return (...args: Array<unknown>) => (++calls > 2 ? "enough" : (callback as (...args: Array<unknown>) => unknown)(...args))
}

const alwaysTrue = leaf("() => true", () => () => true)

// ---------------------------------------------------------------------------

describe("the facade fails only with SigningError", () => {
  it.prop("new ApiGatewaySigner(config)", { config: facadeConfig }, ({ config }) => {
    expectThrowsTyped(() => new ApiGatewaySigner(build(config) as never))
  }, options)

  it.prop("signRequest(request)", { request: requestToSign }, ({ request }) => {
    expectThrowsTyped(() => signer.signRequest(build(request) as never))
  }, options)

  it.prop("presignRequest(request, options)", { request: requestToSign, presign: presignOptions }, ({ request, presign }) => {
    expectThrowsTyped(() => signer.presignRequest(build(request) as never, build(presign) as never))
  }, options)

  it.live.prop("signRequestAsync(request), with credentials from a provider, rejects, never throws", {
    request: requestToSign,
    credentials: fc.oneof(credentialsInput, provider)
  }, ({ credentials, request }) =>
    Effect.promise(async () => {
      const withProvider = signerWith(build(credentials))
      if (withProvider === undefined) return
      await expectRejectsTyped(() => withProvider.signRequestAsync(build(request) as never), [SigningError])
      // Resolved (or not) now: the synchronous methods sign with what the provider gave, or throw typed.
      expectThrowsTyped(() => withProvider.signRequest(build(request) as never))
      await expectRejectsTyped(() => withProvider.makeRequestWithRetries(build(request) as never, () => "ok", 0), [SigningError, RequestError])
    }), options)

  it.live.prop("signer.fetch(input, init) rejects, never throws", {
    input: orHostile(fc.constantFrom<unknown>("/pets", `${ENDPOINT}/pets?a=1`, "https://elsewhere.example/x", leaf("a Request", () => new Request(`${ENDPOINT}/pets`, { method: "POST", body: "x" })))),
    init: fc.oneof(
      fc.constant(undefined),
      recordOrHostile({
        method: fc.constantFrom("GET", "POST"),
        headers: headerCollection,
        body: fc.constantFrom<unknown>("text", leaf("a Blob", () => new Blob(["blob"]))),
        retries: fc.constantFrom(0, 1),
        shouldRetry: fc.constant(alwaysTrue),
        signal: fc.constant(leaf("an AbortSignal", () => new AbortController().signal))
      })
    ),
    transport: fc.oneof(
      fc.constant(leaf("a fetch answering 200", () => () => Promise.resolve(new Response("ok")))),
      hostile.map((value) => leaf(`a fetch rejecting with ${value[fc.toStringMethod]()}`, () => () => {
        const rejected = Promise.reject(value.make())
        rejected.catch(() => {})
        return rejected
      })),
      hostile.map((value) => leaf(`a fetch resolving with ${value[fc.toStringMethod]()}`, () => () => Promise.resolve(value.make())))
    )
  }, ({ init, input, transport }) =>
    Effect.promise(() => {
      const fetching = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: CREDENTIALS, fetch: build(transport) as never })
      return expectRejectsTyped(() => fetching.fetch(build(input) as never, build(init) as never), [SigningError, RequestError], isAbortReason)
    }), options)

  it.prop("the clockOffset setter", { offset: hostile }, ({ offset }) => {
    expectThrowsTyped(() => {
      new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: CREDENTIALS }).clockOffset = offset.make() as never
    })
  }, options)

  it.live.prop("makeRequestWithRetries(params, callback, retries, options) rejects, never throws", {
    params: signableMostly,
    callback: fc.oneof(hostile, failsOnceWith((failure) => (calls) => {
      if (calls === 1) throw failure
      return "ok"
    })),
    retries: fc.oneof(fc.constant(undefined), orHostile(fc.constantFrom(0, 1))),
    retryOptions: fc.oneof(
      fc.constant(undefined),
      recordOrHostile({
        baseDelayMs: fc.constant(0),
        maxDelayMs: fc.constantFrom(0, 10),
        shouldRetry: fc.constant(alwaysTrue),
        signal: fc.constant(leaf("an AbortSignal", () => new AbortController().signal))
      })
    )
  }, ({ callback, params, retries, retryOptions }) =>
    Effect.promise(() =>
      expectRejectsTyped(
        () => signer.makeRequestWithRetries(build(params) as never, atMostTwoCalls(build(callback)) as never, build(retries) as never, build(retryOptions) as never),
        [SigningError, RequestError],
        isAbortReason
      )
    ), options)
})

describe("Credentials fail only with SigningError", () => {
  it.live.prop("make, validate and layer", { input: credentialsInput }, ({ input }) =>
    Effect.promise(async () => {
      await expectFailsTyped(() => Credentials.make(build(input) as never))
      await expectFailsTyped(() => Credentials.validate(build(input) as never))
      await expectFailsTyped(() => Effect.scoped(Layer.build(Credentials.layer(build(input) as never))))
    }), options)
})

describe("Credentials from a provider fail only with SigningError", () => {
  it.live.prop("layerFromProvider(provider, options), then signing with it", {
    provider: fc.oneof(hostile, provider),
    providerOptions: fc.oneof(fc.constant(undefined), recordOrHostile({ refreshBefore: fc.constantFrom("1 minute", 0) })),
    request: requestToSign
  }, ({ provider, providerOptions, request }) =>
    Effect.promise(() =>
      expectFailsTyped(() =>
        Signer.signRequest(build(request) as never).pipe(
          Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layerFromProvider(build(provider) as never, build(providerOptions) as never)))
        )
      )
    ), options)
})

describe("Signer fails only with SigningError", () => {
  it.live.prop("make and layer", { signerOptions }, ({ signerOptions }) =>
    Effect.promise(async () => {
      await expectFailsTyped(() => Signer.make(build(signerOptions) as never))
      await expectFailsTyped(() => Effect.scoped(Layer.build(Signer.layer(build(signerOptions) as never))))
    }), options)

  it.live.prop("signRequest, signRequestWithDetails and presignRequest", {
    request: requestToSign,
    presign: presignOptions,
    signerOptions: fc.oneof(fc.constant(undefined), signerOptions)
  }, ({ presign, request, signerOptions }) =>
    Effect.promise(async () => {
      const withOptions = signerOptions !== undefined
      await expectFailsTyped(() =>
        (withOptions
          ? Signer.signRequest(build(request) as never, build(signerOptions) as never)
          : Signer.signRequest(build(request) as never)).pipe(Effect.provide(Live))
      )
      await expectFailsTyped(() =>
        (withOptions
          ? Signer.signRequestWithDetails(build(request) as never, build(signerOptions) as never)
          : Signer.signRequestWithDetails(build(request) as never)).pipe(Effect.provide(Live))
      )
      await expectFailsTyped(() =>
        (withOptions
          ? Signer.presignRequest(build(request) as never, build(presign) as never, build(signerOptions) as never)
          : Signer.presignRequest(build(request) as never, build(presign) as never)).pipe(Effect.provide(Live))
      )
    }), options)

  it.live.prop("SignedHttpClient.signRequest", { request: orHostile(fc.constant(leaf("GET /pets", () => HttpClientRequest.get("/pets")))) }, ({ request }) =>
    Effect.promise(() => expectFailsTyped(() => SignedHttpClient.signRequest(build(request) as never).pipe(Effect.provide(Live)))), options)
})

describe("Retry.makeRequestWithRetries fails only with RequestError or SigningError", () => {
  it.live.prop("request, send and options", {
    request: signableMostly,
    send: fc.oneof(
      hostile,
      failsOnceWith((failure) => (calls) => (calls === 1 ? Effect.fail(failure) : Effect.succeed("ok")))
    ),
    retryOptions: fc.oneof(
      fc.constant(undefined),
      recordOrHostile({
        times: fc.constantFrom(0, 1),
        schedule: fc.constant(leaf("Schedule.recurs(1)", () => Schedule.recurs(1))),
        while: fc.constant(alwaysTrue),
        until: fc.constant(leaf("() => false", () => () => false)),
        maxDelay: fc.constantFrom("1 millis", 0)
      })
    )
  }, ({ request, retryOptions, send }) =>
    Effect.promise(() =>
      expectFailsTyped(
        () => Retry.makeRequestWithRetries(
          build(request) as never,
          atMostTwoCalls(build(send)) as (signed: SignedRequest) => Effect.Effect<unknown, unknown>,
          build(retryOptions) as never
        ).pipe(Effect.provide(Live)),
        [RequestError, SigningError]
      )
    ), options)
})

const wireRequest = recordOrHostile({
  method: fc.constantFrom("GET", "POST"),
  target: fc.constantFrom("/prod/pets?a=1", "/", "/a/../b?X-Amz-Signature=x"),
  headers: fc.oneof(
    fc.constant([["host", "abc123.execute-api.us-east-1.amazonaws.com"]]),
    fc.array(fc.tuple(orHostile(fc.constantFrom("host", "x-a")), orHostile(fc.constant("v"))), { maxLength: 3 })
  ),
  body: fc.constantFrom("body", leaf("bytes", () => new Uint8Array([1, 2, 3])))
})

const signOptions = recordOrHostile({
  credentials: credentialsInput,
  region: fc.constant("us-east-1"),
  service: fc.constantFrom("execute-api", "s3"),
  signingTime: fc.constantFrom<unknown>(NOW, leaf("a Date", () => new Date(NOW))),
  normalizePath: fc.boolean(),
  doubleEncodePath: fc.boolean(),
  contentSha256Header: fc.boolean(),
  signSessionToken: fc.boolean(),
  payloadHash: fc.constant("UNSIGNED-PAYLOAD"),
  expiresIn: fc.constantFrom(1, 900)
})

const AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
  "0".repeat(64)

const receivedRequest = recordOrHostile({
  method: fc.constantFrom("GET", "POST"),
  target: fc.constantFrom("/prod/pets?a=1", "/?X-Amz-Signature=x&X-Amz-Credential=AKIDFUZZ%2F20240101%2Fus-east-1%2Fexecute-api%2Faws4_request"),
  headers: fc.oneof(
    fc.tuple(
      orHostile(fc.constant(["host", "h"])),
      orHostile(fc.constant(["x-amz-date", "20240101T000000Z"])),
      orHostile(fc.tuple(orHostile(fc.constant("authorization")), orHostile(fc.constant(AUTHORIZATION))))
    ),
    fc.record({ host: orHostile(fc.constant("h")), "x-amz-date": orHostile(fc.constant(["20240101T000000Z"])), authorization: orHostile(fc.constant(AUTHORIZATION)) }, { requiredKeys: [] })
  ),
  body: fc.constantFrom("body", leaf("bytes", () => new Uint8Array([1])))
})

const verifyOptions = recordOrHostile({
  credentials: fc.oneof(
    fc.array(credentialsInput, { maxLength: 2 }),
    hostile.map((found) => leaf(`a lookup returning ${found[fc.toStringMethod]()}`, () => () => found.make()))
  ),
  region: fc.constant("us-east-1"),
  service: fc.constant("execute-api"),
  now: fc.constantFrom<unknown>(NOW, leaf("a Date", () => new Date(NOW))),
  maxClockSkewMillis: fc.constantFrom(0, 300_000)
})

describe("SigV4 throws only SigningError", () => {
  it.prop("signHeaders(request, options)", { request: wireRequest, signOptions }, ({ request, signOptions }) => {
    expectThrowsTyped(() => SigV4.signHeaders(build(request) as never, build(signOptions) as never))
  }, options)

  it.prop("presign(request, options)", { request: wireRequest, signOptions }, ({ request, signOptions }) => {
    expectThrowsTyped(() => SigV4.presign(build(request) as never, build(signOptions) as never))
  }, options)

  it.prop("verify(request, options)", { request: receivedRequest, verifyOptions }, ({ request, verifyOptions }) => {
    expectThrowsTyped(() => SigV4.verify(build(request) as never, build(verifyOptions) as never))
  }, options)

  it.live.prop("Verifier.verify(request, options), an Effect: SigningError or VerificationError", { request: receivedRequest, verifyOptions }, ({ request, verifyOptions }) =>
    Effect.promise(() =>
      expectFailsTyped(() => Verifier.verify(build(request) as never, build(verifyOptions) as never), [SigningError, Verifier.VerificationError])
    ), options)
})

/** Host names that need no DNS: the fuzz never looks a hostile string up on the network. */
const gatewayOptions = recordOrHostile({
  credentials: fc.oneof(fc.array(credentialsInput, { maxLength: 2 }), fc.constant(leaf("a lookup", () => () => undefined))),
  port: fc.constant(0),
  host: fc.constant("127.0.0.1"),
  region: fc.constantFrom("us-east-1", "Not A Region"),
  service: fc.constant("execute-api"),
  target: fc.constantFrom("http://127.0.0.1:9/base", "ftp://x", "http://127.0.0.1:9/?q=1"),
  handler: fc.constant(leaf("() => undefined", () => () => undefined)),
  maxBodyBytes: fc.constantFrom(0, 1024),
  maxClockSkewMillis: fc.constant(1000),
  now: fc.constant(leaf("() => NOW", () => () => NOW)),
  headersTimeoutMillis: fc.constant(1000),
  requestTimeoutMillis: fc.constant(2000),
  targetTimeoutMillis: fc.constantFrom(1000, Number.NaN),
  onRequest: fc.constant(leaf("() => {}", () => () => {})),
  cors: fc.oneof(fc.boolean(), recordOrHostile({ allowOrigin: fc.constant("*"), allowHeaders: fc.constant(["x-a"]), maxAgeSeconds: fc.constant(10) }))
})

const withoutNetworkHost = (options: unknown): unknown => {
  const host = safely(() => (options as { host?: unknown }).host, undefined)
  if (typeof host === "string" && host !== "127.0.0.1") (options as { host: string }).host = "127.0.0.1"
  return options
}

describe("LocalGateway fails only with LocalGatewayError", () => {
  it.live.prop("start(options) rejects, never throws", { gatewayOptions }, ({ gatewayOptions }) =>
    Effect.promise(async () => {
      let started: LocalGateway.Service | undefined
      await expectRejectsTyped(
        () =>
          LocalGateway.start(withoutNetworkHost(build(gatewayOptions)) as never).then((gateway) => {
            started = gateway
          }),
        [LocalGateway.LocalGatewayError]
      )
      await started?.close()
    }), options)

  it.live.prop("make(options), scoped", { gatewayOptions }, ({ gatewayOptions }) =>
    Effect.promise(() =>
      expectFailsTyped(() => Effect.scoped(LocalGateway.make(withoutNetworkHost(build(gatewayOptions)) as never)), [LocalGateway.LocalGatewayError])
    ), options)
})
