/**
 * The wire spelling of one path segment. What RFC 3986 lets a segment hold
 * as it is (`pchar`: the unreserved characters, the sub-delims
 * `!$&'()*+,;=`, `:` and `@`) goes out as the caller gave it: raw stays raw
 * (`/@connections/`, as the AWS SDKs send it), an escape stays an escape
 * (`%3D` is not `=` to every server). Everything else is percent-encoded as
 * UTF-8: spaces, non-ASCII, `"<>\^`{|}`, a `%` that starts no escape.
 *
 * But `'`, which goes out as `%27`: Node's legacy `url.parse`, on which
 * axios 0.x, node-fetch 2, request and superagent build the request line,
 * escapes it, so a raw `'` would be signed and `%27` sent. Every parser keeps
 * `%27`, API Gateway decodes it to `'`, and the AWS SDKs send it so.
 *
 * Two normalizations of RFC 3986 section 6.2.2 apply, because clients,
 * proxies and servers may apply them on the way and the path they read must
 * be the one signed: escapes in upper case (`%3d` is sent `%3D`), and
 * escapes of unreserved characters decoded (`%7E` is sent `~`; WHATWG URL
 * parsers, fetch's, read `%2E%2E` as a `..` segment anyway).
 *
 * @internal
 */
import { BYTE_ENCODING, hexValue } from "../sigv4/uriEncoding.js"

/** A segment of `pchar`s without `%` or `'`: already in its wire spelling. */
const PCHAR_ONLY = /^[A-Za-z0-9\-._~!$&()*+,;=:@]*$/

const PCHAR_CHAR = /^[A-Za-z0-9\-._~!$&()*+,;=:@]$/

/** How a byte written raw goes out: a `pchar` (but `%` and `'`) as it is, anything else escaped. */
const RAW_BYTE: ReadonlyArray<string> = BYTE_ENCODING.map((encoded, byte) =>
  byte < 0x80 && PCHAR_CHAR.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : encoded)

/** How an escaped byte goes out: as SigV4 encodes it, an unreserved character decoded, anything else escaped (upper case). */
const ESCAPED_BYTE = BYTE_ENCODING

const utf8 = new TextEncoder()

/**
 * One path segment (no `/`) in its wire spelling. The caller guarantees the
 * text is well-formed UTF-16 (`isWellFormedText`). Idempotent.
 */
export const wirePathSegment = (segment: string): string => {
  if (PCHAR_ONLY.test(segment)) return segment
  const bytes = utf8.encode(segment)
  let out = ""
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]!)
      const low = hexValue(bytes[i + 2]!)
      if (high >= 0 && low >= 0) {
        out += ESCAPED_BYTE[high * 16 + low]
        i += 2
        continue
      }
    }
    out += RAW_BYTE[byte]
  }
  return out
}
