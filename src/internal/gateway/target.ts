/**
 * The request target as the gateway reads it: origin-form only (an
 * absolute-form target is refused), the path the signature covers, and the
 * query as handlers, the echo and the backend get it.
 *
 * The path handed on is the one verified: for every service but S3, SigV4
 * signs the path with dot segments resolved and repeated slashes collapsed,
 * so `/prod/admin/../public` and `/prod//public` verify as `/prod/public`, and
 * that is the path the handler or backend receives (API Gateway collapses
 * repeated slashes too). A backend never sees a path that differs from the
 * one the signature authorized.
 *
 * @internal
 */
import { REDACTED } from "../scrub.js"
import { PRESIGN_PARAMETERS } from "../sigv4/signatureHeaders.js"
import { decodeParam, plusAsSpace } from "../sigv4/uriEncoding.js"
import { isSecretParameterName } from "../sigv4/verifyRedaction.js"

export interface RequestTarget {
  /** The path as received, percent-encoded. */
  readonly rawPath: string
  /** What follows `?`, as received; "" for none. */
  readonly rawQuery: string
}

/**
 * Splits an origin-form target (`/path?query`); anything else (absolute-form,
 * `*`) is `undefined`, and so is a target with a `#`: no client sends a
 * fragment, and a backend's URL parser would drop what follows it, signed
 * query parameters included.
 */
export const parseTarget = (target: string): RequestTarget | undefined => {
  if (!target.startsWith("/") || target.includes("#")) return undefined
  const mark = target.indexOf("?")
  return mark === -1 ? { rawPath: target, rawQuery: "" } : { rawPath: target.slice(0, mark), rawQuery: target.slice(mark + 1) }
}

const pieces = (rawQuery: string): Array<{ readonly raw: string; readonly key: string; readonly value: string }> =>
  rawQuery === "" ? [] : rawQuery.split("&").filter((piece) => piece !== "").map((raw) => {
    const equals = raw.indexOf("=")
    return {
      raw,
      key: decodeParam(equals === -1 ? raw : raw.slice(0, equals)),
      value: decodeParam(equals === -1 ? "" : raw.slice(equals + 1))
    }
  })

/**
 * Query parameters, decoded, values in arrival order. The record has no
 * prototype: a parameter named `__proto__` is a parameter like any other.
 */
export const parseQuery = (rawQuery: string): Record<string, Array<string>> => {
  const query: Record<string, Array<string>> = Object.create(null)
  for (const { key, value } of pieces(rawQuery)) (query[key] ??= []).push(value)
  return query
}

/**
 * The query a backend gets: as received, without a presigned URL's
 * authentication parameters (they would let the backend, and its logs,
 * replay the URL until it expires), and never with a session token or a
 * signature (any case of their names), whichever way the request was signed.
 * A `+` goes as `%20`: the signature read it as a space, and a backend that
 * reads `+` as a plus must not get a value other than the one verified.
 */
export const forwardedQuery = (rawQuery: string, presigned: boolean): string =>
  pieces(rawQuery)
    .filter(({ key }) => !isSecretParameterName(key) && !(presigned && PRESIGN_PARAMETERS.has(key)))
    .map(({ raw }) => plusAsSpace(raw))
    .join("&")

/** The query as the echo shows it: a session token and a signature (any case of their names) as `<redacted>`. */
export const shownQuery = (
  query: Readonly<Record<string, ReadonlyArray<string>>>
): Record<string, ReadonlyArray<string>> => {
  const shown: Record<string, ReadonlyArray<string>> = Object.create(null)
  for (const key of Object.keys(query)) {
    shown[key] = isSecretParameterName(key) ? query[key]!.map(() => REDACTED) : query[key]!
  }
  return shown
}
