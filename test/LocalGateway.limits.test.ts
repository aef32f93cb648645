/**
 * The gateway's limits as docs/local-gateway.md states them, where
 * test/LocalGateway.hardening.test.ts does not already hold them: a body
 * that stops arriving gets Node's 408, a declared body over the limit gets
 * 413 before any of it is sent (with CORS headers, when CORS is on) and is
 * then discarded as it arrives, keeping the connection for the next request,
 * a preflight whose body stops arriving gets no second answer either,
 * `Expect: 100-continue` is answered 100 only when the body will be read, a
 * target gets the request at its base path, with its own Host, and the echo
 * shows the path received beside the path verified.
 */
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { openConnection, rawExchange } from "./support/rawHttp.js"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDLIMITS", secretAccessKey: "limits/secret+key" }

/** The request line and headers of a signed POST of `body`, as raw HTTP, announcing `length` bytes. */
const signedHead = (gateway: LocalGateway.Service, body: string, length: number) => {
  const { headers, url } = signerFor(gateway.url, credentials).signRequest({ method: "POST", path: "/upload", body })
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")
  return `POST ${new URL(url).pathname} HTTP/1.1\r\nHost: ${new URL(gateway.url).host}\r\n${lines}Content-Length: ${length}\r\n\r\n`
}

/** What arrives on `socket` from now until it closes: "" when the server closes it without a word. */
const whatArrivesUntilClose = (socket: Socket) =>
  new Promise<string>((resolve) => {
    let after = ""
    socket.on("data", (chunk: Buffer) => {
      after += chunk.toString("latin1")
    })
    socket.once("close", () => resolve(after))
  })

/** `head` (a request line and headers) asking the server whether to send the body. */
const withExpectContinue = (head: string) => head.replace(/\r\n\r\n$/, "\r\nExpect: 100-continue\r\n\r\n")

