/**
 * Budget 4, cold start: a fresh Node process that imports the facade subpath
 * `api-gateway-request-signer/ApiGatewaySigner` and signs the one request
 * once, against one that imports aws4 and signs once: whole-process wall
 * time, spawn to exit, as a Lambda cold start pays it.
 *
 * Each sample is `node --input-type=module -e "<program>"` run from the
 * consumer project, so the package resolves by name through its exports map
 * to the packed dist. Targets alternate sample by sample in rotated order, so
 * load from other processes hits them alike; the budget is the median over
 * rounds of (facade process / aws4 process) in the same round. One unrecorded
 * run per target first warms the file system cache. Children get the
 * parent's environment minus NODE_OPTIONS and AWS_*, so no loader (tsx) or
 * flag is in effect in them. Each program also reports, from inside, how long
 * its import and signature took (performance.now() around a dynamic import
 * and the sign call), which leaves Node's own start-up out, and the CPU time
 * it has used by then (process.cpuUsage: user + system, all threads), which
 * the scheduler's share of a loaded machine does not change as much as wall
 * time.
 */
import { spawnSync } from "node:child_process"
import { PACKAGE } from "../test/runtimes/consumer.js"
import { accessKeyId, endpoint, hostname, path, query, region, secretAccessKey, service, sessionToken } from "./programs/request.js"

export interface ColdTarget {
  readonly label: string
  /** The program: an ES module; prints the Authorization it made, then the ms its import and signature took. */
  readonly program: string
}

const j = JSON.stringify

/**
 * Times the import and the signature from inside, then prints the Authorization, that
 * time, and the CPU time the process has used since it started (user + system, all threads).
 */
const timed = (imports: string, sign: string): string =>
  `const t0 = performance.now(); ${imports}; const authorization = ${sign}; const t1 = performance.now(); ` +
  `const cpu = process.cpuUsage(); console.log(authorization); console.log(t1 - t0); console.log((cpu.user + cpu.system) / 1000)`

/** `load` "require" loads the specifier as CommonJS code would (`require()`, which selects the exports map's `require` condition). */
export const facadeProgram = (specifier: string, load: "import" | "require" = "import"): string =>
  timed(
    load === "import"
      ? `const { default: ApiGatewaySigner } = await import(${j(specifier)})`
      : `const { default: ApiGatewaySigner } = (await import("node:module")).createRequire(import.meta.url)(${j(specifier)})`,
    `new ApiGatewaySigner({ endpoint: ${j(endpoint)}, region: ${j(region)}, accessKey: ${j(accessKeyId)}, ` +
      `secretKey: ${j(secretAccessKey)}, sessionToken: ${j(sessionToken)}, defaultAcceptType: false })` +
      `.signRequest({ method: "GET", path: ${j(path)}, queryParams: { limit: 10, type: "dog" } }).headers.Authorization`
  )

/** `load` "require": aws4 as a CommonJS handler loads it, the baseline of a facade loaded with `require()`. */
export const aws4Program = (load: "import" | "require" = "import"): string =>
  timed(
    load === "import"
      ? `const { default: aws4 } = await import("aws4")`
      : `const aws4 = (await import("node:module")).createRequire(import.meta.url)("aws4")`,
    `aws4.sign({ host: ${j(hostname)}, path: ${j(`/prod${path}?${query}`)}, method: "GET", service: ${j(service)}, region: ${j(region)} }, ` +
      `{ accessKeyId: ${j(accessKeyId)}, secretAccessKey: ${j(secretAccessKey)}, sessionToken: ${j(sessionToken)} }).headers.Authorization`
  )

/** Node alone: start, print two lines, exit. */
export const bareProgram = (): string => timed(`0`, `"AWS4-HMAC-SHA256 Credential=${accessKeyId}/"`)

export const FACADE_SUBPATH = `${PACKAGE}/ApiGatewaySigner`

export interface ColdSamples {
  readonly label: string
  /** Spawn to exit, per round, ms. */
  readonly processMs: ReadonlyArray<number>
  /** Import and signature, from inside, per round, ms. */
  readonly insideMs: ReadonlyArray<number>
  /** CPU time of the process by the end of its program, per round, ms. */
  readonly cpuMs: ReadonlyArray<number>
}

export type ColdOutcome =
  | { readonly ok: true; readonly samples: ReadonlyArray<ColdSamples> }
  | { readonly ok: false; readonly why: string }

const childEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS" && !name.startsWith("AWS_")))

interface Sample {
  readonly processMs: number
  readonly insideMs: number
  readonly cpuMs: number
}

const sampleOnce = (consumer: string, target: ColdTarget, env: NodeJS.ProcessEnv): Sample | string => {
  const started = process.hrtime.bigint()
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", target.program], { cwd: consumer, env, encoding: "utf8" })
  const processMs = Number(process.hrtime.bigint() - started) / 1e6
  const [authorization, inside, cpu] = child.stdout.trim().split("\n")
  const insideMs = Number.parseFloat(inside ?? "")
  const cpuMs = Number.parseFloat(cpu ?? "")
  if (child.status !== 0 || !Number.isFinite(insideMs) || !Number.isFinite(cpuMs)) {
    return `${target.label}: exit ${String(child.status)}: ${child.stderr.trim().split("\n").find((line) => /Error/.test(line)) ?? child.stderr.trim().slice(0, 200)}`
  }
  if (!authorization?.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) return `${target.label}: printed no Authorization: ${String(authorization)}`
  return { processMs, insideMs, cpuMs }
}

/** `rounds` rounds, each running every target once in rotated order, after one warm-up run each. */
export const measureColdStart = (consumer: string, targets: ReadonlyArray<ColdTarget>, rounds: number): ColdOutcome => {
  const env = childEnv()
  for (const target of targets) {
    const warm = sampleOnce(consumer, target, env)
    if (typeof warm === "string") return { ok: false, why: warm }
  }
  const processMs = targets.map((): Array<number> => [])
  const insideMs = targets.map((): Array<number> => [])
  const cpuMs = targets.map((): Array<number> => [])
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const index = (i + round) % targets.length
      const sample = sampleOnce(consumer, targets[index]!, env)
      if (typeof sample === "string") return { ok: false, why: sample }
      processMs[index]!.push(sample.processMs)
      insideMs[index]!.push(sample.insideMs)
      cpuMs[index]!.push(sample.cpuMs)
    }
  }
  return {
    ok: true,
    samples: targets.map((target, i) => ({ label: target.label, processMs: processMs[i]!, insideMs: insideMs[i]!, cpuMs: cpuMs[i]! }))
  }
}

/** Per round, a's process wall time / b's (or CPU time, with `cpu`). */
export const roundRatios = (a: ColdSamples, b: ColdSamples, cpu = false): ReadonlyArray<number> => {
  const [as, bs] = cpu ? [a.cpuMs, b.cpuMs] : [a.processMs, b.processMs]
  return as.map((ms, round) => ms / bs[round]!)
}

