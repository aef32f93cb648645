/**
 * The gateway's request pipeline, in the order API Gateway works: CORS
 * preflight; the request target (origin-form only); authentication from the
 * headers alone, before any body is read; the body, up to its limit; the
 * signature over all of it; then the handler, the backend or the echo, each
 * given the path the signature verified. And the server around it, with
 * header and request timeouts so that slow clients cannot hold connections.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import type { Duplex } from "node:stream"
import type { AccessLogEntry, EchoResponse, Service, VerifiedRequest } from "../../LocalGateway.js"
import { plusAsSpace } from "../sigv4/uriEncoding.js"
import { verify, verifyBeforeBody } from "../sigv4/verify.js"
import { isSecretParameterName, redactAuthorization, redactFailure, redactTarget } from "../sigv4/verifyRedaction.js"
import { REDACTED, scrubSecrets, shorten } from "../scrub.js"
import { headerPairs, headerRecord, readBody, sendHandlerResponse, sendJson } from "./http.js"
import { secretsOf } from "../credentials.js"
import { safely, thrownMessage } from "../guard.js"
import type { GatewaySettings } from "./options.js"
import { proxy } from "./proxy.js"
import { forwardedQuery, parseQuery, parseTarget, shownQuery } from "./target.js"

/**
 * How much of a refused request's body is discarded before its connection is
 * closed: far past API Gateway's 10 MiB payload limit, so that a client
 * reads its answer, yet bounded.
 */
const MOST_DISCARDED_BYTES = 64 * 1024 * 1024

/** Connections whose request was answered while its body was still arriving: Node's 408 must not follow that answer. */
const answeredEarly = new WeakSet<object>()

const discardBody = (req: http.IncomingMessage): void => {
  answeredEarly.add(req.socket)
  req.once("end", () => answeredEarly.delete(req.socket))
  let discarded = 0
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > MOST_DISCARDED_BYTES) req.socket.destroy()
  })
  req.resume()
}

/**
 * The session token and signature a request carries, in its headers or its
 * query (a presigned URL's), as sent and decoded: a handler may throw what it
 * was given, in any form.
 */
const credentialsShownBy = (req: http.IncomingMessage): Array<string> => {
  const shown: Array<string> = []
  const token = req.headers["x-amz-security-token"]
  if (typeof token === "string") shown.push(token)
  const signature = /Signature=([0-9a-f]+)/i.exec(req.headers.authorization ?? "")?.[1]
  if (signature !== undefined) shown.push(signature)
  const query = parseQuery(parseTarget(req.url ?? "")?.rawQuery ?? "")
  for (const [name, values] of Object.entries(query)) {
    // Decoded, as the handler's `query` holds them, and encoded, as its `target` does.
    if (isSecretParameterName(name)) for (const value of values) shown.push(value, encodeURIComponent(value))
  }
  return shown.filter((secret) => secret !== "")
}

/** The secrets of a credentials list (a lookup's are not known until it is asked). */
const listedSecrets = (credentials: GatewaySettings["credentials"]): Array<string> =>
  Array.isArray(credentials) ? credentials.flatMap(secretsOf) : []

/**
 * The gateway's own secrets, which a request's access-log entry must not show: its credentials list's (`listed`,
 * read once), and what a lookup gives for the access key id the request claims. A client may put a secret key
 * (its own, pasted in the wrong place) where a region goes, and refusals and targets quote that place.
 */
const ownSecretsFor = (req: http.IncomingMessage, settings: GatewaySettings, listed: ReadonlyArray<string>): Array<string> =>
  [...listed, ...claimedSecrets(req, settings.credentials)]

/**
 * The target as the access log shows it: a presigned URL's session token and signature redacted (they would let
 * whoever reads the log replay it for up to 7 days), and the gateway's own secrets taken out of its X-Amz-Credential.
 */
const loggedTargetOf = (req: http.IncomingMessage, settings: GatewaySettings, listed: ReadonlyArray<string>): string => {
  const target = redactTarget(req.url ?? "/")
  // Only a target with a credential scope quotes one where a refusal does; the others are left as they came (a
  // scrub of every request's target with every listed secret would cost each request the list's length).
  return credentialScopeOf(req) === undefined ? target : scrubSecrets(target, ownSecretsFor(req, settings, listed))
}

/**
 * The secrets a credentials lookup gives for the access key id a request claims (`Credential=` of its
 * Authorization header, or its X-Amz-Credential): a lookup's are not known until it is asked.
 */
