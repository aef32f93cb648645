/**
 * A secret cut short by an ellipsis, on either side, is redacted as the
 * plain reading of the rule says: before each ellipsis, the longest
 * beginning of the secret (4 characters or more, after the last redaction)
 * that the text ends with; after it, the longest end of the secret the text
 * begins with. Checked against that reading, written out character by
 * character, on texts full of ellipses and near-secrets.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { REDACTED, scrubSecrets } from "../src/internal/scrub.js"

const ELLIPSIS = "…"
const SHORTEST = 4

/** Before each ellipsis, the longest beginning of `secret` (SHORTEST up to its length less one) that ends there, not reaching back past the last cut. */
const redactBeginnings = (text: string, secret: string): string => {
  let result = ""
  let from = 0
  for (let at = text.indexOf(ELLIPSIS); at !== -1; at = text.indexOf(ELLIPSIS, at + 1)) {
    for (let cut = Math.min(secret.length - 1, at - from); cut >= SHORTEST; cut--) {
      if (text.slice(at - cut, at) === secret.slice(0, cut)) {
        result += text.slice(from, at - cut) + REDACTED
        from = at
        break
      }
    }
  }
  return result + text.slice(from)
}

/** After each ellipsis, the longest end of `secret` (SHORTEST up to its length less one) that begins there. */
const redactEnds = (text: string, secret: string): string => {
  let result = ""
  let from = 0
  for (let at = text.indexOf(ELLIPSIS); at !== -1; at = text.indexOf(ELLIPSIS, at + 1)) {
    const after = at + 1
    if (after < from) continue
    for (let cut = secret.length - 1; cut >= SHORTEST; cut--) {
      if (text.startsWith(secret.slice(secret.length - cut), after)) {
        result += text.slice(from, after) + REDACTED
        from = after + cut
        break
      }
    }
  }
  return result + text.slice(from)
}

// Two letters, so that beginnings, ends and repeats of the secret are everywhere; no whole secret (redacted first).
// An ellipsis in the secret too (a secret no check refused: the CLI's raw environment, a gateway's credentials list),
// so that a beginning may look as if it reached back past a cut.
const secret = fc.oneof(fc.stringMatching(/^[ab]{5,9}$/), fc.stringMatching(/^[ab…]{5,9}$/))
const textAround = (secret: string) =>
  fc.array(fc.constantFrom("a", "b", ELLIPSIS, secret.slice(0, -1), secret.slice(1)), { maxLength: 30 }).map((parts) => parts.join(""))
    .filter((text) => !text.includes(secret))

describe("a secret cut short by an ellipsis", () => {
  it.prop("is redacted before and after each ellipsis as the rule says, however many ellipses", {
    pair: secret.chain((secret) => fc.tuple(fc.constant(secret), textAround(secret)))
  }, ({ pair: [secret, text] }) => {
    expect(scrubSecrets(text, [secret])).toBe(redactEnds(redactBeginnings(text, secret), secret))
  })

  it("a secret holding an ellipsis: a beginning does not reach back past the last cut", () => {
    expect(scrubSecrets("key…key……key", ["key…key…key"])).toBe(`${REDACTED}…${REDACTED}`)
  })

  it("a beginning before and an end after the same ellipsis are both redacted", () => {
    const secret = "wJalrXUtnFEMI"
    expect(scrubSecrets(`key=${secret.slice(0, 6)}… and …${secret.slice(-5)} done`, [secret])).toBe(`key=${REDACTED}… and …${REDACTED} done`)
  })
})
