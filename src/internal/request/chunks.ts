/**
 * A body given as chunks (a Node stream, an async generator; got also takes a
 * generator), read once into the bytes that will be signed and sent: a
 * signature covers the body's hash, which must be known before sending.
 *
 * @internal
 */
import { isArrayBuffer } from "../brand.js"
import { isSigningErrorSafely, thrownCause, thrownMessage } from "../guard.js"
import type { SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { sharedBufferBody } from "./body.js"
import { describe } from "./describe.js"

const utf8 = /* @__PURE__ */ new TextEncoder()

/** The bytes of a view, without a copy. */
export const bytesOf = (view: ArrayBufferView): Uint8Array<ArrayBuffer> => {
  if (!isArrayBuffer(view.buffer)) {
    throw sharedBufferBody()
  }
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

export const concatBytes = (chunks: ReadonlyArray<Uint8Array>): Uint8Array<ArrayBuffer> => {
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

/** Whether `body` yields its chunks asynchronously (a Node stream, an async generator), as fetch streams them. */
export const isAsyncIterable = (body: unknown): body is AsyncIterable<unknown> =>
  typeof body === "object" && body !== null && typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function"

/**
 * Reads every chunk (bytes, or strings sent as UTF-8) into one array of
 * bytes; anything else is a SigningError, and so is the stream failing (said
 * as such, for the field "body", its error kept as cause).
 */
export const readChunks = async (body: AsyncIterable<unknown> | Iterable<unknown>): Promise<Uint8Array<ArrayBuffer>> => {
  const chunks: Array<Uint8Array> = []
  try {
    for await (const chunk of body) {
      if (typeof chunk === "string") chunks.push(utf8.encode(chunk))
      // Copied as it comes: a read loop yields one buffer, refilled for every chunk.
      else if (ArrayBuffer.isView(chunk)) chunks.push(bytesOf(chunk).slice())
      else if (isArrayBuffer(chunk)) chunks.push(new Uint8Array(chunk.slice(0)))
      else throw invalidRequest("body", `The body stream yielded ${describe(chunk)}; a body stream must yield bytes or strings.`)
    }
  } catch (error) {
    throw bodyStreamFailed(error)
  }
  return concatBytes(chunks)
}

/** What reading a body stream threw, said as such for the field "body" (its error kept as cause); a SigningError as it is. */
export const bodyStreamFailed = (error: unknown): SigningError =>
  isSigningErrorSafely(error)
    ? error
    : invalidRequest("body", `Reading the body stream failed (${thrownMessage(error)}), so it could not be signed; nothing was sent.`, thrownCause(error))
