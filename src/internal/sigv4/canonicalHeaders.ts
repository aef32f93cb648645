/**
 * Task 1, lines 4 and 5 of the canonical request: canonical headers and the
 * signed-headers list.
 *
 * @internal
 */

/**
 * Headers a client, proxy or load balancer may add, drop or rewrite in transit.
 * Signing one of them would make a valid request fail verification, so they are
 * never signed (the same list as the AWS SDK for JavaScript v3).
 */
const UNSIGNABLE_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id"
])

/** True when a lower-case header name may be signed. `proxy-*` and browser `sec-*` headers may not. */
export const isSignableHeader = (lowerCaseName: string): boolean =>
  !UNSIGNABLE_HEADERS.has(lowerCaseName) &&
  !lowerCaseName.startsWith("proxy-") &&
  !lowerCaseName.startsWith("sec-")

const NEEDS_TRIMMING = /[\r\n\t]| {2}|^ | $/
const LINE_BREAKS = /[\r\n]/g
const SPACE_RUNS = /[ \t]+/g

/**
 * Trims a header value and collapses each run of spaces and tabs to one space.
 * An obsolete line fold (a line break inside the value) counts as a space.
 * Only HTTP's own whitespace counts: that is what HTTP clients trim on the wire.
 */
export const canonicalHeaderValue = (value: string): string =>
  NEEDS_TRIMMING.test(value)
    ? value.replace(LINE_BREAKS, " ").replace(SPACE_RUNS, " ").replace(/^ | $/g, "")
    : value

/** The headers block of a canonical request and the matching `SignedHeaders` list. */
export interface CanonicalHeaders {
  /** `name:value` lines, sorted by name, joined by `\n` (no trailing newline). */
  readonly lines: string
  /** Lower-case names, sorted, joined by `;`. */
  readonly signedHeaders: string
}

type NamedValue = readonly [lowerCaseName: string, value: string]

const byName = (a: NamedValue, b: NamedValue): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/**
 * Canonicalizes the signable headers among `headers` (any case, in wire order).
 * A header that appears more than once is one line whose values are joined by
 * `,` in the order they appeared.
 */
export const canonicalHeaders = (
  headers: Iterable<readonly [name: string, value: string]>
): CanonicalHeaders => {
  const entries: Array<NamedValue> = []
  for (const [name, value] of headers) {
    const lowerCaseName = name.toLowerCase()
    if (isSignableHeader(lowerCaseName)) entries.push([lowerCaseName, canonicalHeaderValue(value)])
  }
  entries.sort(byName) // stable: repeated headers keep their order
  let lines = ""
  let signedHeaders = ""
  for (let i = 0; i < entries.length; i++) {
    const [name, value] = entries[i]!
    if (i > 0 && entries[i - 1]![0] === name) {
      lines += "," + value
      continue
    }
    lines += (i === 0 ? "" : "\n") + name + ":" + value
    signedHeaders += (i === 0 ? "" : ";") + name
  }
  return { lines, signedHeaders }
}
