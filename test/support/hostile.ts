/**
 * Hostile values for fuzzing public entry points: every JavaScript kind, and
 * objects that fight back (getters that throw, Proxies whose traps throw,
 * revoked Proxies, values that throw something that itself throws when
 * looked at).
 *
 * Arbitraries produce descriptions, not the values: `Hostile` leaves inside
 * plain objects and arrays, which fast-check prints by name. `build` makes
 * the real values, fresh for every run, so a counterexample reads as
 * `{ method: <proxy: get throws a revoked proxy> }`, and no hostile value
 * is ever shown to fast-check's own printer (which it could break).
 */
import * as fc from "effect/FastCheck"
import * as Redacted from "effect/Redacted"

/** A leaf of a description: one hostile value, by name. */
export class Hostile {
  constructor(readonly name: string, readonly make: () => unknown) {}
  [fc.toStringMethod](): string {
    return `<${this.name}>`
  }
}

const revoked = (target: object): object => {
  const { proxy, revoke } = Proxy.revocable(target, {})
  revoke()
  return proxy
}

/** What a trap throws: an Error, a bare string, or a value that throws again when inspected. */
const THROWN: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a TypeError", () => new TypeError("hostile trap")],
  ["a string", () => "hostile string thrown"],
  ["a revoked proxy", () => revoked({})]
]

const TRAPS = ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "set", "defineProperty"] as const

const throwingProxy = <T extends object>(target: T, traps: ReadonlyArray<string>, thrown: () => unknown): T => {
  const handler: ProxyHandler<T> = {}
  for (const trap of traps) {
    ;(handler as Record<string, unknown>)[trap] = () => {
      throw thrown()
    }
  }
  return new Proxy(target, handler)
}

/** Names a public entry point reads from its arguments, each a getter that throws. */
const KNOWN_KEYS = [
  "method", "path", "queryParams", "headers", "body", "target",
  "endpoint", "region", "service", "serviceName", "signSessionToken", "contentSha256Header",
  "accessKey", "secretKey", "sessionToken", "accessKeyId", "secretAccessKey", "expiration",
  "credentials", "signingTime", "now", "maxClockSkewMillis", "expiresIn", "payloadHash", "normalizePath", "doubleEncodePath",
  "signal", "shouldRetry", "baseDelayMs", "maxDelayMs", "times", "schedule", "while", "until", "maxDelay",
  "port", "host", "handler", "maxBodyBytes", "headersTimeoutMillis", "requestTimeoutMillis", "onRequest", "cors",
  "status", "statusCode", "response", "message", "name", "cause", "code", "_tag", "reason",
  "then", "length", "constructor", "toString", "valueOf", "toJSON"
]

const withThrowingGetters = (thrown: () => unknown): object => {
  const object: Record<string, unknown> = {}
  for (const key of KNOWN_KEYS) {
    Object.defineProperty(object, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        throw thrown()
      }
    })
  }
  return object
}

/** A 403 as a refusal for clock skew would carry it, with every other property a getter that throws. */
const forbiddenThatThrows = (thrown: () => unknown): object => {
  const object = withThrowingGetters(thrown)
  Object.defineProperty(object, "status", { value: 403, enumerable: true })
  return object
}

