/**
 * No error message shows a secret: not a presigned URL's credentials passed
 * where the endpoint goes, not a secret key passed there by mistake, not a
 * secret hidden in the `name` of a failure a RequestError summarizes, and
 * not a secret because it is short. Each is checked in every view of the
 * error: message, String, JSON and util.inspect.
 */
import { createHash } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { describe, expect, it, onTestFinished, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, RequestError, Retry, SigV4, Signer, SigningError } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { runCli } from "./support/cli.js"
import { thrownBy, failureOf } from "./support/outcomes.js"

const HOST = "abc123.execute-api.us-east-1.amazonaws.com"
const ENDPOINT = `https://${HOST}/prod`
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
const TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"
const SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
const CREDENTIAL_VALUE = "AKIDPRESIGNED%2F20240101%2Fus-east-1%2Fexecute-api%2Faws4_request"

/** A presigned URL, as a caller might paste it where the endpoint goes. */
const presignedQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" +
  `&X-Amz-Credential=${CREDENTIAL_VALUE}&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host` +
  `&X-Amz-Security-Token=${encodeURIComponent(TOKEN)}&X-Amz-Signature=${SIGNATURE}`

/** What must never be shown: the token (raw and encoded), the signature, the credential. */
const LEAKS = [TOKEN, encodeURIComponent(TOKEN), SIGNATURE, CREDENTIAL_VALUE, "AKIDPRESIGNED/20240101", SECRET]

/** Every way an error is looked at. */
/**
 * Every way an error can be shown. The stack frames inspect prints are left out: they hold the file paths of
 * this checkout, where a one-letter secret (`Q`, `J`: "however short" below) may stand (`/home/Jane/...`).
 */
const withoutFrames = (text: string): string => text.replace(/^ *at .*$/gm, "")
const views = (error: unknown): Array<string> => [
  (error as Error).message,
  String(error),
  JSON.stringify(error) ?? "",
  withoutFrames(inspect(error, { depth: 10 })),
  withoutFrames(inspect(error, { depth: 10, showHidden: true }))
]

const expectShowsNone = (error: unknown, secrets: ReadonlyArray<string>) => {
  for (const view of views(error)) for (const secret of secrets) expect(view).not.toContain(secret)
}

/** Endpoints that carry a presigned URL's credentials: in the query, the fragment, the path of a malformed URL, the user info. */
const presignedEndpoints: ReadonlyArray<readonly [string, string]> = [
  ["a presigned URL", `${ENDPOINT}/pets?${presignedQuery}`],
  ["a presigned URL with a fragment", `${ENDPOINT}/pets?${presignedQuery}#x`],
  ["the query in a fragment", `${ENDPOINT}#${presignedQuery}`],
  ["a malformed presigned URL (a space in the host)", `https://abc 123.execute-api.us-east-1.amazonaws.com/prod?${presignedQuery}`],
  ["a malformed URL with the parameters in its path", `https://abc 123.example.com/${presignedQuery}`],
  ["a non-http URL with the parameters in its path", `ftp://${HOST}/${presignedQuery}`],
  ["a token as the password", `https://user:${encodeURIComponent(TOKEN)}@${HOST}/prod`]
]

describe("an endpoint carrying a presigned URL's credentials never shows them", () => {
  it.each(presignedEndpoints)("new ApiGatewaySigner with %s throws a SigningError that shows none of them", (_, endpoint) => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidEndpoint" })
    expectShowsNone(error, LEAKS)
  })

  it.each(presignedEndpoints)("Signer.make with %s fails with a SigningError that shows none of them", (_, endpoint) => {
    const error = failureOf(Effect.runSyncExit(Signer.make({ endpoint, region: "us-east-1" })))
    expect(error).toBeInstanceOf(SigningError)
    expectShowsNone(error, LEAKS)
  })

  it("the signed HttpClient, given a presigned URL on another host, fails with a SigningError that shows none of them", () => {
    const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET }))
    const exit = Effect.runSyncExit(
      SignedHttpClient.signRequest(HttpClientRequest.get(`https://other.example.com/pets?${presignedQuery}`)).pipe(Effect.provide(Live))
    )
    expectShowsNone(failureOf(exit), LEAKS)
  })
})

describe("a secret passed where the endpoint or region goes is not shown", () => {
  it("the secret key as the endpoint (arguments mixed up)", () => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint: SECRET, accessKey: "AKIDEXAMPLE", secretKey: SECRET }))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidEndpoint" })
    expectShowsNone(error, [SECRET])
  })

  it("the session token as the region", () => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: TOKEN, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN }))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expectShowsNone(error, [TOKEN])
  })
  // The secrets' first 20 characters too: a message that cuts a value short must not show its beginning.
  const AND_PREFIXES = [SECRET, TOKEN, SECRET.slice(0, 20), TOKEN.slice(0, 20)]
  const wire = { method: "GET", target: "/prod/pets", headers: [["host", HOST]] as Array<readonly [string, string]> }
  const signOptions = { credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET, sessionToken: TOKEN }, region: "us-east-1", signingTime: Date.UTC(2026, 0, 1) }

  it.each([
    ["SigV4.signHeaders, the secret key as the region", () => SigV4.signHeaders(wire, { ...signOptions, region: SECRET })],
    ["SigV4.signHeaders, the session token and a line break as the method", () => SigV4.signHeaders({ ...wire, method: TOKEN + "\n" }, signOptions)],
    ["SigV4.presign, the session token as the region", () => SigV4.presign(wire, { ...signOptions, region: TOKEN, expiresIn: 60 })]
  ])("%s", (_, sign) => {
    const error = thrownBy(sign)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, AND_PREFIXES)
  })

  it.each([
    ["region", { region: SECRET }],
    ["target", { target: SECRET }],
    ["host", { host: SECRET }]
  ] as const)("LocalGateway.start, the secret key as its %s", async (_, option) => {
    const error = await LocalGateway.start({ credentials: [signOptions.credentials], ...option }).then(
      async (gateway) => {
        await gateway.close()
        throw new Error("expected a refusal")
      },
      (error: unknown) => error
    )
    expect(error).toMatchObject({ _tag: "LocalGatewayError" })
    expectShowsNone(error, AND_PREFIXES)
  })

  it.each([
    ["Signer.layer, the secret key as the region (its credentials are another layer)", () =>
      failureOf(Effect.runSyncExit(Signer.make({ endpoint: ENDPOINT, region: SECRET })))],
    ["Signer.layer, the session token as the service", () => failureOf(Effect.runSyncExit(Signer.make({ endpoint: ENDPOINT, service: TOKEN })))],
    ["Signer.layer, a secret key after some words as the region", () =>
      failureOf(Effect.runSyncExit(Signer.make({ endpoint: ENDPOINT, region: `abcdefghijklmnopqrstuvwxyz ${SECRET}` })))],
    ["Signer.layer, a secret key without digits as the region", () =>
      failureOf(Effect.runSyncExit(Signer.make({ endpoint: ENDPOINT, region: SECRET.replace(/[0-9]/g, "x") })))],
    ["the facade with a credentials provider (not asked yet), the session token as the region", () =>
      thrownBy(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: TOKEN, credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET }) }))]
  ])("%s", (_, fail) => {
    const error = fail()
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [...AND_PREFIXES, SECRET.replace(/[0-9]/g, "x").slice(0, 20)])
  })
})

