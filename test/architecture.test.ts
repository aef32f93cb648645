/**
 * The import graph the architecture promises (ARCHITECTURE.md): the signing
 * core loads no Effect and no `node:` module but the Node crypto adapter, and
 * `internal/` never imports an Effect edge. Read from the sources, runtime
 * imports only (`import type` is erased).
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"

const src = resolve(import.meta.dirname, "../src")

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

// `import x from "y"`, `import "y"`, `export * from "y"`, `export { x } from "y"`, `import("y")`;
// not `import type` / `export type`.
const RUNTIME_IMPORT = /(?:^|\n)\s*(?:import(?!\s+type\b)[^"';]*?from\s*|import\s*|export(?!\s+type\b)[^"';]*?from\s*)["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g

/** The runtime import specifiers of a source file. */
const importsOf = (file: string): Array<string> => {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  return [...text.matchAll(RUNTIME_IMPORT)].map((match) => (match[1] ?? match[2])!)
}

const CRYPTO_ADAPTERS = ["internal/crypto/node.ts", "internal/crypto/web.ts"].map((path) => join(src, path))

/** The files a specifier resolves to: relative paths, and `#crypto` to both of its adapters. */
const resolveImport = (from: string, specifier: string): ReadonlyArray<string> =>
  specifier === "#crypto" ? CRYPTO_ADAPTERS
  : specifier.startsWith(".") ? [resolve(dirname(from), specifier).replace(/\.js$/, ".ts")]
  : []

/** Every source file reachable from `entry` through runtime imports, with the bare specifiers each imports. */
const closure = (entry: string): Map<string, Array<string>> => {
  const seen = new Map<string, Array<string>>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const specifiers = importsOf(file)
    seen.set(file, specifiers.filter((specifier) => !specifier.startsWith(".") && specifier !== "#crypto"))
    for (const specifier of specifiers) for (const target of resolveImport(file, specifier)) visit(target)
  }
  visit(join(src, entry))
  return seen
}

const outside = (graph: Map<string, Array<string>>) =>
  [...graph].flatMap(([file, bare]) => bare.map((specifier) => `${relative(src, file)} -> ${specifier}`))

const PURE_OUTSIDE = [
  "internal/crypto/node.ts -> node:crypto",
  "internal/crypto/web.ts -> @noble/hashes/hmac.js",
  "internal/crypto/web.ts -> @noble/hashes/sha2.js",
  "internal/crypto/web.ts -> @noble/hashes/utils.js"
]

describe("the signing core is pure", () => {
  it.each(["ApiGatewaySigner.ts", "index.ts"])("the facade, reached from %s, imports no effect and no node: module but the crypto adapter", (entry) => {
    const facade = closure("ApiGatewaySigner.ts")
    expect(outside(facade).sort()).toEqual(PURE_OUTSIDE)
    // The root reaches the facade through the same files.
    expect(closure(entry).has(join(src, "ApiGatewaySigner.ts"))).toBe(true)
  })

  it.each(["SigningError.ts", "RequestError.ts", "HttpMethods.ts", "SignedRequest.ts", "Diagnosis.ts"])(
    "%s imports no effect and no node: module",
    (entry) => {
      expect(outside(closure(entry)).filter((line) => !PURE_OUTSIDE.includes(line))).toEqual([])
    }
  )

  it("SigV4 loads only effect/Redacted of Effect, to read Redacted secrets", () => {
    const bare = outside(closure("SigV4.ts")).filter((line) => !PURE_OUTSIDE.includes(line))
    expect(bare).toEqual(["internal/effect/credentials.ts -> effect/Redacted"])
  })

  it("no file under internal/ but internal/effect and the gateway's server imports effect or node: (the crypto adapter aside)", () => {
    const offending = sourceFiles(join(src, "internal"))
      .filter((file) => !file.includes(join("internal", "effect")) && !file.includes(join("internal", "gateway")))
      .flatMap((file) => importsOf(file).map((specifier) => `${relative(src, file)} -> ${specifier}`))
      .filter((line) => /-> (effect|@effect\/|node:)/.test(line) && !PURE_OUTSIDE.includes(line))
    expect(offending).toEqual([])
  })

  it("no file under internal/ but internal/effect and the gateway's reaches internal/effect (which loads effect/Redacted)", () => {
    const effectDir = join(src, "internal", "effect")
    const offending = sourceFiles(join(src, "internal"))
      .filter((file) => !file.startsWith(effectDir) && !file.includes(join("internal", "gateway")))
      .filter((file) => [...closure(relative(src, file)).keys()].some((reached) => reached.startsWith(effectDir)))
      .map((file) => relative(src, file))
    expect(offending).toEqual([])
  })
})

