// A JavaScript CommonJS consumer: require() of the root and of subpaths (require(esm), Node 20.19+).
const { default: ApiGatewaySigner, HttpMethods } = require("api-gateway-request-signer")
const { default: SubpathApiGatewaySigner } = require("api-gateway-request-signer/ApiGatewaySigner")
const LocalGateway = require("api-gateway-request-signer/LocalGateway")

const credentials = { accessKeyId: "AKIDCJS", secretAccessKey: "cjs/secret" }
LocalGateway.start({ credentials: [credentials] }).then(async (gateway) => {
  try {
    const config = { endpoint: `${gateway.url}/prod`, region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }
    const root = new ApiGatewaySigner(config).signRequest({ method: HttpMethods.GET, path: "/pets" })
    const subpath = new SubpathApiGatewaySigner(config).signRequest({ method: "POST", path: "/pets", body: { name: "Rex" } })
    console.log(JSON.stringify({
      sameClass: ApiGatewaySigner === SubpathApiGatewaySigner,
      root: (await fetch(root.url, root)).status,
      subpath: (await fetch(subpath.url, subpath)).status
    }))
  } finally {
    await gateway.close()
  }
})
