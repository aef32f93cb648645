/**
 * Proxy mode: a verified request goes on to the backend with what
 * authenticated it to the gateway removed (the signature headers, a
 * presigned URL's query parameters) and without the hop-by-hop headers of
 * RFC 9110 (Connection and the headers it names, Keep-Alive, TE, Trailer,
 * Transfer-Encoding, Upgrade, Proxy-*): those concern the client's
 * connection to the gateway, not the gateway's to the backend. A header the
 * signature covers goes on whatever `Connection` names: `Connection` is never
 * signed, so anyone holding a signed request could otherwise strip it.
 *
 * @internal
 */
import * as http from "node:http"
import * as https from "node:https"
import { isSignatureHeader } from "../sigv4/signatureHeaders.js"
import { withoutCors } from "./cors.js"
import { connectionOptions, isHopByHop, sendJson } from "./http.js"
import { socketHost } from "../socketHost.js"

/** A user name or password of a URL, decoded; as written when it is not valid percent-encoding (so it is sent). */
const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The target's user info (`http://user:pw@backend/`) as node:http's `auth`,
 * which it sends as Basic authorization, as curl and `http.request(url)` do:
 * whoever writes credentials into the target means the backend to get them.
 * (The client's own Authorization is the signature's, never forwarded.)
 */
const basicAuth = (backend: URL): string | undefined =>
  backend.username === "" && backend.password === "" ? undefined : `${decoded(backend.username)}:${decoded(backend.password)}`

export interface ProxiedRequest {
  readonly method: string
  /** The verified path and the query to forward (without authentication parameters), as the backend gets them. */
  readonly target: string
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string>>
  /** The lower-case names of the headers the signature covers. */
  readonly signedHeaders: ReadonlyArray<string>
  readonly body: Buffer
}

/** Where verified requests go, and how long the target has to answer each one. */
export interface ProxyTarget {
  readonly url: URL
  readonly timeoutMillis: number
}

/** Why the gateway, not the target, answered (or cut) a proxied request, for the access log. */
export interface ProxyFailure {
  readonly errorType: "BadGateway" | "GatewayTimeout"
  readonly message: string
}

/**
 * API Gateway's answer to an integration that has not answered within its
 * timeout (29 s by default): 504, with this body and error type.
 */
const answerTimedOut = (res: http.ServerResponse): void =>
  sendJson(res, 504, { message: "Endpoint request timed out" }, { "x-amzn-ErrorType": "InternalServerErrorException" })

export const proxy = (
  target: ProxyTarget,
  request: ProxiedRequest,
  res: http.ServerResponse,
  cors: boolean,
  done: (status: number, failure?: ProxyFailure) => void
): void => {
  // The client left while the request was being checked (an async handler, say): nothing to proxy, nobody to
  // answer, no log entry. Its connection is the request's: the answer to a request pipelined behind another has
  // no socket until the answers before it are written.
  if (res.destroyed || (res.socket ?? res.req.socket).destroyed) return
  const backend = target.url
  // One log entry per request, whichever of the answer, a failure or the timeout comes first; none
  // when the client comes first, by hanging up (abandon).
  let settled = false
  const abandon = (): boolean => {
    if (settled) return false
    settled = true
    clearTimeout(timer)
    return true
  }
  const settle = (status: number, failure?: ProxyFailure) => {
    if (abandon()) done(status, failure)
  }
  // What Connection names, but a signed header: the signature covers it, whatever Connection says.
  const unsignedConnectionOptions = new Set(connectionOptions(request.headers["connection"]))
  for (const name of request.signedHeaders) unsignedConnectionOptions.delete(name)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!isSignatureHeader(name) && !isHopByHop(name, unsignedConnectionOptions) && name !== "host") headers[name] = value
  }
  headers["host"] = backend.host
  headers["content-length"] = String(request.body.length)
  const basePath = backend.pathname.endsWith("/") ? backend.pathname.slice(0, -1) : backend.pathname
  const upstream = (backend.protocol === "https:" ? https : http).request(
    {
      protocol: backend.protocol,
      hostname: socketHost(backend.hostname),
      port: backend.port,
      auth: basicAuth(backend),
      method: request.method,
      path: basePath + request.target,
      headers
    },
    (response) => {
      const answerDeclared = connectionOptions(response.headers["connection"])
      const forwarded: Record<string, string | Array<string>> = {}
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined && !isHopByHop(name, answerDeclared)) forwarded[name] = value
      }
      res.writeHead(response.statusCode ?? 502, cors ? withoutCors(forwarded) : forwarded)
      response.pipe(res)
      response.on("end", () => settle(response.statusCode ?? 502))
      // The target went away mid-answer (a crash, a reset, a Content-Length it did not honour). pipe
      // leaves the client's answer open then; its status is sent, so closing its connection is the
      // only way left to tell the client that the body it got is not the whole answer.
      response.on("close", () => {
        if (response.complete) return
        res.destroy()
        settle(502, { errorType: "BadGateway", message: "the target's answer was cut off: its connection closed before the end of the body" })
      })
    }
  )
  upstream.on("error", (error) => {
    if (settled) return // the timeout destroyed the call, or the client left: answered, or abandoned, already
    if (!res.headersSent) {
      sendJson(res, 502, { message: "Bad Gateway: the target did not answer" }, { "x-amzn-ErrorType": "BadGatewayException" })
    } else {
      res.destroy()
    }
    settle(502, { errorType: "BadGateway", message: error.message })
  })
  // API Gateway's integration timeout: the whole answer within it, or 504. An answer already begun
  // can only be cut off (its status is sent): the client sees its connection close mid-body. Time the
  // answer waits on a client that reads slowly is the client's, not the target's (API Gateway holds the
  // whole answer before it sends it): while the client has not taken what was written, the timer waits again.
  const timedOut = () => {
    if (res.headersSent && res.writableNeedDrain && !res.destroyed) {
      timer = armed()
      return
    }
    if (res.headersSent) res.destroy()
    else answerTimedOut(res)
    settle(504, { errorType: "GatewayTimeout", message: `the target did not answer within targetTimeoutMillis (${target.timeoutMillis} ms)` })
    upstream.destroy()
  }
  // The timer alone never keeps the process alive (the server's sockets do, while they are open).
  const armed = () => setTimeout(timedOut, target.timeoutMillis).unref()
  let timer = armed()
  // The client hung up before the answer was complete: stop the backend call too. Its failure that
  // follows (socket hang up) is the gateway's doing, not the target's, and no answer was written: no
  // log entry, as for a client that leaves mid-body.
  res.on("close", () => {
    if (res.writableFinished) return
    abandon()
    upstream.destroy()
  })
  upstream.end(request.body)
}
