/**
 * Budget 2, browser signing: loads the bundled page (programs/page.ts) in
 * Debian's Chromium, driven by playwright-core, and times the facade and
 * aws4fetch in the same page, after checking that both sign the fixed-time
 * request exactly as the Node signers did. A third task, informational, is the
 * hand-written floor (programs/floor.ts) on @noble/hashes: aws4fetch / floor
 * is the most any signer on that library could reach here.
 *
 * After the page's warm-up, the rounds run from here, one slice at a time in
 * rotated order: the page times each slice with performance.now() (wall), and
 * this driver reads the CPU time of the page's renderer process around it
 * (the sum over its threads of /proc/PID/task/TID/schedstat, in ns; WebCrypto's
 * worker thread included, so aws4fetch is charged for the work it hands off).
 * As in Node, CPU time is the measure and wall time is reported beside it:
 * on a loaded 2-core machine wall time mostly measures the scheduler. Where
 * /proc is not there, wall time is the measure.
 *
 * The page is served from 127.0.0.1 with COOP/COEP headers, so that it is
 * cross-origin isolated and performance.now() steps by 5 µs instead of 100 µs.
 * Chromium is not installed here (npm run test:runtimes does that): when it
 * is missing, the budget is reported as not measured, saying why.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium as playwrightChromium } from "playwright-core"
import { failure, run } from "../test/runtimes/proc.js"
import { CHROMIUM, CHROMIUM_FLAGS } from "../test/runtimes/tools.js"
import { type Ratio, ratioOf, pairedRatios, statsOf, type TaskStats } from "./programs/harness.js"
import type { PageInfo, PageOptions, SignedHeaders } from "./programs/page.js"

export const PAGE_OPTIONS: PageOptions = { warmupMs: 400, batchMs: 5 }
export const ROUNDS = 16
export const SLICE_MS = 100

export interface ChromiumResult {
  readonly version: string
  readonly page: PageInfo
  /** "CPU" when the renderer's CPU time was read, else "wall". */
  readonly clock: "CPU" | "wall"
  /** Per-round means by `clock`, wall beside. */
  readonly facade: TaskStats
  readonly aws4fetch: TaskStats
  /** The hand-written floor on @noble/hashes (informational). */
  readonly floor: TaskStats
  /** aws4fetch / facade, per round, by `clock`, and by wall time. */
  readonly vsAws4fetch: Ratio
  readonly wallVsAws4fetch: Ratio
  /** aws4fetch / floor: the most a signer on @noble/hashes could reach. */
  readonly floorVsAws4fetch: Ratio
  /** facade / floor. */
  readonly facadeVsFloor: Ratio
}

export type ChromiumOutcome =
  | { readonly measured: true; readonly result: ChromiumResult }
  | { readonly measured: false; readonly why: string }

/** The page's renderer processes: Chromium gives each the profile directory on its command line. */
const rendererPids = (profile: string): ReadonlyArray<string> => {
  if (!existsSync("/proc/self/task")) return []
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      // Zygote-forked processes rewrite their command line as one space-separated string.
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/)
      return args.includes("--type=renderer") && args.includes(`--user-data-dir=${profile}`)
    } catch {
      return false // gone meanwhile
    }
  })
}

/** CPU time of the processes, ns: per thread, the first field of schedstat (time on a CPU). */
const cpuNs = (pids: ReadonlyArray<string>): number => {
  let total = 0
  for (const pid of pids) {
    let threads: Array<string> = []
    try {
      threads = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of threads) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0])
      } catch {
        // a thread that ended meanwhile
      }
    }
  }
  return total
}

