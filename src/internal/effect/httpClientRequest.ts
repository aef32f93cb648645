/**
 * Between @effect/platform's requests and the signer's: an
 * `HttpClientRequest` as the `RequestToSign` it describes (URL relative to the
 * endpoint, `urlParams` folded in, the body in memory), and the signed
 * request back as an `HttpClientRequest` that sends exactly what was signed.
 *
 * @internal
 */
import { isArrayBuffer, isURLSearchParams } from "../brand.js"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { RequestToSign, SignedBody, SignedRequest } from "../../SignedRequest.js"
import * as Effect from "effect/Effect"
import { SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { safely } from "../guard.js"
import { describe } from "../request/describe.js"
import { relativeTarget, type SigningTarget } from "../request/target.js"

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
        raw === undefined || raw === null || typeof raw === "string" || isArrayBuffer(raw) ||
        ArrayBuffer.isView(raw) || isURLSearchParams(raw)
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

/** What is signed must be an `HttpClientRequest`; the usual slip is the Effect `HttpClientRequest.bodyJson` returns. */
const notARequest = (value: unknown): SigningError =>
  new SigningError({
    reason: "InvalidRequest",
    message: safely(() => Effect.isEffect(value), false)
      ? "The request to sign is an Effect, not an HttpClientRequest: HttpClientRequest.bodyJson returns one (the body may fail " +
        "to encode); yield* it first, or use HttpClientRequest.bodyUnsafeJson."
      : `The request to sign must be an HttpClientRequest, e.g. HttpClientRequest.get("/pets"); got ${describe(value)}.`
  })

/** What fetch would send with a raw string body and no content type; the bytes sent instead would get none. */
const TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8"

/**
 * The trace headers @effect/platform's transport writes for its own span
 * (`HttpTraceContext.toHeaders`), over any the request already has (a trace
 * context passed on from an incoming request): signed, a request's own would
 * be replaced after signing, and the signature would not verify. They are
 * sent unsigned instead, which SigV4 allows.
 */
const TRANSPORT_TRACE_HEADERS: ReadonlyArray<string> = ["traceparent", "b3"]

/** The request's own transport trace headers, sent unsigned with the signed request (`toHttpClientRequest`). */
export const transportTraceHeaders = (request: HttpClientRequest.HttpClientRequest): Record<string, string> => {
  const found: Record<string, string> = {}
  for (const name of TRANSPORT_TRACE_HEADERS) {
    const value = request.headers[name]
    if (value !== undefined) found[name] = value
  }
  return found
}

export const toRequestToSign = (target: SigningTarget, request: HttpClientRequest.HttpClientRequest): RequestToSign => {
  if (!safely(() => typeof request === "object" && request !== null && HttpClientRequest.TypeId in request, false)) throw notARequest(request)
  const body = bodyToSign(request.body)
  // Every header of the request, content-type (set from the body by HttpClientRequest.setBody) included,
  // but the transport's trace headers.
  const headers: Record<string, string> = { ...request.headers }
  for (const name of TRANSPORT_TRACE_HEADERS) delete headers[name]
  if (typeof body === "string" && headers["content-type"] === undefined) headers["content-type"] = TEXT_CONTENT_TYPE
  return {
    method: request.method,
    path: relativeTarget(target, request.url),
    // Folded into the signed URL here; the request sent carries none, so nothing is appended twice.
    queryParams: request.urlParams,
    headers,
    body
  }
}

const encoder = new TextEncoder()

const bodyBytes = (body: SignedBody | undefined): Uint8Array | undefined =>
  body === undefined ? undefined
  : typeof body === "string" ? encoder.encode(body)
  : isURLSearchParams(body) ? encoder.encode(body.toString())
  : isArrayBuffer(body) ? new Uint8Array(body)
  : body

/**
 * The request to send: the signed URL with no `urlParams` left to append, the
 * signed headers and nothing else but the `unsigned` ones (the transport's
 * trace headers) and the body's content-length, and the body bytes that were
 * hashed.
 */
export const toHttpClientRequest = (signed: SignedRequest, unsigned: Record<string, string> = {}): HttpClientRequest.HttpClientRequest => {
  const bytes = bodyBytes(signed.body)
  const contentType = signed.headers["content-type"]
  // The body's length goes with it as content-length (unsigned, as SigV4 allows, when the request
  // signed had none): Node's transport frames a DELETE's or an OPTIONS's body only by that header,
  // and without it the body would not arrive. The other headers sent are exactly the signed ones.
  const body = bytes === undefined ? HttpBody.empty : HttpBody.raw(bytes, { contentType, contentLength: bytes.byteLength })
  return HttpClientRequest.make(signed.method)(signed.url).pipe(
    HttpClientRequest.setBody(body),
    HttpClientRequest.setHeaders({ ...unsigned, ...signed.headers })
  )
}
