/**
 * Diagnosis of the most common SigV4 failure, a signature mismatch. When API
 * Gateway (or another AWS service) cannot verify a signature it answers 403
 * and states the canonical request and string to sign it computed. Comparing
 * them, line by line, with the ones the signer computed shows which part of
 * the request changed between signing and arrival: the method, the path, the
 * query, a header, the list of signed headers or the body.
 *
 * Pure functions, no I/O. Formatted output hides session tokens.
 *
 * @example
 * ```ts
 * import { Diagnosis, Signer } from "api-gateway-request-signer"
 *
 * // signed: the result of Signer.signRequestWithDetails; text: the 403 response body
 * declare const signed: Signer.SignedRequestWithDetails
 * declare const text: string
 * const report = Diagnosis.diagnose(text, signed)
 * if (report !== undefined) process.stderr.write(report + "\n")
 * ```
 *
 * @since 2.0.0
 */

/**
 * What the server says it computed for a request whose signature did not match.
 *
 * @since 2.0.0
 * @category models
 */
export interface SignatureMismatch {
  readonly canonicalRequest: string
  readonly stringToSign: string
}

/**
 * What the signer computed for a request: `Signer.signRequestWithDetails`
 * returns it.
 *
 * @since 2.0.0
 * @category models
 */
export interface SignedDetails {
  readonly canonicalRequest: string
  readonly stringToSign: string
}

/**
 * The six parts of a canonical request, one line each except the headers.
 *
 * @since 2.0.0
 * @category models
 */
export interface CanonicalRequestParts {
  readonly method: string
  readonly path: string
  readonly query: string
  /** `name:value` lines. */
  readonly headers: ReadonlyArray<string>
  readonly signedHeaders: string
  readonly payloadHash: string
}

/**
 * The part of a canonical request (or of a string to sign) a line belongs to.
 * `separator` is the blank line after the headers; `unknown` marks lines of a
 * text that is not a well-formed canonical request.
 *
 * @since 2.0.0
 * @category models
 */
export type Part =
  | "method"
  | "path"
  | "query"
  | "header"
  | "separator"
  | "signedHeaders"
  | "payloadHash"
  | "algorithm"
  | "date"
  | "scope"
  | "hash"
  | "unknown"

/**
 * One line of a diff: in both texts (`same`), only in the server's (`server`)
 * or only in ours (`ours`). Line numbers count from 1 in the text the line
 * comes from; a `same` line has both.
 *
 * @since 2.0.0
 * @category models
 */
export interface DiffLine {
  readonly kind: "same" | "server" | "ours"
  readonly part: Part
  readonly line: string
  readonly serverLineNumber: number | undefined
  readonly oursLineNumber: number | undefined
}

/**
 * Options of `formatDiff` and `diagnose`.
 *
 * @since 2.0.0
 * @category models
 */
export interface FormatOptions {
  /** Hide session token values (header and query). Default true. */
  readonly redact?: boolean | undefined
}

// ---------------------------------------------------------------------------
// parsing

const CANONICAL_MARKER = "The Canonical String for this request should have been"

// API Gateway: "...should have been\n'<canonical request>'\n\nThe String-to-Sign should have been\n'<string to sign>'\n".
// A string to sign never holds a quote (algorithm, date, scope, hex), so it ends at the next one.
const QUOTED = /The Canonical String for this request should have been\s*\n'([\s\S]*?)'\s*\n\s*\nThe String-to-Sign should have been\s*\n'([^']*)'/
// S3 and other XML APIs: <CanonicalRequest>...</CanonicalRequest> and <StringToSign>...</StringToSign>.
const XML_CANONICAL = /<CanonicalRequest>([\s\S]*?)<\/CanonicalRequest>/
const XML_STRING_TO_SIGN = /<StringToSign>([\s\S]*?)<\/StringToSign>/

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

const decodeXml = (text: string): string =>
  text.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-z]+));/g, (entity, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    const code = hex !== undefined ? parseInt(hex, 16) : dec !== undefined ? parseInt(dec, 10) : undefined
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : entity
    return (name !== undefined ? XML_ENTITIES[name] : undefined) ?? entity
  })