/** A failure whose name and message carry the secrets, as a careless HTTP client's error might. */
const leakyFailure = (secrets: ReadonlyArray<string>) =>
  Object.assign(new Error(`request failed: ${secrets.join(" ")}`), { name: `LeakyError(${secrets.join(",")})` })

const facade = (secretKey: string, sessionToken: string) =>
  new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey, sessionToken })

const effectLive = (secretAccessKey: string, sessionToken: string) =>
  Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey, sessionToken }))

const facadeRejection = (secretKey: string, sessionToken: string, failure: unknown) =>
  facade(secretKey, sessionToken).makeRequestWithRetries({ method: "GET", path: "/pets" }, () => {
    throw failure
  }, 0).then(() => {
    throw new Error("expected a rejection")
  }, (error: unknown) => error)

const retryFailure = async (secretAccessKey: string, sessionToken: string, failure: unknown) =>
  failureOf(
    await Effect.runPromiseExit(
      Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, () => Effect.fail(failure), { times: 0 }).pipe(
        Effect.provide(effectLive(secretAccessKey, sessionToken))
      )
    )
  )

describe("a secret the signer holds, passed by mistake as an option of a call, is not shown", () => {
  // Secrets that do not look like credentials (a slash every dozen characters): only knowing them finds them.
  const secretKey = "wJalrXUtnFEM/K7MDENGbPxRf/iCYEXAMPLEKEY12"
  const sessionToken = "IQoJb3JpZ2lu/X2VjEHNhbXBs/ZXRva2VuZXhh/".repeat(8)
  const signer = new ApiGatewaySigner({ endpoint: "http://127.0.0.1:9/prod", region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey, sessionToken })
  const request = { method: "GET", path: "/x" }
  const loose = signer as unknown as {
    makeRequestWithRetries: (...args: Array<unknown>) => Promise<unknown>
    fetch: (input: string, init: Record<string, unknown>) => Promise<unknown>
  }
  const rejectionOf = (call: () => Promise<unknown>) => call().then(() => undefined, (error: unknown) => error)

  it.each([
    ["makeRequestWithRetries, the secret key as the callback", () => loose.makeRequestWithRetries(request, secretKey)],
    ["makeRequestWithRetries, the secret key as retries", () => loose.makeRequestWithRetries(request, () => 1, secretKey)],
    ["makeRequestWithRetries, the session token as shouldRetry", () => loose.makeRequestWithRetries(request, () => 1, 1, { shouldRetry: sessionToken })],
    ["makeRequestWithRetries, the secret key as baseDelayMs", () => loose.makeRequestWithRetries(request, () => 1, 1, { baseDelayMs: secretKey })],
    ["makeRequestWithRetries, the secret key as maxDelayMs", () => loose.makeRequestWithRetries(request, () => 1, 1, { maxDelayMs: secretKey })],
    ["makeRequestWithRetries, the secret key as signal", () => loose.makeRequestWithRetries(request, () => 1, 1, { signal: secretKey })],
    ["signer.fetch, the secret key as retries", () => loose.fetch("/x", { retries: secretKey })],
    ["signer.fetch, the session token as shouldRetry", () => loose.fetch("/x", { shouldRetry: sessionToken })]
  ])("%s: a SigningError that shows neither", async (_, call) => {
    const error = await rejectionOf(call)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expectShowsNone(error, [secretKey, sessionToken, secretKey.slice(0, 20), sessionToken.slice(0, 20)])
  })
})

describe("a request whose reading throws an error quoting the signer's secret keeps no cause that shows it", () => {
  const throwingBody = { toJSON: () => { throw new Error(`cannot serialize order for token ${TOKEN}`) } }
  const throwingPath = { method: "GET", get path(): string { throw new Error(`lookup failed with key ${SECRET}`) } }
  const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN })

  it.each([
    ["signRequest, a body whose toJSON throws", () => signer.signRequest({ method: "POST", path: "/orders", body: throwingBody })],
    ["signRequest, a path getter that throws", () => signer.signRequest(throwingPath)],
    ["presignRequest, a path getter that throws", () => signer.presignRequest(throwingPath)]
  ])("%s: a SigningError that shows neither secret, in any view", (_, sign) => {
    const error = thrownBy(sign)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [SECRET, TOKEN])
    expect(inspect(error, { depth: Infinity })).not.toMatch(/cannot serialize order for token IQo|lookup failed with key wJal/)
  })

  it("signer.fetch, the secret key as a header name (the platform's error quotes it)", async () => {
    const fetching = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN, fetch: async () => new Response("ok") })
    const error = await fetching.fetch("/pets", { headers: { [SECRET]: "1" } }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [SECRET, TOKEN])
  })

  it("Signer.signRequest in the Effect API, a body whose toJSON throws", async () => {
    const layer = Layer.merge(Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET, sessionToken: TOKEN }), Signer.layer({ endpoint: ENDPOINT }))
    const error = failureOf(await Effect.runPromiseExit(Signer.signRequest({ method: "POST", path: "/orders", body: throwingBody }).pipe(Effect.provide(layer))))
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [SECRET, TOKEN])
  })
})

