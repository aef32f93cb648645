/**
 * The body: the exact bytes (or text, sent as UTF-8) to send and hash. A
 * value that is not already text or bytes is serialized to JSON, refusing
 * what JSON would drop or mangle silently; a body that exists only while it
 * is sent (a stream, a Blob) is refused, since its hash is needed first.
 *
 * @internal
 */
import type { HttpMethod } from "../../HttpMethods.js"
import type { SignedBody } from "../../SignedRequest.js"
import { type SigningError } from "../../SigningError.js"
import { invalidRequest } from "../signingErrors.js"
import { dateMillis, isArrayBuffer, isBlob, isFormData, isKeyedCollection, isMap, isPlainObject, isProxiedBytes, isReadableStream, isSet, isThenable, isURLSearchParams, tagOf } from "../brand.js"
import { isSigningErrorSafely, safely, thrownCause, thrownMessage } from "../guard.js"
import { checkWellFormed, quote } from "./describe.js"

export interface PreparedBody {
  readonly body: SignedBody | undefined
  /** The bytes sent (a string is sent as UTF-8). */
  readonly payload: string | Uint8Array | undefined
  /** The content type the body implies when the caller sets none. */
  readonly defaultContentType?: string
}

const NO_BODY: PreparedBody = { body: undefined, payload: undefined }

export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"
const JSON_CONTENT_TYPE = "application/json"

/** The refusal of a view of a SharedArrayBuffer, which another thread may change while it is signed and sent. */
export const sharedBufferBody = (): SigningError =>
  invalidRequest("body", "The body is a view of a SharedArrayBuffer, which HTTP clients do not send; copy it into a Uint8Array.")

/**
 * Whether `buffer` was detached (transferred to a worker, or by `transfer()`): it then reads as empty, so
 * its bytes would be signed and sent as no bytes at all. A detached buffer cannot back a new view.
 */
const isDetached = (buffer: ArrayBuffer): boolean => {
  if (buffer.byteLength !== 0) return false
  try {
    new Uint8Array(buffer)
    return false
  } catch {
    return true
  }
}

const detachedBody = (): SigningError =>
  invalidRequest(
    "body",
    "The body's ArrayBuffer is detached (transferred to a worker, or by transfer()), so its bytes are gone; " +
      "sign the bytes before transferring them, or transfer a copy (buffer.slice(0))."
  )

/**
 * The bytes of a view, as a Uint8Array that spans its whole ArrayBuffer.
 * Clients that take a view's `.buffer` (axios does, for any typed array but a
 * Node Buffer) would otherwise send the bytes around a slice too; a view that
 * already spans its buffer is sent as it is, without a copy.
 */
const exactBytes = (view: ArrayBufferView<ArrayBuffer>): Uint8Array<ArrayBuffer> =>
  view instanceof Uint8Array && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength
    ? view as Uint8Array<ArrayBuffer>
    // A copy made in this realm (slice keeps the constructor it is called on): a view from another
    // realm comes back as this realm's Uint8Array, which every client here recognizes.
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice()


/**
 * A body that exists only when it is read or sent, so its hash cannot be
 * known at signing: what to do instead, for each kind, or `undefined` when
 * the body is none of them. (`signer.fetch` and `signRequestAsync` read
 * Blobs, FormData and streams themselves.)
 */
const notYetBytes = (body: object): string | undefined => {
  if (isBlob(body)) {
    // React Native's Blob has no arrayBuffer(): its runtime's Response reads it.
    const read = typeof (body as { arrayBuffer?: unknown }).arrayBuffer === "function" ? "blob.arrayBuffer()" : "new Response(blob).arrayBuffer()"
    return `a Blob, whose bytes are only read when it is sent; read them first: new Uint8Array(await ${read}), ` +
      "or use signer.fetch, which does"
  }
  if (isFormData(body)) {
    // One without the tag is a polyfill's (React Native's), which only the runtime's own fetch encodes, after signing.
    return tagOf(body) === "[object FormData]"
      ? "FormData, which is only encoded (with a random multipart boundary) when it is sent; send the fields as " +
        "URLSearchParams, or use signer.fetch, which encodes it once and signs those bytes"
      : "FormData that only this runtime's fetch encodes (React Native's), when it is sent; send the fields as " +
        "URLSearchParams, or a file's bytes as the body"
  }
  if (isReadableStream(body)) {
    return "a ReadableStream, whose bytes are only known once it is read; read it first: " +
      "new Uint8Array(await new Response(stream).arrayBuffer()), or use signer.fetch, which does"
  }
  if (isThenable(body)) {
    return "a Promise; await it and pass what it resolves to"
  }
  // A Node stream (it pipes, and is an event emitter). Other things that pipe (Effect's data types) go on to JSON.
  if (Symbol.asyncIterator in body || (typeof (body as { pipe?: unknown }).pipe === "function" && typeof (body as { on?: unknown }).on === "function")) {
    return "a stream, whose bytes are only known once it is read; collect it into a Buffer or Uint8Array first " +
      "(e.g. Buffer.concat(await Array.fromAsync(stream))), or use signer.fetch, which does"
  }
  return undefined
}

