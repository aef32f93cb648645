/**
 * The diagnosis of a signature mismatch: parse the server's side out of the
 * 403 body, diff it against ours, format the first difference found (the
 * canonical request, else the string to sign, else the key).
 *
 * @internal
 */
import type { FormatOptions, SignedDetails } from "../../Diagnosis.js"
import { diffCanonicalRequests, diffStringsToSign, differingParts } from "./diff.js"
import { formatDiff } from "./format.js"
import { parseSignatureMismatch } from "./parse.js"

const KEY_ALONE = "The server's canonical request and string to sign are identical to ours, so the signature differs by the key alone: " +
  "the secret access key is not the one the server has for this access key id (a typo, a key from another account or " +
  "profile, a rotated key, or a session token that belongs to other credentials)."

/** A report of why the signature did not match, or `undefined` when the body is no signature-mismatch message. */
export const diagnose = (responseBody: unknown, signed: SignedDetails, options: FormatOptions = {}): string | undefined => {
  const mismatch = parseSignatureMismatch(responseBody)
  if (mismatch === undefined) return undefined
  const canonical = diffCanonicalRequests(mismatch.canonicalRequest, signed.canonicalRequest)
  if (differingParts(canonical).length > 0) return formatDiff(canonical, options)
  const stringToSign = diffStringsToSign(mismatch.stringToSign, signed.stringToSign)
  if (differingParts(stringToSign).length > 0) {
    return `The server's canonical request is identical to ours.\n${formatDiff(stringToSign, options)}`
  }
  return KEY_ALONE
}