describe("a failure holding a secret deeper than the scrubber looks is not kept", () => {
  it.each([0, 3, 10, 70])("shouldRetry throws, its cause holding the request %i objects below: no view shows the token", async (depth) => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN })
    const error = await signer.makeRequestWithRetries({ method: "GET", path: "/pets" }, (request) => {
      // A client error carrying the request some objects down, as wrapped HTTP client errors do.
      let detail: object = { headers: request.headers }
      for (let i = 0; i < depth; i++) detail = { wrapped: detail }
      throw Object.assign(new Error("socket hang up"), { detail })
    }, 1, {
      shouldRetry: (failure) => {
        throw new Error("classifier crashed", { cause: failure })
      }
    }).catch((error: unknown) => error)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [TOKEN])
    expect(inspect(error, { depth: Infinity })).not.toContain(TOKEN)
  })
})

describe("a RequestError whose cause's name carries a secret shows it nowhere", () => {
  it("from the facade's loop: not in message, toJSON, toString or inspect, nor in causeSummary.name", async () => {
    const error = await facadeRejection(SECRET, TOKEN, leakyFailure([SECRET, TOKEN]))
    expect(error).toBeInstanceOf(RequestError)
    expectShowsNone(error, [SECRET, TOKEN])
    expect((error as RequestError).causeSummary.name).toBe("LeakyError(<redacted>,<redacted>)")
  })

  it("from Retry: not in message, toJSON, toString or inspect, nor in causeSummary.name", async () => {
    const error = await retryFailure(SECRET, TOKEN, leakyFailure([SECRET, TOKEN]))
    expect(error).toBeInstanceOf(RequestError)
    expectShowsNone(error, [SECRET, TOKEN])
    expect((error as RequestError).causeSummary.name).toBe("LeakyError(<redacted>,<redacted>)")
  })

  it("nor a presigned URL's credentials its message quotes", async () => {
    const failure = new Error(`GET https://${HOST}/prod/pets?X-Amz-Signature=${SIGNATURE}&X-Amz-Credential=${CREDENTIAL_VALUE} failed`)
    for (const error of [await facadeRejection(SECRET, TOKEN, failure), await retryFailure(SECRET, TOKEN, failure)]) {
      expectShowsNone(error, [SIGNATURE, CREDENTIAL_VALUE])
      expect((error as RequestError).message).toContain("X-Amz-Signature=<redacted>")
    }
  })
})

describe("a RequestError copied by the structured clone (postMessage, IndexedDB, worker_threads) carries no cause", () => {
  // As an HTTP client's error holds its request (axios's `config`): the signed headers, the session token among them.
  const holdingTheRequest = () => Object.assign(new Error("Request failed with status code 403"), { config: { headers: { "x-amz-security-token": TOKEN } } })

  it("a cause holding the signed request: the copy shows no session token, and keeps message, name and stack", async () => {
    for (const error of [await facadeRejection(SECRET, TOKEN, holdingTheRequest()), await retryFailure(SECRET, TOKEN, holdingTheRequest())]) {
      expect((error as RequestError).cause).toMatchObject({ config: { headers: { "x-amz-security-token": TOKEN } } })
      const copy = structuredClone(error) as Error
      expect(copy.cause).toBeUndefined()
      expect(inspect(copy, { depth: 10, showHidden: true })).not.toContain(TOKEN)
      expect(copy.message).toBe((error as RequestError).message)
      expect(copy.stack).toBe((error as RequestError).stack)
    }
  })

  it("a cause the clone cannot copy (a Response, as `throw response` makes it) does not make the copy fail", async () => {
    const error = await facadeRejection(SECRET, TOKEN, new Response("Forbidden", { status: 403 }))
    expect((error as RequestError).cause).toBeInstanceOf(Response)
    expect(() => structuredClone(error)).not.toThrow()
  })
})

