/**
 * The gateway's connections and its handlers' answers, byte for byte:
 * requests pipelined on one connection are answered in proxy mode as by the
 * echo; a handler's headers go out as Latin-1 whatever its body; a handler's
 * body in bytes goes as bytes, and one JSON would empty is refused.
 */
import * as net from "node:net"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { rawExchange } from "./support/rawHttp.js"
import { backendOn, signerFor, withGateway } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDCONNECTIONS", secretAccessKey: "connections/secret/key" }

/** A signed GET of `path`, as the raw bytes of a request (Connection: keep-alive). */
const rawSignedGet = (gateway: LocalGateway.Service, path: string): string => {
  const signed = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path })
  const url = new URL(signed.url)
  const headers = Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== "host")
  return [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...headers.map(([name, value]) => `${name}: ${value}`), "", ""].join("\r\n")
}

/** Writes `bytes`, then reads until the gateway ends the connection. */
const exchangeUntilClosed = (port: number, bytes: string) =>
  new Promise<string>((resolve) => {
    let received = ""
    const socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => {
      socket.write(bytes)
    })
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")))
    // The gateway's side ends: the client's stays open (allowHalfOpen), so its end, not a close, says so.
    socket.on("end", () => {
      socket.destroy()
      resolve(received)
    })
    socket.on("close", () => resolve(received))
    socket.on("error", () => resolve(received))
  })

/** A backend that answers each request with its path, after `delayMillis`. */
const slowBackend = async (delayMillis: number) => {
  const backend = await backendOn("127.0.0.1", (req, res) => {
    req.resume()
    setTimeout(() => res.end(`backend saw ${req.url}`), delayMillis)
  })
  return { url: `http://127.0.0.1:${backend.port}`, close: backend.close }
}

describe("requests pipelined on one connection", () => {
  it("in proxy mode, each is proxied and answered, in order", async () => {
    const backend = await slowBackend(50)
    try {
      await withGateway({ credentials: [credentials], target: backend.url }, async (gateway) => {
        const requests = ["/a", "/b", "/c"].map((path) => rawSignedGet(gateway, path)).join("")
        const received = await exchangeUntilClosed(gateway.port, requests + "GET /prod/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        expect(received.match(/HTTP\/1\.1 \d{3}/g)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 403"])
        expect(received.match(/backend saw \/prod\/[a-z]+/g)).toEqual(["backend saw /prod/a", "backend saw /prod/b", "backend saw /prod/c"])
      })
    } finally {
      await backend.close()
    }
  })
})

