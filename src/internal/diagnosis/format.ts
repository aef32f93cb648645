/**
 * The formatting of the diagnosis: a diff laid out for a terminal, with a
 * heading naming the parts that differ, one hint per part, and session tokens
 * hidden. Linear in the diff.
 *
 * @internal
 */
import type { DiffLine, FormatOptions, Part } from "../../Diagnosis.js"
import { REDACTED } from "../scrub.js"
import { differingParts, STRING_TO_SIGN_PARTS } from "./diff.js"

const TOKEN_HEADER = /^(x-amz-security-token:).*$/i
const TOKEN_PARAM = /((?:^|[&?])X-Amz-Security-Token=)[^&#\s]*/gi

const redactLine = (part: Part, line: string): string =>
  part === "header" || part === "unknown"
    ? line.replace(TOKEN_HEADER, "$1" + REDACTED).replace(TOKEN_PARAM, "$1" + REDACTED)
    : part === "query"
    ? line.replace(TOKEN_PARAM, "$1" + REDACTED)
    : line

/**
 * Hides session token values in a canonical request (the
 * `x-amz-security-token` header line), a query string or a URL
 * (`X-Amz-Security-Token=`), so it can be printed or logged.
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

/** One line per differing part: what usually causes it, and what to do. */
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
  const names = new Set<string>()
  for (const line of diff) {
    if (line.kind === "same" || line.part !== "header") continue
    const colon = line.line.indexOf(":")
    names.add(colon === -1 ? line.line : line.line.slice(0, colon))
  }
  return `header ${[...names].join(", ")}`
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
