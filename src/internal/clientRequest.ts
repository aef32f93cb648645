/**
 * Signing for HTTP clients that serialize requests themselves (axios, got):
 * the request as the client is about to send it (its method, its final URL,
 * its headers, the body it serialized) is read into memory once, signed by
 * the facade as a web `Request` (so the URL rules, credentials, clock offset
 * and default headers are exactly `signer.fetch`'s), and handed back as the
 * URL, headers and body bytes the client must send, each attempt signed
 * afresh. A 403 for clock skew moves the signer's clock, as the facade's own
 * methods do, so the caller can sign and send once more.
 *
 * @internal
 */
import { isArrayBuffer, isBlob, isError, isURLSearchParams } from "./brand.js"
import type { ApiGatewaySigner } from "../ApiGatewaySigner.js"
import { SigningError } from "../SigningError.js"
import { invalidRequest } from "./signingErrors.js"
import { attemptClock, type AttemptClock, offsetAfterRefusal } from "./clockSkew.js"
import { cleanSigningError, isSigningErrorSafely, safely, thrownMessage } from "./guard.js"
import { FORM_CONTENT_TYPE } from "./request/body.js"
import { describe } from "./request/describe.js"
import { prepareHeaders } from "./request/headers.js"
import { shorten } from "./scrub.js"
import { signForSending } from "./signForSending.js"
import { bytesOf, readChunks } from "./request/chunks.js"
import { headerEntries, readWebBody } from "./webRequest.js"
import { checkNoUserInfo } from "./request/target.js"
import type { SignedRequest } from "../SignedRequest.js"

/** A request as a client is about to send it. */
export interface OutgoingRequest {
  readonly method: string
  /** Absolute (`https://...`), or a path under the signer's endpoint, as with `signer.fetch`. */
  readonly url: string
  readonly headers: Iterable<readonly [string, unknown]>
  /** The body as the client serialized it. */
  readonly body: unknown
  /**
   * The content type a non-empty Blob without one is sent with, over the one given (axios's http adapter:
   * `application/octet-stream`, over the form type axios sets by default for POST, PUT and PATCH).
   */
  readonly typelessBlob?: string | undefined
}

/** An outgoing request read into memory: ready to sign, as many times as it is sent. */
export interface ReadRequest {
  readonly method: string
  readonly url: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Uint8Array<ArrayBuffer> | undefined
}

/** What to send: exactly what was signed. Header names in lower case. */
export interface SignedOutgoingRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array<ArrayBuffer> | undefined
  /** The signer's clock as the request was signed: a refusal for skew is measured on it. */
  readonly clock: AttemptClock
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i

const utf8 = new TextEncoder()

/** The `form-data` package's form (what axios builds for multipart in Node): it can render itself as one buffer. */
interface LegacyFormData {
  readonly getBuffer: () => Uint8Array
  readonly getHeaders: () => Record<string, string>
}

const isLegacyFormData = (body: object): body is LegacyFormData =>
  typeof (body as Partial<LegacyFormData>).getBuffer === "function" && typeof (body as Partial<LegacyFormData>).getHeaders === "function"

/**
 * The body's bytes, and a content type: one a form's bytes need (its
 * boundary), or a Blob's own, which replace the one given (as axios's http
 * adapter does: the default it set before knowing the body is no statement
 * about it); or a URL-encoded form's, when none is given.
 */
interface ReadBody {
  readonly bytes: Uint8Array<ArrayBuffer> | undefined
  readonly contentType?: string
  /** True when `contentType` replaces the one given. */
  readonly overrides?: boolean
}

