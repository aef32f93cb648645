/**
 * The gateway's HTTP plumbing on node:http: reading a body up to a limit,
 * writing JSON and handler answers, and the header pairs of a request.
 *
 * @internal
 */
import type * as http from "node:http"
import type { HandlerResponse } from "../../LocalGateway.js"
import { isArrayBuffer, isBlob, isFormData, isMap, isPlainObject, isReadableStream, isSet, isThenable, isURLSearchParams, tagOf } from "../brand.js"
import { serializeJson } from "../request/body.js"
import { thrownMessage } from "../guard.js"
import { describe } from "../request/describe.js"
import { withoutCors } from "./cors.js"

const HOP_BY_HOP: ReadonlySet<string> = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"])

/** The lower-case names a message's own Connection header declares hop-by-hop. */
export const connectionOptions = (connection: unknown): ReadonlySet<string> =>
  new Set(
    (typeof connection === "string" ? [connection] : Array.isArray(connection) ? connection.filter((value) => typeof value === "string") : [])
      .flatMap((value: string) => value.split(","))
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== "")
  )

/** Whether a header (by lower-case name) is about one connection, not the message: never passed on. */
export const isHopByHop = (name: string, declared: ReadonlySet<string>): boolean =>
  HOP_BY_HOP.has(name) || name.startsWith("proxy-") || declared.has(name)

/** The request's header lines as `[name, value]` pairs, as received. */
export const headerPairs = (rawHeaders: ReadonlyArray<string>): Array<readonly [string, string]> => {
  const result: Array<readonly [string, string]> = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) result.push([rawHeaders[i]!, rawHeaders[i + 1]!])
  return result
}

/**
 * Header values by lower-case name, every line of a repeated header kept:
 * joined by ", " (cookies by "; ", as Node joins them). Read from
 * `headersDistinct`, because `req.headers` keeps only the first line of some
 * names (From, User-Agent, ...) while the signature covered them all. No
 * prototype, so any name is a plain key.
 */
export const headerRecord = (headers: NodeJS.Dict<Array<string>>): Record<string, string> => {
  const record: Record<string, string> = Object.create(null)
  for (const [name, values] of Object.entries(headers)) {
    if (values !== undefined) record[name] = values.join(name === "cookie" ? "; " : ", ")
  }
  return record
}

export type BodyResult = Buffer | "too-large" | "aborted"

/** Reads the whole body, or stops at `limit` bytes ("too-large"), or notices the client leaving ("aborted"). */
export const readBody = (req: http.IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    let size = 0
    let settled = false
    const settle = (result: BodyResult) => {
      if (settled) return
      settled = true
      resolve(result)
    }
    req.on("data", (chunk: Buffer) => {
      if (settled) return
      size += chunk.length
      if (size > limit) settle("too-large")
      else chunks.push(chunk)
    })
    req.on("end", () => settle(Buffer.concat(chunks, size)))
    req.on("error", () => settle("aborted"))
    req.on("close", () => {
      if (!req.complete) settle("aborted")
    })
  })

export const sendJson = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {}
): void => {
  // As bytes: given a string, Node writes the header block in the string's encoding, UTF-8, where headers go as
  // Latin-1 (one byte per character up to U+00FF) otherwise.
  const payload = Buffer.from(JSON.stringify(body))
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(payload.length),
    ...headers
  })
  res.end(payload)
}

const NOT_JSON = "A handler's body cannot be sent as JSON"

/**
 * A handler's body as the bytes to send, and whether they are JSON: a string
 * as UTF-8, bytes (any view, an ArrayBuffer) as they are, other values as
 * JSON. What JSON would lose (a Promise not awaited, a Blob, a stream, a Map,
 * a Response, a function) is refused, naming it: the handler's failure, a 500.
 */
