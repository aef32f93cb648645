/**
 * Bad input gets a typed SigningError that says what is wrong and how to fix
 * it, and no error, log line or printed object carries a secret.
 */
import { Readable } from "node:stream"
import { inspect } from "node:util"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import ApiGatewaySigner, { Credentials, Retry, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import { failureOf } from "./support/outcomes.js"

const SECRET = "SECRETKEY/wJalrXUtnFEMIK7MDENGbPxRfiCY"
const TOKEN = "SESSIONTOKEN+IQoJb3JpZ2luX2VjEJr//////////wEaCXVz"
const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: SECRET, sessionToken: TOKEN })

/** Bytes whose buffer was transferred away (as postMessage(bytes, [bytes.buffer]) does): the buffer, and a view of it. */
const detached = () => {
  const view = new Uint8Array([1, 2, 3])
  structuredClone(view.buffer, { transfer: [view.buffer] })
  return { buffer: view.buffer, view }
}

const expectNoSecret = (value: unknown) => {
  const views = [
    value instanceof Error ? value.message : "",
    String(value),
    JSON.stringify(value) ?? "",
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true })
  ]
  for (const view of views) {
    expect(view).not.toContain(SECRET)
    expect(view).not.toContain(TOKEN)
  }
}

const thrown = (f: () => unknown): SigningError => {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError)
    return error as SigningError
  }
  throw new Error("expected a SigningError")
}

const cycle: Record<string, unknown> = { name: "loop" }
cycle["self"] = cycle