const messageField = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const { message, Message } = value as { message?: unknown; Message?: unknown }
  return typeof message === "string" ? message : typeof Message === "string" ? Message : undefined
}

/** The error message of a response body: the body itself, or its JSON `message` / `Message`. */
const messageOf = (body: unknown): string | undefined => {
  if (body instanceof Uint8Array) return messageOf(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"))
  if (typeof body !== "string") return messageField(body)
  const trimmed = body.trim()
  if (trimmed.startsWith("{") || trimmed.startsWith("\"")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (typeof parsed === "string") return parsed
      const field = messageField(parsed)
      if (field !== undefined) return field
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  return body
}

/**
 * Reads the canonical request and string to sign out of a signature-mismatch
 * response: API Gateway's text (`{"message": "...The Canonical String for
 * this request should have been\n'...'\n\nThe String-to-Sign should have
 * been\n'...'\n"}`), given as the raw body (string or bytes), as the parsed
 * JSON (`{ message }` or `{ Message }`), or as the message alone; and the
 * `<CanonicalRequest>` / `<StringToSign>` elements of XML error bodies.
 * Anything else gives `undefined`.
 *
 * @since 2.0.0
 * @category parsing
 */
export const parseSignatureMismatch = (body: unknown): SignatureMismatch | undefined => {
  const message = messageOf(body)
  if (message === undefined) return undefined
  const text = message.replace(/\r\n/g, "\n")
  if (text.includes(CANONICAL_MARKER)) {
    const match = QUOTED.exec(text)
    if (match !== null) return { canonicalRequest: match[1]!, stringToSign: match[2]! }
  }
  const canonical = XML_CANONICAL.exec(text)
  const stringToSign = XML_STRING_TO_SIGN.exec(text)
  if (canonical !== null && stringToSign !== null) {
    return { canonicalRequest: decodeXml(canonical[1]!), stringToSign: decodeXml(stringToSign[1]!) }
  }
  return undefined
}

/**
 * Splits a canonical request into its parts; `undefined` when the text does
 * not have the shape of one (method, path, query, headers, blank line,
 * signed headers, payload hash).
 *
 * @since 2.0.0
 * @category parsing
 */
export const parseCanonicalRequest = (canonicalRequest: string): CanonicalRequestParts | undefined => {
  const lines = canonicalRequest.split("\n")
  const n = lines.length
  if (n < 7 || lines[n - 3] !== "") return undefined
  return {
    method: lines[0]!,
    path: lines[1]!,
    query: lines[2]!,
    headers: lines.slice(3, n - 3),
    signedHeaders: lines[n - 2]!,
    payloadHash: lines[n - 1]!
  }
}

// ---------------------------------------------------------------------------
// diffing

const same = (part: Part, line: string, serverLineNumber: number, oursLineNumber: number): DiffLine => ({
  kind: "same",
  part,
  line,
  serverLineNumber,
  oursLineNumber
})
const server = (part: Part, line: string, serverLineNumber: number): DiffLine => ({
  kind: "server",
  part,
  line,
  serverLineNumber,
  oursLineNumber: undefined
})
const ours = (part: Part, line: string, oursLineNumber: number): DiffLine => ({
  kind: "ours",
  part,
  line,
  serverLineNumber: undefined,
  oursLineNumber
})

// Texts this long are no canonical requests; compare them without the quadratic table.
const MAX_LCS_CELLS = 4_000_000

/**
 * Line diff by longest common subsequence. In each changed run the server's
 * lines come first, then ours, so a changed line shows as a pair.
 */
const lineDiff = (
  a: ReadonlyArray<string>,
  b: ReadonlyArray<string>,
  partOf: (side: "server" | "ours", index: number) => Part,
  aOffset: number,
  bOffset: number
): Array<DiffLine> => {
  const n = a.length
  const m = b.length
  const result: Array<DiffLine> = []
  if ((n + 1) * (m + 1) > MAX_LCS_CELLS) {
    let prefix = 0
    while (prefix < n && prefix < m && a[prefix] === b[prefix]) {
      result.push(same(partOf("server", prefix), a[prefix]!, aOffset + prefix, bOffset + prefix))
      prefix++
    }
    for (let i = prefix; i < n; i++) result.push(server(partOf("server", i), a[i]!, aOffset + i))
    for (let j = prefix; j < m; j++) result.push(ours(partOf("ours", j), b[j]!, bOffset + j))
    return result
  }
  // table[i * (m + 1) + j]: length of the LCS of a[i..] and b[j..].
  const table = new Uint32Array((n + 1) * (m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = a[i] === b[j]
        ? table[(i + 1) * (m + 1) + j + 1]! + 1
        : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!)
    }
  }
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      result.push(same(partOf("server", i), a[i]!, aOffset + i, bOffset + j))
      i++
      j++
    } else if (j >= m || (i < n && table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!)) {
      result.push(server(partOf("server", i), a[i]!, aOffset + i))
      i++
    } else {
      result.push(ours(partOf("ours", j), b[j]!, bOffset + j))
      j++
    }
  }
  return result
}

