/**
 * From what the caller describes to what goes on the wire. Everything the
 * signature covers is decided here, once: the URL (path and query exactly as
 * clients will send them), the headers, the body bytes and their hash.
 *
 * @internal
 */
import { HttpMethods, type HttpMethod, isHttpMethod } from "../HttpMethods.js"
import type { RequestToSign, SignedBody } from "../SignedRequest.js"
import { invalidRequest, type SigningError } from "../SigningError.js"
import type { Endpoint } from "./endpoint.js"
import { canonicalHeaderValue, isSignableHeader } from "./sigv4/canonicalHeaders.js"
import { canonicalPath } from "./sigv4/canonicalPath.js"
import { type EncodedQueryPair, formatCanonicalQuery, parseQueryString } from "./sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex, UNSIGNED_PAYLOAD } from "./sigv4/payloadHash.js"
import { isWellFormedText, normalizeEncoding, UNRESERVED_ONLY } from "./sigv4/uriEncoding.js"

/** A request ready to sign; reusable across attempts, since nothing in it depends on time or credentials. */
export interface PreparedRequest {
  readonly method: HttpMethod
  readonly url: string
  /** The wire path, stage included; only unreserved characters, `%XX` and `/`. */
  readonly path: string
  /** The wire query, which is also the canonical query. */
  readonly query: string
  /** The canonical URI: the wire path as the signature sees it. */
  readonly canonicalPath: string
  /** The caller's headers as they will be sent (names as given), plus a default content type. */
  readonly headers: Readonly<Record<string, string>>
  /**
   * `[lower-case name, canonical value]` of every signable header sent, `host`
   * included, sorted by name: all of the canonical headers but the ones signing adds.
   */
  readonly canonicalHeaders: ReadonlyArray<readonly [string, string]>
  readonly body: SignedBody | undefined
  readonly payloadHash: string
  /** True when the caller sent x-amz-content-sha256 themselves. */
  readonly hasContentSha256: boolean
}

// ---------------------------------------------------------------------------
// method

const prepareMethod = (method: unknown): HttpMethod => {
  const upper = typeof method === "string" ? method.toUpperCase() : method
  if (isHttpMethod(upper)) return upper
  throw invalidRequest(
    "method",
    `Unknown HTTP method ${describe(method)}: use one of ${Object.keys(HttpMethods).join(", ")} (e.g. HttpMethods.GET).`
  )
}

// ---------------------------------------------------------------------------
// path

/**
 * Joins the stage path and the request path into the wire path. Every segment
 * is brought to one spelling (escapes decoded, everything but unreserved
 * characters encoded), so the server reads the same path however it decodes.
 * Dot segments are resolved here, as HTTP clients would resolve them anyway,
 * so the URL returned is the URL sent.
 */
// A path of unreserved characters and slashes, without dot segments, is already in its wire form.
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/

const preparePath = (endpoint: Endpoint, path: string, original: string): string => {
  if (path === "" || path === "/") return endpoint.basePath + "/"
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return endpoint.basePath + (path.startsWith("/") ? path : "/" + path)
  const segments = (path.startsWith("/") ? path.slice(1) : path).split("/")
  const resolved: Array<string> = []
  for (let i = 0; i < segments.length; i++) {
    const segment = normalizeEncoding(segments[i]!)
    const last = i === segments.length - 1
    if (segment === ".") {
      if (last) resolved.push("")
    } else if (segment === "..") {
      if (resolved.length === 0) {
        throw invalidRequest(
          "path",
          `The path ${JSON.stringify(original)} climbs above the endpoint's stage path (${endpoint.basePath || "/"}) with "..". ` +
            "HTTP clients resolve \"..\" before sending, so the request would leave the stage: remove that segment " +
            "(a \"..\" inside a value must be sent encoded, e.g. encodeURIComponent(\"../x\"))."
        )
      }
      resolved.pop()
      if (last) resolved.push("")
    } else {
      resolved.push(segment)
    }
  }
  return endpoint.basePath + "/" + resolved.join("/")
}

// ---------------------------------------------------------------------------
// collections: an object, a Map, or a list of pairs

const entriesOf = (
  input: unknown,
  field: "queryParams" | "headers",
  keyName: "key" | "name",
  notACollection: string
): Iterable<readonly [unknown, unknown]> => {
  if (input instanceof Map) return input as Iterable<[unknown, unknown]>
  if (Array.isArray(input)) {
    return input.map((entry, index) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRequest(field, `${field}[${index}] is not a [${keyName}, value] pair.`)
      return entry as unknown as readonly [unknown, unknown]
    })
  }
  if (typeof input === "object" && input !== null) return Object.entries(input)
  throw invalidRequest(field, notACollection)
}

// ---------------------------------------------------------------------------
// query

