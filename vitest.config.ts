import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = fileURLToPath(new URL("./src/", import.meta.url))

/** Tests import the package by name, as users do; here the name means the sources. */
const aliases = (crypto: "node" | "web") => [
  // The crypto adapter, as package.json `imports` picks it: node:crypto under the node condition,
  // @noble/hashes elsewhere (browsers, Workers).
  { find: /^#crypto$/, replacement: `${src}internal/crypto/${crypto}.ts` },
  { find: /^api-gateway-request-signer$/, replacement: `${src}index.ts` },
  { find: /^api-gateway-request-signer\/(.+)$/, replacement: `${src}$1.ts` }
]

export default defineConfig({
  test: {
    // Every test file restores what it stubs (env, timers, Date.now) and closes its servers,
    // so files can share a worker's module cache: importing Effect once per worker, not per file.
    isolate: false,
    pool: "threads",
    // Property tests sign thousands of requests; servers the tests start listen on loopback only.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        resolve: { alias: aliases("node") },
        test: { name: "node", include: ["test/**/*.test.ts"] }
      },
      {
        // The signing core again, on the crypto adapter browsers and Workers get.
        extends: true,
        resolve: { alias: aliases("web") },
        test: {
          name: "web-crypto",
          include: ["test/SigV4.suite.test.ts", "test/differential.test.ts", "test/roundtrip.test.ts", "test/canonical.test.ts"]
        }
      }
    ]
  }
})
