/**
 * A local stand-in for an IAM-authorized API Gateway stage: it verifies the
 * SigV4 signature of every request and answers 403 as API Gateway does when
 * verification fails. Requests that verify are echoed back as JSON, proxied to
 * a backend (`target`) with the signature headers stripped, or answered by a
 * handler of yours. No AWS account needed.
 *
 * @since 2.0.0
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { AwsCredentials, CredentialsInput } from "./Credentials.js"
import { toCredentialLookup } from "./internal/effect/credentials.js"
import { isSignatureHeader } from "./internal/sigv4/signatureHeaders.js"
import { type CredentialLookup, decodeParam, type GatewayErrorType, verify } from "./internal/sigv4/verify.js"
import { SigningError } from "./SigningError.js"

/**
 * A request that passed verification, as a handler sees it.
 *
 * @since 2.0.0
 * @category models
 */
export interface VerifiedRequest {
  readonly method: string
  /** The request target exactly as received: raw path and query. */
  readonly target: string
  /** The raw (percent-encoded) path. */
  readonly path: string
  /** Query parameters, decoded, in arrival order. */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Header values by lower-case name (repeats joined by ", "). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  /** Who signed: the access key id, and whether the signature came in the query. */
  readonly principal: { readonly accessKeyId: string; readonly presigned: boolean }
}

/**
 * The JSON body a verified request is echoed with (when there is no `target`
 * and the handler, if any, returns `undefined`).
 *
 * @since 2.0.0
 * @category models
 */
export interface EchoResponse {
  readonly method: string
  /** The raw (percent-encoded) path as received. */
  readonly path: string
  /** Query parameters, decoded. */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Headers by lower-case name; the session token shows as `<redacted>`. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly length: number; readonly sha256: string }
  readonly principal: VerifiedRequest["principal"]
}

/**
 * What a handler answers. An object or array `body` is sent as JSON.
 *
 * @since 2.0.0
 * @category models
 */
export interface HandlerResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array | object
}

/**
 * Answers verified requests; returning `undefined` falls back to proxying
 * (with `target`) or echoing.
 *
 * @since 2.0.0
 * @category models
 */
export type Handler = (request: VerifiedRequest) => HandlerResponse | undefined | Promise<HandlerResponse | undefined>

/**
 * One line of the gateway's access log.
 *
 * @since 2.0.0
 * @category models
 */
export interface AccessLogEntry {
  readonly requestId: string
  readonly method: string
  readonly target: string
  readonly status: number
  /** The access key id of a verified request. */
  readonly accessKeyId?: string
  /** Why a request was refused. */
  readonly errorType?: GatewayErrorType | "RequestTooLong" | "BadGateway"
  readonly message?: string
}

/**
 * @since 2.0.0
 * @category models
 */
export interface Options {
  /** Who may call: credentials (secrets as strings or `Redacted`), or a lookup by access key id. */
  readonly credentials: ReadonlyArray<CredentialsInput> | ((accessKeyId: string) => AwsCredentials | undefined)
  /** Default 0: any free port. */
  readonly port?: number | undefined
  /** Default 127.0.0.1. */
  readonly host?: string | undefined
  /** The region requests must be signed for. Default us-east-1. */
  readonly region?: string | undefined
  /** Default execute-api. */
  readonly service?: string | undefined
  /** Proxy verified requests to this URL (its path prefixes theirs), with the signature headers stripped. */
  readonly target?: string | undefined
  /** Answer verified requests yourself; return undefined to fall back to proxy or echo. */
  readonly handler?: Handler | undefined
  /** Larger bodies get 413. Default 10 MiB, API Gateway's limit. */
  readonly maxBodyBytes?: number | undefined
  /** Default 5 minutes. */
  readonly maxClockSkewMillis?: number | undefined
  /** The time to verify at, in epoch milliseconds. Default Date.now. */
  readonly now?: (() => number) | undefined
  /** Called once per answered request. */
  readonly onRequest?: ((entry: AccessLogEntry) => void) | undefined
}