const claimedSecrets = (req: http.IncomingMessage, credentials: GatewaySettings["credentials"]): Array<string> => {
  if (typeof credentials !== "function") return []
  const scope = credentialScopeOf(req)
  // An access key id, before the scope's first "/", as the verifier reads it: it asks for no other.
  const claimed = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? "")?.[1] ??
    (scope !== undefined && scope.indexOf("/") > 0 ? scope.slice(0, scope.indexOf("/")) : undefined)
  if (claimed === undefined) return []
  return safely(() => {
    const found = credentials(claimed)
    return found === undefined ? [] : secretsOf(found)
  }, [])
}

/**
 * The credential scope a presigned target claims (its X-Amz-Credential, the name read as the verifier reads it:
 * decoded, any case), in whatever follows its first "?": a target refused for its form (a "#", an absolute URL)
 * is logged too.
 */
const credentialScopeOf = (req: http.IncomingMessage): string | undefined => {
  const target = req.url ?? "/"
  const mark = target.indexOf("?")
  const query = parseQuery(mark === -1 ? "" : target.slice(mark + 1))
  for (const name in query) if (name.toLowerCase() === "x-amz-credential") return query[name]![0]
  return undefined
}

/**
 * Why a request target that is not a path is refused. An absolute-form target (`GET http://elsewhere/x`)
 * asks for a forward proxy, and CONNECT's authority-form one (`example.com:443`) for a tunnel: this is
 * neither.
 */
const targetRefusal = (method: string, requestTarget: string): string =>
  method === "CONNECT" ? "Bad Request: CONNECT asks for a tunnel, which this gateway does not open; the request target must be a path."
  : requestTarget.startsWith("/") ? "Bad Request: the request target contains '#'; a fragment is never sent (write a '#' in a path or query value as %23)."
  : "Bad Request: the request target must be a path, not an absolute URL."

/** Answers each request with `answerRequest`; the secrets of the gateway's credentials list are read once. */
const handler = (settings: GatewaySettings) => {
  const listed = listedSecrets(settings.credentials)
  return (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): Promise<void> =>
    answerRequest(settings, listed, req, res, expectsContinue)
}

/**
 * `expectsContinue`: the client sent `Expect: 100-continue` and waits for a 100 before sending its body
 * (node:http's checkContinue); it gets one only once the body is to be read, never before a refusal.
 * `listed`: the secrets of the gateway's credentials list, which no log entry shows.
 */
