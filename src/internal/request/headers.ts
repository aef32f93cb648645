/**
 * The caller's headers, checked: valid names given once, values HTTP can
 * carry (no CR, LF or NUL: they would inject headers), none of the headers
 * the signer writes itself, and no name the returned headers record cannot
 * hold (`__proto__`).
 *
 * @internal
 */
import { isHeaders } from "../brand.js"
import { invalidRequest } from "../signingErrors.js"
import { canonicalHeaderValue } from "../sigv4/canonicalHeaders.js"
import { isSignatureHeader } from "../sigv4/signatureHeaders.js"
import { entriesOf } from "./collections.js"
import { describe } from "./describe.js"

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Whether `text` is an HTTP token (RFC 9110): what a header name or a method must be. */
export const isHttpToken = (text: string): boolean => TOKEN.test(text)
const LINE_BREAK_OR_NUL = /[\r\n\0]/
const NOT_FIELD_CONTENT = /[^\t\x20-\x7e\x80-\xff]/

/** Whether `text` is a header field value as RFC 9110 allows it: tab, visible ASCII, space and obs-text. */
export const isFieldValue = (text: string): boolean => !NOT_FIELD_CONTENT.test(text)

/** A header as the caller gave it: the name as written, the value as text. */
export interface CallerHeader {
  readonly name: string
  readonly lowerCaseName: string
  readonly value: string
}

const headerEntries = (headers: unknown): Iterable<readonly [unknown, unknown]> =>
  isHeaders(headers)
    ? headers
    : entriesOf(headers, "headers", "name", `headers must be an object such as { accept: "application/json" }; got ${describe(headers)}.`)

/**
 * A value given as a list (Node's `OutgoingHttpHeaders` allows it) is one
 * header whose values are joined by `,`, as SigV4 joins a header that is
 * repeated; each value is trimmed first, so the value sent is the canonical one.
 */
const headerValueText = (name: string, value: unknown): string | undefined => {
  if (!Array.isArray(value)) return scalarHeaderValue(name, value)
  const values = value.filter((item) => item !== undefined && item !== null).map((item) => canonicalHeaderValue(scalarHeaderValue(name, item)))
  return values.length === 0 ? undefined : values.join(",")
}

const scalarHeaderValue = (name: string, value: unknown): string => {
  const text = typeof value === "string" ? value
    : (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" || typeof value === "bigint"
    ? String(value)
    : undefined
  if (text === undefined) {
    throw invalidRequest("headers", `Header ${JSON.stringify(name)} is ${describe(value)}; header values must be strings.`)
  }
  if (LINE_BREAK_OR_NUL.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${JSON.stringify(name)} contains a line break or NUL character, which could inject headers into the request; ` +
        "remove it (encode multi-line data, e.g. with encodeURIComponent or base64)."
    )
  }
  if (NOT_FIELD_CONTENT.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${JSON.stringify(name)} contains a control character or a character beyond U+00FF, which HTTP cannot carry; ` +
        "percent-encode or base64-encode the value."
    )
  }
  return text
}

/** `undefined` and `null` values skip the header, as for query parameters. */
export const prepareHeaders = (headers: unknown): Array<CallerHeader> => {
  const result: Array<CallerHeader> = []
  if (headers === undefined || headers === null) return result
  const seen = new Map<string, string>()
  for (const [name, value] of headerEntries(headers)) {
    if (value === undefined || value === null) continue
    if (typeof name !== "string" || !TOKEN.test(name)) {
      throw invalidRequest(
        "headers",
        `${describe(name)} is not a valid header name: use letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons.`
      )
    }
    const lowerCaseName = name.toLowerCase()
    if (lowerCaseName === "__proto__") {
      // Signed but never sent: assigning it to the headers record returned sets the record's
      // prototype instead of adding a header; fetch drops it, and servers that keep headers in an
      // object by lower-case name (Node's req.headers) lose it in any case. The result is a 403.
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(name)} cannot be sent: JavaScript objects cannot hold "__proto__" as a key ` +
          "(assigning it sets the object's prototype), so the header would be signed but never arrive, and the request " +
          "would be refused with 403. Rename it, or drop it where it came from (often JSON.parse of untrusted input)."
      )
    }
    if (isSignatureHeader(lowerCaseName) && lowerCaseName !== "x-amz-content-sha256") {
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(name)} is written by the signer; remove it` +
          (lowerCaseName === "x-amz-security-token" ? " and pass the token as sessionToken." : ".")
      )
    }
    const earlier = seen.get(lowerCaseName)
    if (earlier !== undefined) {
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(lowerCaseName)} is given twice (as ${JSON.stringify(earlier)} and ${JSON.stringify(name)}); ` +
          "header names are case-insensitive: give it once, joining the values with \", \" if you mean both."
      )
    }
    const text = headerValueText(name, value)
    if (text === undefined) continue
    seen.set(lowerCaseName, name)
    result.push({ name, lowerCaseName, value: text })
  }
  return result
}
