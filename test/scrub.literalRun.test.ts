/**
 * Scrubbing compiles a secret's pattern (some 50 times its length) only for
 * a text that holds the secret's longest run of characters no spelling
 * escapes: checked against the pattern itself, on texts that hold secrets in
 * every spelling (as they are, percent-encoded once or more, JSON-escaped),
 * pieces of them, and near-misses.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { anySecretPattern, holdsAnySecret, REDACTED, scrubSecrets } from "../src/internal/scrub.js"

/** Characters secrets hold: base64's and base64url's, a few reserved ones, and some beyond ASCII. */
const secretChar = fc.constantFrom(..."AZaz09+/=-_.~!*'()%:@&$, \\\"é€😀".split(/(?:)/u))
const secret = fc.array(secretChar, { minLength: 1, maxLength: 24 }).map((chars) => chars.join(""))

/** The ways a message may spell a secret. */
const spellings = (value: string): Array<string> => {
  const encoded = encodeURIComponent(value)
  return [value, encoded, encoded.toLowerCase(), encodeURIComponent(encoded), JSON.stringify(value).slice(1, -1), JSON.stringify(JSON.stringify(value)).slice(1, -1)]
}

/** A text of pieces: filler, secrets in some spelling, and pieces of them (no ellipsis: cut secrets are scrub.cutSecrets.test.ts's). */
const textWith = (secrets: ReadonlyArray<string>) =>
  fc.array(
    fc.oneof(
      fc.string({ maxLength: 12 }).map((filler) => filler.replaceAll("…", "")),
      fc.tuple(fc.constantFrom(...secrets), fc.nat(5)).map(([value, way]) => spellings(value)[way]!),
      fc.tuple(fc.constantFrom(...secrets), fc.nat(), fc.nat()).map(([value, from, to]) => value.slice(from % value.length, to % (value.length + 1)))
    ),
    { maxLength: 8 }
  ).map((pieces) => pieces.join(""))

const cases = fc.array(secret, { minLength: 1, maxLength: 3 }).chain((secrets) => fc.tuple(fc.constant(secrets), textWith(secrets)))

describe("a secret's pattern", () => {
  it("matches a \".\" in the secret only as a \".\" (not as any character)", () => {
    expect(scrubSecrets("a.b axb", ["a.b"])).toBe(`${REDACTED} axb`)
  })
})

describe("the check before a secret's pattern is compiled", () => {
  it.prop("leaves scrubSecrets as the whole pattern scrubs", [cases], ([[secrets, text]]) => {
    expect(scrubSecrets(text, secrets)).toBe(text.replace(anySecretPattern(secrets)!, REDACTED))
  }, { fastCheck: { seed: 20261128, numRuns: 2000 } })

  it.prop("leaves holdsAnySecret as the whole pattern finds", [cases], ([[secrets, text]]) => {
    expect(holdsAnySecret(text, secrets)).toBe(anySecretPattern(secrets)!.test(text))
  }, { fastCheck: { seed: 20261129, numRuns: 2000 } })
})
