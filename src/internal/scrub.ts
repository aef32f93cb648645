/**
 * Removing known secrets from text that is about to be shown (error
 * messages, logs, CLI output). One rule everywhere: every occurrence of every
 * non-empty secret becomes `<redacted>`, however short the secret; a short
 * secret can make a message harder to read, never leak.
 *
 * Text is shortened (`shorten`) where it is built, often by code that does
 * not know the secrets (how a bad input is described, a URL shown), and
 * scrubbed later: so the scrub also removes a secret's beginning that a cut
 * left just before the ellipsis, which a search for the whole secret would
 * miss.
 *
 * @internal
 */
import { isArrayBuffer, isHeaders, isMap, isSet, isURL, isURLSearchParams } from "./brand.js"
import { isWellFormedText, uriEncode } from "./sigv4/uriEncoding.js"

export const REDACTED = "<redacted>"

/** What marks text cut short. */
const ELLIPSIS = "…"

/** Whether the UTF-16 units at `index - 1` and `index` of `text` are one surrogate pair, which a cut there would split. */
export const splitsPair = (text: string, index: number): boolean => {
  const high = text.charCodeAt(index - 1)
  const low = text.charCodeAt(index)
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff
}

/** `text` cut to `maxLength` characters (one fewer rather than half a surrogate pair), marked with an ellipsis where it was cut. */
export const shorten = (text: string, maxLength: number): string =>
  text.length > maxLength ? text.slice(0, splitsPair(text, maxLength) ? maxLength - 1 : maxLength) + ELLIPSIS : text

// What a credential is spelled with (`SPELLED_CREDENTIAL_RUN`'s characters), and the shortest run of them masked.
const CREDENTIAL_CHARACTER = /[A-Za-z0-9+=_/%\\]/
const SHORTEST_MASKED_RUN = 16

/**
 * `text` cut as `shorten` cuts it, for scrubbing after: less a run of the
 * characters credentials are spelled with that the cut ends in, unless it is
 * one that masking hides whole (cut short, a credential may no longer look
 * like one; a known secret's beginning before the ellipsis is redacted by
 * the scrub).
 */
export const cutForScrubbing = (text: string, maxLength: number): string => {
  if (text.length <= maxLength) return text
  const cut = shorten(text, maxLength).slice(0, -ELLIPSIS.length)
  let end = cut.length
  while (end > 0 && CREDENTIAL_CHARACTER.test(cut[end - 1]!)) end--
  // Kept only when the masking after will hide it whole: a shorter run, or one whose escapes (`%2F`, `\/`) it reads
  // as one character each, would show its characters.
  const run = cut.slice(end)
  return (run.length >= SHORTEST_MASKED_RUN && maskCredentialRuns(run) === notShown(run.length) ? cut : cut.slice(0, end)) + ELLIPSIS
}

/**
 * `text` on one line: its lines trimmed, blank ones dropped, joined by " / ".
 * Split on "\n" and trimmed line by line, in linear time: a pattern such as
 * `/\s*\n\s*\/` takes time quadratic in a run of spaces, and a provider's
 * failure (a process's stderr) can hold any.
 */
export const linesJoined = (text: string): string =>
  text.split("\n").map((line) => line.trim()).filter((line) => line !== "").join(" / ")

// A cut secret's beginning shorter than this is left: it says nothing of the
// secret, and could as well be any text (AWS secret keys are 40 characters,
// session tokens hundreds).
const SHORTEST_CUT_SECRET = 4

// Characters written as they are in a URL and in JSON alike (RFC 3986's unreserved set).
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g
const escapeRegExp = (text: string): string => text.replace(REGEXP_SPECIAL, "\\$&")
/** A hex number matched in either case (`2f` or `2F`). */
const anyCaseHex = (hex: string): string => hex.replace(/[a-f]/gi, (digit) => `[${digit.toLowerCase()}${digit.toUpperCase()}]`)

/**
 * How one character of a secret may be written where text quotes it, as a
 * pattern: as it is; percent-encoded, in either case of hex (a URL's query, a
 * form); JSON-escaped (`\"`, `\\`, `\/`, and `\u002B` as .NET's
 * System.Text.Json writes `+`). A secret key holds `/` and `+`, a token `=`.
 */
