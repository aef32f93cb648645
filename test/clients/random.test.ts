/**
 * Random requests through the client integrations (axios with its http and
 * fetch adapters, got): random path segments (unicode, reserved and awkward
 * characters), random queries with repeated keys and empty values, random
 * methods and bodies (bytes, text, JSON). Each must be accepted by the local
 * gateway and arrive as given.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import got from "got"
import { withSigner as axiosWithSigner } from "api-gateway-request-signer/axios"
import { withSigner as gotWithSigner } from "api-gateway-request-signer/got"
import { text } from "../support/arbitraries.js"
import { runs } from "../support/fastCheck.js"
import { type Echo, sha256, type Stage, startStage } from "./support.js"

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

type Body = { readonly bytes: Uint8Array<ArrayBuffer> } | { readonly text: string } | { readonly json: Record<string, string | number | boolean> }

interface Sample {
  readonly method: "GET" | "DELETE" | "POST" | "PUT" | "PATCH"
  readonly segments: ReadonlyArray<string>
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly body: Body | undefined
}

const sample: fc.Arbitrary<Sample> = fc.record({
  method: fc.constantFrom<Sample["method"]>("GET", "DELETE", "POST", "PUT", "PATCH"),
  // No "/" inside a segment, no dot segment: the path that arrives is compared segment by segment.
  segments: fc.array(text(8).filter((s) => s !== "." && s !== "..").map((s) => s.replaceAll("/", "_")), { minLength: 1, maxLength: 3 }),
  query: fc.array(fc.tuple(fc.constantFrom("tag", "q", "ü", "k&=?#"), text(6)), { maxLength: 5 }),
  body: fc.option(
    fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes: new Uint8Array(bytes) })),
      text(40).map((text) => ({ text })),
      fc.dictionary(text(6), fc.oneof(text(10), fc.integer(), fc.boolean()), { maxKeys: 4 }).map((json) => ({ json }))
    ),
    { nil: undefined }
  )
}).map((drawn) => (drawn.method === "GET" ? { ...drawn, body: undefined } : drawn))

/** The path and query under the stage, each component encoded (a space as %20, not +). */
const target = ({ segments, query }: Sample) =>
  "/" + segments.map(encodeURIComponent).join("/") +
  (query.length === 0 ? "" : "?" + query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&"))

const contentType = (body: Body) => ("bytes" in body ? "application/octet-stream" : "text" in body ? "text/plain; charset=utf-8" : "application/json")
const arrives = (body: Body | undefined) =>
  body === undefined ? "" : "bytes" in body ? body.bytes : "text" in body ? body.text : JSON.stringify(body.json)

const grouped = (pairs: ReadonlyArray<readonly [string, string]>) => {
  const query: Record<string, Array<string>> = {}
  for (const [key, value] of pairs) (query[key] ??= []).push(value)
  return sortedValues(query)
}
const sortedValues = (query: Readonly<Record<string, ReadonlyArray<string>>>) =>
  Object.fromEntries(Object.entries(query).map(([key, values]) => [key, [...values].sort()]))

const check = (drawn: Sample, echo: Echo, status: number) => {
  expect(echo.message).toBeUndefined()
  expect(status).toBe(200)
  expect(echo.method).toBe(drawn.method)
  // The gateway hands on the path it verified: empty segments collapsed.
  expect(echo.path.split("/").map(decodeURIComponent).join("/")).toBe(("/stage/" + drawn.segments.join("/")).replace(/\/+/g, "/"))
  expect(sortedValues(echo.query)).toEqual(grouped(drawn.query))
  expect(echo.body.sha256).toBe(sha256(arrives(drawn.body)))
}

/** Whether this axios has the fetch adapter (1.7 and later; clients-compat runs 1.6). */
const hasFetchAdapter = (() => {
  try {
    return typeof axios.getAdapter("fetch") === "function"
  } catch {
    return false
  }
})()

describe.each(hasFetchAdapter ? ["http", "fetch"] : ["http"])(`random requests through axios ${axios.VERSION}, %s adapter`, (adapter) => {
  it.live.prop("are accepted and arrive as given", { drawn: sample }, ({ drawn }) =>
    Effect.promise(async () => {
      const client = axiosWithSigner(axios.create({ baseURL: stage.stage, adapter, validateStatus: () => true }), stage.signer)
      const { body } = drawn
      const response = await client.request<Echo>({
        method: drawn.method,
        url: target(drawn),
        ...(body === undefined ? {} : {
          data: "bytes" in body ? body.bytes : "text" in body ? body.text : body.json,
          headers: { "content-type": contentType(body) }
        })
      })
      check(drawn, response.data, response.status)
    }), runs(30))
})

describe("random requests through got", () => {
  it.live.prop("are accepted and arrive as given", { drawn: sample }, ({ drawn }) =>
    Effect.promise(async () => {
      const { body } = drawn
      // Under a prefixUrl, got takes a path without its leading slash; one that starts with an empty segment ("//x")
      // goes as an absolute URL, without a prefixUrl (got 14.0 would prefix it to an absolute URL too).
      const path = target(drawn).slice(1)
      const absolute = path.startsWith("/")
      const client = gotWithSigner(
        got.extend({ ...(absolute ? {} : { prefixUrl: stage.stage }), throwHttpErrors: false, retry: { limit: 0 } }),
        stage.signer
      )
      const response = await client(absolute ? `${stage.stage}/${path}` : path, {
        method: drawn.method,
        ...(body === undefined ? {} : "json" in body ? { json: body.json } : {
          // A Buffer: got 14.0 takes no other bytes.
          body: "bytes" in body ? Buffer.from(body.bytes) : body.text,
          headers: { "content-type": contentType(body) }
        })
      })
      check(drawn, JSON.parse(response.body) as Echo, response.statusCode)
    }), runs(30))
})
