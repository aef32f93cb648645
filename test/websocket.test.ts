/**
 * WebSocket APIs: `wss://` endpoints sign and presign (the `$connect`
 * handshake is a GET, authorized by a presigned URL a browser can open), the
 * URL keeps its scheme, the region comes from the WebSocket API's host, and
 * `ws://` serves local stand-ins. The `@connections` management path goes out
 * as the AWS SDK sends it.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type { Duplex } from "node:stream"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import ApiGatewaySigner, { Credentials, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import type { EchoResponse } from "api-gateway-request-signer/LocalGateway"

const credentials = { accessKeyId: "AKIDWEBSOCKET", secretAccessKey: "websocket/secret+key", sessionToken: "websocket-session-token" }
const keys = { accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }
const WSS_ENDPOINT = "wss://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/production"

/** What a server that received `url` (with only the headers a WebSocket client sends) makes of its signature. */
const verifyUrl = (url: string, now: Date) => {
  const parsed = new URL(url)
  return SigV4.verify(
    {
      method: "GET",
      target: parsed.pathname + parsed.search,
      headers: [["host", parsed.host], ["upgrade", "websocket"], ["connection", "Upgrade"], ["sec-websocket-version", "13"]]
    },
    { credentials: [credentials], region: "ap-southeast-2", now }
  )
}

describe("wss:// endpoints", () => {
  const signer = new ApiGatewaySigner({ endpoint: WSS_ENDPOINT, ...keys })

  it("are accepted, and the region comes from the WebSocket API's host", () => {
    expect(signer.region).toBe("ap-southeast-2")
    expect(signer.endpoint).toBe(WSS_ENDPOINT)
  })

  it("sign a request whose URL keeps the wss scheme", () => {
    const signed = signer.signRequest({ method: "GET", path: "/", queryParams: { room: "lobby" } })
    expect(signed.url).toBe(`${WSS_ENDPOINT}/?room=lobby`)
    expect(signed.headers["Authorization"]).toMatch(/Credential=AKIDWEBSOCKET\/\d{8}\/ap-southeast-2\/execute-api\/aws4_request/)
  })

  it("presign a $connect URL that keeps the wss scheme and verifies with only the host signed", () => {
    const presigned = signer.presignRequest({ method: "GET", path: "", queryParams: { room: "lobby ü", token: "a+b=c" } })
    const url = new URL(presigned.url)
    expect(url.protocol).toBe("wss:")
    expect(url.host).toBe("a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com")
    expect(url.pathname).toBe("/production")
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host")
    expect(url.searchParams.get("room")).toBe("lobby ü")
    expect(url.searchParams.get("token")).toBe("a+b=c")
    expect(url.href).toBe(presigned.url)
    expect(verifyUrl(presigned.url, new Date())).toMatchObject({ valid: true, presigned: true, accessKeyId: credentials.accessKeyId })
  })

  it("presign a URL whose signature covers its query: another room does not verify", () => {
    const { url } = signer.presignRequest({ method: "GET", path: "/", queryParams: { room: "lobby" } })
    expect(verifyUrl(url.replace("room=lobby", "room=admin"), new Date())).toMatchObject({ valid: false, reason: "SignatureMismatch" })
  })

  it.live("presign through the Effect API too", () =>
    Effect.gen(function*() {
      const presigned = yield* Signer.presignRequest({ method: "GET", path: "/" }, { expiresIn: 60 })
      expect(presigned.url.startsWith(`${WSS_ENDPOINT}/?X-Amz-Algorithm=`)).toBe(true)
      expect(verifyUrl(presigned.url, new Date())).toMatchObject({ valid: true })
    }).pipe(
      Effect.provide(Signer.layer({ endpoint: WSS_ENDPOINT })),
      Effect.provide(Credentials.layer(credentials))
    ))

  it("keep refusing every other scheme, with a SigningError that names ws(s)", () => {
    for (const endpoint of ["ftp://example.com/x", "file:///etc/passwd", "data:text/plain,x", "javascript:alert(1)"]) {
      expect(() => new ApiGatewaySigner({ endpoint, region: "us-east-1", ...keys })).toThrow(SigningError)
      expect(() => new ApiGatewaySigner({ endpoint, region: "us-east-1", ...keys })).toThrow(/ws\(s\) URL \(a WebSocket API\)/)
    }
  })
})

