/**
 * Proxy mode against targets that misbehave or are out of the ordinary: on
 * an IPv6 literal, slow to answer, dying mid-answer, needing credentials;
 * and clients that hang up. One behaviour per test; every server on
 * loopback, on a free port.
 */
import * as http from "node:http"
import { describe, expect, it } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { backendOn, signerFor, withGateway } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDPROXY", secretAccessKey: "proxy/secret/key" }

/** A signed GET of `path` sent to `gateway` with fetch. */
const signedGet = (gateway: LocalGateway.Service, path: string, init: RequestInit = {}) => {
  const request = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path })
  return fetch(request.url, { ...request, ...init })
}

describe("proxy mode: where the target is", () => {
  it("a target given as an IPv6 literal (http://[::1]:port) gets the request", async () => {
    const backend = await backendOn("::1", (req, res) => res.end(`backend got ${req.url}`))
    try {
      await withGateway({ credentials: [credentials], target: `http://[::1]:${backend.port}/base` }, async (gateway) => {
        const response = await signedGet(gateway, "/pets")
        expect(response.status).toBe(200)
        expect(await response.text()).toBe("backend got /base/prod/pets")
      })
    } finally {
      await backend.close()
    }
  })
})

describe("proxy mode: a target's user info", () => {
  it("is sent to the target as Basic authorization, decoded, as curl and node:http send a URL's user info", async () => {
    const backend = await backendOn("127.0.0.1", (req, res) => res.end(req.headers.authorization ?? "none"))
    try {
      await withGateway({ credentials: [credentials], target: `http://us%20er:p%40ss@127.0.0.1:${backend.port}/base` }, async (gateway) => {
        const response = await signedGet(gateway, "/pets")
        expect(await response.text()).toBe(`Basic ${Buffer.from("us er:p@ss").toString("base64")}`)
      })
    } finally {
      await backend.close()
    }
  })
})

describe("proxy mode: a target that does not answer in time", () => {
  it("gets the client API Gateway's 504 after targetTimeoutMillis, and the access log a 504 entry", async () => {
    const backend = await backendOn("127.0.0.1", () => {}) // accepts the request, never answers
    const log: Array<LocalGateway.AccessLogEntry> = []
    try {
      const options = { credentials: [credentials], target: `http://127.0.0.1:${backend.port}`, targetTimeoutMillis: 50, onRequest: (entry: LocalGateway.AccessLogEntry) => log.push(entry) }
      await withGateway(options, async (gateway) => {
        const response = await signedGet(gateway, "/slow")
        expect(response.status).toBe(504)
        expect(response.headers.get("x-amzn-errortype")).toBe("InternalServerErrorException")
        expect(await response.json()).toEqual({ message: "Endpoint request timed out" })
        expect(log).toEqual([expect.objectContaining({ status: 504, errorType: "GatewayTimeout", message: expect.stringContaining("targetTimeoutMillis") })])
      })
    } finally {
      await backend.close()
    }
  })

  it("counts the target's time only: a target that answered at once is not cut off while the client is slow to read", async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 97) // more than the sockets' buffers hold
    const backend = await backendOn("127.0.0.1", (_, res) => res.end(body))
    const log: Array<LocalGateway.AccessLogEntry> = []
    try {
      // A timeout long enough that the target's whole answer gets through it on a loaded machine (at 200 ms, a CI
      // machine busy elsewhere saw the gateway take longer than that to pass 6 MB on, and rightly cut it off).
      const options = { credentials: [credentials], target: `http://127.0.0.1:${backend.port}`, targetTimeoutMillis: 1_000, onRequest: (entry: LocalGateway.AccessLogEntry) => log.push(entry) }
      await withGateway(options, async (gateway) => {
        const signed = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/big" })
        const received = await new Promise<number>((resolve, reject) => {
          http.get(signed.url, { headers: signed.headers }, (res) => {
            let length = 0
            res.pause() // a client busy elsewhere: it reads only after three timeouts' worth
            setTimeout(() => res.on("data", (chunk: Buffer) => (length += chunk.length)).resume(), 3_000)
            res.on("end", () => resolve(length))
            res.on("error", reject)
          }).on("error", reject)
        })
        expect(received).toBe(body.length)
        expect(log.map((entry) => entry.status)).toEqual([200])
      })
    } finally {
      await backend.close()
    }
  })

  it.each([Number.NaN, -1, 0, 1.5, Infinity, "29000"])("LocalGateway.start refuses targetTimeoutMillis %s, naming it", async (targetTimeoutMillis) => {
    await expect(LocalGateway.start({ credentials: [credentials], targetTimeoutMillis: targetTimeoutMillis as number })).rejects.toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringContaining("targetTimeoutMillis")
    })
  })
})

