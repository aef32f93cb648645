/**
 * `--presign SECONDS`: a URL anyone may use until it expires, printed with
 * what its user must know (headers to send with it, a body it is bound to,
 * when it expires, that it carries the session token).
 *
 * @internal
 */
import { UNSIGNED_PAYLOAD } from "../internal/sigv4/payloadHash.js"
import { presignedPayloadHash } from "../internal/sigv4/serviceRules.js"
import { X_AMZ_CONTENT_SHA256 } from "../internal/sigv4/signatureHeaders.js"
import type { RequestToSign } from "../SignedRequest.js"
import * as Signer from "../Signer.js"
import { printSignature } from "./exchange.js"
import { ExitCode } from "./exitCodes.js"
import type { Console } from "./output.js"
import { run } from "./run.js"
import type { Signing } from "./signing.js"

/** The payload hash the request names in x-amz-content-sha256 (-H), if any. */
export const namedPayloadHash = (request: RequestToSign): string | undefined =>
  Array.isArray(request.headers) ? request.headers.find(([name]) => String(name).toLowerCase() === X_AMZ_CONTENT_SHA256)?.[1] : undefined

export const presign = async (request: RequestToSign, expiresIn: number, signing: Signing, console: Console, verbose: boolean): Promise<number> => {
  const details = await run(signing.provide(Signer.presignRequestWithDetails(request, { expiresIn })))
  if (verbose) printSignature(console, details)
  const presigned = details.request
  // expiresAt is sooner than asked when the session token it carries expires first (more than the second X-Amz-Date rounds off).
  const cutShort = presigned.expiresAt.getTime() < Date.now() + expiresIn * 1000 - 2000
  await console.out(presigned.url + "\n")
  const extra = Object.entries(presigned.headers)
  if (extra.length > 0) {
    console.err(`note: send these headers with the URL, they are signed: ${extra.map(([n, v]) => `${n}: ${v}`).join("; ")}\n`)
  }
  // The payload hash signed: the one the request names in x-amz-content-sha256, else UNSIGNED-PAYLOAD for S3 and
  // VPC Lattice (any body goes), else the body's (that body only).
  const named = namedPayloadHash(request)
  const bodyUnsigned = named === undefined ? presignedPayloadHash(signing.signer.service) === UNSIGNED_PAYLOAD : named === UNSIGNED_PAYLOAD
  if (presigned.body !== undefined && !bodyUnsigned) console.err("note: the URL is valid only with this exact body\n")
  console.err(
    `note: valid until ${presigned.expiresAt.toISOString()}` +
      (cutShort ? `, sooner than --presign ${expiresIn} asked: the credentials' session token expires then` : "") +
      (signing.hasSessionToken ? "; the URL carries the session token (X-Amz-Security-Token): share it accordingly" : "") + "\n"
  )
  return ExitCode.Ok
}