const single = (part: Part, left: string, right: string, serverLineNumber: number, oursLineNumber: number): Array<DiffLine> =>
  left === right
    ? [same(part, left, serverLineNumber, oursLineNumber)]
    : [server(part, left, serverLineNumber), ours(part, right, oursLineNumber)]

/**
 * Compares the server's canonical request with ours, part by part: method,
 * path and query line against line, the headers as a line diff (so a header
 * added, dropped or changed shows as such), then the signed-headers list and
 * the payload hash. Texts that are not canonical requests are compared as
 * plain lines (part `unknown`).
 *
 * @example
 * ```ts
 * import { Diagnosis } from "api-gateway-request-signer"
 *
 * const diff = Diagnosis.diffCanonicalRequests(
 *   "GET\n/prod/a%2520b\n\nhost:example.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 *   "GET\n/prod/a%20b\n\nhost:example.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * )
 * Diagnosis.differingParts(diff) // ["path"]
 * ```
 *
 * @since 2.0.0
 * @category diffing
 */
export const diffCanonicalRequests = (serverCanonicalRequest: string, oursCanonicalRequest: string): ReadonlyArray<DiffLine> => {
  const s = parseCanonicalRequest(serverCanonicalRequest)
  const o = parseCanonicalRequest(oursCanonicalRequest)
  if (s === undefined || o === undefined) {
    return lineDiff(serverCanonicalRequest.split("\n"), oursCanonicalRequest.split("\n"), () => "unknown", 1, 1)
  }
  const sh = s.headers.length
  const oh = o.headers.length
  return [
    ...single("method", s.method, o.method, 1, 1),
    ...single("path", s.path, o.path, 2, 2),
    ...single("query", s.query, o.query, 3, 3),
    ...lineDiff(s.headers, o.headers, () => "header", 4, 4),
    same("separator", "", 4 + sh, 4 + oh),
    ...single("signedHeaders", s.signedHeaders, o.signedHeaders, 5 + sh, 5 + oh),
    ...single("payloadHash", s.payloadHash, o.payloadHash, 6 + sh, 6 + oh)
  ]
}

const STRING_TO_SIGN_PARTS: ReadonlyArray<Part> = ["algorithm", "date", "scope", "hash"]

/**
 * Compares the server's string to sign with ours, line by line: algorithm,
 * date, credential scope, hash of the canonical request.
 *
 * @since 2.0.0
 * @category diffing
 */
export const diffStringsToSign = (serverStringToSign: string, oursStringToSign: string): ReadonlyArray<DiffLine> => {
  const s = serverStringToSign.split("\n")
  const o = oursStringToSign.split("\n")
  if (s.length !== 4 || o.length !== 4) return lineDiff(s, o, () => "unknown", 1, 1)
  return STRING_TO_SIGN_PARTS.flatMap((part, index) => single(part, s[index]!, o[index]!, index + 1, index + 1))
}

/**
 * The parts that differ, in the order they appear.
 *
 * @since 2.0.0
 * @category diffing
 */
export const differingParts = (diff: ReadonlyArray<DiffLine>): ReadonlyArray<Part> => {
  const parts: Array<Part> = []
  for (const line of diff) if (line.kind !== "same" && !parts.includes(line.part)) parts.push(line.part)
  return parts
}

// ---------------------------------------------------------------------------
// formatting

