/**
 * The two crypto adapters agree: @noble/hashes (browsers, Workers) computes
 * exactly what node:crypto computes, on any text and any bytes.
 */
import { createHash, createHmac } from "node:crypto"
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as node from "../src/internal/crypto/node.js"
import * as web from "../src/internal/crypto/web.js"
import { isWellFormedText } from "../src/internal/sigv4/uriEncoding.js"

const data = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.uint8Array({ maxLength: 300 }))
// Keys as long as a signing key (32 bytes), and longer than SHA-256's block (64 bytes), which HMAC hashes first.
const key = fc.uint8Array({ minLength: 0, maxLength: 100 })
const text = fc.string({ unit: "binary", maxLength: 300 })
// The web adapter encodes texts of up to 4,096 UTF-16 units into one reused buffer and longer
// ones into their own: texts on both sides of that line, in every width of UTF-8.
const character = fc.constantFrom("a", "é", "€", "😀")
const textNearScratchLimit = fc
  .tuple(character, fc.integer({ min: 4090, max: 4100 }), text)
  .map(([unit, units, tail]) => unit.repeat(Math.ceil(units / unit.length)).slice(0, units - tail.length) + tail)
  .filter(isWellFormedText)

describe("the crypto adapters agree", () => {
  it.prop("sha256Hex, with node:crypto's createHash as the judge", [data], ([input]) => {
    fc.pre(typeof input !== "string" || isWellFormedText(input))
    const expected = createHash("sha256").update(input).digest("hex")
    expect(node.sha256Hex(input)).toBe(expected)
    expect(web.sha256Hex(input)).toBe(expected)
  })

  it.prop("hmacSha256 (signing-key derivation)", [key, text], ([secret, message]) => {
    fc.pre(isWellFormedText(message))
    const expected = new Uint8Array(createHmac("sha256", secret).update(message).digest())
    expect(node.hmacSha256(secret, message)).toEqual(expected)
    expect(web.hmacSha256(secret, message)).toEqual(expected)
  })

  it.prop("hmacSha256Hex with a prepared key, used again and again", [key, fc.array(text, { minLength: 1, maxLength: 4 })], ([secret, messages]) => {
    fc.pre(messages.every(isWellFormedText))
    const nodeKey = node.hmacKey(secret)
    const webKey = web.hmacKey(secret)
    for (const message of messages) {
      const expected = createHmac("sha256", secret).update(message).digest("hex")
      expect(node.hmacSha256Hex(nodeKey, message)).toBe(expected)
      expect(web.hmacSha256Hex(webKey, message)).toBe(expected)
    }
  })

  it.prop(
    "sha256Hex and hmacSha256Hex called in turn, on short texts and on texts around the scratch buffer's size",
    [fc.array(fc.tuple(fc.boolean(), fc.oneof(text, textNearScratchLimit)), { minLength: 1, maxLength: 6 }), key],
    ([calls, secret]) => {
      const webKey = web.hmacKey(secret)
      for (const [keyed, message] of calls) {
        fc.pre(isWellFormedText(message))
        if (keyed) expect(web.hmacSha256Hex(webKey, message)).toBe(createHmac("sha256", secret).update(message).digest("hex"))
        else expect(web.sha256Hex(message)).toBe(createHash("sha256").update(message).digest("hex"))
      }
    },
    { fastCheck: { numRuns: 60 } }
  )

  it("a text of 4,096 three-byte characters, which fills the scratch buffer exactly, hashes as node:crypto does", () => {
    const full = "€".repeat(4096)
    expect(web.sha256Hex(full)).toBe(createHash("sha256").update(full).digest("hex"))
    expect(web.sha256Hex(full + "€")).toBe(createHash("sha256").update(full + "€").digest("hex"))
  })

  it("a string key is taken as UTF-8, as AWS derives \"AWS4\" + secret", () => {
    const expected = createHmac("sha256", "AWS4sécret").update("20150830").digest("hex")
    expect(Buffer.from(web.hmacSha256("AWS4sécret", "20150830")).toString("hex")).toBe(expected)
    expect(Buffer.from(node.hmacSha256("AWS4sécret", "20150830")).toString("hex")).toBe(expected)
  })
})

describe("the web adapter leaves no encoded text behind (a canonical request carries the session token)", () => {
  afterEach(() => vi.restoreAllMocks())
  const token = "IQoJb3JpZ2lu-TOKEN-"

  it.each([["a short text, encoded into the scratch buffer", 200], ["a long text, encoded into its own array", 5000]])("%s", (_, length) => {
    const buffers: Array<Uint8Array> = []
    const encodeInto = TextEncoder.prototype.encodeInto
    const encode = TextEncoder.prototype.encode
    vi.spyOn(TextEncoder.prototype, "encodeInto").mockImplementation(function (this: InstanceType<typeof TextEncoder>, text, into) {
      buffers.push(into)
      return encodeInto.call(this, text, into)
    })
    vi.spyOn(TextEncoder.prototype, "encode").mockImplementation(function (this: InstanceType<typeof TextEncoder>, text) {
      const bytes = encode.call(this, text)
      buffers.push(bytes)
      return bytes
    })
    const text = token.repeat(Math.ceil(length / token.length))
    web.sha256Hex(text)
    web.hmacSha256Hex(web.hmacKey(new Uint8Array(32)), text)
    expect(buffers.length).toBeGreaterThan(0)
    expect(buffers.every((bytes) => bytes.every((byte) => byte === 0))).toBe(true)
  })

  it("the encoded \"AWS4\" + secret key of a signing-key derivation is wiped once the HMAC holds it", () => {
    const encoded: Array<readonly [string, Uint8Array]> = []
    const encode = TextEncoder.prototype.encode
    vi.spyOn(TextEncoder.prototype, "encode").mockImplementation(function (this: InstanceType<typeof TextEncoder>, text) {
      const bytes = encode.call(this, text)
      encoded.push([text ?? "", bytes])
      return bytes
    })
    web.hmacSha256("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830")
    const key = encoded.find(([text]) => text.startsWith("AWS4"))
    expect(key).toBeDefined()
    expect(key![1].every((byte) => byte === 0)).toBe(true)
  })
})
