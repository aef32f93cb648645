/**
 * The package as users get it: built to dist/, imported by name through the
 * exports map, with a lean import graph for the Promise facade.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "@effect/vitest"

const root = resolve(import.meta.dirname, "..")
const built = existsSync(resolve(root, "dist/index.js"))
if (!built) console.warn("\n!! dist/ is missing: run `npm run build` (npm test does) to run the package tests.\n")

/** Runs an ES module script in a child Node; stderr is captured, never printed, and reported when the child fails. */
const run = (script: string) => {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" })
  return { status: child.status, stdout: child.stdout, stderr: child.stderr }
}

const node = (script: string): string => {
  const { status, stderr, stdout } = run(script)
  if (status !== 0) throw new Error(`node exited with ${status}:\n${stderr}`)
  return stdout
}

// Loads a module and appends every file URL the loader resolved to GRAPH_FILE, one per line. Written synchronously
// by the hook: the hooks run on their own thread, and what that thread writes to stdout may be lost when the main
// thread exits first (a busy machine cut the list short).
const IMPORT_GRAPH = `
import { register } from "node:module"
register("data:text/javascript," + encodeURIComponent(\`
  import { appendFileSync } from "node:fs"
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context)
    if (result.url.startsWith("file:")) appendFileSync(process.env.GRAPH_FILE, result.url + "\\\\n")
    return result
  }\`))
await import(process.env.TARGET)
`

