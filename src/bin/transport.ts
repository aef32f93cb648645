/**
 * Sending one signed request, and reading what comes back. Requests go
 * through `fetch` (never following redirects: a signature is for one host and
 * path), except those fetch cannot send: a request with a `Host` header (fetch
 * never sends a custom Host) or to a port fetch refuses (6000, 5060, ...; see
 * `badPorts`). Those go through `node:http(s)`, as curl sends them. Error bodies are
 * read up to `ERROR_BODY_LIMIT`, so a huge or endless 4xx/5xx body costs
 * neither memory nor diagnosis time.
 *
 * @internal
 */
import * as http from "node:http"
import * as https from "node:https"
import { isIP } from "node:net"
import { Readable } from "node:stream"
import type { SignedRequest } from "../SignedRequest.js"
import { socketHost } from "../internal/socketHost.js"
import { badPortOf } from "./badPorts.js"
import { Interrupted } from "./exitCodes.js"

/** How much of an error body is read: enough for any API Gateway message, not enough to hurt. */
export const ERROR_BODY_LIMIT = 64 * 1024

/** A response read in full (up to the limit), so it can be retried, or printed after the retries. */
export class BufferedResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly body: Uint8Array,
    /** The body went on past `ERROR_BODY_LIMIT`; the rest was not read. */
    readonly truncated: boolean,
    /** The body is as the server sent it, content-encoding and all (`bodyAsSent`). */
    readonly asSent: boolean,
    /** Reading the body failed (fetch could not decode it as its content-encoding says): `body` is what came before. */
    readonly unreadable: boolean = false
  ) {}
}

/** The responses of `nodeHttpTransport`: their body is as sent, where fetch decodes a compressed one. */
const sentAsIs = new WeakSet<Response>()

/** Whether the body of `response` is as the server sent it (compressed, when its content-encoding says so). */
export const bodyAsSent = (response: Response | BufferedResponse): boolean =>
  response instanceof BufferedResponse ? response.asSent : sentAsIs.has(response)

export type Transport = (signed: SignedRequest, signal: AbortSignal) => Promise<Response>

/** The value of a header the request carries, if it was given one (`-H host: ...`). */
const headerOf = (signed: SignedRequest, wanted: string): string | undefined =>
  Object.entries(signed.headers).find(([name]) => name.toLowerCase() === wanted)?.[1]

/**
 * `fetch`, not following redirects. It asks for the body as the server has
 * it (`accept-encoding: identity`, unsigned): left to itself, fetch asks for
 * gzip and decodes it, so the output would not be the bytes the headers
 * (`-i`) describe, nor what the same command gets through node:http.
 */
export const fetchTransport = (fetchImpl: typeof globalThis.fetch): Transport => (signed, signal) =>
  fetchImpl(signed.url, {
    method: signed.method,
    headers: headerOf(signed, "accept-encoding") === undefined ? { ...signed.headers, "accept-encoding": "identity" } : signed.headers,
    redirect: "manual",
    signal,
    ...(signed.body === undefined ? {} : { body: signed.body })
  })

/**
 * Why `signed` cannot go through fetch, said as the end of "sent through
 * node:http, since ...", or `undefined` when fetch can send it.
 */
export const whyNotFetch = (signed: SignedRequest): string | undefined => {
  if (headerOf(signed, "host") !== undefined) return "fetch cannot send a Host header"
  const encoding = headerOf(signed, "accept-encoding")
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    return "fetch decodes a compressed answer, and an Accept-Encoding header asks for its bytes as sent (as curl writes them)"
  }
  const port = badPortOf(signed.url)
  return port === undefined ? undefined : `fetch refuses port ${port} (a "bad port" of the Fetch standard)`
}

// Responses that have no body whatever the server sends (RFC 9110), which `new Response` requires be null.
const NULL_BODY_STATUSES = new Set([204, 205, 304])

/**
 * `node:http(s)`, which sends the Host header as given. TLS keeps the URL's
 * host name for SNI and the certificate check, as curl does: a VPC endpoint
 * presents its own certificate, whatever API the Host header names.
 */
