/**
 * Build step after tsc: the facade subpath, `dist/ApiGatewaySigner.js`, becomes
 * one file. Node loads ES modules file by file, and the facade's 40-odd
 * internal modules cost a Lambda cold start more than signing does (measured:
 * import and sign in about 60 ms from separate files against 18 ms from one
 * file, aws4 about 23 ms). This is why the AWS SDK ships its packages bundled.
 *
 * Only `internal/` modules are inlined. What stays an import:
 * - the public modules (`./SigningError.js`, `./RequestError.js`, ...), so that
 *   an error thrown by the facade is the very class every subpath exports and
 *   `instanceof` keeps working across them;
 * - `#crypto`, which the consumer's runtime resolves through package.json
 *   `imports` conditions (node:crypto on Node, Bun and Deno; @noble/hashes
 *   elsewhere);
 * - packages.
 *
 * The output is not minified, so that stack traces and a bundler downstream
 * see the same code tsc wrote, and its source map chains through tsc's maps
 * to `src/`. Declarations are tsc's, untouched.
 *
 * Then a CommonJS copy of the facade, `dist/ApiGatewaySigner.cjs`, for the
 * module loaders that cannot load an ES module from `require()`: Jest's own
 * (before Node 24.9, and without --experimental-vm-modules after), and Node
 * run with --no-experimental-require-module. `dist/index.cjs` falls back to
 * it only there (see its comment). It is one file holding everything the
 * CommonJS root exports besides the Effect API, error classes and
 * `HttpMethods` included, so that in that world too the facade throws the
 * very classes the root exports. `#crypto` is the Node adapter: the root's
 * CommonJS entry is reached through the `node` condition only.
 */
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
// RequestError.js is the one other module the facade loads that imports internal ones.
const entries = ["ApiGatewaySigner.js", "RequestError.js"].map((file) => join(dist, file))

/** Keeps public modules and `#crypto` as imports, spelled relative to the entry (both sit in dist/). */
const sharedModules: esbuild.Plugin = {
  name: "shared-modules",
  setup(build) {
    build.onResolve({ filter: /^#/ }, (args) => ({ path: args.path, external: true }))
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path)
      if (args.kind === "entry-point" || dirname(target) !== dist) return undefined
      return { path: `./${relative(dist, target)}`, external: true }
    })
  }
}

await esbuild.build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "neutral",
  target: "es2022",
  sourcemap: true,
  legalComments: "none",
  // dist/ is plain JavaScript: the repo tsconfig's paths (which point #crypto at src/) must not apply.
  tsconfigRaw: "{}",
  logLevel: "warning",
  plugins: [sharedModules]
})

/** The names `dist/index.cjs` takes from the facade, besides the Effect API. */
const COMMONJS_FACADE = `
export { default, ApiGatewaySigner } from "./ApiGatewaySigner.js"
export { HttpMethods, isHttpMethod } from "./HttpMethods.js"
export { SigningError } from "./SigningError.js"
export { RequestError } from "./RequestError.js"
`

/** `#crypto` as the `node` condition of package.json `imports` resolves it. */
const nodeCrypto: esbuild.Plugin = {
  name: "node-crypto",
  setup(build) {
    build.onResolve({ filter: /^#crypto$/ }, () => ({ path: join(dist, "internal", "crypto", "node.js") }))
  }
}

/** A CommonJS copy in dist/ for Node (`#crypto` its adapter), packages left to `require()`. */
const buildCommonJsCopy = (options: Pick<esbuild.BuildOptions, "stdin" | "entryPoints" | "outfile" | "plugins">) =>
  esbuild.build({
    absWorkingDir: root,
    bundle: true,
    packages: "external",
    format: "cjs",
    platform: "node",
    target: "es2022",
    sourcemap: true,
    legalComments: "none",
    tsconfigRaw: "{}",
    logLevel: "warning",
    ...options
  })

await buildCommonJsCopy({
  stdin: { contents: COMMONJS_FACADE, resolveDir: dist, sourcefile: "commonjsFacade.js", loader: "js" },
  outfile: join(dist, "ApiGatewaySigner.cjs"),
  plugins: [nodeCrypto]
})

/**
 * Then a CommonJS copy of the axios adapter, `dist/axios.cjs`, which
 * `require("api-gateway-request-signer/axios")` always resolves to (the
 * exports map's `require` condition, bundlers' included): axios ships
 * CommonJS, and the ES module would load axios's ES build beside the app's
 * CommonJS one (its errors then not `instanceof` the app's `AxiosError`). It
 * starts where require(esm) is off too (a 2.x CommonJS Lambda). The public
 * modules it imports are their CommonJS entries (`./cjs/*.cjs`), so that the
 * errors it throws are the very classes the CommonJS root exports, in either
 * world; axios stays the app's own (`require("axios")`).
 */
const PUBLIC_ENTRIES = new Set(["SigningError.js", "RequestError.js", "ApiGatewaySigner.js", "HttpMethods.js"])

const publicFromCommonJsEntries: esbuild.Plugin = {
  name: "public-from-commonjs-entries",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path)
      if (args.kind === "entry-point" || dirname(target) !== dist) return undefined
      const file = relative(dist, target)
      if (!PUBLIC_ENTRIES.has(file)) {
        return { errors: [{ text: `the axios adapter's CommonJS copy imports ${file}, which has no CommonJS entry` }] }
      }
      return { path: `./cjs/${file.replace(/\.js$/, ".cjs")}`, external: true }
    })
  }
}

await buildCommonJsCopy({ entryPoints: [join(dist, "axios.js")], outfile: join(dist, "axios.cjs"), plugins: [nodeCrypto, publicFromCommonJsEntries] })