const PRIMITIVES: ReadonlyArray<readonly [string, () => unknown]> = [
  ["null", () => null],
  ["undefined", () => undefined],
  ["0", () => 0],
  ["-0", () => -0],
  ["-1", () => -1],
  ["1.5", () => 1.5],
  ["NaN", () => Number.NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["Number.MAX_VALUE", () => Number.MAX_VALUE],
  ["2**53", () => 2 ** 53],
  ["true", () => true],
  ["false", () => false],
  ["10n", () => 10n],
  ["\"\"", () => ""],
  ["\" \"", () => " "],
  ["\"abc\"", () => "abc"],
  ["\"NaN\"", () => "NaN"],
  ["\"__proto__\"", () => "__proto__"],
  ["a string with NUL and CRLF", () => "a\0b\r\nc"],
  ["a lone surrogate", () => "\ud800"],
  ["a 20 000 character string", () => "x".repeat(20_000)],
  ["a symbol", () => Symbol("hostile")],
  ["Symbol.iterator", () => Symbol.iterator]
]

const OBJECTS: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a function returning undefined", () => () => undefined],
  ["a function that throws", () => () => {
    throw new TypeError("hostile function")
  }],
  ["a function returning a rejected Promise", () => () => {
    const rejected = Promise.reject(new TypeError("hostile rejection"))
    rejected.catch(() => {}) // handled: whoever ignores it is not the library under test
    return rejected
  }],
  ["a class", () => class Hostile {}],
  ["[]", () => []],
  ["[null]", () => [null]],
  ["[[1, 2, 3]]", () => [[1, 2, 3]]],
  ["a sparse array", () => new Array(3)],
  ["{}", () => ({})],
  ["an object without prototype", () => Object.create(null)],
  ["{ length: 5 }", () => ({ length: 5 })],
  ["an object whose conversions throw", () => ({
    toString() {
      throw new TypeError("toString")
    },
    valueOf() {
      throw new TypeError("valueOf")
    },
    [Symbol.toPrimitive]() {
      throw new TypeError("toPrimitive")
    }
  })],
  ["a thenable whose then throws", () => ({
    then() {
      throw new TypeError("then")
    }
  })],
  ["an invalid Date", () => new Date(Number.NaN)],
  ["the epoch as a Date", () => new Date(0)],
  ["a Map", () => new Map<unknown, unknown>([["a", 1], [Symbol("k"), revoked({})]])],
  ["a Set", () => new Set([1])],
  ["a WeakMap", () => new WeakMap()],
  ["a resolved Promise", () => Promise.resolve(1)],
  ["an Error", () => new Error("hostile error")],
  ["an Error whose name and message are not strings", () => Object.assign(new Error(), { name: revoked({}), message: 42 })],
  ["a Uint8Array", () => new Uint8Array([1, 2])],
  ["an ArrayBuffer", () => new ArrayBuffer(2)],
  ["a URL", () => new URL("https://example.com/?X-Amz-Security-Token=hostile")],
  ["a URLSearchParams", () => new URLSearchParams("a=1")],
  ["a Headers", () => new Headers({ a: "1" })],
  ["an aborted AbortSignal", () => AbortSignal.abort()],
  ["a Redacted number", () => Redacted.make(42)],
  ["a Redacted revoked proxy", () => Redacted.make(revoked({}))],
  ["{ status: 400 }", () => ({ status: 400 })],
  ["a revoked proxy", () => revoked({})],
  ["a revoked function proxy", () => revoked(() => undefined)],
  ["a revoked array proxy", () => revoked([])]
]

const PROXIES: ReadonlyArray<readonly [string, () => unknown]> = THROWN.flatMap(([what, thrown]) => [
  ...TRAPS.map((trap) => [`proxy: ${trap} throws ${what}`, () => throwingProxy({}, [trap], thrown)] as const),
  [`proxy: every trap throws ${what}`, () => throwingProxy({}, TRAPS, thrown)] as const,
  [`array proxy: get throws ${what}`, () => throwingProxy([1, 2], ["get"], thrown)] as const,
  [`function proxy: apply and get throw ${what}`, () => throwingProxy(() => undefined, ["apply", "get"], thrown)] as const,
  [`getters throw ${what}`, () => withThrowingGetters(thrown)] as const,
  [`a 403 whose other getters throw ${what}`, () => forbiddenThatThrows(thrown)] as const
])

const ALL: ReadonlyArray<Hostile> = [...PRIMITIVES, ...OBJECTS, ...PROXIES].map(([name, make]) => new Hostile(name, make))

/** Any hostile value. */
export const hostile: fc.Arbitrary<Hostile> = fc.constantFrom(...ALL)

/** A hostile value, or `valid` (as given) a third of the time, so that checks further in are reached too. */
export const orHostile = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<A | Hostile> =>
  fc.oneof({ weight: 1, arbitrary: valid }, { weight: 2, arbitrary: hostile })

/** An object with the given keys, each valid or hostile, and some keys left out. */
export const recordOrHostile = (model: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 1, arbitrary: hostile as fc.Arbitrary<unknown> },
    {
      weight: 3,
      arbitrary: fc.record(
        Object.fromEntries(Object.entries(model).map(([key, valid]) => [key, orHostile(valid)])),
        { requiredKeys: [] }
      ) as fc.Arbitrary<unknown>
    }
  )

/** The real value a description stands for: fresh hostile values, plain objects and arrays rebuilt around them. */
export const build = (description: unknown): unknown => {
  if (description instanceof Hostile) return description.make()
  if (Array.isArray(description)) return description.map(build)
  if (typeof description === "object" && description !== null && Object.getPrototypeOf(description) === Object.prototype) {
    // Object.fromEntries defines each key, "__proto__" included, where assignment would set the prototype.
    return Object.fromEntries(Object.entries(description).map(([key, value]) => [key, build(value)]))
  }
  return description
}

/** `instanceof` and property reads that cannot throw, for checking what came out of a hostile run. */
export const safely = <A>(f: () => A, fallback: A): A => {
  try {
    return f()
  } catch {
    return fallback
  }
}

/** What an outcome was, for a failing assertion's message, without touching anything hostile. */
export const kindOf = (value: unknown): string =>
  safely(() => {
    if (value instanceof Error) return `${value.constructor.name}: ${value.message}`
    return typeof value === "object" || typeof value === "function" ? `a non-Error ${typeof value}` : `${typeof value} ${String(value)}`
  }, "a value that throws when inspected")
