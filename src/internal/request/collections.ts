/**
 * The collection shapes a caller may pass query parameters and headers in:
 * a plain object, a `Map`, or a list of `[name, value]` pairs.
 *
 * @internal
 */
import { isMap } from "../brand.js"
import { invalidRequest } from "../signingErrors.js"

/**
 * The entries of an object, a Map, a list of pairs or another iterable of pairs (a generator, a Set,
 * `map.entries()`: read once, as fetch reads one); anything else is a SigningError. An iterable is never
 * taken for an object: its own properties are not its entries, and they would drop them without a word.
 */
export const entriesOf = (
  input: unknown,
  field: "queryParams" | "headers",
  keyName: "key" | "name",
  notACollection: string
): Iterable<readonly [unknown, unknown]> => {
  if (isMap(input)) return input as Iterable<[unknown, unknown]>
  const pairs = Array.isArray(input) ? input : isIterable(input) ? readOnce(input, field) : undefined
  if (pairs !== undefined) {
    // Array.from, not map: map skips a hole ([, ["a", "1"]]), which would then fail as "undefined is not iterable".
    return Array.from(pairs, (entry: unknown, index) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRequest(field, `${field}[${index}] is not a [${keyName}, value] pair.`)
      return entry as unknown as readonly [unknown, unknown]
    })
  }
  if (typeof input === "object" && input !== null) return Object.entries(input)
  throw invalidRequest(field, notACollection)
}

const isIterable = (value: unknown): value is Iterable<unknown> => {
  try {
    return typeof value === "object" && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === "function"
  } catch {
    return false // a Proxy whose get trap throws: read as an object, which says what it cannot read
  }
}

const readOnce = (input: Iterable<unknown>, field: "queryParams" | "headers"): Array<unknown> => {
  try {
    return Array.from(input)
  } catch {
    // What it threw is not quoted: it may hold a value.
    throw invalidRequest(field, `${field} could not be read (iterating it threw); pass an object, a Map or a list of pairs.`)
  }
}