/** The file URLs loading `target` (by name, as a user imports it) resolves. */
const importGraph = (target: string): ReadonlyArray<string> => {
  const dir = mkdtempSync(join(tmpdir(), "import-graph-"))
  const graphFile = join(dir, "graph.txt")
  try {
    writeFileSync(graphFile, "")
    execFileSync(process.execPath, ["--input-type=module", "-e", IMPORT_GRAPH], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, TARGET: target, GRAPH_FILE: graphFile },
      stdio: ["ignore", "pipe", "pipe"]
    })
    return readFileSync(graphFile, "utf8").split("\n").filter(Boolean)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe.skipIf(!built)("the built package", () => {
  const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"))

  it("declares ESM, no side effects, and Node >= 20.19", () => {
    expect(pkg).toMatchObject({ type: "module", sideEffects: false, engines: { node: ">=20.19" } })
  })

  it("imports by name: default and named ApiGatewaySigner, HttpMethods, the errors and the Effect modules", () => {
    const out = node(`
      const m = await import("api-gateway-request-signer")
      console.log(JSON.stringify({
        same: m.default === m.ApiGatewaySigner,
        names: Object.keys(m).sort(),
        get: m.HttpMethods.GET
      }))`)
    const result = JSON.parse(out)
    expect(result.same).toBe(true)
    expect(result.get).toBe("GET")
    expect(result.names).toEqual(expect.arrayContaining(["ApiGatewaySigner", "Credentials", "HttpMethods", "RequestError", "Retry", "SigV4", "Signer", "SigningError", "default"]))
  })

  it("signs with the built code", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer")
      const s = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      console.log(s.signRequest({ method: "GET", path: "/x" }).url)`)
    expect(out.trim()).toBe("https://a.execute-api.us-east-1.amazonaws.com/p/x")
  })

  it("keeps @effect/platform out of the facade's import graph, and never loads the effect barrel", () => {
    const graph = importGraph("api-gateway-request-signer")
    expect(graph.some((url) => url.includes("/dist/ApiGatewaySigner.js"))).toBe(true)
    expect(graph.filter((url) => url.includes("@effect/platform"))).toEqual([])
    expect(graph.filter((url) => /node_modules\/effect\/dist\/esm\/index\.js$/.test(url))).toEqual([])
  })

  it("signs through the facade subpath without loading the Effect runtime (Effect, Layer, Schedule)", () => {
    const graph = importGraph("api-gateway-request-signer/ApiGatewaySigner")
    expect(graph.some((url) => url.includes("/dist/ApiGatewaySigner.js"))).toBe(true)
    const heavy = graph.filter((url) => /node_modules\/effect\/dist\/esm\/(Effect|Layer|Schedule|Config)\.js$/.test(url))
    expect(heavy).toEqual([])
  })

  it("gives require() of the root the ES root's names and values, and loads Effect only when an Effect module is read (cold start)", () => {
    // Effect's modules create this global store as they load (effect/GlobalValue).
    const script = `
      const effectLoaded = () => "effect/GlobalValue" in globalThis
      const root = require("api-gateway-request-signer")
      const signer = new root.default({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      const signed = signer.signRequest({ method: "GET", path: "/x" }).headers.Authorization.startsWith("AWS4-HMAC-SHA256 ")
      const afterSigning = effectLoaded()
      const signerModule = root.Signer
      const afterReadingSigner = effectLoaded()
      import("api-gateway-request-signer").then((esm) => console.log(JSON.stringify({
        signed, afterSigning, afterReadingSigner,
        names: Object.keys(root).filter((name) => name !== "__esModule").sort(),
        esmNames: Object.keys(esm).sort(),
        different: Object.keys(esm).filter((name) => esm[name] !== root[name]),
        interop: root.__esModule === true && signerModule === esm.Signer
      })))`
    const child = spawnSync(process.execPath, ["--input-type=commonjs", "-e", script], { cwd: root, encoding: "utf8" })
    if (child.status !== 0) throw new Error(`node exited with ${child.status}:\n${child.stderr}`)
    const result = JSON.parse(child.stdout)
    expect(result).toMatchObject({ signed: true, afterSigning: false, afterReadingSigner: true, different: [], interop: true })
    expect(result.names).toEqual(result.esmNames)
  })

  it("loads the facade subpath from a handful of files, not one per internal module (cold start)", () => {
    const files = importGraph("api-gateway-request-signer/ApiGatewaySigner")
      .filter((url) => url.includes("/dist/"))
      .map((url) => url.slice(url.indexOf("/dist/") + "/dist/".length))
    expect([...new Set(files)].sort()).toEqual([
      "ApiGatewaySigner.js",
      "HttpMethods.js",
      "RequestError.js",
      "SigningError.js",
      "internal/crypto/node.js"
    ])
  })

  it("loads no fetch implementation to import the facade and sign (reading a web global like Headers would, in Node)", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer/ApiGatewaySigner")
      const signer = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      signer.signRequest({ method: "POST", path: "/x", queryParams: { a: "1" }, headers: { "x-a": "1" }, body: { n: [1, { m: 2 }] } })
      console.log(JSON.stringify(process.moduleLoadList.filter((name) => name.includes("undici"))))`)
    expect(JSON.parse(out)).toEqual([])
  })

  it("loads no fetch implementation to sign a body that is a class instance (a DTO, an ORM entity)", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer/ApiGatewaySigner")
      const signer = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      class CreateOrder { constructor() { this.id = 1; this.items = [new (class Line { constructor() { this.sku = "a" } })()] } }
      // Shaped in part like a FormData (append, getAll) and a Blob (size, type, slice): still a DTO.
      class Params { constructor() { this.q = "x" } append() {} getAll() { return [] } }
      class Image { constructor() { this.size = 3; this.type = "png" } slice() { return this } }
      const signed = signer.signRequest({ method: "POST", path: "/orders", body: [new CreateOrder(), new Params(), new Image()] })
      console.log(JSON.stringify({ undici: process.moduleLoadList.filter((name) => name.includes("undici")), body: signed.body }))`)
    expect(JSON.parse(out)).toEqual({ undici: [], body: '[{"id":1,"items":[{"sku":"a"}]},{"q":"x"},{"size":3,"type":"png"}]' })
  })

  it("loads no fetch implementation to sign headers a browser would refuse (Cookie, Accept-Encoding, Date, Origin), which Node sends", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer/ApiGatewaySigner")
      const signer = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      const headers = { Cookie: "a=1", "Accept-Encoding": "gzip", Date: "Wed, 01 Jan 2025 00:00:00 GMT", Origin: "https://app.example" }
      const signed = signer.signRequest({ method: "GET", path: "/x", headers })
      console.log(JSON.stringify({ undici: process.moduleLoadList.filter((name) => name.includes("undici")), authorization: signed.headers.Authorization }))`)
    const { undici, authorization } = JSON.parse(out)
    expect(undici).toEqual([])
    expect(authorization).toContain("SignedHeaders=accept;accept-encoding;cookie;date;host;origin;x-amz-date")
  })

  it("signs such headers with a global object made non-extensible (SES, LavaMoat), where Node cannot load its fetch", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer/ApiGatewaySigner")
      Object.preventExtensions(globalThis)
      const signer = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      console.log(signer.signRequest({ method: "GET", path: "/x", headers: { Cookie: "a=1" } }).headers.Authorization)`)
    expect(out).toContain("SignedHeaders=accept;cookie;host;x-amz-date")
  })

  it("throws from the facade the very error classes every subpath exports", () => {
    const out = node(`
      const { default: ApiGatewaySigner } = await import("api-gateway-request-signer/ApiGatewaySigner")
      const root = await import("api-gateway-request-signer")
      const { SigningError } = await import("api-gateway-request-signer/SigningError")
      const { RequestError } = await import("api-gateway-request-signer/RequestError")
      const signer = new ApiGatewaySigner({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" })
      let signing
      try { signer.signRequest({ method: "GET", path: "/x", headers: { "x-a": "1\\r\\n" } }) } catch (error) { signing = error }
      const request = await signer.makeRequestWithRetries({ method: "GET", path: "/x" }, () => Promise.reject(new Error("down")), 0).catch((error) => error)
      console.log(JSON.stringify([
        signing instanceof SigningError, signing instanceof root.SigningError,
        request instanceof RequestError, request instanceof root.RequestError
      ]))`)
    expect(JSON.parse(out)).toEqual([true, true, true, true])
  })

  it("declares axios and got optional peers, of their subpaths only", () => {
    expect(pkg.peerDependenciesMeta).toMatchObject({ axios: { optional: true }, got: { optional: true } })
    // Any version: npm refuses to install beside a version an optional peer's range excludes, and a 2.x app that
    // wants only the facade often has axios 0.21 or got 11. The subpaths refuse those when used (clientVersions.ts).
    expect([pkg.peerDependencies?.axios, pkg.peerDependencies?.got]).toEqual(["*", "*"])
    expect([pkg.dependencies?.axios, pkg.dependencies?.got]).toEqual([undefined, undefined])
    expect(pkg.exports).toMatchObject({
      "./axios": { types: "./dist/axios.d.ts", default: "./dist/axios.js" },
      "./got": { types: "./dist/got.d.ts", default: "./dist/got.js" }
    })
  })

  it("imports the client integrations by name: ./axios and ./got", () => {
    const out = node(`
      const a = await import("api-gateway-request-signer/axios")
      const g = await import("api-gateway-request-signer/got")
      console.log(JSON.stringify({ axios: Object.keys(a).sort(), got: Object.keys(g).sort() }))`)
    expect(JSON.parse(out)).toEqual({ axios: ["signedAdapter", "withSigner"], got: ["clockSkewHook", "signingHook", "withSigner"] })
  })

  it("never loads axios or got with the root or the facade: only their own subpaths do", () => {
    for (const target of ["api-gateway-request-signer", "api-gateway-request-signer/ApiGatewaySigner"]) {
      expect(importGraph(target).filter((url) => /node_modules\/(axios|got)\//.test(url))).toEqual([])
    }
    expect(importGraph("api-gateway-request-signer/axios").some((url) => /node_modules\/axios\//.test(url))).toBe(true)
    // got's integration takes the got instance it extends: it imports nothing of got.
    expect(importGraph("api-gateway-request-signer/got").filter((url) => /node_modules\/got\//.test(url))).toEqual([])
  })

  it("hides internal modules from importers", () => {
    const { status, stderr } = run(`await import("api-gateway-request-signer/internal/endpoint")`)
    expect(status).not.toBe(0)
    expect(stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED")
    expect(stderr).toContain("'./internal/endpoint' is not defined by \"exports\"")
  })
})

describe("the exports map", () => {
  const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
    exports: Record<string, unknown>
    typesVersions: Record<string, Record<string, ReadonlyArray<string>>>
    types: string
  }
  const FACADE_SUBPATHS: ReadonlyArray<string> = ["ApiGatewaySigner", "HttpMethods", "RequestError", "SigningError"]
  const modules = readdirSync(resolve(root, "src"))
    .filter((name) => name.endsWith(".ts") && name !== "index.ts")
    .map((name) => name.slice(0, -".ts".length))
    .sort()

  it("lists the root, each public module (src/*.ts) and package.json, and nothing else: no pattern can reach dist/ or internal/", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./package.json", ...modules.map((name) => `./${name}`)].sort())
    expect(pkg.exports["."]).toEqual({
      types: "./dist/index.d.ts",
      // Bundlers (webpack, Parcel, Rollup, Vite) take the ES root even for require(): it tree-shakes.
      module: "./dist/index.js",
      node: { require: "./dist/index.cjs", default: "./dist/index.js" },
      default: "./dist/index.js"
    })
    for (const name of modules) {
      expect(pkg.exports[`./${name}`]).toEqual(
        name === "axios"
          ? {
            types: "./dist/axios.d.ts",
            // Its CommonJS copy for every require(), bundlers' too: axios ships CommonJS, and the ES module would load
            // axios's ES build beside the app's (a signed request's errors then not the app's AxiosError).
            require: "./dist/axios.cjs",
            module: "./dist/axios.js",
            default: "./dist/axios.js"
          }
          : FACADE_SUBPATHS.includes(name)
          ? {
            types: `./dist/${name}.d.ts`,
            module: `./dist/${name}.js`,
            // A CommonJS entry that falls back to the facade's CommonJS copy where require(esm) is off (AWS Lambda).
            node: { require: `./dist/cjs/${name}.cjs`, default: `./dist/${name}.js` },
            default: `./dist/${name}.js`
          }
          : { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` }
      )
    }
  })

  it("ends every set of conditions in a default: a resolver that stops at the first matching condition (Vite 7, so Vitest 3) never meets a dead end", () => {
    const deadEnds = (value: unknown, at: string): Array<string> =>
      typeof value !== "object" || value === null
        ? []
        : [
          ...("default" in value || Object.keys(value).some((key) => key.startsWith(".")) ? [] : [at]),
          ...Object.entries(value).flatMap(([key, nested]) => deadEnds(nested, `${at}/${key}`))
        ]
    expect(deadEnds(pkg.exports, "exports")).toEqual([])
  })

  it("is mirrored in typesVersions, for moduleResolution node (node10), which ignores exports", () => {
    expect(pkg.typesVersions).toEqual({ "*": Object.fromEntries(modules.map((name) => [name, [`./dist/${name}.d.ts`]])) })
    expect(pkg.types).toBe("./dist/index.d.ts")
  })
})