// The type ids Effect's values carry, read without importing effect (the core never loads it).
const REDACTED_TYPE_ID = Symbol.for("effect/Redacted")
const EFFECT_TYPE_ID = Symbol.for("effect/Effect")
const STREAM_TYPE_ID = Symbol.for("effect/Stream")

/**
 * An Effect value JSON would send as something else, and what to do instead:
 * a Redacted (written as "<redacted>", so the server gets that text), an
 * Effect not yet run, or an Option, Either or Exit, which are Effects too, a
 * Stream, and Effect's data types that JSON writes as Effect's description of
 * them (`json`, what their toJSON gave: `{"_id":"Chunk",...}`), a Chunk, a
 * HashMap or a Duration. `undefined` for anything else: a DateTime, which JSON
 * writes as its ISO string, is left to it.
 */
const effectValueAdvice = (value: object, json: unknown): string | undefined => {
  if (safely(() => REDACTED_TYPE_ID in value, false)) {
    return `a Redacted, which JSON.stringify writes as "<redacted>"; send Redacted.value(secret) if the server must get it.`
  }
  if (safely(() => EFFECT_TYPE_ID in value, false)) {
    return "an Effect value (an Effect, Option, Either or Exit), which JSON.stringify writes as Effect's description of it; " +
      "run or convert it first (yield*, Option.getOrNull)."
  }
  if (safely(() => STREAM_TYPE_ID in value, false)) {
    return "an Effect Stream; run it first (e.g. Stream.runCollect)."
  }
  const id = describedAs(json)
  if (id !== undefined && safely(() => Symbol.for(`effect/${id}`) in value, false)) {
    return `an Effect ${id}, which JSON.stringify writes as Effect's description of it ({"_id":"${id}",...}); ` +
      "convert it to plain data first (e.g. Chunk.toReadonlyArray, Object.fromEntries for a HashMap)."
  }
  return undefined
}

/** The `_id` of what an Effect value's toJSON gives (`{"_id":"Chunk",...}`), when `json` is such a description. */
const describedAs = (json: unknown): string | undefined => {
  const id = typeof json === "object" && json !== null ? safely(() => (json as { _id?: unknown })._id, undefined) : undefined
  return typeof id === "string" && /^[A-Za-z]{1,40}$/.test(id) ? id : undefined
}

/** A property's value as JSON read it, before toJSON: a data property's value, or its getter's (asked again). */
const propertyOf = (holder: unknown, key: string): unknown =>
  safely(() => {
    const descriptor = Object.getOwnPropertyDescriptor(holder, key)
    return descriptor === undefined ? undefined : "value" in descriptor ? descriptor.value : Reflect.get(holder as object, key)
  }, undefined)

/**
 * Which part of a JSON body `key` names, for a refusal. Said only when one is
 * made: quoting every key of a large body costs more than stringifying it.
 */
const whereOf = (key: string): string => (key === "" ? "The body" : `The body's property ${quote(key)}`)

/** JSON.stringify drops or mangles these silently; refuse them instead. */
function refuseLossyJson(this: unknown, key: string, value: unknown): unknown {
  // `value` is what toJSON made of the property: a Redacted's is "<redacted>", and Effect's other values write
  // a description of themselves, {"_id":"Chunk",...}. Those are told by the property itself (a getter is asked
  // again only then); anything else is told by `value`.
  if ((typeof value === "object" && value !== null) || value === "<redacted>") {
    const original = value === "<redacted>" || describedAs(value) !== undefined ? propertyOf(this, key) : value
    const advice = typeof original === "object" && original !== null ? effectValueAdvice(original, value) : undefined
    if (advice !== undefined) throw invalidRequest("body", `${whereOf(key)} is ${advice}`)
  }
  switch (typeof value) {
    case "function":
    case "symbol":
    case "bigint":
      throw invalidRequest(
        "body",
        `${whereOf(key)} is a ${typeof value}, which JSON cannot represent; ` +
          (typeof value === "bigint" ? "convert it to a string or number first." : "remove it or pass a string body.")
      )
    case "number":
      if (!Number.isFinite(value)) {
        throw invalidRequest("body", `${whereOf(key)} is ${String(value)}, which JSON would turn into null; send a number or a string.`)
      }
      break
    case "object":
      if (value !== null) refuseLossyObject(key, value)
      // An invalid Date (new Date("31/12/2026"), from bad input) is written null by its own toJSON: told by the property.
      else if (Number.isNaN(dateMillis(propertyOf(this, key)))) {
        throw invalidRequest("body", `${whereOf(key)} is an invalid Date, which JSON would turn into null; send a valid Date or a string.`)
      }
  }
  return value
}

