/**
 * Budget 1, Node signing: time per signature of the one request
 * (request.ts), signed by this package's Promise facade, by a hand-written
 * floor, by aws4, and (informational) by the Effect API and
 * @smithy/signature-v4, interleaved in one process (harness.ts).
 *
 * Bundled by bench/run.ts into the consumer project with every package left
 * external, and run there with plain `node`: the package resolves by name
 * through its exports and imports maps to the packed dist (node:crypto under
 * the `node` condition), as an installed package does. Prints its tables,
 * then one line `RESULT <json>` for the budget table.
 *
 * Exits 1 before timing anything if the signers disagree on the signature.
 */
import { createHmac, createSecretKey, hash as oneShotHash, type KeyObject } from "node:crypto"
import { HttpRequest } from "@smithy/protocol-http"
import { Hash } from "@smithy/hash-node"
import { SignatureV4 } from "@smithy/signature-v4"
import aws4 from "aws4"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import ApiGatewaySigner, { Credentials, Signer } from "api-gateway-request-signer"
import { makeFloor } from "./floor.js"
import { median, type Ratio, ratioOf, pairedRatios, runInterleaved, sinkValue, speedup, type Task, type TaskStats } from "./harness.js"
import {
  accessKeyId,
  endpoint,
  facadeRequest,
  FIXED_AMZ_DATE,
  FIXED_TIME,
  hostname,
  path,
  query,
  region,
  secretAccessKey,
  service,
  sessionToken
} from "./request.js"

const ROUNDS = 20
const SLICE_MS = 80
const WARMUP_MS = 400
const BATCH_MS = 1

/**
 * The clock: this process's CPU time (user + system, all threads, so a signer's
 * GC work counts), in ms. On a shared 2-core machine, wall time also counts the
 * time the scheduler gives to other processes, which varies by 2-5x from one
 * slice to the next under load; CPU time does not. Wall time is read around the
 * same batches and reported beside it. On an idle machine the two agree.
 */
const cpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}
const wallMs = (): number => performance.now()

// ---------------------------------------------------------------------------
// The signers

// 1. The Promise facade, constructed once.
// The same request as the other signers: without the original package's default Accept header.
const facade = new ApiGatewaySigner({ endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey, sessionToken, defaultAcceptType: false })

// 2. The floor (floor.ts), on node:crypto as the facade's node adapter uses it: a one-shot
// crypto.hash of the canonical request, createHmac on a KeyObject for the signature.
const floorSign = makeFloor<KeyObject>({
  sha256Hex: (text) => oneShotHash("sha256", text, "hex"),
  hmac: (key, text) => createHmac("sha256", key).update(text).digest(),
  prepareKey: (key) => createSecretKey(key),
  hmacHex: (key, text) => createHmac("sha256", key).update(text).digest("hex")
})

// 3. aws4: a fresh options object per call (aws4 writes headers into it).
const aws4Credentials = { accessKeyId, secretAccessKey, sessionToken }
const aws4Options = (headers?: Record<string, string>) => ({
  host: hostname,
  path: `/prod${path}?${query}`,
  method: "GET",
  service,
  region,
  ...(headers === undefined ? {} : { headers })
})

// 4. The Effect API. The layers are built once into a Runtime; the effect is built
// once too (an Effect is a reusable description: each run reads the clock and
// credentials anew and signs again). Runtime.runSync(runtime) and
// ManagedRuntime#runSync cost the same; Effect.runSync(Effect.provide(...))
// re-provides the context on every run and is slower.
const managed = ManagedRuntime.make(
  Layer.merge(Signer.layer({ endpoint, region }), Credentials.layer({ accessKeyId, secretAccessKey, sessionToken }))
)
const runSync = Runtime.runSync(await managed.runtime())
const signEffect = Signer.signRequest(facadeRequest)

// 5. @smithy/signature-v4, constructed once. applyChecksum: false, so that it signs
// exactly the headers the others sign (its default also signs x-amz-content-sha256).
const smithy = new SignatureV4({
  credentials: { accessKeyId, secretAccessKey, sessionToken },
  region,
  service,
  sha256: Hash.bind(null, "sha256"),
  applyChecksum: false
})
const smithyRequest = () =>
  new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: `/prod${path}`,
    query: { limit: "10", type: "dog" },
    headers: { host: hostname }
  })

// ---------------------------------------------------------------------------
// Agreement, before any timing: at one fixed time, the same three headers from all.

const headerOf = (headers: Record<string, unknown>, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return typeof value === "string" ? value : String(value)
  }
  return undefined
}

