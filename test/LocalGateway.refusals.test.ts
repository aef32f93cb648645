/**
 * A refused request gets its answer, however large its body and whoever
 * sends it: the gateway discards the body as it arrives, where it used to
 * close the connection under a client still sending (which then saw EPIPE or
 * ECONNRESET, never the 403 or 413). And a handler that throws is a 500 that
 * the test author hears of, in the access log and as a warning.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDREFUSALS", secretAccessKey: "refusals/secret+key", sessionToken: "refusals-session-token-0123" }
const FIXTURE = fileURLToPath(new URL("./fixtures/gatewayProcess.ts", import.meta.url))

/**
 * The gateway in a process of its own: a reset then travels between two
 * processes, as it does from `serve`, and reaches the client before it reads
 * the answer often enough (in the same process it rarely does).
 */
const startInAnotherProcess = async (options: object): Promise<{ readonly url: string; readonly child: ChildProcess }> => {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, JSON.stringify(options)], { stdio: ["pipe", "pipe", "inherit"] })
  let output = ""
  for await (const chunk of child.stdout!) {
    output += String(chunk)
    if (output.includes("\n")) break
  }
  return { url: output.trim(), child }
}

/** The status of each upload in turn, or the network error that came instead. */
const uploadStatuses = async (signer: ReturnType<typeof signerFor>, count: number, bytes: number) => {
  const body = new Uint8Array(bytes)
  const statuses: Array<number | string> = []
  for (let i = 0; i < count; i++) {
    const request = signer.signRequest({ method: "PUT", path: "/upload", body })
    statuses.push(
      await fetch(request.url, request).then(
        async (response) => {
          await response.arrayBuffer()
          return response.status
        },
        (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message
      )
    )
  }
  return statuses
}

describe("a refused upload gets its answer, from a gateway in another process", () => {
  let gateway: { readonly url: string; readonly child: ChildProcess }
  beforeAll(async () => {
    gateway = await startInAnotherProcess({ credentials: [credentials], maxBodyBytes: 1024 * 1024 })
  }, 30_000)
  afterAll(async () => {
    gateway.child.stdin!.end()
    await once(gateway.child, "exit")
  })

  it("an unknown access key: 403 for each of 10 uploads of 4 MiB", async () => {
    const stranger = signerFor(`${gateway.url}/prod`, { accessKeyId: "AKIDSTRANGER", secretAccessKey: "stranger" })
    expect(await uploadStatuses(stranger, 10, 4 * 1024 * 1024)).toEqual(Array(10).fill(403))
  }, 60_000)

  it("a body over maxBodyBytes: 413 for each of 10 uploads of 4 MiB", async () => {
    const allowed = signerFor(`${gateway.url}/prod`, credentials)
    expect(await uploadStatuses(allowed, 10, 4 * 1024 * 1024)).toEqual(Array(10).fill(413))
  }, 60_000)
})

/** A gateway whose handler is `handler`, started for the enclosing describe, and the access log it wrote. */
const gatewayWithHandler = (handler: (request: LocalGateway.VerifiedRequest) => never) => {
  const started = { entries: [] as Array<LocalGateway.AccessLogEntry>, gateway: undefined as LocalGateway.Service | undefined }
  beforeAll(async () => {
    started.gateway = await LocalGateway.start({ credentials: [credentials], onRequest: (entry) => started.entries.push(entry), handler })
  })
  afterAll(() => started.gateway?.close())
  return started
}

/** Runs `f` with process warnings captured, not printed (a passing run's output stays clean); the warnings' texts by code. */
const capturingWarnings = async (f: () => Promise<void>): Promise<Array<readonly [string, string | undefined]>> => {
  const warnings: Array<readonly [string, string | undefined]> = []
  const warn = vi.spyOn(process, "emitWarning").mockImplementation((warning, options) =>
    void warnings.push([String(warning), (options as { code?: string } | undefined)?.code]))
  try {
    await f()
  } finally {
    warn.mockRestore()
  }
  return warnings
}

describe("a handler that throws", () => {
  // A handler that throws what it was given: the request's session token.
  const started = gatewayWithHandler((request) => {
    throw new Error(`no route for ${request.path} (token ${String(request.headers["x-amz-security-token"])})`)
  })

  it("is a 500 for the client, and an access-log entry and a warning for the test author, without the request's token", async () => {
    const warnings = await capturingWarnings(async () => {
      const request = signerFor(`${started.gateway!.url}/prod`, credentials).signRequest({ method: "GET", path: "/missing" })
      const response = await fetch(request.url, request)
      expect(response.status).toBe(500)
      expect(await response.json()).toEqual({ message: "Internal server error" })
    })
    const entry = started.entries.at(-1)!
    expect(entry).toMatchObject({ status: 500, errorType: "InternalError", message: expect.stringContaining("no route for /prod/missing") })
    const warning = warnings.find(([, code]) => code === "LOCAL_GATEWAY_INTERNAL_ERROR")?.[0]
    expect(warning).toContain("no route for /prod/missing")
    for (const shown of [entry.message!, warning!]) expect(shown).not.toContain(credentials.sessionToken)
  })
})

describe("a handler that throws a session token that is no base64, from a credentials lookup", () => {
  // A lookup's credentials are not known before it is asked: the token the request showed is scrubbed, whatever its characters.
  it("shows it as <redacted> in the access log", async () => {
    const lookedUp = { ...credentials, sessionToken: "local.session~token:for@tests" }
    const entries: Array<LocalGateway.AccessLogEntry> = []
    const gateway = await LocalGateway.start({
      credentials: (id) => (id === lookedUp.accessKeyId ? lookedUp : undefined),
      onRequest: (entry) => entries.push(entry),
      handler: (request) => {
        throw new Error(`token ${String(request.headers["x-amz-security-token"])}`)
      }
    })
    try {
      const request = signerFor(`${gateway.url}/prod`, lookedUp).signRequest({ method: "GET", path: "/who" })
      await capturingWarnings(async () => {
        expect((await fetch(request.url, request)).status).toBe(500)
      })
      expect(entries.at(-1)!.message).toContain("token <redacted>")
    } finally {
      await gateway.close()
    }
  })
})

describe("a handler that throws the query of a presigned URL", () => {
  const started = gatewayWithHandler((request) => {
    throw new Error(`bad query ${JSON.stringify(request.query)}`)
  })

  it("shows neither its session token nor its signature in the access log or the warning", async () => {
    const presigned = signerFor(`${started.gateway!.url}/prod`, credentials).presignRequest({ method: "GET", path: "/report" })
    const warnings = await capturingWarnings(async () => {
      expect((await fetch(presigned.url)).status).toBe(500)
    })
    const signature = new URL(presigned.url).searchParams.get("X-Amz-Signature")!
    const shown = [started.entries.at(-1)!.message!, ...warnings.map(([text]) => text)]
    expect(shown[0]).toContain("bad query")
    for (const text of shown) {
      expect(text).not.toContain(credentials.sessionToken)
      expect(text).not.toContain(signature.slice(0, 16))
    }
  })
})

describe("a handler that throws a query value the client chose", () => {
  const started = gatewayWithHandler((request) => {
    throw new Error(`bad id ${String(request.query["id"]?.[0])} (from the query)`)
  })

  // The client chooses what it sends as a signature: a run of backslashes, each written as is or JSON-escaped, once
  // made the scrubbing of a message with a shorter run backtrack exponentially (48 of them: minutes, past the test timeout).
  it("a signature parameter of backslashes, and a shorter run quoted back by the handler: answered at once", async () => {
    const backslashes = "\\".repeat(48)
    const request = signerFor(`${started.gateway!.url}/prod`, credentials).signRequest({
      method: "GET",
      path: "/item",
      queryParams: { id: backslashes, "X-Amz-Signature": backslashes + "\\" }
    })
    await capturingWarnings(async () => {
      expect((await fetch(request.url, request)).status).toBe(500)
    })
    expect(started.entries.at(-1)!.message).toContain(`bad id ${backslashes} (from the query)`)
  })
})

describe("a handler that answers with a status Node refuses, holding the gateway's own secret key", () => {
  // Node's error for a bad status quotes it whole.
  const started = gatewayWithHandler(() => ({ status: credentials.secretAccessKey, body: "x" }) as never)

  it("is a 500, and neither the access log nor the warning shows the key", async () => {
    const warnings = await capturingWarnings(async () => {
      const request = signerFor(`${started.gateway!.url}/prod`, credentials).signRequest({ method: "GET", path: "/status" })
      expect((await fetch(request.url, request)).status).toBe(500)
    })
    const shown = [started.entries.at(-1)!.message!, ...warnings.map(([text]) => text)]
    expect(shown[0]).toContain("threw")
    for (const text of shown) expect(text).not.toContain(credentials.secretAccessKey)
  })
})
