/**
 * Which headers a request sends, and which of them it signs: the caller's,
 * checked against the body (`content-length`, `x-amz-content-sha256`; with no
 * body, `content-type` is sent but not signed, as is a `content-length` of 0,
 * and in a Worker a blank value, which workerd's fetch may not send); a
 * content type for the body; the signer's default headers; and the Host rule
 * (sign the endpoint's host, send a `Host` header only where it differs from
 * the host the request goes to).
 *
 * @internal
 */
import { isWorkerd } from "../environment.js"
import { invalidRequest } from "../signingErrors.js"
import { UNSIGNED_PAYLOAD } from "../sigv4/payloadHash.js"
import type { PreparedBody } from "./body.js"
import { quote } from "./describe.js"
import type { CallerHeader } from "./headers.js"
import type { PrepareSettings } from "./prepare.js"

export interface AssembledHeaders {
  /** The headers to send (names as given), the signature's own aside. */
  readonly headers: Record<string, string>
  /** The headers to sign: lower-case names, each once, `host` included; values as sent. */
  readonly signed: ReadonlyArray<readonly [name: string, value: string]>
  /** The caller's own `x-amz-content-sha256`, which the signature then takes as the payload hash. */
  readonly callerPayloadHash: string | undefined
}

// A character HTTP sends as one byte and UTF-8 as two (headers.ts refuses any beyond U+00FF).
const LATIN1_BEYOND_ASCII = /[\u0080-\u00ff]/

/**
 * workerd's fetch sends a value's characters U+0080 to U+00FF as UTF-8, two bytes each, where HTTP sends them as
 * one (Latin-1), as the signature covers them: a 403 for certain, refused with the way around it. Not for a
 * presigned request, which whoever is given the URL sends.
 */
const refuseUnsendableInWorker = (name: string, value: string, settings: PrepareSettings): void => {
  if (!LATIN1_BEYOND_ASCII.test(value) || settings.presigning === true || !isWorkerd()) return
  throw invalidRequest(
    "headers",
    `Header ${quote(name)} holds a character between U+0080 and U+00FF, which workerd's fetch sends as two bytes (UTF-8) ` +
      "where the signature covers one (Latin-1, as HTTP sends it), so API Gateway would answer 403. " +
      "Percent-encode the value (encodeURIComponent), or send it in the body."
  )
}

const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

const utf8 = new TextEncoder()

const byteLength = (payload: string | Uint8Array | undefined): number =>
  payload === undefined ? 0 : typeof payload === "string" ? utf8.encode(payload).length : payload.length

export const assembleHeaders = (
  callerHeaders: ReadonlyArray<CallerHeader>,
  { body, payload, defaultContentType }: PreparedBody,
  payloadHash: string,
  settings: PrepareSettings
): AssembledHeaders => {
  const headers: Record<string, string> = {}
  const signed: Array<readonly [string, string]> = []
  let hostHeader: readonly [name: string, value: string] | undefined
  let hasContentType = false
  let callerPayloadHash: string | undefined
  // The caller's headers sent but not signed (blank in a Worker): given all the same, so no default replaces them.
  // Made only when there is one: this runs for every signature.
  let unsignedGiven: Set<string> | undefined
  for (const { lowerCaseName, name, value } of callerHeaders) {
    switch (lowerCaseName) {
      case "host":
        // Sent empty, a client puts the URL's host in its place (the signature, over the empty one, fails: 403); sent
        // blank, it names no API API Gateway can route to. (A variable set empty: { host: process.env.API_HOST }.)
        if (value.trim() === "") {
          throw invalidRequest(
            "headers",
            `The Host header is ${value === "" ? "empty" : "blank"}; leave it out to sign the endpoint's host, or give the API's host (for a VPC endpoint).`
          )
        }
        hostHeader = [name, value]
        continue
      case "content-type":
        hasContentType = true
        // Without a body it is sent but not signed, as the original package did: it describes nothing,
        // and axios drops it from a request without data, which would make a signed header that never arrives.
        if (body === undefined) {
          headers[name] = value
          continue
        }
        break
      case "content-length": {
        const length = byteLength(payload)
        if (value.trim() !== String(length)) {
          throw invalidRequest(
            "headers",
            `content-length is ${quote(value)} but the body is ${length} bytes; remove the header (clients compute it).`
          )
        }
        // Zero (no body, or an empty one) is sent but not signed: fetch sends no Content-Length for a GET, HEAD,
        // DELETE or OPTIONS without a body or with an empty one (browsers for a PATCH too), which would make a
        // signed header that never arrives.
        if (length === 0) {
          headers[name] = value
          continue
        }
        break
      }
      case "x-amz-content-sha256":
        if (value !== payloadHash && value !== UNSIGNED_PAYLOAD) {
          throw invalidRequest(
            "headers",
            `x-amz-content-sha256 does not match the SHA-256 of the body (${payloadHash}); remove it, or set it to that value.`
          )
        }
        callerPayloadHash = value
        break
    }
    headers[name] = value
    // workerd's fetch sends no empty value of the headers it knows (accept, content-type, if-none-match, ...):
    // in a Worker a blank one is sent as given but not signed, so that no signed header goes missing (403).
    if (value.trim() === "" && isWorkerd()) {
      ;(unsignedGiven ??= new Set()).add(lowerCaseName)
      continue
    }
    refuseUnsendableInWorker(name, value, settings)
    signed.push([lowerCaseName, value])
  }
  const contentType = body === undefined ? undefined : settings.defaultContentType ?? defaultContentType
  if (contentType !== undefined && !hasContentType) {
    refuseUnsendableInWorker(settings.contentTypeName ?? "content-type", contentType, settings)
    headers[settings.contentTypeName ?? "content-type"] = contentType
    signed.push(["content-type", contentType])
  }
  if (settings.defaultHeaders !== undefined) {
    for (const [name, value] of settings.defaultHeaders) {
      const lowerCaseName = name.toLowerCase()
      if (unsignedGiven?.has(lowerCaseName) === true || signed.some(([given]) => given === lowerCaseName)) continue
      refuseUnsendableInWorker(name, value, settings)
      headers[name] = value
      signed.push([lowerCaseName, value])
    }
  }
  const { endpoint } = settings
  // The host API Gateway verifies against: the endpoint's, or another the caller names (the API's
  // host, for a request sent to a VPC endpoint), spelled as the URL spells it when it is the endpoint's or
  // sendTo's (the host a client sends).
  const sendTo = settings.sendTo ?? endpoint
  const host = hostHeader === undefined || sameHost(hostHeader[1], endpoint.host) ? endpoint.host
    : sameHost(hostHeader[1], sendTo.host) ? sendTo.host : hostHeader[1]
  // Clients send the host of the URL they send to: a Host header is sent only when the caller gave
  // one, and only when it differs. Without one, a proxy in front (sendTo) sets the endpoint's host.
  if (hostHeader !== undefined && !sameHost(host, sendTo.host)) headers[hostHeader[0]] = host
  signed.push(["host", host])
  return { headers, signed, callerPayloadHash }
}
