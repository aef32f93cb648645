/**
 * The Promise facade pointed at a local gateway (or any base URL), as the
 * tests that send real requests build it.
 */
import ApiGatewaySigner from "api-gateway-request-signer"
import type { PlainCredentials } from "./oracles.js"

/**
 * `endpoint` is the base URL, stage included; `secretKey` overrides the credentials' (to forge);
 * `signSessionToken` and `fetch` are the facade's own options.
 */
export const signerFor = (
  endpoint: string,
  credentials: PlainCredentials,
  options: {
    readonly region?: string
    readonly secretKey?: string
    readonly signSessionToken?: boolean
    readonly fetch?: typeof fetch
  } = {}
): ApiGatewaySigner =>
  new ApiGatewaySigner({
    endpoint,
    region: options.region ?? "us-east-1",
    accessKey: credentials.accessKeyId,
    secretKey: options.secretKey ?? credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    ...(options.signSessionToken === undefined ? {} : { signSessionToken: options.signSessionToken }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch })
  })
