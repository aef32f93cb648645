/**
 * Between @effect/platform's requests and the signer's: an
 * `HttpClientRequest` as the `RequestToSign` it describes (URL relative to the
 * endpoint, `urlParams` folded in, the body in memory), and the signed
 * request back as an `HttpClientRequest` that sends exactly what was signed.
 *
 * @internal
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Endpoint } from "../../Signer.js"
import type { RequestToSign, SignedBody, SignedRequest } from "../../SignedRequest.js"
import { invalidRequest, type SigningError } from "../../SigningError.js"
import { normalizeEncoding } from "../sigv4/uriEncoding.js"

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*:\/\/[^/?#\\]*)(.*)$/is

/** The URL as an error message may show it: no user info, no query (either may hold a secret). */
const displayUrl = (authority: string, rest: string): string => {
  const queryAt = rest.indexOf("?")
  return authority.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@]*@/i, "$1") + (queryAt === -1 ? rest : rest.slice(0, queryAt))
}

const withUserInfo = (shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} carries a user name or password; remove them (requests are authorized by the signature).`
  )

const outsideEndpoint = (endpoint: Endpoint, shown: string): SigningError =>
  invalidRequest(
    "path",
    `The URL ${JSON.stringify(shown)} is outside the signer's endpoint (${endpoint.href}): this client signs requests for ` +
      `that endpoint only, so its signatures never go elsewhere. Pass a path relative to the endpoint (e.g. "/pets"), ` +
      "or use a client whose Signer is for the other endpoint."
  )

/**
 * The path (and query) of a request URL relative to the endpoint. A URL is
 * absolute only when it starts with `scheme://`; anything else, `//a//b`
 * included, is a path under the endpoint. The fragment is never sent, so it
 * is dropped.
 */
const relativeTarget = (endpoint: Endpoint, url: string): string => {
  const fragmentAt = url.indexOf("#")
  const target = fragmentAt === -1 ? url : url.slice(0, fragmentAt)
  const match = ABSOLUTE_URL.exec(target)
  if (match === null) return target
  const authority = match[1]!
  const rest = match[2]!
  const parsed = URL.canParse(authority) ? new URL(authority) : undefined
  if (parsed !== undefined && (parsed.username !== "" || parsed.password !== "")) throw withUserInfo(displayUrl(authority, rest))
  if (parsed === undefined || parsed.origin !== endpoint.origin) throw outsideEndpoint(endpoint, displayUrl(authority, rest))
  const queryAt = rest.indexOf("?")
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const query = queryAt === -1 ? "" : rest.slice(queryAt)
  // `path` is "" or starts with "/": the authority ends at the first "/".
  const segments = path === "" ? [] : path.slice(1).split("/")
  const stage = endpoint.basePath === "" ? [] : endpoint.basePath.slice(1).split("/")
  for (let i = 0; i < stage.length; i++) {
    const segment = segments[i]
    if (segment === undefined || normalizeEncoding(segment) !== stage[i]) {
      throw outsideEndpoint(endpoint, displayUrl(authority, rest))
    }
  }
  return "/" + segments.slice(stage.length).join("/") + query
}

const bodyCannotBeHashed = (what: string, advice: string): SigningError =>
  invalidRequest(
    "body",
    `${what} cannot be signed: SigV4 covers the SHA-256 of the body, which must be computed before the request is sent, ` +
      `and this body is only produced while it is sent. ${advice}`
  )

/** The body as bytes (or text) that can be hashed now, and sent as they are. */
const bodyToSign = (body: HttpBody.HttpBody): unknown => {
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw": {
      const raw = body.body
      if (
        raw === undefined || raw === null || typeof raw === "string" || raw instanceof ArrayBuffer ||
        ArrayBuffer.isView(raw) || raw instanceof URLSearchParams
      ) return raw
      throw bodyCannotBeHashed(
        `A raw body of type ${(raw as { constructor?: { name?: string } }).constructor?.name ?? typeof raw}`,
        "Read it into memory first and pass the bytes with HttpClientRequest.bodyUint8Array(bytes, contentType), " +
          "or use HttpClientRequest.bodyText / bodyJson / bodyUrlParams."
      )
    }
    case "FormData":
      throw bodyCannotBeHashed(
        "A FormData body",
        "The client encodes it as multipart/form-data with a random boundary. Send the fields URL-encoded with " +
          "HttpClientRequest.bodyUrlParams, or encode the multipart body yourself and send it with " +
          "HttpClientRequest.bodyUint8Array(bytes, \"multipart/form-data; boundary=...\")."
      )
    case "Stream":
      throw bodyCannotBeHashed(
        `A Stream body (${body.contentType})`,
        "Collect it into a Uint8Array first (e.g. with Stream.runCollect, or FileSystem.readFile instead of " +
          "HttpClientRequest.bodyFile) and send it with HttpClientRequest.bodyUint8Array(bytes, contentType)."
      )
  }
}

/** What fetch would send with a raw string body and no content type; the bytes sent instead would get none. */
const TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8"

export const toRequestToSign = (endpoint: Endpoint, request: HttpClientRequest.HttpClientRequest): RequestToSign => {
  const body = bodyToSign(request.body)
  return {
    method: request.method,
    path: relativeTarget(endpoint, request.url),
    // Folded into the signed URL here; the request sent carries none, so nothing is appended twice.
    queryParams: request.urlParams,
    // Every header of the request, content-type (set from the body by HttpClientRequest.setBody) included.
    headers: typeof body === "string" && request.headers["content-type"] === undefined
      ? { ...request.headers, "content-type": TEXT_CONTENT_TYPE }
      : request.headers,
    body
  }
}


const encoder = new TextEncoder()

const bodyBytes = (body: SignedBody | undefined): Uint8Array | undefined =>
  body === undefined ? undefined
  : typeof body === "string" ? encoder.encode(body)
  : body instanceof URLSearchParams ? encoder.encode(body.toString())
  : body instanceof ArrayBuffer ? new Uint8Array(body)
  : body

/**
 * The request to send: the signed URL with no `urlParams` left to append, the
 * signed headers and nothing else, and the body bytes that were hashed.
 */
export const toHttpClientRequest = (signed: SignedRequest): HttpClientRequest.HttpClientRequest => {
  const bytes = bodyBytes(signed.body)
  const contentType = signed.headers["content-type"]
  // A raw body adds no header but the content type given (already among the signed headers), so
  // the headers sent are exactly the signed ones; fetch sends a Uint8Array as it is.
  const body = bytes === undefined ? HttpBody.empty : HttpBody.raw(bytes, { contentType })
  return HttpClientRequest.make(signed.method)(signed.url).pipe(
    HttpClientRequest.setBody(body),
    HttpClientRequest.setHeaders(signed.headers)
  )
}