describe("a handler's answer", () => {
  /** A handler answering `body` gets its client a 500, and the process a warning matching `says`. */
  const expectRefused = (body: object, says: RegExp) => expectAnswerRefused({ status: 200, body }, says)

  /** A handler answering `answer` gets its client a 500, and the process a warning matching `says`. */
  const expectAnswerRefused = async (answer: LocalGateway.HandlerResponse, says: RegExp) => {
    const warnings: Array<Error> = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on("warning", onWarning)
    try {
      expect(await answered(answer)).toMatch(/^HTTP\/1\.1 500/)
      await expect.poll(() => warnings.map((warning) => warning.message).join("\n")).toMatch(says)
    } finally {
      process.off("warning", onWarning)
    }
  }

  /** The raw answer to a signed GET, from a gateway whose handler answers `answer`. */
  const answered = (answer: LocalGateway.HandlerResponse) =>
    withGateway({ credentials: [credentials], handler: () => answer }, (gateway) => rawExchange(gateway.port, rawSignedGet(gateway, "/x")))

  it.each([
    ["a string", "ok"],
    ["JSON", { ok: true }],
    ["bytes", new TextEncoder().encode("ok")]
  ] as const)("with %s body: its headers go out as Latin-1, one byte per character up to U+00FF", async (_, body) => {
    const received = await answered({ status: 200, headers: { "content-disposition": "attachment; filename=\"café.txt\"" }, body })
    expect(received).toContain("content-disposition: attachment; filename=\"caf\u00e9.txt\"")
  })

  it.each([
    ["an ArrayBuffer", () => new TextEncoder().encode("png bytes").buffer],
    ["a DataView", () => new DataView(new TextEncoder().encode("xxpng bytes").buffer, 2)],
    ["a Uint16Array", () => new Uint16Array(new TextEncoder().encode("png bytes!").buffer)],
    ["a SharedArrayBuffer", () => {
      const shared = new SharedArrayBuffer(9)
      new Uint8Array(shared).set(new TextEncoder().encode("png bytes"))
      return shared
    }]
  ] as const)("with %s body: sends its bytes", async (_, body) => {
    const received = await answered({ status: 200, headers: { "content-type": "image/png" }, body: body() })
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    expect(received.split("\r\n\r\n")[1]).toMatch(/^png bytes!?$/)
    expect(received.toLowerCase()).toContain("content-type: image/png")
  })

  it("with a plain empty object body: sends {} as JSON", async () => {
    const received = await answered({ status: 200, body: {} })
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    expect(received.toLowerCase()).toContain("content-type: application/json")
    expect(received.split("\r\n\r\n")[1]).toBe("{}")
  })

  it("with a body JSON cannot write (a bigint): a 500, and a warning saying so", async () => {
    await expectRefused({ count: 1n }, /A handler's body cannot be sent as JSON: .*"count" is a bigint/)
  })

  it("with a body whose toJSON throws something that cannot be read: a 500, and a warning saying so", async () => {
    await expectRefused({ toJSON: () => { throw Object.create(null) } }, /A handler's body cannot be sent as JSON: The body cannot be serialized to JSON/)
  })

  // A 1xx is an interim answer: the client would wait for the final one, which never comes.
  it.each([100, 101, 103, 199, 600, 999, 200.5, Number.NaN])("with status %s: a 500, and a warning naming it", async (status) => {
    await expectAnswerRefused({ status, body: "ok" }, new RegExp(`A handler's status is a whole number from 200 to 599, as API Gateway answers; got .*${String(status)}`))
  })

  it.each([
    ["a Headers", (): unknown => new Headers({ "x-pet": "rex" })],
    ["a Map", (): unknown => new Map([["x-pet", "rex"]])],
    ["a list of pairs", (): unknown => [["x-pet", "rex"]]],
    ["a string", (): unknown => "x-pet: rex"]
  ] as const)("with %s as headers (spread, it would send nothing or headers named 0, 1, ...): a 500, and a warning naming it", async (_, headers) => {
    await expectAnswerRefused(
      { status: 200, headers: headers() as unknown as Record<string, string>, body: "ok" },
      /A handler's headers are a plain object \(\{ "x-name": "value" \}\); got /
    )
  })

  // A handler that relays an upstream answer's headers (Object.fromEntries(response.headers)) copies its framing.
  it("with the headers of one connection and a Content-Length: sends its own framing, which a client reads", async () => {
    const headers = { "transfer-encoding": "chunked", connection: "keep-alive, x-hop", "keep-alive": "timeout=5", "x-hop": "1", "content-length": "999", "x-pet": "rex" }
    await withGateway({ credentials: [credentials], handler: () => ({ status: 200, headers, body: "relayed" }) }, async (gateway) => {
      const signed = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/relay" })
      const response = await fetch(signed.url, { headers: signed.headers })
      expect(await response.text()).toBe("relayed")
      expect(response.headers.get("x-pet")).toBe("rex")
      expect(response.headers.get("content-length")).toBe("7")
      // (Node writes a Keep-Alive of its own for the connection.)
      for (const name of ["transfer-encoding", "x-hop"]) expect(response.headers.get(name)).toBeNull()
    })
  })

  it.each([204, 304])("with status %s and a body: sends neither body nor Content-Length, and the connection serves the next request", async (status) => {
    await withGateway({ credentials: [credentials], handler: () => ({ status, body: { ignored: true } }) }, async (gateway) => {
      const request = rawSignedGet(gateway, "/x")
      const received = await exchangeUntilClosed(gateway.port, request + request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
      expect(received.match(new RegExp(`HTTP/1\\.1 ${status}`, "g"))).toHaveLength(2)
      expect(received.toLowerCase()).not.toContain("content-length")
      expect(received).not.toContain("ignored")
    })
  })

  it("with a null body: sends null as JSON", async () => {
    const received = await answered({ status: 200, body: null as unknown as object })
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    expect(received.split("\r\n\r\n")[1]).toBe("null")
  })

  it.each([
    ["a Blob", () => new Blob(["png"]), /Blob/],
    ["a ReadableStream", () => new ReadableStream(), /ReadableStream/],
    ["a Map", () => new Map([["a", 1]]), /Map/],
    ["URLSearchParams", () => new URLSearchParams("a=1"), /URLSearchParams/],
    ["a Response", () => new Response("png"), /is a Response/],
    ["an Error", () => new Error("backend failed"), /is an Error/],
    ["a Promise (a handler that forgot await)", () => Promise.resolve({ ok: true }), /is a Promise.*await it/],
    ["a Map with a property of its own", () => Object.assign(new Map([["a", 1]]), { note: "kept" }), /Map/],
    ["a function (a call forgotten)", () => () => ({ ok: true }), /is a function/],
    ["an object whose toJSON gives undefined", () => ({ toJSON: () => undefined }), /serializes to nothing/],
    ["an object of a class without fields", () => new (class Pet {})(), /Pet.*would send as \{\}/],
    // Inside the body, as the signer refuses them in a request's JSON body.
    ["a Promise in a property", () => ({ pet: Promise.resolve({ name: "Rex" }) }), /"pet" is a Promise/],
    ["a Map in a property", () => ({ pets: new Map([["rex", 1]]) }), /"pets" is a Map/],
    ["an Effect value never run", () => Effect.succeed({ name: "Rex" }), /Effect/],
    ["an Option", () => ({ pet: Option.some("Rex") }), /Option/],
    ["a Redacted", () => ({ secret: Redacted.make("s3cret") }), /Redacted/]
  ] as const)("with %s body, which JSON would not send as it is: a 500, and a warning naming it", async (_, body, names) => {
    await expectRefused(body() as object, new RegExp(`A handler's body cannot be sent as JSON: .*${names.source}`))
  })
})
