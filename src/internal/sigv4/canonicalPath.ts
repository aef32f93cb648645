/**
 * Task 1, line 2 of the canonical request: the canonical URI.
 *
 * @internal
 */
import { BYTE_ENCODING, hexValue, uriEncode } from "./uriEncoding.js"

// `//` or a `.` or `..` segment: without either, a path is already normal.
const NEEDS_NORMALIZING = /\/\/|(?:^|\/)\.\.?(?:\/|$)/

/**
 * Removes `.` and `..` segments and collapses `//`, as every AWS service but S3
 * does before signing. A leading `/` stays; a trailing `/` stays unless the
 * path normalizes to the root.
 */
export const normalizePath = (path: string): string => {
  if (!NEEDS_NORMALIZING.test(path)) return path
  const segments: Array<string> = []
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") segments.pop()
    else segments.push(segment)
  }
  const leading = path.startsWith("/") ? "/" : ""
  const trailing = segments.length > 0 && path.endsWith("/") ? "/" : ""
  return leading + segments.join("/") + trailing
}

const ALREADY_CANONICAL = /^[A-Za-z0-9\-._~/]*$/

/**
 * Percent-encodes each segment of a path as it travels on the wire. Applied to
 * a wire path that is already percent-encoded, this is the "double encoding"
 * the SigV4 specification asks of every service but S3: `%20` becomes `%2520`.
 */
const encodePathSegments = (path: string): string =>
  ALREADY_CANONICAL.test(path) ? path : path.split("/").map(uriEncode).join("/")

const utf8 = new TextEncoder()

/**
 * S3's canonical URI: the wire path decoded and encoded once (RFC 3986), as S3 reads a key from it and signs the
 * key: escapes read as the bytes they stand for (`%2F` as a `/`), a raw `+` as a space (S3's form-encoding
 * legacy: a key with a plus is sent `%2B`), then every byte but `/` and the unreserved characters escaped (upper
 * case). A sub-delim, `:` or `@` sent raw is so signed escaped (`year=2024` as `year%3D2024`), as S3 and aws4 sign
 * it; signed raw, it fails with SignatureDoesNotMatch.
 */
const encodePathOnce = (path: string): string => {
  if (ALREADY_CANONICAL.test(path)) return path
  const bytes = utf8.encode(path)
  let out = ""
  for (let i = 0; i < bytes.length; i++) {
    let byte = bytes[i]!
    if (byte === 0x2b) byte = 0x20
    else if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]!)
      const low = hexValue(bytes[i + 2]!)
      if (high >= 0 && low >= 0) {
        byte = high * 16 + low
        i += 2
      }
    }
    out += byte === 0x2f ? "/" : BYTE_ENCODING[byte]
  }
  return out
}

/** Options of the canonical URI. */
export interface CanonicalPathOptions {
  /** Remove dot segments and collapse `//` (default for every service but S3). */
  readonly normalize: boolean
  /** Encode the wire path once more (default for every service but S3, which encodes the decoded path once). */
  readonly doubleEncode: boolean
}

/** The canonical URI of a wire path (the path of the request line, without its query). */
export const canonicalPath = (wirePath: string, options: CanonicalPathOptions): string => {
  const path = wirePath === "" ? "/" : wirePath
  const normalized = options.normalize ? normalizePath(path) : path
  const canonical = options.doubleEncode ? encodePathSegments(normalized) : encodePathOnce(normalized)
  return canonical === "" ? "/" : canonical
}
