/**
 * The query: the caller's parameters (and any `?query` in the path) as
 * encoded pairs, which sorted are both the wire query and the canonical one.
 *
 * @internal
 */
import { isURLSearchParams } from "../brand.js"
import { invalidRequest } from "../signingErrors.js"
import type { EncodedQueryPair } from "../sigv4/canonicalQuery.js"
import { uriEncode } from "../sigv4/uriEncoding.js"
import { entriesOf } from "./collections.js"
import { describe, loneSurrogate, quote, quoteAtLoneSurrogate } from "./describe.js"

const { hasOwnProperty } = Object.prototype

const queryEntries = (params: unknown): Iterable<readonly [unknown, unknown]> =>
  isURLSearchParams(params)
    ? params
    : entriesOf(
      params,
      "queryParams",
      "key",
      `queryParams must be an object such as { page: 2 }, a URLSearchParams, a Map or a list of pairs; got ${describe(params)}.`
    )

const queryValueText = (key: string, value: unknown): string => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      if (Number.isFinite(value)) return String(value)
      break
    case "boolean":
    case "bigint":
      return String(value)
  }
  throw invalidRequest(
    "queryParams",
    `Query parameter ${quote(key)} is ${describe(value)}; pass a string, number or boolean ` +
      "(JSON.stringify an object, use .toISOString() for a Date), or an array of them to repeat the key."
  )
}

/**
 * RFC 3986 encoding of a query key or value; a lone surrogate (no UTF-8 encoding) is a SigningError.
 * The error names the text as `what` followed by the key, quoted: built only then (a `quote`
 * per parameter per signature otherwise), and from plain arguments rather than a closure, which
 * would be allocated for every key and value of every signature.
 */
const encodeQueryComponent = (what: string, key: string, text: string): string => {
  try {
    return uriEncode(text)
  } catch {
    // encodeURIComponent throws on a lone surrogate, which has no UTF-8 encoding.
    // The key is quoted around its lone surrogate when it is the text refused; else (a value's) from its beginning.
    throw loneSurrogate("queryParams", what + (text === key ? quoteAtLoneSurrogate(key) : quote(key)))
  }
}

const appendQueryParam = (key: unknown, value: unknown, pairs: Array<EncodedQueryPair>): void => {
  if (value === undefined || value === null) return
  if (typeof key !== "string") {
    throw invalidRequest("queryParams", `Query parameter names must be strings; got ${describe(key)}.`)
  }
  const encodedKey = encodeQueryComponent("Query parameter name ", key, key)
  if (!Array.isArray(value)) {
    pairs.push([encodedKey, encodeQueryComponent("Query parameter ", key, queryValueText(key, value))])
    return
  }
  for (const item of value) {
    if (item === undefined || item === null) continue
    pairs.push([encodedKey, encodeQueryComponent("Query parameter ", key, queryValueText(key, item))])
  }
}

/**
 * Appends the caller's query parameters to `pairs`. `undefined` and `null`
 * values are skipped on purpose: optional parameters can be passed inline.
 */
export const appendQueryParams = (params: unknown, pairs: Array<EncodedQueryPair>): void => {
  if (params === undefined || params === null) return
  if (Object.getPrototypeOf(params) === Object.prototype) {
    const record = params as Record<string, unknown>
    // Object.prototype.hasOwnProperty, not Object.hasOwn (the same check): V8 turns it into a map check
    // inside for-in, and Object.hasOwn not (measured: 8 ns against 22 ns for two parameters).
    for (const key in record) if (hasOwnProperty.call(record, key)) appendQueryParam(key, record[key], pairs)
    return
  }
  for (const [key, value] of queryEntries(params)) appendQueryParam(key, value, pairs)
}
