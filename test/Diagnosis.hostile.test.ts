/**
 * The diagnosis reads 403 bodies from the network, so a hostile body must not
 * cost it more than an ordinary one of its size. Each hostile 1 MB body
 * (test/support/hostileBodies.ts) is diagnosed here, within a 20 s timeout
 * that linear code never nears (under a second each, here) and quadratic code
 * passes by far (the parsers that were quadratic took 21 s to hours). How long
 * each takes against an ordinary 1 MB diagnosis is measured by
 * `npm run bench:diagnosis`, not asserted here: no test asserts a duration.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Diagnosis from "api-gateway-request-signer/Diagnosis"
import { hostile, longDiff, MB, ordinary, ours, STRING_TO_SIGN } from "./support/hostileBodies.js"

const TIMEOUT = 20_000

describe("Diagnosis.diagnose on hostile 1 MB bodies", () => {
  it("an ordinary 1 MB signature-mismatch body is diagnosed: the headers differ", () => {
    expect(ordinary.length).toBeGreaterThan(MB)
    expect(Diagnosis.diagnose(ordinary, ours)).toMatch(/^The server's canonical request differs from ours in the headers/)
  })

  it.each(hostile)("%s: read to the end, without a throw: a diagnosis, or none when the body holds no usable canonical request", (_, body) => {
    const diagnosis = Diagnosis.diagnose(body, ours)
    expect(diagnosis === undefined || diagnosis.startsWith("The server's")).toBe(true)
  }, TIMEOUT)

  it("the line diff of two long texts finds the lines they share (at most 4,000,000 cells, lines compared as numbers)", () => {
    const { server, ourSide, body } = longDiff()
    expect(Diagnosis.diagnose(body, { canonicalRequest: ourSide, stringToSign: STRING_TO_SIGN })).toMatch(/headers/)
    // Shifted by one line, the two texts share 1,996 lines: the table found them.
    const diff = Diagnosis.diffCanonicalRequests(server, ourSide)
    expect(diff.filter((line) => line.part === "header" && line.kind !== "same")).toHaveLength(2)
  }, TIMEOUT)
})