const queryEntries = (params: unknown): Iterable<readonly [unknown, unknown]> =>
  params instanceof URLSearchParams
    ? params
    : entriesOf(
      params,
      "queryParams",
      "key",
      `queryParams must be an object such as { page: 2 }, a URLSearchParams, a Map or a list of pairs; got ${describe(params)}.`
    )

const queryValueText = (key: string, value: unknown): string => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      if (Number.isFinite(value)) return String(value)
      break
    case "boolean":
    case "bigint":
      return String(value)
  }
  throw invalidRequest(
    "queryParams",
    `Query parameter ${JSON.stringify(key)} is ${describe(value)}; pass a string, number or boolean ` +
      "(JSON.stringify an object, use .toISOString() for a Date), or an array of them to repeat the key."
  )
}

/**
 * RFC 3986 encoding of a query key or value. A lone surrogate (no UTF-8
 * encoding) makes encodeURIComponent throw: that becomes a SigningError.
 */
const encodeQueryComponent = (what: string, text: string): string => {
  if (UNRESERVED_ONLY.test(text)) return text
  try {
    return encodeURIComponent(text).replace(/[!'()*]/g, (char) => "%" + char.charCodeAt(0).toString(16).toUpperCase())
  } catch {
    throw invalidRequest("queryParams", `${what} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; fix the string.`)
  }
}

const checkText = (field: "path" | "queryParams" | "body", what: string, text: string): void => {
  if (!isWellFormedText(text)) {
    throw invalidRequest(field, `${what} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; fix the string.`)
  }
}

const appendQueryParam = (key: unknown, value: unknown, pairs: Array<EncodedQueryPair>): void => {
  if (value === undefined || value === null) return
  if (typeof key !== "string") {
    throw invalidRequest("queryParams", `Query parameter names must be strings; got ${describe(key)}.`)
  }
  const encodedKey = encodeQueryComponent(`Query parameter name ${JSON.stringify(key)}`, key)
  if (!Array.isArray(value)) {
    pairs.push([encodedKey, encodeQueryComponent(`Query parameter ${JSON.stringify(key)}`, queryValueText(key, value))])
    return
  }
  for (const item of value) {
    if (item === undefined || item === null) continue
    pairs.push([encodedKey, encodeQueryComponent(`Query parameter ${JSON.stringify(key)}`, queryValueText(key, item))])
  }
}

/** `undefined` and `null` values are skipped on purpose: optional parameters can be passed inline. */
const appendQueryParams = (params: unknown, pairs: Array<EncodedQueryPair>): void => {
  if (params === undefined || params === null) return
  if (Object.getPrototypeOf(params) === Object.prototype) {
    const record = params as Record<string, unknown>
    for (const key in record) if (Object.hasOwn(record, key)) appendQueryParam(key, record[key], pairs)
    return
  }
  for (const [key, value] of queryEntries(params)) appendQueryParam(key, value, pairs)
}

// ---------------------------------------------------------------------------
// headers

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const LINE_BREAK_OR_NUL = /[\r\n\0]/
const NOT_FIELD_CONTENT = /[^\t\x20-\x7e\x80-\xff]/

/** Headers the signer writes: a caller's value would be overwritten or contradict the signature. */
const WRITTEN_BY_SIGNER: ReadonlySet<string> = new Set(["authorization", "x-amz-date", "x-amz-security-token"])

const headerEntries = (headers: unknown): Iterable<readonly [unknown, unknown]> =>
  typeof Headers !== "undefined" && headers instanceof Headers
    ? headers
    : entriesOf(headers, "headers", "name", `headers must be an object such as { accept: "application/json" }; got ${describe(headers)}.`)

const headerValueText = (name: string, value: unknown): string => {
  const text = typeof value === "string" ? value
    : (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" || typeof value === "bigint"
    ? String(value)
    : undefined
  if (text === undefined) {
    throw invalidRequest("headers", `Header ${JSON.stringify(name)} is ${describe(value)}; header values must be strings.`)
  }
  if (LINE_BREAK_OR_NUL.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${JSON.stringify(name)} contains a line break or NUL character, which could inject headers into the request; ` +
        "remove it (encode multi-line data, e.g. with encodeURIComponent or base64)."
    )
  }
  if (NOT_FIELD_CONTENT.test(text)) {
    throw invalidRequest(
      "headers",
      `Header ${JSON.stringify(name)} contains a control character or a character beyond U+00FF, which HTTP cannot carry; ` +
        "percent-encode or base64-encode the value."
    )
  }
  return text
}

interface CallerHeader {
  readonly name: string
  readonly lowerCaseName: string
  readonly value: string
}

/** `undefined` and `null` values skip the header, as for query parameters. */
const prepareHeaders = (headers: unknown): Array<CallerHeader> => {
  const result: Array<CallerHeader> = []
  if (headers === undefined || headers === null) return result
  const seen = new Map<string, string>()
  for (const [name, value] of headerEntries(headers)) {
    if (value === undefined || value === null) continue
    if (typeof name !== "string" || !TOKEN.test(name)) {
      throw invalidRequest(
        "headers",
        `${describe(name)} is not a valid header name: use letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons.`
      )
    }
    const lowerCaseName = name.toLowerCase()
    if (WRITTEN_BY_SIGNER.has(lowerCaseName)) {
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(name)} is written by the signer; remove it` +
          (lowerCaseName === "x-amz-security-token" ? " and pass the token as sessionToken." : ".")
      )
    }
    const earlier = seen.get(lowerCaseName)
    if (earlier !== undefined) {
      throw invalidRequest(
        "headers",
        `Header ${JSON.stringify(lowerCaseName)} is given twice (as ${JSON.stringify(earlier)} and ${JSON.stringify(name)}); ` +
          "header names are case-insensitive: give it once, joining the values with \", \" if you mean both."
      )
    }
    seen.set(lowerCaseName, name)
    result.push({ name, lowerCaseName, value: headerValueText(name, value) })
  }
  return result
}

// ---------------------------------------------------------------------------
// body

interface PreparedBody {
  readonly body: SignedBody | undefined
  /** The bytes sent (a string is sent as UTF-8). */
  readonly payload: string | Uint8Array | undefined
  readonly defaultContentType?: string
}

const NO_BODY: PreparedBody = { body: undefined, payload: undefined }

const bytesOf = (view: ArrayBufferView): Buffer =>
  // A Buffer over the same memory: every client sends exactly these bytes (axios
  // would send the whole underlying ArrayBuffer of a plain Uint8Array slice).
  Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength)