const readBody = async (body: unknown, typelessBlob: string | undefined): Promise<ReadBody> => {
  if (body === undefined || body === null) return { bytes: undefined }
  if (typeof body === "string") return { bytes: utf8.encode(body) }
  // The caller's own memory is copied: what is signed must be what is sent, whatever the caller writes there meanwhile.
  if (isArrayBuffer(body)) return { bytes: new Uint8Array(body.slice(0)) }
  if (ArrayBuffer.isView(body)) return { bytes: bytesOf(body).slice() }
  if (isURLSearchParams(body)) return { bytes: utf8.encode(body.toString()), contentType: FORM_CONTENT_TYPE }
  const web = await readWebBody(body)
  if (web !== undefined) {
    const contentType = web.contentType ?? (isBlob(body) && web.bytes.byteLength > 0 ? typelessBlob : undefined)
    return contentType === undefined ? { bytes: web.bytes } : { bytes: web.bytes, contentType, overrides: true }
  }
  if (typeof body === "object" && isLegacyFormData(body)) {
    const contentType = body.getHeaders()["content-type"]
    const bytes = bytesOf(body.getBuffer())
    return contentType === undefined ? { bytes } : { bytes, contentType, overrides: true }
  }
  if (typeof body === "object" && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    // A Node stream, or a generator of chunks (got takes both): read once, likewise.
    return { bytes: await readChunks(body as AsyncIterable<unknown> | Iterable<unknown>) }
  }
  throw invalidRequest(
    "body",
    `The body is ${describe(body)}, which this client cannot send as it is; pass a string (JSON.stringify it), bytes, ` +
      "URLSearchParams, a Blob, FormData or a stream."
  )
}

/**
 * Reads an outgoing request into memory: its headers checked as the signer
 * checks them, its body read once into the bytes that will be sent (a form
 * or a Blob gets the content type its bytes need).
 */
export const readOutgoing = async (request: OutgoingRequest): Promise<ReadRequest> => {
  try {
    const method = String(request.method).toUpperCase()
    const headers: Array<readonly [string, string]> = prepareHeaders([...request.headers]).map(({ name, value }) => [name, value])
    const { bytes, contentType, overrides } = await readBody(request.body, request.typelessBlob)
    if (contentType !== undefined) {
      const given = headers.findIndex(([name]) => name.toLowerCase() === "content-type")
      if (given === -1) headers.push(["content-type", contentType])
      else if (overrides === true) headers[given] = [headers[given]![0], contentType]
    }
    if ((method === "GET" || method === "HEAD") && bytes !== undefined) {
      if (bytes.byteLength > 0) {
        throw invalidRequest(
          "body",
          `A ${method} request cannot carry a body: fetch refuses to send one, and servers ignore it. ` +
            "Send the data as query parameters, or use POST."
        )
      }
      return { method, url: request.url, headers, body: undefined }
    }
    return { method, url: request.url, headers, body: bytes }
  } catch (error) {
    throw cleanSigningError(error)
  }
}

/** The URL as a `Request` takes it: absolute, a path being one under the signer's endpoint. */
const absoluteUrl = (signer: ApiGatewaySigner, url: string): string =>
  ABSOLUTE_URL.test(url) ? url : signer.endpoint + (url.startsWith("/") ? url : "/" + url)

/** A Request of any implementation: what is read of one here (its headers' forEach and arrayBuffer). */
const isRequestLike = (value: unknown): value is Request =>
  safely(() => {
    const candidate = value as Partial<Request> | null
    return typeof candidate === "object" && candidate !== null && typeof candidate.arrayBuffer === "function" &&
      typeof candidate.url === "string" && typeof candidate.method === "string" && typeof candidate.headers?.forEach === "function"
  }, false)

/** The absolute URL a `Request` would read, refused typed (and without quoting it: it may carry a password or a token) when it cannot be one. */
const requestUrl = (signer: ApiGatewaySigner, given: string): string => {
  let url: URL
  try {
    url = new URL(absoluteUrl(signer, given))
  } catch {
    // Not kept as cause: the runtime's error holds the URL given (Node's `input`), which inspect prints.
    throw invalidRequest("path", "The request's URL cannot be parsed as a URL; check its scheme, host and port.")
  }
  checkNoUserInfo(url)
  return url.href
}

/**
 * Signs a read request with the facade (credentials resolved, clock offset
 * applied): the signed URL, method, headers and body bytes to send. The URL
 * and headers are read as a `Request` reads them, and the body's bytes are
 * sent as they were read, without a copy; a web `Request` is made only for a
 * signer whose `signRequestAsync` is overridden, which signs it.
 */
