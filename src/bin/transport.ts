/**
 * Sending one signed request through `fetch` (never following redirects: a
 * signature is for one host and path), and reading what comes back.
 *
 * @internal
 */
import type { SignedRequest } from "../SignedRequest.js"

/** A response read in full, so it can be retried, or printed after the retries. */
export class BufferedResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly body: Uint8Array
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

/** Reads a response in full, so it can be retried or printed later. */
export const buffer = async (response: Response): Promise<BufferedResponse> =>
  new BufferedResponse(response.status, response.statusText, response.headers, new Uint8Array(await response.arrayBuffer()))

/** The body of a response, read in full. */
export const bodyOf = async (response: Response | BufferedResponse): Promise<Uint8Array> =>
  response instanceof BufferedResponse ? response.body : new Uint8Array(await response.arrayBuffer())