describe("the client integrations (axios, got) stay out of everything else", () => {
  const INTEGRATIONS = ["axios.ts", "got.ts"].map((file) => join(src, file))

  it.each(["ApiGatewaySigner.ts", "index.ts", "Signer.ts", "SignedHttpClient.ts"])(
    "%s never reaches src/axios.ts or src/got.ts, nor imports axios or got",
    (entry) => {
      const graph = closure(entry)
      expect([...graph.keys()].filter((file) => INTEGRATIONS.includes(file)).map((file) => relative(src, file))).toEqual([])
      expect(outside(graph).filter((line) => /-> (axios|got)(\/|$)/.test(line))).toEqual([])
    }
  )

  it("no other module reaches them", () => {
    const reachers = sourceFiles(src)
      .filter((file) => !INTEGRATIONS.includes(file))
      .filter((file) => [...closure(relative(src, file)).keys()].some((reached) => INTEGRATIONS.includes(reached)))
      .map((file) => relative(src, file))
    expect(reachers).toEqual([])
  })

  it("no module but the integrations imports axios or got", () => {
    const importers = sourceFiles(src)
      .filter((file) => importsOf(file).some((specifier) => /^(axios|got)(\/|$)/.test(specifier)))
      .map((file) => relative(src, file))
    expect(importers).toEqual(["axios.ts"])
  })

  it("the axios integration loads axios and the pure core only: no effect, no node: module (it runs in browsers)", () => {
    expect(outside(closure("axios.ts")).filter((line) => !PURE_OUTSIDE.includes(line))).toEqual(["axios.ts -> axios"])
  })

  it("the got integration loads nothing of got at runtime (types only), and no effect", () => {
    expect(outside(closure("got.ts")).filter((line) => !PURE_OUTSIDE.includes(line))).toEqual([])
  })
})

describe("one direction of imports", () => {
  it("only LocalGateway reaches the gateway's server (internal/gateway), and nothing there imports effect", () => {
    const reachers = sourceFiles(src)
      .filter((file) => !file.includes(join("internal", "gateway")))
      .filter((file) => importsOf(file).some((specifier) => resolveImport(file, specifier).some((target) => target.includes(join("internal", "gateway")))))
      .map((file) => relative(src, file))
    expect(reachers).toEqual(["LocalGateway.ts"])
    const effectImports = sourceFiles(join(src, "internal", "gateway"))
      .flatMap((file) => importsOf(file).filter((specifier) => /^(effect|@effect\/)/.test(specifier)))
    expect(effectImports).toEqual([])
  })

  const EDGES = ["ApiGatewaySigner", "Credentials", "Signer", "Retry", "SignedHttpClient", "HttpClient", "LocalGateway", "Verifier"]

  it("no file under internal/ imports an Effect edge module or the facade at runtime", () => {
    const offending = sourceFiles(join(src, "internal")).flatMap((file) =>
      importsOf(file)
        .flatMap((specifier) => resolveImport(file, specifier))
        .filter((target) => EDGES.some((edge) => target === join(src, `${edge}.ts`)))
        .map((target) => `${relative(src, file)} -> ${relative(src, target)}`)
    )
    expect(offending).toEqual([])
  })

  it("the pure public modules import no Effect edge module", () => {
    const pure = ["ApiGatewaySigner.ts", "SigningError.ts", "RequestError.ts", "HttpMethods.ts", "SignedRequest.ts", "Diagnosis.ts"]
    for (const entry of pure) {
      const reached = [...closure(entry).keys()].map((file) => relative(src, file))
      expect(reached.filter((file) => EDGES.some((edge) => file === `${edge}.ts` && file !== entry))).toEqual([])
    }
  })
})
