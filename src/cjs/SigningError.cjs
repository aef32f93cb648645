/**
 * `require("api-gateway-request-signer/SigningError")` in Node, Bun and Deno:
 * the SigningError class, from its ES module, or from the facade's CommonJS copy
 * where the loader cannot require an ES module (AWS Lambda's Node runtimes,
 * Jest). See ./facade.cjs.
 */
"use strict"

const { esModuleOrCopy } = require("./facade.cjs")

module.exports = esModuleOrCopy(
  () => require("../SigningError.js"),
  (copy) => ({ SigningError: copy.SigningError })
)
