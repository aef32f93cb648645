/**
 * The input of `SigV4.verify`, checked: a request as the server received it
 * (Node's `req.method`, `req.url` and raw or parsed headers) and the verify
 * options. `verify` is public and pure, so a wrong shape is a `SigningError`
 * that says what was expected, before anything is compared.
 *
 * @internal
 */
import type { ReceivedRequest, VerifyOptions as PublicVerifyOptions } from "../../SigV4.js"
import { SigningError } from "../../SigningError.js"
import { isHeaders, isMap, isUint8Array } from "../brand.js"
import { validateScopePart } from "../endpoint.js"
import { describe } from "../request/describe.js"
import type { CredentialLookup, VerifyOptions } from "./verify.js"
import { invalidWireRequest } from "./wireRequest.js"

const receivedHeadersShape =
  "a list of [name, value] string pairs (Node's rawHeaders, paired), an object or a Map of string or string-array values, or a fetch Headers"

/**
 * A fetch `Headers` (a Worker's, Deno's or Bun's `request.headers`) or a
 * `Map`, as pairs; each of its values, or each item of a list, one line, and
 * an undefined value none (as in the object form). Read as an object, either
 * has no own keys: no headers at all.
 */
const headerPairsOf = (headers: Iterable<readonly [unknown, unknown]>): Array<readonly [string, string]> => {
  const pairs: Array<readonly [string, string]> = []
  let entries: Array<readonly [unknown, unknown]>
  try {
    entries = [...headers]
  } catch {
    throw invalidWireRequest("headers", `The received request's headers could not be read (iterating them threw); pass ${receivedHeadersShape}.`)
  }
  for (const [name, value] of entries) {
    if (typeof name !== "string") throw invalidWireRequest("headers", `The received request's header names must be strings; one is ${describe(name)}.`)
    if (value === undefined) continue
    const values = Array.isArray(value) ? value as ReadonlyArray<unknown> : [value]
    for (const item of values) {
      if (typeof item !== "string") {
        throw invalidWireRequest("headers", `The received request's headers must be ${receivedHeadersShape}; the value of ${JSON.stringify(name)} is ${describe(item)}.`)
      }
      pairs.push([name, item])
    }
  }
  return pairs
}

/** Checks the shape of a received request, as `checkWireRequest` (wireRequest.ts) does for one to sign. */
export const checkReceivedRequest = (request: unknown): ReceivedRequest => {
  if (typeof request !== "object" || request === null) {
    throw invalidWireRequest(undefined, `A received request is { method, target, headers, body? }; got ${describe(request)}.`)
  }
  const { method, target, body } = request as Record<string, unknown>
  const given = (request as Record<string, unknown>)["headers"]
  const headers = isHeaders(given) || isMap(given) ? headerPairsOf(given as Iterable<readonly [unknown, unknown]>) : given
  if (typeof method !== "string" || method === "") throw invalidWireRequest("method", `The received request's method must be a string such as "GET"; got ${describe(method)}.`)
  if (typeof target !== "string") {
    throw invalidWireRequest("path", `The received request's target must be the path and query as received (Node's req.url); got ${describe(target)}.`)
  }
  if (Array.isArray(headers)) {
    if (!headers.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === "string"))) {
      throw invalidWireRequest("headers", `The received request's headers must be ${receivedHeadersShape}.`)
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const value of Object.values(headers)) {
      if (value !== undefined && typeof value !== "string" && !(Array.isArray(value) && value.every((item) => typeof item === "string"))) {
        throw invalidWireRequest("headers", `The received request's headers must be ${receivedHeadersShape}; one value is ${describe(value)}.`)
      }
    }
  } else {
    throw invalidWireRequest("headers", `The received request's headers must be ${receivedHeadersShape}; got ${describe(headers)}.`)
  }
  if (body !== undefined && typeof body !== "string" && !isUint8Array(body)) {
    throw invalidWireRequest("body", `The received request's body must be a string or a Uint8Array (a Buffer); got ${describe(body)}.`)
  }
  return { method, target, headers: headers as ReceivedRequest["headers"], body }
}

/**
 * Checks verify's options, and puts its credentials in the core's form with
 * `readLookup` (SigV4 takes `Redacted` secrets, and reading those loads
 * `effect/Redacted`, which the core never does).
 */
export const checkVerifyOptions = (
  options: PublicVerifyOptions,
  readLookup: (credentials: PublicVerifyOptions["credentials"]) => CredentialLookup
): VerifyOptions => {
  if (typeof options !== "object" || options === null) {
    throw new SigningError({
      reason: "InvalidConfig",
      message: `Verify options must be { credentials, region, now, ... }; got ${describe(options)}.`
    })
  }
  const { credentials, region, service, now, maxClockSkewMillis } = options
  if (typeof region !== "string" || region === "") {
    throw new SigningError({ reason: "InvalidConfig", message: `region must be the region requests are signed for, e.g. "us-east-1"; got ${describe(region)}.` })
  }
  if (service !== undefined && (typeof service !== "string" || service === "")) {
    throw new SigningError({ reason: "InvalidConfig", message: `service must be a string such as "execute-api"; got ${describe(service)}.` })
  }
  // Both are quoted in a refusal's message (a wrong region or service), and so must be scope parts.
  validateScopePart("region", region)
  if (service !== undefined) validateScopePart("service", service)
  return { credentials: readLookup(credentials), region, service, now, maxClockSkewMillis }
}