const answerRequest = async (
  settings: GatewaySettings,
  listed: ReadonlyArray<string>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  expectsContinue: boolean
): Promise<void> => {
  const requestId = randomUUID()
  const method = req.method ?? "GET"
  const requestTarget = req.url ?? "/"
  const loggedTarget = loggedTargetOf(req, settings, listed)
  // A refusal's first line as the access log keeps it: what it quotes of the request, the gateway's secrets taken out.
  const loggedRefusal = (message: string): string => scrubSecrets(message.split("\n")[0]!, ownSecretsFor(req, settings, listed))
  // Called once the answer is written, from event handlers too (proxy mode): a throwing onRequest
  // must neither change the answer nor crash the process, so it is reported as a warning.
  const log = (status: number, extra: Partial<AccessLogEntry> = {}) => {
    try {
      settings.onRequest({ requestId, method, target: loggedTarget, status, ...extra })
    } catch (error) {
      process.emitWarning(`onRequest threw (${thrownMessage(error)}); the request was answered all the same.`, { code: "LOCAL_GATEWAY_ON_REQUEST" })
    }
  }
  const answer = (status: number, body: unknown, extra: Partial<AccessLogEntry> = {}, headers: Record<string, string> = {}) => {
    sendJson(res, status, body, headers)
    log(status, extra)
  }
  // Answer without reading the body: discard it as it arrives, never buffered. Closing the connection
  // instead, while the client is still sending, makes the kernel reset it, and the reset often reaches
  // the client before the answer (EPIPE or ECONNRESET instead of the 403 or 413). So the connection
  // stays for the rest of the body (up to MOST_DISCARDED_BYTES) and the client's next request; a body
  // that has not ended within requestTimeoutMillis has its connection closed, with no second answer.
  const refuseUnread = (status: number, body: unknown, extra: Partial<AccessLogEntry>, headers: Record<string, string> = {}) => {
    discardBody(req)
    answer(status, body, extra, headers)
  }

  try {
    res.setHeader("x-amzn-RequestId", requestId)
    // The gateway's own clock, which its Date header tells, as API Gateway's does.
    const now = settings.now() + settings.clockOffsetMillis
    if (Number.isFinite(now)) res.setHeader("date", new Date(now).toUTCString())
    if (settings.cors !== undefined) {
      for (const [name, value] of Object.entries(settings.cors.everyAnswer)) res.setHeader(name, value)
      // A preflight carries no credentials: answer it before verification, as API Gateway does (a REST
      // API's CORS mock integration: 200, an empty JSON answer).
      if (method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        // Answered before any body it declares has arrived, as a refusal is: discarded the same way, so
        // that a body that never ends gets its connection closed, not a 408 after the 200.
        discardBody(req)
        res.writeHead(200, { ...settings.cors.preflight, "content-type": "application/json", "content-length": "0" })
        res.end()
        log(200)
        return
      }
    }

    // CONNECT is refused whatever its target: a path would not make it a request to route.
    const target = method === "CONNECT" ? undefined : parseTarget(requestTarget)
    if (target === undefined) return refuseUnread(400, { message: targetRefusal(method, requestTarget) }, { errorType: "BadRequest" })

    if (typeof now !== "number" || !Number.isFinite(now)) {
      // A clock that reads NaN would switch the time checks off: refuse rather than accept.
      return refuseUnread(500, { message: "Internal server error: the gateway's clock is unusable." }, {
        errorType: "InternalError",
        message: `now() returned ${String(now)}`
      })
    }
    const verifyOptions = {
      credentials: settings.credentials,
      region: settings.region,
      service: settings.service,
      now,
      maxClockSkewMillis: settings.maxClockSkewMillis
    }
    const headers = headerPairs(req.rawHeaders)
    const early = verifyBeforeBody({ method, target: requestTarget, headers }, verifyOptions)
    if (early !== undefined) {
      return refuseUnread(403, { message: early.message }, { errorType: early.errorType, message: loggedRefusal(early.message) }, {
        "x-amzn-ErrorType": early.errorType
      })
    }

    const tooLarge = () => refuseUnread(413, { message: "Request Too Long" }, { errorType: "RequestTooLong" })
    if (Number(req.headers["content-length"] ?? 0) > settings.maxBodyBytes) return tooLarge()
    if (expectsContinue) res.writeContinue() // past every refusal the headers can give: the body is wanted
    const body = await readBody(req, settings.maxBodyBytes)
    if (body === "aborted") return // the client is gone; nobody to answer
    if (body === "too-large") return tooLarge()

    const result = verify({ method, target: requestTarget, headers, body }, verifyOptions)
    if (!result.valid) {
      // The caller gets API Gateway's text, canonical request and its own session token included (it sent
      // them); the access log, only what may be shown.
      const shown = redactFailure(result)
      return answer(403, { message: result.message }, { errorType: shown.errorType, message: loggedRefusal(shown.message) }, {
        "x-amzn-ErrorType": result.errorType
      })
    }

    const { path } = result
    const verified: VerifiedRequest = {
      method,
      // A `+` as %20, as the proxy forwards it: the signature read it as a space.
      target: path + (target.rawQuery === "" ? "" : "?" + plusAsSpace(target.rawQuery)),
      path,
      query: parseQuery(target.rawQuery),
      headers: headerRecord(req.headersDistinct),
      body,
      principal: { accessKeyId: result.accessKeyId, presigned: result.presigned }
    }
    const principal = { accessKeyId: result.accessKeyId }

    const custom = settings.handler === undefined ? undefined : await settings.handler(verified)
    if (custom !== undefined) {
      sendHandlerResponse(res, custom, settings.cors !== undefined)
      return log(custom.status, principal)
    }

    if (settings.target !== undefined) {
      const query = forwardedQuery(target.rawQuery, result.presigned)
      return proxy(
        { url: settings.target, timeoutMillis: settings.targetTimeoutMillis },
        { method, target: path + (query === "" ? "" : "?" + query), headers: verified.headers, signedHeaders: result.signedHeaders, body },
        res,
        settings.cors !== undefined,
        (status, failure) => log(status, { ...principal, ...failure })
      )
    }

    const shownHeaders: Record<string, string> = Object.create(null)
    for (const [name, value] of Object.entries(verified.headers)) {
      shownHeaders[name] = name === "x-amz-security-token" ? REDACTED : name === "authorization" ? redactAuthorization(value) : value
    }
    const echo: EchoResponse = {
      method,
      path,
      receivedPath: target.rawPath,
      query: shownQuery(verified.query),
      headers: shownHeaders,
      body: { length: body.length, sha256: result.bodySha256 },
      principal: verified.principal
    }
    answer(200, echo, principal)
  } catch (error) {
    // A handler (or credentials lookup) that throws: the client gets 500, and the test author the
    // error, in the access log and as a warning, with what this request showed of its credentials and
    // the secrets of the gateway's own credentials list taken out (a handler may throw what it was
    // given, and Node's error for a bad status quotes the status whole).
    // Each once (a client may repeat them), over a few times the 300 characters shown: the scrub costs the
    // text's length times the number of secrets, and a client chooses both (the handler may quote its body).
    const secrets = new Set([...credentialsShownBy(req), ...listed])
    const message = `the handler, the credentials lookup or the gateway itself threw: ${shorten(thrownMessage(error, secrets, 4 * 300), 300)}`
    process.emitWarning(`LocalGateway answered 500: ${message}`, { code: "LOCAL_GATEWAY_INTERNAL_ERROR" })
    if (res.headersSent) res.destroy()
    else answer(500, { message: "Internal server error" }, { errorType: "InternalError", message })
  }
}