describe("a secret quoted as a URL or JSON writes it (%2F, %2B, \\/) shows no part of it", () => {
  // The parts of SECRET between its "/" and "+": each shorter than the runs the credential mask looks for.
  const SECRET_PARTS = SECRET.split(/[/+]/)
  const encodedFailure = () => new Error(`GET https://${HOST}/prod/pets?key=${encodeURIComponent(SECRET)} failed; body {"key":"${SECRET.replaceAll("/", "\\/")}"}`)

  // Such a secret has no percent-encoding (encodeURIComponent throws on it): its refusal must still be a SigningError.
  it("the signer's own secret as .NET's JSON writes it (\\u002B, \\u002F)", async () => {
    const failure = new Error(`body {"key":"${SECRET.replaceAll("+", "\\u002B").replaceAll("/", "\\u002F")}"}`)
    for (const error of [await facadeRejection(SECRET, TOKEN, failure), await retryFailure(SECRET, TOKEN, failure)]) {
      expectShowsNone(error, SECRET_PARTS)
      expect((error as RequestError).message).toContain(`body {"key":"<redacted>"}`)
    }
  })

  // A failure's first line is cut at 300 characters; here the cut falls inside the encoded secret.
  it("the beginning of an encoded secret that a cut left before the ellipsis", async () => {
    const failure = new Error("x".repeat(280) + encodeURIComponent(SECRET))
    for (const error of [await facadeRejection(SECRET, TOKEN, failure), await retryFailure(SECRET, TOKEN, failure)]) {
      expectShowsNone(error, ["wJalrXUtnFEMI"])
      expect((error as RequestError).message).toContain("x<redacted>…")
    }
  })

  // A backslash is written as it is or JSON-escaped: the secret is found whole in either spelling.
  it.each([
    ["as it is", (secret: string) => secret],
    ["JSON-escaped", (secret: string) => JSON.stringify(secret).slice(1, -1)]
  ])("a secret key holding backslashes, quoted %s", async (_, spelled) => {
    const secret = "wJalrXUtnFEMI\\\\K7MDENG\\bPxRfiCY"
    const failure = new Error(`body {"key":"${spelled(secret)}"}`)
    for (const error of [await facadeRejection(secret, TOKEN, failure), await retryFailure(secret, TOKEN, failure)]) {
      expect((error as RequestError).message).toContain(`body {"key":"<redacted>"}`)
    }
  })

  it("a secret key with a lone surrogate is refused with a SigningError that does not show it", () => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKID", secretKey: `${SECRET}\ud800` }))
    expect(error).toBeInstanceOf(SigningError)
    expectShowsNone(error, [SECRET])
  })

  it("the signer's own secret, in a RequestError from the facade's loop and from Retry", async () => {
    for (const error of [await facadeRejection(SECRET, TOKEN, encodedFailure()), await retryFailure(SECRET, TOKEN, encodedFailure())]) {
      expectShowsNone(error, SECRET_PARTS)
      expect((error as RequestError).message).toContain("key=<redacted>")
    }
  })

  /** What signing fails with, in the facade and in the Effect API, behind a provider that fails the first time it is asked. */
  const firstFailures = async (failing: () => Promise<never>): Promise<ReadonlyArray<unknown>> => [
    await new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: failing })
      .signRequestAsync({ method: "GET", path: "/pets" })
      .then(() => undefined, (error: unknown) => error),
    failureOf(
      await Effect.runPromiseExit(
        Signer.signRequest({ method: "GET", path: "/pets" }).pipe(
          Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT, region: "us-east-1" }), Credentials.layerFromProvider(failing)))
        )
      )
    )
  ]

  it("a secret the library never held, in a credentials provider's first failure, facade and Effect", async () => {
    for (const error of await firstFailures(() => Promise.reject(encodedFailure()))) {
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect((error as SigningError).message).toMatch(/^The credentials provider failed: Error: GET /)
      expectShowsNone(error, SECRET_PARTS)
    }
  })

  it.each([
    ["wrapped as an Error's cause", () => new Error("credential vendor failed", { cause: encodedFailure() })],
    ["in an AggregateError", () => new AggregateError([encodedFailure()], "every source failed")],
    ["in a plain object's message", () => ({ code: "ParseError", message: encodedFailure().message })],
    ["in an exec error's stdout (a helper that printed its output, then failed)", () =>
      Object.assign(new Error("Command failed: vault-helper"), { code: 3, stdout: encodedFailure().message, stderr: "" })],
    ["in an HTTP client's request headers (an axios-style error)", () =>
      Object.assign(new Error("Request failed with status code 503"), { config: { headers: { "X-Vault-Token": SECRET } } })],
    ["in a response's data", () =>
      Object.assign(new Error("Request failed with status code 503"), { response: { status: 503, data: { lease: { secret_key: SECRET } } } })]
  ])("a secret the library never held, %s, in a provider's first failure: not kept as cause, facade and Effect", async (_, failure) => {
    for (const error of await firstFailures(() => Promise.reject(failure()))) {
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect((error as SigningError).cause).toBeUndefined()
      expectShowsNone(error, SECRET_PARTS)
    }
  })

  it("a provider's first failure whose causes hold no credential keeps it as cause", async () => {
    const failure = new Error("credential vendor failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:8080") })
    const error = await new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: () => Promise.reject(failure) })
      .signRequestAsync({ method: "GET", path: "/pets" })
      .then(() => undefined, (rejection: unknown) => rejection)
    expect((error as SigningError).cause).toBe(failure)
  })
})

/** A session token as long as real ones, so every message that shortens text cuts it partway. */
const LONG_TOKEN = "FwoGZXIvYXdzEBYaDLONGTOKEN" + "Qk9YQ0FS".repeat(90)
/** What must not be shown of it: its beginning, which a cut keeps. */
const LONG_TOKEN_START = LONG_TOKEN.slice(0, 12)

