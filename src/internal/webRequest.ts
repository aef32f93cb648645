/**
 * Between the web's requests (`fetch(input, init)`, a `Request`) and the
 * signer's: what they describe as a `RequestToSign` (a path under the
 * endpoint, the method, the headers, the body read into memory: a signature
 * covers the body's hash, so it must be known before sending), and the signed
 * request back as a `Request`. A `Request` given is cloned before its body is
 * read, so it stays usable.
 *
 * @internal
 */
import { isArrayBuffer, isBlob, isFormData, isHeaders, isReadableStream, isURL, isURLSearchParams } from "./brand.js"
import type { RequestToSign, SignedRequest } from "../SignedRequest.js"
import { invalidConfig, invalidRequest } from "./signingErrors.js"
import { SigningError } from "../SigningError.js"
import { describeNonSignal, isAbortSignal, unlessAborted } from "./abort.js"
import { safely } from "./guard.js"
import { bodyStreamFailed, isAsyncIterable, readChunks } from "./request/chunks.js"
import { describe } from "./request/describe.js"
import { prepareHeaders } from "./request/headers.js"
import { relativeTarget, type SigningTarget } from "./request/target.js"
import { field, responseHolders } from "./retry/failures.js"

/** The signal's abort reason, met while a body was read: what fetch rejects with, passed on as it is. */
export class AbortedWhileReading {
  constructor(readonly reason: unknown) {}
}

/** What a request described by fetch's arguments is, ready to prepare; and what goes with it when it is sent. */
export interface WebRequestParts {
  readonly request: RequestToSign
  /** The RequestInit fields that are not part of the signature (signal, mode, credentials, cache, ...). */
  readonly sendWith: RequestInit
}

// RequestInit fields a signature does not cover: passed on to fetch as given (from the init, else from a Request given).
const PASSED_ON = ["cache", "credentials", "integrity", "keepalive", "mode", "priority", "referrer", "referrerPolicy", "signal"] as const

// Fields of init that are not passed on as given: what is signed, the redirect policy (never followed), signer.fetch's
// own, and "__proto__" (assigned, it would set the prototype of what is passed on).
const NOT_PASSED_ON: ReadonlySet<string> = new Set(["method", "headers", "body", "redirect", "retries", "shouldRetry", "__proto__", ...PASSED_ON])

/** A web Request; false for anything else, a hostile value whose prototype cannot be read included (signing then refuses it, typed). */
export const isWebRequest = (value: unknown): value is Request => {
  try {
    return typeof Request !== "undefined" && value instanceof Request
  } catch {
    return false
  }
}