const isStreamLike = (body: object): boolean =>
  (typeof Blob !== "undefined" && body instanceof Blob) ||
  (typeof FormData !== "undefined" && body instanceof FormData) ||
  (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) ||
  typeof (body as { pipe?: unknown }).pipe === "function" ||
  typeof (body as { then?: unknown }).then === "function" ||
  Symbol.asyncIterator in body

/** JSON.stringify drops or mangles these silently; refuse them instead. */
function refuseLossyJson(this: unknown, key: string, value: unknown): unknown {
  const where = key === "" ? "The body" : `The body's property ${JSON.stringify(key)}`
  switch (typeof value) {
    case "function":
    case "symbol":
    case "bigint":
      throw invalidRequest(
        "body",
        `${where} is a ${typeof value}, which JSON cannot represent; ` +
          (typeof value === "bigint" ? "convert it to a string or number first." : "remove it or pass a string body.")
      )
    case "number":
      if (!Number.isFinite(value)) {
        throw invalidRequest("body", `${where} is ${String(value)}, which JSON would turn into null; send a number or a string.`)
      }
      break
    case "object":
      if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
        throw invalidRequest(
          "body",
          `${where} is a ${value.constructor.name}, which JSON.stringify turns into {}; convert it first (Object.fromEntries(map), [...set]).`
        )
      }
  }
  return value
}

const serializeJson = (body: unknown): string => {
  let json: string | undefined
  try {
    json = JSON.stringify(body, refuseLossyJson)
  } catch (error) {
    if (isSigningError(error)) throw error
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error)
    throw invalidRequest(
      "body",
      `The body cannot be serialized to JSON (${detail}); pass a plain object without cycles, or a string.`,
      error
    )
  }
  if (json === undefined) {
    throw invalidRequest("body", "The body serializes to nothing (JSON.stringify returned undefined); pass an object, array or string.")
  }
  return json
}

const prepareBody = (body: unknown, method: HttpMethod): PreparedBody => {
  if (body === undefined || body === null) return NO_BODY
  let prepared: PreparedBody
  if (typeof body === "string") {
    checkText("body", "The body string", body)
    prepared = { body, payload: body }
  } else if (body instanceof ArrayBuffer) {
    prepared = { body, payload: new Uint8Array(body) }
  } else if (ArrayBuffer.isView(body)) {
    if (!(body.buffer instanceof ArrayBuffer)) {
      throw invalidRequest("body", "The body is a view of a SharedArrayBuffer, which HTTP clients do not send; copy it into a Uint8Array.")
    }
    const bytes = bytesOf(body)
    prepared = { body: bytes, payload: bytes }
  } else if (body instanceof URLSearchParams) {
    prepared = { body, payload: body.toString(), defaultContentType: "application/x-www-form-urlencoded;charset=UTF-8" }
  } else if (typeof body === "object" && isStreamLike(body)) {
    throw invalidRequest(
      "body",
      `The body is a ${body.constructor?.name ?? "stream"}, which cannot be hashed before it is sent; ` +
        "read it first (e.g. new Uint8Array(await blob.arrayBuffer())) and pass the bytes."
    )
  } else {
    const json = serializeJson(body)
    prepared = { body: json, payload: json, defaultContentType: "application/json" }
  }
  // fetch refuses any body on GET and HEAD, even an empty one; an empty body is no body.
  if ((method === "GET" || method === "HEAD") && prepared.payload!.length === 0) return NO_BODY
  return prepared
}

