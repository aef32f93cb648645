/**
 * From what the caller describes to what goes on the wire. Everything the
 * signature covers is decided here, once, and nothing here depends on time
 * or credentials, so retries sign the same prepared request again: the URL
 * (path and query exactly as clients send them), the headers, the body bytes
 * and their hash, and the canonical forms of all of them.
 *
 * @internal
 */
import type { HttpMethod } from "../../HttpMethods.js"
import type { RequestToSign, SignedBody } from "../../SignedRequest.js"
import { invalidRequest } from "../../SigningError.js"
import type { Endpoint } from "../../Signer.js"
import { byName, canonicalHeaderValue, isSignableHeader } from "../sigv4/canonicalHeaders.js"
import { canonicalPath } from "../sigv4/canonicalPath.js"
import { type EncodedQueryPair, joinQueryPairs, parseQueryString, sortQueryPairs } from "../sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex, UNSIGNED_PAYLOAD } from "../sigv4/payloadHash.js"
import type { CanonicalInput } from "../sigv4/signRequest.js"
import { prepareBody } from "./body.js"
import { checkWellFormed, describe } from "./describe.js"
import { prepareHeaders } from "./headers.js"
import { prepareMethod } from "./method.js"
import { PLAIN_PATH, preparePath } from "./path.js"
import { appendQueryParams } from "./query.js"

/** A request ready to sign; reusable across attempts, since nothing in it depends on time or credentials. */
export interface PreparedRequest extends CanonicalInput {
  readonly method: HttpMethod
  /** address + ("?" + query): the URL to send. */
  readonly url: string
  /** Where the request is sent, without the query: the endpoint (or `sendTo`) plus the path below the stage. */
  readonly address: string
  /** The signed path, stage included: `pchar`s (RFC 3986), `%XX` escapes and `/`. */
  readonly path: string
  /** The query's encoded pairs in canonical order: the wire query, and the canonical one. */
  readonly queryPairs: ReadonlyArray<EncodedQueryPair>
  /** The caller's headers as they will be sent (names as given), plus a default content type. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: SignedBody | undefined
}

/** What preparing needs of a signer: where it signs for and sends to, how it canonicalizes paths, which headers it adds. */
export interface PrepareSettings {
  readonly endpoint: Endpoint
  /** Where requests are sent, when not to the endpoint. */
  readonly sendTo?: Endpoint | undefined
  readonly normalizePath: boolean
  readonly doubleEncodePath: boolean
  /**
   * Headers added (and signed) unless the caller sends one of the same name:
   * the facade adds the original package's `Accept: application/json`.
   */
  readonly defaultHeaders?: ReadonlyArray<readonly [name: string, value: string]> | undefined
  /** The content type of every body the caller gives none for (else the body's own: JSON's, a form's). */
  readonly defaultContentType?: string | undefined
  /** How the content-type header is spelled when the signer adds it (the facade: `Content-Type`, as the original). */
  readonly contentTypeName?: string | undefined
}

const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

const utf8 = new TextEncoder()

const byteLength = (payload: string | Uint8Array | undefined): number =>
  payload === undefined ? 0 : typeof payload === "string" ? utf8.encode(payload).length : payload.length

export const prepareRequest = (settings: PrepareSettings, input: RequestToSign): PreparedRequest => {
  const { endpoint } = settings
  if (typeof input !== "object" || input === null) {
    throw invalidRequest("path", `signRequest takes { method, path, queryParams?, headers?, body? }; got ${describe(input)}.`)
  }
  const method = prepareMethod(input.method)

  if (typeof input.path !== "string") {
    throw invalidRequest("path", `path must be a string such as "/pets/42"; got ${describe(input.path)}.`)
  }
  if (!PLAIN_PATH.test(input.path)) checkWellFormed("path", `The path ${JSON.stringify(input.path)}`, input.path)
  const mark = input.path.indexOf("?")
  const path = preparePath(endpoint, mark === -1 ? input.path : input.path.slice(0, mark), input.path)
  const pairs = mark === -1 ? [] : parseQueryString(input.path.slice(mark + 1))
  appendQueryParams(input.queryParams, pairs)
  const queryPairs = sortQueryPairs(pairs)
  const query = joinQueryPairs(queryPairs)

  const callerHeaders = prepareHeaders(input.headers)
  const { body, payload, defaultContentType } = prepareBody(input.body, method)
  const payloadHash = payload === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(payload)

  const headers: Record<string, string> = {}
  const signable: Array<readonly [string, string]> = []
  let hostHeader: readonly [name: string, value: string] | undefined
  let hasContentType = false
  let callerPayloadHash: string | undefined
  for (const { lowerCaseName, name, value } of callerHeaders) {
    switch (lowerCaseName) {
      case "host":
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
            `content-length is ${JSON.stringify(value)} but the body is ${length} bytes; remove the header (clients compute it).`
          )
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
    signable.push([lowerCaseName, value])
  }
  const contentType = body === undefined ? undefined : settings.defaultContentType ?? defaultContentType
  if (contentType !== undefined && !hasContentType) {
    headers[settings.contentTypeName ?? "content-type"] = contentType
    signable.push(["content-type", contentType])
  }
  if (settings.defaultHeaders !== undefined) {
    for (const [name, value] of settings.defaultHeaders) {
      const lowerCaseName = name.toLowerCase()
      if (signable.some(([given]) => given === lowerCaseName)) continue
      headers[name] = value
      signable.push([lowerCaseName, value])
    }
  }
  // The host API Gateway verifies against: the endpoint's, or another the caller names (the API's
  // host, for a request sent to a VPC endpoint), spelled as the URL spells it when it is the endpoint's.
  const host = hostHeader === undefined || sameHost(hostHeader[1], endpoint.host) ? endpoint.host : hostHeader[1]
  // Clients send the host of the URL they send to: a Host header is sent only when the caller gave
  // one, and only when it differs. Without one, a proxy in front (sendTo) sets the endpoint's host.
  const sendTo = settings.sendTo ?? endpoint
  if (hostHeader !== undefined && !sameHost(host, sendTo.host)) headers[hostHeader[0]] = host
  signable.push(["host", host])
  // canonicalHeaderEntries, for names already lower-case and each given once (prepareHeaders
  // checks both): no lower-casing and no merging, on the path of every facade signature.
  const canonicalHeaders: Array<readonly [string, string]> = []
  for (const [name, value] of signable) {
    if (isSignableHeader(name)) canonicalHeaders.push([name, canonicalHeaderValue(value)])
  }
  canonicalHeaders.sort(byName)

  // The path below the stage, after sendTo's base path: `/prod/pets` signed, `/v1/pets` sent.
  const address = sendTo.href + path.slice(endpoint.basePath.length)
  return {
    method,
    url: address + (query === "" ? "" : "?" + query),
    address,
    path,
    queryPairs,
    canonicalPath: canonicalPath(path, { normalize: settings.normalizePath, doubleEncode: settings.doubleEncodePath }),
    canonicalQuery: query,
    headers,
    canonicalHeaders,
    body,
    payloadHash: callerPayloadHash ?? payloadHash,
    hasContentSha256: callerPayloadHash !== undefined
  }
}
