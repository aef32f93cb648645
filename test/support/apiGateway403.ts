/**
 * API Gateway's 403 bodies, read from test/fixtures/api-gateway-403 (see its
 * README): the server's words, against which the library's parsing (Diagnosis)
 * and its own wording (verify, the local gateway) are checked.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"

const FIXTURES = resolve(import.meta.dirname, "../fixtures/api-gateway-403")

export type GatewayBody =
  | "signature-mismatch.json"
  | "signature-mismatch-quoted-header.json"
  | "signature-expired.json"
  | "signature-not-yet-current.json"
  | "missing-authentication-token.json"
  | "invalid-security-token.json"

/** A 403 body as API Gateway sends it, byte for byte. */
export const gatewayBody = (name: GatewayBody): string => readFileSync(resolve(FIXTURES, name), "utf8")

/** The `message` of a 403 body. */
export const gatewayMessage = (name: GatewayBody): string => (JSON.parse(gatewayBody(name)) as { message: string }).message

/** What signature-mismatch.json says the canonical request and string to sign should have been. */
export const MISMATCH = {
  canonicalRequest: [
    "GET",
    "/prod/pets",
    "",
    "host:abc123.execute-api.us-east-1.amazonaws.com",
    "x-amz-date:20151229T082000Z",
    "",
    "host;x-amz-date",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
  ].join("\n"),
  stringToSign: [
    "AWS4-HMAC-SHA256",
    "20151229T082000Z",
    "20151229/us-east-1/execute-api/aws4_request",
    "1d34a625a15519f28b6fd2d8957c5011cd25a0a6ee0725d45cba7961f207272a"
  ].join("\n")
} as const

/** What signature-mismatch-quoted-header.json says they should have been. */
export const MISMATCH_QUOTED_HEADER = {
  canonicalRequest: [
    "POST",
    "/prod/pets/a%2520b",
    "page=2&type=dog",
    "content-type:application/json",
    "host:abc123.execute-api.eu-west-1.amazonaws.com",
    "x-amz-date:20151229T082000Z",
    "x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCWV1LXdlc3QtMSJHMEUCIQ==",
    "x-note:it's 'quoted'",
    "",
    "content-type;host;x-amz-date;x-amz-security-token;x-note",
    "3b7fdbc0b236195b6bf45611b4d3d52dbc54612faeca2cda8696aa9b5ed4ebfa"
  ].join("\n"),
  stringToSign: [
    "AWS4-HMAC-SHA256",
    "20151229T082000Z",
    "20151229/eu-west-1/execute-api/aws4_request",
    "a5c1a48e99049afe73b1e6f17c5bb429516aea180146dc38ebb1a876a7f9c71f"
  ].join("\n")
} as const

/**
 * API Gateway's signature-mismatch body for another request: the fixture with
 * its canonical request and string to sign replaced, every other byte (the
 * wording, the quotes, the line breaks) as the gateway sends it.
 */
export const signatureMismatchBody = (canonicalRequest: string, stringToSign: string): string => {
  const message = gatewayMessage("signature-mismatch.json")
  const quoted = (text: string) => `'${text}'`
  if (!message.includes(quoted(MISMATCH.canonicalRequest)) || !message.includes(quoted(MISMATCH.stringToSign))) {
    throw new Error("signature-mismatch.json no longer holds the canonical request and string to sign of MISMATCH")
  }
  return JSON.stringify({
    message: message
      .replace(quoted(MISMATCH.canonicalRequest), () => quoted(canonicalRequest))
      .replace(quoted(MISMATCH.stringToSign), () => quoted(stringToSign))
  })
}
