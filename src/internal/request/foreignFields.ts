/**
 * A request's fields under the names other clients give them (axios's
 * `data` and `params`, got's `json` and `searchParams`, request's `qs`):
 * given in place of this request's own field, they would not be read, and the
 * request would be signed, and sent, without its body or query, without a
 * word. Such a field is refused, naming the one to use. Given beside the
 * request's own field, it is left alone (a config spread into the request).
 *
 * On every signature's path: each name is read as a plain property (a
 * lookup by a computed key, in a loop, cost a tenth of a signature).
 *
 * @internal
 */
import { invalidRequest } from "../signingErrors.js"

/** The names other clients give a request's fields. */
interface ForeignFields {
  readonly data?: unknown
  readonly json?: unknown
  readonly payload?: unknown
  readonly params?: unknown
  readonly query?: unknown
  readonly qs?: unknown
  readonly searchParams?: unknown
  readonly queryStringParameters?: unknown
  readonly header?: unknown
}

const given = (value: unknown): boolean => value !== undefined && value !== null

const refusal = (foreign: string, own: "body" | "queryParams" | "headers") =>
  invalidRequest(
    own,
    `${JSON.stringify(foreign)} is not a field of a request to sign, so it would not be read, and the request signed and sent without it: ` +
      `pass it as ${own} ({ method, path, ${own}: ... }).`
  )

/** Throws when `input` gives its body, query or headers only under another client's name; the others as read. */
export const refuseForeignFields = (input: ForeignFields, body: unknown, queryParams: unknown, headers: unknown): void => {
  if (!given(body)) {
    if (given(input.data)) throw refusal("data", "body")
    if (given(input.json)) throw refusal("json", "body")
    if (given(input.payload)) throw refusal("payload", "body")
  }
  if (!given(queryParams)) {
    if (given(input.params)) throw refusal("params", "queryParams")
    if (given(input.query)) throw refusal("query", "queryParams")
    if (given(input.qs)) throw refusal("qs", "queryParams")
    if (given(input.searchParams)) throw refusal("searchParams", "queryParams")
    if (given(input.queryStringParameters)) throw refusal("queryStringParameters", "queryParams")
  }
  if (!given(headers) && given(input.header)) throw refusal("header", "headers")
}