/** What Node answers a request it cannot parse: 431 for headers too large, 408 for a timeout, else 400. */
const clientErrorStatus = (error: NodeJS.ErrnoException): readonly [number, string] =>
  error.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large"]
  : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "Request Timeout"]
  : [400, "Bad Request"]

/** Starts the server and resolves once it listens. */
export const listen = async (settings: GatewaySettings): Promise<Service> => {
  const handle = handler(settings)
  const server = http.createServer(
    {
      headersTimeout: settings.headersTimeoutMillis,
      requestTimeout: settings.requestTimeoutMillis,
      // How often Node looks for connections past those timeouts (its default, 30 s, would let them linger).
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMillis)
    },
    (req, res) => {
      // handle answers its own failures; this is for a failure to do even that.
      handle(req, res).catch(() => res.destroy())
    }
  )
  // Expect: 100-continue. Node would answer 100 itself before the handler runs, inviting an upload that
  // a refusal from the headers (403, 413) then discards; the handler says 100 when it reads the body.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res, true).catch(() => res.destroy())
  })
  // CONNECT never reaches 'request', and without this listener Node closes its connection without a
  // word. It goes through the handler (its 400, CORS headers, request id and log entry), on a response
  // written to the socket by hand; the connection is closed once that is sent, as what would follow on
  // it is the tunnel's bytes, not a request. Closed, not only ended: Node no longer tracks the socket,
  // so close() would wait for a client that keeps its side open.
  server.on("connect", (req: http.IncomingMessage, duplex: Duplex) => {
    const socket = duplex as Socket // what node:http gives is the connection's socket
    // Node takes its own error listener off a socket it hands over: without one, a client resetting the
    // connection would be an uncaught error, and the process would end.
    socket.on("error", () => socket.destroy())
    const res = new http.ServerResponse(req)
    res.shouldKeepAlive = false
    try {
      res.assignSocket(socket)
    } catch {
      // A CONNECT pipelined behind a request still being answered: the socket is that answer's. The CONNECT
      // gets none; the connection is closed once the answer before it is sent.
      closeAfterPendingAnswer(socket)
      return
    }
    res.once("finish", () => {
      res.detachSocket(socket)
      socket.destroySoon()
    })
    handle(req, res).catch(() => socket.destroy())
  })
  // Malformed requests (bad header syntax, oversized headers, timeouts) never reach the handler.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // A connection whose request was answered already (a refusal, its body discarded) gets no second answer.
    if (!socket.writable || error.code === "ECONNRESET" || answeredEarly.has(socket)) {
      socket.destroy()
      return
    }
    const [status, text] = clientErrorStatus(error)
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(settings.port, settings.host, () => {
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
    region: settings.region,
    service: settings.service,
    close: () =>
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/**
 * Closes a connection once the answer it carries (Node's response bound to
 * it, `_httpMessage`, not a public field but the same from Node 20 to 24) is
 * sent; at once when there is none.
 */
const closeAfterPendingAnswer = (socket: Socket): void => {
  const pending = (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage
  if (pending === undefined || pending === null || pending.writableFinished) {
    socket.destroySoon()
    return
  }
  const close = () => socket.destroySoon()
  pending.once("finish", close)
  pending.once("close", close)
}
