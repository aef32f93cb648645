import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = fileURLToPath(new URL("./src/", import.meta.url))

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do; here the name means the sources.
    alias: [
      // Node's crypto adapter, as package.json `imports` picks it under the node condition.
      { find: /^#crypto$/, replacement: `${src}internal/crypto/node.ts` },
      { find: /^api-gateway-request-signer$/, replacement: `${src}index.ts` },
      { find: /^api-gateway-request-signer\/(.+)$/, replacement: `${src}$1.ts` }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Every test file restores what it stubs (env, timers, Date.now) and closes its servers,
    // so files can share a worker's module cache: importing Effect once per worker, not per file.
    isolate: false,
    pool: "threads",
    // Property tests sign thousands of requests; servers the tests start listen on loopback only.
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