const charSpellings = (char: string): string => {
  // As it is, and never escaped: "." escaped, as in a pattern it would stand for any character.
  if (UNRESERVED.test(char)) return char === "." ? "\\." : char
  let pattern = CHAR_SPELLINGS.get(char)
  if (pattern === undefined) {
    pattern = spellingsOf(char)
    if (CHAR_SPELLINGS.size < 1024) CHAR_SPELLINGS.set(char, pattern)
  }
  return pattern
}

// Each character's pattern, made once: characters only (a secret's are a few dozen kinds, and no secret
// is kept here), so that building a secret's pattern is a join.
const CHAR_SPELLINGS = new Map<string, string>()

const spellingsOf = (char: string): string => {
  const spellings = new Set([escapeRegExp(char), escapeRegExp(JSON.stringify(char).slice(1, -1))])
  // JSON-escaped, and quoted in JSON again (the backslash doubled and escaped: `\\\/`), up to four levels.
  if (char === "/") spellings.add("\\\\{1,15}/")
  if (char.length === 1) spellings.add(`\\\\{1,15}u${anyCaseHex(char.charCodeAt(0).toString(16).padStart(4, "0"))}`)
  // A lone surrogate has no percent-encoding (encodeURIComponent throws): it is never written so.
  if (isWellFormedText(char)) {
    const bytes = [...new TextEncoder().encode(char)]
    const hex = bytes.map((byte) => anyCaseHex(byte.toString(16).toUpperCase().padStart(2, "0")))
    spellings.add(hex.map((digits) => `%${digits}`).join(""))
    // Encoded again, as often as URLs nest: a URL that holds the secret, passed as a query value of another
    // (`?callback=` + encodeURIComponent(url)), itself passed on (an SSO `redirect=`).
    spellings.add(hex.map((digits) => `%(?:25)+${digits}`).join(""))
  }
  return `(?:${[...spellings].join("|")})`
}

// A backslash is written as it is or JSON-escaped (`\\`), and the two overlap: a pattern allowing either for each
// backslash would try every split of a run of them in the text, exponentially many. So a secret holding one is
// matched with its backslashes all in one spelling or all in the other.
const BACKSLASH_AS_IS = "(?:\\\\|%5[cC])"
const BACKSLASH_JSON_ESCAPED = "(?:\\\\\\\\|\\\\u005[cC]|%5[cC])"

/** A pattern for `secret` in any of its spellings, each character written any way a URL or JSON writes it. */
const secretPattern = (secret: string): string => {
  const chars = [...secret]
  if (!secret.includes("\\")) return chars.map(charSpellings).join("")
  const spelled = (backslash: string) => chars.map((char) => (char === "\\" ? backslash : charSpellings(char))).join("")
  return `(?:${spelled(BACKSLASH_AS_IS)}|${spelled(BACKSLASH_JSON_ESCAPED)})`
}

/** One pattern for all `secrets` (non-empty), longest first so that a secret that contains another is matched whole. */
export const anySecretPattern = (secrets: Iterable<string>): RegExp | undefined => {
  const longestFirst = [...secrets].filter((secret) => secret !== "").sort((a, b) => b.length - a.length)
  return longestFirst.length === 0 ? undefined : new RegExp(longestFirst.map(secretPattern).join("|"), "g")
}

/**
 * The spellings of a secret a cut may have left the beginning of: as it is,
 * percent-encoded (RFC 3986, either case of hex) and JSON-escaped.
 */
export const cutSpellings = (secret: string): Array<string> => {
  const json = JSON.stringify(secret).slice(1, -1)
  const spellings = [secret, json, json.replaceAll("/", "\\/")]
  if (isWellFormedText(secret)) {
    const encoded = uriEncode(secret)
    spellings.push(encoded, encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()))
    // Encoded again as URLs nest, as deep as the whole secret's pattern goes (which takes any depth): eight levels.
    let deeper = encoded
    for (let depth = 2; depth <= 8 && deeper.includes("%"); depth++) {
      deeper = uriEncode(deeper)
      spellings.push(deeper)
    }
  }
  return [...new Set(spellings)]
}

