/**
 * Random requests for property tests: unicode, reserved characters, `%XX`
 * escapes, repeated keys, empty values, binary bodies, mixed-case headers with
 * odd whitespace.
 */
import * as fc from "effect/FastCheck"

const RESERVED = ["@", ":", "=", "+", "!", "*", "'", "(", ")", ",", ";", "$", "&"]
const AWKWARD = [" ", "%", "~", "-", ".", "_", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "[", "]", "?", "#"]

/** One character a user might put anywhere: ASCII, reserved, awkward, BMP and astral unicode. */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.char() },
  { weight: 2, arbitrary: fc.constantFrom(...RESERVED) },
  { weight: 2, arbitrary: fc.constantFrom(...AWKWARD) },
  { weight: 1, arbitrary: fc.unicode() },
  { weight: 1, arbitrary: fc.fullUnicode() }
)

export const text = (maxLength = 12): fc.Arbitrary<string> =>
  fc.array(anyChar, { maxLength }).map((chars) => chars.join(""))

const hex = (byte: number, lower: boolean) => {
  const digits = byte.toString(16).padStart(2, "0")
  return "%" + (lower ? digits : digits.toUpperCase())
}

/**
 * Encodes text the many ways a wire component may spell it: each character
 * raw where `rawAllowed` lets it through, else (or at random) as `%XX` escapes
 * of its UTF-8 bytes, in upper or lower case.
 */
export const spelledVariously = (value: string, rawAllowed: RegExp): fc.Arbitrary<string> =>
  fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: [...value].length, maxLength: [...value].length }).map(
    (choices) =>
      [...value].map((char, i) => {
        const [raw, lower] = choices[i]!
        if (raw && rawAllowed.test(char)) return char
        return [...Buffer.from(char, "utf8")].map((byte) => hex(byte, lower)).join("")
      }).join("")
  )

// On a wire path, a segment may hold unreserved characters, sub-delimiters, ":" and "@" raw.
const PATH_RAW = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/
// In a query component, "&", "=", "#", "+" and "%" must be escaped to keep their literal meaning.
const QUERY_RAW = /^[A-Za-z0-9\-._~!$'()*,;:@/?]$/

export interface WireRequestSample {
  readonly method: string
  readonly pathSegments: ReadonlyArray<string>
  readonly wirePath: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly wireQuery: string
  /** Unique lower-case names, sent with random casing and whitespace. */
  readonly headers: ReadonlyArray<readonly [name: string, sentName: string, value: string]>
  readonly body: Uint8Array | string | undefined
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const
export const method = fc.constantFrom(...METHODS)
/** Methods that carry no body: fetch refuses to send one, even an empty one. */
export const carriesNoBody = (method: string): boolean => method === "GET" || method === "HEAD"

const pathSegment = fc.oneof(
  { weight: 8, arbitrary: text(10).chain((value) => spelledVariously(value, PATH_RAW)) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom(".", "..") }
)

const queryComponent = text(8).chain((value) => spelledVariously(value, QUERY_RAW).map((spelled) => [value, spelled] as const))

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((name) =>
  !["authorization", "host", "date", "user-agent", "expect", "connection", "te", "trailer", "upgrade", "from", "referer", "pragma", "keep-alive", "cache-control", "max-forwards", "transfer-encoding"].includes(name) &&
  !name.startsWith("x-amz") && !name.startsWith("x-amzn") && !name.startsWith("proxy-") && !name.startsWith("sec-")
)

const randomCase = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) =>
    [...name].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join("")
  )

/** Printable ASCII and Latin-1, with runs of spaces and tabs inside and around. */
export const headerValue = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.char() },
    { weight: 2, arbitrary: fc.constantFrom(" ", "  ", "\t", " \t ") },
    { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)) }
  ),
  { maxLength: 20 }
).map((parts) => parts.join(""))

export const body: fc.Arbitrary<Uint8Array | string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 40 })
)

