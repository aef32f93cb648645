/**
 * Differential tests: random requests signed by this library and by
 * @smithy/signature-v4 (the AWS SDK's signer) must give byte-identical
 * Authorization headers. Thousands of runs each.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import ApiGatewaySigner, { SigV4 } from "api-gateway-request-signer"
import { anyChar, body, carriesNoBody, headerValue, method, pathWithinStage, text, wireRequest } from "./support/arbitraries.js"
import { runs } from "./support/fastCheck.js"
import { bodyBytes, dateOf, smithyAuthorization, wireViewOf } from "./support/oracles.js"

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEBYaDN+session/token=="
}
const redacted = {
  accessKeyId: credentials.accessKeyId,
  secretAccessKey: Redacted.make(credentials.secretAccessKey),
  sessionToken: Redacted.make(credentials.sessionToken)
}
const HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
const signingTime = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => Math.floor(ms / 1000) * 1000)

describe("core signHeaders vs @smithy/signature-v4", () => {
  it.live.prop("random wire requests give identical Authorization headers", { request: wireRequest, time: signingTime }, ({ request, time }) =>
    Effect.promise(async () => {
      const ours = SigV4.signHeaders(
        {
          method: request.method,
          target: request.wirePath + (request.wireQuery === "" ? "" : "?" + request.wireQuery),
          headers: [["Host", HOST], ...request.headers.map(([, sent, value]) => [sent, value] as const)],
          body: request.body
        },
        { credentials: redacted, region: "eu-west-1", signingTime: time }
      )
      const query: Record<string, string | Array<string>> = {}
      for (const [key, value] of request.query) {
        const existing = query[key]
        query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
      }
      const theirs = await smithyAuthorization(
        {
          method: request.method,
          hostname: HOST,
          path: request.wirePath,
          query,
          headers: { host: HOST, ...Object.fromEntries(request.headers.map(([, sent, value]) => [sent, value])) },
          body: request.body
        },
        credentials,
        { region: "eu-west-1", service: "execute-api", signingDate: new Date(time) }
      )
      expect(ours.authorization).toBe(theirs)
    }), runs(2000))
})

const queryValue = fc.oneof(text(8), fc.integer(), fc.boolean(), fc.constant(undefined), fc.constant(null))
const queryParams = fc.option(
  fc.dictionary(text(6), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 })), { maxKeys: 4 }),
  { nil: undefined }
)
const jsonBody = fc.oneof(
  fc.dictionary(text(5), fc.oneof(text(8), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 }),
  fc.array(text(5), { maxLength: 4 })
)
const userBody = fc.oneof(
  body,
  jsonBody,
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }).map((entries) => new URLSearchParams(entries))
)
const userHeaders = fc.uniqueArray(
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/), headerValue),
  { maxLength: 4, selector: ([name]) => name.toLowerCase() }
).map((entries) =>
  Object.fromEntries(entries.filter(([name]) =>
    !["authorization", "host", "date", "content-length", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"].includes(name.toLowerCase())
  ))
)
// A user's request, as the facade takes it: paths as users write them (dot
// segments that stay within the stage included; paths that climb above it are
// refused, see paths.test.ts), and a body only where the method carries one.
const userRequest = fc.record({
  method,
  path: pathWithinStage,
  pathQuery: fc.option(fc.array(fc.tuple(text(5), text(5)), { maxLength: 3 }).map((pairs) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")
  ), { nil: undefined }),
  queryParams,
  headers: userHeaders,
  body: userBody,
  // fetch refuses a body on GET and HEAD, even an empty one, which the facade drops.
  noBody: fc.constantFrom(undefined, "", new Uint8Array())
}).map(({ noBody, ...request }) => ({ ...request, body: carriesNoBody(request.method) ? noBody : request.body }))

describe("many query parameters, as the canonical sort takes another path past 16", () => {
  it("40 parameters given in reverse order, keys that are prefixes of each other among them, sign as the AWS SDK does", async () => {
    const keys = ["a", "a-", "a%20", "a.b", "A", "_", "~", "a0", "aa", "b", ...Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, "0")}`)]
    const pairs = keys.flatMap((key, i): Array<readonly [string, string]> => (i % 7 === 0 ? [[key, "2"], [key, "1"]] : [[key, `v${i}`]])).reverse()
    const time = Date.UTC(2024, 0, 15, 12, 34, 56)
    const target = "/prod/pets?" + pairs.map(([key, value]) => `${key}=${value}`).join("&")
    const ours = SigV4.signHeaders({ method: "GET", target, headers: [["Host", HOST]] }, { credentials: redacted, region: "eu-west-1", signingTime: time })
    const query: Record<string, string | Array<string>> = {}
    for (const [key, value] of pairs) {
      const name = decodeURIComponent(key)
      const existing = query[name]
      query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
    }
    const theirs = await smithyAuthorization(
      { method: "GET", hostname: HOST, path: "/prod/pets", query, headers: { host: HOST } },
      credentials,
      { region: "eu-west-1", service: "execute-api", signingDate: new Date(time) }
    )
    expect(ours.authorization).toBe(theirs)
  })
})

describe("facade signRequest vs @smithy/signature-v4, on what goes on the wire", () => {
  const signer = new ApiGatewaySigner({
    endpoint: `https://${HOST}/prod`,
    accessKey: credentials.accessKeyId,
    secretKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken
  })

  it.live.prop("the signed URL, headers and body verify with the AWS SDK's signer", { input: userRequest }, ({ input }) =>
    Effect.promise(async () => {
      const signed = signer.signRequest({
        method: input.method,
        path: input.pathQuery === undefined ? input.path : `${input.path}?${input.pathQuery}`,
        queryParams: input.queryParams,
        headers: input.headers,
        body: input.body
      })
      // A client re-parses the URL; it must come out unchanged.
      expect(new URL(signed.url).href).toBe(signed.url)
      const wire = wireViewOf(signed)
      const theirs = await smithyAuthorization(wire, credentials, {
        region: "eu-west-1",
        service: "execute-api",
        signingDate: dateOf(signed.headers["x-amz-date"]!)
      })
      expect(signed.headers.Authorization).toBe(theirs)
    }), runs(2000))

  it.prop("every signed request verifies on the server side", { input: userRequest }, ({ input }) => {
    const signed = signer.signRequest({ method: input.method, path: input.path, queryParams: input.queryParams, headers: input.headers, body: input.body })
    const url = new URL(signed.url)
    const result = SigV4.verify(
      {
        method: signed.method,
        target: url.pathname + url.search,
        headers: [["host", url.host], ...Object.entries(signed.headers)],
        body: bodyBytes(signed.body)
      },
      { credentials: [redacted], region: "eu-west-1", now: dateOf(signed.headers["x-amz-date"]!) }
    )
    expect(result).toMatchObject({ valid: true, accessKeyId: credentials.accessKeyId })
  }, runs(2000))

  it.prop("unicode and reserved characters in query values survive: the URL decodes to the values given", {
    key: fc.array(anyChar, { minLength: 1, maxLength: 8 }).map((chars) => chars.join("")),
    values: fc.array(text(8), { minLength: 1, maxLength: 3 })
  }, ({ key, values }) => {
    const signed = signer.signRequest({ method: "GET", path: "/", queryParams: { [key]: values } })
    expect(new URL(signed.url).searchParams.getAll(key)).toEqual([...values].sort((a, b) => {
      const ea = encodeURIComponent(a).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
      const eb = encodeURIComponent(b).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
      return ea < eb ? -1 : ea > eb ? 1 : 0
    }))
  }, runs(2000))
})
