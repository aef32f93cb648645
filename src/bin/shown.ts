/**
 * What an error message may show of an argument it complains about. A value
 * given in the wrong place may be a secret: a presigned URL pasted without its
 * `https://` carries X-Amz-Security-Token and X-Amz-Signature, a secret key or
 * token may land where a URL, number or header was expected. So, as
 * docs/signing.md says of the library's messages, a URL is shown without its
 * query, fragment or user info and with a presigned URL's credentials
 * `<redacted>`, and text that looks like a credential is not shown at all.
 *
 * @internal
 */
import { displayUrl, redactAuthParameters } from "../internal/scrub.js"

// A run of base64 this long is more likely a secret key, session token or signature than anything typed.
const CREDENTIAL_LIKE = /[A-Za-z0-9+/=_-]{16,}/

// A host as typed before a path: a DNS name with an alphabetic top-level label, localhost, IPv4 or
// bracketed IPv6, and an optional port. Base64 has no dots, so secrets and tokens never look like one.
const HOST = /^(?:localhost|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

const notShown = (text: string): string => `(${text.length} characters, not shown: it may be a credential)`

/** `text`, quoted, or a note of its length when it may be a credential. */
export const shownArgument = (text: string): string => CREDENTIAL_LIKE.test(text) ? notShown(text) : JSON.stringify(text)

/** The host `text` starts with, when it is a URL missing its `scheme://` (`abc123.execute-api...amazonaws.com/prod`). */
export const leadingHost = (text: string): string | undefined => {
  const host = text.split(/[/?#]/, 1)[0]!
  return HOST.test(host) ? host : undefined
}

// Only these are shown as URLs: "x-api-key: SECRET" parses as a URL too (scheme "x-api-key:"), and is a
// header typed without -H.
const WEB_URL = /^(?:https?|wss?):\/\//i

// What may be shown of a host that does not parse: a name or address as typed, but no run a secret could be.
const SHOWABLE_HOST = /^[a-z0-9.\-[\]:%]{1,255}$/i

/**
 * Why an http(s) URL that does not parse fails, when the fault is in its
 * authority: a port that is no port number, or a host that is no host name.
 * The message shows the scheme and host (never user info, path or query).
 */
export const badAuthority = (text: string): string | undefined => {
  const match = /^(https?):\/\/([^/?#\\]*)/i.exec(text)
  // User info anywhere (a password may hold "/", "?" or "#", which would end the authority early) is never shown.
  if (match === null || text.includes("@")) return undefined
  const authority = match[2]!
  // A bracketed IPv6 host runs to its "]" (or to the end, when it is not closed); a port follows a ":" after the host.
  const close = authority.indexOf("]")
  const colon = authority.lastIndexOf(":")
  const host = authority.startsWith("[")
    ? (close === -1 ? authority : authority.slice(0, close + 1))
    : (colon === -1 ? authority : authority.slice(0, colon))
  const port = authority.slice(host.length + 1)
  const shownHost = SHOWABLE_HOST.test(host) && !CREDENTIAL_LIKE.test(host) ? `${match[1]}://${host}` : undefined
  if (shownHost !== undefined && port !== "" && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
    return `has the port ${CREDENTIAL_LIKE.test(port) ? "(not shown)" : JSON.stringify(port)} after ${JSON.stringify(shownHost)}: a port is a number from 0 to 65535`
  }
  if (URL.canParse(`${match[1]}://${host}/`)) return undefined
  return shownHost === undefined ? undefined : `has a host that is no host name: ${JSON.stringify(shownHost)}`
}

/**
 * A URL argument as a message may show it: an http(s) or ws(s) URL without
 * its query, fragment or user info; a URL missing its scheme as its host alone
 * (`"host…"`); anything else as a note of its length.
 */
export const shownUrl = (text: string): string => {
  if (isShownAsUrl(text)) return JSON.stringify(redactAuthParameters(displayUrl(text)))
  const host = leadingHost(text)
  if (host === undefined) return notShown(text)
  return JSON.stringify(host === text ? host : `${host}…`)
}

const isShownAsUrl = (text: string): boolean => WEB_URL.test(text) && URL.canParse(text) && leadingHost(text) === undefined

/**
 * A URL with a backslash, for the message about it: masked as `shownUrl`
 * masks the URL the parser reads (each "\" a "/", so that "http:\\host\path"
 * is shown as a URL, its user info found where the parser finds it), then
 * with each backslash back where it was typed, to show where it is.
 */
export const shownUrlWithBackslashes = (text: string): string => {
  const read = text.replaceAll("\\", "/")
  return isShownAsUrl(read) ? JSON.stringify(redactAuthParameters(separatorsAsTyped(displayUrl(read), text))) : shownUrl(read)
}

/**
 * `shown` with its n-th "/" as the n-th "/" or "\" of `typed`: what `displayUrl`
 * leaves out holds none of them but at the end (a separator ends user info;
 * the query and the shortened tail come last), so the n-th are the same.
 */
const separatorsAsTyped = (shown: string, typed: string): string => {
  const separators = typed.match(/[/\\]/g) ?? []
  let next = 0
  return shown.replace(/\//g, () => separators[next++] ?? "/")
}