/** An object JSON would write as `{}`, as indexes, or without what it holds: refused, naming it. */
const refuseLossyObject = (key: string, value: object): void => {
  if (isKeyedCollection(value)) {
    throw invalidRequest(
      "body",
      `${whereOf(key)} is a ${collectionName(value)}, which JSON.stringify turns into {}; convert it first (Object.fromEntries(map), [...set]).`
    )
  }
  const tag = safely(() => Object.prototype.toString.call(value), "[object Object]")
  // A Blob or FormData inside JSON: written as {} or, where it is a polyfill's (React Native's), as its
  // private fields, never its content. (A plain object, most of a JSON body, is neither: not asked.)
  if (tag !== "[object Object]" || !isPlainObject(value)) {
    if (isBlob(value)) {
      throw invalidRequest(
        "body",
        `${whereOf(key)} is a Blob, which JSON.stringify writes as {} or as its private fields, never its content; ` +
          "send it as the body itself (signer.fetch reads it), or put its content in the JSON as a string."
      )
    }
    if (isFormData(value)) {
      throw invalidRequest(
        "body",
        `${whereOf(key)} is FormData, which JSON.stringify writes as {} or as its private fields, never its fields; ` +
          "send the fields as the body (URLSearchParams), or put them in the JSON."
      )
    }
  }
  // A boxed number JSON unboxes: new Number(NaN) would be written null, as NaN is.
  if (tag === "[object Number]" && !safely(() => Number.isFinite(Number.prototype.valueOf.call(value)), true)) {
    throw invalidRequest("body", `${whereOf(key)} is ${String(safely(() => Number.prototype.valueOf.call(value), NaN))} (a Number object), which JSON would turn into null; send a number or a string.`)
  }
  // (The body itself, when bytes, never gets here: it is sent as bytes.)
  if (ArrayBuffer.isView(value) || isArrayBuffer(value)) {
    throw invalidRequest(
      "body",
      `${whereOf(key)} is bytes (${tag.slice("[object ".length, -1)}), which JSON.stringify writes as an object of indexes or {}; ` +
        "send the bytes as the body itself, or encode them into a string (e.g. base64) first."
    )
  }
  // An Error JSON would write as its own fields (a `code`, an `errno`), dropping its message.
  if (tag === "[object Error]") {
    throw invalidRequest(
      "body",
      `${whereOf(key)} is an Error, which JSON.stringify writes without its message; ` +
        "send what you mean as a plain object (e.g. { message: error.message }) or a string."
    )
  }
  const builtIn = builtInWithoutData(value, tag)
  if (builtIn !== undefined) {
    throw invalidRequest("body", `${whereOf(key)} is ${/^[AEIO]/.test(builtIn) ? "an" : "a"} ${builtIn}, which JSON.stringify sends as {}; ${adviceFor(builtIn)}`)
  }
}

// Objects JSON writes faithfully: their own properties (an `arguments` object's too), or their value (a
// boxed primitive). A boxed BigInt is left to JSON, which refuses it as it refuses a bigint.
const DATA_TAGS: ReadonlySet<string> = new Set([
  "[object Object]",
  "[object Array]",
  "[object Arguments]",
  "[object String]",
  "[object Number]",
  "[object Boolean]",
  "[object BigInt]"
])

/**
 * The kind of a built-in object (`tag` is what Object.prototype.toString
 * gives for it) whose contents live in internal slots, so that JSON (after
 * `toJSON`, which the replacer sees applied) writes `{}`: a `Response`,
 * `Request` or `Headers`, an iterator or generator, a `WeakMap`.
 * `undefined` for anything JSON writes as it is, an object of a class with a
 * `Symbol.toStringTag` and own properties included.
 */
const builtInWithoutData = (value: object, tag: string): string | undefined => {
  if (DATA_TAGS.has(tag) || safely(() => Object.keys(value).length > 0, true)) return undefined
  return tag.slice("[object ".length, -1)
}

const adviceFor = (builtIn: string): string =>
  builtIn === "Response" || builtIn === "Request"
    ? "read its body first (await response.json(), or .text())."
    : builtIn === "Headers"
    ? "convert it first (Object.fromEntries(headers))."
    : /Iterator|Generator/.test(builtIn)
    ? "collect it into an array first ([...iterator])."
    : "send what you mean as a plain object, an array or a string."

