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