/** A web body read into the bytes to send, with the content type its bytes carry. */
export interface ReadWebBody {
  readonly bytes: Uint8Array<ArrayBuffer>
  /** A Blob's own type, or a form's (with its boundary, which its bytes need). */
  readonly contentType?: string | undefined
  /** True for a form: its content type must replace any given. */
  readonly isForm?: boolean
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * A Blob, FormData or ReadableStream read once into the bytes that will be
 * sent (a signature covers the body's hash, so it is read before sending);
 * `undefined` for any other body.
 */
export const readWebBody = async (body: unknown): Promise<ReadWebBody | undefined> => {
  if (isBlob(body)) {
    // A Blob does not change when read: read it, and send what was read.
    const contentType = body.type === "" ? undefined : body.type
    if (typeof body.arrayBuffer === "function") return { bytes: new Uint8Array(await body.arrayBuffer()), contentType }
    // React Native's Blob has no arrayBuffer(); its fetch's Response reads one (through FileReader). A Response
    // that does not know the Blob reads its text ("[object Blob]"): its size, or that text, says so.
    const bytes = new Uint8Array(await new Response(body).arrayBuffer())
    if (bytes.byteLength !== body.size || sameBytes(bytes, new TextEncoder().encode(String(body)))) {
      throw invalidRequest(
        "body",
        `This Blob has no arrayBuffer(), and this runtime's Response does not read its content (it read ${bytes.byteLength} bytes, ` +
          `its text or nothing, of the Blob's ${body.size}); read it yourself (FileReader's readAsArrayBuffer) and pass the bytes.`
      )
    }
    return { bytes, contentType }
  }
  if (isFormData(body)) {
    // Serialized once, as fetch would: those exact bytes are signed and sent, with their boundary.
    const encoded = new Response(body)
    const contentType = encoded.headers.get("content-type")
    if (contentType === null || !contentType.startsWith("multipart/form-data")) {
      // A FormData this runtime's fetch does not take for one (another realm's: jsdom's under Node) would go as its text.
      throw invalidRequest("body", "This FormData is not one this runtime's Response encodes as multipart (it comes from another JavaScript realm, " +
        "or from React Native, whose fetch encodes FormData natively, after signing); " +
        "send the fields as URLSearchParams, or a file's bytes as the body.")
    }
    return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType, isForm: true }
  }
  if (isReadableStream(body)) {
    if (body.locked || isDisturbed(body)) {
      // Otherwise the runtime's words for it, about a "Response body" the caller never made.
      throw invalidRequest(
        "body",
        "The ReadableStream body is locked (a reader holds it, or it was read or sent already), so it cannot be read to sign it; " +
          "pass a fresh stream, or the bytes."
      )
    }
    // Read to the end (fetch would consume it too); the bytes read are what is sent. Chunk by chunk, as a Node
    // stream's: Node's and Bun's fetch send a stream of strings (a TextDecoderStream's) as UTF-8.
    return { bytes: await readChunks(chunksOf(body)) }
  }
  return undefined
}

/** Whether `stream` was read from or cancelled already (no reader left to say so): the runtime's Response refuses it, as fetch does. */
const isDisturbed = (stream: ReadableStream<unknown>): boolean => {
  try {
    void new Response(stream as ReadableStream<Uint8Array>)
    return false
  } catch {
    return true
  }
}

/** What `stream` yields, read through a reader of its own (not every runtime's ReadableStream is async iterable). */
async function* chunksOf(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  // The lock is kept, as fetch keeps it: the stream is read, and sending it again is refused above.
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield value
  }
}

const readBody = async (
  body: unknown,
  headers: Headers
): Promise<string | Uint8Array<ArrayBuffer> | ArrayBuffer | URLSearchParams | undefined> => {
  if (body === undefined || body === null) return undefined
  if (typeof body === "string" || isArrayBuffer(body) || ArrayBuffer.isView(body) || isURLSearchParams(body)) {
    return body as string | ArrayBuffer | Uint8Array<ArrayBuffer> | URLSearchParams
  }
  const read = await readWebBody(body)
  if (read !== undefined) {
    // As fetch: a form's type (its boundary) always, a Blob's when no content type is given.
    if (read.contentType !== undefined && (read.isForm === true || !headers.has("content-type"))) headers.set("content-type", read.contentType)
    return read.bytes
  }
  // A Node stream or an async generator, which Node's fetch streams: read once, and those bytes are sent.
  if (isAsyncIterable(body)) return readChunks(body)
  throw invalidRequest(
    "body",
    `The body is ${describe(body)}, which fetch would send as text ("[object Object]"); ` +
      "pass a string (JSON.stringify it), bytes, a Blob, FormData, URLSearchParams, a ReadableStream or a Node stream."
  )
}

/**
 * Headers given as an iterable other than a list or a Headers (a generator, `map.entries()`, an object of
 * one's own): fetch reads it, and it may be readable only once.
 */
const isOtherIterable = (value: unknown): boolean =>
  safely(
    () =>
      typeof value === "object" && value !== null && !Array.isArray(value) && !isHeaders(value) &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === "function",
    false
  )

export const headerEntries = (headers: Headers): Array<[string, string]> => {
  const entries: Array<[string, string]> = []
  headers.forEach((value, name) => entries.push([name, value]))
  return entries
}

/**
 * `init.headers` as fetch reads them (repeated names joined), or, when fetch
 * would refuse them, the error `signRequest` gives for the same headers: which
 * header, and how to fix it, rather than the runtime's WebIDL text.
 */
