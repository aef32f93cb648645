/**
 * npm run test:runtimes: the Promise facade signs in every runtime users run
 * it in, and the local gateway accepts what each sends.
 *
 * 1. Installs the pinned runtimes into a cache directory (tools.ts) while the
 *    package builds (npm run build).
 * 2. Lays out a consumer project in the cache, with the package installed from
 *    `npm pack` in its node_modules, so that the programs import it by name and
 *    resolve it through its exports and imports maps to the built dist, as an
 *    installed package is.
 * 3. Bundles the programs with esbuild: for Node, Bun and Deno with the package
 *    left external, and so for Jest 30 too, as a CommonJS test file (Jest
 *    has its own module loader, and CommonJS apps test with it), and for a
 *    CommonJS Lambda handler that requires the facade's subpaths (AWS Lambda
 *    runs Node with require(esm) off); for Chromium
 *    (platform browser) and for workerd (no nodejs_compat; conditions
 *    workerd, worker, browser, as wrangler uses) with the package inside.
 * 4. Starts the local gateway (the packed LocalGateway, CORS on) on 127.0.0.1,
 *    runs each runtime in turn, and judges what the gateway saw (check.ts).
 *
 * Prints a table per runtime and exits non-zero when any runtime is missing,
 * fails to bundle or run, or has a request refused or altered.
 * RUNTIMES_CACHE overrides the cache directory (default .cache/runtimes).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as esbuild from "esbuild"
import { chromium as playwrightChromium } from "playwright-core"
import type * as LocalGatewayModule from "api-gateway-request-signer/LocalGateway"
import { IDENTITIES, REGION } from "./cases.js"
import { judge, type Verdict } from "./check.js"
import type { Outcome, Report } from "./client.js"
import { layOutConsumer, PACKAGE } from "./consumer.js"
import { failure, run, tail } from "./proc.js"
import type { Facade, JestReport } from "./programs/jest.js"
import type { LambdaReport } from "./programs/lambda.js"
import { type Binary, CHROMIUM_FLAGS, type Installed, installTools, type Jest, type Tools, WORKER_COMPATIBILITY_DATE } from "./tools.js"

const repo = fileURLToPath(new URL("../../", import.meta.url))
const here = fileURLToPath(new URL("./", import.meta.url))
const cache = process.env["RUNTIMES_CACHE"] ?? join(repo, ".cache", "runtimes")
const consumer = join(cache, "consumer")
const RUNTIME_TIMEOUT_MS = 120_000

const started = performance.now()
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1)
const progress = (line: string) => process.stderr.write(`[runtimes ${seconds(started).padStart(5)} s] ${line}\n`)

/**
 * What the runtimes run in: no AWS_* (the signer must use what it is given), no
 * NODE_OPTIONS of the caller's, and no calls home (Deno's update check, telemetry).
 */
const childEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_") && name !== "NODE_OPTIONS")),
  DENO_NO_UPDATE_CHECK: "1",
  DO_NOT_TRACK: "1"
})

/** The variables the facade documents reading, when a config leaves them out. */
const AWS_VARIABLES = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]

// ── build and bundle ──────────────────────────────────────────────────────────

const buildPackage = async (): Promise<void> => {
  const built = await run("npm", ["run", "build"], { cwd: repo, timeoutMs: 600_000 })
  const failed = failure(built)
  if (failed !== undefined) throw new Error(`npm run build ${failed}\n${tail(built.stdout)}`)
}

/**
 * The folder Jest runs in, and the Lambda handler: a CommonJS package inside the consumer project, with the
 * programs' sources in src/.
 */
const jestFolder = join(consumer, "jest")

/**
 * The consumer project (consumer.ts: the package from `npm pack`, its
 * dependencies linked), with the programs' sources in src/, and again in the
 * Jest folder, whose package.json says CommonJS: esbuild then compiles the
 * default import of the package as a CommonJS app's TypeScript does (`.default`
 * of an __esModule), not as Node's ES modules import CommonJS (the whole
 * exports object), which would be the consumer project's "type": "module".
 */
