/**
 * The Promise facade pointed at a local gateway (or any base URL), as the
 * tests that send real requests build it; a gateway for one test; a backend
 * for it to proxy to.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import ApiGatewaySigner from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
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

/** Starts a gateway with `options`, runs `test` against it, and closes it. */
export const withGateway = async <A>(options: LocalGateway.Options, test: (gateway: LocalGateway.Service) => Promise<A>): Promise<A> => {
  const gateway = await LocalGateway.start(options)
  try {
    return await test(gateway)
  } finally {
    await gateway.close()
  }
}

/** A backend answering with `listener`, on `host`, until `close()`. */
export const backendOn = async (host: string, listener: http.RequestListener) => {
  const server = http.createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
