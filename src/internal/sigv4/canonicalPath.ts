/**
 * Task 1, line 2 of the canonical request: the canonical URI.
 *
 * @internal
 */
import { uriEncode } from "./uriEncoding.js"

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

/** Options of the canonical URI. */
export interface CanonicalPathOptions {
  /** Remove dot segments and collapse `//` (default for every service but S3). */
  readonly normalize: boolean
  /** Encode the wire path once more (default for every service but S3). */
  readonly doubleEncode: boolean
}

/** The canonical URI of a wire path (the path of the request line, without its query). */
export const canonicalPath = (wirePath: string, options: CanonicalPathOptions): string => {
  const path = wirePath === "" ? "/" : wirePath
  const normalized = options.normalize ? normalizePath(path) : path
  const canonical = options.doubleEncode ? encodePathSegments(normalized) : normalized
  return canonical === "" ? "/" : canonical
}
