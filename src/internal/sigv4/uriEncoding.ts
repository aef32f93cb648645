/**
 * RFC 3986 percent-encoding as SigV4 defines it: the unreserved characters
 * `A-Z a-z 0-9 - _ . ~` stay, every other byte becomes `%XY` with upper-case hex.
 *
 * @internal
 */

/** Whether a UTF-16 code unit is an unreserved character: `A-Z a-z 0-9 - . _ ~`. */
const isUnreservedCode = (code: number): boolean =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
  code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e

/**
 * Whether text is made of unreserved characters only: its own encoding. A
 * loop over the code units, not a regex: every query key and value of every
 * signature is asked, and on such short texts a RegExp#test costs two to
 * three times the loop (measured: 4% of a facade signature with two parameters).
 */
const isUnreservedText = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (!isUnreservedCode(text.charCodeAt(i))) return false
  return true
}
// encodeURIComponent leaves these sub-delimiters alone; RFC 3986 (and SigV4) does not.
const NOT_ENCODED_BY_ENCODE_URI_COMPONENT = /[!'()*]/g

const hexEscape = (char: string): string => "%" + char.charCodeAt(0).toString(16).toUpperCase()

/** Byte value to its SigV4 encoding, precomputed: unreserved bytes map to themselves. */
export const BYTE_ENCODING: ReadonlyArray<string> = Array.from({ length: 256 }, (_, byte) => {
  return isUnreservedCode(byte)
    ? String.fromCharCode(byte)
    : "%" + byte.toString(16).toUpperCase().padStart(2, "0")
})

/**
 * Encodes text (taken as UTF-8) per RFC 3986. The caller guarantees the text is
 * well-formed UTF-16 (no lone surrogate); `isWellFormedText` checks that.
 */
export const uriEncode = (text: string): string =>
  isUnreservedText(text)
    ? text
    : encodeURIComponent(text).replace(NOT_ENCODED_BY_ENCODE_URI_COMPONENT, hexEscape)

/** Encodes raw bytes per RFC 3986. */
export const uriEncodeBytes = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i++) out += BYTE_ENCODING[bytes[i]!]
  return out
}

const utf8 = new TextEncoder()

/** The value of an ASCII hex digit (either case), or -1. */
export const hexValue = (byte: number): number =>
  byte >= 0x30 && byte <= 0x39 ? byte - 0x30
  : byte >= 0x41 && byte <= 0x46 ? byte - 0x37
  : byte >= 0x61 && byte <= 0x66 ? byte - 0x57
  : -1

/**
 * Percent-decodes text to bytes. Characters are taken as UTF-8; a `%` that does
 * not start a valid `%XY` escape is a literal percent sign (as browsers and
 * API Gateway read it). Decoding to bytes, not to a string, keeps escapes of
 * invalid UTF-8 (e.g. `%FF`) byte-exact.
 */
export const percentDecode = (text: string): Uint8Array => {
  const bytes = utf8.encode(text)
  if (text.indexOf("%") === -1) return bytes
  let write = 0
  for (let read = 0; read < bytes.length; read++) {
    const byte = bytes[read]!
    if (byte === 0x25 && read + 2 < bytes.length) {
      const high = hexValue(bytes[read + 1]!)
      const low = hexValue(bytes[read + 2]!)
      if (high >= 0 && low >= 0) {
        bytes[write++] = high * 16 + low
        read += 2
        continue
      }
    }
    bytes[write++] = byte
  }
  return bytes.subarray(0, write)
}

/**
 * The one spelling of a URI component that every SigV4 implementation agrees on:
 * decode the escapes that are there, then encode everything but unreserved bytes.
 * `a b` and `a%20b` both become `a%20b`; `%7e` becomes `~`; `%2f` becomes `%2F`.
 */
export const normalizeEncoding = (component: string): string =>
  isUnreservedText(component) ? component : uriEncodeBytes(percentDecode(component))

/**
 * A query component with each `+` read as a space (`%20`), before its escapes
 * are: a query is form-encoded, and API Gateway reads it so (a raw `+` is a
 * space in `queryStringParameters`, and in the signature it verifies), as do
 * `URLSearchParams`, aws4 and aws4fetch. A literal plus travels as `%2B`.
 */
export const plusAsSpace = (component: string): string => (component.includes("+") ? component.replace(/\+/g, "%20") : component)

// Made on first use: the signing path never decodes, so it pays nothing at load.
let utf8Decoder: { decode(bytes: Uint8Array): string } | undefined

/**
 * A query component as a server reads it: `+` as a space, percent-decoded,
 * then read as UTF-8 (invalid sequences as U+FFFD). A leading U+FEFF is
 * kept: it is part of the text sent (TextDecoder drops it by default).
 */
export const decodeParam = (value: string): string =>
  (utf8Decoder ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(percentDecode(plusAsSpace(value)))

// A high surrogate not followed by a low one, or a low one not preceded by a high one. No lookbehind for the
// latter: Safari before 16.4 refuses a regex with one, and with it the whole module.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** True when the string has no lone UTF-16 surrogate, so it has a UTF-8 encoding. */
export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text)