export const signOutgoing = async (signer: ApiGatewaySigner, request: ReadRequest, signal?: AbortSignal): Promise<SignedOutgoingRequest> => {
  const url = requestUrl(signer, request.url)
  const headers = headerEntries(new Headers(request.headers as Array<[string, string]>))
  let madeRequest = false
  const asRequest = () => {
    madeRequest = true
    try {
      return new Request(url, { method: request.method, headers, body: request.body ?? null })
    } catch (error) {
      throw invalidRequest("path", `The request could not be built: ${isError(error) ? error.message : String(error)}`, error)
    }
  }
  const clock = attemptClock(Date.now(), signer.clockOffset)
  const signed = await signForSending(signer, { method: request.method, url, headers, body: request.body }, asRequest, signal)
  const signedHeaders: Record<string, string> = {}
  if (!madeRequest) {
    // Names in lower case, as a Request's (the signer writes `Authorization`); the body is the bytes read, signed as
    // they are (the same ones, when they span their buffer).
    const direct = signed as SignedRequest
    for (const name in direct.headers) signedHeaders[name.toLowerCase()] = direct.headers[name]!
    return { method: direct.method, url: direct.url, headers: signedHeaders, body: direct.body as Uint8Array<ArrayBuffer> | undefined, clock }
  }
  // What an override resolves with is read as a Request, from whichever implementation it comes (node-fetch's, undici's, another realm's).
  if (!isRequestLike(signed)) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `The signer's signRequestAsync, overridden, resolved with ${describe(signed)} for a Request; ` +
        "resolve with the signed Request (return super.signRequestAsync(request), or the signer's own method's result)."
    })
  }
  signed.headers.forEach((value, name) => (signedHeaders[name] = value))
  const body = signed.body === null ? undefined : new Uint8Array(await signed.arrayBuffer())
  return { method: signed.method, url: signed.url, headers: signedHeaders, body, clock }
}

/**
 * `f()`, run over what a client integration was handed (reading it, or
 * setting a property of it): a getter, setter or Proxy trap that throws is an
 * InvalidConfig saying what `failed` and how to `fix` it, never a raw error
 * (a SigningError `f` throws, its own refusal, passes as it is).
 * Of what it threw, only the first line is quoted (`thrownMessage`: a run
 * that may be a credential shown by its length).
 */
export const orInvalidConfig = <A>(f: () => A, failed: string, fix: string): A => {
  try {
    return f()
  } catch (error) {
    if (isSigningErrorSafely(error)) throw error
    // Not kept as cause: what a getter threw may quote a secret, and inspect prints a cause in full.
    throw new SigningError({ reason: "InvalidConfig", message: `${failed} (${shorten(thrownMessage(error), 200)}); ${fix}` })
  }
}

const A_SIGNER = "an ApiGatewaySigner (new ApiGatewaySigner({ endpoint, ... }))"

/** Checks the signer handed to a client integration: the facade. */
export const checkSigner = (signer: unknown, where: string): ApiGatewaySigner => {
  const candidate = signer as Partial<ApiGatewaySigner> | null
  const usable = orInvalidConfig(
    () =>
      typeof candidate === "object" && candidate !== null && typeof candidate.signRequestAsync === "function" &&
      typeof candidate.endpoint === "string" && typeof candidate.clockOffset === "number",
    `${where}: the signer could not be read`,
    `pass ${A_SIGNER}.`
  )
  if (!usable) throw new SigningError({ reason: "InvalidConfig", message: `${where} takes ${A_SIGNER}; got ${describe(signer)}.` })
  return candidate as ApiGatewaySigner
}

/**
 * When `failure` (an error or a response the client produced) is API
 * Gateway's 403 for clock skew, sets the signer's clock by the skew it shows
 * on the clock the request was signed on (`signedOn`), and returns true:
 * sign and send once more.
 */
export const correctClockSkew = (signer: ApiGatewaySigner, failure: unknown, signedOn: AttemptClock): boolean => {
  const offset = offsetAfterRefusal(failure, signedOn, Date.now(), signer.clockOffset)
  if (offset === undefined) return false
  signer.clockOffset = offset
  return true
}