describe("a secret cut short where a message shortens text shows no part of it", () => {
  it("a failure quoting the token, summarized by the facade's loop (messages keep 300 characters)", async () => {
    const error = await facadeRejection(SECRET, LONG_TOKEN, new Error(`upstream rejected token ${LONG_TOKEN}`))
    expectShowsNone(error, [LONG_TOKEN_START])
    expect((error as RequestError).message).toContain("upstream rejected token <redacted>…")
  })

  it("a failure quoting the token, summarized by Retry", async () => {
    const error = await retryFailure(SECRET, LONG_TOKEN, new Error(`upstream rejected token ${LONG_TOKEN}`))
    expectShowsNone(error, [LONG_TOKEN_START])
    expect((error as RequestError).message).toContain("upstream rejected token <redacted>…")
  })

  it("the token as the endpoint (a URL is shown up to 120 characters)", () => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint: LONG_TOKEN, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: LONG_TOKEN }))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidEndpoint" })
    expectShowsNone(error, [LONG_TOKEN_START])
  })

  it("the token as Signer.make's endpoint, where the signer cannot know it for a secret", async () => {
    const error = failureOf(await Effect.runPromiseExit(Signer.make({ endpoint: LONG_TOKEN })))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidEndpoint" })
    expectShowsNone(error, [LONG_TOKEN_START])
  })

  it("a secret key as Signer.make's endpoint, likewise", async () => {
    const error = failureOf(await Effect.runPromiseExit(Signer.make({ endpoint: SECRET })))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidEndpoint" })
    expectShowsNone(error, [SECRET.slice(0, 12)])
  })

  it("the token as presignRequest's expiresIn, in the Effect API", async () => {
    const exit = await Effect.runPromiseExit(
      Signer.presignRequest({ method: "GET", path: "/x" }, { expiresIn: LONG_TOKEN as unknown as number }).pipe(
        Effect.provide(effectLive(SECRET, LONG_TOKEN))
      )
    )
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [LONG_TOKEN_START])
  })

  it("the token as a number option (a bad value is shown up to 60 characters)", () => {
    const config = { endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: LONG_TOKEN, retries: LONG_TOKEN }
    const error = thrownBy(() => new ApiGatewaySigner(config as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]))
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [LONG_TOKEN_START])
  })

  it("the token in a path Signer.signRequest cannot sign (a lone surrogate)", async () => {
    const exit = await Effect.runPromiseExit(
      Signer.signRequest({ method: "GET", path: `/x\uD800/${LONG_TOKEN}` }).pipe(Effect.provide(effectLive(SECRET, LONG_TOKEN)))
    )
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "SigningError" })
    expectShowsNone(error, [LONG_TOKEN_START])
  })
})

/** Short secrets, of characters that nothing else in these errors (their JSON, their stack) contains. */
const SHORT = [["Q", "J"], ["QZ", "JX"], ["QZV", "JXW"]] as const

