/**
 * The package as a new user gets it: a fresh clone of the repository at HEAD,
 * `npm ci`, `npm pack` (whose `prepack` builds dist/), and the tarball
 * installed into a new project, with no network.
 *
 * - The clone installs with `npm ci --offline`: the `npm ci` that precedes
 *   `npm test` (in CI and on a developer's machine) has put every tarball of
 *   the lockfile in npm's cache. Install scripts are skipped: building needs
 *   none (tsc), and they would only warn.
 * - A consumer project cannot `npm install` by name offline (npm would ask the
 *   registry for each package's metadata), so it gets a lockfile made from the
 *   repository's: the packed tarball, plus the packages the consumer names at
 *   the versions the repository pins and everything they depend on, at the
 *   same places in node_modules. `npm ci --offline` then installs it from the
 *   cache, as it would for a user from the registry.
 * - TypeScript's `latest` comes from the registry into a cache directory
 *   (.cache/typescript), as the runtime tests install their runtimes.
 */
import { createHash } from "node:crypto"
import { existsSync, readdirSync } from "node:fs"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { failure, run, tail } from "../runtimes/proc.js"
import { installNpm } from "../runtimes/tools.js"

const NPM_QUIET = ["--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"]

const check = async (what: string, finished: Promise<Awaited<ReturnType<typeof run>>>) => {
  const done = await finished
  const failed = failure(done)
  if (failed !== undefined) throw new Error(`${what} ${failed}`)
  return done
}

export interface Packed {
  /** The commit packed. */
  readonly commit: string
  readonly clone: string
  /** The path of the .tgz `npm pack` made. */
  readonly tarball: string
}

