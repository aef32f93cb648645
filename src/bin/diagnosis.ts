/**
 * Diagnosis printing: why a 403 happened, in a few lines for stderr. A
 * signature mismatch gets the library's diagnosis (the server's canonical
 * request against ours); API Gateway's other refusals each get a hint that
 * names the flag or variable to fix.
 *
 * @internal
 */
import * as Diagnosis from "../Diagnosis.js"
import { messageOf } from "../internal/diagnosis/responseMessage.js"
import { regionFromHostname } from "../internal/endpoint.js"
import {
  isExpiredSecurityToken,
  isInvalidSecurityToken,
  isMissingAuthenticationToken,
  type ParsedClockSkew,
  parseSignatureExpiredMessage,
  parseSignatureNotYetCurrentMessage,
  parseWrongRegionMessage,
  parseWrongServiceMessage
} from "../internal/apiGatewayMessages.js"
import type * as Signer from "../Signer.js"
import { hostnameOf } from "./signing.js"

/** What a refused request was signed with and sent to. */
export interface Signed {
  readonly accessKeyId: string
  readonly hasSessionToken: boolean
  readonly region: string
  readonly service: string
  /** The host the request named: its Host header if it had one, else the URL's. */
  readonly host: string
  /** The canonical request and string to sign, when known. */
  readonly details: Signer.SignedRequestWithDetails | undefined
}

/** Long-term access key ids start AKIA, temporary ones (which need a session token) ASIA. */
const keyKind = (accessKeyId: string): "long-term" | "temporary" | "unknown" =>
  accessKeyId.startsWith("AKIA") ? "long-term" : accessKeyId.startsWith("ASIA") ? "temporary" : "unknown"

const invalidTokenHint = (signed: Signed): string => {
  const key = signed.accessKeyId
  switch (keyKind(key)) {
    case "long-term":
      return signed.hasSessionToken
        ? `AWS_SESSION_TOKEN is set, but ${key} is a long-term access key, which takes no session token: the token is a stray from other, temporary credentials. Unset AWS_SESSION_TOKEN.`
        : `the server does not know access key ${key}: check AWS_ACCESS_KEY_ID (a typo, a deleted or deactivated key, a key of another AWS partition).`
    case "temporary":
      return signed.hasSessionToken
        ? `the server does not accept access key ${key} with this AWS_SESSION_TOKEN: the token belongs to other credentials, or these were revoked. Export the key id, secret key and session token of the same, fresh credentials.`
        : `${key} is a temporary access key, which needs its session token: set AWS_SESSION_TOKEN to the token issued with it.`
    case "unknown":
      return signed.hasSessionToken
        ? `the server does not know access key ${key}, or not with this session token: a long-term key takes no AWS_SESSION_TOKEN (unset a stray one); a temporary key needs the token issued with it.`
        : `the server does not know access key ${key}: check AWS_ACCESS_KEY_ID; temporary credentials also need AWS_SESSION_TOKEN.`
  }
}

const regionHint = (signedRegion: string, signed: Signed): string => {
  const fromHost = regionFromHostname(hostnameOf(signed.host))
  const advice = fromHost !== undefined && fromHost !== signedRegion
    ? `the host names ${fromHost}: use --region ${fromHost}, or leave --region out to take it from the host.`
    : "use --region with the API's region, the REGION of https://API_ID.execute-api.REGION.amazonaws.com (AWS_REGION applies only when neither --region nor the host gives one)."
  return `the request was signed for region ${signedRegion}, and the API is in another one: ${advice}`
}

const serviceHint = (expectedService: string, signed: Signed): string =>
  `the request was signed for service ${signed.service}, and the server expects ${expectedService}: ` +
  (expectedService === "execute-api" ? "leave --service out (execute-api is the default)." : `use --service ${expectedService}.`)

const duration = (millis: number): string => {
  const minutes = Math.round(Math.abs(millis) / 60_000)
  if (minutes < 120) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`
  const hours = Math.round(minutes / 60)
  return hours < 48 ? `about ${hours} hours` : `about ${Math.round(hours / 24)} days`
}

/** ISO 8601 to the second, as X-Amz-Date times are. */
const isoSeconds = (millis: number): string => new Date(millis).toISOString().replace(".000Z", "Z")

const clockHint = (skew: ParsedClockSkew): string => {
  const drift = skew.requestTimeMillis - skew.serverTimeMillis
  return `the request was signed at ${isoSeconds(skew.requestTimeMillis)} by this machine's clock, ` +
    `when the server's read ${isoSeconds(skew.serverTimeMillis)}: this clock is ${duration(drift)} ${drift < 0 ? "behind" : "ahead"}, ` +
    `more than the ${skew.maxSkewMinutes} minutes allowed. Set it right (NTP); each attempt is signed just before it is sent.`
}

const MISSING_TOKEN_HINT =
  "API Gateway answers this for a path, stage or method that matches no resource, signed or not: check the stage and the resource path " +
  "in the URL, and the method (-X). On a path that exists, the Authorization header did not arrive (a proxy dropped it)."

const ACCESS_DENIED_HINT =
  "the signature is valid, but the caller may not invoke this method and path: the IAM policy of these credentials, or the API's " +
  "resource policy, does not allow execute-api:Invoke on it."

/** A hint for one of API Gateway's refusals other than a signature mismatch, as `[topic, text]`. */
const hintFor = (message: string, errorType: string | undefined, signed: Signed): readonly [string, string] | undefined => {
  const region = parseWrongRegionMessage(message)
  if (region !== undefined) return ["region", regionHint(region.signedRegion ?? signed.region, signed)]
  const service = parseWrongServiceMessage(message)
  if (service !== undefined) return ["service", serviceHint(service.expectedService, signed)]
  if (isInvalidSecurityToken(message)) return ["credentials", invalidTokenHint(signed)]
  if (isExpiredSecurityToken(message)) {
    return ["credentials", "the session token has expired: get fresh temporary credentials (aws sso login, aws sts assume-role, your credential process) and export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN again."]
  }
  const skew = parseSignatureExpiredMessage(message) ?? parseSignatureNotYetCurrentMessage(message)
  if (skew !== undefined) return ["clock", clockHint(skew)]
  if (isMissingAuthenticationToken(message)) return ["path", MISSING_TOKEN_HINT]
  if (errorType === "AccessDeniedException") return ["permissions", ACCESS_DENIED_HINT]
  return undefined
}

/**
 * Why a 403 happened, or `undefined` when the body says nothing this knows.
 * `errorType` is the response's `x-amzn-ErrorType` without its detail.
 */
export const explainRefusal = (body: Uint8Array, errorType: string | undefined, signed: Signed): string | undefined => {
  if (signed.details !== undefined) {
    const report = Diagnosis.diagnose(body, signed.details)
    if (report !== undefined) return report
  }
  const message = messageOf(body)
  const hint = message === undefined ? undefined : hintFor(message, errorType, signed)
  return hint === undefined ? undefined : `hint (${hint[0]}): ${hint[1]}`
}
