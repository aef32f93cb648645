/**
 * The program Node, Bun and Deno run: `<runtime> cli.mjs GATEWAY_URL`. It
 * imports the package by name (resolved in a consumer project whose
 * node_modules links the built package) and prints one JSON line: a Report.
 */
import { type Report, runCases } from "../client.js"

interface RuntimeGlobals {
  readonly Deno?: { readonly args: ReadonlyArray<string>; readonly version: { readonly deno: string } }
  readonly Bun?: { readonly version: string }
}
const runtime = globalThis as RuntimeGlobals

const gatewayUrl = runtime.Deno !== undefined ? runtime.Deno.args[0] : process.argv[2]
if (gatewayUrl === undefined) throw new Error("usage: cli.mjs GATEWAY_URL")
const version = runtime.Deno !== undefined ? runtime.Deno.version.deno
  : runtime.Bun !== undefined ? runtime.Bun.version
  : process.versions.node
const report: Report = { version, outcomes: await runCases(gatewayUrl) }
console.log(JSON.stringify(report))