/**
 * The longest run of `secret`'s characters that no spelling escapes (letters, digits, `-._~`): any spelling of
 * the secret holds it as it is, so a text without it holds none ("" for a secret without such characters).
 */
const literalRun = (secret: string): string => {
  let longest = ""
  let run = ""
  for (const char of secret) {
    run = UNRESERVED.test(char) ? run + char : ""
    if (run.length > longest.length) longest = run
  }
  return longest
}

/**
 * Whether `text` may hold `secret` in some spelling: the check before the
 * secret's pattern, which is some 50 times its length, is compiled. Most texts
 * scrubbed hold no secret, and a session token is kilobytes long.
 */
const mayHold = (text: string, secret: string): boolean => text.includes(literalRun(secret))

/** `text` with every occurrence of each secret (in any of its spellings), and each secret's beginning cut short by an ellipsis, replaced by `<redacted>`. */
export const scrubSecrets = (text: string, secrets: Iterable<string>): string => {
  const all = [...secrets].filter((secret) => secret !== "")
  if (all.length === 0) return text
  const anySecret = anySecretPattern(all.filter((secret) => mayHold(text, secret)))
  let result = anySecret === undefined ? text : text.replace(anySecret, REDACTED)
  if (!result.includes(ELLIPSIS)) return result
  for (const secret of all) for (const spelling of cutSpellings(secret)) result = redactCutSecretEnd(redactCutSecret(result, spelling), spelling)
  return result
}

// Secret keys, session tokens, signatures and access key ids hold long runs of base64 (or base64url)
// characters that mix kinds (lower case, upper case, digits). Slashes split the runs, so that a URL's
// path does not count as one.
const CREDENTIAL_RUN = /[A-Za-z0-9+=_]{16,}/g
// The same with slashes, and how much of it the pieces that may be a credential's must make: a secret key is 40.
const SLASHED_CREDENTIAL_LENGTH = 24
const SLASHED_RUN = /[A-Za-z0-9+=_/]{24,}/g

/** How many kinds of character `text` mixes: lower case, upper case, digits. */
const kindsOf = (text: string): number => Number(/[a-z]/.test(text)) + Number(/[A-Z]/.test(text)) + Number(/[0-9]/.test(text))

/**
 * Whether `text` may hold a credential: a run of 16 or more base64
 * characters mixing two kinds of lower case, upper case and digits. A bad
 * value that does is described by its length only, where the call cannot
 * tell it from a secret (it holds no credentials yet).
 */
export const looksLikeCredential = (text: string): boolean => {
  for (const [run] of text.matchAll(CREDENTIAL_RUN)) if (kindsOf(run) >= 2) return true
  // A secret key's slashes may cut it into runs too short for that (wJalrXUtnFEMI/K7MDENGbPxRf/iCYEXAMPLEKEY):
  // the pieces of a slashed run that may be a credential's count together. A path's words and short ids do not.
  for (const [run] of text.matchAll(SLASHED_RUN)) {
    let suspect = 0
    for (const part of run.split("/")) if (isSuspectPart(part)) suspect += part.length
    if (suspect >= SLASHED_CREDENTIAL_LENGTH) return true
  }
  return false
}

// A word, or words in CamelCase (UnrecognizedClientException, accessKeyId): it names a thing and is no secret.
const IDENTIFIER = /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*[0-9]{0,4}$/
// A constant's name in capitals and underscores (ERR_NON_2XX_3XX_RESPONSE, an error's code): no secret.
const CONSTANT = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/
// An X-Amz-Date (20240101T000000Z): what a clock skew is diagnosed from, and no secret.
const AMZ_DATE = /^\d{8}T\d{6}Z$/

// A password in a URL's user info, anywhere in a text (`postgres://app:PASSWORD@db`, `redis://:PASSWORD@cache`):
// short ones are no run, but the shape says what they are. Bounded, so that a long text matches in linear time.
// The user info ends at its last "@", as URL parsing reads it: a user name may hold one (alerts@example.com), and
// a password one, or an unencoded "#" or "?" (then the URL does not parse, and an error quotes it as given).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s/?#:]{0,256}:)[^\s/]{1,256}@/gi

