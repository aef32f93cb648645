/**
 * How a path goes on the wire. What RFC 3986 lets a path segment hold as it
 * is (`pchar`: unreserved characters, the sub-delims `!$&'()*+,;=`, `:` and
 * `@`) goes out as the caller gave it, raw or escaped (but a raw `'`, sent `%27`), as the AWS SDKs send
 * `/@connections/{id}`; the canonical URI is computed from that wire form.
 * Everything else is percent-encoded; escapes come out in upper case, and
 * escapes of unreserved characters decoded.
 */
import { describe, expect, it } from "@effect/vitest"
import legacyUrl from "node:url"
import * as fc from "effect/FastCheck"
import * as Effect from "effect/Effect"
import ApiGatewaySigner, { Credentials, Signer, SigningError } from "api-gateway-request-signer"
import { wirePathSegment } from "../src/internal/request/pathSegment.js"

const ENDPOINT = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
const keys = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })

const pathOf = (url: string) => new URL(url).pathname
const wirePath = (path: string) => pathOf(signer.signRequest({ method: "GET", path }).url)
const canonicalUri = (path: string) =>
  Effect.runSync(
    Signer.signRequestWithDetails({ method: "GET", path }, { endpoint: ENDPOINT }).pipe(
      Effect.provide(Credentials.layer({ accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey }))
    )
  ).canonicalRequest.split("\n")[1]

describe("characters a path segment may hold go out as given", () => {
  it("sends @connections and a connection id's = raw, as the AWS SDK does", () => {
    expect(wirePath("/@connections/L0SM9cOFvHcCIhw=")).toBe("/prod/@connections/L0SM9cOFvHcCIhw=")
  })

  it("sends every sub-delim but ', : and @ raw when given raw", () => {
    expect(wirePath("/!$&()*+,;=:@")).toBe("/prod/!$&()*+,;=:@")
  })

  it("sends ' as %27, as the AWS SDKs do: Node's legacy url.parse (axios 0.x, node-fetch 2, request) escapes it after signing", () => {
    expect(wirePath("/authors/O'Brien")).toBe("/prod/authors/O%27Brien")
    expect(wirePath("/a'b/%27")).toBe("/prod/a%27b/%27")
    expect(canonicalUri("/authors/O'Brien")).toBe("/prod/authors/O%2527Brien")
    // The request line legacy clients build is the one signed.
    const { url } = signer.signRequest({ method: "GET", path: "/authors/O'Brien" })
    expect(legacyUrl.parse(url).path).toBe(new URL(url).pathname)
  })

  it("keeps an escape of a sub-delim an escape (%3D is not = to every server), in upper case", () => {
    expect(wirePath("/@connections/L0SM9cOFvHcCIhw%3d")).toBe("/prod/@connections/L0SM9cOFvHcCIhw%3D")
    expect(wirePath("/%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A")).toBe("/prod/%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A")
  })

  it("decodes an escape of an unreserved character, as URL parsers and normalizing proxies do", () => {
    expect(wirePath("/%7Euser/%41%2d%5F")).toBe("/prod/~user/A-_")
  })

  it("computes the canonical URI from the wire form: @ is %40, an escape's % is %25", () => {
    expect(canonicalUri("/@connections/L0SM9cOFvHcCIhw=")).toBe("/prod/%40connections/L0SM9cOFvHcCIhw%3D")
    expect(canonicalUri("/@connections/L0SM9cOFvHcCIhw%3D")).toBe("/prod/%40connections/L0SM9cOFvHcCIhw%253D")
  })

  it("keeps a stage path's @ and escapes as given too", () => {
    const staged = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.eu-west-1.amazonaws.com/v@1/a%3db", ...keys })
    expect(pathOf(staged.signRequest({ method: "GET", path: "/x" }).url)).toBe("/v@1/a%3Db/x")
  })
})