const servePage = async (script: string): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const html = `<!doctype html><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>\n`
  const server = http.createServer((req, res) => {
    const [type, body] = req.url === "/" ? ["text/html; charset=utf-8", html] : req.url === "/page.js" ? ["text/javascript; charset=utf-8", script] : [undefined, ""]
    if (type === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      "content-type": type,
      "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp"
    }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const describeHeaders = (headers: SignedHeaders) =>
  `Authorization ${String(headers.authorization)}, x-amz-date ${String(headers.amzDate)}`

/**
 * Runs the page (`pageFile`, bundled) in Chromium. `expected` is the
 * Authorization the Node signers agreed on for the fixed time, and
 * `sessionToken` the token signed.
 */
export const runChromium = async (pageFile: string, expected: string, expectedDate: string, sessionToken: string): Promise<ChromiumOutcome> => {
  if (!existsSync(CHROMIUM)) return { measured: false, why: `${CHROMIUM} is missing (apt-get install -y chromium, or npm run test:runtimes, installs it)` }
  const answered = await run(CHROMIUM, ["--version"], { timeoutMs: 30_000 })
  if (failure(answered) !== undefined) return { measured: false, why: `${CHROMIUM} --version ${failure(answered)!}` }
  const version = answered.stdout.trim().replace(/ built on .*/, "")

  const page = await servePage(await readFile(pageFile, "utf8"))
  const profile = await mkdtemp(join(tmpdir(), "bench-chromium-"))
  const pageErrors: Array<string> = []
  try {
    const context = await playwrightChromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      timeout: 60_000
    })
    try {
      const tab = context.pages()[0] ?? (await context.newPage())
      tab.on("pageerror", (error) => pageErrors.push(error.message))
      tab.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text())
      })
      await tab.goto(page.url)
      await tab.waitForFunction("typeof slice === 'function'", undefined, { timeout: 15_000 }).catch(() => {
        throw new Error(`the page never defined slice${pageErrors.length > 0 ? `: ${pageErrors.join("; ")}` : ""}`)
      })
      const agreement = (await tab.evaluate("checkAgreement()")) as Record<"facade" | "aws4fetch" | "floor", SignedHeaders>
      const problems = Object.entries(agreement).flatMap(([name, headers]) =>
        headers.authorization === expected && headers.amzDate === expectedDate && headers.securityToken === sessionToken
          ? []
          : [`${name} in Chromium: ${describeHeaders(headers)}${headers.securityToken === sessionToken ? "" : ", x-amz-security-token missing or different"}`]
      )
      if (problems.length > 0) {
        throw new Error(`signatures in the page differ from Node's (${expected}); not timing:\n  ${problems.join("\n  ")}`)
      }
      const info = (await tab.evaluate(`warmUpTasks(${JSON.stringify(PAGE_OPTIONS)})`)) as PageInfo
      const pids = rendererPids(profile)
      const clock = pids.length > 0 ? "CPU" : "wall"
      const wallMeans: Array<Array<number>> = info.tasks.map(() => [])
      const cpuMeans: Array<Array<number>> = info.tasks.map(() => [])
      const calls = info.tasks.map(() => 0)
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < info.tasks.length; i++) {
          const index = (i + round) % info.tasks.length
          const before = cpuNs(pids)
          const slice = (await tab.evaluate(`slice(${index}, ${SLICE_MS})`)) as { ms: number; calls: number }
          const after = cpuNs(pids)
          wallMeans[index]!.push((slice.ms * 1e6) / slice.calls)
          cpuMeans[index]!.push((after - before) / slice.calls)
          calls[index]! += slice.calls
        }
      }
      if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join("; ")}`)
      const stats = info.tasks.map((name, i) =>
        clock === "CPU" ? statsOf(name, cpuMeans[i]!, wallMeans[i]!, calls[i]!) : statsOf(name, wallMeans[i]!, wallMeans[i]!, calls[i]!)
      )
      const [facade, aws4fetch, floor] = stats as [TaskStats, TaskStats, TaskStats]
      return {
        measured: true,
        result: {
          version,
          page: info,
          clock,
          facade,
          aws4fetch,
          floor,
          vsAws4fetch: ratioOf(pairedRatios(aws4fetch, facade)),
          wallVsAws4fetch: ratioOf(pairedRatios(aws4fetch, facade, true)),
          floorVsAws4fetch: ratioOf(pairedRatios(aws4fetch, floor)),
          facadeVsFloor: ratioOf(pairedRatios(facade, floor))
        }
      }
    } finally {
      await context.close()
    }
  } finally {
    await page.close()
    await rm(profile, { recursive: true, force: true })
  }
}
