/**
 * `require("api-gateway-request-signer/axios")` in Node, Bun and Deno: the
 * axios adapter's CommonJS copy, `dist/axios.cjs` (scripts/bundleFacade.ts),
 * wherever require(esm) works or not. axios ships CommonJS: the ES module
 * would load axios's ES build, a second axios beside the app's, whose errors
 * are not `instanceof` the app's `AxiosError`. The copy's own errors are the
 * classes the CommonJS root exports (it requires their CommonJS entries), and
 * a CommonJS handler that signs with axios starts where require(esm) is off
 * too (AWS Lambda's Node runtimes, Jest).
 */
"use strict"

// Past bundlers, as the facade copy is loaded (./facade.cjs): they resolve the ES module.
module.exports = module.require(__dirname + "/../axios.cjs")