// A piece of a snake_case name: a word, a capitals' abbreviation, a number, each maybe with digits after it. Tested
// piece by piece (`isSnakeName`): one pattern over the whole name, whose pieces two alternatives can both match
// (`A`), would try exponentially many splits of a long name that fails at its end.
const SNAKE_PIECE = /^(?:[A-Za-z][a-z]*\d*|[A-Z]+\d*|\d+)$/
/** A name in snake_case, its pieces words or numbers (shipping_address_line_2, X_Custom_Trace_Id, 2024_Q3): no secret. */
const isSnakeName = (part: string): boolean => part.includes("_") && part.split("_").every((piece) => SNAKE_PIECE.test(piece))

// A run maskCredentialRuns judges: base64's characters, and the escapes of its own `+`, `/` and `=` read as them,
// percent-encoded at any depth (`%2F`, `%252F`) or JSON-escaped after up to 15 backslashes (JSON quoted in JSON,
// four times over: bounded, so that a long run of backslashes is matched in linear time).
const SPELLED_CREDENTIAL_RUN = /(?:[A-Za-z0-9+=_/]|%(?:25)*(?:2[BbFf]|3[Dd])|\\{1,15}\/|\\{1,15}u00(?:2[BbFf]|3[Dd])){16,}/g
const readEscapes = (run: string): string =>
  run.replace(/%(?:25)*2F|\\+\/|\\+u002F/gi, "/").replace(/%(?:25)*2B|\\+u002B/gi, "+").replace(/%(?:25)*3D|\\+u003D/gi, "=")
/**
 * Whether a part of a run may be (a piece of) a credential: it mixes kinds of character, and names no thing (a
 * word, a constant, a snake_case name, an X-Amz-Date).
 */
const isSuspectPart = (part: string): boolean =>
  kindsOf(part) >= 2 && !IDENTIFIER.test(part) && !CONSTANT.test(part) && !isSnakeName(part) && !AMZ_DATE.test(part)
/** Whether a run of SPELLED_CREDENTIAL_RUN may be a credential: a part of it (between slashes, or around an `=`: `Date=20240101T000000Z`) may be. */
const mayBeCredential = (run: string): boolean => readEscapes(run).split(/[/=]/).some(isSuspectPart)
const redactUrlPasswords = (text: string): string => text.replace(URL_PASSWORD, "$1<redacted>@")
const notShown = (length: number): string => `<${length} characters, not shown: they may be a credential>`

/**
 * `text` with every run that may be a credential (as `looksLikeCredential`
 * finds them) replaced by its length, and a URL's password by `<redacted>`:
 * for text a caller's code threw, which may quote a secret this library
 * never held, so that redacting known
 * secrets cannot catch it. Slashes join runs here, as a secret key may hold
 * one; a path whose every part is a word or an identifier stays. So do the
 * escapes of base64's own `+`, `/` and `=` (`%2B`, `%2F`, `%3D`, `\/`,
 * `\u002B`, and nested: `%252F`, `\\\/`), read as what they stand for: a URL's
 * query or a JSON body quotes a secret key so. Any other escape ends a run
 * (`San%20Francisco` is two words, not a secret).
 */
export const maskCredentialRuns = (text: string): string =>
  redactUrlPasswords(text).replace(SPELLED_CREDENTIAL_RUN, (run) => mayBeCredential(run) ? notShown(run.length) : run)

/**
 * A run of SPELLED_CREDENTIAL_RUN with the segments that may be a credential
 * shown by their length, judged together where slashes (or `=`) join them: a secret
 * key's `/` splits it into pieces that may each be too short to be masked by
 * itself (`wJalrXUtnFEMI/K7MDENG/...`). A segment that is a word, short, or of
 * one kind of character (`v1`, `users`, `12345`) stays, so that what the
 * caller gave stays recognizable; the others are masked when together they
 * are as long as a run `maskCredentialRuns` masks. Undefined when nothing is.
 */
