/**
 * axios and got sign the request they read as it is: the body's bytes are
 * sent as read, without the copies a web Request round trip would make (a
 * 10 MB upload would otherwise be held five to seven times over); a signer
 * whose signRequestAsync is overridden still signs what they send, through it.
 */
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import got from "got"
import ApiGatewaySigner from "api-gateway-request-signer"
import { signedAdapter } from "api-gateway-request-signer/axios"
import { withSigner } from "api-gateway-request-signer/got"
import { readOutgoing, signOutgoing } from "../../src/internal/clientRequest.js"
import type { CredentialIdentity } from "../../src/SignedRequest.js"
import { credentials, type Echo, sha256, type Stage, startStage } from "./support.js"

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

const upload = () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) % 256)

/** A subclass that adds a header in signRequestAsync, before the signature. */
class Tagging extends ApiGatewaySigner {
  override signRequestAsync(request: any): Promise<any> {
    const tagged = new Request(request as Request, { headers: { ...Object.fromEntries((request as Request).headers), "x-tagged": "yes" } })
    return super.signRequestAsync(tagged)
  }
}

describe("a request axios or got send", () => {
  it("is signed with the body's bytes as read, which are the bytes sent", async () => {
    const bytes = upload()
    const read = await readOutgoing({ method: "PUT", url: "/upload", headers: [["content-type", "application/octet-stream"]], body: bytes })
    const signed = await signOutgoing(stage.signer, read)
    expect(signed.body).toBe(read.body)
    expect(read.body).not.toBe(bytes)
    const echo = (await (await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body ?? null })).json()) as Echo
    expect(echo.body.sha256).toBe(sha256(bytes))
  })

  it("has its headers named in lower case, the signature's too", async () => {
    const read = await readOutgoing({ method: "GET", url: "/x", headers: [["X-Team", "pets"]], body: undefined })
    const signed = await signOutgoing(stage.signer, read)
    expect(Object.keys(signed.headers).filter((name) => name !== name.toLowerCase())).toEqual([])
    expect(signed.headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 /)
  })
})

describe("a body in the caller's own memory", () => {
  /** A signer whose provider answers after 100 ms: the caller's code runs while the signature waits. */
  const slowSigner = () =>
    new ApiGatewaySigner({
      endpoint: stage.stage,
      region: "us-east-1",
      credentials: () => new Promise<CredentialIdentity>((resolve) => setTimeout(() => resolve(credentials), 100))
    })
  /** Sends `bytes` with `send`, then overwrites them while the signature waits: the bytes as given arrive, accepted. */
  const sentAsGiven = async (send: (bytes: Buffer) => Promise<Echo>) => {
    const bytes = Buffer.from(upload())
    const sending = send(bytes)
    await new Promise((resolve) => setTimeout(resolve, 30))
    bytes.fill(0)
    expect((await sending).body.sha256).toBe(sha256(upload()))
  }

  it("is sent as it was when axios was given it, and signed so", async () => {
    const client = axios.create({ baseURL: stage.stage, adapter: signedAdapter(slowSigner()) })
    await sentAsGiven(async (bytes) => (await client.put<Echo>("/upload", bytes)).data)
  })

  it("is sent as it was when got was given it, and signed so", async () => {
    const client = withSigner(got.extend({ prefixUrl: stage.stage }), slowSigner())
    await sentAsGiven((bytes) => client.put("upload", { body: bytes }).json<Echo>())
  })
})

describe("a signer whose signRequestAsync is overridden", () => {
  const tagging = () => new Tagging({ endpoint: stage.stage, region: "us-east-1", credentials })

  it("signs what axios sends, through the override", async () => {
    const client = axios.create({ baseURL: stage.stage, adapter: signedAdapter(tagging()) })
    const echo = (await client.put<Echo>("/upload", Buffer.from(upload()))).data
    expect(echo.headers["x-tagged"]).toBe("yes")
    expect(echo.body.sha256).toBe(sha256(upload()))
  })

  it("signs what axios and got send through an override that resolves with another fetch implementation's Request", async () => {
    /** A Request of another implementation (node-fetch's, another realm's): not an instance of the global Request. */
    class OtherRequest {
      readonly body: Uint8Array | null
      readonly headers: Headers
      constructor(readonly url: string, readonly method: string, headers: Headers, readonly bytes: Uint8Array) {
        this.headers = new Headers(headers)
        this.body = bytes
      }
      arrayBuffer = () => Promise.resolve(this.bytes.slice().buffer)
    }
    const signer = new ApiGatewaySigner({ endpoint: stage.stage, region: "us-east-1", credentials })
    const own = signer.signRequestAsync.bind(signer) as (request: Request) => Promise<Request>
    signer.signRequestAsync = (async (request: Request) => {
      const signed = await own(request)
      return new OtherRequest(signed.url, signed.method, signed.headers, new Uint8Array(await signed.arrayBuffer()))
    }) as unknown as ApiGatewaySigner["signRequestAsync"]
    const viaAxios = (await axios.create({ baseURL: stage.stage, adapter: signedAdapter(signer) }).put<Echo>("/upload", Buffer.from(upload()))).data
    const viaGot = await withSigner(got.extend({ prefixUrl: stage.stage }), signer).put("upload", { body: Buffer.from(upload()) }).json<Echo>()
    for (const echo of [viaAxios, viaGot]) expect(echo.body.sha256).toBe(sha256(upload()))
  })

  it.each([
    ["what signRequest returns", (signer: ApiGatewaySigner, request: Request) => signer.signRequest({ method: request.method, path: "/upload" })],
    ["undefined", () => undefined]
  ] as const)("that resolves with %s for a Request: axios and got fail with a SigningError saying so, nothing sent", async (_, answer) => {
    const signer = new ApiGatewaySigner({ endpoint: stage.stage, region: "us-east-1", credentials })
    signer.signRequestAsync = (async (request: Request) => answer(signer, request)) as unknown as ApiGatewaySigner["signRequestAsync"]
    const before = stage.log.length
    const refusal = { _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining("The signer's signRequestAsync, overridden, resolved with") }
    const viaAxios = await axios.create({ baseURL: stage.stage, adapter: signedAdapter(signer) }).get("/upload").then(() => undefined, (error: unknown) => error)
    expect(viaAxios).toMatchObject(refusal)
    const viaGot = await withSigner(got.extend({ prefixUrl: stage.stage, retry: { limit: 0 } }), signer).get("upload").then(() => undefined, (error: unknown) => error)
    expect((viaGot as { cause?: unknown }).cause ?? viaGot).toMatchObject(refusal)
    expect(stage.log.length).toBe(before)
  })

  it("refuses a URL with a user name and password without showing them, as without an override", async () => {
    const password = "hunter2-not-shown"
    const read = await readOutgoing({ method: "GET", url: stage.stage.replace("://", `://user:${password}@`) + "/x", headers: [], body: undefined })
    const plain = await signOutgoing(stage.signer, read).then(() => undefined, (error: unknown) => error)
    const overridden = await signOutgoing(tagging(), read).then(() => undefined, (error: unknown) => error)
    for (const refusal of [plain, overridden]) {
      expect(refusal).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "path" })
      expect(inspect(refusal, { depth: Infinity })).not.toContain(password)
    }
  })

  it("signs what got sends, through the override", async () => {
    const client = withSigner(got.extend({ prefixUrl: stage.stage }), tagging())
    const echo = await client.put("upload", { body: Buffer.from(upload()) }).json<Echo>()
    expect(echo.headers["x-tagged"]).toBe("yes")
    expect(echo.body.sha256).toBe(sha256(upload()))
  })
})