/** Clones `repo` at HEAD into `work/clone`, installs it with `npm ci --offline`, and packs it into `work`. */
export const packFreshClone = async (repo: string, work: string): Promise<Packed> => {
  const commit = (await check("git rev-parse HEAD", run("git", ["rev-parse", "HEAD"], { cwd: repo }))).stdout.trim()
  const clone = join(work, "clone")
  await check("git clone", run("git", ["clone", "--quiet", "--no-checkout", repo, clone]))
  await check(`git checkout ${commit}`, run("git", ["-c", "advice.detachedHead=false", "checkout", "--quiet", commit], { cwd: clone }))
  const installed = await run("npm", ["ci", "--offline", "--ignore-scripts", ...NPM_QUIET], { cwd: clone, timeoutMs: 300_000 })
  const failed = failure(installed)
  if (failed !== undefined) {
    throw new Error(
      `npm ci --offline in a fresh clone ${failed}\n` +
        "It installs from npm's cache, which `npm ci` in the repository fills: run `npm ci` there first."
    )
  }
  const packed = await check(
    "npm pack",
    run("npm", ["pack", "--json", "--pack-destination", work, ...NPM_QUIET], { cwd: clone, timeoutMs: 300_000 })
  )
  // npm prints prepack's output before the JSON.
  const json = packed.stdout.slice(packed.stdout.search(/^\[/m))
  const [{ filename }] = JSON.parse(json) as [{ filename: string }]
  return { commit, clone, tarball: join(work, filename) }
}

interface LockEntry {
  readonly version?: string
  readonly resolved?: string
  readonly integrity?: string
  readonly dependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>
  readonly [key: string]: unknown
}

/** Where npm finds `name` for the package installed at `from` (a lockfile key; "" is the root). */
const locate = (packages: Record<string, LockEntry>, from: string, name: string): string | undefined => {
  let base = from
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`
    if (packages[candidate] !== undefined) return candidate
    if (base === "") return undefined
    const parent = base.lastIndexOf("/node_modules/")
    base = parent === -1 ? "" : base.slice(0, parent)
  }
}

/** The names an installed package needs: dependencies, non-optional peers, and the optional dependencies the lockfile has. */
const needs = (entry: LockEntry): Array<[string, boolean]> => [
  ...Object.keys(entry.dependencies ?? {}).map((name): [string, boolean] => [name, false]),
  ...Object.keys(entry.peerDependencies ?? {})
    .filter((name) => entry.peerDependenciesMeta?.[name]?.optional !== true)
    .map((name): [string, boolean] => [name, false]),
  ...Object.keys(entry.optionalDependencies ?? {}).map((name): [string, boolean] => [name, true])
]

const integrityOf = async (file: string) => `sha512-${createHash("sha512").update(await readFile(file)).digest("base64")}`

export interface ConsumerOptions {
  /** The repository whose package-lock.json pins the versions. */
  readonly repo: string
  readonly tarball: string
  /** Packages the consumer depends on besides the tarball, by name, at the repository's versions. */
  readonly dependencies: ReadonlyArray<string>
  /** package.json `type`. */
  readonly type: "module" | "commonjs"
}

/** Creates a consumer project in `dir` with the tarball installed (see the header), offline. */
export const installConsumer = async (dir: string, options: ConsumerOptions): Promise<void> => {
  await mkdir(dir, { recursive: true })
  const repoLock = JSON.parse(await readFile(join(options.repo, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>
  }
  const manifest = JSON.parse(
    (await check("tar", run("tar", ["-xzOf", options.tarball, "package/package.json"]))).stdout
  ) as LockEntry & { name: string; version: string }
  const tarballSpec = `file:${relative(dir, options.tarball)}`
  const rootDependencies: Record<string, string> = { [manifest.name]: tarballSpec }
  for (const name of options.dependencies) {
    const version = repoLock.packages[`node_modules/${name}`]?.version
    if (version === undefined) throw new Error(`${name} is not in the repository's package-lock.json`)
    rootDependencies[name] = version
  }
  const packages: Record<string, LockEntry> = {
    "": { name: "consumer", dependencies: rootDependencies },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: tarballSpec,
      integrity: await integrityOf(options.tarball),
      license: manifest["license"],
      ...(manifest.dependencies === undefined ? {} : { dependencies: manifest.dependencies }),
      ...(manifest.peerDependencies === undefined ? {} : { peerDependencies: manifest.peerDependencies }),
      ...(manifest.peerDependenciesMeta === undefined ? {} : { peerDependenciesMeta: manifest.peerDependenciesMeta }),
      ...(manifest["engines"] === undefined ? {} : { engines: manifest["engines"] }),
      ...(manifest["bin"] === undefined ? {} : { bin: manifest["bin"] })
    }
  }
  // Everything the consumer's packages need, where the repository's lockfile has it.
  const queue: Array<[string, LockEntry]> = [
    ["", { dependencies: Object.fromEntries(options.dependencies.map((name) => [name, "*"])) }],
    [`node_modules/${manifest.name}`, manifest]
  ]
  while (queue.length > 0) {
    const [from, entry] = queue.shift()!
    for (const [name, optional] of needs(entry)) {
      const at = locate(repoLock.packages, from.startsWith(`node_modules/${manifest.name}`) ? "" : from, name)
      if (at === undefined) {
        if (optional) continue
        throw new Error(`${name}, needed by ${from || "the consumer"}, is not in the repository's package-lock.json`)
      }
      if (packages[at] !== undefined) continue
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...copied } = repoLock.packages[at]!
      packages[at] = copied
      queue.push([at, copied])
    }
  }
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: options.type, dependencies: rootDependencies }, null, 2) + "\n"
  )
  await writeFile(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }, null, 2) + "\n"
  )
  const installed = await run("npm", ["ci", "--offline", "--ignore-scripts", ...NPM_QUIET], { cwd: dir, timeoutMs: 300_000 })
  const failed = failure(installed)
  if (failed !== undefined) throw new Error(`npm ci --offline of a consumer of the tarball ${failed}`)
}

export interface TypeScript {
  readonly version: string
  /** The compiler's command line: `node <typescript>/bin/tsc`, as npm's `tsc` bin runs it (TypeScript 7's is an ESM launcher of a native binary). */
  readonly tsc: ReadonlyArray<string>
}