const headersOfInit = (given: NonNullable<RequestInit["headers"]>): Headers => {
  // fetch refuses null headers (a request to sign skips them): said as such, not as a bad header.
  if ((given as unknown) === null) {
    throw invalidRequest("headers", "fetch takes no headers: null (a TypeError from fetch itself); leave headers out, or pass undefined, to send none of your own.")
  }
  // An iterable may be readable once (a generator, map.entries()): read it into pairs first, so that the check
  // below sees the headers fetch refused, not an exhausted iterator.
  let pairs = given
  if (isOtherIterable(given)) {
    try {
      pairs = Array.from(given as Iterable<[string, string]>)
    } catch {
      // What it threw is not quoted: it may hold a header's value.
      throw invalidRequest("headers", "The headers could not be read (iterating them threw); pass an object of strings, a Headers, or [name, value] pairs.")
    }
  }
  try {
    return new Headers(pairs)
  } catch {
    prepareHeaders(pairs)
    // The runtime's text is not quoted: it quotes the value it refused, which may be a key.
    throw invalidRequest(
      "headers",
      "fetch refuses these headers (a name that is not an HTTP token, or a value with a NUL, CR, LF or a character beyond U+00FF); " +
        "pass an object of strings, a Headers, or [name, value] pairs."
    )
  }
}

/**
 * What `fetch(input, init)` describes, for the signer of `target`: `input`
 * is a path under the endpoint (`/pets`), an absolute URL under it (or under
 * `sendTo`), or a `Request` (whose body is read from a clone). `abortWhileReading`:
 * the request is about to be sent (`signer.fetch`), so its signal aborts the
 * reading of its body too.
 */
export const fromFetchArguments = async (
  target: SigningTarget,
  input: unknown,
  init: RequestInit | undefined,
  { abortWhileReading = false }: { readonly abortWhileReading?: boolean } = {}
): Promise<WebRequestParts> => {
  let url: string
  let base: Request | undefined
  if (isWebRequest(input)) {
    base = input
    url = input.url
  } else if (typeof input === "string") {
    url = input
  } else if (isURL(input)) {
    url = input.href
  } else {
    throw invalidRequest("path", `fetch takes a path, a URL or a Request; got ${describe(input)}.`)
  }
  if (init !== undefined && (typeof init !== "object" || init === null)) {
    throw invalidRequest("path", `fetch's second argument is a RequestInit object; got ${describe(init)}.`)
  }
  // As the Request constructor reads them: init's headers replace a Request's own, they are not merged with them
  // (a proxy that forwards a request with headers of its choosing must not send the incoming cookie along).
  const headers = init?.headers !== undefined ? headersOfInit(init.headers) : new Headers(base?.headers)
  const sendWith: Record<string, unknown> = {}
  for (const field of PASSED_ON) {
    // An init field set to undefined is not given, as for fetch (`{ signal: options?.signal }` keeps the Request's signal).
    const given = init === undefined ? undefined : (init as Record<string, unknown>)[field]
    const value = given !== undefined ? given : base?.[field as keyof Request]
    if (field === "signal" && value !== undefined && value !== null && !isAbortSignal(value)) {
      // Checked here, not by the first listener added: anything else would fail mid-retry, untyped.
      throw invalidConfig(`signal must be an AbortSignal (or null); got ${describeNonSignal(value)}.`)
    }
    if (value !== undefined) sendWith[field] = value
  }
  // The runtime's own fields (undici's dispatcher, Bun's proxy and tls, Deno's client), which a plain fetch would honour.
  if (init !== undefined) {
    for (const field of Object.keys(init)) {
      const value = NOT_PASSED_ON.has(field) ? undefined : (init as Record<string, unknown>)[field]
      if (value !== undefined) sendWith[field] = value
    }
  }
  // Sending, the body is read before the request goes (its hash is signed): aborting meanwhile rejects at once, as fetch would.
  const signal = abortWhileReading ? (sendWith["signal"] ?? undefined) as AbortSignal | undefined : undefined
  const whileReading = <T>(read: () => Promise<T>): Promise<T> =>
    unlessAborted(read, signal).catch((error: unknown) => {
      // A reason of undefined or null is none: the abort's own error stands for it (abortReason).
      const aborted = signal?.aborted === true && (error === signal.reason || signal.reason === undefined || signal.reason === null)
      throw aborted ? new AbortedWhileReading(error) : error
    })
  // A null body in init keeps a Request's own, as for fetch; without a Request, it is no body.
  const bodyGiven = init !== undefined && init.body !== undefined && (init.body !== null || base === undefined)
  if (!bodyGiven && base !== undefined && base.body !== null && safely(() => base.bodyUsed === true, false)) {
    // Otherwise the runtime's own words for it ("unusable"), which say neither what happened nor what to do.
    throw invalidRequest(
      "body",
      "The Request's body has already been read (request.bodyUsed is true), so it cannot be signed or sent; " +
        "sign the Request before reading its body, or sign a clone taken before reading (request.clone())."
    )
  }
  const body = bodyGiven
    ? await whileReading(() => readBody(init.body, headers))
    : base !== undefined && base.body !== null
    ? new Uint8Array(await whileReading(() => base.clone().arrayBuffer().catch((error: unknown): never => {
      throw bodyStreamFailed(error)
    })))
    : undefined
  return {
    request: {
      method: init?.method ?? base?.method ?? "GET",
      path: relativeTarget(target, url),
      headers: headerEntries(headers),
      body
    },
    sendWith: sendWith as RequestInit
  }
}

