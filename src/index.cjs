/**
 * The package root for `require()` in Node, Bun and Deno (the `node` and
 * `require` conditions of the exports map): the same names and the same
 * values as the ES module root, `dist/index.js`, but the Effect API is loaded
 * when it is first read, not with the facade.
 *
 * Why: the ES module root also exports the Effect API, so importing it loads
 * Effect's runtime (about 220 files), and an ES module cannot load a part of
 * what it exports later. A 2.x app in CommonJS requires the root, and on an
 * unbundled Lambda that tripled the cold start of requiring it and signing
 * once (about 350 ms, against 130 ms with aws4). Here the facade's files load at
 * once, and `Credentials`, `Signer`, `Retry`, `SigV4` and `Diagnosis` are
 * getters that require their module the first time they are read. Every value
 * comes from the ES modules themselves (require(esm), Node 20.19+), so a
 * class is the same class through `require()` and `import`.
 *
 * Keep the names in step with src/index.ts: test/package.test.ts compares the
 * two roots.
 */
"use strict"

const { ApiGatewaySigner } = require("./ApiGatewaySigner.js")

// esModuleInterop's `import ApiGatewaySigner from ...` compiled to CommonJS reads `.default` of an __esModule.
// Enumerable, as on the object Node's own require(esm) returned for this root before this file existed.
exports.__esModule = true
exports.default = ApiGatewaySigner
exports.ApiGatewaySigner = ApiGatewaySigner
const httpMethods = require("./HttpMethods.js")
exports.HttpMethods = httpMethods.HttpMethods
exports.isHttpMethod = httpMethods.isHttpMethod
exports.SigningError = require("./SigningError.js").SigningError
exports.RequestError = require("./RequestError.js").RequestError

/**
 * `load()`: a module of the Effect API. It needs Effect 3: with another installed (npm's latest is 4.x, which
 * `--force`, `--legacy-peer-deps`, pnpm and yarn install with a warning), it fails to load on a missing file of
 * Effect's, which does not say what to do; then the error says it.
 */
const effectApi = (load) => {
  try {
    return load()
  } catch (error) {
    let version
    try {
      version = require("effect/package.json").version
    } catch {
      // Not installed: said below.
    }
    if (typeof version === "string" && version.split(".")[0] === "3") throw error
    const installed = version === undefined ? "effect is not installed" : `effect ${version} is installed`
    throw new Error(
      `The Effect API of api-gateway-request-signer needs effect 3.x, and ${installed} (npm's latest effect is 4.x, which this version does not support): npm install effect@3`,
      { cause: error }
    )
  }
}

// One literal require() each, so that a bundler sees which files these are.
Object.defineProperties(exports, {
  Credentials: { enumerable: true, get: () => effectApi(() => require("./Credentials.js")) },
  Signer: { enumerable: true, get: () => effectApi(() => require("./Signer.js")) },
  Retry: { enumerable: true, get: () => effectApi(() => require("./Retry.js")) },
  SigV4: { enumerable: true, get: () => effectApi(() => require("./SigV4.js")) },
  Diagnosis: { enumerable: true, get: () => effectApi(() => require("./Diagnosis.js")) }
})
