/**
 * The test Jest runs: a CommonJS test file (bundled to `jest/signer.test.cjs`,
 * the package left external) that requires the package root, as a 2.x app's
 * test suite does, signs every case and sends it to the local gateway. Jest
 * loads modules itself: before Node 24.9, or without --experimental-vm-modules,
 * it cannot require an ES module, and the root falls back to the facade's
 * CommonJS copy. The report says which the root gave, so that the driver can
 * check the run took the path it meant to.
 *
 * The gateway's URL comes in RUNTIMES_GATEWAY_URL; the report goes, as JSON,
 * to the file RUNTIMES_REPORT (Jest decorates what a test prints).
 */
import { writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { type Report, runCases } from "../client.js"

declare const test: (name: string, body: () => Promise<void>, timeoutMs: number) => void

export type Facade = "ES modules" | "CommonJS copy"

export interface JestReport extends Report {
  readonly facade: Facade
}

/**
 * Where the root's classes come from: the ES modules when Jest can require the facade's ES module file and its class
 * is the root's own, the CommonJS copy when Jest cannot require it at all (Jest 30 refuses it; Jest 29 fails to
 * compile it). Either way the facade's subpath, which has a CommonJS entry of its own, must give the root's class.
 */
const facadeOfRoot = (): Facade => {
  const root = require("api-gateway-request-signer") as typeof import("api-gateway-request-signer")
  const subpath = require("api-gateway-request-signer/SigningError") as typeof import("api-gateway-request-signer/SigningError")
  if (subpath.SigningError !== root.SigningError) throw new Error("the subpath's SigningError is not the root's")
  const esModuleFile = join(dirname(require.resolve("api-gateway-request-signer/package.json")), "dist", "SigningError.js")
  let esModule: typeof import("api-gateway-request-signer/SigningError")
  try {
    esModule = require(esModuleFile) as typeof esModule
  } catch (error) {
    // Jest 30 refuses the ES module (ERR_REQUIRE_ESM); Jest 29 compiles it as CommonJS and fails on its syntax.
    const { code, name } = error as { code?: unknown; name?: unknown }
    if (code === "ERR_REQUIRE_ESM" || name === "SyntaxError") return "CommonJS copy"
    throw error
  }
  if (esModule.SigningError !== root.SigningError) throw new Error("the root's SigningError is not the ES module's, although Jest required both")
  return "ES modules"
}

test("signs every case with the package root from require(), and sends it", async () => {
  const gatewayUrl = process.env["RUNTIMES_GATEWAY_URL"]
  const reportFile = process.env["RUNTIMES_REPORT"]
  if (gatewayUrl === undefined || reportFile === undefined) throw new Error("RUNTIMES_GATEWAY_URL and RUNTIMES_REPORT must be set")
  const facade = facadeOfRoot()
  const report: JestReport = { version: process.versions.node, facade, outcomes: await runCases(gatewayUrl) }
  writeFileSync(reportFile, JSON.stringify(report))
}, 60_000)
