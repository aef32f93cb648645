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

/** `[lower-case name, canonical value]`, sorted by name, each name once. */
export type CanonicalHeaderEntries = ReadonlyArray<readonly [lowerCaseName: string, value: string]>

type NamedValue = readonly [lowerCaseName: string, value: string]

/** Orders header entries by name (code-unit order, as SigV4 sorts). */
const byName = (a: NamedValue, b: NamedValue): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/**
 * The signable headers among `headers` (lower-case names, in wire order) with
 * their canonical values, sorted by name. The sort is stable: a repeated
 * header's values keep their order.
 */
export const sortedCanonicalEntries = (headers: Iterable<NamedValue>): Array<NamedValue> => {
  const entries: Array<NamedValue> = []
  for (const [name, value] of headers) {
    if (isSignableHeader(name)) entries.push([name, canonicalHeaderValue(value)])
  }
  return entries.sort(byName)
}

/**
 * Canonicalizes the signable headers among `headers` (any case, in wire
 * order). A header that appears more than once is one entry whose values are
 * joined by `,` in the order they appeared.
 */
export const canonicalHeaderEntries = (
  headers: Iterable<readonly [name: string, value: string]>
): CanonicalHeaderEntries => {
  const lowerCased: Array<NamedValue> = []
  for (const [name, value] of headers) lowerCased.push([name.toLowerCase(), value])
  const merged: Array<NamedValue> = []
  for (const entry of sortedCanonicalEntries(lowerCased)) {
    const last = merged[merged.length - 1]
    if (last !== undefined && last[0] === entry[0]) merged[merged.length - 1] = [last[0], last[1] + "," + entry[1]]
    else merged.push(entry)
  }
  return merged
}

/** The headers block of a canonical request and the matching `SignedHeaders` list. */
export interface CanonicalHeaders {
  /** `name:value` lines, sorted by name, joined by `\n` (no trailing newline). */
  readonly lines: string
  /** Lower-case names, sorted, joined by `;`. */
  readonly signedHeaders: string
}

/**
 * The canonical headers of two sorted entry lists merged: a request's own
 * headers and the ones signing adds (x-amz-date and its kin).
 */
export const mergeCanonicalHeaders = (own: CanonicalHeaderEntries, added: CanonicalHeaderEntries): CanonicalHeaders => {
  let lines = ""
  let signedHeaders = ""
  let i = 0
  let j = 0
  while (i < own.length || j < added.length) {
    const next = j >= added.length || (i < own.length && own[i]![0] < added[j]![0]) ? own[i++]! : added[j++]!
    lines += (lines === "" ? "" : "\n") + next[0] + ":" + next[1]
    signedHeaders += (signedHeaders === "" ? "" : ";") + next[0]
  }
  return { lines, signedHeaders }
}

/** Canonicalizes wire headers into the headers block and `SignedHeaders` list. */
export const canonicalHeaders = (headers: Iterable<readonly [name: string, value: string]>): CanonicalHeaders =>
  mergeCanonicalHeaders(canonicalHeaderEntries(headers), [])