// ---------------------------------------------------------------------------
// the whole request

/** What preparing needs of a signer: where it signs for, and how it canonicalizes paths. */
export interface PrepareSettings {
  readonly endpoint: Endpoint
  readonly normalizePath: boolean
  readonly doubleEncodePath: boolean
}

const byName = (a: readonly [string, string], b: readonly [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

export const prepareRequest = (settings: PrepareSettings, input: RequestToSign): PreparedRequest => {
  const { endpoint } = settings
  if (typeof input !== "object" || input === null) {
    throw invalidRequest("path", `signRequest takes { method, path, queryParams?, headers?, body? }; got ${describe(input)}.`)
  }
  const method = prepareMethod(input.method)

  if (typeof input.path !== "string") {
    throw invalidRequest("path", `path must be a string such as "/pets/42"; got ${describe(input.path)}.`)
  }
  if (!PLAIN_PATH.test(input.path)) checkText("path", `The path ${JSON.stringify(input.path)}`, input.path)
  const mark = input.path.indexOf("?")
  const path = preparePath(endpoint, mark === -1 ? input.path : input.path.slice(0, mark), input.path)
  const pairs = mark === -1 ? [] : parseQueryString(input.path.slice(mark + 1))
  appendQueryParams(input.queryParams, pairs)
  const query = formatCanonicalQuery(pairs)

  const callerHeaders = prepareHeaders(input.headers)
  const { body, payload, defaultContentType } = prepareBody(input.body, method)
  const payloadHash = payload === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(payload)
  const payloadLength = payload === undefined ? 0 : typeof payload === "string" ? Buffer.byteLength(payload) : payload.length

  const headers: Record<string, string> = {}
  const signable: Array<readonly [string, string]> = []
  let host = endpoint.host
  let hasContentType = false
  let callerPayloadHash: string | undefined
  for (const { lowerCaseName, name, value } of callerHeaders) {
    switch (lowerCaseName) {
      case "host":
        // Only a host other than the URL's (a VPC endpoint, a proxy) needs sending; clients send the URL's own.
        if (value.toLowerCase() !== endpoint.host.toLowerCase()) {
          host = value
          headers[name] = value
        }
        continue
      case "content-type":
        hasContentType = true
        break
      case "content-length":
        if (value.trim() !== String(payloadLength)) {
          throw invalidRequest(
            "headers",
            `content-length is ${JSON.stringify(value)} but the body is ${payloadLength} bytes; remove the header (clients compute it).`
          )
        }
        break
      case "x-amz-content-sha256":
        if (value !== payloadHash && value !== UNSIGNED_PAYLOAD) {
          throw invalidRequest(
            "headers",
            `x-amz-content-sha256 does not match the SHA-256 of the body (${payloadHash}); remove it, or set it to that value.`
          )
        }
        callerPayloadHash = value
        break
    }
    headers[name] = value
    signable.push([lowerCaseName, value])
  }
  if (defaultContentType !== undefined && !hasContentType) {
    headers["content-type"] = defaultContentType
    signable.push(["content-type", defaultContentType])
  }
  signable.push(["host", host])
  const canonicalHeaders: Array<readonly [string, string]> = []
  for (const [name, value] of signable) {
    if (isSignableHeader(name)) canonicalHeaders.push([name, canonicalHeaderValue(value)])
  }
  canonicalHeaders.sort(byName)

  return {
    method,
    url: endpoint.origin + path + (query === "" ? "" : "?" + query),
    path,
    query,
    canonicalPath: canonicalPath(path, { normalize: settings.normalizePath, doubleEncode: settings.doubleEncodePath }),
    headers,
    canonicalHeaders,
    body,
    payloadHash: callerPayloadHash ?? payloadHash,
    hasContentSha256: callerPayloadHash !== undefined
  }
}

// ---------------------------------------------------------------------------

const isSigningError = (error: unknown): error is SigningError =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "SigningError"

/** A short, secret-free description of a bad input value for error messages. */
export const describe = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  switch (typeof value) {
    case "undefined":
      return "undefined"
    case "string":
      return value.length > 60 ? JSON.stringify(value.slice(0, 60) + "…") : JSON.stringify(value)
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`
    case "object": {
      const name = (value as object).constructor?.name
      return name && name !== "Object" ? `a ${name}` : "an object"
    }
    default:
      return `a ${typeof value}`
  }
}
