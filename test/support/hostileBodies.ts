/**
 * 403 bodies built to be costly to the diagnosis (which reads bodies from the
 * network), and an ordinary 1 MB one to compare them with. Shared by
 * test/Diagnosis.hostile.test.ts (each is diagnosed, within the test's
 * timeout) and bench/diagnosis.ts (each costs at most 30 times the ordinary
 * one). Before the parsers were made linear, 40 KB of newlines after a quote
 * took Diagnosis.diagnose 2.7 s, and 1 MB of unclosed <CanonicalRequest>
 * tags 21 s.
 */
import { signatureMismatchMessage } from "../../src/internal/apiGatewayMessages.js"

export const MB = 1024 * 1024
const CANONICAL_MARKER = "The Canonical String for this request should have been"
const STRING_TO_SIGN_MARKER = "The String-to-Sign should have been"
const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
export const STRING_TO_SIGN = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/execute-api/aws4_request\n" + "ab".repeat(32)
export const ours = { canonicalRequest: `GET\n/prod/pets\n\nhost:h\nx-amz-date:20240101T000000Z\n\nhost;x-amz-date\n${EMPTY_HASH}`, stringToSign: STRING_TO_SIGN }

/** `unit` repeated to `bytes` characters. */
const fill = (unit: string, bytes: number): string => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)

export const canonicalWithHeaders = (headers: ReadonlyArray<string>): string =>
  ["GET", "/prod/pets", "", ...headers, "", "host;x-amz-date", EMPTY_HASH].join("\n")

export const ordinary = JSON.stringify({
  message: signatureMismatchMessage(
    canonicalWithHeaders(Array.from({ length: 17_500 }, (_, i) => `x-amzn-trace-id-${i}:Root=1-5759e988-bd862e3fe1be46a994272793`)),
    STRING_TO_SIGN
  )
})

export const hostile: ReadonlyArray<readonly [string, string]> = [
  ["a quote followed by newlines", `${CANONICAL_MARKER}\n''` + fill("\n", MB)],
  ["the same inside a JSON message", JSON.stringify({ message: `${CANONICAL_MARKER}\n''` + fill("\n", MB) })],
  ["quotes, blank lines and spaces after the marker", `${CANONICAL_MARKER}\n'` + fill("'\n \n", MB)],
  ["the canonical marker and a quote, repeated", fill(`${CANONICAL_MARKER}\n'`, MB)],
  ["string-to-sign markers without a closing quote", `${CANONICAL_MARKER}\n'x'\n\n` + fill(`${STRING_TO_SIGN_MARKER}\n'`, MB)],
  ["8,000 unclosed <CanonicalRequest> tags", fill("<CanonicalRequest>", 8000 * 18) + "<StringToSign>x</StringToSign>"],
  ["1 MB of unclosed <CanonicalRequest> tags", fill("<CanonicalRequest>", MB) + "<StringToSign>x</StringToSign>"],
  ["1 MB of unclosed <StringToSign> tags", "<CanonicalRequest>x</CanonicalRequest>" + fill("<StringToSign>", MB)],
  ["entity openings that never close", "<StringToSign>x</StringToSign><CanonicalRequest>" + fill("&#x1&#1&a", MB) + "</CanonicalRequest>"],
  [
    "100,000 distinct headers, each differing from ours",
    JSON.stringify({
      message: signatureMismatchMessage(canonicalWithHeaders(Array.from({ length: 100_000 }, (_, i) => `h${i}:v`)), STRING_TO_SIGN)
    })
  ]
]

/** 1,997 long lines on each side, all different, differing only at their end: the largest line-diff table allowed. */
export const longDiff = () => {
  const lines = (offset: number) => Array.from({ length: 1997 }, (_, i) => "x:" + "a".repeat(480) + String(i + offset).padStart(8, "0"))
  const server = canonicalWithHeaders(lines(0))
  const ourSide = canonicalWithHeaders(lines(1))
  return { server, ourSide, body: JSON.stringify({ message: signatureMismatchMessage(server, STRING_TO_SIGN) }) }
}
