/**
 * How the exchange is shown: `-v`'s signing details and request lines on
 * stderr, and the status line and headers of a response (`-i` on stdout,
 * `-v` on stderr). The session token, and a presigned URL's credentials in
 * the query, show as `<redacted>`.
 *
 * @internal
 */
import { STATUS_CODES } from "node:http"
import * as Diagnosis from "../Diagnosis.js"
import { redactAuthParameters } from "../internal/scrub.js"
import { redactCanonicalRequest, redactTarget } from "../internal/sigv4/verifyRedaction.js"
import type * as Signer from "../Signer.js"
import type { Console } from "./output.js"

const indent = (text: string): string => text.split("\n").map((line) => `  ${line}`.trimEnd()).join("\n")

const hasHeader = (headers: Readonly<Record<string, string>>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name)

/**
 * A request target as `-v` shows it: a presigned URL's credentials in the query
 * (X-Amz-Security-Token, X-Amz-Signature, X-Amz-Credential, by any spelling of
 * their names) as `<redacted>`, as in every message (docs/signing.md).
 */
const shownTarget = (target: string): string => redactAuthParameters(redactTarget(target))

/** A canonical request as `-v` shows it: the session token (header and query) and the query's credentials as `<redacted>`. */
const shownCanonicalRequest = (canonicalRequest: string): string =>
  redactAuthParameters(redactCanonicalRequest(Diagnosis.redactSessionToken(canonicalRequest)))

/** What `-v` shows of a signature: the canonical request (its secrets redacted), the string to sign, the signed headers. */
const signatureLines = (details: Signer.SigningDetails): Array<string> => [
  "* canonical request:",
  indent(shownCanonicalRequest(details.canonicalRequest)),
  "* string to sign:",
  indent(details.stringToSign),
  `* signed headers: ${details.signedHeaders}`
]

/** `-v --presign`: what the URL's signature was computed from (nothing is sent). */
export const printSignature = (console: Console, details: Signer.SigningDetails): void => {
  console.err(signatureLines(details).join("\n") + "\n")
}

/** `-v`: the canonical request, string to sign, signed headers and the request as sent. */
export const printDetails = (console: Console, details: Signer.SignedRequestWithDetails, hasToken: boolean): void => {
  const url = new URL(details.request.url)
  const lines = [
    ...signatureLines(details),
    `> ${details.request.method} ${shownTarget(url.pathname + url.search)} HTTP/1.1`,
    // A Host header given with -H is among the headers; otherwise the client sends the URL's.
    ...(hasHeader(details.request.headers, "host") ? [] : [`> host: ${url.host}`]),
    ...Object.entries(details.request.headers).map(([name, value]) =>
      `> ${name}: ${hasToken && name.toLowerCase() === "x-amz-security-token" ? "<redacted>" : value}`
    ),
    ">"
  ]
  console.err(lines.join("\n") + "\n")
}

/** The reason phrase of a status: the server's, else the standard one. */
export const statusTextOf = (status: number, statusText: string): string => statusText || STATUS_CODES[status] || ""

/** A status line and header lines, each behind `prefix`, with CRLF line ends. */
export const headerLines = (prefix: string, status: number, statusText: string, headers: Headers): string => {
  const lines = [`${prefix}HTTP/1.1 ${status} ${statusTextOf(status, statusText)}`.trimEnd()]
  headers.forEach((value, name) => lines.push(`${prefix}${name}: ${value}`))
  return lines.join("\r\n") + "\r\n"
}