/** Each bad input, what the error must say, and its reason and field. */
const badRequests: ReadonlyArray<readonly [string, () => unknown, RegExp, string]> = [
  ["an unknown method", () => signer.signRequest({ method: "FETCH", path: "/" }), /Unknown HTTP method "FETCH".*GET, POST/, "method"],
  ["a method that is not a string", () => signer.signRequest({ method: 42 as never, path: "/" }), /Unknown HTTP method/, "method"],
  ["a path that is not a string", () => signer.signRequest({ method: "GET", path: undefined as never }), /path must be a string/, "path"],
  ["a path with a lone surrogate", () => signer.signRequest({ method: "GET", path: "/\ud800" }), /lone UTF-16 surrogate/, "path"],
  ["a path climbing above the stage", () => signer.signRequest({ method: "GET", path: "/a/../../x" }), /climbs above the endpoint's stage/, "path"],
  ["a header name with a space", () => signer.signRequest({ method: "GET", path: "/", headers: { "bad name": "x" } }), /not a valid header name/, "headers"],
  // Another client's name for a field, given in its place, would be signed and sent without it.
  ["axios's data in place of body", () => signer.signRequest({ method: "POST", path: "/", data: { a: 1 } } as never), /"data" is not a field of a request to sign.*pass it as body/, "body"],
  ["got's json in place of body", () => signer.signRequest({ method: "POST", path: "/", json: { a: 1 } } as never), /"json" is not a field.*pass it as body/, "body"],
  ["axios's params in place of queryParams", () => signer.signRequest({ method: "GET", path: "/", params: { q: "1" } } as never), /"params" is not a field.*pass it as queryParams/, "queryParams"],
  ["query in place of queryParams", () => signer.signRequest({ method: "GET", path: "/", query: { q: "1" } } as never), /"query" is not a field.*pass it as queryParams/, "queryParams"],
  ["header in place of headers", () => signer.signRequest({ method: "GET", path: "/", header: { "x-a": "1" } } as never), /"header" is not a field.*pass it as headers/, "headers"],
  ["a header name with a colon", () => signer.signRequest({ method: "GET", path: "/", headers: { "x:y": "x" } }), /not a valid header name/, "headers"],
  ["a header value with CR LF", () => signer.signRequest({ method: "GET", path: "/", headers: { "x-a": "1\r\nx-injected: 2" } }), /line break or NUL.*inject/, "headers"],
  ["a header value with LF", () => signer.signRequest({ method: "GET", path: "/", headers: { "x-a": "1\nb" } }), /line break or NUL/, "headers"],
  ["a header value with NUL", () => signer.signRequest({ method: "GET", path: "/", headers: { "x-a": "1\0" } }), /line break or NUL/, "headers"],
  ["a header value beyond Latin-1", () => signer.signRequest({ method: "GET", path: "/", headers: { "x-a": "✓" } }), /beyond U\+00FF/, "headers"],
  ["a header value that is an object", () => signer.signRequest({ method: "GET", path: "/", headers: { "x-a": {} as never } }), /must be strings/, "headers"],
  ["a header given twice in different case", () => signer.signRequest({ method: "GET", path: "/", headers: { "X-A": "1", "x-a": "2" } }), /given twice .*case-insensitive/, "headers"],
  ["a header given twice in the same case (pairs)", () => signer.signRequest({ method: "GET", path: "/", headers: [["x-a", "1"], ["x-a", "2"]] }), /^Header "x-a" is given twice; give it once, joining the values/, "headers"],
  ["an Authorization header", () => signer.signRequest({ method: "GET", path: "/", headers: { Authorization: "Bearer x" } }), /written by the signer/, "headers"],
  ["an X-Amz-Security-Token header", () => signer.signRequest({ method: "GET", path: "/", headers: { "X-Amz-Security-Token": "t" } }), /pass the token as sessionToken/, "headers"],
  ["a content-length that does not match the body", () => signer.signRequest({ method: "POST", path: "/", body: "abc", headers: { "content-length": "2" } }), /body is 3 bytes/, "headers"],
  ["an x-amz-content-sha256 that does not match the body", () => signer.signRequest({ method: "POST", path: "/", body: "abc", headers: { "x-amz-content-sha256": "0".repeat(64) } }), /does not match the SHA-256/, "headers"],
  ["a query value that is an object", () => signer.signRequest({ method: "GET", path: "/", queryParams: { filter: { a: 1 } as never } }), /Query parameter "filter".*JSON.stringify/, "queryParams"],
  ["a query value that is NaN", () => signer.signRequest({ method: "GET", path: "/", queryParams: { n: Number.NaN } }), /Query parameter "n"/, "queryParams"],
  ["a query value that is a Date", () => signer.signRequest({ method: "GET", path: "/", queryParams: { at: new Date() as never } }), /toISOString/, "queryParams"],
  ["queryParams that are a string", () => signer.signRequest({ method: "GET", path: "/", queryParams: "a=1" as never }), /queryParams must be an object/, "queryParams"],
  ["a body with a cycle", () => signer.signRequest({ method: "POST", path: "/", body: cycle }), /^The body holds a cycle \(an object that contains itself\), which JSON cannot write; pass a plain object without cycles, or a string\.$/, "body"],
  // Bun's JavaScriptCore and Firefox's SpiderMonkey word the cycle's TypeError otherwise: the message is the same.
  ["a body with a cycle, as JavaScriptCore says it", () => signer.signRequest({ method: "POST", path: "/", body: { toJSON: () => { throw new TypeError("JSON.stringify cannot serialize cyclic structures.") } } }), /^The body holds a cycle \(an object that contains itself\)/, "body"],
  ["a body with a cycle, as SpiderMonkey says it", () => signer.signRequest({ method: "POST", path: "/", body: { toJSON: () => { throw new TypeError("cyclic object value") } } }), /^The body holds a cycle \(an object that contains itself\)/, "body"],
  ["a body with a BigInt", () => signer.signRequest({ method: "POST", path: "/", body: { n: 1n } }), /property "n" is a bigint/, "body"],
  ["a body with a function", () => signer.signRequest({ method: "POST", path: "/", body: { f: () => 1 } }), /property "f" is a function/, "body"],
  ["a body with a symbol", () => signer.signRequest({ method: "POST", path: "/", body: { s: Symbol("x") } }), /property "s" is a symbol/, "body"],
  ["a body with a Map", () => signer.signRequest({ method: "POST", path: "/", body: { m: new Map() } }), /Map.*Object\.fromEntries/, "body"],
  ["a body with Infinity", () => signer.signRequest({ method: "POST", path: "/", body: { x: Infinity } }), /Infinity/, "body"],
  ["a body with an invalid Date (JSON would write null)", () => signer.signRequest({ method: "POST", path: "/", body: { due: new Date("31/12/2026") } }), /property "due" is an invalid Date, which JSON would turn into null/, "body"],
  ["a body with an invalid Date in an array", () => signer.signRequest({ method: "POST", path: "/", body: [new Date(Number.NaN)] }), /property "0" is an invalid Date/, "body"],
  ["a body that is an invalid Date", () => signer.signRequest({ method: "POST", path: "/", body: new Date("not a date") }), /^The body is an invalid Date/, "body"],
  ["a body with a boxed NaN (JSON would write null)", () => signer.signRequest({ method: "POST", path: "/", body: { n: Object(Number.NaN) } }), /property "n" is NaN \(a Number object\)/, "body"],
  ["a body with a boxed Infinity", () => signer.signRequest({ method: "POST", path: "/", body: { n: Object(-Infinity) } }), /property "n" is -Infinity \(a Number object\)/, "body"],
  ["a body that is a detached ArrayBuffer (its bytes transferred)", () => signer.signRequest({ method: "POST", path: "/", body: detached().buffer }), /ArrayBuffer is detached.*sign the bytes before transferring them/, "body"],
  ["a body that is a view of a detached ArrayBuffer (it reads as empty)", () => signer.signRequest({ method: "POST", path: "/", body: detached().view }), /ArrayBuffer is detached/, "body"],
  ["headers with a hole in the list of pairs", () => signer.signRequest({ method: "GET", path: "/", headers: [, ["x-a", "1"]] as never }), /headers\[0\] is not a \[name, value\] pair/, "headers"],
  ["queryParams with a hole in the list of pairs", () => signer.signRequest({ method: "GET", path: "/", queryParams: [, ["a", "1"]] as never }), /queryParams\[0\] is not a \[key, value\] pair/, "queryParams"],
  ["a path that is a whole URL (it would be sent under the stage)", () => signer.signRequest({ method: "GET", path: `${ENDPOINT}/pets?type=dog` }), /is a whole URL, and path is the part under the endpoint.*the facade's signer\.fetch\(url\), the Effect API's Signer\.signRequest\(new Request\(url\)\)/, "path"],
  ["a web Request given to signRequest", () => signer.signRequest(new Request(`${ENDPOINT}/pets`) as never), /got a Request\. The facade's signer\.fetch\(input\) and signer\.signRequestAsync\(request\) take a URL or a web Request; in the Effect API, Signer\.signRequest takes a web Request/, "path"],
  ["a URL given to signRequest", () => signer.signRequest(new URL(`${ENDPOINT}/pets`) as never), /got a URL\. The facade's signer\.fetch\(input\)/, "path"],
  ["a body that is a function", () => signer.signRequest({ method: "POST", path: "/", body: () => 1 }), /The body is a function/, "body"],
  ["a body that is a Blob", () => signer.signRequest({ method: "POST", path: "/", body: new Blob(["x"]) }), /a Blob.*blob\.arrayBuffer\(\)/, "body"],
  ["a body that is a ReadableStream", () => signer.signRequest({ method: "POST", path: "/", body: new ReadableStream() }), /a ReadableStream.*new Response\(stream\)/, "body"],
  ["a body that is FormData", () => signer.signRequest({ method: "POST", path: "/", body: new FormData() }), /FormData.*multipart boundary.*URLSearchParams/, "body"],
  ["a body that is a Promise", () => signer.signRequest({ method: "POST", path: "/", body: Promise.resolve("x") }), /a Promise; await it/, "body"],
  ["a body holding a Blob", () => signer.signRequest({ method: "POST", path: "/", body: { photo: new Blob(["x"]) } }), /property "photo" is a Blob, which JSON\.stringify writes as \{\} or as its private fields, never its content/, "body"],
  ["a body holding FormData", () => signer.signRequest({ method: "POST", path: "/", body: [new FormData()] }), /is FormData, which JSON\.stringify writes as \{\} or as its private fields/, "body"],
  ["a body string with a lone surrogate", () => signer.signRequest({ method: "POST", path: "/", body: "a\udc00" }), /lone UTF-16 surrogate/, "body"],
  ["a body that is a Response (its body not read yet)", () => signer.signRequest({ method: "POST", path: "/", body: new Response("{}") }), /is a Response, which JSON\.stringify sends as \{\}; read its body first/, "body"],
  ["a body that is a Request", () => signer.signRequest({ method: "POST", path: "/", body: new Request("https://example.com") }), /is a Request/, "body"],
  ["a body with Headers", () => signer.signRequest({ method: "POST", path: "/", body: { h: new Headers({ a: "1" }) } }), /property "h" is a Headers.*Object\.fromEntries\(headers\)/, "body"],
  ["a body that is an iterator", () => signer.signRequest({ method: "POST", path: "/", body: [1, 2].values() }), /is an Array Iterator.*\[\.\.\.iterator\]/, "body"],
  ["a body with bytes inside (JSON would write an object of indexes)", () => signer.signRequest({ method: "POST", path: "/", body: { data: new Uint8Array([1, 2]) } }), /property "data" is bytes \(Uint8Array\).*base64/, "body"],
  ["a body with an ArrayBuffer inside", () => signer.signRequest({ method: "POST", path: "/", body: [new ArrayBuffer(2)] }), /property "0" is bytes \(ArrayBuffer\)/, "body"],
  ["a body with a boxed BigInt (JSON cannot write it)", () => signer.signRequest({ method: "POST", path: "/", body: { n: Object(1n) } }), /cannot be serialized to JSON.*BigInt/, "body"],
  ["a body with an Error inside that has fields of its own (JSON would drop its message)", () => signer.signRequest({ method: "POST", path: "/", body: { failure: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) } }), /property "failure" is an Error, which JSON\.stringify writes without its message/, "body"],
  ["a body with a generator", () => signer.signRequest({ method: "POST", path: "/", body: { items: (function*() {})() } }), /property "items" is a Generator/, "body"],
  ["a body with a Redacted inside (JSON would send the text \"<redacted>\")", () => signer.signRequest({ method: "POST", path: "/", body: { user: "bob", password: Redacted.make("hunter2") } }), /property "password" is a Redacted, which JSON\.stringify writes as "<redacted>".*Redacted\.value/, "body"],
  ["a body with a Redacted in an array", () => signer.signRequest({ method: "POST", path: "/", body: [Redacted.make("hunter2")] }), /property "0" is a Redacted/, "body"],
  ["a body that is a Redacted", () => signer.signRequest({ method: "POST", path: "/", body: Redacted.make("hunter2") }), /^The body is a Redacted/, "body"],
  ["a body with an Effect not yet run inside", () => signer.signRequest({ method: "POST", path: "/", body: { name: Effect.succeed("Rex") } }), /property "name" is an Effect value.*yield\*/, "body"],
  ["a body with an Option inside (an Effect too)", () => signer.signRequest({ method: "POST", path: "/", body: { nickname: Option.some("Rex") } }), /property "nickname" is an Effect value.*Option\.getOrNull/, "body"],
  ["a body that is an Effect (not a stream, though it pipes)", () => signer.signRequest({ method: "POST", path: "/", body: Effect.gen(function*() { return 1 }) }), /^The body is an Effect value/, "body"],
  ["a body that is an Effect Stream", () => signer.signRequest({ method: "POST", path: "/", body: Stream.make(1, 2) }), /^The body is an Effect Stream.*Stream\.runCollect/, "body"],
  ["a body with a Redacted behind a getter", () => signer.signRequest({ method: "POST", path: "/", body: { get password() { return Redacted.make("hunter2") } } }), /property "password" is a Redacted/, "body"],
  ["a body that is a Chunk (JSON writes Effect's description of it)", () => signer.signRequest({ method: "POST", path: "/", body: Chunk.make(1, 2) }), /^The body is an Effect Chunk, which JSON\.stringify writes as Effect's description of it \(\{"_id":"Chunk",\.\.\.\}\).*Chunk\.toReadonlyArray/, "body"],
  ["a body with a HashMap inside", () => signer.signRequest({ method: "POST", path: "/", body: { tags: HashMap.make(["a", 1]) } }), /property "tags" is an Effect HashMap/, "body"],
  ["a body with a Duration inside", () => signer.signRequest({ method: "POST", path: "/", body: { ttl: Duration.seconds(5) } }), /property "ttl" is an Effect Duration/, "body"],
  ["a body that is a List", () => signer.signRequest({ method: "POST", path: "/", body: List.make(1) }), /^The body is an Effect List/, "body"]
]

describe("Effect's data types that JSON writes as their contents are sent as JSON writes them", () => {
  it("a DateTime body is its ISO string, as a nested one is (it pipes, but is no stream)", () => {
    const at = DateTime.unsafeMake(Date.UTC(2024, 0, 15))
    expect(signer.signRequest({ method: "POST", path: "/", body: at }).body).toBe('"2024-01-15T00:00:00.000Z"')
    expect(signer.signRequest({ method: "POST", path: "/", body: { at } }).body).toBe('{"at":"2024-01-15T00:00:00.000Z"}')
  })
  it("a plain object with an _id of its own (a MongoDB document) is sent as it is", () => {
    const body = { _id: "Chunk", values: [1] }
    expect(signer.signRequest({ method: "POST", path: "/", body }).body).toBe(JSON.stringify(body))
  })

  it("a Node stream is still refused as a stream", () => {
    const error = thrown(() => signer.signRequest({ method: "POST", path: "/", body: Readable.from(["x"]) }))
    expect(error).toMatchObject({ reason: "InvalidRequest", field: "body" })
    expect(error.message).toMatch(/^The body is a stream.*Buffer\.concat/)
  })
})

describe("bad requests are SigningErrors with reason InvalidRequest", () => {
  it.each(badRequests)("%s", (_, run, message, field) => {
    const error = thrown(run)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field })
    expect(error.message).toMatch(message)
    expectNoSecret(error)
  })
})

describe("a refusal quotes a long input by 200 characters: the message stays short however long the input, and shows the fault", () => {
  const long = "x".repeat(100_000)
  it.each([
    ["a path with a lone surrogate, around it", () => signer.signRequest({ method: "GET", path: `/${long}\ud800 x` }), `The path "…${"x".repeat(197)}\\ud800 x" (characters 99805 to 100004 of 100004) contains a lone UTF-16 surrogate`],
    ["a path climbing above the stage, around the climbing segment", () => signer.signRequest({ method: "GET", path: `/a/${long}/../../../etc/${long}` }), `The path "…${"x".repeat(93)}/../../../etc/${"x".repeat(93)}…" (characters 99911 to 100110 of 200017) climbs above`],
    ["a path climbing above the stage at its beginning, from there", () => signer.signRequest({ method: "GET", path: `/../${long}` }), `The path "/../${"x".repeat(196)}…" climbs above`],
    ["a query key with a lone surrogate, around it", () => signer.signRequest({ method: "GET", path: "/", queryParams: { [`${long}\ud800`]: "1" } }), `Query parameter name "…${"x".repeat(199)}\\ud800" (characters 99802 to 100001 of 100001) contains a lone UTF-16 surrogate`],
    ["a query value with a lone surrogate, under a long key quoted from its beginning", () => signer.signRequest({ method: "GET", path: "/", queryParams: { [long]: "\ud800" } }), `Query parameter "${"x".repeat(200)}…" contains a lone UTF-16 surrogate`],
    ["a query value that is not a string, under a long key", () => signer.signRequest({ method: "GET", path: "/", queryParams: { [long]: {} as never } }), `Query parameter "${"x".repeat(200)}…" is an object`],
    ["a content-length that is not the body's", () => signer.signRequest({ method: "POST", path: "/", headers: { "content-length": `1${"0".repeat(100_000)}` }, body: "a" }), `content-length is "1${"0".repeat(199)}…" but the body is 1 bytes`],
    ["a header with a long name and a value that is not a string", () => signer.signRequest({ method: "GET", path: "/", headers: { [long]: {} as never } }), `Header "${"x".repeat(200)}…" is an object`],
    ["a header with a long name and a line break", () => signer.signRequest({ method: "GET", path: "/", headers: { [long]: "a\nb" } }), `Header "${"x".repeat(200)}…" contains a line break`],
    ["a header with a long name and a character beyond U+00FF", () => signer.signRequest({ method: "GET", path: "/", headers: { [long]: "\u0100" } }), `Header "${"x".repeat(200)}…" contains a control character`],
    ["a header with a long name given twice", () => signer.signRequest({ method: "GET", path: "/", headers: [[long, "1"], [long.toUpperCase(), "2"]] as never }), `Header "${"x".repeat(200)}…" is given twice (as "${"x".repeat(200)}…" and "${"X".repeat(200)}…")`]
  ] as const)("%s", (_, run, quoted) => {
    const error = thrown(run)
    expect(error.message).toContain(quoted)
    expect(error.message.length).toBeLessThan(900)
  })

  it("says which characters a window shows only where they are the caller's: not after a token was redacted from it", () => {
    const path = `/upload?X-Amz-Security-Token=${"T".repeat(300)}&name=${"x".repeat(160)}\ud800`
    const message = thrown(() => signer.signRequest({ method: "GET", path })).message
    expect(message).toMatch(/^The path "…[^"]*X-Amz-Security-Token=<redacted>&name=x+\\ud800" contains a lone UTF-16 surrogate/)
    expect(message).not.toContain("characters ")
  })

  // Cut at a UTF-16 index, a window can begin or end inside an emoji: half of it would read as another lone surrogate.
  const emoji = "😀".repeat(200)
  it.each([
    ["the window begins inside a pair", `/${emoji.slice(0, 250)}x\ud800${emoji.slice(0, 100)}`],
    ["the window ends inside a pair", `/${emoji.slice(0, 250)}\ud800${emoji.slice(0, 100)}`],
    ["the head cut ends inside a pair", `/a\ud800${emoji.slice(0, 300)}`]
  ])("quotes only the input's own lone surrogate when %s", (_, path) => {
    const quotedSurrogates = thrown(() => signer.signRequest({ method: "GET", path })).message.match(/\\ud[89a-f][0-9a-f]{2}/gi)
    expect(quotedSurrogates).toEqual(["\\ud800"])
  })
})

const badConfigs: ReadonlyArray<readonly [string, () => unknown, RegExp, string]> = [
  ["an endpoint that is not a URL", () => new ApiGatewaySigner({ endpoint: "abc123.execute-api.us-east-1.amazonaws.com", accessKey: "A", secretKey: SECRET }), /not an absolute URL/, "InvalidEndpoint"],
  ["an endpoint given as a URL object, told to pass its href", () => new ApiGatewaySigner({ endpoint: new URL(ENDPOINT) as never, accessKey: "A", secretKey: SECRET }), /^The endpoint must be a string such as .*; got a URL object \(pass url\.href\)\.$/, "InvalidEndpoint"],
  ["a missing endpoint", () => new ApiGatewaySigner({ accessKey: "A", secretKey: SECRET } as never), /No endpoint/, "InvalidEndpoint"],
  ["an endpoint that is not http(s)", () => new ApiGatewaySigner({ endpoint: "ftp://example.com/x", region: "us-east-1", accessKey: "A", secretKey: SECRET }), /http\(s\) URL/, "InvalidEndpoint"],
  ["an endpoint with a query", () => new ApiGatewaySigner({ endpoint: `${ENDPOINT}?stage=1`, accessKey: "A", secretKey: SECRET }), /query or fragment/, "InvalidEndpoint"],
  ["an endpoint with a fragment", () => new ApiGatewaySigner({ endpoint: `${ENDPOINT}#top`, accessKey: "A", secretKey: SECRET }), /query or fragment/, "InvalidEndpoint"],
  ["an endpoint with a line break in its path (the URL parser would drop it)", () => new ApiGatewaySigner({ endpoint: "https://abc.execute-api.us-east-1.amazonaws.com/pr\nod", accessKey: "A", secretKey: SECRET }), /contains a control character/, "InvalidEndpoint"],
  ["an endpoint with a line break in its host", () => new ApiGatewaySigner({ endpoint: "https://abc.execute-api.us-east-1.amazon\r\naws.com/prod", accessKey: "A", secretKey: SECRET }), /contains a control character/, "InvalidEndpoint"],
  ["an endpoint ending in another control character", () => new ApiGatewaySigner({ endpoint: `${ENDPOINT}\x1f`, accessKey: "A", secretKey: SECRET }), /contains a control character/, "InvalidEndpoint"],
  ["a sendTo with a tab in its host", () => new ApiGatewaySigner({ endpoint: ENDPOINT, sendTo: "https://vpce-1.execute-api.us-east-1.vpce.ama\tzonaws.com", accessKey: "A", secretKey: SECRET }), /contains a control character/, "InvalidEndpoint"],
  ["an endpoint that does not parse, with @connections in its path: no host is made up from it", () => new ApiGatewaySigner({ endpoint: "https://abc.execute-api.us-east-1.amazonaws.com:99999/prod/@connections", accessKey: "A", secretKey: SECRET }), /^The endpoint "https:\/\/… \(\d+ characters, not shown: it does not parse as a URL, and may hold a password\)" is not an absolute URL/, "InvalidEndpoint"],
  ["an endpoint with a user name", () => new ApiGatewaySigner({ endpoint: "https://user:pw@abc.execute-api.us-east-1.amazonaws.com/", accessKey: "A", secretKey: SECRET }), /user name or password/, "InvalidEndpoint"],
  ["a region with a slash", () => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1/x", accessKey: "A", secretKey: SECRET }), /region "us-east-1\/x" is not valid/, "InvalidConfig"],
  ["a region that is not a string (not ignored for the host's)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, region: 5 as never, accessKey: "A", secretKey: SECRET }), /region must be a string such as "us-east-1"; got number 5/, "InvalidConfig"],
  ["a service that is not a string", () => new ApiGatewaySigner({ endpoint: ENDPOINT, service: {} as never, accessKey: "A", secretKey: SECRET }), /service must be a string such as "execute-api"/, "InvalidConfig"],
  ["a serviceName (2.x's name) that is not a string, named as given", () => new ApiGatewaySigner({ endpoint: ENDPOINT, serviceName: 3 as never, accessKey: "A", secretKey: SECRET }), /^serviceName must be a string/, "InvalidConfig"],
  ["an invalid region before an invalid service (the region is read first)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us/x", service: 3 as never, accessKey: "A", secretKey: SECRET }), /region "us\/x" is not valid/, "InvalidConfig"],
  ["SigV4.signHeaders with signSessionToken 0 (not taken as false)", () => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: SECRET, sessionToken: TOKEN }, region: "us-east-1", signingTime: 0, signSessionToken: 0 as never }), /signSessionToken must be true or false/, "InvalidConfig"],
  ["SigV4.presign with a region that is not a string", () => SigV4.presign({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: SECRET }, region: 5 as never, signingTime: 0, expiresIn: 60 }), /region must be a string such as "us-east-1"; got number 5/, "InvalidConfig"],
  ["SigV4.signHeaders with normalizePath \"no\"", () => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: SECRET }, region: "us-east-1", signingTime: 0, normalizePath: "no" as never }), /normalizePath must be true or false/, "InvalidConfig"],
  ["a signSessionToken of 0 (not taken as false: the token would go unsigned)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, signSessionToken: 0 as never, accessKey: "A", secretKey: SECRET }), /signSessionToken must be true or false; got/, "InvalidConfig"],
  ["a signSessionToken of \"false\" (not taken as true)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, signSessionToken: "false" as never, accessKey: "A", secretKey: SECRET }), /signSessionToken must be true or false/, "InvalidConfig"],
  ["an access key with a newline", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID\n", secretKey: SECRET }), /stray newline/, "MissingCredentials"],
  ["an access key with a comma (it would end the Authorization header's Credential= part, so no server could read it)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID,EXAMPLE", secretKey: SECRET }), /access key id contains .*a comma/, "MissingCredentials"],
  ["an access key with a character beyond ASCII, named as such", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID\u00c4EXAMPLE", secretKey: SECRET }), /access key id contains .*a character beyond ASCII/, "MissingCredentials"],
  ["a session token with a newline", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID", secretKey: SECRET, sessionToken: `${TOKEN}\n` }), /session token contains/, "MissingCredentials"],
  ["an access key id that is a null-prototype object, described as an object", () => new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: { accessKeyId: Object.create(null) as never, secretAccessKey: SECRET } }), /^accessKeyId must be a string; got an object\.$/, "MissingCredentials"],
  ["credentials whose expiration is a Map, described as one", () => new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: { accessKeyId: "AKID", secretAccessKey: SECRET, expiration: new Map() as never } }), /^The credentials' expiration must be a valid Date; got a Map\.$/, "MissingCredentials"],
  ["a secret key that is a number, described without its value", () => new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: { accessKeyId: "AKID", secretAccessKey: 123456789 as never } }), /^secretAccessKey must be a string; got a number\.$/, "MissingCredentials"],
  ["an empty secret key", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID", secretKey: "" }), /secret access key/, "MissingCredentials"],
  ["a secret key with a trailing newline (a file's last line break)", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID", secretKey: `${SECRET}\n` }), /secret access key contains .*stray newline/, "MissingCredentials"],
  ["a secret key with a leading space", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID", secretKey: ` ${SECRET}` }), /secret access key contains/, "MissingCredentials"],
  ["a secret key with a no-break space pasted in", () => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKID", secretKey: `${SECRET}\u00a0` }), /secret access key contains/, "MissingCredentials"],
  ["SigV4.signHeaders with a payloadHash in upper-case hex (not taken for a keyword)", () => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: SECRET }, region: "us-east-1", signingTime: 0, payloadHash: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855" }), /payloadHash must be the payload's lower-case hex SHA-256/, "InvalidConfig"],
  ["SigV4.signatureMismatchMessage with a null-prototype object (String() of it throws)", () => SigV4.signatureMismatchMessage(Object.create(null), "s"), /canonicalRequest must be a string; got an object/, "InvalidConfig"],
  ["SigV4.signHeaders with a secret key ending in a newline", () => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: `${SECRET}\r\n` }, region: "us-east-1", signingTime: 0 }), /secret access key contains/, "MissingCredentials"]
]