const layOutRuntimesConsumer = async (): Promise<void> => {
  await layOutConsumer({ repo, dir: consumer, name: "runtimes-consumer" })
  for (const sources of [join(consumer, "src"), join(jestFolder, "src")]) {
    for (const file of ["cases.ts", "client.ts", "programs"]) await cp(join(here, file), join(sources, file), { recursive: true })
  }
  await writeFile(join(jestFolder, "package.json"), JSON.stringify({ name: "runtimes-consumer-jest", private: true, type: "commonjs" }, null, 2) + "\n")
}

/** Bundles one program, from `sources`; on failure, esbuild's messages as it prints them. */
const bundle = async (entry: string, outfile: string, options: esbuild.BuildOptions, sources = join(consumer, "src")): Promise<string | undefined> => {
  try {
    await esbuild.build({
      absWorkingDir: consumer,
      entryPoints: [join(sources, "programs", entry)],
      outfile: join(consumer, outfile),
      bundle: true,
      format: "esm",
      logLevel: "silent",
      ...options
    })
    return undefined
  } catch (error) {
    const messages = (error as { errors?: Array<esbuild.Message> }).errors
    if (messages === undefined || messages.length === 0) return error instanceof Error ? error.message : String(error)
    return (await esbuild.formatMessages(messages, { kind: "error", color: false })).join("").trim()
  }
}

// ── the runtimes ──────────────────────────────────────────────────────────────

interface Run {
  readonly version: string
  readonly outcomes: ReadonlyArray<Outcome>
}

interface Runtime {
  readonly name: string
  /** The version to show when the runtime never got to report one. */
  readonly fallbackVersion: string
  /** Resolves with the outcomes, or rejects saying why there are none. */
  readonly run: (gatewayUrl: string) => Promise<Run>
}

const installed = <A>(tool: Installed<A>): A => {
  if (!tool.ok) throw new Error(tool.error)
  return tool.value
}

/** The last line of stdout as JSON. */
const lastJsonLine = <A>(stdout: string, what: string): A => {
  const line = stdout.trimEnd().split("\n").at(-1) ?? ""
  try {
    return JSON.parse(line) as A
  } catch {
    throw new Error(`${what} printed no JSON report: ${JSON.stringify(line.slice(0, 300))}`)
  }
}

/** Node, Bun or Deno running the CLI program from the consumer project. */
const cliRuntime = (name: string, tool: Installed<Binary>, args: (program: string) => Array<string>): Runtime => ({
  name,
  fallbackVersion: tool.ok ? tool.value.version : "not installed",
  run: async (gatewayUrl) => {
    const binary = installed(tool)
    const finished = await run(binary.path, [...args("cli.mjs"), gatewayUrl], { cwd: consumer, env: childEnv(), timeoutMs: RUNTIME_TIMEOUT_MS })
    const failed = failure(finished)
    if (failed !== undefined) throw new Error(`${name} ${failed}`)
    const report = lastJsonLine<Report>(finished.stdout, name)
    return { version: report.version, outcomes: report.outcomes }
  }
})

/**
 * Jest 30 running the CommonJS test program (programs/jest.ts) with the Node `node` names, given `nodeFlags`;
 * `facade` is where the package root must have taken the facade from there.
 */
