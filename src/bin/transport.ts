/**
 * Sending one signed request through `fetch` (never following redirects: a
 * signature is for one host and path), and reading what comes back. Error
 * bodies are read up to `ERROR_BODY_LIMIT`, so a huge or endless 4xx/5xx
 * body costs neither memory nor diagnosis time.
 *
 * @internal
 */
import type { SignedRequest } from "../SignedRequest.js"

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
    readonly truncated: boolean
  ) {}
}

export type Transport = (signed: SignedRequest, signal: AbortSignal) => Promise<Response>

/** `fetch`, not following redirects. */
export const fetchTransport = (fetchImpl: typeof globalThis.fetch): Transport => (signed, signal) =>
  fetchImpl(signed.url, {
    method: signed.method,
    headers: signed.headers,
    redirect: "manual",
    signal,
    ...(signed.body === undefined ? {} : { body: signed.body })
  })

/** Reads a body up to `limit` bytes and stops: the rest is neither read nor kept. */
export const readCapped = async (
  response: Response,
  limit: number = ERROR_BODY_LIMIT
): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean }> => {
  if (response.body === null) return { bytes: new Uint8Array(0), truncated: false }
  const reader = response.body.getReader()
  const chunks: Array<Uint8Array> = []
  let length = 0
  let truncated = false
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    const room = limit - length
    if (chunk.value.length > room) {
      chunks.push(chunk.value.subarray(0, room))
      length = limit
      truncated = true
      await reader.cancel().catch(() => undefined)
      break
    }
    chunks.push(chunk.value)
    length += chunk.value.length
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return { bytes, truncated }
}

/** Reads an error response up to the limit, so it can be retried or printed later. */
export const buffer = async (response: Response): Promise<BufferedResponse> => {
  const { bytes, truncated } = await readCapped(response)
  return new BufferedResponse(response.status, response.statusText, response.headers, bytes, truncated)
}