const maskedSegments = (run: string): string | undefined => {
  // Segments between slashes, and around an `=` (a query's `X-Amz-Date=20240101T000000Z`), the separators kept.
  const pieces = run.split(/([/=])/)
  const reads = pieces.map((piece, i) => (i % 2 === 1 ? "" : readEscapes(piece)))
  const suspect = reads.map((read) => read.length > SHORT_SEGMENT && isSuspectPart(read))
  if (!suspect.includes(true)) return undefined
  // What reads as a name (a word, a number, a date) is no piece of a secret. Between two names, the suspect
  // segments with the short ones and separators joined to them may be one secret's pieces (a fault or a cut next to
  // a secret's `/` leaves `...FEMI/K7`): masked when together they are as long as a run `maskCredentialRuns` masks.
  const named = (i: number): boolean => i % 2 === 0 && reads[i]!.length > SHORT_SEGMENT && !suspect[i]
  const masked = [...pieces]
  let any = false
  for (let start = 0; start < pieces.length;) {
    if (named(start)) {
      start++
      continue
    }
    let end = start
    let length = 0
    while (end < pieces.length && !named(end)) length += pieces[end++]!.length
    if (length >= SHORTEST_CREDENTIAL_RUN) {
      for (let i = start; i < end; i++) {
        if (suspect[i]) {
          masked[i] = notShown(pieces[i]!.length)
          any = true
        }
      }
    }
    start = end
  }
  return any ? masked.join("") : undefined
}

/** A path segment this short says nothing of a secret (`v1`, `api`). */
const SHORT_SEGMENT = 3
/** The length of the shortest run that may be a credential (CREDENTIAL_RUN, SPELLED_CREDENTIAL_RUN). */
const SHORTEST_CREDENTIAL_RUN = 16

/** Text the caller gave (a URL's path, a query key) with its segments that may be a credential masked (`maskedSegments`). */
export const maskCredentialSegments = (text: string): string => maskCredentialSegmentsAround(text, 0).text

/**
 * `maskCredentialSegments(text)`, and where index `at` of `text` lies in it:
 * for a message that quotes a window around `at`, masked before it is cut, so
 * that the cut leaves no piece of a run too short to be masked by itself.
 */
export const maskCredentialSegmentsAround = (text: string, at: number): { readonly text: string; readonly at: number } => {
  const withoutPasswords = replaceAround(text, at, URL_PASSWORD, (match) => redactUrlPasswords(match[0]))
  return replaceAround(withoutPasswords.text, withoutPasswords.at, SPELLED_CREDENTIAL_RUN, ([run]) => maskedSegments(run))
}

/**
 * `text` with each match of the global `pattern` replaced by `replace(match)`
 * (a match for which it answers undefined stays), and where index `at` of
 * `text` lies in the result: at the same place in a match's replacement, or at
 * its last character if the replacement is shorter.
 */
const replaceAround = (
  text: string,
  at: number,
  pattern: RegExp,
  replace: (match: RegExpExecArray) => string | undefined
): { readonly text: string; readonly at: number } => {
  let result = ""
  let from = 0
  let where = at
  for (const match of text.matchAll(pattern)) {
    const replacement = replace(match)
    if (replacement === undefined) continue
    const end = match.index + match[0].length
    result += text.slice(from, match.index)
    if (at >= end) where += replacement.length - match[0].length
    else if (at >= match.index) where = result.length + Math.min(at - match.index, replacement.length - 1)
    result += replacement
    from = end
  }
  return from === 0 ? { text, at } : { text: result + text.slice(from), at: where }
}

/** `text` with the scrubbed secrets and a presigned URL's credentials redacted: what an error message or log line may show. */
export const redactForDisplay = (text: string, secrets: Iterable<string>): string =>
  redactAuthParameters(scrubSecrets(text, secrets))

/**
 * Text that code outside this library wrote (what it threw, a failure's
 * message): the known `secrets` redacted whole first, then any run that may be
 * a credential masked (`maskCredentialRuns`), since it may quote a secret
 * never held here.
 */
export const scrubForeignText = (text: string, secrets: Iterable<string>): string =>
  maskCredentialRuns(redactForDisplay(text, secrets))