const jestRuntime = (name: string, jest: Installed<Jest>, node: Installed<Binary>, nodeFlags: ReadonlyArray<string>, facade: Facade): Runtime => ({
  name,
  fallbackVersion: jest.ok ? jest.value.version : "not installed",
  run: async (gatewayUrl) => {
    const { bin, version } = installed(jest)
    const binary = installed(node)
    const reportFile = join(jestFolder, "report.json")
    await rm(reportFile, { force: true })
    const config = {
      rootDir: jestFolder,
      testMatch: ["<rootDir>/*.test.cjs"],
      testEnvironment: "node",
      cacheDirectory: join(cache, "jest-cache")
    }
    const finished = await run(binary.path, [...nodeFlags, bin, "--config", JSON.stringify(config), "--ci", "--runInBand", "--watchman=false"], {
      cwd: consumer,
      env: { ...childEnv(), RUNTIMES_GATEWAY_URL: gatewayUrl, RUNTIMES_REPORT: reportFile },
      timeoutMs: RUNTIME_TIMEOUT_MS
    })
    const failed = failure(finished)
    // Jest says what failed first, and its stack frames after.
    if (failed !== undefined) throw new Error(`jest ${failed.split("\n")[0]}\n${finished.stderr.trim().split("\n").slice(0, 12).join("\n")}`)
    const report = lastJsonLine<JestReport>(await readFile(reportFile, "utf8").catch(() => ""), "the Jest test")
    if (report.facade !== facade) throw new Error(`the package root gave the facade from the ${report.facade}, where it should have from the ${facade}`)
    return { version: `${version} on Node ${report.version}, facade from the ${report.facade}`, outcomes: report.outcomes }
  }
})

/** The flags AWS Lambda starts its Node.js runtimes with: require(esm) and module detection off. */
const LAMBDA_NODE_FLAGS = ["--no-experimental-require-module", "--no-experimental-detect-module"]

/**
 * A CommonJS Lambda handler that requires the facade's subpaths (programs/lambda.ts), run by `node` as AWS Lambda
 * runs it: with Lambda's flags and its variables (no credentials: the cases pass their own).
 */
