/**
 * The local gateway logs, echoes and forwards no credential of its callers:
 * a session token, or a signature that may still authorize its request (a
 * presigned URL's, for up to 7 days). Only the 403 body the caller gets keeps
 * API Gateway's text, the caller's own token included. One behaviour per test.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"

const TOKEN = "FwoGZXIvYXdzE+secrets/session=token"
const credentials = { accessKeyId: "AKIDSECRETS", secretAccessKey: "secrets/secret/key", sessionToken: TOKEN }
const SIGNATURE = /X-Amz-Signature=[0-9a-f]{64}/i
/** A secret key, passed by mistake as another option. */
const MISPLACED_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

const holdsToken = (text: string): boolean => text.includes(TOKEN) || text.includes(encodeURIComponent(TOKEN))

/** Sends a GET for `target`, exactly as written, and returns the status and the body. */
const getRaw = (port: number, target: string, headers: Record<string, string> = {}) =>
  new Promise<{ readonly status: number; readonly body: string; readonly requestId: string }>((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method: "GET", path: target, headers }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, requestId: String(response.headers["x-amzn-requestid"]) }))
    })
    request.on("error", reject)
    request.end()
  })

describe("the access log", () => {
  let gateway: LocalGateway.Service
  const log: Array<LocalGateway.AccessLogEntry> = []
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [credentials], onRequest: (entry) => log.push(entry) })
  })
  afterAll(() => gateway.close())
  const entryOf = (requestId: string | null) => {
    const entry = log.find((candidate) => candidate.requestId === requestId)
    if (entry === undefined) throw new Error(`no access-log entry for ${requestId}`)
    return entry
  }

  it("shows a verified presigned URL's session token and signature as <redacted>, the rest of its target as received", async () => {
    const { url } = signerFor(`${gateway.url}/prod`, credentials).presignRequest({ method: "GET", path: "/report", queryParams: { id: "7" } })
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const entry = entryOf(response.headers.get("x-amzn-requestid"))
    const received = new URL(url)
    expect(entry.target).toBe(
      (received.pathname + received.search)
        .replace(/X-Amz-Security-Token=[^&]*/, "X-Amz-Security-Token=<redacted>")
        .replace(/X-Amz-Signature=[^&]*/, "X-Amz-Signature=<redacted>")
    )
  })

  it("shows a refused presigned URL's session token and signature as <redacted>", async () => {
    const { url } = signerFor(`${gateway.url}/prod`, credentials).presignRequest({ method: "GET", path: "/report" })
    const response = await fetch(url.replace("/prod/report", "/prod/other"))
    expect(response.status).toBe(403)
    const entry = entryOf(response.headers.get("x-amzn-requestid"))
    expect(entry).toMatchObject({ status: 403, errorType: "InvalidSignatureException" })
    expect(holdsToken(JSON.stringify(entry))).toBe(false)
    expect(JSON.stringify(entry)).not.toMatch(SIGNATURE)
  })

  it("redacts every spelling of the two parameters: any case, repeated, percent-encoded names", async () => {
    const value = encodeURIComponent(TOKEN)
    const target = `/prod/p?keep=1&X-Amz-Security-Token=${value}&x-amz-security-token=${value}&X%2DAmz%2DSecurity%2DToken=${value}` +
      `&X-AMZ-SIGNATURE=${"a".repeat(64)}&X-Amz-Signature=${"b".repeat(64)}&X-Amz-Signature=${"c".repeat(64)}&empty=`
    const { status, requestId } = await getRaw(gateway.port, target)
    expect(status).toBe(403)
    expect(entryOf(requestId).target).toBe(
      "/prod/p?keep=1&X-Amz-Security-Token=<redacted>&x-amz-security-token=<redacted>&X%2DAmz%2DSecurity%2DToken=<redacted>" +
        "&X-AMZ-SIGNATURE=<redacted>&X-Amz-Signature=<redacted>&X-Amz-Signature=<redacted>&empty="
    )
  })

  it("holds no session token for a header-signed request refused for its signature", async () => {
    const request = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/report" })
    const response = await fetch(request.url.replace("/prod/report", "/prod/other"), request)
    expect(response.status).toBe(403)
    expect(holdsToken(JSON.stringify(entryOf(response.headers.get("x-amzn-requestid"))))).toBe(false)
  })
})

/**
 * The access-log message of a request that puts `credentials`' own secret key where the region goes, to a gateway
 * given them as a list or through a lookup.
 */
const loggedForSecretAsRegion = async (credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }, asLookup: boolean) => {
  const log: Array<LocalGateway.AccessLogEntry> = []
  const gateway = await LocalGateway.start({
    credentials: asLookup ? (id) => (id === credentials.accessKeyId ? credentials : undefined) : [credentials],
    onRequest: (entry) => log.push(entry)
  })
  try {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "")
    const scope = `${credentials.accessKeyId}/${amzDate.slice(0, 8)}/${credentials.secretAccessKey}/execute-api/aws4_request`
    const authorization = `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`
    const response = await getRaw(gateway.port, "/prod/pets", { authorization, "x-amz-date": amzDate })
    expect(response.status).toBe(403)
    return log.find((candidate) => candidate.requestId === response.requestId)!.message
  } finally {
    await gateway.close()
  }
}

