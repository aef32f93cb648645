/**
 * `require("api-gateway-request-signer/HttpMethods")` in Node, Bun and Deno:
 * HttpMethods and isHttpMethod, from its ES module, or from the facade's
 * CommonJS copy where the loader cannot require an ES module (AWS Lambda's Node
 * runtimes, Jest). See ./facade.cjs.
 */
"use strict"

const { esModuleOrCopy } = require("./facade.cjs")

module.exports = esModuleOrCopy(
  () => require("../HttpMethods.js"),
  (copy) => ({ HttpMethods: copy.HttpMethods, isHttpMethod: copy.isHttpMethod })
)
