/**
 * The protocol steps, one file each in src/internal/sigv4, as a specification.
 */
import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { hmacSha256Hex } from "#crypto"
import { Secret } from "../src/internal/secret.js"
import { formatAmzDate, parseAmzDate } from "../src/internal/sigv4/amzDate.js"
import { canonicalHeaders, canonicalHeaderValue, isSignableHeader } from "../src/internal/sigv4/canonicalHeaders.js"
import { canonicalPath, normalizePath } from "../src/internal/sigv4/canonicalPath.js"
import { canonicalQueryString } from "../src/internal/sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "../src/internal/sigv4/payloadHash.js"
import { addSignatureHeaders, SIGNATURE_HEADERS } from "../src/internal/sigv4/signatureHeaders.js"
import { deriveSigningKey, SCOPES_PER_SECRET, signingKey } from "../src/internal/sigv4/signingKey.js"
import { isWellFormedText, normalizeEncoding, percentDecode, uriEncode, uriEncodeBytes } from "../src/internal/sigv4/uriEncoding.js"
import { spelledVariously, text } from "./support/arbitraries.js"

describe("isWellFormedText", () => {
  // Strings dense in surrogates, high and low, paired and not, at either end and side by side.
  const surrogateDense = fc.array(fc.constantFrom("a", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uD83D\uDE00"), { maxLength: 8 }).map((units) => units.join(""))

  // encodeURIComponent throws on a lone surrogate, and only on one: the judge.
  const encodable = (text: string): boolean => {
    try {
      encodeURIComponent(text)
      return true
    } catch {
      return false
    }
  }

  it.prop("is true exactly when the text has a UTF-8 encoding (encodeURIComponent as the judge)", [fc.oneof(surrogateDense, fc.string({ unit: "binary", maxLength: 40 }))], ([text]) => {
    expect(isWellFormedText(text)).toBe(encodable(text))
  })
})

describe("uriEncode", () => {
  it("keeps the unreserved characters A-Z a-z 0-9 - _ . ~", () => {
    expect(uriEncode("AZaz09-_.~")).toBe("AZaz09-_.~")
  })

  it("encodes everything else as %XY in upper case, including what encodeURIComponent keeps", () => {
    expect(uriEncode("!'()* +/=&?#%")).toBe("%21%27%28%29%2A%20%2B%2F%3D%26%3F%23%25")
  })

  it("encodes text as UTF-8", () => {
    expect(uriEncode("ሴ😀")).toBe("%E1%88%B4%F0%9F%98%80")
  })

  it.prop("agrees with encoding the UTF-8 bytes", { text: fc.string({ unit: "binary" }) }, ({ text }) => {
    expect(uriEncode(text)).toBe(uriEncodeBytes(Buffer.from(text, "utf8")))
  })
})

describe("percentDecode and normalizeEncoding", () => {
  it("decode valid escapes in either case, byte-exact (even invalid UTF-8)", () => {
    expect([...percentDecode("%41%e1%88%b4%FF")]).toEqual([0x41, 0xe1, 0x88, 0xb4, 0xff])
  })

  it("leave a % that starts no escape as a literal percent sign", () => {
    expect(Buffer.from(percentDecode("100%-%zz%4")).toString()).toBe("100%-%zz%4")
  })

  it("bring every spelling of a component to one", () => {
    for (const spelling of ["a b~", "a%20b~", "a%20b%7e", "a%20b%7E"]) expect(normalizeEncoding(spelling)).toBe("a%20b~")
    expect(normalizeEncoding("%2f")).toBe("%2F")
    expect(normalizeEncoding("a+b")).toBe("a%2Bb")
  })

  // Components as they come: unicode, reserved characters, stray "%" and "%XX" escapes in either case.
  const component = fc.oneof(
    text(12),
    text(12).chain((value) => spelledVariously(value, /^[A-Za-z0-9\-._~]$/)),
    text(12).chain((value) => spelledVariously(value, /^[^%]$/u))
  )

  it.prop("normalizeEncoding is idempotent", { component }, ({ component }) => {
    expect(normalizeEncoding(normalizeEncoding(component))).toBe(normalizeEncoding(component))
  })

  it.prop("normalizeEncoding gives every spelling of the same text the same form: the text's own encoding", {
    spellings: text(12).chain((value) =>
      fc.tuple(fc.constant(value), spelledVariously(value, /^[^%]$/u), spelledVariously(value, /^[^%]$/u))
    )
  }, ({ spellings: [value, a, b] }) => {
    expect(normalizeEncoding(a)).toBe(normalizeEncoding(b))
    expect(normalizeEncoding(a)).toBe(uriEncode(value))
  })
})

describe("canonicalPath", () => {
  const options = { normalize: true, doubleEncode: true }

  it("encodes the wire path once more: %20 becomes %2520", () => {
    expect(canonicalPath("/documents%20and%20settings/", options)).toBe("/documents%2520and%2520settings/")
  })

  it("removes dot segments and collapses // when normalizing", () => {
    expect(normalizePath("//a/./b//../c/")).toBe("/a/c/")
    expect(normalizePath("/a/..")).toBe("/")
    expect(canonicalPath("/example1/example2/../..", options)).toBe("/")
  })

  it("keeps the path as sent when neither normalizing nor double encoding (S3)", () => {
    expect(canonicalPath("//a/./b%20c", { normalize: false, doubleEncode: false })).toBe("//a/./b%20c")
  })

  it("treats an empty path as /", () => {
    expect(canonicalPath("", options)).toBe("/")
  })
})

describe("canonicalQueryString", () => {
  it("sorts by encoded key, then by value, keeping repeated keys and empty values", () => {
    expect(canonicalQueryString("b=2&a=2&a=1&c&d=")).toBe("a=1&a=2&b=2&c=&d=")
  })

  it("sorts by the encoded key, so %E1%88%B4 comes before P", () => {
    expect(canonicalQueryString("Param=1&%E1%88%B4=2")).toBe("%E1%88%B4=2&Param=1")
  })

  it("reads + as a space (%20), as API Gateway reads a query, and %2B as a plus", () => {
    expect(canonicalQueryString("q=a+b&r=a%20b&s=a b&t=a%2Bb&u+v=w")).toBe("q=a%20b&r=a%20b&s=a%20b&t=a%2Bb&u%20v=w")
  })

  it("skips empty pieces", () => {
    expect(canonicalQueryString("a=1&&b=2&")).toBe("a=1&b=2")
  })

  it("splits a piece at its first =", () => {
    expect(canonicalQueryString("a=b=c")).toBe("a=b%3Dc")
  })
})

describe("canonicalHeaders", () => {
  it("lower-cases names, sorts them, and lists them in SignedHeaders", () => {
    expect(canonicalHeaders([["X-B", "2"], ["Host", "h"], ["x-a", "1"]])).toEqual({
      lines: "host:h\nx-a:1\nx-b:2",
      signedHeaders: "host;x-a;x-b"
    })
  })

  it("trims values and collapses runs of spaces and tabs", () => {
    expect(canonicalHeaderValue("  a \t  b   c \t")).toBe("a b c")
  })

  it("joins a repeated header's values with commas, in the order they came", () => {
    expect(canonicalHeaders([["My-Header1", "value4"], ["my-header1", "value1"], ["MY-HEADER1", "value3"]]).lines).toBe("my-header1:value4,value1,value3")
  })

  it("never signs headers clients or proxies change", () => {
    for (const name of ["authorization", "user-agent", "connection", "expect", "x-amzn-trace-id", "transfer-encoding", "proxy-authorization", "sec-fetch-mode"]) {
      expect(isSignableHeader(name)).toBe(false)
    }
    expect(canonicalHeaders([["User-Agent", "x"], ["Host", "h"]]).signedHeaders).toBe("host")
  })
})

describe("amz dates", () => {
  it("format as YYYYMMDDTHHMMSSZ with the scope date", () => {
    expect(formatAmzDate(Date.UTC(2015, 7, 30, 12, 36, 0, 999))).toEqual({ amzDate: "20150830T123600Z", dateStamp: "20150830" })
  })

  it("refuse times without a four-digit year", () => {
    expect(formatAmzDate(-1)).toBeUndefined()
    expect(formatAmzDate(Date.UTC(10000, 0, 1))).toBeUndefined()
    expect(formatAmzDate(Number.NaN)).toBeUndefined()
  })

  it("parse back, refusing impossible dates", () => {
    expect(parseAmzDate("20240229T235959Z")).toBe(Date.UTC(2024, 1, 29, 23, 59, 59))
    expect(parseAmzDate("20230229T000000Z")).toBeUndefined()
    expect(parseAmzDate("2024-02-29T00:00:00Z")).toBeUndefined()
  })
})

describe("payload hash", () => {
  it("of nothing is the SHA-256 of the empty string", () => {
    expect(sha256Hex("")).toBe(EMPTY_PAYLOAD_HASH)
    expect(sha256Hex(new Uint8Array())).toBe(EMPTY_PAYLOAD_HASH)
  })

  it("hashes a string as UTF-8", () => {
    expect(sha256Hex("✓")).toBe(sha256Hex(Buffer.from("✓", "utf8")))
  })
})

describe("signing key", () => {
  it("derives HMAC(HMAC(HMAC(HMAC('AWS4' + secret, date), region), service), 'aws4_request')", () => {
    const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest()
    const expected = hmac(hmac(hmac(hmac("AWS4secret", "20150830"), "us-east-1"), "iam"), "aws4_request")
    expect(deriveSigningKey("secret", "20150830", "us-east-1", "iam")).toEqual(new Uint8Array(expected))
  })

  it("is derived once per secret and scope, then served from the cache", () => {
    const secret = new Secret("cache-test-secret")
    const first = signingKey(secret, "20240101", "us-east-1", "execute-api")
    expect(signingKey(secret, "20240101", "us-east-1", "execute-api")).toBe(first)
  })

  it("keeps a bounded number of scopes per secret, dropping the oldest", () => {
    const secret = new Secret("bounded-secret")
    const keyFor = (scope: number) => signingKey(secret, "20240101", `region-${scope}`, "s")
    const first = keyFor(0)
    for (let scope = 1; scope <= SCOPES_PER_SECRET; scope++) keyFor(scope)
    const again = keyFor(0)
    expect(again).not.toBe(first) // evicted, derived anew
    expect(hmacSha256Hex(again, "x")).toBe(hmacSha256Hex(first, "x")) // to the same value
  })

  it("keeps the key of each region a secret signs for in turn, up to 30 regions, derived once", () => {
    const secret = new Secret("every-region-secret")
    const regions = Array.from({ length: 30 }, (_, i) => `region-${i}`)
    const keys = regions.map((region) => signingKey(secret, "20240101", region, "execute-api"))
    regions.forEach((region, i) => expect(signingKey(secret, "20240101", region, "execute-api")).toBe(keys[i]))
  })
})

describe("signature headers", () => {
  it("are written in the one order SIGNATURE_HEADERS lists, each only when the signature has it", () => {
    const all = addSignatureHeaders({}, { contentSha256: "c", amzDate: "d", sessionToken: "t", authorization: "a" })
    expect(Object.keys(all)).toEqual(SIGNATURE_HEADERS)
    const some = addSignatureHeaders({}, { contentSha256: undefined, amzDate: "d", sessionToken: undefined, authorization: "a" })
    expect(Object.entries(some)).toEqual([["x-amz-date", "d"], ["authorization", "a"]])
  })

  it("name Authorization as the caller spells it, after the headers already there", () => {
    const headers = addSignatureHeaders({ host: "h" }, { contentSha256: undefined, amzDate: "d", sessionToken: undefined, authorization: "a" }, "Authorization")
    expect(Object.keys(headers)).toEqual(["host", "x-amz-date", "Authorization"])
  })
})
