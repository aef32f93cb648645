/**
 * The signing options of `SigV4.signHeaders` and `presign`, checked and
 * resolved together with the request into what both signing forms start
 * from: the credentials, the scope, the signing time, the canonical path and
 * headers, and the payload hash.
 *
 * @internal
 */
import type { CredentialsInput } from "../../Credentials.js"
import type { SignOptions, WireRequest } from "../../SigV4.js"
import { SigningError } from "../../SigningError.js"
import type { SigningCredentials } from "../credentials.js"
import { dateMillis } from "../brand.js"
import { validateScopePart } from "../endpoint.js"
import { describe } from "../request/describe.js"
import { flagOption, textOption } from "../settings.js"
import { canonicalHeaderEntries } from "./canonicalHeaders.js"
import { canonicalPath } from "./canonicalPath.js"
import type { SigningSettings } from "./headerSigning.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "./payloadHash.js"
import { addsContentSha256, canonicalPathOptionsFor } from "./serviceRules.js"
import { isSignatureHeader } from "./signatureHeaders.js"
import { checkWireRequest } from "./wireRequest.js"

// A lower-case hex SHA-256, or a keyword such as UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD (every
// keyword has a hyphen, so an upper-case hex SHA-256, which servers never match, is not taken for one).
const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)$/

/** A payloadHash given in the options; the body is not hashed then. */
const checkPayloadHash = (payloadHash: unknown): string => {
  if (typeof payloadHash !== "string" || !PAYLOAD_HASH.test(payloadHash)) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: "payloadHash must be the payload's lower-case hex SHA-256, or a keyword such as UNSIGNED-PAYLOAD."
    })
  }
  return payloadHash
}

const splitTarget = (target: string): readonly [path: string, query: string] => {
  const mark = target.indexOf("?")
  return mark === -1 ? [target, ""] : [target.slice(0, mark), target.slice(mark + 1)]
}

/** A wire request to sign, checked, with what both signing forms (header and query) start from. */
export interface ResolvedSigning {
  readonly request: WireRequest
  readonly credentials: SigningCredentials
  readonly settings: SigningSettings
  readonly signingTime: number
  readonly path: string
  readonly query: string
  readonly canonicalPath: string
  readonly canonicalHeaders: ReturnType<typeof canonicalHeaderEntries>
  readonly payloadHash: string
  /** Whether the options gave the payload hash (read once, as every option is). */
  readonly payloadHashGiven: boolean
}

/**
 * What both signing forms need, checked, in this order: the request, the
 * options, the credentials (read by `readCredentials`: SigV4 takes `Redacted`
 * secrets, and reading those loads `effect/Redacted`, which the core never
 * does), the scope, the time, the canonical path and headers.
 */
export const resolveSigning = (
  input: unknown,
  options: SignOptions,
  readCredentials: (credentials: CredentialsInput) => SigningCredentials | SigningError
): ResolvedSigning => {
  const request = checkWireRequest(input)
  if (typeof options !== "object" || options === null) {
    throw new SigningError({ reason: "InvalidConfig", message: "Signing options must be { credentials, region, signingTime, ... }." })
  }
  const credentials = readCredentials(options.credentials)
  if (credentials instanceof SigningError) throw credentials
  const service = validateScopePart("service", textOption("service", options.service, "execute-api") ?? "execute-api")
  const region = validateScopePart("region", textOption("region", options.region, "us-east-1") ?? "")
  const signingTime = dateMillis(options.signingTime) ?? options.signingTime
  if (typeof signingTime !== "number") {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `signingTime must be epoch milliseconds or a Date; got ${describe(options.signingTime)}.`
    })
  }
  const [path, query] = splitTarget(request.target)
  const payloadHash: unknown = options.payloadHash
  return {
    request,
    credentials,
    settings: {
      region,
      service,
      signSessionToken: flagOption("signSessionToken", options.signSessionToken, true),
      contentSha256Header: flagOption("contentSha256Header", options.contentSha256Header, addsContentSha256(service))
    },
    signingTime,
    path,
    query,
    canonicalPath: canonicalPath(path, {
      normalize: flagOption("normalizePath", options.normalizePath, canonicalPathOptionsFor(service).normalize),
      doubleEncode: flagOption("doubleEncodePath", options.doubleEncodePath, canonicalPathOptionsFor(service).doubleEncode)
    }),
    // Headers the signer writes are replaced, so a request's old signature never counts.
    canonicalHeaders: canonicalHeaderEntries(request.headers.filter(([name]) => !isSignatureHeader(name.toLowerCase()))),
    payloadHash: payloadHash === undefined
      ? (request.body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body))
      : checkPayloadHash(payloadHash),
    payloadHashGiven: payloadHash !== undefined
  }
}
