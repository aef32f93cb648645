/**
 * `npm run bench:diagnosis`: what a hostile 403 body costs Diagnosis.diagnose
 * against an ordinary one of the same size (1 MB), both the fastest of three
 * runs, in one process. Linear parsers stay well under 30 times (the worst
 * here, 100,000 one-line headers, is about 6 times: it has 6 times the
 * lines); the quadratic ones they replaced took 500 to 50,000 times. Prints
 * PASS/FAIL per body against 30 times the baseline plus 50 ms; exits 0
 * whatever the figures, as `npm run bench` does.
 */
import * as Diagnosis from "../src/Diagnosis.js"
import { hostile, longDiff, ordinary, ours, STRING_TO_SIGN } from "../test/support/hostileBodies.js"
import { environmentLine, formatTable } from "./support.js"

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

const baseline = fastest(() => Diagnosis.diagnose(ordinary, ours))
const limit = 30 * baseline + 50
const { ourSide, body: longBody } = longDiff()
const cases: ReadonlyArray<readonly [string, () => unknown]> = [
  ...hostile.map(([name, body]) => [name, () => Diagnosis.diagnose(body, ours)] as const),
  ["two long texts, the largest line-diff table", () => Diagnosis.diagnose(longBody, { canonicalRequest: ourSide, stringToSign: STRING_TO_SIGN })]
]
const rows = [["hostile body (1 MB)", "ms", "vs ordinary", "result"]]
for (const [name, run] of cases) {
  const elapsed = fastest(run)
  rows.push([name, elapsed.toFixed(1), `${(elapsed / baseline).toFixed(2)}x`, elapsed < limit ? "PASS" : "FAIL"])
}
console.log(`ordinary 1 MB signature-mismatch body: ${baseline.toFixed(1)} ms (fastest of 3); limit 30x + 50 ms = ${limit.toFixed(0)} ms\n`)
console.log(formatTable(rows))
console.log(`\n${environmentLine()}`)