const handlerPayload = (body: HandlerResponse["body"]): { readonly bytes: Buffer; readonly isJson: boolean } => {
  if (body === undefined) return { bytes: Buffer.alloc(0), isJson: false }
  if (typeof body === "string") return { bytes: Buffer.from(body), isJson: false }
  if (ArrayBuffer.isView(body)) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength), isJson: false }
  if (isArrayBuffer(body) || tagOf(body) === "[object SharedArrayBuffer]") return { bytes: Buffer.from(new Uint8Array(body as ArrayBufferLike)), isJson: false }
  if (isThenable(body)) {
    throw new TypeError(`${NOT_JSON}: it is a Promise, which JSON would send as {}; await it (the handler may be async).`)
  }
  // What JSON would lose of the body itself: its content (a Blob, a stream, a Map, even with a property of its own).
  // Inside it, and the rest (a Response, an Error, an Effect value, a Promise in a property), the signer's own rules
  // for a JSON request body say.
  if (isBlob(body) || isReadableStream(body) || isMap(body) || isSet(body) || isURLSearchParams(body) || isFormData(body)) {
    throw new TypeError(
      `${NOT_JSON}: it is ${describe(body)}, which JSON would send as {}; ` +
        "read it into bytes first (await blob.arrayBuffer(), await response.arrayBuffer()), or pass plain data."
    )
  }
  const json = jsonOf(body)
  // An object of a class JSON writes as {} (no own fields to write), which a plain {} means no more than.
  if (json === "{}" && !isPlainObject(body)) {
    throw new TypeError(`${NOT_JSON}: it is ${describe(body)}, which JSON would send as {}; pass plain data, a string or bytes.`)
  }
  return { bytes: Buffer.from(json), isJson: true }
}

/** `body` as JSON; what JSON would lose or cannot write (a function, a bigint, a cycle, a Promise in a property) is the handler's failure, saying so. */
const jsonOf = (body: unknown): string => {
  try {
    return serializeJson(body)
  } catch (error) {
    throw new TypeError(`${NOT_JSON}: ${thrownMessage(error)} (a handler's body is a string, bytes, or plain data).`)
  }
}

/**
 * A handler's headers: a plain object (a Headers, a Map or a list of pairs would be spread as nothing or as
 * indexes), without what is the gateway's to write (as in proxy mode): the headers of one connection (a
 * relayed answer's `transfer-encoding: chunked`, which beside the gateway's Content-Length no client can read),
 * and Content-Length, which the gateway measures.
 */
const handlerHeaders = (headers: unknown): Readonly<Record<string, unknown>> => {
  if (headers === undefined) return {}
  if (!isPlainObject(headers)) {
    throw new TypeError(
      `A handler's headers are a plain object ({ "x-name": "value" }); got ${describe(headers)}. ` +
        "Convert it first (Object.fromEntries(headers))."
    )
  }
  const declared = connectionOptions(Object.entries(headers).find(([name]) => name.toLowerCase() === "connection")?.[1])
  const kept: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lowerCaseName = name.toLowerCase()
    if (lowerCaseName !== "content-length" && !isHopByHop(lowerCaseName, declared)) kept[name] = value
  }
  return kept
}

/** A handler's status: a final answer's, as API Gateway sends (a 1xx would leave the client waiting for the answer after it). */
const handlerStatus = (status: unknown): number => {
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`A handler's status is a whole number from 200 to 599, as API Gateway answers; got ${describe(status)}.`)
  }
  return status
}

/** Writes a handler's answer; an object or array body goes as JSON. */
export const sendHandlerResponse = (res: http.ServerResponse, answer: HandlerResponse, cors: boolean): void => {
  const status = handlerStatus(answer.status)
  const headers = handlerHeaders(answer.headers)
  const { bytes, isJson } = handlerPayload(answer.body)
  // A 204 or 304 has no body (HTTP): Node writes none, and a Content-Length naming one would be a lie.
  const bodiless = status === 204 || status === 304
  res.writeHead(status, {
    ...(isJson && !bodiless ? { "content-type": "application/json" } : {}),
    ...(cors ? withoutCors(headers) : headers),
    ...(bodiless ? {} : { "content-length": String(bytes.length) })
  })
  // As bytes, as sendJson's.
  res.end(bodiless ? undefined : bytes)
}
