/**
 * A request URL as a path under the signer's endpoint: absolute URLs are
 * accepted only under the endpoint's origin and stage (or under `sendTo`,
 * where the signer sends), so a signature never goes elsewhere; anything
 * else is a path below the stage. Shared by the clients that take URLs (the
 * facade's fetch, the signed HttpClient).
 *
 * @internal
 */
import type { Endpoint } from "../../Signer.js"
import { type SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { displayUrl, maskCredentialSegments, parsesAsUrl, shorten } from "../scrub.js"
import { wirePathSegment } from "./pathSegment.js"

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*:\/\/[^/?#\\]*)(.*)$/is

const withUserInfo = (shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} carries a user name or password; remove them (requests are authorized by the signature).`
  )

/** Refuses a URL with a user name or password, as `relativeTarget` does, without showing them. */
export const checkNoUserInfo = (url: URL): void => {
  if (url.username !== "" || url.password !== "") throw withUserInfo(shownUrl(url.href))
}

/** Where a signer signs for, and sends to when that differs. */
export interface SigningTarget {
  readonly endpoint: Endpoint
  readonly sendTo?: Endpoint | undefined
}

const outsideEndpoint = ({ endpoint, sendTo }: SigningTarget, shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} is outside the signer's endpoint (${endpoint.href}${
      sendTo === undefined ? "" : `, sent to ${sendTo.href}`
    }): this client signs requests for that endpoint only, so its signatures never go elsewhere. ` +
      `Pass a path relative to the endpoint (e.g. "/pets"), or use a client whose Signer is for the other endpoint.`
  )

/**
 * A URL as a message shows it (no user info, query or fragment: `displayUrl`),
 * its host as it is, and the segments of its path that may be a credential
 * (another service's token: a webhook's; the signer's own secret key, whose
 * `/` would split it into pieces each too short to be masked) by their
 * length (`maskCredentialSegments`); masked before it is cut short, so that a
 * cut leaves no beginning of one.
 */
const shownUrl = (url: string): string => {
  const shown = displayUrl(url, Infinity)
  const authorityAt = shown.indexOf("//") + 2
  const pathAt = shown.slice(authorityAt).search(/[/\\]/)
  const masked = pathAt === -1
    ? shown
    : shown.slice(0, authorityAt + pathAt) + maskCredentialSegments(shown.slice(authorityAt + pathAt))
  return shorten(masked, 120)
}

/** The path below `base`'s base path, when `path` (percent-encoded, "" or starting with "/") lies under it. */
const pathBelow = (base: Endpoint, path: string): string | undefined => {
  const segments = path === "" ? [] : path.slice(1).split("/")
  const stage = base.basePath === "" ? [] : base.basePath.slice(1).split("/")
  for (let i = 0; i < stage.length; i++) {
    const segment = segments[i]
    if (segment === undefined || wirePathSegment(segment) !== stage[i]) return undefined
  }
  // The base URL itself, without a slash after it: the base itself, as path "" is.
  return segments.length === stage.length ? "" : "/" + segments.slice(stage.length).join("/")
}

/** Whether `code` is one URL parsing strips from either end of a URL: a C0 control or a space. */
const isStrippedAtEnds = (code: number): boolean => code <= 0x20

/** `text` without C0 controls and spaces at either end, as URL parsing reads it (in linear time). */
const strippedAtEnds = (text: string): string => {
  let start = 0
  let end = text.length
  while (start < end && isStrippedAtEnds(text.charCodeAt(start))) start++
  while (end > start && isStrippedAtEnds(text.charCodeAt(end - 1))) end--
  return text.slice(start, end)
}

/**
 * Refuses what URL parsing (fetch's, and so every client's) would read
 * otherwise than as written, in an absolute URL: it strips spaces and
 * controls at either end and a tab or line break anywhere, and sends a
 * backslash in the path as "/". Signing the text as written would request
 * another resource than the same string does through fetch, ky or axios.
 */
const checkAbsoluteUrl = (url: string, stripped: string, target: string): void => {
  const queryAt = target.indexOf("?")
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  const problem = stripped !== url
    ? "has a space or a control character at either end (a line break read from a file, say), which fetch would drop"
    : /[\t\n\r]/.test(target)
    ? "contains a tab or line break, which fetch would drop"
    : path.includes("\\")
    ? "contains a backslash in its path, which fetch would send as \"/\""
    : undefined
  if (problem !== undefined) {
    throw invalidRequest(
      "path",
      `The URL ${JSON.stringify(shownUrl(stripped))} ${problem}; remove it, or percent-encode a character that belongs to the path (%20, %5C).`
    )
  }
}

/**
 * The path (and query) of a request URL relative to the endpoint. A URL is
 * absolute only when it starts with `scheme://`; anything else, `//a//b`
 * included, is a path under the endpoint. An absolute URL must lie under the
 * endpoint, or under `sendTo`, and read the same as fetch reads it. The
 * fragment is never sent, so it is dropped.
 */
export const relativeTarget = (signingTarget: SigningTarget, url: string): string => {
  // The ends of the whole URL, fragment included, are what fetch strips: a space before the "#" is the path's.
  const stripped = strippedAtEnds(url)
  const withoutFragment = (text: string) => {
    const fragmentAt = text.indexOf("#")
    return fragmentAt === -1 ? text : text.slice(0, fragmentAt)
  }
  const target = withoutFragment(stripped)
  const match = ABSOLUTE_URL.exec(target)
  if (match === null) return withoutFragment(url)
  checkAbsoluteUrl(url, stripped, target)
  const authority = match[1]!
  const rest = match[2]!
  const parsed = parsesAsUrl(authority) ? new URL(authority) : undefined
  if (parsed !== undefined && (parsed.username !== "" || parsed.password !== "")) throw withUserInfo(shownUrl(authority + rest))
  const queryAt = rest.indexOf("?")
  // `path` is "" or starts with "/": the authority ends at the first "/".
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const query = queryAt === -1 ? "" : rest.slice(queryAt)
  const { endpoint, sendTo } = signingTarget
  for (const base of sendTo === undefined ? [endpoint] : [endpoint, sendTo]) {
    const below = parsed !== undefined && parsed.origin === base.origin ? pathBelow(base, path) : undefined
    if (below !== undefined) return below + query
  }
  // Its path may carry a token of another service's (a webhook's), which this signer has no business showing.
  throw outsideEndpoint(signingTarget, shownUrl(authority + rest))
}