const checkAgreement = async (): Promise<string> => {
  // The facade reads Date.now(); Effect's default Clock reads Date.now() too.
  const realNow = Date.now
  let facadeHeaders: Record<string, string>
  let effectHeaders: Record<string, string>
  Date.now = () => FIXED_TIME
  try {
    facadeHeaders = facade.signRequest(facadeRequest).headers
    effectHeaders = runSync(signEffect).headers
  } finally {
    Date.now = realNow
  }
  const all: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["facade", facadeHeaders],
    ["floor", floorSign(FIXED_TIME)],
    ["aws4", aws4.sign(aws4Options({ "X-Amz-Date": FIXED_AMZ_DATE }), aws4Credentials).headers ?? {}],
    ["Effect", effectHeaders],
    ["smithy", (await smithy.sign(smithyRequest(), { signingDate: new Date(FIXED_TIME) })).headers]
  ]
  const problems: Array<string> = []
  const reference = headerOf(facadeHeaders, "authorization")
  for (const [name, headers] of all) {
    const authorization = headerOf(headers, "authorization")
    if (authorization === undefined || !authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240115/`)) {
      problems.push(`${name}: no or malformed Authorization header: ${String(authorization)}`)
    } else if (authorization !== reference) {
      problems.push(`${name}: Authorization differs:\n    ${authorization}\n  facade:\n    ${String(reference)}`)
    }
    if (headerOf(headers, "x-amz-date") !== FIXED_AMZ_DATE) problems.push(`${name}: x-amz-date is ${String(headerOf(headers, "x-amz-date"))}`)
    if (headerOf(headers, "x-amz-security-token") !== sessionToken) problems.push(`${name}: x-amz-security-token missing or different`)
  }
  // The live paths (real clock) must sign too; they are what gets timed.
  const live = [
    facade.signRequest(facadeRequest).headers,
    floorSign(Date.now()),
    aws4.sign(aws4Options(), aws4Credentials).headers ?? {},
    runSync(signEffect).headers,
    (await smithy.sign(smithyRequest())).headers
  ]
  live.forEach((headers, i) => {
    if (headerOf(headers, "authorization") === undefined) problems.push(`${all[i]![0]} (live clock): no Authorization header`)
  })
  if (problems.length > 0) {
    console.error("OUTPUTS DISAGREE; not timing anything:\n  " + problems.join("\n  "))
    process.exit(1)
  }
  console.log(`outputs agree: facade, floor, aws4, Effect and smithy sign x-amz-date ${FIXED_AMZ_DATE} with the same Authorization`)
  return reference!
}

// ---------------------------------------------------------------------------
// Timing

const tasks: ReadonlyArray<Task> = [
  { name: "facade", kind: "sync", fn: () => facade.signRequest(facadeRequest).headers.Authorization },
  { name: "floor (hand-written)", kind: "sync", fn: () => floorSign(Date.now())["authorization"]! },
  { name: "aws4", kind: "sync", fn: () => String(aws4.sign(aws4Options(), aws4Credentials).headers!["Authorization"]) },
  { name: "Effect API", kind: "sync", fn: () => runSync(signEffect).headers["authorization"]! },
  { name: "smithy (async)", kind: "async", fn: async () => String((await smithy.sign(smithyRequest())).headers["authorization"]) }
]

const int = (value: number): string => Math.round(value).toLocaleString("en-US")
const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  "))
    .join("\n")
}
const times = (ratio: Ratio): string => `${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}..${ratio.max.toFixed(2)})`

export interface NodeResult {
  readonly authorization: string
  readonly node: string
  readonly resolved: string
  readonly facadeNs: number
  readonly floorNs: number
  readonly aws4Ns: number
  /** aws4 / facade, per round, CPU time. */
  readonly vsAws4: Ratio
  /** facade / floor, per round, CPU time. */
  readonly vsFloor: Ratio
  /** The same two by wall time. */
  readonly wallVsAws4: Ratio
  readonly wallVsFloor: Ratio
  readonly rounds: number
}

const main = async (): Promise<void> => {
  const started = performance.now()
  const resolved = import.meta.resolve("api-gateway-request-signer")
  console.log(`api-gateway-request-signer resolved to ${resolved}`)
  console.log(`smithy: new SignatureV4({ ..., applyChecksum: false }).sign(new HttpRequest(...)), awaited per call`)
  console.log("Effect API: Runtime.runSync(runtime)(Signer.signRequest(request)), runtime from ManagedRuntime.make(Signer.layer + Credentials.layer), built once")
  const authorization = await checkAgreement()
  console.log(`  ${authorization}`)
  console.log(
    `timing: ${tasks.length} tasks, warm-up ${WARMUP_MS} ms each, then ${ROUNDS} rounds x ${SLICE_MS} ms of CPU time per task, ` +
      "rotated order; CPU time (process.cpuUsage) is the measure, wall time is read beside it"
  )
  const stats = await runInterleaved(tasks, { rounds: ROUNDS, sliceMs: SLICE_MS, warmupMs: WARMUP_MS, batchMs: BATCH_MS, now: cpuMs, alsoNow: wallMs })
  const [facadeStats, floorStats, aws4Stats] = stats as [TaskStats, TaskStats, TaskStats, ...Array<TaskStats>]
  console.log()
  console.log(table([
    ["signer", "CPU ns/op (median)", "round min..max", "vs aws4 (median, min..max)", "vs floor (time / floor time)", "wall ns/op", "wall: vs aws4, vs floor"],
    ...stats.map((s) => [
      s.name,
      int(s.medianNs),
      `${int(s.minNs)}..${int(s.maxNs)}`,
      s === aws4Stats ? "baseline" : `${times(speedup(aws4Stats, s))} faster`,
      s === floorStats ? "baseline" : times(ratioOf(pairedRatios(s, floorStats))),
      int(median(s.alsoRoundMeansNs!)),
      `${s === aws4Stats ? "-" : speedup(aws4Stats, s, true).median.toFixed(2)}, ${s === floorStats ? "-" : median(pairedRatios(s, floorStats, true)).toFixed(2)}`
    ])
  ]))
  console.log("(ratios: per round, then the median over rounds and their range; vs aws4 below 1 means slower than aws4)")
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s; sink ${sinkValue()})`)
  await managed.dispose()
  const result: NodeResult = {
    authorization,
    node: process.version,
    resolved,
    facadeNs: facadeStats.medianNs,
    floorNs: floorStats.medianNs,
    aws4Ns: aws4Stats.medianNs,
    vsAws4: speedup(aws4Stats, facadeStats),
    vsFloor: ratioOf(pairedRatios(facadeStats, floorStats)),
    wallVsAws4: speedup(aws4Stats, facadeStats, true),
    wallVsFloor: ratioOf(pairedRatios(facadeStats, floorStats, true)),
    rounds: ROUNDS
  }
  console.log(`RESULT ${JSON.stringify(result)}`)
}

await main()
