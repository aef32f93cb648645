/**
 * How error messages show a bad input: its kind and, for short strings and
 * numbers, its value. Never more, so a message cannot carry a secret that
 * was passed in the wrong place. And the one refusal every text of a request
 * shares, worded once: a lone UTF-16 surrogate, which has no UTF-8 encoding.
 *
 * @internal
 */
import { type RequestField, type SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { isWellFormedText } from "../sigv4/uriEncoding.js"
import { looksLikeCredential, maskCredentialSegmentsAround, redactAuthParametersAround, shorten, splitsPair } from "../scrub.js"

const REDACTED_TYPE_ID = Symbol.for("effect/Redacted")

/**
 * A short, secret-free description of a bad input value for error messages.
 * Total: a value whose inspection throws (a revoked Proxy, a getter that
 * throws) is described as such, since this runs while reporting an error.
 */
export const describe = (value: unknown): string => {
  try {
    return describeValue(value)
  } catch {
    return "an object that cannot be inspected (its getters or Proxy traps throw)"
  }
}

const describeValue = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  switch (typeof value) {
    case "undefined":
      return "undefined"
    case "string":
      return looksLikeCredential(value) ? `(a string of ${value.length} characters, not shown: it looks like a credential)` : JSON.stringify(shorten(value, 60))
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`
    case "object": {
      // Effect's Redacted has no constructor of its own; named by the symbol it carries, read without importing effect.
      if (REDACTED_TYPE_ID in value) return "a Redacted"
      const name = (value as object).constructor?.name
      // "an AbortSignal", "an ArrayBuffer"; "a URL", "a Uint8Array" (U sounds as "you" in class names).
      return typeof name === "string" && name !== "" && name !== "Object" ? `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}` : "an object"
    }
    default:
      return `a ${typeof value}`
  }
}

/**
 * How a message quotes text the caller gave (a path, a query key, a header name): JSON-quoted, and cut to
 * QUOTED_LENGTH characters, so that a message, and every log line and retry summary that carries it, stays short
 * however long the input is. Cut around `at`, the index of what the message is about, when that lies past the
 * beginning (so that the quote shows the fault), saying which characters it shows; else to its beginning.
 *
 * What may be a credential is hidden before anything is cut: a presigned URL's credentials (a window can begin
 * inside a token, past the name that marks it), and the segments of a run that may be a secret, shown by their
 * length (`maskCredentialSegments`: ordinary names and ids stay). A cut, or a fault inside a secret, would leave
 * pieces of one that no whole-secret scrub recognizes, and JSON quoting doubles the backslash of a secret written
 * JSON-escaped (`\/`, `\u002B`).
 */
export const quote = (given: string, givenAt?: number): string => {
  const redacted = redactAuthParametersAround(given, givenAt ?? 0)
  const { text, at } = maskCredentialSegmentsAround(redacted.text, redacted.at)
  if (text.length <= QUOTED_LENGTH) return JSON.stringify(text)
  if (givenAt === undefined || at <= QUOTED_LENGTH / 2) return JSON.stringify(shorten(text, QUOTED_LENGTH))
  // Never half a surrogate pair at either edge: the quote would show a lone surrogate the input does not have.
  let start = Math.min(at - QUOTED_LENGTH / 2, text.length - QUOTED_LENGTH)
  if (splitsPair(text, start)) start++
  let end = Math.min(start + QUOTED_LENGTH, text.length)
  if (splitsPair(text, end)) end--
  // Which characters: of the caller's text, so only where nothing was hidden (hiding shifts them).
  return JSON.stringify("…" + text.slice(start, end) + (end < text.length ? "…" : "")) +
    (text === given ? ` (characters ${start + 1} to ${end} of ${text.length})` : "")
}

/** Enough to recognize a path or a key by. */
const QUOTED_LENGTH = 200

/** The index of the first lone UTF-16 surrogate in `text`, or -1. For messages only: a loop, not the hot path's regex. */
const loneSurrogateAt = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xdc00 && unit <= 0xdfff) return i
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i
      i++
    }
  }
  return -1
}

/** `text` quoted around its first lone surrogate (`quote`), for the refusal of it. */
export const quoteAtLoneSurrogate = (text: string): string => {
  const at = loneSurrogateAt(text)
  return quote(text, at === -1 ? undefined : at)
}

/** The refusal of text with a lone UTF-16 surrogate: it has no UTF-8 encoding, so it cannot be sent. */
export const loneSurrogate = (field: RequestField, what: string): SigningError =>
  invalidRequest(field, `${what} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; fix the string.`)

/** Refuses text with a lone UTF-16 surrogate (`loneSurrogate`); `what` names it, and is asked for only then. */
export const checkWellFormed = (field: RequestField, what: () => string, text: string): void => {
  if (!isWellFormedText(text)) throw loneSurrogate(field, what())
}