export const nodeHttpTransport: Transport = (signed, signal) =>
  new Promise((resolve, reject) => {
    const url = new URL(signed.url)
    const secure = url.protocol === "https:"
    const hostname = socketHost(url.hostname)
    const body = bodyBytes(signed.body)
    const options: https.RequestOptions = {
      method: signed.method,
      headers: withContentLength(signed, body),
      signal,
      // A connection of its own, closed after the response: nothing keeps the process alive.
      agent: false,
      ...(secure ? { servername: isIP(hostname) === 0 ? hostname : "" } : {})
    }
    const request = (secure ? https : http).request(url, options, (incoming) => {
      const status = incoming.statusCode ?? 0
      if (status < 200 || status > 599) {
        incoming.destroy()
        reject(new Error(`the server answered with HTTP status ${status}, which is not a response`))
        return
      }
      const headers = new Headers()
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
      const noBody = NULL_BODY_STATUSES.has(status) || signed.method === "HEAD"
      if (noBody) incoming.resume()
      const response = new Response(noBody ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
        status,
        statusText: incoming.statusMessage ?? "",
        headers
      })
      sentAsIs.add(response)
      resolve(response)
    })
    request.on("error", reject)
    request.end(body)
  })

/**
 * The headers with a Content-Length for the body, unless one was given (it is
 * unsigned, as fetch's is). node:http frames a body passed to `end()` by
 * itself only for methods that usually carry one: a DELETE or OPTIONS body
 * would go out unframed, and the server would read no body, then garbage.
 */
const withContentLength = (signed: SignedRequest, body: string | Uint8Array | undefined): SignedRequest["headers"] =>
  body === undefined || headerOf(signed, "content-length") !== undefined
    ? signed.headers
    : { ...signed.headers, "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) }

const bodyBytes = (body: SignedRequest["body"]): string | Uint8Array | undefined =>
  body === undefined || typeof body === "string" || body instanceof Uint8Array
    ? body
    : body instanceof ArrayBuffer
    ? new Uint8Array(body)
    : body.toString()

/**
 * Every chunk of a body, in order, until it ends or `signal` aborts: then the
 * body is cancelled (its connection closes, and a read waiting on it ends at
 * once) and `Interrupted` is thrown. A body still arriving must not keep a
 * Ctrl-C from ending the command.
 */
export async function* chunksOf(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  const cancel = () => void reader.cancel().catch(() => undefined)
  if (signal?.aborted) cancel()
  signal?.addEventListener("abort", cancel, { once: true })
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (signal?.aborted) break
      yield chunk.value
    }
    if (signal?.aborted) throw new Interrupted()
  } finally {
    signal?.removeEventListener("abort", cancel)
    // Leaving early (the caller has read enough): the rest is not read, and its connection is let go.
    cancel()
  }
}

// The codes of zlib's, brotli's and zstd's decoding failures (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING_2, ZSTD_error_...).
const DECODING_FAILURE_CODE = /^(?:Z_[A-Z_]+|ERR__ERROR_FORMAT\w*|ZSTD_error\w*)$/

/** Whether `error`, or an error it was caused by, is a decoder's refusal of its bytes: fetch's as it reads a body. */
const isDecodingFailure = (error: unknown): boolean => {
  let current = error
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && DECODING_FAILURE_CODE.test(code)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** Reads a body up to `limit` bytes and stops: the rest is neither read nor kept. */
export const readCapped = async (
  response: Response,
  signal?: AbortSignal | undefined,
  limit: number = ERROR_BODY_LIMIT
): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean; readonly unreadable: boolean }> => {
  if (response.body === null) return { bytes: new Uint8Array(0), truncated: false, unreadable: false }
  const chunks: Array<Uint8Array> = []
  let length = 0
  let truncated = false
  let unreadable = false
  try {
    for await (const chunk of chunksOf(response.body, signal)) {
      const room = limit - length
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room))
        length = limit
        truncated = true
        break
      }
      chunks.push(chunk)
      length += chunk.length
    }
  } catch (error) {
    // fetch fails the read of a body that is not in the coding its content-encoding names ("incorrect header
    // check"): what came before is kept, and the failure said as such, not as the request's. Any other failure
    // (a connection reset while the body arrived, an interruption) is the request's.
    if (!isDecodingFailure(error) || signal?.aborted === true) throw error
    unreadable = true
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return { bytes, truncated, unreadable }
}

/** Reads an error response up to the limit, so it can be retried or printed later. */
export const buffer = async (response: Response, signal?: AbortSignal | undefined): Promise<BufferedResponse> => {
  const { bytes, truncated, unreadable } = await readCapped(response, signal)
  return new BufferedResponse(response.status, response.statusText, response.headers, bytes, truncated, bodyAsSent(response), unreadable)
}