// A test's secret key may have a region's form (local-secret), and a refusal quotes a region of that form.
describe("the access log, when a client puts the gateway's own secret key where a region goes", () => {
  it("holds it as <redacted>, from a credentials list", async () => {
    expect(await loggedForSecretAsRegion({ accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }, false))
      .toMatch(/^Credential should be scoped to a valid region, not '<redacted>'/)
  })

  it("holds it as <redacted> in a refused presigned URL's target too", async () => {
    const log: Array<LocalGateway.AccessLogEntry> = []
    const gateway = await LocalGateway.start({ credentials: [{ accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }], onRequest: (entry) => log.push(entry) })
    try {
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "")
      const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDLOCAL%2F${amzDate.slice(0, 8)}%2Flocal-secret%2Fexecute-api%2Faws4_request` +
        `&X-Amz-Date=${amzDate}&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=${"0".repeat(64)}`
      for (const spelled of [query, query.replace("X-Amz-Credential", "X-Amz-Cred%65ntial")]) {
        const response = await getRaw(gateway.port, `/prod/pets?${spelled}`)
        expect(response.status).toBe(403)
        const entry = log.find((candidate) => candidate.requestId === response.requestId)!
        expect(entry.target).not.toContain("local-secret")
        expect(entry.target).toContain("=AKIDLOCAL%2F")
      }
    } finally {
      await gateway.close()
    }
  })

  it("holds it as <redacted> in a target refused for its form (a '#'), and asks a lookup for no key id the target does not claim", async () => {
    const local = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" }
    const asked: Array<string> = []
    const log: Array<LocalGateway.AccessLogEntry> = []
    const gateway = await LocalGateway.start({
      credentials: (id) => {
        asked.push(id)
        return id === local.accessKeyId ? local : undefined
      },
      onRequest: (entry) => log.push(entry)
    })
    try {
      const refused = await getRaw(gateway.port, "/prod/pets?X-Amz-Credential=AKIDLOCAL%2F20240510%2Flocal-secret%2Fexecute-api%2Faws4_request#x")
      expect(refused.status).toBe(400)
      expect(log.find((candidate) => candidate.requestId === refused.requestId)!.target).not.toContain("local-secret")
      asked.length = 0
      await getRaw(gateway.port, "/prod/pets?X-Amz-Credential=&X-Amz-Signature=0")
      await getRaw(gateway.port, "/prod/pets?X-Amz-Credential=AKIDLOCAL")
      expect(asked).toEqual([])
    } finally {
      await gateway.close()
    }
  })

  it("holds it as <redacted>, from a credentials lookup (asked for the key id the request claims)", async () => {
    expect(await loggedForSecretAsRegion({ accessKeyId: "AKIDLOOKEDUP", secretAccessKey: "looked-up-secret" }, true))
      .toMatch(/^Credential should be scoped to a valid region, not '<redacted>'/)
  })
})

describe("the answers", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [credentials] })
  })
  afterAll(() => gateway.close())

  it("the 403 body of a signature mismatch is API Gateway's, quoting the caller's own session token", async () => {
    const request = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/report" })
    const response = await fetch(request.url.replace("/prod/report", "/prod/other"), request)
    expect(response.status).toBe(403)
    expect(((await response.json()) as { message: string }).message).toContain(`\nx-amz-security-token:${TOKEN}\n`)
  })

  it("the echo shows an Authorization header's signature as <redacted>, its credential and signed headers kept", async () => {
    const request = signerFor(`${gateway.url}/prod`, credentials).signRequest({ method: "GET", path: "/report" })
    const response = await fetch(request.url, request)
    expect(response.status).toBe(200)
    const echo = (await response.json()) as LocalGateway.EchoResponse
    const [, sent] = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "authorization")!
    expect(echo.headers["authorization"]).toBe(sent.replace(/Signature=[0-9a-f]{64}/, "Signature=<redacted>"))
  })

  it("the echo shows a session token parameter named in lower case as <redacted>", async () => {
    const { url } = signerFor(`${gateway.url}/prod`, credentials).presignRequest({
      method: "GET",
      path: "/report",
      queryParams: { "x-amz-security-token": TOKEN }
    })
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const echo = (await response.json()) as LocalGateway.EchoResponse
    expect(echo.query["x-amz-security-token"]).toEqual(["<redacted>"])
  })
})

describe("proxy mode", () => {
  it("forwards a header-signed request's query without session token and signature parameters", async () => {
    const seen: Array<string> = []
    const backend = http.createServer((req, res) => {
      seen.push(req.url ?? "")
      req.resume()
      res.end("ok")
    })
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve))
    const proxying = await LocalGateway.start({ credentials: [credentials], target: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` })
    try {
      const request = signerFor(`${proxying.url}/prod`, credentials).signRequest({
        method: "GET",
        path: "/report",
        queryParams: { keep: "1", "X-Amz-Security-Token": TOKEN, "x-amz-signature": "d".repeat(64) }
      })
      expect((await fetch(request.url, request)).status).toBe(200)
      expect(seen).toEqual(["/prod/report?keep=1"])
    } finally {
      await proxying.close()
      await new Promise((resolve) => backend.close(resolve))
    }
  })
})

