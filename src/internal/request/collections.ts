/**
 * The collection shapes a caller may pass query parameters and headers in:
 * a plain object, a `Map`, or a list of `[name, value]` pairs.
 *
 * @internal
 */
import { isMap } from "../brand.js"
import { invalidRequest } from "../../SigningError.js"

/** The entries of an object, a Map or a list of pairs; anything else is a SigningError. */
export const entriesOf = (
  input: unknown,
  field: "queryParams" | "headers",
  keyName: "key" | "name",
  notACollection: string
): Iterable<readonly [unknown, unknown]> => {
  if (isMap(input)) return input as Iterable<[unknown, unknown]>
  if (Array.isArray(input)) {
    return input.map((entry, index) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRequest(field, `${field}[${index}] is not a [${keyName}, value] pair.`)
      return entry as unknown as readonly [unknown, unknown]
    })
  }
  if (typeof input === "object" && input !== null) return Object.entries(input)
  throw invalidRequest(field, notACollection)
}
