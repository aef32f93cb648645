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

type WebClass = { readonly prototype: object } | undefined
const global = (name: string): WebClass => (globalThis as Record<string, unknown>)[name] as WebClass

/** `Object.prototype.toString` of a value (`[object Map]`), or "" when that throws (a revoked Proxy). */
export const tagOf = (value: unknown): string => {
  try {
    return Object.prototype.toString.call(value)
  } catch {
    return "" // a revoked Proxy
  }
}

/** `value instanceof ctor`, false when that throws (a revoked Proxy). */
const instanceOf = (value: unknown, ctor: WebClass): boolean => {
  try {
    return ctor !== undefined && value instanceof (ctor as unknown as new () => unknown)
  } catch {
    return false
  }
}

/**
 * Whether a value without the class's tag may still be an instance of it: an object made by a class (its
 * prototype is neither Object.prototype nor null) that has every member of `shape`. A polyfill's instance may
 * carry no tag at all (React Native's URL, URLSearchParams and Blob carry none). Asked with `in`, which runs no
 * getter; false when that or reading the prototype throws (a revoked Proxy). A plain object (a JSON body's, a
 * headers record) or a class instance of another shape (a DTO) is none, and never reads a web global to be
 * told so: in Node, reading `Blob` or `FormData` loads a whole fetch implementation.
 */
const mayBeUntagged = (value: object, shape: ReadonlyArray<string>): boolean => {
  try {
    const prototype: unknown = Object.getPrototypeOf(value)
    return prototype !== Object.prototype && prototype !== null && shape.every((member) => member in value)
  } catch {
    return false
  }
}

/**
 * The test for the built-in class `name`: whether a value carries its tag (`[object Map]`) and
 * passes the slot check (`owner().prototype[member]` run on it, with `arg`, without throwing), or
 * is an instance of `fallback()`: a Proxy has no slots but works through its traps (Vue's
 * `reactive(new Map())` is one), and it reports its target's tag. With an `untaggedShape`, an
 * instance of `fallback()` without the tag passes too, if it has that shape (`mayBeUntagged`).
 *
 * The slot check is made on first use. Reading a web global (`Headers`, `FormData`, ...) can load a
 * whole module: Node loads its fetch implementation then, which would cost every cold start at
 * import. So the global is read only once a value carrying its tag, or that shape, comes by, when
 * it is loaded anyway.
 */
const brand = <T>(
  name: string,
  member: string,
  options: {
    readonly arg?: unknown
    readonly owner?: () => WebClass
    readonly fallback?: () => WebClass
    readonly untaggedShape?: ReadonlyArray<string>
  } = {}
): ((value: unknown) => value is T) => {
  const { arg, owner = () => global(name), fallback = owner, untaggedShape } = options
  const tag = `[object ${name}]`
  let made: { readonly check: Check | undefined } | undefined
  return (value: unknown): value is T => {
    if (typeof value !== "object" || value === null) return false
    const valueTag = tagOf(value)
    if (valueTag !== tag) {
      return untaggedShape !== undefined && valueTag === "[object Object]" && mayBeUntagged(value, untaggedShape) && instanceOf(value, fallback())
    }
    const passes = (made ??= { check: check(owner(), member, arg) }).check
    if (passes !== undefined) {
      try {
        passes(value)
        return true
      } catch {
        // no slot: maybe a Proxy of one
      }
    }
    return instanceOf(value, fallback())
  }
}

// %TypedArray%.prototype[Symbol.toStringTag]: a typed array's kind, read from its slots; undefined for anything else.
// Pure, so that a bundle that never asks (the facade's) drops it.
const typedArrayKind = /* @__PURE__ */ (() =>
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)?.get)()

/**
 * Something that passes for bytes (`instanceof` a typed array, `ArrayBuffer` or `DataView` of this
 * realm) but is not a view or buffer itself: a Proxy of one, which JSON would send as `{"0":...}`.
 */
export const isProxiedBytes = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !isArrayBuffer(value) &&
  (instanceOf(value, Object.getPrototypeOf(Uint8Array) as WebClass) || instanceOf(value, ArrayBuffer) || instanceOf(value, DataView))

/**
 * An `ArrayBuffer` from any realm (not a SharedArrayBuffer). A Proxy of a buffer is no buffer:
 * typed arrays built over it read it as an empty list.
 */