const TOKEN_HEADER = /^(x-amz-security-token:).*$/i
const TOKEN_PARAM = /((?:^|[&?])X-Amz-Security-Token=)[^&#\s]*/gi

const redactLine = (part: Part, line: string): string =>
  part === "header" || part === "unknown"
    ? line.replace(TOKEN_HEADER, "$1<redacted>").replace(TOKEN_PARAM, "$1<redacted>")
    : part === "query"
    ? line.replace(TOKEN_PARAM, "$1<redacted>")
    : line

/**
 * Hides session token values in a canonical request (the
 * `x-amz-security-token` header line), a query string or a URL
 * (`X-Amz-Security-Token=`), so it can be printed or logged.
 *
 * @since 2.0.0
 * @category formatting
 */
export const redactSessionToken = (text: string): string =>
  text.split("\n").map((line) => redactLine("unknown", line)).join("\n")

const LABELS: Record<Part, string> = {
  method: "method",
  path: "path",
  query: "query",
  header: "header",
  separator: "",
  signedHeaders: "signed headers",
  payloadHash: "payload hash",
  algorithm: "algorithm",
  date: "date",
  scope: "scope",
  hash: "hash",
  unknown: ""
}

/**
 * One line per differing part: what usually causes it, and what to do.
 *
 * @since 2.0.0
 * @category formatting
 */
export const HINTS: Readonly<Record<Part, string>> = {
  method: "the request went out with another method than was signed (a redirect can turn POST into GET; a proxy may rewrite it).",
  path:
    "usually path encoding: sign the path exactly as it is sent, stage included; API Gateway encodes each segment once more (spaces, %2F, non-ASCII), and no client or proxy may re-encode or normalize the path after signing.",
  query:
    "parameters must be sorted by name, then value, and encoded per RFC 3986 (space as %20, not +; !'()* encoded); a client or proxy re-encoded, reordered or added parameters after signing.",
  header:
    "a signed header arrived with another value, or not at all: a proxy, CDN or HTTP client changed it after signing (host with or without a port, a charset added to content-type, whitespace); sign only headers that arrive unchanged.",
  separator: "the canonical headers are malformed.",
  signedHeaders: "the list of signed headers differs: the Authorization header (or X-Amz-SignedHeaders) was changed in transit.",
  payloadHash:
    "the body changed after signing (JSON serialized again, another text encoding, a trailing newline, compression): send exactly the bytes that were signed.",
  algorithm: "sign with AWS4-HMAC-SHA256.",
  date: "the x-amz-date the server read is not the one signed: a header was rewritten, or a client added a Date header.",
  scope: "the credential scope differs: sign for the region and service the server expects (API Gateway: execute-api and the API's region).",
  hash: "the canonical requests differ; see above.",
  unknown: "the texts differ; compare them line by line."
}

const describeParts = (parts: ReadonlyArray<Part>): string => {
  const names = parts.map((part) => (part === "header" ? "headers" : LABELS[part] || part))
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`
}

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - text.length))

const formatLines = (diff: ReadonlyArray<DiffLine>, redact: boolean): Array<string> => {
  const numberWidth = String(
    diff.reduce((max, line) => Math.max(max, line.serverLineNumber ?? 0, line.oursLineNumber ?? 0), 1)
  ).length
  const labelWidth = diff.reduce((max, line) => Math.max(max, LABELS[line.part].length), 0)
  const texts = diff.map((line) => (redact ? redactLine(line.part, line.line) : line.line))
  // A changed line whose two versions look equal once redacted: say that the hidden values differ.
  for (let i = 0; i + 1 < diff.length; i++) {
    if (diff[i]!.kind === "server" && diff[i + 1]!.kind === "ours" && texts[i] === texts[i + 1]) {
      texts[i] += " (values differ)"
      texts[i + 1] += " (values differ)"
    }
  }
  return diff.map((line, index) => {
    const number = line.kind === "ours" ? line.oursLineNumber : line.serverLineNumber
    const who = line.kind === "same" ? "" : line.kind
    return `${pad(who, 6)}  ${pad(String(number ?? ""), numberWidth)}  ${pad(LABELS[line.part], labelWidth)}  ${texts[index]}`
      .trimEnd()
  })
}

/** `header x-a, x-b`: the names of the headers that differ. */
const headerNames = (diff: ReadonlyArray<DiffLine>): string => {
  const names: Array<string> = []
  for (const line of diff) {
    if (line.kind === "same" || line.part !== "header") continue
    const colon = line.line.indexOf(":")
    const name = colon === -1 ? line.line : line.line.slice(0, colon)
    if (!names.includes(name)) names.push(name)
  }
  return `header ${names.join(", ")}`
}

const firstDifferingLine = (diff: ReadonlyArray<DiffLine>, part: Part): number | undefined => {
  const line = diff.find((candidate) => candidate.kind !== "same" && candidate.part === part)
  return line === undefined ? undefined : line.serverLineNumber ?? line.oursLineNumber
}

/**
 * Formats a diff for a terminal: a heading naming the parts that differ, every
 * line with its origin (`server` / `ours` / blank for both), line number and
 * part, then one hint per differing part. Session tokens are hidden unless
 * `redact: false`.
 *
 * ```text
 * The server's canonical request differs from ours in the path (line 2):
 *         1  method          GET
 * server  2  path            /prod/a%2520b
 * ours    2  path            /prod/a%20b
 *         3  query
 *         4  header          host:example.com
 *         5
 *         6  signed headers  host
 *         7  payload hash    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
 * hint (path): usually path encoding: ...
 * ```
 *
 * @since 2.0.0
 * @category formatting
 */
export const formatDiff = (diff: ReadonlyArray<DiffLine>, options: FormatOptions = {}): string => {
  const redact = options.redact ?? true
  const parts = differingParts(diff)
  const isStringToSign = diff.some((line) => STRING_TO_SIGN_PARTS.includes(line.part))
  const subject = isStringToSign ? "string to sign" : "canonical request"
  if (parts.length === 0) {
    return `The server's ${subject} is identical to ours.`
  }
  const where = parts.length === 1
    ? (() => {
      const line = firstDifferingLine(diff, parts[0]!)
      return `${describeParts(parts)}${line === undefined ? "" : ` (line ${line})`}`
    })()
    : describeParts(parts)
  return [
    `The server's ${subject} differs from ours in the ${where}:`,
    ...formatLines(diff, redact),
    ...parts.map((part) => `hint (${part === "header" ? headerNames(diff) : LABELS[part] || part}): ${HINTS[part]}`)
  ].join("\n")
}