describe("a secret of any length is scrubbed, however short", () => {
  it.each(SHORT)("secret key %j and session token %j, from the facade's loop", async (secretKey, sessionToken) => {
    const error = await facadeRejection(secretKey, sessionToken, leakyFailure([secretKey, sessionToken]))
    expect(error).toBeInstanceOf(RequestError)
    expectShowsNone(error, [secretKey, sessionToken])
  })

  it.each(SHORT)("secret key %j and session token %j, from Retry", async (secretAccessKey, sessionToken) => {
    const error = await retryFailure(secretAccessKey, sessionToken, leakyFailure([secretAccessKey, sessionToken]))
    expect(error).toBeInstanceOf(RequestError)
    expectShowsNone(error, [secretAccessKey, sessionToken])
  })

  it.each(SHORT)("secret key %j and session token %j, from the CLI's output of a body that echoes them", async (secretKey, sessionToken) => {
    const server: Server = createServer((req, res) => {
      req.resume()
      res.writeHead(500, { "content-type": "text/plain" })
      res.end(`internal error; key ${secretKey}; token ${sessionToken}`)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const { port } = server.address() as AddressInfo
      const run = await runCli([`http://127.0.0.1:${port}/prod/pets`], {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: secretKey,
        AWS_SESSION_TOKEN: sessionToken
      })
      expect(run.stdout).toContain("internal error; key <redacted>; token <redacted>")
      expect(run.stdout + run.stderr).not.toContain(secretKey)
      expect(run.stdout + run.stderr).not.toContain(sessionToken)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe("the secret a signer signs with is scrubbed while it signs with it", () => {
  it("after renewals answered with credentials already expired (kept out of use), a refusal quoting it does not show it", async () => {
    const secret = "local-secret"
    let now = Date.UTC(2026, 0, 2, 3, 4, 5)
    let calls = 0
    // First valid for 4 minutes (inside the renewal window: each signature renews), then only answers expired already.
    const provider = () => {
      calls++
      return Promise.resolve(calls === 1
        ? { accessKeyId: "AKIDLOCAL", secretAccessKey: secret, expiration: new Date(now + 4 * 60_000) }
        : { accessKeyId: `AKIDSTALE${calls}`, secretAccessKey: `stale-${calls}`, expiration: new Date(now - 60_000) })
    }
    const clock = vi.spyOn(Date, "now").mockImplementation(() => now)
    onTestFinished(() => clock.mockRestore())
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: provider })
    await signer.signRequestAsync({ method: "GET", path: "/" })
    for (let renewal = 0; renewal < 3; renewal++) {
      now += 11_000
      await signer.signRequestAsync({ method: "GET", path: "/" })
    }
    expect(calls).toBeGreaterThanOrEqual(3)
    expect(signer.signRequest({ method: "GET", path: "/" }).headers.Authorization).toContain("Credential=AKIDLOCAL/")
    expectShowsNone(thrownBy(() => signer.signRequest({ method: "GET", path: `/../${secret}` })), [secret])
    expectShowsNone(thrownBy(() => signer.signRequest({ method: secret, path: "/" })), [secret])
  })
})

describe("credentials whose getter throws keep nothing of what it threw (it may quote the secret)", () => {
  const identity = {
    accessKeyId: "AKIDGETTER",
    get secretAccessKey(): string {
      throw new Error(`the vault answered ${SECRET} with token ${TOKEN}`)
    }
  }

  it("the facade's constructor", () => {
    const error = thrownBy(() => new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: identity }))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expectShowsNone(error, [SECRET, TOKEN])
  })

  it("the facade's constructor, with secretKey a getter", () => {
    const config = {
      endpoint: ENDPOINT,
      accessKey: "AKIDGETTER",
      get secretKey(): string {
        throw new Error(`the vault answered ${SECRET} with token ${TOKEN}`)
      }
    }
    const error = thrownBy(() => new ApiGatewaySigner(config))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expectShowsNone(error, [SECRET, TOKEN])
  })

  it("Credentials.make", () => {
    const error = failureOf(Effect.runSyncExit(Credentials.make(identity as never)))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expectShowsNone(error, [SECRET, TOKEN])
  })
})

describe("secrets of other services, told by their shape", () => {
  /** What the facade's first signature rejects with, behind a provider that fails. */
  const facadeProviderFailure = (failing: () => Promise<never>): Promise<unknown> =>
    new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", credentials: failing })
      .signRequestAsync({ method: "GET", path: "/pets" })
      .then(() => undefined, (rejection: unknown) => rejection)

  it("a password in a URL a provider's failure quotes is <redacted>, however short", async () => {
    const failing = () => Promise.reject(new Error("connect ECONNREFUSED postgres://app:S3cr3tPw@db.internal:5432/creds and redis://:Xk9fQ@cache:6379"))
    const error = await facadeProviderFailure(failing)
    expect((error as SigningError).message).toContain("postgres://app:<redacted>@db.internal:5432/creds and redis://:<redacted>@cache:6379")
    expectShowsNone(error, ["S3cr3tPw", "Xk9fQ"])
  })

  it("a password holding an @ is <redacted> up to the last @, where URL parsing ends the user info", async () => {
    const failing = () => Promise.reject(new Error("connect ECONNREFUSED postgres://app:P@ssw0rd!@db.internal:5432/creds"))
    const error = await facadeProviderFailure(failing)
    expect((error as SigningError).message).toContain("postgres://app:<redacted>@db.internal:5432/creds")
    expectShowsNone(error, ["ssw0rd"])
  })

  it.each([
    ["a user name holding an @", "smtp://alerts@example.com:hunter2pass@smtp.example.com:587 refused the login", "hunter2pass"],
    ["a password holding an unencoded # (a URL that does not parse, quoted as given)", "Invalid URL: postgres://app:pa#ssw0rd@db.internal/creds", "pa#ssw0rd"]
  ])("a URL password after %s is <redacted>", async (_, said, password) => {
    const error = await facadeProviderFailure(() => Promise.reject(new Error(said)))
    expect((error as SigningError).message).toContain(":<redacted>@")
    expectShowsNone(error, [password])
  })

  it("a token held by an object that prints itself (got's options, private state shown by its own inspect) is no cause", async () => {
    const token = "hvs.CAESIJabcdefghijklmnopqrstuvwxyz012345"
    class Options {
      readonly #headers = { "x-vault-token": token }
      toJSON() {
        return { headers: this.#headers }
      }
      [Symbol.for("nodejs.util.inspect.custom")]() {
        return this.toJSON()
      }
    }
    const failure = Object.assign(new Error("Response code 503 (Service Unavailable)"), { options: new Options() })
    const error = await facadeProviderFailure(() => Promise.reject(failure))
    expect((error as SigningError).cause).toBeUndefined()
    expectShowsNone(error, [token])
  })

  it("a webhook's token in a URL refused for a line break at its end is not quoted either", async () => {
    const token = "aB3dE5fG7hJ9kL1mN3pQ5rS7"
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: SECRET })
    const error = await signer.fetch(`https://hooks.slack.com/services/T0A1B2C3D/B0E1F2G3H/${token}\n`).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ _tag: "SigningError", field: "path", message: expect.stringContaining("fetch would drop") })
    expectShowsNone(error, [token])
  })

  it("a URL outside the endpoint is quoted with its host and its ordinary path segments (v1, ids) as they are", async () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: SECRET })
    const error = await signer.fetch("https://abc123.execute-api.us-east-1.amazonaws.com/staging/v1/users/12345").then(() => undefined, (e: unknown) => e)
    expect((error as SigningError).message).toContain(`"https://abc123.execute-api.us-east-1.amazonaws.com/staging/v1/users/12345" is outside the signer's endpoint`)
  })

  it.each([
    ["an HTTP client's error code in capitals and underscores (got's ERR_NON_2XX_3XX_RESPONSE)", () =>
      Object.assign(new Error("Response code 503 (Service Unavailable)"), { code: "ERR_NON_2XX_3XX_RESPONSE" })],
    ["what inspect hides by default (the AWS SDK's $response, with its signed request)", () =>
      Object.defineProperty(new Error("Rate exceeded"), "$response", {
        value: { headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, Signature=" + "ab12".repeat(16) } },
        enumerable: false
      })]
  ])("a provider's failure holding %s is kept as cause", async (_, failure) => {
    const thrown = failure()
    const error = await facadeProviderFailure(() => Promise.reject(thrown))
    expect((error as SigningError).cause).toBe(thrown)
  })

  it("a webhook's token in the path of a URL outside the endpoint is not quoted", async () => {
    const token = "aB3dE5fG7hJ9kL1mN3pQ5rS7"
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: SECRET })
    const error = await signer.fetch(`https://hooks.slack.com/services/T0A1B2C3D/B0E1F2G3H/${token}`).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ _tag: "SigningError", field: "path", message: expect.stringContaining("is outside the signer's endpoint") })
    expectShowsNone(error, [token])
  })
})

