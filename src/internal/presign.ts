/**
 * Query signing of a prepared request, free of the Effect runtime.
 *
 * @internal
 */
import type { AwsCredentials } from "../Credentials.js"
import type { PresignedRequest, Service } from "../Signer.js"
import { presign } from "../SigV4.js"
import type { PreparedRequest } from "./prepareRequest.js"

export const presignPrepared = (
  signer: Service,
  prepared: PreparedRequest,
  credentials: AwsCredentials,
  epochMillis: number,
  expiresIn: number
): PresignedRequest => {
  const presigned = presign(
    { method: prepared.method, target: prepared.path + (prepared.query === "" ? "" : "?" + prepared.query), headers: prepared.canonicalHeaders },
    {
      credentials,
      region: signer.region,
      service: signer.service,
      signingTime: epochMillis,
      normalizePath: signer.normalizePath,
      doubleEncodePath: signer.doubleEncodePath,
      signSessionToken: signer.signSessionToken,
      payloadHash: prepared.payloadHash,
      expiresIn
    }
  )
  const base = {
    url: signer.endpoint.origin + presigned.target,
    method: prepared.method,
    headers: { ...prepared.headers },
    expiresAt: new Date(Math.floor(epochMillis / 1000) * 1000 + expiresIn * 1000)
  }
  return prepared.body === undefined ? base : { ...base, body: prepared.body }
}
