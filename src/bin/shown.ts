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

/**
 * A URL argument as a message may show it: an http(s) or ws(s) URL without
 * its query, fragment or user info; a URL missing its scheme as its host alone
 * (`"host…"`); anything else as a note of its length.
 */
export const shownUrl = (text: string): string => {
  if (WEB_URL.test(text) && URL.canParse(text) && leadingHost(text) === undefined) return JSON.stringify(redactAuthParameters(displayUrl(text)))
  const host = leadingHost(text)
  if (host === undefined) return notShown(text)
  return JSON.stringify(host === text ? host : `${host}…`)
}
