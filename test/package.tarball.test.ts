/**
 * The package as a new user gets it: a fresh clone of HEAD packed with
 * `npm pack` (whose `prepack` builds), the tarball installed into a new
 * project, then run as an ES module, through `require()` and as compiled
 * TypeScript, and type-checked as users compile: strict, TypeScript's default
 * libs (DOM included), under `nodenext`, `bundler` and `node` (node10)
 * resolution, with this repository's TypeScript and npm's latest.
 *
 * What is compiled against the installed tarball: the consumer programs in
 * test/consumer/, every `ts` block of README.md and docs/, and every
 * `@example` of the public modules (test/support/snippets.ts says how they
 * are extracted, and how a Markdown block declares what it assumes).
 *
 * The clone is of HEAD, and the snippets are read from it: uncommitted
 * changes are not in this check (test/docs.test.ts checks the working tree's
 * examples for form). Packing happens once per run, in beforeAll; see
 * test/support/tarball.ts for how everything installs offline.
 */
import { execFileSync } from "node:child_process"
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { failure, run } from "./runtimes/proc.js"
import { jsdocExamples, markdownPages, markdownSnippets, type Snippet } from "./support/snippets.js"
import {
  type Diagnostic,
  installConsumer,
  latestTypeScript,
  type Packed,
  packFreshClone,
  type TypeScript,
  typecheck,
  typescriptIn
} from "./support/tarball.js"

const root = resolve(import.meta.dirname, "..")
const fixtures = join(root, "test", "consumer")
const PACKAGE = "api-gateway-request-signer"
const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim()

/** Everything beforeAll sets up. */
interface Setup {
  readonly packed: Packed
  readonly consumer: string
  readonly tarballFiles: ReadonlyArray<string>
  readonly typescript: { readonly repository: TypeScript; readonly latest: TypeScript }
  readonly snippets: ReadonlyArray<Snippet>
  readonly examples: ReadonlyArray<Snippet>
}

let setup: Setup | undefined
/** The temporary directory, removed after the run even when the setup failed. */
let work: string | undefined
const ready = (): Setup => {
  if (setup === undefined) throw new Error("the tarball was not set up (see the beforeAll failure)")
  return setup
}

/** Runs a program in the consumer project and returns what it printed; fails with its stderr. */
const runIn = async (cwd: string, args: ReadonlyArray<string>): Promise<string> => {
  const finished = await run(process.execPath, args, { cwd, timeoutMs: 60_000, env: withoutAws() })
  const failed = failure(finished)
  if (failed !== undefined) throw new Error(`node ${args.join(" ")} ${failed}`)
  return finished.stdout
}

const withoutAws = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_") && name !== "NODE_OPTIONS"))

const writeJson = (path: string, value: unknown) => writeFile(path, JSON.stringify(value, null, 2) + "\n")

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "agrs-tarball-"))
  const [packed, latest, repository] = await Promise.all([
    packFreshClone(root, work),
    latestTypeScript(join(root, ".cache", "typescript")),
    typescriptIn(root)
  ])
  const consumer = join(work, "consumer")
  // Every peer, optional ones too: the documentation uses them all (@effect/platform for the
  // signed HttpClient, and whatever else the package offers as an optional peer).
  const manifest = JSON.parse(await readFile(join(packed.clone, "package.json"), "utf8")) as { peerDependencies?: Record<string, string> }
  await installConsumer(consumer, {
    repo: root,
    tarball: packed.tarball,
    dependencies: ["@types/node", ...Object.keys(manifest.peerDependencies ?? {})],
    type: "module"
  })
  // Every consumer program; which project compiles which is said in PROJECTS below.
  for (const entry of await readdir(fixtures, { withFileTypes: true })) {
    if (entry.isFile()) await cp(join(fixtures, entry.name), join(consumer, entry.name))
  }
  // The documentation's code, as HEAD has it (the clone's).
  const snippets = markdownSnippets(packed.clone)
  const examples = jsdocExamples(packed.clone)
  for (const [dir, list] of [["snippets", snippets], ["examples", examples]] as const) {
    await mkdir(join(consumer, dir), { recursive: true })
    for (const snippet of list) await writeFile(join(consumer, dir, snippet.file), snippet.code)
  }
  await mkdir(join(consumer, "browser"), { recursive: true })
  await cp(join(packed.clone, "examples", "browser-fetch.ts"), join(consumer, "browser", "browser-fetch.ts"))
  const tarballFiles = (await run("tar", ["-tzf", packed.tarball])).stdout.split("\n").filter(Boolean).map((path) => path.replace(/^package\//, ""))
  setup = { packed, consumer, tarballFiles, typescript: { repository, latest }, snippets, examples }
  // Every compilation starts now, two at a time, in the order the tests need them; each test
  // awaits its own. (The catch marks them handled until then: a failure is reported by its test.)
  for (const [id, which] of COMPILATIONS) compiled(id, which).catch(() => {})
}, 900_000)

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true })
})