/**
 * A running gateway. `url` is its base URL: use it as a signer's endpoint
 * (with the region the gateway verifies).
 *
 * @since 2.0.0
 * @category models
 */
export interface Service {
  readonly url: string
  readonly port: number
  readonly region: string
  readonly service: string
  readonly close: () => Promise<void>
}

/**
 * @since 2.0.0
 * @category tags
 */
export class LocalGateway extends Context.Tag("api-gateway-request-signer/LocalGateway")<LocalGateway, Service>() {}

const TEN_MIB = 10 * 1024 * 1024

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"])

const lookupFrom = (credentials: Options["credentials"]): CredentialLookup => toCredentialLookup(credentials)

const pairs = (rawHeaders: ReadonlyArray<string>): Array<readonly [string, string]> => {
  const result: Array<readonly [string, string]> = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) result.push([rawHeaders[i]!, rawHeaders[i + 1]!])
  return result
}

const decodeText = decodeParam

const parseQuery = (rawQuery: string): Record<string, Array<string>> => {
  const query: Record<string, Array<string>> = {}
  if (rawQuery === "") return query
  for (const piece of rawQuery.split("&")) {
    if (piece === "") continue
    const equals = piece.indexOf("=")
    const key = decodeText(equals === -1 ? piece : piece.slice(0, equals))
    const value = decodeText(equals === -1 ? "" : piece.slice(equals + 1))
    ;(Object.hasOwn(query, key) ? query[key]! : (query[key] = [])).push(value)
  }
  return query
}

type BodyResult = Buffer | "too-large" | "aborted"

const readBody = (req: http.IncomingMessage, limit: number): Promise<BodyResult> =>
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

const sendJson = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void => {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...headers
  })
  res.end(payload)
}

/**
 * Starts a gateway and resolves once it listens.
 *
 * @example
 * ```ts
 * import { start } from "api-gateway-request-signer/LocalGateway"
 *
 * const gateway = await start({ credentials: [{ accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }] })
 * // sign against gateway.url with region "us-east-1", then:
 * await gateway.close()
 * ```
 *
 * @since 2.0.0
 * @category constructors
 */