// Every ellipsis preceded by a beginning of `secret` (SHORTEST_CUT_SECRET
// characters or more) has that beginning replaced. One pass over the text,
// whatever the number of ellipses (a process's stderr may hold thousands): the
// longest such beginning is found with the KMP failure function of the secret.
const redactCutSecret = (text: string, secret: string): string => {
  if (secret.length <= SHORTEST_CUT_SECRET || !text.includes(ELLIPSIS)) return text
  // One KMP pass over the text: at each ellipsis, k is the longest beginning of the secret the text before it ends with.
  const failure = failureFunction(secret)
  let result = ""
  let from = 0
  let k = 0
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith(ELLIPSIS, i)) {
      // Not reaching back past the last cut: the longest beginning within it is one of k's borders.
      let cut = k
      while (cut > i - from) cut = failure[cut - 1]!
      if (cut >= SHORTEST_CUT_SECRET) {
        result += text.slice(from, i - cut) + REDACTED
        from = i
      }
    }
    while (k > 0 && text[i] !== secret[k]) k = failure[k - 1]!
    if (text[i] === secret[k]) k++
    if (k === secret.length) k = failure[k - 1]!
  }
  return from === 0 ? text : result + text.slice(from)
}

/**
 * `text` with the end of `secret` that begins right after an ellipsis (a quote that starts inside the secret) replaced
 * by `<redacted>`: `redactCutSecret` mirrored, one KMP pass read backwards with the secret read backwards.
 */
const redactCutSecretEnd = (text: string, secret: string): string => {
  if (secret.length <= SHORTEST_CUT_SECRET || !text.includes(ELLIPSIS)) return text
  const backwards = reversed(secret)
  const failure = failureFunction(backwards)
  // cutAfter[at]: how many characters after the ellipsis at `at` are the secret's last ones.
  const cutAfter = new Map<number, number>()
  let k = 0
  for (let i = text.length - 1; i >= 0; i--) {
    if (text.startsWith(ELLIPSIS, i) && k >= SHORTEST_CUT_SECRET) cutAfter.set(i, k)
    while (k > 0 && text[i] !== backwards[k]) k = failure[k - 1]!
    if (text[i] === backwards[k]) k++
    if (k === backwards.length) k = failure[k - 1]!
  }
  if (cutAfter.size === 0) return text
  let result = ""
  let from = 0
  for (let at = text.indexOf(ELLIPSIS); at !== -1; at = text.indexOf(ELLIPSIS, at + ELLIPSIS.length)) {
    const after = at + ELLIPSIS.length
    const cut = cutAfter.get(at)
    if (after < from || cut === undefined) continue
    result += text.slice(from, after) + REDACTED
    from = after + cut
  }
  return from === 0 ? text : result + text.slice(from)
}

const reversed = (text: string): string => text.split("").reverse().join("")

// KMP failure function: failure[i] is the length of the longest proper prefix of secret[0..i] that is also its suffix.
const failureFunction = (secret: string): Array<number> => {
  const failure = new Array<number>(secret.length).fill(0)
  for (let i = 1, k = 0; i < secret.length; i++) {
    while (k > 0 && secret[i] !== secret[k]) k = failure[k - 1]!
    if (secret[i] === secret[k]) k++
    failure[i] = k
  }
  return failure
}


