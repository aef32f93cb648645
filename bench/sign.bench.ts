/**
 * `npm run bench`: time per signature of one API Gateway request, signed by
 * this package's Promise facade and Effect API, by aws4, and by
 * @smithy/signature-v4, interleaved in one process.
 *
 * Method (see bench/support.ts for why it is hand-written rather than tinybench):
 * warm-up and batch calibration per task, then ROUNDS rounds in which every
 * task runs for SLICE_MS in an order rotated each round; reported ns/op is the
 * median over rounds of each round's mean, and "vs aws4" is the median over
 * rounds of (aws4's round mean / the signer's round mean), so each ratio
 * compares measurements taken within the same half second. Informational only:
 * it always exits 0, unless the four signers disagree on the signature (then it
 * exits 1 before timing anything).
 */
import { createHash } from "node:crypto"
import { HttpRequest } from "@smithy/protocol-http"
import { Hash } from "@smithy/hash-node"
import { SignatureV4 } from "@smithy/signature-v4"
import aws4 from "aws4"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import ApiGatewaySigner, { Credentials, Signer } from "../src/index.js"
import type { RequestToSign } from "../src/index.js"
import {
  environmentLine,
  formatInt,
  formatTable,
  pairedRatio,
  runInterleaved,
  sinkValue,
  type Task,
  type TaskStats
} from "./support.js"

const ROUNDS = 16
const SLICE_MS = 100
const WARMUP_MS = 400
const BATCH_MS = 1

// ---------------------------------------------------------------------------
// The request: GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?limit=10&type=dog

const endpoint = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const hostname = "abc123.execute-api.us-east-1.amazonaws.com"
const region = "us-east-1"
const service = "execute-api"
const accessKeyId = "AKIDEXAMPLE"
const secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
// Shaped like an STS session token (base64 with the usual "IQoJb3JpZ2lu" prefix), 300
// characters, deterministic; not a real token.
const sessionToken = (
  "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ" +
  [1, 2, 3, 4].map((i) => createHash("sha512").update(`bench-session-token-${i}`).digest("base64")).join("")
).slice(0, 300)

const request: RequestToSign = { method: "GET", path: "/pets", queryParams: { limit: 10, type: "dog" } }

// 1. The Promise facade, constructed once.
const facade = new ApiGatewaySigner({ endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey, sessionToken })

// 2. The Effect API. The layers are built once into a Runtime; the effect is built
// once too (an Effect is a reusable description: each run reads the clock and
// credentials anew and signs again). Of the ways tried (ManagedRuntime#runSync,
// Runtime.runSync(runtime), Effect.runSync(Effect.provide(effect, context))), the
// first two cost the same and the third is slower (it re-provides the context on
// every run), so this uses Runtime.runSync(runtime).
const EFFECT_HOW = "Runtime.runSync(runtime)(effect); runtime from ManagedRuntime.make(Signer.layer + Credentials.layer), built once"
const managed = ManagedRuntime.make(
  Layer.merge(
    Signer.layer({ endpoint, region }),
    Credentials.layer({ accessKeyId, secretAccessKey, sessionToken })
  )
)
const runSync = Runtime.runSync(await managed.runtime())
const signEffect = Signer.signRequest(request)

// 3. aws4: a fresh options object per call (aws4 writes headers into it).
const aws4Credentials = { accessKeyId, secretAccessKey, sessionToken }
const aws4Options = (headers?: Record<string, string>) => ({
  host: hostname,
  path: "/prod/pets?limit=10&type=dog",
  method: "GET",
  service,
  region,
  ...(headers === undefined ? {} : { headers })
})

// 4. @smithy/signature-v4, constructed once. applyChecksum: false, so that it signs
// exactly the headers the other three sign (host;x-amz-date;x-amz-security-token).
// Its default (true) also adds and signs x-amz-content-sha256, which API Gateway
// does not need; that produces a different Authorization and costs it a little more.
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
    path: "/prod/pets",
    query: { limit: "10", type: "dog" },
    headers: { host: hostname }
  })

// ---------------------------------------------------------------------------
// Sanity check, before any timing: one fixed signing time, four identical signatures.

const headerOf = (headers: Record<string, unknown>, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return typeof value === "string" ? value : String(value)
  }
  return undefined
}

