/**
 * Cold start: how long `await import(X)` takes in a fresh Node process, for this
 * package (its built dist/, resolved through package.json "exports"), aws4 and
 * @smithy/signature-v4. Run with `node --import tsx bench/coldstart.ts`.
 *
 * Each sample is a new `node --input-type=module -e "..."` process that times
 * only the dynamic import with performance.now(); Node's own start-up is the
 * same for every target and not counted (the "process" column shows it for
 * context). Targets alternate sample by sample, in rotated order, so load from
 * other processes hits them alike; one unrecorded run per target first warms
 * the file system cache. Children get the parent's environment minus
 * NODE_OPTIONS, so no loader (tsx) or flag is in effect in them.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { environmentLine, formatTable, median } from "./support.js"

const SAMPLES = 15

const root = fileURLToPath(new URL("..", import.meta.url))

interface Target {
  readonly label: string
  readonly specifier: string
  readonly needsDist: boolean
}

const targets: ReadonlyArray<Target> = [
  { label: "api-gateway-request-signer", specifier: "api-gateway-request-signer", needsDist: true },
  { label: "aws4", specifier: "aws4", needsDist: false },
  { label: "@smithy/signature-v4", specifier: "@smithy/signature-v4", needsDist: false },
  // Informational: the pure SigV4 core alone (imports only effect/Redacted).
  { label: "api-gateway-request-signer/ApiGatewaySigner", specifier: "api-gateway-request-signer/ApiGatewaySigner", needsDist: true },
  { label: "api-gateway-request-signer/SigV4 (info)", specifier: "api-gateway-request-signer/SigV4", needsDist: true }
]

const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env["NODE_OPTIONS"]
  return env
}

interface Sample {
  readonly importMs: number
  readonly processMs: number
}

const sampleOnce = (target: Target): Sample | string => {
  const code = `const t=performance.now(); await import(${JSON.stringify(target.specifier)}); console.log(performance.now()-t)`
  const started = process.hrtime.bigint()
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: root,
    env: childEnv(),
    encoding: "utf8"
  })
  const processMs = Number(process.hrtime.bigint() - started) / 1e6
  const importMs = Number.parseFloat(child.stdout.trim())
  if (child.status !== 0 || !Number.isFinite(importMs)) {
    return (child.stderr.trim().split("\n").find((line) => line.includes("Error")) ?? `exit code ${String(child.status)}`).trim()
  }
  return { importMs, processMs }
}

/** Newest modification time among src/ files that are built into dist/. */
const newestSourceMtime = (dir: string): number => {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full))
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

const main = (): void => {
  console.log(environmentLine())
  const distIndex = path.join(root, "dist", "index.js")
  const haveDist = existsSync(distIndex)
  if (!haveDist) {
    console.log("note: dist/ is missing: run npm run build first (api-gateway-request-signer resolves to dist/ through package.json \"exports\").")
  } else if (statSync(distIndex).mtimeMs < newestSourceMtime(path.join(root, "src"))) {
    console.log("note: dist/ is older than some file in src/; run npm run build first for current numbers.")
  }
  const active = targets.filter((target) => haveDist || !target.needsDist)
  console.log(`Import time in fresh processes: ${SAMPLES} samples per target, interleaved, after one warm-up run each...`)

  const samples = new Map<Target, Array<Sample>>(active.map((target) => [target, []]))
  const failures = new Map<Target, string>()
  for (const target of active) {
    const result = sampleOnce(target)
    if (typeof result === "string") failures.set(target, result)
  }
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < active.length; j++) {
      const target = active[(i + j) % active.length]!
      if (failures.has(target)) continue
      const result = sampleOnce(target)
      if (typeof result === "string") failures.set(target, result)
      else samples.get(target)!.push(result)
    }
  }

  const rows: Array<ReadonlyArray<string>> = [["import", "median ms", "min..max ms", "process median ms"]]
  for (const target of targets) {
    const taken = samples.get(target)
    const failure = failures.get(target)
    if (taken === undefined) rows.push([target.label, "n/a", "dist/ missing", ""])
    else if (failure !== undefined) rows.push([target.label, "failed", failure.slice(0, 60), ""])
    else {
      const imports = taken.map((s) => s.importMs)
      rows.push([
        target.label,
        median(imports).toFixed(1),
        `${Math.min(...imports).toFixed(1)}..${Math.max(...imports).toFixed(1)}`,
        median(taken.map((s) => s.processMs)).toFixed(0)
      ])
    }
  }
  console.log()
  console.log(formatTable(rows))
  console.log("(import = performance.now() around `await import(X)` inside the child; process = spawn to exit, seen from here)")
}

main()
