/**
 * A request as it travels on the wire (method, target, header lines, body),
 * checked before the public SigV4 functions sign it. They are public and
 * pure, so nothing here trusts its input: a wrong shape, a target no client
 * sends, or text that would inject a header line is a `SigningError` that
 * names the part at fault, before anything is signed.
 *
 * @internal
 */
import type { WireRequest } from "../../SigV4.js"
import { type RequestField, SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { isUint8Array } from "../brand.js"
import { describe } from "../request/describe.js"
import { isHttpToken } from "../request/headers.js"
import { displayUrl } from "../scrub.js"

/**
 * A wire or received request that cannot be signed or verified as given:
 * `field` is the part at fault, none when the request is not an object.
 */
export const invalidWireRequest = (field: RequestField | undefined, message: string): SigningError =>
  field === undefined ? new SigningError({ reason: "InvalidRequest", message }) : invalidRequest(field, message)

/** Each `[name, value]` pair, each part read once; undefined when one is not a pair of strings (or a hole). */
const headerPairs = (headers: unknown): Array<[string, string]> | undefined => {
  if (!Array.isArray(headers)) return undefined
  const pairs: Array<[string, string]> = []
  for (let i = 0; i < headers.length; i++) {
    const pair: unknown = headers[i]
    if (!Array.isArray(pair) || pair.length !== 2) return undefined
    const name: unknown = pair[0]
    const value: unknown = pair[1]
    if (typeof name !== "string" || typeof value !== "string") return undefined
    pairs.push([name, value])
  }
  return pairs
}

/**
 * Checks the shape of a wire request: the pure functions are public, so their input is not trusted. Returns
 * a copy made of the values checked, each field read once: what is signed is what was checked, even when a
 * getter or a Proxy would answer a second read differently (a method or a header that passed the injection
 * checks, then forged a canonical line).
 */
export const checkWireRequest = (request: unknown): WireRequest => {
  if (typeof request !== "object" || request === null) {
    throw invalidWireRequest(undefined, "A wire request is { method, target, headers: [[name, value], ...], body? }.")
  }
  const { method, target, headers: given, body } = request as Record<string, unknown>
  if (typeof method !== "string" || method === "") throw invalidWireRequest("method", "The wire request's method must be a string such as \"GET\".")
  if (typeof target !== "string") throw invalidWireRequest("path", "The wire request's target must be the path as sent (optionally with ?query).")
  const headers = headerPairs(given)
  if (headers === undefined) {
    throw invalidWireRequest("headers", "The wire request's headers must be a list of [name, value] string pairs.")
  }
  if (!headers.some(([name]) => name.toLowerCase() === "host")) {
    throw invalidWireRequest("headers", "The request has no Host header; SigV4 always signs the host. Add the host the request is sent to.")
  }
  if (body !== undefined && typeof body !== "string" && !isUint8Array(body)) {
    throw invalidWireRequest("body", "The wire request's body must be a string or a Uint8Array.")
  }
  checkWireText(method, target, headers)
  return body === undefined ? { method, target, headers } : { method, target, headers, body }
}

/**
 * The target a client sends: a path from the root, and a query. Anything else
 * (`pets`, a whole URL, a `#fragment`, which clients never send, or `*`)
 * would be signed as a path no request carries: a 403 that names no cause.
 */
const checkTargetForm = (target: string): void => {
  if (target.charCodeAt(0) === 0x2f && !target.includes("#")) return
  const wrong = (message: string) => invalidRequest("path", message)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw wrong(`The wire request's target is a whole URL (${JSON.stringify(displayUrl(target, 60))}); pass its path and query alone, e.g. url.pathname + url.search.`)
  }
  if (!target.startsWith("/")) throw wrong(`The wire request's target must start with "/" (the path from the root, e.g. "/prod/pets"); got ${describe(target)}.`)
  if (target.includes("#")) throw wrong("The wire request's target has a #fragment, which clients never send; remove it (a # in a path or value is sent as %23).")
}

// A line break anywhere but in an obsolete line fold (CRLF or LF, then a space or tab), or a NUL.
const INJECTION = /\r(?!\n[ \t])|\n(?![ \t])|\0/

/**
 * Refuses what would make the signed text differ from what travels: a method
 * or header name that is not an HTTP token (a `:` or a line break in a name
 * forges canonical lines), a line break in the target, and a header value
 * with a NUL or a line break that is not an obsolete line fold (the one
 * multi-line form HTTP/1.1 had, which SigV4 canonicalizes and the AWS test
 * suite covers): anything else would inject headers.
 */
const checkWireText = (method: string, target: string, headers: ReadonlyArray<readonly [string, string]>): void => {
  if (!isHttpToken(method)) throw invalidWireRequest("method", `The method ${describe(method)} is not an HTTP token; use e.g. "GET" or "POST".`)
  if (/[\r\n\0]/.test(target)) throw invalidWireRequest("path", "The wire request's target contains a line break or NUL; encode it (%0A, %0D, %00).")
  checkTargetForm(target)
  for (const [name, value] of headers) {
    if (!isHttpToken(name)) {
      throw invalidWireRequest("headers", `The header name ${describe(name)} is not an HTTP token (letters, digits and !#$%&'*+-.^_\`|~ only).`)
    }
    if (INJECTION.test(value)) {
      throw invalidWireRequest("headers", `Header ${describe(name)} contains a NUL or a line break, which could inject headers; remove it.`)
    }
  }
}
