/**
 * With another Effect than 3 installed (npm's latest is 4.x; `--force`,
 * `--legacy-peer-deps`, pnpm and yarn install it with only a warning), or
 * none: the CLI says in one line to install effect@3, the CommonJS root's
 * Effect getters say the same, and the Promise facade, which needs no
 * Effect, still signs.
 */
import { spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"

const root = resolve(import.meta.dirname, "..")
const built = existsSync(resolve(root, "dist/index.cjs"))
const made: Array<string> = []
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A project with the built package installed, beside `effect` at `effectVersion` (a package.json alone: its modules are missing) or none. */
const projectWith = (effectVersion: string | undefined): string => {
  const project = mkdtempSync(join(tmpdir(), "agrs-effect-peer-"))
  made.push(project)
  const installed = join(project, "node_modules", "api-gateway-request-signer")
  mkdirSync(installed, { recursive: true })
  cpSync(join(root, "package.json"), join(installed, "package.json"))
  cpSync(join(root, "dist"), join(installed, "dist"), { recursive: true })
  symlinkSync(join(root, "node_modules", "@noble"), join(project, "node_modules", "@noble"), "dir")
  if (effectVersion !== undefined) {
    mkdirSync(join(project, "node_modules", "effect"))
    writeFileSync(
      join(project, "node_modules", "effect", "package.json"),
      JSON.stringify({ name: "effect", version: effectVersion, exports: { "./package.json": "./package.json", "./*": "./dist/*.js" } })
    )
  }
  return project
}

const runIn = (project: string, args: ReadonlyArray<string>) => spawnSync(process.execPath, args, { cwd: project, encoding: "utf8" })

const BIN = "node_modules/api-gateway-request-signer/dist/bin/api-gateway-request-signer.js"

describe.skipIf(!built)("the effect peer dependency at another major version than 3", () => {
  it("the CLI exits 2 with one line that says to install effect@3, and no stack trace", () => {
    const { status, stderr } = runIn(projectWith("4.1.0"), [BIN, "--help"])
    expect(status).toBe(2)
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining("effect 4.1.0 is installed")])
    expect(stderr).toContain("npm install effect@3")
  })

  it("using the Effect API from require() of the root says to install effect@3; the facade still signs", () => {
    const { status, stdout, stderr } = runIn(projectWith("4.1.0"), ["-e", `
      const m = require("api-gateway-request-signer")
      const signed = new m.default({ endpoint: "https://abc.execute-api.us-east-1.amazonaws.com/prod", accessKey: "AKIDEXAMPLE", secretKey: "secret" })
        .signRequest({ method: "GET", path: "/pets" })
      const standIn = m.Signer
      let said
      try { standIn.layer } catch (error) { said = error.message }
      console.log(JSON.stringify({ url: signed.url, said }))
    `])
    expect(stderr).toBe("")
    expect(status).toBe(0)
    const { url, said } = JSON.parse(stdout)
    expect(url).toBe("https://abc.execute-api.us-east-1.amazonaws.com/prod/pets")
    expect(said).toContain("needs effect 3.x, and effect 4.1.0 is installed")
    expect(said).toContain("npm install effect@3")
  })
})

describe.skipIf(!built)("the effect peer dependency missing", () => {
  it("the CLI exits 2 with one line that says to install effect@3", () => {
    const { status, stderr } = runIn(projectWith(undefined), [BIN, "--version"])
    expect(status).toBe(2)
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining("not installed: npm install effect@3")])
  })
})
