/**
 * Budget 2, browser signing: the page Chromium loads. Bundled by bench/run.ts
 * for the browser from the consumer project, so the facade comes from the
 * packed package with its browser crypto (@noble/hashes), next to aws4fetch's
 * `AwsV4Signer` (WebCrypto, asynchronous). It defines `checkAgreement` and
 * `warmUpTasks` and `slice` for the driver (bench/chromium.ts) to call: the
 * driver runs the rounds, one slice at a time, so that it can read the
 * renderer's CPU time around each slice.
 *
 * Both sign the one request (request.ts) as each is meant to be used: the
 * facade constructed once and `signRequest` per request (synchronous);
 * aws4fetch a `new AwsV4Signer({ ... })` per request and its `sign()` awaited,
 * with one signing-key cache shared by all of them (as its `AwsClient` does),
 * so that it too derives the signing key once.
 */
import { type _HMAC, hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import ApiGatewaySigner from "api-gateway-request-signer"
import { AwsV4Signer } from "aws4fetch"
import { makeFloor } from "./floor.js"
import { type Options, runFor, sinkValue, type Task, warmUp } from "./harness.js"
import {
  accessKeyId,
  endpoint,
  facadeRequest,
  FIXED_AMZ_DATE,
  FIXED_TIME,
  region,
  secretAccessKey,
  service,
  sessionToken,
  url
} from "./request.js"

// The same request as the other signers: without the original package's default Accept header.
const facade = new ApiGatewaySigner({ endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey, sessionToken, defaultAcceptType: false })

const aws4fetchCache = new Map<string, ArrayBuffer>()
const aws4fetchSign = (datetime?: string) =>
  new AwsV4Signer({
    url,
    method: "GET",
    accessKeyId,
    secretAccessKey,
    sessionToken,
    service,
    region,
    cache: aws4fetchCache,
    ...(datetime === undefined ? {} : { datetime })
  }).sign()

// Informational: the hand-written floor (floor.ts) on @noble/hashes, using it as cheaply as its
// API allows: texts encoded into one buffer (encodeInto), each hash a copy of a fresh or keyed
// state into one reused hash (_cloneInto), digests into one array. aws4fetch / this is the most
// any signer built on @noble/hashes could reach here.
const floorText = new TextEncoder()
const floorScratch = new Uint8Array(4096)
const floorDigest = new Uint8Array(32)
const floorBytes = (text: string) => floorScratch.subarray(0, floorText.encodeInto(text, floorScratch).written)
const freshSha256 = sha256.create()
let floorSha256: ReturnType<typeof sha256.create> | undefined
interface FloorKey {
  readonly keyed: _HMAC<never>
  reused: _HMAC<never> | undefined
}
const floorSign = makeFloor<FloorKey>({
  sha256Hex: (text) => {
    floorSha256 = freshSha256._cloneInto(floorSha256)
    floorSha256.update(floorBytes(text)).digestInto(floorDigest)
    return bytesToHex(floorDigest)
  },
  hmac: (key, text) => hmac(sha256, typeof key === "string" ? utf8ToBytes(key) : key, utf8ToBytes(text)),
  prepareKey: (key) => ({ keyed: hmac.create(sha256, key) as _HMAC<never>, reused: undefined }),
  hmacHex: (key, text) => {
    key.reused = key.keyed._cloneInto(key.reused)
    key.reused.update(floorBytes(text)).digestInto(floorDigest)
    return bytesToHex(floorDigest)
  }
})

export interface SignedHeaders {
  readonly authorization: string | undefined
  readonly amzDate: string | undefined
  readonly securityToken: string | undefined
}

/** What each signs at the fixed time. */
const checkAgreement = async (): Promise<Record<"facade" | "aws4fetch" | "floor", SignedHeaders>> => {
  const realNow = Date.now
  let headers: Record<string, string>
  Date.now = () => FIXED_TIME
  try {
    headers = facade.signRequest(facadeRequest).headers
  } finally {
    Date.now = realNow
  }
  const signed = await aws4fetchSign(FIXED_AMZ_DATE)
  const floor = floorSign(FIXED_TIME)
  return {
    floor: { authorization: floor.authorization, amzDate: floor["x-amz-date"], securityToken: floor["x-amz-security-token"] },
    facade: { authorization: headers.Authorization, amzDate: headers["x-amz-date"], securityToken: headers["x-amz-security-token"] },
    aws4fetch: {
      authorization: signed.headers.get("authorization") ?? undefined,
      amzDate: signed.headers.get("x-amz-date") ?? undefined,
      securityToken: signed.headers.get("x-amz-security-token") ?? undefined
    }
  }
}

export interface PageOptions {
  readonly warmupMs: number
  readonly batchMs: number
}

const tasks: ReadonlyArray<Task> = [
  { name: "facade (sync)", kind: "sync", fn: () => facade.signRequest(facadeRequest).headers.Authorization },
  { name: "aws4fetch AwsV4Signer (async)", kind: "async", fn: async () => (await aws4fetchSign()).headers.get("authorization")! },
  { name: "floor on @noble/hashes (info)", kind: "sync", fn: () => floorSign(Date.now()).authorization }
]

const now = () => performance.now()
let options: Options | undefined
let batches = new Map<Task, number>()

/** Calibrates and warms up both tasks (harness.ts); returns what the driver needs to know of the page. */
const warmUpTasks = async (given: PageOptions) => {
  options = { ...given, rounds: 0, sliceMs: 0, now }
  batches = await warmUp(tasks, options)
  // Timer resolution: 5 µs when the page is cross-origin isolated, 100 µs otherwise.
  let step = Infinity
  for (let i = 0, last = now(); i < 200; i++) {
    const next = now()
    if (next > last) step = Math.min(step, next - last)
    last = next
  }
  // The project's lib has no DOM types: the two browser globals read here, typed by hand.
  const browser = globalThis as { readonly navigator?: { readonly userAgent: string }; readonly crossOriginIsolated?: boolean }
  return {
    tasks: tasks.map((task) => task.name),
    batches: tasks.map((task) => batches.get(task)!),
    userAgent: browser.navigator?.userAgent ?? "",
    crossOriginIsolated: browser.crossOriginIsolated === true,
    timerStepMs: step
  }
}

/** Runs task `index` for `ms` of wall time (performance.now); the driver reads CPU time around it. */
const slice = async (index: number, ms: number): Promise<{ readonly ms: number; readonly calls: number; readonly sink: number }> => {
  const task = tasks[index]!
  const [spent, , calls] = await runFor(task, batches.get(task)!, ms, options!)
  return { ms: spent, calls, sink: sinkValue() }
}

export type PageInfo = Awaited<ReturnType<typeof warmUpTasks>>

Object.assign(globalThis, { checkAgreement, warmUpTasks, slice })