/** Folders of dist/ whose declarations the package does not ship (package.json `files`): no subpath reaches them. */
const UNPUBLISHED_DECLARATIONS = ["internal", "bin"]

describe.skipIf(!built)("the published types", () => {
  const dist = resolve(root, "dist")
  const declarations = (dir: string): Array<string> =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? (UNPUBLISHED_DECLARATIONS.includes(entry.name) ? [] : declarations(join(dir, entry.name)))
      : entry.name.endsWith(".d.ts") ? [join(dir, entry.name)] : []
    )

  it("never import from internal/, whose declarations are not published", () => {
    const offending = declarations(dist).filter((file) => /from "\.\.?\/(?:\.\.\/)*internal\//.test(readFileSync(file, "utf8")))
    expect(offending.map((file) => relative(dist, file))).toEqual([])
  })

  // A name exported at run time but stripped from the types (an @internal helper) is callable from
  // JavaScript and an error in TypeScript: neither public nor private.
  it("declare every value each public module exports at run time, and no value it lacks", async () => {
    const ts = (await import("typescript")).default
    const entries = readdirSync(dist).filter((name) => name.endsWith(".d.ts") && !["axios.d.ts", "got.d.ts"].includes(name))
    const program = ts.createProgram(entries.map((name) => join(dist, name)), { strict: true, noEmit: true, skipLibCheck: true, types: [] })
    const checker = program.getTypeChecker()
    const mismatched: Array<string> = []
    for (const name of entries) {
      const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(dist, name))!)!
      const declared = checker.getExportsOfModule(moduleSymbol)
        .filter((symbol) => ((symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).flags & ts.SymbolFlags.Value) !== 0)
        .map((symbol) => symbol.name)
        .sort()
      // In a child Node, as a user loads it (Vitest would transform the module on its way in).
      const file = pathToFileURL(join(dist, name.replace(/\.d\.ts$/, ".js"))).href
      const exported = (JSON.parse(node(`console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(file)}))))`)) as Array<string>).sort()
      if (JSON.stringify(declared) !== JSON.stringify(exported)) mismatched.push(`${name}: declared ${declared.join(", ")}; exported ${exported.join(", ")}`)
    }
    expect(entries.length).toBeGreaterThan(10)
    expect(mismatched).toEqual([])
  })

  it("carry no @internal declaration", () => {
    const offending = declarations(dist).filter((file) => readFileSync(file, "utf8").includes("@internal"))
    expect(offending.map((file) => relative(dist, file))).toEqual([])
  })

  // --ignore-scripts: prepack would rebuild dist/ under the other tests' feet.
  // The CLI's modules are internal too: stripInternal leaves declarations of theirs that do not compile.
  it("are all the package ships of dist/internal and dist/bin: their JavaScript, no declarations", () => {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }))[0].files
      .map((file: { path: string }) => file.path) as Array<string>
    for (const folder of UNPUBLISHED_DECLARATIONS) {
      expect(packed.filter((path) => path.startsWith(`dist/${folder}/`) && path.includes(".d.ts"))).toEqual([])
    }
    expect(packed).toContain("dist/internal/request/prepare.js")
    expect(packed).toContain("dist/bin/api-gateway-request-signer.js")
  })
})
