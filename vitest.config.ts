import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = fileURLToPath(new URL("./src/", import.meta.url))

/**
 * The files holding property tests, which `npm run test:stress` (`vitest run --mode stress`)
 * runs with 10 times their runs, in shuffled order. Not part of CI: run it before you stop.
 */
const PROPERTY_FILES = [
  "test/differential.test.ts",
  "test/paths.test.ts",
  "test/verify.test.ts",
  "test/canonical.test.ts",
  "test/roundtrip.test.ts"
]

export default defineConfig(({ mode }) => {
  const stress = mode === "stress"
  return {
    resolve: {
      // Tests import the package by name, as users do; here the name means the sources.
      alias: [
        { find: /^api-gateway-request-signer$/, replacement: `${src}index.ts` },
        { find: /^api-gateway-request-signer\/(.+)$/, replacement: `${src}$1.ts` }
      ]
    },
    test: {
      include: stress ? PROPERTY_FILES : ["test/**/*.test.ts"],
      // fast-check's seed and number of runs, set once for every property (FC_SEED, FC_RUNS_MULTIPLIER).
      setupFiles: ["test/setup/fastCheck.ts"],
      ...(stress
        ? {
          env: { FC_RUNS_MULTIPLIER: process.env["FC_RUNS_MULTIPLIER"] || "10" },
          sequence: { shuffle: true }
        }
        : {}),
      // Every test file restores what it stubs (env, timers, Date.now) and closes its servers,
      // so files can share a worker's module cache: importing Effect once per worker, not per file.
      isolate: false,
      pool: "threads",
      // Property tests sign thousands of requests (ten times as many under --mode stress);
      // servers the tests start listen on loopback only.
      testTimeout: stress ? 600_000 : 60_000,
      hookTimeout: 30_000
    }
  }
})