describe("option errors at start", () => {
  const rejectionOf = (options: unknown) => LocalGateway.start(options as LocalGateway.Options).then(
    async (gateway) => {
      await gateway.close()
      throw new Error("expected a refusal")
    },
    (error: unknown) => error as Error
  )

  it("a target whose password holds a \"/\" (so it does not parse) is shown without it", async () => {
    const password = "s3cr3t/Pa55+w0rdXYZ"
    const error = await rejectionOf({ credentials: [credentials], target: `http://admin:${password}@backend.internal:8080/` })
    expect(error).toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(/target must be an http\(s\) URL/) })
    expect(error.message).not.toContain(password)
    expect(error.message).not.toContain("s3cr3t")
  })

  it.each([
    ["a \"?\" in the password (it does not parse)", "http://admin:s3cr?tPw@backend.internal:8080/", ["admin", "s3cr"]],
    ["a \"#\" in the password (it does not parse)", "http://admin:s3cr#tPw@backend.internal:8080/", ["admin", "s3cr"]],
    ["an \"@\" in the password (it parses; the last @ ends the user info)", "http://admin:hunter@42@backend.internal/?q=1", ["admin", "hunter", "42@"]]
  ])("a target with %s is shown without any of its user info", async (_, target, hidden) => {
    const error = await rejectionOf({ credentials: [credentials], target })
    expect(error).toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig" })
    for (const part of hidden) expect(error.message).not.toContain(part)
  })

  it("a target that is no URL and looks like a credential is described, not shown", async () => {
    const error = await rejectionOf({ credentials: [credentials], target: MISPLACED_SECRET })
    expect(error).toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/target must be an http\(s\) URL .*got \(a string of 40 characters, not shown: it looks like a credential\)/)
    })
    expect(inspect(error, { depth: Infinity })).not.toContain(MISPLACED_SECRET)
  })

  it.each([
    ["maxAgeSeconds", { maxAgeSeconds: MISPLACED_SECRET }],
    ["allowOrigin", { allowOrigin: `${MISPLACED_SECRET}\n` }],
    ["allowHeaders", { allowHeaders: [`${MISPLACED_SECRET}:`] }]
  ])("a cors %s that looks like a credential is described, not shown", async (option, cors) => {
    const error = await rejectionOf({ credentials: [credentials], cors })
    expect(error).toMatchObject({
      _tag: "LocalGatewayError",
      reason: "InvalidConfig",
      message: expect.stringMatching(new RegExp(`cors: ${option} .*not shown: it looks like a credential`))
    })
    expect(inspect(error, { depth: Infinity })).not.toContain(MISPLACED_SECRET.slice(0, 16))
  })

  it.each([
    // Longer than any host name (253 characters): the lookup fails at once, without asking a DNS server.
    // Letters and digits alone, as a host name may be: a "/" or "+" would be refused before listen.
    [
      "on which the gateway cannot listen, is described in the ListenFailed",
      "IQoJb3JpZ2luX2VjE" + "A1b2C3d4E5f6G7h8I9j0KL".repeat(14),
      "ListenFailed",
      /could not listen on host \(a string of 325 characters, not shown: it looks like a credential\), port 0/
    ],
    [
      "that cannot be a host is described in the InvalidConfig",
      "IQoJb3JpZ2luX2VjE" + "A1b2C3d4E5f6G7h8I9j0K/L+".repeat(4),
      "InvalidConfig",
      /host must be a host name or address, .*got \(a string of 113 characters, not shown: it looks like a credential\)/
    ]
  ] as const)("a host that looks like a credential %s, not shown", async (_, token, reason, message) => {
    const error = await rejectionOf({ credentials: [credentials], host: token })
    expect(error).toMatchObject({ _tag: "LocalGatewayError", reason, message: expect.stringMatching(message) })
    expect(inspect(error, { depth: Infinity })).not.toContain(token.slice(0, 16))
  })

  it("credentials whose getter throws: what it threw is neither quoted nor kept", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    const error = await rejectionOf({
      get credentials() {
        throw new Error(`vault returned ${secret} for the wrong path`)
      }
    })
    expect(error).toMatchObject({ _tag: "LocalGatewayError", reason: "InvalidConfig", message: expect.stringMatching(/credentials could not be read/) })
    expect(error.message).not.toContain(secret)
    expect(error.cause).toBeUndefined()
  })
})
