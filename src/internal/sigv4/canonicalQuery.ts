/**
 * Task 1, line 3 of the canonical request: the canonical query string.
 *
 * @internal
 */
import { normalizeEncoding, plusAsSpace } from "./uriEncoding.js"

/** A query parameter whose key and value are already RFC 3986 encoded. */
export type EncodedQueryPair = readonly [key: string, value: string]

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Orders parameters by encoded key, then by encoded value. Encoded strings are
 * ASCII, so JavaScript's code-unit order is the byte order SigV4 asks for.
 */
const compareQueryPairs = (a: EncodedQueryPair, b: EncodedQueryPair): number =>
  compareStrings(a[0], b[0]) || compareStrings(a[1], b[1])

/** Up to this many parameters, an insertion sort: Array#sort's set-up costs more than sorting a few. */
const FEW = 16

/** Encoded parameters in canonical order (a copy, but for 0 or 1 pairs, which come back as given; repeated keys and empty values stay). */
export const sortQueryPairs = (pairs: ReadonlyArray<EncodedQueryPair>): ReadonlyArray<EncodedQueryPair> => {
  if (pairs.length <= 1) return pairs
  if (pairs.length > FEW) return [...pairs].sort(compareQueryPairs)
  const sorted = pairs.slice()
  for (let i = 1; i < sorted.length; i++) {
    const pair = sorted[i]!
    let j = i
    for (; j > 0 && compareQueryPairs(sorted[j - 1]!, pair) > 0; j--) sorted[j] = sorted[j - 1]!
    sorted[j] = pair
  }
  return sorted
}

/** Joins encoded parameters as they are ordered: `a=1&a=2&b=`. */
export const joinQueryPairs = (pairs: ReadonlyArray<EncodedQueryPair>): string => {
  let out = ""
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!
    out += (i === 0 ? "" : "&") + pair[0] + "=" + pair[1]
  }
  return out
}

/** Sorts encoded parameters and joins them: the canonical query string. */
export const formatCanonicalQuery = (pairs: ReadonlyArray<EncodedQueryPair>): string => joinQueryPairs(sortQueryPairs(pairs))

/**
 * Reads a raw query string (what follows `?` on the wire) into encoded pairs:
 * each key and value is percent-decoded, then re-encoded per RFC 3986. A `+`
 * is a space (`a+b` is `a%20b`, as API Gateway reads it) and `%2B` a plus.
 * `k` and `k=` both mean an empty value. Empty pieces (`a=1&&b=2`, a trailing
 * `&`) carry no parameter.
 */
export const parseQueryString = (query: string): Array<EncodedQueryPair> => {
  const pairs: Array<EncodedQueryPair> = []
  if (query === "") return pairs
  for (const piece of query.split("&")) {
    if (piece === "") continue
    const equals = piece.indexOf("=")
    const key = equals === -1 ? piece : piece.slice(0, equals)
    const value = equals === -1 ? "" : piece.slice(equals + 1)
    pairs.push([normalizeEncoding(plusAsSpace(key)), normalizeEncoding(plusAsSpace(value))])
  }
  return pairs
}

/** The canonical query string of a raw query string. */
export const canonicalQueryString = (query: string): string =>
  formatCanonicalQuery(parseQueryString(query))