// A presigned URL's credentials, wherever a URL or query shows up in text: the token, signature and key id. Also
// in a presigned URL passed as a query value of another, where its `=` and `&` are encoded once (`%3D`, `%26`), or
// more (`%253D`, `%25253D`) as URLs nest.
const AUTH_PARAMETER_VALUE = /((?:X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)(?:=|%(?:25)*3D))(?:[^&#\s"'`%]|%(?!(?:25)*26))*/gi

/** `text` with the values of a presigned URL's authentication parameters replaced by `<redacted>`. */
export const redactAuthParameters = (text: string): string => redactAuthParametersAround(text, 0).text

/**
 * `redactAuthParameters(text)`, and where index `at` of `text` lies in it (at the `<redacted>` that replaced a value
 * holding it). For a message that quotes a window of the text around `at`: a window may begin inside a token or
 * signature, past the parameter name that marks it for redaction, so the text is redacted before it is cut.
 */
export const redactAuthParametersAround = (text: string, at: number): { readonly text: string; readonly at: number } =>
  replaceAround(text, at, AUTH_PARAMETER_VALUE, (match) => match[1]! + REDACTED)

// A URL's user info, as the URL parser finds it: up to the last "@" before the authority ends (/ ? # \).
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\\]*@/i
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * Whether `text` parses as a URL. Not `URL.canParse`: it came late (Chrome 120, Safari 17, Firefox 115), and
 * React Native's URL and react-native-url-polyfill before 3.0 have none.
 */
export const parsesAsUrl = (text: string): boolean => {
  try {
    new URL(text)
    return true
  } catch {
    return false
  }
}

/**
 * What a message may show of a URL a caller gave: no user info, no query or
 * fragment (either may hold a secret). Text with an `@` that does not parse
 * is not shown past its scheme: where its user info would end cannot be told
 * (an unencoded `/`, `?` or `#` in a password is often why it does not
 * parse), and cutting it anywhere could show part of a password or a host
 * the caller never wrote. (A URL that parses keeps an `@` in its path, as in
 * `/@connections/`.)
 */
export const displayUrl = (text: string, maxLength = 120): string => {
  if (text.includes("@")) {
    if (!parsesAsUrl(text)) {
      return `${SCHEME.exec(text)?.[0] ?? ""}… (${text.length} characters, not shown: it does not parse as a URL, and may hold a password)`
    }
    text = text.replace(USER_INFO, "$1")
  }
  return shorten(text.split(/[?#]/)[0]!, maxLength)
}

// How deep and how much `holdsAnySecret` looks. `inspect(error, { depth: Infinity })` prints every level, so
// the depth is far past any error's (an axios error with its request, socket and agent: 3,782 values, 12
// levels); the number of values is what bounds the walk. Past either budget it answers yes, so a cause whose
// structure runs deeper (a linked list of 100 items) is not kept: fail closed.
const DEEPEST = 64
const MOST_VALUES = 20_000

/** What `inspect` prints of the web classes whose state sits in private slots, not properties. */
const slotText = (value: object): ReadonlyArray<unknown> => {
  if (isURL(value)) return [value.href]
  if (isURLSearchParams(value)) return [value.toString()]
  if (isHeaders(value)) return [...value].flat()
  return []
}

/**
 * Whether `value`, or what `inspect` would print of it, holds one of the
 * secrets (in any of its spellings, as `scrubSecrets` finds them), down to
 * 64 levels: its strings, and the data properties (string and symbol keys,
 * enumerable or not), array items, Map and Set entries,
 * URLs and Headers of every object reachable from it; an object deeper than
 * that counts as holding one. Getters are not called
 * (`inspect` does not call them either); bytes are not read (`inspect`
 * prints them as numbers). A value too large to look through counts as
 * holding one: a value that may show a secret is not kept. May throw on
 * hostile values (a revoked Proxy): callers treat a throw as yes.
 */
export const holdsAnySecret = (value: unknown, secrets: Iterable<string>): boolean => {
  const all = [...secrets].filter((secret) => secret !== "")
  if (all.length === 0) return false
  // Compiled once, for the first text that may hold a secret: most hold none.
  const runs = all.map(literalRun)
  let anySecret: RegExp | undefined
  return holdsTextWhere(value, (text) => {
    if (!runs.some((run) => text.includes(run))) return false
    anySecret ??= anySecretPattern(all)!
    anySecret.lastIndex = 0
    return anySecret.test(text)
  }, true)
}

/**
 * Whether `value`, or what `inspect` would print of it, holds a run that
 * may be a credential (`maskCredentialRuns` would mask it), looked through
 * as `holdsAnySecret` looks: for what code outside this library threw, which
 * may quote, at any depth, a secret the library never held (a vault token in
 * an HTTP client's request headers, a secret in a response's data). What
 * `inspect` shows by default is read (enumerable properties, and an error's
 * message, cause and errors), not what it hides (the AWS SDK's `$response`),
 * and not what names code rather than data: property names, functions, and
 * stack traces (a bundle's hashed file names would read as credentials).
 */
export const holdsCredentialLikeText = (value: unknown): boolean =>
  holdsTextWhere(value, (text) => maskCredentialRuns(text) !== text, false)

/** Whether `value`, as `holdsCredentialLikeText` reads it, quotes a failed process's command line (Node's exec: "Command failed: COMMAND"). */
export const holdsFailedCommandLine = (value: unknown): boolean =>
  holdsTextWhere(value, (text) => text.includes("Command failed: "), false)

// The method by which an object tells Node's inspect what to print of it.
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom")

/** The walk of `holdsAnySecret`, for strings that `holds`; `everything`: keys, functions and stacks too. */
const holdsTextWhere = (value: unknown, holds: (text: string) => boolean, everything: boolean): boolean => {
  const visited = new Set<object>()
  let looked = 0
  let level: Array<unknown> = [value]
  for (let depth = 0; depth <= DEEPEST && level.length > 0; depth++) {
    const next: Array<unknown> = []
    const add = (item: unknown): boolean => {
      next.push(item)
      return looked + next.length > MOST_VALUES
    }
    for (const current of level) {
      looked++
      if (typeof current === "string") {
        if (holds(current)) return true
        continue
      }
      if ((typeof current !== "object" && typeof current !== "function") || current === null || visited.has(current)) continue
      if (ArrayBuffer.isView(current) || isArrayBuffer(current) || (!everything && typeof current === "function")) continue
      visited.add(current)
      // Sizes first: a huge array, Map or Set is not expanded to be looked through.
      if (Array.isArray(current) && current.length > MOST_VALUES) return true
      const map = isMap(current)
      const set = !map && isSet(current)
      if ((map || set) && (current as ReadonlyMap<unknown, unknown> | ReadonlySet<unknown>).size > MOST_VALUES) return true
      if (map) for (const [key, entry] of current as ReadonlyMap<unknown, unknown>) if (add(key) || add(entry)) return true
      if (set) for (const entry of current as ReadonlySet<unknown>) if (add(entry)) return true
      for (const text of slotText(current)) if (add(text)) return true
      // An object that prints itself (got's Options shows its private state): what it shows cannot be told from its
      // enumerable properties, so all its own are read, and what its toJSON gives.
      const printsItself = !everything && typeof (current as { readonly [INSPECT_CUSTOM]?: unknown })[INSPECT_CUSTOM] === "function"
      if (printsItself) {
        const toJSON = (current as { readonly toJSON?: unknown }).toJSON
        if (typeof toJSON === "function" && add(toJSON.call(current))) return true
      }
      for (const key of Reflect.ownKeys(current)) {
        if (!everything && key === "stack") continue
        if (everything && typeof key === "string" && add(key)) return true
        const descriptor = Reflect.getOwnPropertyDescriptor(current, key)
        // Otherwise what inspect shows by default: enumerable properties, and an error's message, cause and errors.
        const shown = everything || printsItself || descriptor?.enumerable === true || key === "message" || key === "cause" || key === "errors"
        if (shown && descriptor !== undefined && "value" in descriptor && add(descriptor.value)) return true
      }
    }
    level = next
  }
  // Past the budget: a string is still read, but an object not yet looked through may hold one.
  return level.some((rest) => {
    if (typeof rest === "string") return holds(rest)
    if ((typeof rest !== "object" && typeof rest !== "function") || rest === null || visited.has(rest)) return false
    return !(ArrayBuffer.isView(rest) || isArrayBuffer(rest) || (!everything && typeof rest === "function"))
  })
}

/**
 * `value`, to keep as an error's `cause`, when nothing `inspect` prints of it
 * holds one of the secrets (`holdsAnySecret`); otherwise `undefined`. A value
 * that cannot be looked through is not kept either: inspect prints a cause in
 * full, so a cause that may show a secret is dropped, and the message says
 * what went wrong.
 */
export const causeShowingNoSecret = (value: unknown, secrets: Iterable<string>): unknown => {
  try {
    return holdsAnySecret(value, secrets) ? undefined : value
  } catch {
    return undefined
  }
}