/**
 * Refuses, before anything is sent, what `signer.fetch` cannot send as it
 * was signed: a WebSocket endpoint (fetch speaks HTTP only), and a Host header
 * other than the URL's host (the fetch of Node, Deno, browsers and workerd
 * sends the URL's, so the signature, which covers the Host given, would not
 * match; refused in every runtime, Bun's too, which sends it, so that code
 * signs alike everywhere).
 */
export const checkFetchable = (prepared: { readonly url: string; readonly headers: Readonly<Record<string, string>> }): void => {
  if (/^wss?:/i.test(prepared.url)) {
    throw new SigningError({
      reason: "InvalidEndpoint",
      message: "signer.fetch sends HTTP requests, and this signer's endpoint is a WebSocket URL (wss://); " +
        "for the @connections API, make a signer with the https:// endpoint; for $connect, presignRequest and a WebSocket client."
    })
  }
  if (Object.keys(prepared.headers).some((name) => name.toLowerCase() === "host")) {
    throw invalidRequest(
      "headers",
      "signer.fetch cannot send a Host header: fetch sends the URL's host (in Node, Deno, browsers and Workers), so the Host that is signed would not arrive. " +
        "For a VPC endpoint, send x-apigw-api-id or use its Route 53 alias, or sign with signRequest and send with node:https (docs/private-apis.md)."
    )
  }
}

/** A signed request as a `Request`: exactly the signed URL, headers and body, never following a redirect. */
export const toWebRequest = (signed: SignedRequest, sendWith: RequestInit): Request =>
  new Request(signed.url, {
    ...sendWith,
    method: signed.method,
    headers: signed.headers,
    body: signed.body ?? null,
    redirect: "manual"
  })

/**
 * Releases the body of a response nobody will read (one a retry went past):
 * unread, it holds its connection until garbage collection, and a pool with
 * a connection limit stalls. Only a response that came over the network (it
 * has a `url`) holds one: a Response made in code (a test's fake, which may
 * be handed out again for the next attempt) is left alone, as is anything
 * else, and a body already being read. The response is looked for where the
 * retry reads its status: the failure itself or its `response` (an error
 * made with the response, ky's `HTTPError`), or along its `cause` chain
 * (Effect's `UnknownException` from `Effect.tryPromise` holds a rejected
 * Response as its cause).
 */
export const releaseBody = (failure: unknown): void => {
  for (const holder of responseHolders(failure)) {
    releaseOwnBody(holder)
    const response = field(holder, "response")
    if (typeof response === "object" && response !== null) releaseOwnBody(response)
  }
}

const releaseOwnBody = (response: object): void => {
  try {
    // Any fetch's Response (this runtime's, npm undici's, node-fetch's): a web stream body, neither read nor being read.
    const { body, bodyUsed, url } = response as { readonly body?: unknown; readonly bodyUsed?: unknown; readonly url?: unknown }
    if (typeof url !== "string" || url === "" || bodyUsed === true || typeof body !== "object" || body === null) return
    const { cancel, locked } = body as { readonly cancel?: unknown; readonly locked?: unknown }
    if (typeof cancel !== "function" || locked === true) return
    Promise.resolve(cancel.call(body)).catch(() => {})
  } catch {
    // A failure that cannot be looked at (a revoked Proxy, a getter that throws): nothing to release.
  }
}
