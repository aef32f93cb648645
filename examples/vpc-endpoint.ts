/**
 * A private API (endpoint type PRIVATE), called from inside a VPC through an
 * interface VPC endpoint for execute-api. Three ways to address it:
 *
 * 1. Private DNS on the VPC endpoint: the API's own URL resolves inside the
 *    VPC. Sign and send as for any API (`viaPrivateDns`).
 * 2. The endpoint's own DNS name, with the header `x-apigw-api-id: API_ID`
 *    telling API Gateway which API is meant (`viaApiIdHeader`). The signature
 *    covers the host the request is sent to; this works with fetch.
 * 3. The endpoint's DNS name, with `Host: API_ID.execute-api.REGION.amazonaws.com`
 *    (`viaHostHeader`). fetch never sends a `Host` of your choosing, so this
 *    needs `node:http(s)` (or axios in Node); TLS still checks the endpoint's
 *    certificate, which covers its own DNS names.
 *
 * (Behind CloudFront or a proxy that rewrites the path, sign for the API and
 * send elsewhere with the `sendTo` option: see docs/private-apis.md.)
 *
 * The API's resource policy must allow the VPC endpoint (`aws:SourceVpce`) and
 * the caller's IAM identity. Credentials come from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
 */
import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"
import { type HttpResponse, send } from "./node-http.js"

const API_ID = "a1b2c3d4e5"
const REGION = "us-east-1"
const STAGE = "prod"
const VPC_ENDPOINT_DNS = "vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com"
const API_HOST = `${API_ID}.execute-api.${REGION}.amazonaws.com`

/** 1. Private DNS enabled: the API's own URL. */
export const viaPrivateDns = async (): Promise<Response> => {
  const apiSigner = new ApiGatewaySigner({ endpoint: `https://${API_HOST}/${STAGE}` })
  const request = apiSigner.signRequest({ method: "GET", path: "/pets" })
  return fetch(request.url, request)
}

/** 2. The endpoint's DNS name and `x-apigw-api-id`, signed like any header. */
export const viaApiIdHeader = async (): Promise<Response> => {
  // The region is read from the *.execute-api.REGION.vpce.amazonaws.com host.
  const apiSigner = new ApiGatewaySigner({ endpoint: `https://${VPC_ENDPOINT_DNS}/${STAGE}` })
  const request = apiSigner.signRequest({ method: "GET", path: "/pets", headers: { "x-apigw-api-id": API_ID } })
  return fetch(request.url, request)
}

/** 3. The endpoint's DNS name and the API's host in `Host`: signed, returned in `headers`, sent by node:https. */
export const viaHostHeader = async (): Promise<HttpResponse> => {
  const apiSigner = new ApiGatewaySigner({ endpoint: `https://${VPC_ENDPOINT_DNS}/${STAGE}`, region: REGION })
  const request = apiSigner.signRequest({ method: "GET", path: "/pets", headers: { host: API_HOST } })
  return send(request)
}
