/**
 * What runs inside each runtime: sign every case with the Promise facade, as
 * an app would, send it with the runtime's own fetch to the local gateway, and
 * report what came back. Checking is the driver's job (check.ts), so that this
 * stays the plain usage the README shows.
 */
import ApiGatewaySigner from "api-gateway-request-signer"
import { CASES, IDENTITIES, type Identity, PRESIGN_EXPIRES_IN, REGION, STAGE } from "./cases.js"

/** One case's result: the gateway's answer, or what went wrong before one came. */
export type Outcome =
  | { readonly name: string; readonly status: number; readonly body: string }
  | { readonly name: string; readonly error: string }

/** What a runtime reports to the driver. */
export interface Report {
  readonly version: string
  readonly outcomes: ReadonlyArray<Outcome>
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`

const signerFor = (Signer: typeof ApiGatewaySigner, gatewayUrl: string, identity: Identity): ApiGatewaySigner => {
  const credentials = IDENTITIES[identity]
  return new Signer({
    endpoint: gatewayUrl + STAGE,
    region: REGION,
    accessKey: credentials.accessKeyId,
    secretKey: credentials.secretAccessKey,
    sessionToken: "sessionToken" in credentials ? credentials.sessionToken : undefined
  })
}

/**
 * Signs and sends every case in turn; never throws (each case reports its own failure). `Signer` is the facade's
 * class as the program got it: the root's default export, or a subpath's.
 */
export const runCases = async (gatewayUrl: string, Signer: typeof ApiGatewaySigner = ApiGatewaySigner): Promise<ReadonlyArray<Outcome>> => {
  const outcomes: Array<Outcome> = []
  for (const { name, identity, signature, request } of CASES) {
    try {
      // Built per case, so that a constructor that cannot run here fails every case by name.
      const signer = signerFor(Signer, gatewayUrl, identity)
      let response: Response
      if (signature === "headers") {
        const signed = signer.signRequest(request)
        response = await fetch(signed.url, signed)
      } else {
        // A presigned URL works without the signer's headers: send it as a plain link would be.
        const presigned = signer.presignRequest(request, { expiresIn: PRESIGN_EXPIRES_IN })
        response = await fetch(presigned.url, { method: presigned.method })
      }
      outcomes.push({ name, status: response.status, body: await response.text() })
    } catch (error) {
      outcomes.push({ name, error: describe(error) })
    }
  }
  return outcomes
}