describe("ws:// endpoints (local stand-ins) and the local gateway", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [credentials], region: "eu-west-1" })
  })
  afterAll(() => gateway.close())

  // The canonical request covers host, path and query, not the scheme: the gateway (an HTTP server)
  // checks a presigned ws:// URL sent as http://, as API Gateway checks the $connect handshake.
  it("a presigned ws:// URL is accepted, scheme aside, by the verifying gateway", async () => {
    const signer = new ApiGatewaySigner({ endpoint: gateway.url.replace(/^http:/, "ws:") + "/stage", region: "eu-west-1", ...keys })
    const { url } = signer.presignRequest({ method: "GET", path: "/", queryParams: { room: "lobby" } })
    expect(url.startsWith(gateway.url.replace(/^http:/, "ws:") + "/stage/?")).toBe(true)
    const response = await fetch(url.replace(/^ws:/, "http:"))
    const echo = await response.json() as EchoResponse
    expect(response.status).toBe(200)
    expect(echo.principal).toEqual({ accessKeyId: credentials.accessKeyId, presigned: true })
    expect(echo.query["room"]).toEqual(["lobby"])
  })

  it("@connections and a connection id's = and %3D arrive at the gateway as sent, and verify", async () => {
    const signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: "eu-west-1", ...keys })
    for (const [path, arrives] of [
      ["/@connections/L0SM9cOFvHcCIhw=", "/prod/@connections/L0SM9cOFvHcCIhw="],
      [`/@connections/${encodeURIComponent("L0SM9cOFvHcCIhw=")}`, "/prod/@connections/L0SM9cOFvHcCIhw%3D"]
    ] as const) {
      const request = signer.signRequest({ method: "POST", path, body: { message: "hello" } })
      const response = await fetch(request.url, request)
      const echo = await response.json() as EchoResponse
      expect(response.status).toBe(200)
      expect(echo.path).toBe(arrives)
    }
  })
})

// A WebSocket server that authorizes the handshake as API Gateway's $connect does: by the presigned URL.
describe.runIf(typeof globalThis.WebSocket === "function")("a real WebSocket client", () => {
  let server: http.Server
  let origin: string
  const sockets = new Set<Duplex>()
  beforeAll(async () => {
    server = http.createServer((_, res) => res.writeHead(426).end())
    server.on("upgrade", (req: http.IncomingMessage, socket) => {
      sockets.add(socket)
      const headers: Array<readonly [string, string]> = []
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!])
      const result = SigV4.verify({ method: req.method ?? "GET", target: req.url ?? "/", headers }, {
        credentials: [credentials],
        region: "eu-west-1",
        now: Date.now()
      })
      if (!result.valid) {
        socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        return
      }
      const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64")
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`)
      socket.end(Buffer.from([0x88, 0x00])) // a close frame: the handshake is all this test needs
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }))

  const connect = (url: string) =>
    new Promise<"open" | "refused">((resolve) => {
      const socket = new WebSocket(url)
      socket.onopen = () => {
        socket.close()
        resolve("open")
      }
      socket.onerror = () => resolve("refused")
    })

  it("opens a presigned URL, and cannot open it once tampered with", async () => {
    const signer = new ApiGatewaySigner({ endpoint: `${origin}/production`, region: "eu-west-1", ...keys })
    const { url } = signer.presignRequest({ method: "GET", path: "/", queryParams: { room: "lobby" } })
    expect(await connect(url)).toBe("open")
    expect(await connect(url.replace("room=lobby", "room=admin"))).toBe("refused")
  })
})
