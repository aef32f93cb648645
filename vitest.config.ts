import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { AXIOS_COMPAT, compatEntry, GOT_COMPAT } from "./test/clients/compat.js"

const src = fileURLToPath(new URL("./src/", import.meta.url))

/** Tests import the package by name, as users do; here the name means the sources. */
const aliases = (crypto: "node" | "web") => [
  // The crypto adapter, as package.json `imports` picks it: node:crypto under the node condition,
  // @noble/hashes elsewhere (browsers, Workers).
  { find: /^#crypto$/, replacement: `${src}internal/crypto/${crypto}.ts` },
  { find: /^api-gateway-request-signer$/, replacement: `${src}index.ts` },
  { find: /^api-gateway-request-signer\/(.+)$/, replacement: `${src}$1.ts` }
]

/** The signing core again, on the crypto adapter browsers and Workers get. */
const WEB_CRYPTO_FILES = ["test/SigV4.suite.test.ts", "test/differential.test.ts", "test/roundtrip.test.ts", "test/canonical.test.ts"]

/** The tests of the client integrations that also run against older axios and got (the clients-compat project). */
const CLIENT_FILES = ["test/clients/axios.test.ts", "test/clients/got.test.ts", "test/clients/random.test.ts"]

/**
 * The files holding property tests, which `npm run test:stress` (`vitest run --mode stress`)
 * runs with 10 times their runs, in shuffled order. Not part of CI: run it before you stop.
 */
const PROPERTY_FILES = [
  "test/differential.test.ts",
  "test/paths.test.ts",
  "test/verify.test.ts",
  "test/canonical.test.ts",
  "test/crypto.test.ts",
  "test/roundtrip.test.ts",
  "test/fuzz.test.ts",
  "test/clients/random.test.ts",
  "test/serviceRules.test.ts",
  "test/curlData.test.ts"
]

export default defineConfig(({ mode }) => {
  const stress = mode === "stress"
  const only = (files: ReadonlyArray<string>) => (stress ? files.filter((file) => PROPERTY_FILES.includes(file)) : [...files])
  return {
    test: {
      // fast-check's seed and number of runs, set once for every property (FC_SEED, FC_RUNS_MULTIPLIER);
      // loopback never through a proxy the environment names.
      setupFiles: ["test/setup/fastCheck.ts", "test/setup/loopback.ts"],
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
      hookTimeout: 30_000,
      projects: [
        {
          extends: true,
          resolve: { alias: aliases("node") },
          test: { name: "node", include: stress ? PROPERTY_FILES : ["test/**/*.test.ts"] }
        },
        {
          extends: true,
          resolve: { alias: aliases("web") },
          test: { name: "web-crypto", include: only(WEB_CRYPTO_FILES) }
        },
        // The axios and got integrations again, against the oldest versions they support, which
        // test/clients/compat.setup.ts installs into .cache/clients: `axios` and `got` resolve there,
        // for the tests and for src/axios.ts and src/got.ts alike.
        ...(stress ? [] : [{
          extends: true as const,
          resolve: {
            alias: [
              { find: /^axios$/, replacement: compatEntry(AXIOS_COMPAT, "index.js") },
              { find: /^got$/, replacement: compatEntry(GOT_COMPAT, "dist/source/index.js") },
              ...aliases("node")
            ]
          },
          test: { name: "clients-compat", include: CLIENT_FILES, globalSetup: ["test/clients/compat.setup.ts"] }
        }])
      ]
    }
  }
})