const checkAgreement = async (): Promise<void> => {
  const fixed = Date.UTC(2024, 0, 15, 12, 34, 56)
  const amzDate = "20240115T123456Z"
  // The facade reads Date.now(); Effect's default Clock reads Date.now() too.
  const realNow = Date.now
  let facadeHeaders: Record<string, string>
  let effectHeaders: Record<string, string>
  Date.now = () => fixed
  try {
    facadeHeaders = facade.signRequest(request).headers
    effectHeaders = runSync(signEffect).headers
  } finally {
    Date.now = realNow
  }
  const aws4Headers = aws4.sign(aws4Options({ "X-Amz-Date": amzDate }), aws4Credentials).headers ?? {}
  const smithyHeaders = (await smithy.sign(smithyRequest(), { signingDate: new Date(fixed) })).headers
  const all: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["facade", facadeHeaders],
    ["Effect", effectHeaders],
    ["aws4", aws4Headers],
    ["smithy", smithyHeaders]
  ]
  const problems: Array<string> = []
  const reference = headerOf(facadeHeaders, "authorization")
  for (const [name, headers] of all) {
    const authorization = headerOf(headers, "authorization")
    if (authorization === undefined || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/")) {
      problems.push(`${name}: no or malformed Authorization header: ${String(authorization)}`)
    } else if (authorization !== reference) {
      problems.push(`${name}: Authorization differs:\n    ${authorization}\n  facade:\n    ${String(reference)}`)
    }
    if (headerOf(headers, "x-amz-date") !== amzDate) problems.push(`${name}: x-amz-date is ${String(headerOf(headers, "x-amz-date"))}`)
    if (headerOf(headers, "x-amz-security-token") !== sessionToken) problems.push(`${name}: x-amz-security-token missing or different`)
  }
  // The live paths (real clock) must sign too; they are what gets timed.
  const live = [
    facade.signRequest(request).headers,
    runSync(signEffect).headers,
    aws4.sign(aws4Options(), aws4Credentials).headers ?? {},
    (await smithy.sign(smithyRequest())).headers
  ]
  live.forEach((headers, i) => {
    if (headerOf(headers, "authorization") === undefined) problems.push(`${all[i]![0]} (live clock): no Authorization header`)
  })
  if (problems.length > 0) {
    console.error("OUTPUTS DISAGREE; not timing anything:\n  " + problems.join("\n  "))
    process.exit(1)
  }
  console.log(`outputs agree: all four sign x-amz-date ${amzDate} with the same Authorization`)
  console.log(`  ${reference!}`)
}

// ---------------------------------------------------------------------------
// Timing

const tasks: ReadonlyArray<Task> = [
  { name: "facade", kind: "sync", fn: () => facade.signRequest(request).headers["authorization"]! },
  { name: "Effect", kind: "sync", fn: () => runSync(signEffect).headers["authorization"]! },
  { name: "aws4", kind: "sync", fn: () => String(aws4.sign(aws4Options(), aws4Credentials).headers!["Authorization"]) },
  { name: "smithy (async)", kind: "async", fn: async () => String((await smithy.sign(smithyRequest())).headers["authorization"]) },
  // Informational: the same as "Effect", building the effect anew each call, as code
  // that signs a different request each time does.
  { name: "Effect, new effect/call", kind: "sync", fn: () => runSync(Signer.signRequest(request)).headers["authorization"]! }
]

const report = (stats: ReadonlyArray<TaskStats>): void => {
  const byName = new Map(stats.map((s) => [s.name, s]))
  const aws4Stats = byName.get("aws4")!
  const rows = [
    ["signer", "ns/op (median)", "round min..max", "ops/s", "vs aws4"],
    ...stats.map((s) => {
      const ratio = pairedRatio(aws4Stats, s)
      return [
        s.name,
        formatInt(s.medianNs),
        `${formatInt(s.minNs)}..${formatInt(s.maxNs)}`,
        formatInt(1e9 / s.medianNs),
        s === aws4Stats ? "baseline" : `${ratio.toFixed(2)}x ${ratio >= 1 ? "faster" : "slower"}`
      ]
    })
  ]
  console.log(formatTable(rows))
  console.log("(vs aws4: median over rounds of aws4 ns/op / signer ns/op in that round; below 1 means slower than aws4)")
  console.log()
  const target = (label: string, name: string, goal: number): void => {
    const ratio = pairedRatio(aws4Stats, byName.get(name)!)
    console.log(`${label} vs aws4: ${ratio.toFixed(2)}x (target >= ${goal}x) ${ratio >= goal ? "PASS" : "FAIL"}`)
  }
  target("facade", "facade", 2)
  target("Effect", "Effect", 1.5)
}

const main = async (): Promise<void> => {
  const started = performance.now()
  console.log(environmentLine())
  console.log(`Request: GET ${endpoint}/pets?limit=10&type=dog (session token ${sessionToken.length} chars)`)
  console.log(`Effect: ${EFFECT_HOW}`)
  console.log("smithy: new SignatureV4({ ..., applyChecksum: false }).sign(new HttpRequest(...)), awaited per call")
  await checkAgreement()
  console.log(
    `Timing: ${tasks.length} tasks, warm-up ${WARMUP_MS} ms each, then ${ROUNDS} rounds x ${SLICE_MS} ms per task, ` +
      "rotated order..."
  )
  console.log()
  const stats = await runInterleaved(tasks, { rounds: ROUNDS, sliceMs: SLICE_MS, warmupMs: WARMUP_MS, batchMs: BATCH_MS })
  report(stats)
  console.log()
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s; sink ${sinkValue()})`)
  await managed.dispose()
}

await main()