/**
 * From a 403 response body and what the request was signed from, a report of
 * why the signature did not match: the canonical request diff with hints;
 * when the canonical requests are identical, the string-to-sign diff, or the
 * conclusion that the secret key is not the one the server has. `undefined`
 * when the body is no signature-mismatch message.
 *
 * @example
 * ```ts
 * import { Diagnosis, Signer } from "api-gateway-request-signer"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const signed = yield* Signer.signRequestWithDetails({ method: "GET", path: "/pets" })
 *   const response = yield* Effect.promise(() => fetch(signed.request.url, signed.request))
 *   if (response.status === 403) {
 *     const report = Diagnosis.diagnose(yield* Effect.promise(() => response.text()), signed)
 *     if (report !== undefined) yield* Effect.logWarning(report)
 *   }
 * })
 * ```
 *
 * @since 2.0.0
 * @category diagnosis
 */
export const diagnose = (responseBody: unknown, signed: SignedDetails, options: FormatOptions = {}): string | undefined => {
  const mismatch = parseSignatureMismatch(responseBody)
  if (mismatch === undefined) return undefined
  const canonical = diffCanonicalRequests(mismatch.canonicalRequest, signed.canonicalRequest)
  if (differingParts(canonical).length > 0) return formatDiff(canonical, options)
  const stringToSign = diffStringsToSign(mismatch.stringToSign, signed.stringToSign)
  if (differingParts(stringToSign).length > 0) {
    return `The server's canonical request is identical to ours.\n${formatDiff(stringToSign, options)}`
  }
  return "The server's canonical request and string to sign are identical to ours, so the signature differs by the key alone: " +
    "the secret access key is not the one the server has for this access key id (a typo, a key from another account or " +
    "profile, a rotated key, or a session token that belongs to other credentials)."
}
