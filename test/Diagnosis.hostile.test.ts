/**
 * The diagnosis reads 403 bodies from the network, so a hostile body must
 * cost time in proportion to its size. Before the parsers were made linear,
 * 40 KB of newlines after a quote took Diagnosis.diagnose 2.7 s, and 1 MB of
 * unclosed <CanonicalRequest> tags 21 s.
 *
 * How the time is bounded without a flaky wall-clock assertion on a shared
 * machine: each hostile 1 MB body is compared with a linear baseline measured
 * in the same test: the diagnosis of an ordinary 1 MB signature-mismatch body
 * (parse, diff and format of 17,500 header lines the server saw and we did
 * not sign). Both are the fastest of three runs, so a pause in one run does
 * not count, and a slow machine slows both. A hostile body may cost at most
 * 30 times the baseline plus 50 ms. Linear code stays well below: the worst
 * here, 100,000 one-line headers, is about 6 times (it has 6 times the
 * lines); the quadratic code took 500 to 50,000 times the baseline.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Diagnosis from "api-gateway-request-signer/Diagnosis"
import { signatureMismatchMessage } from "../src/internal/apiGatewayMessages.js"

const MB = 1024 * 1024
const CANONICAL_MARKER = "The Canonical String for this request should have been"
const STRING_TO_SIGN_MARKER = "The String-to-Sign should have been"
const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
const STRING_TO_SIGN = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/execute-api/aws4_request\n" + "ab".repeat(32)
const ours = { canonicalRequest: `GET\n/prod/pets\n\nhost:h\nx-amz-date:20240101T000000Z\n\nhost;x-amz-date\n${EMPTY_HASH}`, stringToSign: STRING_TO_SIGN }

/** `unit` repeated to `bytes` characters. */
const fill = (unit: string, bytes: number): string => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)

const canonicalWithHeaders = (headers: ReadonlyArray<string>): string =>
  ["GET", "/prod/pets", "", ...headers, "", "host;x-amz-date", EMPTY_HASH].join("\n")

/** Milliseconds of the fastest of `runs` runs. */
const fastest = (run: () => unknown, runs = 3): number => {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    run()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

const ordinary = JSON.stringify({
  message: signatureMismatchMessage(
    canonicalWithHeaders(Array.from({ length: 17_500 }, (_, i) => `x-amzn-trace-id-${i}:Root=1-5759e988-bd862e3fe1be46a994272793`)),
    STRING_TO_SIGN
  )
})

const hostile: ReadonlyArray<readonly [string, string]> = [
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

describe("Diagnosis.diagnose on hostile 1 MB bodies", () => {
  const baseline = fastest(() => Diagnosis.diagnose(ordinary, ours))

  it("the baseline is an ordinary diagnosis of a 1 MB body", () => {
    expect(ordinary.length).toBeGreaterThan(MB)
    expect(Diagnosis.diagnose(ordinary, ours)).toMatch(/^The server's canonical request differs from ours in the headers/)
  })

  it.each(hostile)("%s: at most 30 times the baseline", (_, body) => {
    const limit = 30 * baseline + 50
    const elapsed = fastest(() => Diagnosis.diagnose(body, ours))
    // SHOW_RATIOS=1 prints each ratio, to see the margin on this machine.
    if (process.env["SHOW_RATIOS"]) console.log(`${(elapsed / baseline).toFixed(2)}x ${elapsed.toFixed(1)} ms / ${baseline.toFixed(1)} ms`)
    expect(elapsed, `${elapsed.toFixed(1)} ms against a baseline of ${baseline.toFixed(1)} ms`).toBeLessThan(limit)
  })

  it("the line diff stays bounded when both texts are long: lines compared as numbers, at most 4,000,000 cells", () => {
    // 1,997 long lines on each side, all different, differing only at their end: the largest table allowed.
    const lines = (offset: number) => Array.from({ length: 1997 }, (_, i) => "x:" + "a".repeat(480) + String(i + offset).padStart(8, "0"))
    const server = canonicalWithHeaders(lines(0))
    const ourSide = canonicalWithHeaders(lines(1))
    const body = JSON.stringify({ message: signatureMismatchMessage(server, STRING_TO_SIGN) })
    const elapsed = fastest(() => Diagnosis.diagnose(body, { canonicalRequest: ourSide, stringToSign: STRING_TO_SIGN }))
    expect(elapsed, `${elapsed.toFixed(1)} ms against a baseline of ${baseline.toFixed(1)} ms`).toBeLessThan(30 * baseline + 50)
    // Shifted by one line, the two texts share 1,996 lines: the table found them.
    const diff = Diagnosis.diffCanonicalRequests(server, ourSide)
    expect(diff.filter((line) => line.part === "header" && line.kind !== "same")).toHaveLength(2)
  })
})
