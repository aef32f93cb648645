/**
 * What kind of built-in object a value is, by the object's own internal
 * slots rather than `instanceof`: a value made in another JavaScript realm
 * (an iframe, `node:vm`, the jsdom environment of a test runner, where
 * `TextEncoder` hands out Node's own `Uint8Array`) fails `instanceof` against
 * this realm's classes, and a body so misread would be sent as JSON (`{}`).
 *
 * Each test first reads the value's tag (`[object Map]`: cheap, and what
 * every realm's class reports), then calls a getter or method of this realm's
 * prototype on it: the engine checks the slot whichever realm made the value,
 * and throws for anything else, a look-alike with a forged
 * `Symbol.toStringTag` included. Plain objects stop at the tag, so a JSON
 * body's every nested object costs one `toString`, never an exception.
 *
 * @internal
 */

type Check = (self: unknown) => unknown

/** `owner.prototype[name]` (a getter's or a method's function) as a check on any value, if this runtime has it. */
const check = (owner: { readonly prototype: object } | undefined, name: string, ...args: Array<unknown>): Check | undefined => {
  if (owner === undefined) return undefined
  const descriptor = Object.getOwnPropertyDescriptor(owner.prototype, name)
  const f: unknown = descriptor?.get ?? descriptor?.value
  return typeof f === "function" ? (self) => (f as (...args: Array<unknown>) => unknown).apply(self, args) : undefined
}

const tagOf = (value: unknown): string => {
  try {
    return Object.prototype.toString.call(value)
  } catch {
    return "" // a revoked Proxy
  }
}

/** Whether `value` carries `tag` and passes `slotCheck` (runs it without throwing). */
const is = (tag: string, slotCheck: Check | undefined, value: unknown): boolean => {
  if (slotCheck === undefined || typeof value !== "object" || value === null || tagOf(value) !== tag) return false
  try {
    slotCheck(value)
    return true
  } catch {
    return false
  }
}

const web = globalThis as {
  readonly SharedArrayBuffer?: { readonly prototype: object }
  readonly URL?: { readonly prototype: object }
  readonly URLSearchParams?: { readonly prototype: object }
  readonly Headers?: { readonly prototype: object }
  readonly Blob?: { readonly prototype: object }
  readonly FormData?: { readonly prototype: object }
  readonly ReadableStream?: { readonly prototype: object }
}

const arrayBufferLength = check(ArrayBuffer, "byteLength")
const sharedArrayBufferLength = check(web.SharedArrayBuffer, "byteLength")
const mapSize = check(Map, "size")
const setSize = check(Set, "size")
const weakMapHas = check(WeakMap, "has", {})
const weakSetHas = check(WeakSet, "has", {})
// %TypedArray%.prototype[Symbol.toStringTag]: a typed array's kind, read from its slots; undefined for anything else.
const typedArrayKind = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)?.get
const urlHref = check(web.URL, "href")
const searchParamsToString = check(web.URLSearchParams, "toString")
const headersHas = check(web.Headers, "has", "x")
const blobSize = check(web.Blob, "size")
const formDataHas = check(web.FormData, "has", "x")
const streamLocked = check(web.ReadableStream, "locked")

/** An `ArrayBuffer` from any realm (not a SharedArrayBuffer). */
export const isArrayBuffer = (value: unknown): value is ArrayBuffer => is("[object ArrayBuffer]", arrayBufferLength, value)

/** A `SharedArrayBuffer` from any realm. */
export const isSharedArrayBuffer = (value: unknown): boolean => is("[object SharedArrayBuffer]", sharedArrayBufferLength, value)

/** A `Uint8Array` (a Node `Buffer` included) from any realm. */
export const isUint8Array = (value: unknown): value is Uint8Array =>
  ArrayBuffer.isView(value) && typedArrayKind?.call(value) === "Uint8Array"

/** A `Map` from any realm. */
export const isMap = (value: unknown): value is Map<unknown, unknown> => is("[object Map]", mapSize, value)

/** A `Set` from any realm. */
export const isSet = (value: unknown): value is Set<unknown> => is("[object Set]", setSize, value)

/** A `Map`, `Set`, `WeakMap` or `WeakSet` from any realm: what JSON turns into `{}`. */
export const isKeyedCollection = (value: unknown): boolean =>
  isMap(value) || isSet(value) || is("[object WeakMap]", weakMapHas, value) || is("[object WeakSet]", weakSetHas, value)

/** A `URL`, from any realm where the runtime checks its platform objects' slots (browsers, Node). */
export const isURL = (value: unknown): value is URL => is("[object URL]", urlHref, value)

/** A `URLSearchParams`, likewise. */
export const isURLSearchParams = (value: unknown): value is URLSearchParams => is("[object URLSearchParams]", searchParamsToString, value)

/** A fetch `Headers`, likewise. */
export const isHeaders = (value: unknown): value is Headers => is("[object Headers]", headersHas, value)

/** A `Blob` or a `File`, likewise. */
export const isBlob = (value: unknown): value is Blob =>
  is("[object Blob]", blobSize, value) || is("[object File]", blobSize, value)

/** A `FormData`, likewise. */
export const isFormData = (value: unknown): value is FormData => is("[object FormData]", formDataHas, value)

/** A `ReadableStream`, likewise. */
export const isReadableStream = (value: unknown): value is ReadableStream => is("[object ReadableStream]", streamLocked, value)
