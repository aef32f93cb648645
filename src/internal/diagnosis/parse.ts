/**
 * Parsing for the diagnosis: the server's canonical request and string to
 * sign out of a signature-mismatch response (API Gateway's message, or an
 * XML error), and a canonical request split into its six parts. Linear in
 * the body, with no backtracking regular expression: bodies come from the
 * network.
 *
 * @internal
 */
import type { CanonicalRequestParts } from "../../Diagnosis.js"
import { parseSignatureMismatchMessage, type SignatureMismatch } from "../apiGatewayMessages.js"
import { messageOf } from "./responseMessage.js"
import { parseXmlSignatureMismatch } from "./xmlError.js"

/**
 * The server's canonical request and string to sign in a 403 body, in any
 * shape `messageOf` reads; `undefined` for anything else, a body whose
 * reading throws (a getter, a revoked Proxy) included.
 */
export const parseSignatureMismatch = (body: unknown): SignatureMismatch | undefined => {
  let message: string | undefined
  try {
    message = messageOf(body)
  } catch {
    return undefined
  }
  if (message === undefined) return undefined
  const text = message.includes("\r\n") ? message.split("\r\n").join("\n") : message
  return parseSignatureMismatchMessage(text) ?? parseXmlSignatureMismatch(text)
}

/** Splits a canonical request into its parts; `undefined` when the text does not have the shape of one. */
export const parseCanonicalRequest = (canonicalRequest: string): CanonicalRequestParts | undefined => {
  const lines = canonicalRequest.split("\n")
  const n = lines.length
  if (n < 7 || lines[n - 3] !== "") return undefined
  return {
    method: lines[0]!,
    path: lines[1]!,
    query: lines[2]!,
    headers: lines.slice(3, n - 3),
    signedHeaders: lines[n - 2]!,
    payloadHash: lines[n - 1]!
  }
}
