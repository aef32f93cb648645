/**
 * A CommonJS TypeScript consumer: `import` in a .cts file compiles to
 * `require()`, which loads this ES module package on Node 20.19+.
 */
import ApiGatewaySigner, { HttpMethods } from "api-gateway-request-signer"
import SubpathApiGatewaySigner = require("api-gateway-request-signer/ApiGatewaySigner")
// axios's CommonJS types (its `require` condition), where this package's declarations see its ES module types:
// withSigner must take an instance typed by either.
import axios = require("axios")
import { withSigner } from "api-gateway-request-signer/axios"

const endpoint = "https://API_ID.execute-api.us-east-1.amazonaws.com/STAGE"
const credentials = { accessKey: "AKIDCOMMONJS", secretKey: "commonjs/secret", region: "us-east-1" }

export const fromRoot = new ApiGatewaySigner({ endpoint, ...credentials }).signRequest({ method: HttpMethods.GET, path: "/pets" })
export const fromSubpath = new SubpathApiGatewaySigner.default({ endpoint, ...credentials }).signRequest({ method: "GET", path: "/pets" })

export const api = withSigner(axios.create({ baseURL: endpoint }), new ApiGatewaySigner({ endpoint, ...credentials }))

// Whatever the spelling of the header's name (the facade follows the original package's).
const signed = Object.keys(fromRoot.headers).some((name) => name.toLowerCase() === "authorization")
console.log(JSON.stringify({ fromRoot: fromRoot.url, fromSubpath: fromSubpath.url, signed, axios: typeof api.get === "function" }))
