/**
 * `require("api-gateway-request-signer/axios")` in Node, Bun and Deno: the
 * axios adapter, from its ES module, or from its CommonJS copy,
 * `dist/axios.cjs` (scripts/bundleFacade.ts), where the loader cannot require
 * an ES module (AWS Lambda's Node runtimes, Jest): a CommonJS handler that
 * signs with axios starts there too. The copy throws the facade copy's error
 * classes, the ones the CommonJS root exports there. See ./facade.cjs.
 */
"use strict"

const { esModuleOrCopy } = require("./facade.cjs")

module.exports = esModuleOrCopy(
  () => require("../axios.js"),
  // Loaded as the facade copy is (./facade.cjs: requireUnbundled), past bundlers, which resolve the ES module.
  () => module.require(__dirname + "/../axios.cjs")
)