// A refusal of a long path quotes 200 characters around the fault, which may begin inside a token, past the
// parameter name that has it redacted, and cut a secret's beginning off.
describe("a quote of a long path cut inside a session token", () => {
  const own = "IQoJb3JpZ2luX2VjEJr" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/".repeat(18) + "Zz=="
  const foreign = "FwoGZXIvYXdzE" + "q9RtY2kLm7Np3Xs5Vb8Zc1Df4Gh6Jk0Lw".repeat(20)
  const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: own })

  /** The longest piece of `secret` (16 characters or more), as it is or percent-encoded, that `message` holds. */
  const longestPiece = (message: string, secret: string): number => {
    let longest = 0
    for (let length = 16; length <= secret.length; length++) {
      let found = false
      for (let i = 0; i + length <= secret.length && !found; i++) {
        const piece = secret.slice(i, i + length)
        found = message.includes(piece) || message.includes(encodeURIComponent(piece))
      }
      if (!found) break
      longest = length
    }
    return longest
  }

  it.each([
    ["the signer's own token", own, `/upload?X-Amz-Security-Token=${encodeURIComponent(own)}&name=a\ud800`],
    ["another presigned URL's token", foreign, `/upload?X-Amz-Security-Token=${foreign}&name=a\ud800`]
  ])("shows none of %s, and still the fault", (_, token, path) => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path })) as SigningError
    expect(error.message).toContain("X-Amz-Security-Token=<redacted>&name=a\\ud800")
    expect(longestPiece(error.message, token)).toBe(0)
  })

  // The usual way to hand a URL to another API: its = and & then travel encoded, and its token encoded twice.
  it.each([
    ["the signer's own presigned URL", () => signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 300 }).url, own],
    ["another presigned URL", () => `https://other.example/x?X-Amz-Credential=AKIDOTHER&X-Amz-Security-Token=${encodeURIComponent(foreign)}&X-Amz-Signature=${"ab".repeat(32)}`, foreign]
  ])("shows none of the token of %s passed as a query value, or nested once more (an SSO redirect holding it)", (_, url, token) => {
    for (const path of [`/jobs?callback=${encodeURIComponent(url())}&n=\ud800`, `/sso?redirect=${encodeURIComponent(`https://app.example/cb?next=${encodeURIComponent(url())}`)}&n=\ud800`]) {
      const error = thrownBy(() => signer.signRequest({ method: "GET", path })) as SigningError
      expect(error.message).toContain("\\ud800")
      expect(longestPiece(error.message, token)).toBe(0)
    }
    const path = `/jobs?callback=${encodeURIComponent(url())}&n=\ud800`
    const error = thrownBy(() => signer.signRequest({ method: "GET", path })) as SigningError
    expect(error.message).toContain("\\ud800")
    expect(longestPiece(error.message, token)).toBe(0)
    expect(longestPiece(error.message, encodeURIComponent(encodeURIComponent(token)))).toBe(0)
  })

  it("shows none of the signer's token encoded four times under a name of its own (an SSO state)", () => {
    let nested = own
    for (let depth = 0; depth < 4; depth++) nested = encodeURIComponent(nested)
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: `/login?state=${nested}\ud800` })) as SigningError
    expect(error.message).toContain("\\ud800")
    let piece = own
    for (let depth = 0; depth < 4; depth++) piece = encodeURIComponent(piece)
    expect(longestPiece(error.message, own)).toBe(0)
    expect(error.message).not.toContain(piece.slice(-40))
  })

  it("redacts the end of the signer's secret after an ellipsis, as its beginning before one", async () => {
    const { scrubSecrets } = await import("../src/internal/scrub.js")
    expect(scrubSecrets(`quoted "…${own.slice(40)}&x=1" and "${own.slice(0, 40)}…"`, [own])).toBe(`quoted "…<redacted>&x=1" and "<redacted>…"`)
    expect(scrubSecrets(`"…${encodeURIComponent(own).slice(30)}"`, [own])).toBe(`"…<redacted>"`)
    // A run of the secret's characters that is not its end stays.
    expect(scrubSecrets(`"…AbCdEfGh and more"`, [own])).toBe(`"…AbCdEfGh and more"`)
  })

  it("redacts a secret that begins with another whole, in whichever order they are given (a token that starts with the secret key)", async () => {
    const { scrubSecrets } = await import("../src/internal/scrub.js")
    const key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    const token = `${key}TailOfTheToken0123456789`
    for (const secrets of [[key, token], [token, key]]) {
      expect(scrubSecrets(`x=${token}&y=${key}`, secrets)).toBe("x=<redacted>&y=<redacted>")
    }
  })
})