export const wireRequest: fc.Arbitrary<WireRequestSample> = fc.record({
  method,
  pathSegments: fc.array(pathSegment, { maxLength: 5 }),
  // Now and then more than 16 pairs: the canonical sort takes another path past 16 (canonicalQuery.ts).
  queryPairs: fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.tuple(queryComponent, fc.oneof(queryComponent, fc.constant(["", ""] as const))), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(queryComponent, fc.oneof(queryComponent, fc.constant(["", ""] as const))), { minLength: 17, maxLength: 40 }) }
  ),
  repeatFirstKey: fc.boolean(),
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 4, selector: ([name]) => name }).chain((entries) =>
    fc.tuple(...entries.map(([name, value]) => randomCase(name).map((sent) => [name, sent, value] as const)))
  ),
  body
}).map(({ method, pathSegments, queryPairs, repeatFirstKey, headers, body }) => {
  const pairs = repeatFirstKey && queryPairs.length > 0 ? [...queryPairs, [queryPairs[0]![0], queryPairs[0]![1]] as const] : queryPairs
  return {
    method,
    pathSegments,
    wirePath: "/" + pathSegments.join("/"),
    query: pairs.map(([[key], [value]]) => [key, value] as const),
    wireQuery: pairs.map(([[, key], [, value]]) => `${key}=${value}`).join("&"),
    headers,
    body
  }
})

// ---------------------------------------------------------------------------
// Facade paths, as users write them

// "." and ".." however a path spells them: an escaped dot (%2E, %2e) is a dot
// for URL parsers and API Gateway alike.
const DOT = /^(?:\.|%2e)$/i
const DOT_DOT = /^(?:\.|%2e){2}$/i
const DOT_SPELLINGS = [".", "%2E", "%2e"] as const
const DOT_DOT_SPELLINGS = ["..", "%2E%2E", "%2e%2E", ".%2E", "%2e."] as const

/**
 * The model of a facade path (what precedes any `?`): its segments once dot
 * segments are removed as RFC 3986 (5.2.4) and every HTTP client remove them,
 * each segment as written; or `undefined` when a ".." climbs above the root,
 * which is the endpoint's stage: such a path must be refused. A "." or ".."
 * at the end leaves a trailing slash (an empty last segment).
 */
export const resolvedSegments = (path: string): ReadonlyArray<string> | undefined => {
  const segments = (path.startsWith("/") ? path.slice(1) : path).split("/")
  const resolved: Array<string> = []
  for (const [i, segment] of segments.entries()) {
    if (DOT_DOT.test(segment)) {
      if (resolved.length === 0) return undefined
      resolved.pop()
    } else if (!DOT.test(segment)) {
      resolved.push(segment)
      continue
    }
    if (i === segments.length - 1) resolved.push("")
  }
  return resolved
}

// What a user passes as a path segment: text as typed (without "/", "?", "#"),
// text pre-encoded with encodeURIComponent, text with %XX escapes at random,
// an empty segment ("//"), or a dot segment in any spelling.
const userSegment = fc.oneof(
  { weight: 3, arbitrary: text(10).filter((segment) => !/[/?#]/.test(segment)) },
  { weight: 3, arbitrary: text(10).map(encodeURIComponent) },
  { weight: 2, arbitrary: text(6).chain((value) => spelledVariously(value, /^[A-Za-z0-9]$/)) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 2, arbitrary: fc.constantFrom(...DOT_SPELLINGS, ...DOT_DOT_SPELLINGS) }
)
// Trailing slashes and trailing spaces.
const pathTail = fc.constantFrom("", "/", "  ", " /")
const joinPath = (segments: ReadonlyArray<string>, tail: string) => "/" + segments.join("/") + tail

/** Any path a user might write; some of them climb above the stage. */
export const userPath: fc.Arbitrary<string> = fc.tuple(fc.array(userSegment, { maxLength: 6 }), pathTail).map(
  ([segments, tail]) => joinPath(segments, tail)
)

/**
 * A path the facade must sign: every path a user might write whose dot
 * segments stay within the stage, `/a/../b` and `/a/%2E%2E/b` included.
 */
export const pathWithinStage: fc.Arbitrary<string> = userPath.filter((path) => resolvedSegments(path) !== undefined)

/**
 * A path with a ".." (in any spelling) that climbs above the stage: one more
 * ".." than the segments before it leave standing, anywhere in the path.
 */
export const pathClimbingAboveStage: fc.Arbitrary<string> = fc
  .tuple(fc.array(userSegment, { maxLength: 4 }), fc.array(userSegment, { maxLength: 3 }), pathTail)
  .chain(([before, after, tail]) => {
    const standing = (resolvedSegments(joinPath([...before, "x"], ""))?.length ?? 1) - 1
    return fc.array(fc.constantFrom(...DOT_DOT_SPELLINGS), { minLength: standing + 1, maxLength: standing + 1 }).map((climb) =>
      // A trailing space would turn a final ".." into an ordinary segment.
      joinPath([...before, ...climb, ...after], after.length === 0 ? tail.trimStart() : tail)
    )
  })