const collectionName = (value: object): string =>
  isMap(value) ? "Map" : isSet(value) ? "Set" : safely(() => String(value.constructor.name), "collection")

/**
 * A body JSON would silently send as something else, that the checks above
 * let through: a Proxy of bytes (JSON writes `{"0":104,...}`), an Error or a
 * RegExp (`{}`). Refused, naming it. Anything else goes to JSON, which sends
 * it as its own properties or `toJSON` say.
 */
const refuseExoticObject = (body: unknown): void => {
  if (isProxiedBytes(body)) {
    throw invalidRequest("body", "The body passes for bytes but is not a Uint8Array or ArrayBuffer itself (a Proxy of one?); pass the bytes themselves.")
  }
  if (typeof body !== "object" || body === null) return
  const tag = safely(() => Object.prototype.toString.call(body), "")
  if ((tag === "[object Error]" || tag === "[object RegExp]") && safely(() => typeof (body as { toJSON?: unknown }).toJSON !== "function", true)) {
    throw invalidRequest(
      "body",
      `The body is ${tag === "[object Error]" ? "an Error" : "a RegExp"}, which JSON.stringify sends as {}; ` +
        "send what you mean as a plain object (e.g. { message: error.message }) or a string."
    )
  }
}

const CYCLE = /circular|cyclic/i

/** `body` as JSON, refusing what JSON would drop or mangle (anywhere in it), naming it. */
export const serializeJson = (body: unknown): string => {
  let json: string | undefined
  try {
    json = JSON.stringify(body, refuseLossyJson)
  } catch (error) {
    if (isSigningErrorSafely(error)) throw error
    // A cycle is said in one wording everywhere: each engine words its TypeError its own way (V8 "Converting
    // circular structure", JavaScriptCore "cannot serialize cyclic structures", SpiderMonkey "cyclic object value").
    const thrown = thrownMessage(error)
    throw invalidRequest(
      "body",
      CYCLE.test(thrown)
        ? "The body holds a cycle (an object that contains itself), which JSON cannot write; pass a plain object without cycles, or a string."
        : `The body cannot be serialized to JSON (${thrown}); pass a plain object without cycles, or a string.`,
      thrownCause(error)
    )
  }
  if (json === undefined) {
    throw invalidRequest("body", "The body serializes to nothing (JSON.stringify returned undefined); pass an object, array or string.")
  }
  return json
}

export const prepareBody = (body: unknown, method: HttpMethod): PreparedBody => {
  if (body === undefined || body === null) return NO_BODY
  let prepared: PreparedBody
  if (typeof body === "string") {
    checkWellFormed("body", () => "The body string", body)
    prepared = { body, payload: body }
  } else if (isArrayBuffer(body)) {
    if (isDetached(body)) throw detachedBody()
    prepared = { body, payload: new Uint8Array(body) }
  } else if (ArrayBuffer.isView(body)) {
    if (!isArrayBuffer(body.buffer)) {
      throw sharedBufferBody()
    }
    if (isDetached(body.buffer)) throw detachedBody()
    const bytes = exactBytes(body as ArrayBufferView<ArrayBuffer>)
    prepared = { body: bytes, payload: bytes }
  } else if (isURLSearchParams(body)) {
    // Signed as its own text, which is what fetch sends of it. Sent as a copy, so that changing the caller's
    // object after signing cannot change what is sent; or as that text, where the runtime's copy would differ
    // (React Native's URLSearchParams reads another instance as a plain object).
    const text = String(body)
    const copy = new URLSearchParams(text)
    prepared = { body: String(copy) === text ? copy : text, payload: text, defaultContentType: FORM_CONTENT_TYPE }
  } else if (typeof body === "object" && notYetBytes(body) !== undefined) {
    throw invalidRequest(
      "body",
      `The body is ${notYetBytes(body)}. A signature covers the body's SHA-256, which must be known before the request is sent.`
    )
  } else {
    refuseExoticObject(body)
    const json = serializeJson(body)
    prepared = { body: json, payload: json, defaultContentType: JSON_CONTENT_TYPE }
  }
  if (method === "GET" || method === "HEAD") {
    // fetch refuses any body on GET and HEAD, even an empty one; an empty body is no body.
    if (prepared.payload!.length === 0) return NO_BODY
    throw invalidRequest(
      "body",
      `A ${method} request cannot carry a body: fetch refuses to send one, and servers ignore it ` +
        "(the original package dropped it silently, signing a request without it). " +
        "Send the data as queryParams, or use POST."
    )
  }
  return prepared
}
