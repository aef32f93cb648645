/**
 * The caller's headers, checked: valid names given once, values HTTP can
 * carry (no CR, LF or NUL: they would inject headers), none of the headers
 * the signer writes itself, no name the returned headers record cannot
 * hold (`__proto__`), and, in a browser, none the browser would not send as
 * given.
 *
 * @internal
 */
import { isHeaders } from "../brand.js"
import { invalidRequest } from "../signingErrors.js"
import { canonicalHeaderValue } from "../sigv4/canonicalHeaders.js"
import { isSignatureHeader } from "../sigv4/signatureHeaders.js"
import { entriesOf } from "./collections.js"
import { describe, quote } from "./describe.js"

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Whether `text` is an HTTP token (RFC 9110): what a header name or a method must be. */
export const isHttpToken = (text: string): boolean => TOKEN.test(text)
const LINE_BREAK_OR_NUL = /[\r\n\0]/
const NOT_FIELD_CONTENT = /[^\t\x20-\x7e\x80-\xff]/

/** Whether `text` is a header field value as RFC 9110 allows it: tab, visible ASCII, space and obs-text. */
export const isFieldValue = (text: string): boolean => !NOT_FIELD_CONTENT.test(text)

// The headers a page's fetch may not set (WHATWG Fetch's forbidden request-header names) that a signature would
// cover: a browser sends its own value or none, so a signature over the caller's cannot verify (403). The rest of the
// list is never signed (connection, te, ..., proxy-*, sec-*: see canonicalHeaders.ts), or sent as computed (host,
// content-length).
const FORBIDDEN_IN_BROWSERS: ReadonlySet<string> = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "origin",
  "set-cookie",
  "via"
])

// Per name, whether this runtime's fetch drops it: browsers do, Node, Bun, Deno and workerd do not. Known of the
// `Request` it was asked of: a replaced one (a polyfill loaded later, a test's stub) is asked again.
const droppedHere = new Map<string, boolean>()
let askedOf: unknown

/**
 * Whether `fetch` in this runtime would drop a header of this lower-case
 * name. Asked of the runtime itself (a `Request` made with it), not guessed
 * from a user agent; only for the names browsers forbid.
 */
const fetchDrops = (lowerCaseName: string): boolean => {
  if (!FORBIDDEN_IN_BROWSERS.has(lowerCaseName)) return false
  try {
    const request = ownRequest()
    if (request !== askedOf) {
      droppedHere.clear()
      askedOf = request
    }
    let dropped = droppedHere.get(lowerCaseName)
    if (dropped === undefined) {
      dropped = request !== undefined && !new request("http://localhost/", { headers: [[lowerCaseName, "1"]] }).headers.has(lowerCaseName)
      droppedHere.set(lowerCaseName, dropped)
    }
    return dropped
  } catch {
    // A runtime that cannot be asked (a hardened global, a Request that throws): signed, as before.
    return false
  }
}

/**
 * The global `Request` when it is a plain value, as in browsers, their
 * workers and workerd. Node and Deno define it as an accessor that loads
 * their fetch when first read (undici in Node, 20 ms), and their fetch drops
 * none of these headers: there it is not read at all.
 */
const ownRequest = (): (new (input: string, init: RequestInit) => Request) | undefined => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Request")
  return descriptor !== undefined && typeof descriptor.value === "function" ? descriptor.value : undefined
}

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
    throw invalidRequest("headers", `Header ${quote(name)} is ${describe(value)}; header values must be strings.`)
  }
  if (LINE_BREAK_OR_NUL.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${quote(name)} contains a line break or NUL character, which could inject headers into the request; ` +
        "remove it (encode multi-line data, e.g. with encodeURIComponent or base64)."
    )
  }
  if (NOT_FIELD_CONTENT.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${quote(name)} contains a control character or a character beyond U+00FF, which HTTP cannot carry; ` +
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
    if (fetchDrops(lowerCaseName)) {
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(name)} is one a browser does not let a page set: it sends its own value or none, ` +
          "so a signature over yours cannot verify (403). Leave it out" +
          (lowerCaseName === "cookie" ? "; the browser sends its cookies itself, with fetch's credentials: \"include\"." : ".")
      )
    }
    const earlier = seen.get(lowerCaseName)
    if (earlier !== undefined) {
      throw invalidRequest(
        "headers",
        (earlier === name
          ? `Header ${quote(name)} is given twice; `
          : `Header ${quote(lowerCaseName)} is given twice (as ${quote(earlier)} and ${quote(name)}); ` +
            "header names are case-insensitive: ") +
          "give it once, joining the values with \", \" if you mean both."
      )
    }
    const text = headerValueText(name, value)
    if (text === undefined) continue
    seen.set(lowerCaseName, name)
    result.push({ name, lowerCaseName, value: text })
  }
  return result
}