describe("a secret that a quote or a shown URL would cut into pieces shows none of them", () => {
  // Shaped like an STS session token: random-looking base64 (SHA-512 digests, unpadded), with "/" and "+" where they
  // fall. (A regular pattern such as "AbCdEf..." would read as a CamelCase name between its slashes, which masking leaves.)
  const own = "IQoJb3JpZ2luX2VjEJr" +
    Array.from({ length: 8 }, (_, i) => createHash("sha512").update(`token ${i}`).digest("base64").slice(0, 86)).join("") + "=="
  const foreign = "FwoGZXIvYXdzE" + "q9RtY2kLm7Np3Xs5Vb8Zc1Df4Gh6Jk0Lw".repeat(20)
  // AWS's example key with two slashes: cut at them, every piece is shorter than a run a mask takes by itself.
  const slashedKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: slashedKey, sessionToken: own })

  /** `text` as a reader would decode it: JSON escapes (however many backslashes) and percent-encoding at any depth. */
  const decoded = (text: string): string => {
    let result = text.replace(/\\+u00([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\+\//g, "/")
    for (let previous = ""; previous !== result;) {
      previous = result
      result = result.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    }
    return result
  }
  /** Whether any 16 characters of `secret` in a row can be read in `text`. */
  const showsAPiece = (text: string, secret: string): boolean => {
    const read = decoded(text)
    for (let i = 0; i + 16 <= secret.length; i++) if (read.includes(secret.slice(i, i + 16))) return true
    return false
  }

  it("a URL outside the endpoint with the signer's secret key in its path shows no piece of it between its slashes", async () => {
    const error = await signer.fetch(`https://other.example/cb/${slashedKey}`).then(() => undefined, (failure: unknown) => failure)
    expect(error).toBeInstanceOf(SigningError)
    const message = (error as SigningError).message
    expect(message).toContain(`"https://other.example/cb/<`)
    for (const piece of slashedKey.split("/")) expect(message).not.toContain(piece)
  })

  it("a URL outside the endpoint with an id among versions and names is shown as it is (review-z100/1)", async () => {
    const error = await signer.fetch("https://other.example/prod/v1/users/ab12cd34e/avatar.png").then(() => undefined, (failure: unknown) => failure)
    expect((error as SigningError).message).toContain(`"https://other.example/prod/v1/users/ab12cd34e/avatar.png"`)
  })

  it("a URL outside the endpoint keeps its ordinary segments beside the masked ones", async () => {
    const error = await signer.fetch(`https://other.example/v1/users/${slashedKey}`).then(() => undefined, (failure: unknown) => failure)
    expect((error as SigningError).message).toContain(`"https://other.example/v1/users/<13 characters, not shown`)
  })

  it.each([
    ["with \\/ (PHP's json_encode)", slashedKey.replaceAll("/", "\\/")],
    ["with \\u002F (.NET's System.Text.Json)", slashedKey.replaceAll("/", "\\u002F")]
  ])("a JSON-escaped secret key in a quoted path (%s) is not shown, though quoting doubles its backslashes", (_, escaped) => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: `/../cb?state={"k":"${escaped}"}` })) as SigningError
    expect(error.message).toContain("climbs above")
    expect(showsAPiece(error.message, slashedKey)).toBe(false)
  })

  it.each([
    ["encoded segment by segment, as S3 keys are", (token: string) => token.split("/").map(encodeURIComponent).join("/")],
    ["with only + escaped", (token: string) => token.replaceAll("+", "%2B")],
    ["JSON-escaped as .NET writes it", (token: string) => token.replaceAll("+", "\\u002B").replaceAll("/", "\\u002F")],
    ["percent-encoded nine times", (token: string) => Array.from({ length: 9 }).reduce<string>((text) => encodeURIComponent(text), token)]
  ])("a session token %s, cut by a quote's 200 characters, shows no piece of it", (_, spell) => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: `/../${"a".repeat(90)}/${spell(own)}` })) as SigningError
    expect(error.message).toContain("climbs above")
    expect(showsAPiece(error.message, own)).toBe(false)
  })

  it.each([
    ["the session token", own],
    ["the secret key", slashedKey]
  ])("a fault inside %s, wherever it falls, shows no piece of it around the fault", (_, secret) => {
    for (let at = 1; at < secret.length; at++) {
      const error = thrownBy(() => signer.signRequest({ method: "GET", path: `/x/${secret.slice(0, at)}\ud800${secret.slice(at)}` })) as SigningError
      expect(error.message).toContain("\\ud800")
      expect(showsAPiece(error.message, secret)).toBe(false)
    }
  })

  it("a fault inside the name X-Amz-Security-Token shows none of the presigned token after it", () => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: `/upload?X-Amz-\ud800Security-Token=${foreign}&n=1` })) as SigningError
    expect(error.message).toContain("\\ud800")
    expect(showsAPiece(error.message, foreign)).toBe(false)
  })

  // Masking reads nested escapes too: a key encoded twice is one run, not pieces between its %252F (review-z96/3).
  it.each([
    ["the path", (key: string) => () => signer.signRequest({ method: "GET", path: `/../cb/${key}` })],
    ["a query key", (key: string) => () => signer.signRequest({ method: "GET", path: "/x", queryParams: { [key]: { a: 1 } as never } })],
    ["a body key", (key: string) => () => signer.signRequest({ method: "POST", path: "/x", body: { [key]: () => 1 } })]
  ])("the secret key percent-encoded twice in %s is not shown in pieces", (_, call) => {
    const error = thrownBy(call(encodeURIComponent(encodeURIComponent(slashedKey)))) as SigningError
    expect(error).toBeInstanceOf(SigningError)
    expect(showsAPiece(error.message, slashedKey)).toBe(false)
    for (const piece of slashedKey.split("/")) expect(decoded(error.message)).not.toContain(piece)
  })

  // What the caller must fix stays named: snake_case names, a path with an id in it (review-z96/4).
  it.each([
    ["a query key in snake_case", () => signer.signRequest({ method: "GET", path: "/x", queryParams: { shipping_address_line_2: { a: 1 } as never } }), "\"shipping_address_line_2\""],
    ["a body key in snake_case", () => signer.signRequest({ method: "POST", path: "/x", body: { shipping_address_line_2: () => 1 } }), "\"shipping_address_line_2\""],
    ["a header name in Snake_Case", () => signer.signRequest({ method: "GET", path: "/x", headers: { X_Custom_Trace_Id: "caf\u0100" } }), "\"X_Custom_Trace_Id\""],
    ["a path with an id in it", () => signer.signRequest({ method: "GET", path: "/v1/users/a1b2c3d4/files/report\ud800.pdf" }), "\"/v1/users/a1b2c3d4/files/report\\ud800.pdf\""],
    // Short segments around an id count only with it, not across the names between them (review-z100/1).
    ["a path with an id among short segments", () => signer.signRequest({ method: "GET", path: "/api/v1/eu/orders/ab12cd34\ud800" }), "\"/api/v1/eu/orders/ab12cd34\\ud800\""],
    ["a path with a date and an id", () => signer.signRequest({ method: "GET", path: "/reports/2024/01/15/ab12cd34.pdf\ud800" }), "\"/reports/2024/01/15/ab12cd34.pdf\\ud800\""]
  ])("%s is quoted as given", (_, call, quoted) => {
    expect((thrownBy(call) as SigningError).message).toContain(quoted)
  })

  // One pattern over a whole snake_case name, two of whose alternatives match "A", backtracked exponentially on a
  // long name failing at its end (review-z99/1): each piece is tested alone. This returns at once, or hangs.
  it("a long name of one-capital pieces that is no snake_case name is judged at once", () => {
    const key = "A_".repeat(40) + "aB"
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: "/x", queryParams: { [key]: { a: 1 } as never } })) as SigningError
    expect(error).toBeInstanceOf(SigningError)
  })

  it("a quote still shows an ordinary query as written (X-Amz-Date, limit)", () => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: "/pets?X-Amz-Date=20240101T000000Z&limit=10&n=\ud800" })) as SigningError
    expect(error.message).toContain(`"/pets?X-Amz-Date=20240101T000000Z&limit=10&n=\\ud800"`)
  })
})
