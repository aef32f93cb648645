/**
 * fast-check's parameters for every property test, decided in this one place
 * from the environment. test/setup/fastCheck.ts applies them before each test
 * file (vitest `setupFiles`); a property that needs more runs than the default
 * asks for them with `runs(n)`, which scales with the same multiplier.
 *
 * - A failing property prints its seed and path (`{ seed: 1965394623, path: "42:3" }`)
 *   above the counterexample. Replay it with the seed pinned:
 *   `FC_SEED=1965394623 npx vitest run test/differential.test.ts -t "name of the test"`;
 *   add `FC_PATH="42:3"` to start from the shrunk counterexample. Both apply to
 *   every property that runs, so select the one test with `-t`.
 * - `FC_RUNS_MULTIPLIER=k` multiplies the runs of every property (`npm run test:stress` sets 10).
 */
import * as fc from "effect/FastCheck"

const wholeNumberFromEnv = (name: string, min: number): number | undefined => {
  const text = process.env[name]
  if (text === undefined || text === "") return undefined
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}; got ${JSON.stringify(text)}`)
  }
  return value
}

/** FC_SEED: replays the runs of a failure that printed this seed. fast-check seeds are 32-bit integers. */
export const SEED = wholeNumberFromEnv("FC_SEED", -(2 ** 31))
/** FC_PATH: with FC_SEED, replays from this shrink path. */
export const PATH = process.env["FC_PATH"] === "" ? undefined : process.env["FC_PATH"]
/** FC_RUNS_MULTIPLIER: 1 in `npm test`, 10 in `npm run test:stress`. */
export const RUNS_MULTIPLIER = wholeNumberFromEnv("FC_RUNS_MULTIPLIER", 1) ?? 1

/** fast-check's own default number of runs, for properties that do not ask for more. */
const DEFAULT_RUNS = 100

/** The test options of a property that needs `numRuns` runs in a normal run: `it.prop(name, arbs, body, runs(2000))`. */
export const runs = (numRuns: number): { readonly fastCheck: { readonly numRuns: number } } => ({
  fastCheck: { numRuns: numRuns * RUNS_MULTIPLIER }
})

/** Sets fast-check's global parameters; local `numRuns` (from `runs`) override only the number of runs. */
export const configureFastCheck = (): void => {
  fc.configureGlobal({
    numRuns: DEFAULT_RUNS * RUNS_MULTIPLIER,
    ...(SEED === undefined ? {} : { seed: SEED }),
    ...(PATH === undefined ? {} : { path: PATH })
  })
}
