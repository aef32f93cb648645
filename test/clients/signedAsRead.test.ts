/**
 * axios and got sign the request they read as it is: the body's bytes are
 * sent as read, without the copies a web Request round trip would make (a
 * 10 MB upload would otherwise be held five to seven times over); a signer
 * whose signRequestAsync is overridden still signs what they send, through it.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import axios from "axios"
import got from "got"
import ApiGatewaySigner from "api-gateway-request-signer"
import { signedAdapter } from "api-gateway-request-signer/axios"
import { withSigner } from "api-gateway-request-signer/got"
import { readOutgoing, signOutgoing } from "../../src/internal/clientRequest.js"
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

describe("a signer whose signRequestAsync is overridden", () => {
  const tagging = () => new Tagging({ endpoint: stage.stage, region: "us-east-1", credentials })

  it("signs what axios sends, through the override", async () => {
    const client = axios.create({ baseURL: stage.stage, adapter: signedAdapter(tagging()) })
    const echo = (await client.put<Echo>("/upload", Buffer.from(upload()))).data
    expect(echo.headers["x-tagged"]).toBe("yes")
    expect(echo.body.sha256).toBe(sha256(upload()))
  })

  it("signs what got sends, through the override", async () => {
    const client = withSigner(got.extend({ prefixUrl: stage.stage }), tagging())
    const echo = await client.put("upload", { body: Buffer.from(upload()) }).json<Echo>()
    expect(echo.headers["x-tagged"]).toBe("yes")
    expect(echo.body.sha256).toBe(sha256(upload()))
  })
})
