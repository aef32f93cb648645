/**
 * A request URL as a path under the signer's endpoint: absolute URLs are
 * accepted only under the endpoint's origin and stage, so a signature never
 * goes elsewhere; anything else is a path below the stage. Shared by the
 * clients that take URLs (the facade's fetch, the signed HttpClient).
 *
 * @internal
 */
import type { Endpoint } from "../../Signer.js"
import { invalidRequest, type SigningError } from "../../SigningError.js"
import { wirePathSegment } from "./pathSegment.js"

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*:\/\/[^/?#\\]*)(.*)$/is

/** The URL as an error message may show it: no user info, no query (either may hold a secret). */
const displayUrl = (authority: string, rest: string): string => {
  const queryAt = rest.indexOf("?")
  return authority.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@]*@/i, "$1") + (queryAt === -1 ? rest : rest.slice(0, queryAt))
}

const withUserInfo = (shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} carries a user name or password; remove them (requests are authorized by the signature).`
  )

const outsideEndpoint = (endpoint: Endpoint, shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} is outside the signer's endpoint (${endpoint.href}): this client signs requests for ` +
      `that endpoint only, so its signatures never go elsewhere. Pass a path relative to the endpoint (e.g. "/pets"), ` +
      "or use a client whose Signer is for the other endpoint."
  )

/**
 * The path (and query) of a request URL relative to the endpoint. A URL is
 * absolute only when it starts with `scheme://`; anything else, `//a//b`
 * included, is a path under the endpoint. The fragment is never sent, so it
 * is dropped.
 */
export const relativeTarget = (endpoint: Endpoint, url: string): string => {
  const fragmentAt = url.indexOf("#")
  const target = fragmentAt === -1 ? url : url.slice(0, fragmentAt)
  const match = ABSOLUTE_URL.exec(target)
  if (match === null) return target
  const authority = match[1]!
  const rest = match[2]!
  const parsed = URL.canParse(authority) ? new URL(authority) : undefined
  if (parsed !== undefined && (parsed.username !== "" || parsed.password !== "")) throw withUserInfo(displayUrl(authority, rest))
  if (parsed === undefined || parsed.origin !== endpoint.origin) throw outsideEndpoint(endpoint, displayUrl(authority, rest))
  const queryAt = rest.indexOf("?")
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const query = queryAt === -1 ? "" : rest.slice(queryAt)
  // `path` is "" or starts with "/": the authority ends at the first "/".
  const segments = path === "" ? [] : path.slice(1).split("/")
  const stage = endpoint.basePath === "" ? [] : endpoint.basePath.slice(1).split("/")
  for (let i = 0; i < stage.length; i++) {
    const segment = segments[i]
    if (segment === undefined || wirePathSegment(segment) !== stage[i]) {
      throw outsideEndpoint(endpoint, displayUrl(authority, rest))
    }
  }
  return "/" + segments.slice(stage.length).join("/") + query
}