describe("bodies: too slow, too large", () => {
  let gateway: LocalGateway.Service
  let handled = 0
  beforeAll(async () => {
    gateway = await LocalGateway.start({
      credentials: [credentials],
      headersTimeoutMillis: 200,
      requestTimeoutMillis: 400,
      maxBodyBytes: 1024,
      cors: true,
      handler: () => {
        handled++
        return { status: 200, body: "handled" }
      }
    })
  })
  afterAll(() => gateway.close())

  it("a signed upload whose body stops arriving gets 408 and its connection closed, and never reaches the handler", async () => {
    const body = "0123456789"
    const answer = await rawExchange(gateway.port, signedHead(gateway, body, body.length) + body.slice(0, 4))
    expect(answer).toMatch(/^HTTP\/1\.1 408/)
    expect(handled).toBe(0)
  })

  it("a signed upload declaring more than maxBodyBytes gets 413 before its body is sent, with the CORS headers", async () => {
    const body = "x".repeat(2048)
    const connection = await openConnection(gateway.port)
    connection.socket.write(signedHead(gateway, body, body.length))
    const answer = await connection.nextAnswer()
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer.toLowerCase()).toContain("access-control-allow-origin: *")
    expect(handled).toBe(0)
    connection.socket.destroy()
  })

  it("a refused upload whose body stops arriving has its connection closed, without a second answer (no 408 after the 413)", async () => {
    const body = "x".repeat(2048)
    const connection = await openConnection(gateway.port)
    connection.socket.write(signedHead(gateway, body, body.length))
    expect(await connection.nextAnswer()).toMatch(/^HTTP\/1\.1 413/)
    connection.socket.write(body.slice(0, 100))
    const rest = await whatArrivesUntilClose(connection.socket)
    expect(rest).toBe("")
  })

  it("a preflight whose body stops arriving gets its 200 and then its connection closed, without a second answer (no 408 after it)", async () => {
    const connection = await openConnection(gateway.port)
    connection.socket.write(
      "OPTIONS /prod/x HTTP/1.1\r\nHost: a\r\nOrigin: http://page\r\nAccess-Control-Request-Method: PUT\r\nContent-Length: 10\r\n\r\nab"
    )
    expect(await connection.nextAnswer()).toMatch(/^HTTP\/1\.1 200/)
    const rest = await whatArrivesUntilClose(connection.socket)
    expect(rest).toBe("")
  })

  it("the body of a refused upload is discarded as it arrives, never read as a request, and the connection answers the next one", async () => {
    const body = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n".padEnd(2048, "x")
    const connection = await openConnection(gateway.port)
    connection.socket.write(signedHead(gateway, body, body.length))
    expect(await connection.nextAnswer()).toMatch(/^HTTP\/1\.1 413/)
    connection.socket.write(body + `GET /prod/next HTTP/1.1\r\nHost: ${new URL(gateway.url).host}\r\n\r\n`)
    const next = await connection.nextAnswer()
    expect(next).toMatch(/^HTTP\/1\.1 403/)
    expect(next).toContain("Missing Authentication Token")
    expect(handled).toBe(0)
    connection.socket.destroy()
  })

  // Node answers Expect: 100-continue itself, unless told otherwise: the client would upload the body the gateway discards.
  it.each([
    ["an unsigned upload gets its 403", () => "PUT /prod/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 403],
    ["a signed upload declaring more than maxBodyBytes gets its 413", () => signedHead(gateway, "x".repeat(2048), 2048), 413]
  ])("with Expect: 100-continue, %s without a 100 Continue before it", async (_, head, status) => {
    const connection = await openConnection(gateway.port)
    connection.socket.write(withExpectContinue(head()))
    expect((await connection.nextAnswer()).split("\r\n")[0]).toBe(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`)
    connection.socket.destroy()
  })

  it("with Expect: 100-continue, a signed upload within the limit gets 100 Continue, then its answer once the body is sent", async () => {
    const body = "0123456789"
    const connection = await openConnection(gateway.port)
    connection.socket.write(withExpectContinue(signedHead(gateway, body, body.length)))
    expect(await connection.nextAnswer()).toMatch(/^HTTP\/1\.1 100 Continue/)
    connection.socket.write(body)
    expect(await connection.nextAnswer()).toMatch(/^HTTP\/1\.1 200/)
    connection.socket.destroy()
  })
})

describe("proxy mode: where the request goes", () => {
  let backend: http.Server
  let gateway: LocalGateway.Service
  const seen: Array<{ readonly url: string; readonly headers: http.IncomingHttpHeaders }> = []
  beforeAll(async () => {
    backend = http.createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers })
      req.resume()
      res.end("ok")
    })
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve))
    const target = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/base`
    gateway = await LocalGateway.start({ credentials: [credentials], target })
  })
  afterAll(async () => {
    await gateway.close()
    await new Promise((resolve) => backend.close(resolve))
  })

  it("the target's path, then the verified path; the target's Host; the body's Content-Length", async () => {
    const request = signerFor(gateway.url, credentials).signRequest({ method: "POST", path: "/prod//pets", body: "{\"a\":1}" })
    const response = await fetch(request.url, request)
    expect(await response.text()).toBe("ok")
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url).toBe("/base/prod/pets")
    expect(seen[0]!.headers.host).toBe(`127.0.0.1:${(backend.address() as AddressInfo).port}`)
    expect(seen[0]!.headers["content-length"]).toBe("7")
    expect(seen[0]!.headers.authorization).toBeUndefined()
  })
})

describe("the echo", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [credentials] })
  })
  afterAll(() => gateway.close())

  it("shows the verified path, and the path as received with its // and trailing space", async () => {
    const request = signerFor(gateway.url, credentials).signRequest({ method: "GET", path: "/prod/a//b /c " })
    const echo = (await (await fetch(request.url, request)).json()) as LocalGateway.EchoResponse
    expect(echo.path).toBe("/prod/a/b%20/c%20")
    expect(echo.receivedPath).toBe("/prod/a//b%20/c%20")
  })
})
