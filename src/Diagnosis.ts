/**
 * Diagnosis of the most common SigV4 failure, a signature mismatch. When API
 * Gateway (or another AWS service) cannot verify a signature it answers 403
 * and states the canonical request and string to sign it computed. Comparing
 * them, line by line, with the ones the signer computed shows which part of
 * the request changed between signing and arrival: the method, the path, the
 * query, a header, the list of signed headers or the body.
 *
 * Pure functions, no I/O. Formatted output hides session tokens. Parsing is
 * linear in the body and the diff is bounded, so a hostile 403 body costs
 * time in proportion to its size.
 *
 * This module holds the public types and is the table of contents; the work
 * is done in `internal/diagnosis/`: `parse` (the server's side out of a
 * body), `diff` (ours against theirs), `format` (the report), `diagnose`
 * (all three).
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
 * @since 3.0.0
 * @module
 */
import { diagnose as diagnoseBody } from "./internal/diagnosis/diagnose.js"
import {
  diffCanonicalRequests as diffCanonical,
  differingParts as partsThatDiffer,
  diffStringsToSign as diffStrings
} from "./internal/diagnosis/diff.js"
import { formatDiff as format, HINTS as hints, redactSessionToken as redact } from "./internal/diagnosis/format.js"
import { parseCanonicalRequest as parseCanonical, parseSignatureMismatch as parseMismatch } from "./internal/diagnosis/parse.js"
import { diffLines, formatOptions, signedDetails, stringArgument } from "./internal/diagnosis/arguments.js"

// ---------------------------------------------------------------------------
// models

/**
 * What the server says it computed for a request whose signature did not match.
 *
 * @since 3.0.0
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
 * @since 3.0.0
 * @category models
 */
export interface SignedDetails {
  readonly canonicalRequest: string
  readonly stringToSign: string
}

/**
 * The six parts of a canonical request, one line each except the headers.
 *
 * @since 3.0.0
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
 * @since 3.0.0
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
 * @since 3.0.0
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
 * @since 3.0.0
 * @category models
 */
export interface FormatOptions {
  /** Hide session token values (header and query). Default true. */
  readonly redact?: boolean | undefined
}

// ---------------------------------------------------------------------------
// parsing

/**
 * Reads the canonical request and string to sign out of a signature-mismatch
 * response: API Gateway's text (`{"message": "...The Canonical String for
 * this request should have been\n'...'\n\nThe String-to-Sign should have
 * been\n'...'\n"}`), given as the raw body (string or bytes), as the parsed
 * JSON (`{ message }` or `{ Message }`), or as the message alone; and the
 * `<CanonicalRequest>` / `<StringToSign>` elements of XML error bodies.
 * Anything else gives `undefined`. Linear in the body.
 *
 * @since 3.0.0
 * @category parsing
 */
export const parseSignatureMismatch: (body: unknown) => SignatureMismatch | undefined = parseMismatch

/**
 * Splits a canonical request into its parts; `undefined` when the text does
 * not have the shape of one (method, path, query, headers, blank line,
 * signed headers, payload hash).
 *
 * @since 3.0.0
 * @category parsing
 */
export const parseCanonicalRequest = (canonicalRequest: string): CanonicalRequestParts | undefined =>
  typeof canonicalRequest === "string" ? parseCanonical(canonicalRequest) : undefined

// ---------------------------------------------------------------------------
// diffing

/**
 * Compares the server's canonical request with ours, part by part: method,
 * path and query line against line, the headers as a line diff (so a header
 * added, dropped or changed shows as such), then the signed-headers list and
 * the payload hash. Texts that are not canonical requests are compared as
 * plain lines (part `unknown`). When the server's canonical request shows
 * `<redacted>` values (`SigV4.verify` hides the session token and any query
 * signature), ours is compared with the same values hidden, so that they do
 * not read as a difference.
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
 * @throws SigningError (`InvalidConfig`) when either argument is not a string.
 *
 * @since 3.0.0
 * @category diffing
 */
export const diffCanonicalRequests = (serverCanonicalRequest: string, oursCanonicalRequest: string): ReadonlyArray<DiffLine> =>
  diffCanonical(stringArgument("The server's canonical request", serverCanonicalRequest), stringArgument("Our canonical request", oursCanonicalRequest))

/**
 * Compares the server's string to sign with ours, line by line: algorithm,
 * date, credential scope, hash of the canonical request.
 *
 * @throws SigningError (`InvalidConfig`) when either argument is not a string.
 *
 * @since 3.0.0
 * @category diffing
 */
export const diffStringsToSign = (serverStringToSign: string, oursStringToSign: string): ReadonlyArray<DiffLine> =>
  diffStrings(stringArgument("The server's string to sign", serverStringToSign), stringArgument("Our string to sign", oursStringToSign))

/**
 * The parts that differ, in the order they appear.
 *
 * @throws SigningError (`InvalidConfig`) when `diff` is not a list a diff function returned.
 *
 * @since 3.0.0
 * @category diffing
 */
export const differingParts = (diff: ReadonlyArray<DiffLine>): ReadonlyArray<Part> => partsThatDiffer(diffLines("differingParts's argument", diff))

// ---------------------------------------------------------------------------
// formatting

/**
 * Hides session token values in a canonical request (the
 * `x-amz-security-token` header line), a query string or a URL
 * (`X-Amz-Security-Token=`), so it can be printed or logged.
 *
 * @throws SigningError (`InvalidConfig`) when its argument is not a string.
 *
 * @since 3.0.0
 * @category formatting
 */
export const redactSessionToken = (canonicalText: string): string => redact(stringArgument("redactSessionToken's argument", canonicalText))

/**
 * One line per differing part: what usually causes it, and what to do.
 *
 * @since 3.0.0
 * @category formatting
 */
export const HINTS: Readonly<Record<Part, string>> = hints

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
 * @throws SigningError (`InvalidConfig`) when `diff` is not a list a diff function returned, or `options` is not `{ redact?: boolean }`.
 *
 * @since 3.0.0
 * @category formatting
 */
export const formatDiff = (diff: ReadonlyArray<DiffLine>, options?: FormatOptions): string => format(diffLines("formatDiff's argument", diff), formatOptions(options))

// ---------------------------------------------------------------------------
// diagnosis

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
 * @throws SigningError (`InvalidConfig`) when `signed` is not `{ canonicalRequest, stringToSign }` (strings), or `options` is not `{ redact?: boolean }`. A body that is no signature-mismatch message is not an error: it gives `undefined`.
 *
 * @since 3.0.0
 * @category diagnosis
 */
export const diagnose = (responseBody: unknown, signed: SignedDetails, options?: FormatOptions): string | undefined =>
  diagnoseBody(responseBody, signedDetails(signed), formatOptions(options))
