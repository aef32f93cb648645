/**
 * Removing known secrets from text that is about to be shown (error
 * messages, logs, CLI output). One rule everywhere: every occurrence of every
 * non-empty secret becomes `<redacted>`, however short the secret; a short
 * secret can make a message harder to read, never leak.
 *
 * @internal
 */

export const REDACTED = "<redacted>"

/** `text` with every occurrence of each secret replaced by `<redacted>`. */
export const scrubSecrets = (text: string, secrets: Iterable<string>): string => {
  let result = text
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== "" && result.includes(secret)) result = result.split(secret).join(REDACTED)
  }
  return result
}

// A presigned URL's credentials, wherever a URL or query shows up in text: the token, signature and key id.
const AUTH_PARAMETER_VALUE = /((?:X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)=)[^&#\s"'`]*/gi

/** `text` with the values of a presigned URL's authentication parameters replaced by `<redacted>`. */
export const redactAuthParameters = (text: string): string => text.replace(AUTH_PARAMETER_VALUE, "$1" + REDACTED)

/** What a message may show of a URL a caller gave: no user info, no query or fragment (either may hold a secret). */
export const displayUrl = (text: string, maxLength = 120): string => {
  const bare = text.split(/[?#]/)[0]!.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1")
  return bare.length > maxLength ? bare.slice(0, maxLength) + "…" : bare
}
