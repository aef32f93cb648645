/**
 * The diff of the diagnosis: the server's canonical request (or string to
 * sign) against ours, line by line, each line labelled with the part it
 * belongs to. Bounded for any input: the longest-common-subsequence table is
 * used only up to `MAX_LCS_CELLS` cells, each cell one integer comparison;
 * beyond that a linear prefix comparison stands in.
 *
 * @internal
 */
import type { DiffLine, Part } from "../../Diagnosis.js"
import { REDACTED } from "../scrub.js"
import { redactCanonicalRequest } from "../sigv4/verifyRedaction.js"
import { parseCanonicalRequest } from "./parse.js"

export const STRING_TO_SIGN_PARTS: ReadonlyArray<Part> = ["algorithm", "date", "scope", "hash"]

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

/** Texts this long are no canonical requests; compare them without the quadratic table. */
const MAX_LCS_CELLS = 4_000_000

/**
 * Line diff by longest common subsequence. In each changed run the server's
 * lines come first, then ours, so a changed line shows as a pair.
 */
const lineDiff = (
  a: ReadonlyArray<string>,
  b: ReadonlyArray<string>,
  part: Part,
  aOffset: number,
  bOffset: number
): Array<DiffLine> => {
  const n = a.length
  const m = b.length
  const result: Array<DiffLine> = []
  if ((n + 1) * (m + 1) > MAX_LCS_CELLS) {
    let prefix = 0
    while (prefix < n && prefix < m && a[prefix] === b[prefix]) {
      result.push(same(part, a[prefix]!, aOffset + prefix, bOffset + prefix))
      prefix++
    }
    for (let i = prefix; i < n; i++) result.push(server(part, a[i]!, aOffset + i))
    for (let j = prefix; j < m; j++) result.push(ours(part, b[j]!, bOffset + j))
    return result
  }
  // Each distinct line becomes a number once, so a cell costs one integer comparison however long the lines.
  const ids = new Map<string, number>()
  const idOf = (line: string): number => {
    let id = ids.get(line)
    if (id === undefined) ids.set(line, id = ids.size)
    return id
  }
  const x = Int32Array.from(a, idOf)
  const y = Int32Array.from(b, idOf)
  // table[i * (m + 1) + j]: length of the LCS of a[i..] and b[j..].
  const table = new Uint32Array((n + 1) * (m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = x[i] === y[j]
        ? table[(i + 1) * (m + 1) + j + 1]! + 1
        : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!)
    }
  }
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      result.push(same(part, a[i]!, aOffset + i, bOffset + j))
      i++
      j++
    } else if (j >= m || (i < n && table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!)) {
      result.push(server(part, a[i]!, aOffset + i))
      i++
    } else {
      result.push(ours(part, b[j]!, bOffset + j))
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
 * path and query line against line, the headers as a line diff, then the
 * signed-headers list and the payload hash. Texts that are not canonical
 * requests are compared as plain lines (part `unknown`).
 */
export const diffCanonicalRequests = (serverCanonicalRequest: string, oursCanonicalRequest: string): ReadonlyArray<DiffLine> => {
  // A server that verifies with SigV4.verify shows the session token and any query signature as
  // <redacted> (its refusals must be loggable): hide ours alike, so what it hid does not read as a
  // difference. (It refuses a wrong token before it compares signatures.)
  const shown = serverCanonicalRequest.includes(REDACTED)
  const serverText = shown ? redactCanonicalRequest(serverCanonicalRequest) : serverCanonicalRequest
  const oursText = shown ? redactCanonicalRequest(oursCanonicalRequest) : oursCanonicalRequest
  const s = parseCanonicalRequest(serverText)
  const o = parseCanonicalRequest(oursText)
  if (s === undefined || o === undefined) {
    return lineDiff(serverText.split("\n"), oursText.split("\n"), "unknown", 1, 1)
  }
  const sh = s.headers.length
  const oh = o.headers.length
  return [
    ...single("method", s.method, o.method, 1, 1),
    ...single("path", s.path, o.path, 2, 2),
    ...single("query", s.query, o.query, 3, 3),
    ...lineDiff(s.headers, o.headers, "header", 4, 4),
    same("separator", "", 4 + sh, 4 + oh),
    ...single("signedHeaders", s.signedHeaders, o.signedHeaders, 5 + sh, 5 + oh),
    ...single("payloadHash", s.payloadHash, o.payloadHash, 6 + sh, 6 + oh)
  ]
}

/** Compares the server's string to sign with ours, line by line: algorithm, date, credential scope, hash. */
export const diffStringsToSign = (serverStringToSign: string, oursStringToSign: string): ReadonlyArray<DiffLine> => {
  const s = serverStringToSign.split("\n")
  const o = oursStringToSign.split("\n")
  if (s.length !== 4 || o.length !== 4) return lineDiff(s, o, "unknown", 1, 1)
  return STRING_TO_SIGN_PARTS.flatMap((part, index) => single(part, s[index]!, o[index]!, index + 1, index + 1))
}

/** The parts that differ, in the order they appear. */
export const differingParts = (diff: ReadonlyArray<DiffLine>): ReadonlyArray<Part> => {
  const parts = new Set<Part>()
  for (const line of diff) if (line.kind !== "same") parts.add(line.part)
  return [...parts]
}