describe("proxy mode: a target that goes away mid-answer", () => {
  // Each sends part of its body, then closes its connection.
  it.each([
    ["a Content-Length body", "content-length: 100\r\n\r\npartial"],
    ["a chunked body", "transfer-encoding: chunked\r\n\r\n7\r\npartial\r\n"]
  ])("with %s: the client's answer is cut off too, never left open, and logged as a 502", async (_, rest) => {
    const backend = await backendOn("127.0.0.1", (_req, res) => res.socket!.end(`HTTP/1.1 200 OK\r\n${rest}`))
    const log: Array<LocalGateway.AccessLogEntry> = []
    try {
      await withGateway({ credentials: [credentials], target: `http://127.0.0.1:${backend.port}`, onRequest: (entry) => log.push(entry) }, async (gateway) => {
        const response = await signedGet(gateway, "/cut")
        expect(response.status).toBe(200)
        await expect(response.text()).rejects.toThrow()
        expect(log).toEqual([expect.objectContaining({ status: 502, errorType: "BadGateway", message: expect.stringContaining("cut off") })])
      })
    } finally {
      await backend.close()
    }
  })
})

describe("proxy mode: a client that hangs up", () => {
  it("while its request is still being checked (an async handler): the target is not called, and nothing is logged", async () => {
    let called = 0
    const backend = await backendOn("127.0.0.1", (_, res) => {
      called++
      res.end("ok")
    })
    const log: Array<LocalGateway.AccessLogEntry> = []
    let handling: () => void = () => {}
    let release: () => void = () => {}
    const handlerStarted = new Promise<void>((resolve) => (handling = resolve))
    const handlerMayEnd = new Promise<void>((resolve) => (release = resolve))
    try {
      const options = {
        credentials: [credentials],
        target: `http://127.0.0.1:${backend.port}`,
        onRequest: (entry: LocalGateway.AccessLogEntry) => log.push(entry),
        handler: async () => {
          handling()
          await handlerMayEnd
          return undefined // falls back to the target
        }
      }
      await withGateway(options, async (gateway) => {
        const hangUp = new AbortController()
        const answered = signedGet(gateway, "/left", { signal: hangUp.signal }).catch(() => "hung up")
        await handlerStarted
        hangUp.abort()
        expect(await answered).toBe("hung up")
        await new Promise((resolve) => setTimeout(resolve, 250)) // the gateway sees the connection close
        release()
        await new Promise((resolve) => setTimeout(resolve, 250))
        expect(called).toBe(0)
        expect(log).toEqual([])
      })
    } finally {
      await backend.close()
    }
  })

  it("has the backend call aborted and no access-log entry written: no answer was, and the target did not fail", async () => {
    let arrived: () => void = () => {}
    let aborted: () => void = () => {}
    const backendGotIt = new Promise<void>((resolve) => (arrived = resolve))
    const backendCallAborted = new Promise<void>((resolve) => (aborted = resolve))
    const backend = await backendOn("127.0.0.1", (req, res) => {
      if (req.url !== "/prod/abandoned") {
        res.end("ok")
        return
      }
      res.on("close", aborted)
      arrived() // and never answers
    })
    const log: Array<LocalGateway.AccessLogEntry> = []
    try {
      await withGateway({ credentials: [credentials], target: `http://127.0.0.1:${backend.port}`, onRequest: (entry) => log.push(entry) }, async (gateway) => {
        const hangUp = new AbortController()
        const answered = signedGet(gateway, "/abandoned", { signal: hangUp.signal }).catch(() => "hung up")
        await backendGotIt
        hangUp.abort()
        expect(await answered).toBe("hung up")
        await backendCallAborted
        // A whole exchange after it: the abandoned call's own events (its socket's hang-up) are over by its end.
        expect(await (await signedGet(gateway, "/next")).text()).toBe("ok")
        expect(log.map((entry) => entry.target)).toEqual(["/prod/next"])
      })
    } finally {
      await backend.close()
    }
  })
})
