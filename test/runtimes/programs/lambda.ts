/**
 * A CommonJS Lambda handler, as TypeScript compiled with `module: commonjs`
 * and deployed unbundled is: it requires the facade's subpaths, as
 * examples/lambda.ts imports them (bundled to `jest/lambda-handler.cjs`, in
 * the CommonJS folder, with the package left external).
 *
 * The driver runs it with Lambda's Node flags, which turn require(esm) off
 * (AWS Lambda starts its Node.js runtimes with --no-experimental-require-module
 * and --no-experimental-detect-module), and with Lambda's variables. The
 * subpaths then give the facade's CommonJS copy, and every one of them must
 * give the same classes as the root. Run as `node lambda-handler.cjs
 * GATEWAY_URL`, it invokes its handler once, as the Lambda runtime would, and
 * prints one JSON line: a LambdaReport.
 */
import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"
import { HttpMethods } from "api-gateway-request-signer/HttpMethods"
import { RequestError } from "api-gateway-request-signer/RequestError"
import { SigningError } from "api-gateway-request-signer/SigningError"
import { type Report, runCases } from "../client.js"
import type { Facade } from "./jest.js"

export interface LambdaReport extends Report {
  readonly facade: Facade
}

/**
 * Where the subpaths took the facade from, after checking that they agree with the root and that their errors are
 * their classes. Throws on any disagreement: a handler that catches `RequestError` must catch what it is thrown.
 */
const facadeOfSubpaths = async (): Promise<Facade> => {
  const root = require("api-gateway-request-signer") as typeof import("api-gateway-request-signer")
  const disagree = [
    root.ApiGatewaySigner !== ApiGatewaySigner && "ApiGatewaySigner",
    root.HttpMethods !== HttpMethods && "HttpMethods",
    root.SigningError !== SigningError && "SigningError",
    root.RequestError !== RequestError && "RequestError"
  ].filter((name) => name !== false)
  if (disagree.length > 0) throw new Error(`the subpaths' ${disagree.join(", ")} differ from the root's`)
  const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod", accessKey: "AKIDEXAMPLE", secretKey: "secret" })
  const signing = (() => {
    try {
      return signer.signRequest({ method: HttpMethods.GET, path: "/x", headers: { "x-a": "1\r\n" } })
    } catch (error) {
      return error
    }
  })()
  const request = await signer.makeRequestWithRetries({ method: "GET", path: "/x" }, () => Promise.reject(new Error("down")), 0).catch((error: unknown) => error)
  if (!(signing instanceof SigningError)) throw new Error(`a header with CR/LF threw ${String(signing)}, not the subpath's SigningError`)
  if (!(request instanceof RequestError)) throw new Error(`a failed call rejected with ${String(request)}, not the subpath's RequestError`)
  return Object.keys(require.cache).some((file) => /[\\/]dist[\\/]ApiGatewaySigner\.cjs$/.test(file)) ? "CommonJS copy" : "ES modules"
}

export const handler = async (event: { readonly gatewayUrl: string }): Promise<LambdaReport> => ({
  version: process.versions.node,
  facade: await facadeOfSubpaths(),
  outcomes: await runCases(event.gatewayUrl, ApiGatewaySigner)
})

if (require.main === module) {
  const gatewayUrl = process.argv[2]
  if (gatewayUrl === undefined) throw new Error("usage: lambda-handler.cjs GATEWAY_URL")
  handler({ gatewayUrl }).then((report) => console.log(JSON.stringify(report)))
}
