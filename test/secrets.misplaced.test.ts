/**
 * A secret this library never held can still reach one of its messages: a
 * credential pasted where an option goes, or text the caller's own code threw
 * (a getter, `send`, a predicate). Known secrets are redacted by value; these
 * cannot be, so a value that looks like a credential is described by its
 * length, and in thrown text each run that may be one is shown by its length.
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, Retry, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import { failureOf, thrownBy } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
// Not the signer's: a key from some other account, pasted or thrown by mistake.
const OTHER_SECRET = "SKm4rkAb12CdEf34/GhIj56KlMn78OpQr90StUvWx"
const OTHER_TOKEN = "IQoJb3JpZ2luX2VjE" + "A1b2C3d4E5f6G7h8I9j0K/L+".repeat(12)
const Live = Layer.mergeAll(
  Signer.layer({ endpoint: ENDPOINT }),
  Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })
)

const views = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  inspect(error, { depth: Infinity }),
  (error as Error).message
]
const expectShowsNeither = (error: unknown) => {
  for (const view of views(error)) {
    // No 16 characters of either in a row.
    for (const secret of [OTHER_SECRET, OTHER_TOKEN]) {
      for (let at = 0; at + 16 <= secret.length; at += 4) expect(view).not.toContain(secret.slice(at, at + 16))
    }
  }
}

describe("a credential passed where an option goes is described, not shown", () => {
  const received = { method: "GET", target: "/prod/pets", headers: { host: "abc123.execute-api.us-east-1.amazonaws.com" } }
  const credentials = [{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }]

  it.each([
    ["maxClockSkewMillis", { maxClockSkewMillis: OTHER_SECRET }],
    ["now", { now: OTHER_TOKEN }],
    ["service", { service: OTHER_SECRET }],
    ["region", { region: OTHER_TOKEN }]
  ])("SigV4.verify's %s: InvalidConfig, the value described by its length", (_, options) => {
    const error = thrownBy(() => SigV4.verify(received, { credentials, region: "us-east-1", now: 0, ...options } as SigV4.VerifyOptions))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expectShowsNeither(error)
  })

  it.each([["a method", { method: OTHER_SECRET }], ["a header name", { headers: [["host", "h"], [OTHER_SECRET, "1"]] }]])(
    "SigV4.signHeaders given %s that looks like a credential: refused, described by its length",
    (_, part) => {
      const error = thrownBy(() =>
        SigV4.signHeaders({ method: "GET", target: "/prod/pets", headers: [["host", "h"]], ...part } as SigV4.WireRequest, {
          credentials: credentials[0]!,
          region: "us-east-1",
          signingTime: 0
        })
      )
      expect(error).toMatchObject({ _tag: "SigningError", message: expect.stringContaining("not shown: it looks like a credential") })
      expectShowsNeither(error)
    }
  )
})

describe("a secret key whose slashes cut it into short runs, passed where an option goes, is described, not shown", () => {
  // About 1% of secret keys: no run between its slashes reaches 16 characters.
  const SLASH_SPLIT = "wJalrXUtnFEMI/K7MDENGbPxRf/iCYEXAMPLEKEY"
  const showsAPiece = (error: unknown) => views(error).some((view) => SLASH_SPLIT.split("/").some((piece) => view.includes(piece)))

  it.each([["region", { region: SLASH_SPLIT }], ["service", { service: SLASH_SPLIT }]])("Signer.layer's %s", async (_, options) => {
    const exit = await Effect.runPromiseExit(
      Signer.signRequest({ method: "GET", path: "/pets" }).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT, ...options }), Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" })))
      )
    )
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expect(showsAPiece(error)).toBe(false)
  })
})

describe("text the caller's code threw shows no run that may be a credential", () => {
  /** How a retried call fails when its `send` throws `thrown`. */
  const failureWhenSendThrows = async (thrown: unknown) =>
    failureOf(
      await Effect.runPromiseExit(
        Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, (): Effect.Effect<never> => {
          throw thrown
        }).pipe(Effect.provide(Live))
      )
    )

  it.each([
    ["a string", OTHER_SECRET],
    ["an Error", new Error(`upstream refused key ${OTHER_TOKEN}`)]
  ])("Retry: send throws %s quoting a credential: a SigningError showing its length", async (_, thrown) => {
    const error = await failureWhenSendThrows(thrown)
    expect(error).toBeInstanceOf(SigningError)
    expect(error.message).toMatch(/send threw \(.*<\d+ characters, not shown: they may be a credential>/)
    expectShowsNeither(error)
  })

  it("Signer.signRequest: a path getter throws quoting a credential: the message shows its length", async () => {
    const request = {
      method: "GET",
      get path(): string {
        throw new Error(`lookup failed with key ${OTHER_SECRET}`)
      }
    }
    const error = failureOf(await Effect.runPromiseExit(Signer.signRequest(request).pipe(Effect.provide(Live))))
    expect(error.message).toBe("The request could not be signed: lookup failed with key <41 characters, not shown: they may be a credential>")
  })

  it("Retry: send fails with a credential as its failure: the RequestError's message shows its length (the failure stays its cause)", async () => {
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, () => Effect.fail(OTHER_TOKEN), { times: 0 }).pipe(Effect.provide(Live))
    )
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "RequestError", message: expect.stringMatching(/not shown: they may be a credential/) })
    expectShowsNeither(new Error(error.message))
    expect(error.cause).toBe(OTHER_TOKEN)
  })

  it("Retry: a failure's message cut at 300 characters inside a credential shows none of it (cut, it would be too short to mask)", async () => {
    const key = "SKm4rkAb12CdEf34GhIj56KlMn78OpQr90StUvWx"
    const failure = new Error(`${"a ".repeat(143)}key ${key} refused`)
    const exit = await Effect.runPromiseExit(
      Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, () => Effect.fail(failure), { times: 0 }).pipe(Effect.provide(Live))
    )
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "RequestError" })
    expect(error.message).toContain("a a a key …")
    expect(error.message).not.toContain(key.slice(0, 4))
  })

  it("Signer.signRequest: a body whose getter throws a credential keeps no cause that shows it", async () => {
    const body = {
      get order(): string {
        throw new Error(`cannot read order: ${OTHER_SECRET}`)
      }
    }
    const error = failureOf(await Effect.runPromiseExit(Signer.signRequest({ method: "POST", path: "/orders", body }).pipe(Effect.provide(Live))))
    expect(error).toMatchObject({ _tag: "SigningError", field: "body" })
    expectShowsNeither(error)
  })

  it("SigV4.verify: a credentials lookup that throws a credential keeps no cause that shows it", () => {
    const received = { method: "GET", target: "/prod/pets", headers: { host: "h", authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64), "x-amz-date": "20240101T000000Z" } }
    const error = thrownBy(() =>
      SigV4.verify(received, {
        credentials: () => {
          throw new Error(`vault said ${OTHER_TOKEN}`)
        },
        region: "us-east-1",
        now: Date.UTC(2024, 0, 1)
      })
    )
    expect(error).toMatchObject({ _tag: "SigningError", message: expect.stringContaining("The credentials lookup threw") })
    expectShowsNeither(error)
  })

  it("percent-encoded words in a URL's path and query are kept: only base64's own escapes join a run", async () => {
    const said = "GET /prod/stores/San%20Francisco?q=iPhone%2015%20Pro%20Max&id=ORD%2D2024%2D000123 failed"
    expect((await failureWhenSendThrows(new Error(said))).message).toContain(said)
  })

  it.each([
    ["percent-encoded", encodeURIComponent(OTHER_SECRET)],
    ["JSON-escaped", OTHER_SECRET.replaceAll("/", "\\/")],
    ["escaped as .NET writes JSON", OTHER_SECRET.replaceAll("+", "\\u002B").replaceAll("/", "\\u002F")]
  ])("a credential thrown %s is masked whole", async (_, written) => {
    const error = await failureWhenSendThrows(new Error(`upstream said {"key":"${written}"}`))
    expect(error.message).toMatch(/upstream said \{"key":"<\d+ characters, not shown: they may be a credential>"\}/)
    for (const part of OTHER_SECRET.split(/[/+]/)) expect(error.message).not.toContain(part)
  })

  it("words, CamelCase names, paths and an X-Amz-Date in thrown text are kept", async () => {
    const said = "UnrecognizedClientException at /src/internal/credentialSources while reading accessKeyId, x-amz-date 20261127T032550Z"
    expect((await failureWhenSendThrows(new Error(said))).message).toContain(said)
  })
})