describe(`npm pack of a fresh clone of HEAD (${head})`, () => {
  it("builds dist/ before packing (prepack), and ships it with LICENSE, README and docs/", () => {
    const { tarballFiles } = ready()
    expect(tarballFiles).toEqual(expect.arrayContaining([
      "package.json",
      "LICENSE",
      "README.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/ApiGatewaySigner.js",
      // The facade's CommonJS copy, which require() of the root falls back to under Jest.
      "dist/ApiGatewaySigner.cjs",
      "dist/bin/api-gateway-request-signer.js",
      "dist/internal/crypto/node.js",
      "dist/internal/crypto/web.js",
      "docs/signing.md"
    ]))
    expect(tarballFiles.filter((path) => path.startsWith("test/") || path.startsWith("node_modules/"))).toEqual([])
  })

  it("declares its license (with the MIT text in LICENSE), repository and Node versions", async () => {
    const { packed } = ready()
    const manifest = JSON.parse((await run("tar", ["-xzOf", packed.tarball, "package/package.json"])).stdout)
    expect(manifest).toMatchObject({
      license: "MIT",
      repository: { type: "git", url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) },
      engines: { node: ">=20.19" },
      type: "module"
    })
    const license = (await run("tar", ["-xzOf", packed.tarball, "package/LICENSE"])).stdout
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) api-gateway-request-signer contributors\n/)
  })

  it("ships every file README.md and docs/ link to", async () => {
    const { packed, tarballFiles } = ready()
    const missing: Array<string> = []
    for (const page of markdownPages(packed.clone)) {
      const text = await readFile(page, "utf8")
      const base = page.slice(packed.clone.length + 1).split("/").slice(0, -1)
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith("#")) continue
        const path = [...base, ...target!.split("#")[0]!.split("/")].reduce<Array<string>>(
          (parts, part) => (part === ".." ? parts.slice(0, -1) : part === "." || part === "" ? parts : [...parts, part]),
          []
        ).join("/")
        if (!tarballFiles.some((file) => file === path || file.startsWith(`${path}/`))) missing.push(`${page.slice(packed.clone.length + 1)} -> ${target}`)
      }
    }
    expect(missing).toEqual([])
  })
})