export const isArrayBuffer = /* @__PURE__ */ brand<ArrayBuffer>("ArrayBuffer", "byteLength", { owner: () => ArrayBuffer, fallback: () => undefined })

/** A `Uint8Array` (a Node `Buffer` included) from any realm. */
export const isUint8Array = (value: unknown): value is Uint8Array =>
  ArrayBuffer.isView(value) && typedArrayKind?.call(value) === "Uint8Array"

/** A Promise, or any thenable: an answer still to come (false for a value whose `then` cannot be read). */
export const isThenable = (value: unknown): value is PromiseLike<unknown> => {
  try {
    return typeof value === "object" && value !== null && typeof (value as { readonly then?: unknown }).then === "function"
  } catch {
    return false
  }
}

/** A `Map` from any realm. */
export const isMap = /* @__PURE__ */ brand<Map<unknown, unknown>>("Map", "size", { owner: () => Map })

/** A `Set` from any realm. */
export const isSet = /* @__PURE__ */ brand<Set<unknown>>("Set", "size", { owner: () => Set })

const isWeakMap = /* @__PURE__ */ brand("WeakMap", "has", { arg: {}, owner: () => WeakMap })
const isWeakSet = /* @__PURE__ */ brand("WeakSet", "has", { arg: {}, owner: () => WeakSet })

/** A `Map`, `Set`, `WeakMap` or `WeakSet` from any realm: what JSON turns into `{}`. */
export const isKeyedCollection = (value: unknown): boolean => isMap(value) || isSet(value) || isWeakMap(value) || isWeakSet(value)

/**
 * An `Error` (any subclass) from any realm: Jest runs tests in a vm context while Node's fetch throws
 * errors of the outer realm, which `instanceof Error` does not recognize there.
 */
export const isError = (value: unknown): value is Error => tagOf(value) === "[object Error]" || instanceOf(value, Error)

/**
 * A `URL`, from any realm where the runtime checks its platform objects' slots (browsers, Node), or of a
 * polyfill without the tag.
 */
export const isURL = /* @__PURE__ */ brand<URL>("URL", "href", { untaggedShape: ["href", "searchParams"] })

/** A `URLSearchParams`, likewise. */
export const isURLSearchParams = /* @__PURE__ */ brand<URLSearchParams>("URLSearchParams", "toString", { untaggedShape: ["getAll", "append"] })

/** A fetch `Headers`, likewise. */
export const isHeaders = /* @__PURE__ */ brand<Headers>("Headers", "has", { arg: "x" })

// The untagged shapes of Blob and FormData name a member particular to React Native's classes (close,
// getParts), so that a DTO with size, type and slice(), or append() and getAll(), is not asked about: in Node,
// reading Blob or FormData loads a whole fetch implementation.
const isFile = /* @__PURE__ */ brand<Blob>("File", "size", { owner: () => global("Blob") })
const isBlobItself = /* @__PURE__ */ brand<Blob>("Blob", "size", { untaggedShape: ["slice", "size", "type", "close"] })

/** A `Blob` or a `File`, likewise. */
export const isBlob = (value: unknown): value is Blob => isBlobItself(value) || isFile(value)

/** A `FormData`, likewise. */
export const isFormData = /* @__PURE__ */ brand<FormData>("FormData", "has", { arg: "x", untaggedShape: ["append", "getAll", "getParts"] })

/** A `ReadableStream`, likewise. */
export const isReadableStream = /* @__PURE__ */ brand<ReadableStream>("ReadableStream", "locked")

/**
 * An object literal (or `Object.create(null)`), from any realm: its prototype
 * is a root prototype, or none. An options object of another kind (a Date, a
 * Map, a `Redacted`, a class instance) holds no options where they are read,
 * and is refused rather than read as "no options".
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  try {
    const prototype = Object.getPrototypeOf(value) as object | null
    return prototype === null || Object.getPrototypeOf(prototype) === null
  } catch {
    return false // a Proxy whose getPrototypeOf trap throws: no options to read
  }
}

/**
 * A Date's time value (`NaN` for an invalid Date), whichever realm made it;
 * `undefined` for anything else. (`getTime` reads the Date's own slot and
 * throws for any other value, a Proxy of a Date included.)
 */
export const dateMillis = (value: unknown): number | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  try {
    return Date.prototype.getTime.call(value)
  } catch {
    return undefined
  }
}