describe("another client's name for a field", () => {
  it("is left alone beside the request's own field (a client's config spread into the request), as any other unknown field", () => {
    const signed = signer.signRequest({ method: "POST", path: "/", body: { a: 1 }, data: { ignored: true }, params: undefined, foo: 1, queryParams: { q: "1" }, query: "x" } as never)
    expect(signed.body).toBe(JSON.stringify({ a: 1 }))
    expect(signed.url).toBe(`${ENDPOINT}/?q=1`)
  })

  it("is refused in the Effect API too", () => {
    const exit = Effect.runSyncExit(
      Signer.signRequest({ method: "POST", path: "/", data: "x" } as never).pipe(
        Effect.provide(Signer.layer({ endpoint: ENDPOINT })),
        Effect.provide(Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET }))
      )
    )
    expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "body" })
  })
})

describe("a request's path is read once", () => {
  it("a getter that answers a string, then something else: the string is checked, signed and sent", () => {
    let reads = 0
    const request = { method: "GET" as const, get path() { return reads++ === 0 ? "/pets" : (42 as unknown as string) } }
    expect(signer.signRequest(request).url).toBe(`${ENDPOINT}/pets`)
  })
})

describe("bad configuration is a SigningError with its reason", () => {
  it.each(badConfigs)("%s", (_, run, message, reason) => {
    const error = thrown(run)
    expect(error.reason).toBe(reason)
    expect(error.message).toMatch(message)
    expectNoSecret(error)
  })
})