describe("everything else is encoded as before", () => {
  it("encodes spaces, non-ASCII and the characters a URL may not hold raw", () => {
    expect(wirePath("/a b/é😀/\"<>^`{|}[]\\")).toBe("/prod/a%20b/%C3%A9%F0%9F%98%80/%22%3C%3E%5E%60%7B%7C%7D%5B%5D%5C")
  })

  it("encodes a % that starts no escape", () => {
    expect(wirePath("/100%/%zz/%4")).toBe("/prod/100%25/%25zz/%254")
  })

  it("keeps escapes of / ? # and of UTF-8 bytes, so an encodeURIComponent segment stays one segment", () => {
    expect(wirePath(`/${encodeURIComponent("a/b?c#d é")}`)).toBe("/prod/a%2Fb%3Fc%23d%20%C3%A9")
  })

  it("encodes a # in a segment (a ? starts the query)", () => {
    expect(wirePath("/a#b")).toBe("/prod/a%23b")
    expect(signer.signRequest({ method: "GET", path: "/a?b=c" }).url).toBe(`${ENDPOINT}/a?b=c`)
  })

  it("resolves dot segments, escaped ones too, and keeps // as given", () => {
    expect(wirePath("/a/./b/../c")).toBe("/prod/a/c")
    expect(wirePath("/a/%2E%2e/@c")).toBe("/prod/@c")
    expect(wirePath("//a//@")).toBe("/prod//a//@")
  })

  it("refuses a .. that climbs above the stage", () => {
    expect(() => wirePath("/../@connections")).toThrow(SigningError)
    expect(() => wirePath("/%2e%2E/@connections")).toThrow(/climbs above/)
  })
})

// A model of the wire spelling, token by token: what each piece of a segment becomes.
const UNRESERVED = "ABCXYZabcxyz0189-._~"
const SUB_DELIMS_COLON_AT = "!$&()*+,;=:@"
const isUnreservedByte = (byte: number) => byte < 0x80 && /^[A-Za-z0-9\-._~]$/.test(String.fromCharCode(byte))
const upperEscape = (byte: number) => "%" + byte.toString(16).toUpperCase().padStart(2, "0")
const anyCaseEscape = (byte: number, lower: boolean) => {
  const escape = upperEscape(byte)
  return lower ? escape.toLowerCase() : escape
}
const token: fc.Arbitrary<readonly [given: string, sent: string]> = fc.oneof(
  // A pchar given raw goes out raw, but ', which goes out escaped.
  fc.constantFrom(...UNRESERVED, ...SUB_DELIMS_COLON_AT).map((char) => [char, char] as const),
  fc.constant(["'", "%27"] as const),
  // An escape of an unreserved character goes out decoded.
  fc.tuple(fc.constantFrom(...UNRESERVED), fc.boolean()).map(([char, lower]) => [anyCaseEscape(char.charCodeAt(0), lower), char] as const),
  // Any other escaped byte (sub-delims, /, ?, #, %, space, UTF-8 bytes) goes out escaped, in upper case.
  fc.tuple(fc.integer({ min: 0, max: 255 }).filter((byte) => !isUnreservedByte(byte)), fc.boolean())
    .map(([byte, lower]) => [anyCaseEscape(byte, lower), upperEscape(byte)] as const),
  // Any other character given raw (no %, / or ?) goes out as its UTF-8 bytes, escaped.
  fc.oneof(fc.constantFrom(" ", "\"", "<", ">", "^", "`", "{", "|", "}", "[", "]", "\\", "#"), fc.fullUnicode().filter((c) => c.charCodeAt(0) > 0x7f))
    .map((char) => [char, [...Buffer.from(char, "utf8")].map(upperEscape).join("")] as const)
)
// Without the segments that go out as "." or "..": those are resolved (tested above).
const segment = fc.array(token, { minLength: 1, maxLength: 8 })
  .filter((tokens) => ![".", ".."].includes(tokens.map(([, sent]) => sent).join("")))

describe("the wire spelling, on random segments", () => {
  it.prop("each piece of each segment goes out as the model says, and the URL re-parses to itself", {
    segments: fc.array(segment, { minLength: 1, maxLength: 4 })
  }, ({ segments }) => {
    const given = "/" + segments.map((tokens) => tokens.map(([piece]) => piece).join("")).join("/")
    const sent = "/prod/" + segments.map((tokens) => tokens.map(([, piece]) => piece).join("")).join("/")
    const { url } = signer.signRequest({ method: "GET", path: given })
    expect(url).toBe("https://abc123.execute-api.eu-west-1.amazonaws.com" + sent)
    expect(new URL(url).href).toBe(url)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("the spelling is idempotent: a wire path signs to itself", { text: fc.string({ unit: "grapheme" }) }, ({ text }) => {
    expect(wirePathSegment(wirePathSegment(text))).toBe(wirePathSegment(text))
  })
})
