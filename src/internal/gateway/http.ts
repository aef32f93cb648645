/**
 * The gateway's HTTP plumbing on node:http: reading a body up to a limit,
 * writing JSON and handler answers, and the header pairs of a request.
 *
 * @internal
 */
import type * as http from "node:http"
import type { HandlerResponse } from "../../LocalGateway.js"
import { withoutCors } from "./cors.js"

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
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...headers
  })
  res.end(payload)
}

/** Writes a handler's answer; an object or array body goes as JSON. */
export const sendHandlerResponse = (res: http.ServerResponse, answer: HandlerResponse, cors: boolean): void => {
  const payload = answer.body === undefined ? ""
    : typeof answer.body === "string" || answer.body instanceof Uint8Array ? answer.body
    : JSON.stringify(answer.body)
  const isJson = answer.body !== undefined && typeof answer.body === "object" && !(answer.body instanceof Uint8Array)
  res.writeHead(answer.status, {
    ...(isJson ? { "content-type": "application/json" } : {}),
    ...(answer.headers === undefined ? {} : cors ? withoutCors(answer.headers) : answer.headers),
    "content-length": String(typeof payload === "string" ? Buffer.byteLength(payload) : payload.length)
  })
  res.end(payload)
}