const lambdaRuntime = (name: string, node: Installed<Binary>): Runtime => ({
  name,
  fallbackVersion: node.ok ? node.value.version : "not installed",
  run: async (gatewayUrl) => {
    const binary = installed(node)
    const major = binary.version.replace(/^v/, "").split(".")[0]
    const finished = await run(binary.path, [...LAMBDA_NODE_FLAGS, join(jestFolder, "lambda-handler.cjs"), gatewayUrl], {
      cwd: jestFolder,
      env: { ...childEnv(), AWS_LAMBDA_FUNCTION_NAME: "runtimes", AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${major}.x`, LAMBDA_TASK_ROOT: jestFolder },
      timeoutMs: RUNTIME_TIMEOUT_MS
    })
    const failed = failure(finished)
    if (failed !== undefined) throw new Error(`${name} ${failed}`)
    const report = lastJsonLine<LambdaReport>(finished.stdout, name)
    // With require(esm) off, only the CommonJS copy can have answered; the ES modules would mean the flags did nothing.
    if (report.facade !== "CommonJS copy") throw new Error(`the subpaths gave the facade from the ${report.facade}, where Lambda's flags leave only the CommonJS copy`)
    return { version: `Node ${report.version}, facade from the ${report.facade}`, outcomes: report.outcomes }
  }
})

/** Rejects when `promise` takes longer than a runtime may. */
const withTimeout = <A>(promise: Promise<A>, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${RUNTIME_TIMEOUT_MS / 1000} s`)), RUNTIME_TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Serves the bundled page from loopback, on an origin other than the gateway's. */
const servePage = async (script: string): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const html = `<!doctype html><meta charset="utf-8"><title>runtimes</title><script type="module" src="/page.js"></script>\n`
  const server = http.createServer((req, res) => {
    const [type, body] = req.url === "/" ? ["text/html; charset=utf-8", html] : req.url === "/page.js" ? ["text/javascript; charset=utf-8", script] : [undefined, ""]
    if (type === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const chromiumVersion = (binary: Binary) => binary.version.replace(/ built on .*/, "")

const chromiumRuntime = (tools: Tools, pageBundle: string | undefined): Runtime => ({
  name: "Chromium",
  fallbackVersion: tools.chromium.ok ? chromiumVersion(tools.chromium.value) : "not installed",
  run: async (gatewayUrl) => {
    const binary = installed(tools.chromium)
    if (pageBundle !== undefined) throw new Error(`bundling the page for the browser failed:\n${pageBundle}`)
    const page = await servePage(await readFile(join(consumer, "page.js"), "utf8"))
    const profile = await mkdtemp(join(tmpdir(), "runtimes-chromium-"))
    const pageErrors: Array<string> = []
    try {
      const context = await playwrightChromium.launchPersistentContext(profile, {
        executablePath: binary.path,
        headless: true,
        args: [...CHROMIUM_FLAGS],
        timeout: 60_000
      })
      try {
        const tab = context.pages()[0] ?? await context.newPage()
        tab.on("pageerror", (error) => pageErrors.push(error.message))
        tab.on("console", (message) => {
          if (message.type() === "error") pageErrors.push(message.text())
        })
        await tab.goto(page.url)
        await tab.waitForFunction("typeof runCases === 'function'", undefined, { timeout: 15_000 }).catch(() => {
          throw new Error(`the page never defined runCases${pageErrors.length > 0 ? `: ${pageErrors.join("; ")}` : ""}`)
        })
        const outcomes = await withTimeout(
          tab.evaluate(`runCases(${JSON.stringify(gatewayUrl)})`) as Promise<ReadonlyArray<Outcome>>,
          "the page's runCases"
        )
        // The binary's own version: the page's user agent reports 156.0.0.0 (reduced).
        return { version: chromiumVersion(binary), outcomes }
      } finally {
        await context.close()
      }
    } finally {
      await page.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
})

const workerdRuntime = (tools: Tools, workerBundle: string | undefined): Runtime => ({
  name: "workerd",
  fallbackVersion: tools.miniflare.ok ? tools.miniflare.value.version : "not installed",
  run: async (gatewayUrl) => {
    const miniflare = installed(tools.miniflare)
    const node = installed(tools.node24)
    if (workerBundle !== undefined) throw new Error(`bundling the Worker (no nodejs_compat) failed:\n${workerBundle}`)
    const finished = await run(
      node.path,
      ["miniflare-host.mjs", miniflare.entry, join(consumer, "worker.mjs"), WORKER_COMPATIBILITY_DATE, gatewayUrl],
      { cwd: consumer, env: childEnv(), timeoutMs: RUNTIME_TIMEOUT_MS }
    )
    const failed = failure(finished)
    if (failed !== undefined) throw new Error(`miniflare ${failed}`)
    return { version: miniflare.version, outcomes: lastJsonLine<ReadonlyArray<Outcome>>(finished.stdout, "the Worker") }
  }
})

// ── report ────────────────────────────────────────────────────────────────────

interface Row {
  readonly runtime: string
  readonly version: string
  readonly verdicts?: ReadonlyArray<Verdict>
  readonly error?: string
  readonly seconds: string
}

const passed = (row: Row) => row.verdicts !== undefined && row.verdicts.every((verdict) => verdict.intact)

const table = (rows: ReadonlyArray<Row>): string => {
  const header = ["runtime", "version", "requests", "accepted", "intact", "time", "result"]
  const lines = rows.map((row) => {
    const count = (pick: (verdict: Verdict) => boolean) =>
      row.verdicts === undefined ? "-" : `${row.verdicts.filter(pick).length}/${row.verdicts.length}`
    return [
      row.runtime,
      row.version,
      row.verdicts === undefined ? "-" : String(row.verdicts.length),
      count((verdict) => verdict.accepted),
      count((verdict) => verdict.intact),
      `${row.seconds} s`,
      passed(row) ? "ok" : "FAIL"
    ]
  })
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)))
  const format = (cells: ReadonlyArray<string>) => cells.map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd()
  return [format(header), format(widths.map((width) => "─".repeat(width))), ...lines.map(format)].join("\n")
}

const details = (rows: ReadonlyArray<Row>): string =>
  rows.filter((row) => !passed(row)).map((row) => {
    if (row.error !== undefined) return `${row.runtime}: ${row.error}`
    const bad = row.verdicts!.filter((verdict) => !verdict.intact)
    const problems = (verdict: Verdict) => verdict.problems.join("\n      ")
    if (bad.length > 1 && bad.every((verdict) => problems(verdict) === problems(bad[0]!))) {
      return `${row.runtime}:\n  ✗ ${bad.length === row.verdicts!.length ? "every request" : `${bad.length} requests`}\n      ${problems(bad[0]!)}`
    }
    return [`${row.runtime}:`, ...bad.map((verdict) => `  ✗ ${verdict.name}\n      ${problems(verdict)}`)].join("\n")
  }).join("\n\n")

// ── main ──────────────────────────────────────────────────────────────────────

const main = async (): Promise<number> => {
  progress(`cache ${cache}`)
  const toolsStarted = performance.now()
  const [tools] = await Promise.all([
    installTools(cache).then((tools) => {
      progress(`runtimes ready in ${seconds(toolsStarted)} s`)
      return tools
    }),
    buildPackage().then(() => progress("package built (npm run build)"))
  ])
  await layOutRuntimesConsumer()

  const cliBundle = await bundle("cli.ts", "cli.mjs", { platform: "neutral", external: [PACKAGE, `${PACKAGE}/*`] })
  if (cliBundle !== undefined) throw new Error(`bundling the CLI program failed:\n${cliBundle}`)
  // A CommonJS test file, as a 2.x app's: the package stays a require() for Jest's loader to resolve.
  const jestBundle = await bundle("jest.ts", "jest/signer.test.cjs", { platform: "node", format: "cjs", external: [PACKAGE, `${PACKAGE}/*`] }, join(jestFolder, "src"))
  if (jestBundle !== undefined) throw new Error(`bundling the Jest test failed:\n${jestBundle}`)
  // A CommonJS Lambda handler, as tsc compiles one with `module: commonjs`: its require()s of the subpaths stay.
  const lambdaBundle = await bundle("lambda.ts", "jest/lambda-handler.cjs", { platform: "node", format: "cjs", external: [PACKAGE, `${PACKAGE}/*`] }, join(jestFolder, "src"))
  if (lambdaBundle !== undefined) throw new Error(`bundling the Lambda handler failed:\n${lambdaBundle}`)
  const hostBundle = await bundle("miniflare-host.ts", "miniflare-host.mjs", { platform: "node" })
  if (hostBundle !== undefined) throw new Error(`bundling the miniflare host failed:\n${hostBundle}`)
  const pageBundle = await bundle("browser.ts", "page.js", { platform: "browser" })
  const workerBundle = await bundle("worker.ts", "worker.mjs", {
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"]
  })
  progress("programs bundled")

  // The packed LocalGateway, resolved by name from the consumer project by Node itself
  // (this process runs under tsx, whose resolution applies the repo's tsconfig paths).
  const resolved = await run(process.execPath, ["--input-type=module", "-e", `console.log(import.meta.resolve(${JSON.stringify(`${PACKAGE}/LocalGateway`)}))`], {
    cwd: consumer,
    env: childEnv()
  })
  const gatewayModule = resolved.stdout.trim()
  if (failure(resolved) !== undefined || !gatewayModule.startsWith(pathToFileURL(join(consumer, "node_modules", PACKAGE, "dist")).href)) {
    throw new Error(`${PACKAGE}/LocalGateway did not resolve to the packed dist: ${failure(resolved) ?? gatewayModule}`)
  }
  const LocalGateway = await import(gatewayModule) as typeof LocalGatewayModule
  // What the gateway answered, per runtime: the browser's preflights show up here.
  let answered: Array<LocalGatewayModule.AccessLogEntry> = []
  const gateway = await LocalGateway.start({
    credentials: Object.values(IDENTITIES),
    region: REGION,
    cors: true,
    onRequest: (entry) => answered.push(entry),
    host: "127.0.0.1",
    port: 0
  })
  progress(`local gateway on ${gateway.url}`)

  const nodeHere: Installed<Binary> = { ok: true, value: { path: process.execPath, version: process.version } }
  const runtimes: ReadonlyArray<Runtime> = [
    cliRuntime(`Node ${process.versions.node.split(".")[0]} (this machine)`, nodeHere, (program) => [program]),
    cliRuntime("Node 22", tools.node22, (program) => [program]),
    cliRuntime("Node 24", tools.node24, (program) => [program]),
    cliRuntime("Bun", tools.bun, (program) => [program]),
    // Least privilege, as an app that passes region and credentials explicitly may run: loopback only, no environment.
    cliRuntime("Deno, net only", tools.deno, (program) => ["run", "--no-prompt", "--allow-net=127.0.0.1", program]),
    // An app that lets the signer read the AWS variables it documents (none are set here).
    cliRuntime("Deno, net + AWS env", tools.deno, (program) => ["run", "--no-prompt", "--allow-net=127.0.0.1", `--allow-env=${AWS_VARIABLES.join(",")}`, program]),
    chromiumRuntime(tools, pageBundle),
    workerdRuntime(tools, workerBundle),
    // Jest's loader cannot require an ES module here: the root falls back to the facade's CommonJS copy.
    jestRuntime(`Jest, Node ${process.versions.node.split(".")[0]} (this machine)`, tools.jest, nodeHere, [], "CommonJS copy"),
    jestRuntime("Jest, Node 22", tools.jest, tools.node22, [], "CommonJS copy"),
    // Jest 29 compiles the ES module as CommonJS and fails on its syntax: the root falls back likewise.
    jestRuntime(`Jest 29, Node ${process.versions.node.split(".")[0]} (this machine)`, tools.jest29, nodeHere, [], "CommonJS copy"),
    // Node 24.9+ with VM modules: Jest requires ES modules itself, so the root gives the ES modules' classes.
    jestRuntime("Jest, Node 24, --experimental-vm-modules", tools.jest, tools.node24, ["--experimental-vm-modules"], "ES modules"),
    // AWS Lambda turns require(esm) off: a CommonJS handler's subpaths fall back to the facade's CommonJS copy.
    lambdaRuntime("Lambda CommonJS handler, Node 22", tools.node22),
    lambdaRuntime("Lambda CommonJS handler, Node 24", tools.node24)
  ]

  const rows: Array<Row> = []
  try {
    for (const runtime of runtimes) {
      const since = performance.now()
      answered = []
      try {
        const result = await runtime.run(gateway.url)
        rows.push({ runtime: runtime.name, version: result.version, verdicts: judge(result.outcomes), seconds: seconds(since) })
      } catch (error) {
        rows.push({ runtime: runtime.name, version: runtime.fallbackVersion, error: error instanceof Error ? error.message : String(error), seconds: seconds(since) })
      }
      const row = rows.at(-1)!
      const preflights = answered.filter((entry) => entry.method === "OPTIONS" && entry.status === 200).length
      progress(`${runtime.name}: ${passed(row) ? "ok" : "FAIL"}, ${answered.length - preflights} requests answered${preflights > 0 ? ` and ${preflights} CORS preflights` : ""}`)
    }
  } finally {
    await gateway.close()
  }

  const failedRows = rows.filter((row) => !passed(row))
  process.stdout.write(`\n${table(rows)}\n`)
  if (failedRows.length > 0) process.stdout.write(`\n${details(rows)}\n`)
  process.stdout.write(`\nruntimes: ${rows.length - failedRows.length} passed, ${failedRows.length} failed (${seconds(started)} s)\n`)
  return failedRows.length === 0 ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`test:runtimes failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
