/**
 * `require("api-gateway-request-signer/ApiGatewaySigner")` in Node, Bun and
 * Deno: the facade class (also its default export) and HttpMethods, from its ES
 * module, or from the facade's CommonJS copy where the loader cannot require an
 * ES module (AWS Lambda's Node runtimes, Jest). See ./facade.cjs.
 */
"use strict"

const { esModuleOrCopy } = require("./facade.cjs")

module.exports = esModuleOrCopy(
  () => require("../ApiGatewaySigner.js"),
  (copy) => ({ ApiGatewaySigner: copy.ApiGatewaySigner, HttpMethods: copy.HttpMethods, __esModule: true, default: copy.default })
)