export const start = async (options: Options): Promise<Service> => {
  const credentials = lookupFrom(options.credentials)
  const region = options.region ?? "us-east-1"
  const service = options.service ?? "execute-api"
  const limit = options.maxBodyBytes ?? TEN_MIB
  const now = options.now ?? Date.now
  const target = options.target === undefined ? undefined : new URL(options.target)
  if (target !== undefined && target.protocol !== "http:" && target.protocol !== "https:") {
    throw new SigningError({ reason: "InvalidConfig", message: `The proxy target must be an http(s) URL; got ${options.target}.` })
  }
  const log = options.onRequest ?? (() => {})

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const requestId = randomUUID()
    const method = req.method ?? "GET"
    const requestTarget = req.url ?? "/"
    res.setHeader("x-amzn-RequestId", requestId)
    const answer = (status: number, body: unknown, extra: Partial<AccessLogEntry> = {}, headers: Record<string, string> = {}) => {
      sendJson(res, status, body, headers)
      log({ requestId, method, target: requestTarget, status, ...extra })
    }

    const declared = Number(req.headers["content-length"] ?? 0)
    const body = declared > limit ? "too-large" : await readBody(req, limit)
    if (body === "aborted") return // the client is gone; nobody to answer
    if (body === "too-large") {
      // Stop reading: answer, then close the connection rather than drain an oversized body.
      res.once("finish", () => req.socket.destroy())
      answer(413, { message: "Request Too Long" }, { errorType: "RequestTooLong" }, { connection: "close" })
      return
    }

    const result = verify(
      { method, target: requestTarget, headers: pairs(req.rawHeaders), body },
      { credentials, region, service, now: now(), maxClockSkewMillis: options.maxClockSkewMillis }
    )
    if (!result.valid) {
      answer(403, { message: result.message }, { errorType: result.errorType, message: result.message.split("\n")[0]! }, {
        "x-amzn-ErrorType": result.errorType
      })
      return
    }

    const mark = requestTarget.indexOf("?")
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
    }
    const verified: VerifiedRequest = {
      method,
      target: requestTarget,
      path: mark === -1 ? requestTarget : requestTarget.slice(0, mark),
      query: parseQuery(mark === -1 ? "" : requestTarget.slice(mark + 1)),
      headers,
      body,
      principal: { accessKeyId: result.accessKeyId, presigned: result.presigned }
    }
    const principal = { accessKeyId: result.accessKeyId }

    const custom = options.handler === undefined ? undefined : await options.handler(verified)
    if (custom !== undefined) {
      const payload = custom.body === undefined ? ""
        : typeof custom.body === "string" || custom.body instanceof Uint8Array ? custom.body
        : JSON.stringify(custom.body)
      const isJson = custom.body !== undefined && typeof custom.body === "object" && !(custom.body instanceof Uint8Array)
      res.writeHead(custom.status, {
        ...(isJson ? { "content-type": "application/json" } : {}),
        ...custom.headers,
        "content-length": String(typeof payload === "string" ? Buffer.byteLength(payload) : payload.length)
      })
      res.end(payload)
      log({ requestId, method, target: requestTarget, status: custom.status, ...principal })
      return
    }

    if (target !== undefined) {
      proxy(target, verified, res, (status, message) =>
        log({ requestId, method, target: requestTarget, status, ...principal, ...(message ? { errorType: "BadGateway", message } : {}) }))
      return
    }

    const { "x-amz-security-token": token, ...shown } = headers
    const echo: EchoResponse = {
      method,
      path: verified.path,
      query: verified.query,
      headers: token === undefined ? shown : { ...shown, "x-amz-security-token": "<redacted>" },
      body: { length: body.length, sha256: result.bodySha256 },
      principal: verified.principal
    }
    answer(200, echo, principal)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: "Internal server error" })
      else res.destroy(error instanceof Error ? error : undefined)
    })
  })
  // Malformed requests (bad header syntax, oversized headers) never reach the handler.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostText = address.family === "IPv6" ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  return {
    url: `http://${hostText}:${address.port}`,
    port: address.port,
    region,
    service,
    close: () =>
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

const proxy = (
  target: URL,
  request: VerifiedRequest,
  res: http.ServerResponse,
  done: (status: number, failure?: string) => void
): void => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!isSignatureHeader(name) && !HOP_BY_HOP.has(name) && name !== "host") headers[name] = value
  }
  headers["host"] = target.host
  headers["content-length"] = String(request.body.length)
  const basePath = target.pathname.endsWith("/") ? target.pathname.slice(0, -1) : target.pathname
  const upstream = (target.protocol === "https:" ? https : http).request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: basePath + request.target,
      headers
    },
    (response) => {
      const forwarded: Record<string, string | Array<string>> = {}
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value
      }
      res.writeHead(response.statusCode ?? 502, forwarded)
      response.pipe(res)
      response.on("end", () => done(response.statusCode ?? 502))
    }
  )
  upstream.on("error", (error) => {
    if (!res.headersSent) {
      sendJson(res, 502, { message: "Bad Gateway: the target did not answer" }, { "x-amzn-ErrorType": "BadGatewayException" })
    } else {
      res.destroy()
    }
    done(502, error.message)
  })
  // The client hung up before the answer was complete: stop the backend call too.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy()
  })
  upstream.end(request.body)
}

/**
 * A gateway as a scoped resource: it listens when acquired and closes when
 * the scope closes.
 *
 * @since 2.0.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, SigningError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options),
      catch: (error) =>
        error instanceof SigningError ? error : new SigningError({
          reason: "InvalidConfig",
          message: `The local gateway could not start: ${error instanceof Error ? error.message : String(error)}`,
          cause: error
        })
    }),
    (gateway) => Effect.promise(() => gateway.close())
  )

/**
 * A gateway for the lifetime of a layer.
 *
 * @since 2.0.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<LocalGateway, SigningError> => Layer.scoped(LocalGateway, make(options))