/** The TypeScript installed in `dir` (its node_modules/typescript). */
export const typescriptIn = async (dir: string): Promise<TypeScript> => {
  const manifest = JSON.parse(await readFile(join(dir, "node_modules/typescript/package.json"), "utf8")) as {
    version: string
    bin: { tsc: string }
  }
  return { version: manifest.version, tsc: [process.execPath, join(dir, "node_modules/typescript", manifest.bin.tsc)] }
}

const LATEST_CHECK_EVERY_MS = 12 * 60 * 60 * 1000

/**
 * npm's `latest` TypeScript, installed into `cache`. Which version that is is
 * asked of the registry at most every 12 hours; when the registry cannot be
 * asked, the newest TypeScript already in the cache is used.
 */
export const latestTypeScript = async (cache: string): Promise<TypeScript> => {
  const record = join(cache, "latest.json")
  const known = existsSync(record)
    ? (JSON.parse(await readFile(record, "utf8")) as { version: string; checkedAt: number })
    : undefined
  let version = known !== undefined && Date.now() - known.checkedAt < LATEST_CHECK_EVERY_MS ? known.version : undefined
  if (version === undefined) {
    const asked = await run("npm", ["view", "typescript@latest", "version", ...NPM_QUIET], { timeoutMs: 60_000 })
    const answer = asked.stdout.trim()
    if (asked.code === 0 && /^\d+\.\d+\.\d+/.test(answer)) {
      version = answer
      await mkdir(cache, { recursive: true })
      await writeFile(record, JSON.stringify({ version, checkedAt: Date.now() }) + "\n")
    } else {
      version = known?.version ?? newestInstalled(cache)
      if (version === undefined) {
        throw new Error(`npm view typescript@latest: ${failure(asked) ?? tail(asked.stderr)}; and no TypeScript is in ${cache}`)
      }
    }
  }
  return typescriptIn(await installNpm(cache, [`typescript@${version}`]))
}

const newestInstalled = (cache: string): string | undefined => {
  const tools = join(cache, "tools")
  if (!existsSync(tools)) return undefined
  const versions = readdirSync(tools)
    .filter((name) => existsSync(join(tools, name, ".installed")))
    .map((name) => /^typescript@(\d+)\.(\d+)\.(\d+)$/.exec(name))
    .filter((match) => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]) || Number(b[2]) - Number(a[2]) || Number(b[3]) - Number(a[3]))
  return versions[0]?.[0].slice("typescript@".length)
}

/** One error of a tsc run, with the file it is in (relative to the project), as tsc prints it without --pretty. */
export interface Diagnostic {
  readonly file: string
  readonly text: string
}

/** Runs `tsc -p project` and returns its errors (none when it compiled). */
export const typecheck = async (typescript: TypeScript, cwd: string, project: string): Promise<Array<Diagnostic>> => {
  const [command, ...args] = typescript.tsc
  const finished = await run(command!, [...args, "-p", project, "--pretty", "false"], { cwd, timeoutMs: 300_000 })
  if (finished.timedOut || finished.signal !== null) throw new Error(`tsc -p ${project} ${failure(finished)}`)
  const output = `${finished.stdout}\n${finished.stderr}`.trim()
  if (finished.code === 0) return []
  // A diagnostic is a line `file(line,col): error TSnnnn: ...` or `error TSnnnn: ...`, then indented continuation lines.
  const diagnostics: Array<{ file: string; lines: Array<string> }> = []
  for (const line of output.split("\n")) {
    const located = /^(.+?)\(\d+,\d+\): error /.exec(line)
    if (located !== null || /^error /.test(line)) diagnostics.push({ file: located?.[1] ?? "", lines: [line] })
    else if (line !== "") diagnostics.at(-1)?.lines.push(line)
  }
  if (diagnostics.length === 0) return [{ file: "", text: `tsc exited ${finished.code}: ${tail(output)}` }]
  return diagnostics.map(({ file, lines }) => ({ file, text: lines.join("\n") }))
}