describe("a missing key's message advises the AWS_* variables only where they are read", () => {
  it.each([
    ["Credentials.make", () => Effect.runSync(Effect.flip(Credentials.make({ accessKeyId: "", secretAccessKey: SECRET })))],
    ["the facade's credentials option", () => thrown(() => new ApiGatewaySigner({ endpoint: ENDPOINT, credentials: { accessKeyId: "", secretAccessKey: SECRET } }))],
    ["SigV4.signHeaders", () => thrown(() => SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", "h"]] }, { credentials: { accessKeyId: "A", secretAccessKey: "" }, region: "us-east-1", signingTime: 0 }))]
  ] as const)("%s: names its own fields, not the variables it never reads", (_, run) => {
    const error = run() as SigningError
    expect(error).toMatchObject({ reason: "MissingCredentials", message: expect.stringMatching(/^No AWS (access key id|secret access key): pass accessKeyId and secretAccessKey\.$/) })
  })

  it("Credentials.layerFromEnv reads them: its message names the variables", async () => {
    const exit = await Effect.runPromiseExit(
      Credentials.Credentials.pipe(
        Effect.provide(Credentials.layerFromEnv),
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["AWS_ACCESS_KEY_ID", ""], ["AWS_SECRET_ACCESS_KEY", SECRET]]))))
      )
    )
    expect(failureOf(exit)).toMatchObject({
      reason: "MissingCredentials",
      message: expect.stringMatching(/^No AWS access key id: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/)
    })
  })

  it("a value of theirs with a stray CR (a CRLF .env file) is named by its variable, in the facade and layerFromEnv", async () => {
    const values = new Map([["AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"], ["AWS_SECRET_ACCESS_KEY", SECRET], ["AWS_SESSION_TOKEN", "token\r"]])
    const exit = await Effect.runPromiseExit(
      Credentials.Credentials.pipe(Effect.provide(Credentials.layerFromEnv), Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(values))))
    )
    expect(failureOf(exit)).toMatchObject({ reason: "MissingCredentials", message: expect.stringContaining("check AWS_SESSION_TOKEN for a stray newline") })
    for (const [name, value] of values) vi.stubEnv(name, value)
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", `${SECRET}\r`)
    vi.stubEnv("AWS_SESSION_TOKEN", "")
    try {
      expect(thrown(() => new ApiGatewaySigner({ endpoint: ENDPOINT })).message).toContain("check AWS_SECRET_ACCESS_KEY for a stray newline")
      // The key is judged first: a fault of its own is named so, whether the secret is set or not.
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE\r")
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "")
      expect(thrown(() => new ApiGatewaySigner({ endpoint: ENDPOINT })).message).toContain("check AWS_ACCESS_KEY_ID for a stray newline")
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it("the facade without keys reads them: its message names the variables", () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "")
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET)
    try {
      const error = thrown(() => new ApiGatewaySigner({ endpoint: ENDPOINT }))
      expect(error.message).toMatch(/^No AWS access key id: pass accessKey and secretKey, or set AWS_ACCESS_KEY_ID/)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe("secrets never show", () => {
  it("not in a signed request, but for its token header", () => {
    const request = signer.signRequest({ method: "POST", path: "/", body: { a: 1 } })
    const { "x-amz-security-token": token, ...rest } = request.headers
    expect(token).toBe(TOKEN)
    expectNoSecret({ ...request, headers: rest })
    expect(JSON.stringify(request)).not.toContain(SECRET)
  })

  it("not in credentials, printed or serialized", () =>
    Effect.gen(function*() {
      const credentials = yield* Credentials.make({ accessKeyId: "AKID", secretAccessKey: SECRET, sessionToken: TOKEN })
      expectNoSecret(credentials)
      const service = yield* Credentials.Credentials.pipe(Effect.provide(Credentials.layer({ accessKeyId: "AKID", secretAccessKey: SECRET, sessionToken: TOKEN })))
      expectNoSecret(service)
    }).pipe(Effect.runPromise))

  it("not in the errors of the Effect API", async () => {
    const exit = await Signer.signRequest({ method: "GET", path: "/", headers: { "x-a": "\r\n" } }, { endpoint: ENDPOINT }).pipe(
      Effect.provide(Credentials.layer({ accessKeyId: "AKID", secretAccessKey: SECRET, sessionToken: TOKEN })),
      Effect.runPromiseExit
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expectNoSecret(exit)
  })

  it("not in a credentials config error", async () => {
    const exit = await Effect.runPromiseExit(
      Credentials.Credentials.pipe(
        Effect.provide(Credentials.fromEnv),
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["AWS_SECRET_ACCESS_KEY", SECRET], ["AWS_SESSION_TOKEN", TOKEN]]))))
      )
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(exit)).toMatch(/AWS_ACCESS_KEY_ID/)
    expectNoSecret(exit)
  })

  it("not in retry logs at debug level, nor in the RequestError when retries run out", async () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ annotations, message }) => lines.push(inspect({ message, annotations }, { depth: 10 })))
    const exit = await Retry.makeRequestWithRetries(
      { method: "GET", path: "/" },
      // A client error that quotes the signed request, as some HTTP clients do.
      (signed) => Effect.fail(Object.assign(new Error(`failed: ${signed.url} token=${signed.headers["x-amz-security-token"]}`), { request: signed })),
      { times: 2, schedule: Retry.backoff({ base: 1, jitter: false }) }
    ).pipe(
      Effect.provide(Signer.layer({ endpoint: ENDPOINT })),
      Effect.provide(Credentials.layer({ accessKeyId: "AKID", secretAccessKey: SECRET, sessionToken: TOKEN })),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.runPromiseExit
    )
    expect(lines.length).toBe(3)
    for (const line of lines) expect(line).not.toContain(TOKEN)
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(failure).toMatchObject({ _tag: "RequestError", attempts: 3 })
      expectNoSecret(failure)
    }
  })

  it("not in the facade's rejection when retries run out", async () => {
    const rejection = await signer.makeRequestWithRetries(
      { method: "GET", path: "/" },
      (signed) => {
        throw Object.assign(new Error(`503 for ${signed.headers["x-amz-security-token"]}`), { config: { headers: signed.headers } })
      },
      1,
      { baseDelayMs: 1 }
    ).catch((error: unknown) => error)
    expect(rejection).toMatchObject({ _tag: "RequestError", attempts: 2 })
    expectNoSecret(rejection)
  })

  it("not in Redacted secrets handed to Credentials.layer, which signs with them all the same", () =>
    Effect.gen(function*() {
      const service = yield* Credentials.Credentials
      const credentials = yield* service.get
      expectNoSecret(service)
      expectNoSecret(credentials)
      expect(Redacted.value(credentials.secretAccessKey)).toBe(SECRET)
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe(TOKEN)
      const signed = yield* Signer.signRequest({ method: "GET", path: "/" }, { endpoint: ENDPOINT })
      expect(signed.headers["x-amz-security-token"]).toBe(TOKEN)
      expectNoSecret({ ...signed, headers: { ...signed.headers, "x-amz-security-token": undefined } })
    }).pipe(
      Effect.provide(Credentials.layer({ accessKeyId: "AKID", secretAccessKey: Redacted.make(SECRET), sessionToken: Redacted.make(TOKEN) })),
      Effect.runPromise
    ))
})
