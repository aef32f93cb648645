/**
 * The client examples docs/clients.md quotes (examples/clients/*.ts) do what
 * they say against a local gateway, and the page quotes each of them exactly:
 * the code on the page is the code `npm run typecheck` compiles and these
 * tests run.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as axiosExample from "../../examples/clients/axios.js"
import * as effectExample from "../../examples/clients/effect-http-client.js"
import * as fetchExample from "../../examples/clients/fetch.js"
import * as gotExample from "../../examples/clients/got.js"
import * as kyExample from "../../examples/clients/ky.js"
import * as nodeHttpExample from "../../examples/clients/node-http.js"
import * as webRequestExample from "../../examples/clients/web-request.js"
import { credentials, type Echo, sha256, type Stage, startStage } from "./support.js"

const root = resolve(import.meta.dirname, "..", "..")

let stage: Stage
beforeAll(async () => {
  stage = await startStage()
})
afterAll(() => stage.gateway.close())

/** What Credentials.layerFromEnv and a Signer for a host without a region read, given through Config. */
const environment = () =>
  ConfigProvider.fromMap(
    new Map([
      ["AWS_ACCESS_KEY_ID", credentials.accessKeyId],
      ["AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey],
      ["AWS_SESSION_TOKEN", credentials.sessionToken],
      ["AWS_REGION", "us-east-1"]
    ])
  )

const createdRex = (echo: Echo) => {
  expect(echo.message).toBeUndefined()
  expect([echo.method, echo.path, echo.query]).toEqual(["POST", "/stage/pets", { tag: ["dog", "new"] }])
  expect(echo.body.sha256).toBe(sha256(JSON.stringify({ name: "Rex" })))
}

describe("examples/clients, against the local gateway", () => {
  it("fetch.ts: signRequest then fetch, and signer.fetch", async () => {
    const created = await fetchExample.createPet(stage.signer, "Rex")
    expect(created.status).toBe(200)
    createdRex((await created.json()) as Echo)
    const renamed = await fetchExample.renamePet(stage.signer, "a/1", "Max")
    expect(renamed.status).toBe(200)
    const echo = (await renamed.json()) as Echo
    expect([echo.method, echo.path, echo.query]).toEqual(["PUT", "/stage/pets/a%2F1", { notify: ["email", "sms"] }])
  })

  it("web-request.ts: a Request signed by signRequestAsync and by the Effect Signer", async () => {
    const incoming = () => new Request(`${stage.stage}/pets?tag=new`, { method: "POST", headers: { "content-type": "application/json" }, body: "{\"name\":\"Rex\"}" })
    expect((await webRequestExample.forward(stage.signer, incoming())).status).toBe(200)
    const response = await Effect.runPromise(webRequestExample.forwardEffect(stage.stage, incoming()).pipe(Effect.withConfigProvider(environment())))
    expect(response.status).toBe(200)
    expect(((await response.json()) as Echo).body.sha256).toBe(sha256("{\"name\":\"Rex\"}"))
  })

  it("axios.ts: withSigner, JSON with params, bytes through the fetch adapter", async () => {
    createdRex((await axiosExample.createPet(stage.signer, "Rex")) as Echo)
    expect(await axiosExample.uploadPhoto(stage.signer, "1", new Uint8Array([0xff, 0xd8, 0xff]))).toBe(200)
  })

  it("got.ts: withSigner, json with searchParams, a bytes body", async () => {
    createdRex((await gotExample.createPet(stage.signer, "Rex")) as Echo)
    expect(await gotExample.uploadPhoto(stage.signer, "1", new Uint8Array([0xff, 0xd8, 0xff]))).toBe(200)
  })

  it("ky.ts: signer.fetch as ky's fetch", async () => {
    createdRex((await kyExample.createPet(stage.signer, "Rex")) as Echo)
  })

  it("effect-http-client.ts: the signed HttpClient", async () => {
    const echo = await Effect.runPromise(
      effectExample.createPet("Rex").pipe(Effect.provide(effectExample.PetsClientLive(stage.stage)), Effect.withConfigProvider(environment()))
    )
    createdRex(echo as Echo)
  })

  it("node-http.ts: signRequest, then node:http", async () => {
    const { status, body } = await nodeHttpExample.createPet(stage.signer, "Rex")
    expect(status).toBe(200)
    createdRex(JSON.parse(body) as Echo)
  })
})

describe("docs/clients.md", () => {
  const page = readFileSync(join(root, "docs", "clients.md"), "utf8")
  const files = readdirSync(join(root, "examples", "clients")).filter((file) => file.endsWith(".ts")).sort()

  /** Each `<!-- quote: path -->` marker and the fenced block right after it (a `<!-- typecheck ... -->` directive may stand between). */
  const quotes = [...page.matchAll(/<!-- quote: (\S+) -->\n(?:<!-- typecheck[^\n]*-->\n)?```ts\n([\s\S]*?)```\n/g)].map((match) => [match[1]!, match[2]!] as const)

  it("quotes every example under examples/clients", () => {
    expect(quotes.map(([path]) => path).sort()).toEqual(files.map((file) => `examples/clients/${file}`))
  })

  it.each(files.map((file) => `examples/clients/${file}`))("quotes %s exactly as it is compiled and run", (path) => {
    const quoted = quotes.find(([quotedPath]) => quotedPath === path)?.[1]
    expect(quoted).toBe(readFileSync(join(root, path), "utf8"))
  })
})