describe("the installed tarball at run time", () => {
  it("works from an ES module: the facade and the Effect API are accepted by the packed local gateway", async () => {
    const out = await runIn(ready().consumer, ["esm.mjs"])
    expect(JSON.parse(out)).toEqual({ facade: 200, effect: 200 })
  })

  it("works through require() from CommonJS (require(esm)), the root and the facade subpath giving the same class", async () => {
    const out = await runIn(ready().consumer, ["require.cjs"])
    expect(JSON.parse(out)).toEqual({ sameClass: true, root: 200, subpath: 200 })
  })

  it("works as a TypeScript program compiled with tsc, as an ES module and as CommonJS (.cts)", async () => {
    const { consumer } = ready()
    // The nodenext project below, with this repository's TypeScript, emits to out/.
    expect(await compiled("nodenext", "repository")).toEqual({})
    expect(JSON.parse(await runIn(consumer, ["out/runtime.js"]))).toEqual({ facade: 200, presigned: 200, retries: 200, effect: 200, httpClient: 200 })
    const cjs = JSON.parse(await runIn(consumer, ["out/require.cjs"]))
    expect(cjs).toEqual({ fromRoot: "https://api_id.execute-api.us-east-1.amazonaws.com/STAGE/pets", fromSubpath: cjs.fromRoot, signed: true, axios: true })
  }, 300_000)

  it("loads in Vite's SSR, as Vitest 3 and framework SSR builds resolve it (Vite 7 stops at the first matching condition)", async () => {
    const { consumer } = ready()
    await writeFile(join(consumer, "vite-entry.mjs"), `export { default, Signer } from "${PACKAGE}"\n`)
    const { createServer } = await import("vite")
    const server = await createServer({
      root: consumer,
      configFile: false,
      logLevel: "silent",
      appType: "custom",
      server: { middlewareMode: true, hmr: false, ws: false },
      optimizeDeps: { noDiscovery: true, include: [] }
    })
    try {
      const loaded = await server.ssrLoadModule("/vite-entry.mjs")
      expect([typeof loaded["default"], typeof loaded["Signer"]?.layer]).toEqual(["function", "function"])
    } finally {
      await server.close()
    }
  })

  it("refuses dist/ paths with a clear error: no subpath maps to them (no .../dist/dist/index.js.js)", async () => {
    const lines = (await runIn(ready().consumer, ["blocked.cjs", `${PACKAGE}/dist/index.js`, `${PACKAGE}/dist/index`])).trim().split("\n")
    for (const line of lines) {
      const { require, import: imported, specifier } = JSON.parse(line)
      for (const outcome of [require, imported]) {
        expect(outcome.code).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
        expect(outcome.message).toContain(`'./${specifier.slice(PACKAGE.length + 1)}' is not defined by "exports"`)
        expect(outcome.message).not.toContain("dist/dist")
      }
    }
  })

  it("hides everything under dist/ but the public modules: internal/, internal/gateway/, bin/, by any spelling", async () => {
    const { consumer, tarballFiles } = ready()
    const hidden = tarballFiles
      .filter((path) => /^dist\/.+\/[^/]+\.js$/.test(path))
      .map((path) => path.slice("dist/".length, -".js".length))
    expect(hidden).toEqual(expect.arrayContaining(["bin/api-gateway-request-signer", "internal/endpoint", "internal/gateway/server"]))
    const specifiers = hidden.flatMap((path) => [`${PACKAGE}/${path}`, `${PACKAGE}/${path}.js`, `${PACKAGE}/dist/${path}.js`])
    specifiers.push(`${PACKAGE}/index`, `${PACKAGE}/index.js`, `${PACKAGE}/Signer.js`, `${PACKAGE}/src/index.ts`, `${PACKAGE}/#crypto`)
    const outcomes = (await runIn(consumer, ["blocked.cjs", ...specifiers])).trim().split("\n").map((line) => JSON.parse(line))
    const loaded = outcomes.filter(({ require, import: imported }) => require.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" || imported.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED")
    expect(loaded.map(({ specifier }) => specifier)).toEqual([])
    expect(outcomes).toHaveLength(specifiers.length)
  })

  it("loads every subpath of the exports map, and package.json", async () => {
    const { consumer, packed } = ready()
    const manifest = JSON.parse(await readFile(join(packed.clone, "package.json"), "utf8")) as { exports: Record<string, unknown> }
    const specifiers = Object.keys(manifest.exports).map((subpath) => (subpath === "." ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`))
    const outcomes = (await runIn(consumer, ["blocked.cjs", ...specifiers])).trim().split("\n").map((line) => JSON.parse(line))
    expect(outcomes.map(({ specifier, require, import: imported }) => [specifier, require.code, imported.code])).toEqual(
      specifiers.map((specifier) => [specifier, "loaded", "loaded"])
    )
  })

  it("installs the CLI as a bin that runs", async () => {
    const out = await runIn(ready().consumer, [join("node_modules", ".bin", PACKAGE), "--version"])
    expect(out).toMatch(/\d+\.\d+\.\d+/)
  })
})

/** A consumer's tsconfig: strict, TypeScript's default libs (no `lib`), the given resolution. */
interface Project {
  readonly name: string
  readonly compilerOptions: Record<string, unknown>
  /** Files besides the documentation's code. */
  readonly files: ReadonlyArray<string>
  /** Compile README.md's and docs/' snippets and the `@example`s too. */
  readonly documentation: boolean
  /** TypeScript 7 has no node10 resolution (TS5108: removed). */
  readonly latest: boolean
  /** Documentation code importing these packages is left out: they have no types this project's resolution can find. */
  readonly unresolvable?: ReadonlyArray<string>
}

const NODE_FILES = ["fetch.ts", "subpaths.ts", "runtime.ts", "types.ts"]
/** TypeScript 6 and later load no @types package unless `types` names it: a Node project names node. */
const PROJECTS = {
  nodenext: {
    name: "nodenext, exactOptionalPropertyTypes and noUncheckedIndexedAccess, a .cts file too",
    compilerOptions: { module: "nodenext", types: ["node"], exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true },
    files: [...NODE_FILES, "require.cts"],
    documentation: true,
    latest: true
  },
  bundler: {
    name: "bundler (module esnext, target es2022)",
    compilerOptions: { module: "esnext", moduleResolution: "bundler", target: "es2022", types: ["node"] },
    files: NODE_FILES,
    documentation: true,
    latest: true
  },
  node10: {
    name: "node (node10: subpaths through typesVersions)",
    compilerOptions: { module: "esnext", moduleResolution: "node", target: "es2022", types: ["node"] },
    files: NODE_FILES,
    documentation: true,
    latest: false,
    // got publishes its types through `exports` only (an ES module package): node10 cannot resolve them,
    // for anyone. The other projects compile the got examples (docs/clients.md, src/got.ts's @examples).
    unresolvable: ["got"]
  },
  nodeOnly: {
    name: "nodenext without the DOM lib (@tsconfig/node22's lib): fetch's types from @types/node",
    compilerOptions: { module: "nodenext", lib: ["es2023"], types: ["node"] },
    files: ["node-only.ts"],
    documentation: false,
    latest: true
  },
  browser: {
    name: "bundler in a browser project: no @types/node, exactOptionalPropertyTypes",
    compilerOptions: { module: "esnext", moduleResolution: "bundler", target: "es2022", types: [], exactOptionalPropertyTypes: true },
    files: ["fetch.ts", "browser/browser-fetch.ts"],
    documentation: false,
    latest: true
  }
} satisfies Record<string, Project>

type ProjectId = keyof typeof PROJECTS
type Which = "repository" | "latest"

/** Every project with each TypeScript that has its resolution; the nodenext one that emits first (the run-time test needs it). */
const COMPILATIONS: ReadonlyArray<readonly [ProjectId, Which]> = (Object.keys(PROJECTS) as Array<ProjectId>).flatMap((id) =>
  (["repository", "latest"] as const).filter((which) => which === "repository" || PROJECTS[id].latest).map((which) => [id, which] as const)
)

/** Diagnostics grouped by what they are in, for a readable failure. */
const report = (diagnostics: ReadonlyArray<Diagnostic>, setup: Setup): Record<string, Array<string>> => {
  const origins = new Map<string, string>([
    ...setup.snippets.map((snippet): [string, string] => [`snippets/${snippet.file}`, snippet.origin]),
    ...setup.examples.map((example): [string, string] => [`examples/${example.file}`, `@example at ${example.origin}`])
  ])
  const grouped: Record<string, Array<string>> = {}
  for (const { file, text } of diagnostics) (grouped[origins.get(file) ?? (file || "tsc")] ??= []).push(text)
  return grouped
}

/** Whether a snippet imports nothing the project cannot resolve. */
const resolvable = (project: Project, snippet: Snippet): boolean =>
  !(project.unresolvable ?? []).some((name) => new RegExp(`from "${name}"`).test(snippet.code))

const compilations = new Map<string, Promise<Record<string, Array<string>>>>()

/** Runs at most `concurrency` tasks at once (tsc is CPU-bound: two at a time on the two cores CI has). */
const limited = (concurrency: number) => {
  let active = 0
  const waiting: Array<() => void> = []
  return async <A>(task: () => Promise<A>): Promise<A> => {
    while (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await task()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}
const compiler = limited(2)

/**
 * Compiles a project with one TypeScript, once per run: its errors, grouped.
 * This repository's TypeScript skips re-checking declaration files (effect's
 * and node's would take most of the run); the latest TypeScript, much
 * faster, checks every one, ours included. The nodenext project with this
 * repository's TypeScript emits to out/, for the run-time test.
 */
const compiled = (id: ProjectId, which: Which): Promise<Record<string, Array<string>>> => {
  const key = `${id}.${which}`
  let compilation = compilations.get(key)
  if (compilation === undefined) {
    compilation = compiler(async () => {
      const current = ready()
      const project: Project = PROJECTS[id]
      const emits = id === "nodenext" && which === "repository"
      const config = `tsconfig.${key}.json`
      await writeJson(join(current.consumer, config), {
        compilerOptions: {
          strict: true,
          skipLibCheck: which === "repository",
          ...(emits ? { outDir: "out", rootDir: "." } : { noEmit: true }),
          ...project.compilerOptions
        },
        files: [
          ...project.files,
          ...(project.documentation
            ? [
              ...current.snippets.filter((s) => resolvable(project, s)).map((s) => `snippets/${s.file}`),
              ...current.examples.filter((e) => resolvable(project, e)).map((e) => `examples/${e.file}`)
            ]
            : [])
        ]
      })
      return report(await typecheck(current.typescript[which], current.consumer, config), current)
    })
    compilations.set(key, compilation)
  }
  return compilation
}

describe("the installed tarball's types, in a strict consumer with TypeScript's default libs (DOM included)", () => {
  const cases = COMPILATIONS.map(([id, which]): [string, ProjectId, Which] => [
    `${which === "repository" ? "this repository's TypeScript" : "the latest TypeScript"}, ${PROJECTS[id].name}`,
    id,
    which
  ])

  it.each(cases)("%s", async (_, id, which) => {
    const diagnostics = await compiled(id, which)
    expect(diagnostics, `TypeScript ${ready().typescript[which].version}`).toEqual({})
  }, 300_000)

  it("compiles the documentation's code: the ts blocks of every page that has some, and the @examples", async () => {
    const { packed, snippets, examples } = ready()
    const pagesWithTypeScript: Array<string> = []
    for (const page of markdownPages(packed.clone)) {
      if (/^\s*(`{3,}|~{3,})\s*(ts|typescript)\b/m.test(await readFile(page, "utf8"))) pagesWithTypeScript.push(relative(packed.clone, page))
    }
    expect(pagesWithTypeScript).toEqual(expect.arrayContaining(["README.md", "docs/retries.md"]))
    expect(new Set(snippets.map((snippet) => snippet.origin.split(":")[0]))).toEqual(new Set(pagesWithTypeScript))
    expect(examples.length).toBeGreaterThanOrEqual(15)
  })
})
