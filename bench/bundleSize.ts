/**
 * Budget 3, browser bundle size: the facade as a browser app gets it. From
 * the consumer project (the package from `npm pack`), esbuild bundles
 * `import ApiGatewaySigner from "api-gateway-request-signer"` re-exported as
 * the entry's default (an import alone would be tree-shaken away), with
 * --bundle --minify --format=esm --platform=browser, so `#crypto` resolves to
 * the @noble/hashes adapter; the minified output is gzipped at level 6 (the
 * gzip default). The metafile says which modules cost what.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import { PACKAGE } from "../test/runtimes/consumer.js"

export interface ModuleCost {
  readonly module: string
  readonly bytes: number
}

export interface BundleSize {
  readonly entry: string
  readonly minified: number
  readonly gzip: number
  /** Minified bytes per input module, largest first. */
  readonly modules: ReadonlyArray<ModuleCost>
}

const GZIP_LEVEL = 6

/** Bundles `source` (an entry module's text) from the consumer project; returns its sizes. */
export const measureBundle = async (consumer: string, name: string, source: string): Promise<BundleSize> => {
  const dir = join(consumer, "src", "bundle")
  await mkdir(dir, { recursive: true })
  const entry = join(dir, `${name}.js`)
  await writeFile(entry, source)
  const built = await esbuild.build({
    absWorkingDir: consumer,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    metafile: true,
    write: false,
    logLevel: "silent"
  })
  const output = built.outputFiles[0]!.contents
  const [meta] = Object.values(built.metafile.outputs)
  const modules = Object.entries(meta!.inputs)
    .map(([module, { bytesInOutput }]) => ({ module: shortName(module), bytes: bytesInOutput }))
    .filter((cost) => cost.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  return { entry: source.trim(), minified: output.byteLength, gzip: gzipSync(output, { level: GZIP_LEVEL }).byteLength, modules }
}

/** `node_modules/api-gateway-request-signer/dist/internal/x.js` -> `internal/x.js`; other packages by name. */
const shortName = (module: string): string => {
  const ours = module.indexOf(`node_modules/${PACKAGE}/dist/`)
  if (ours >= 0) return module.slice(ours + `node_modules/${PACKAGE}/dist/`.length)
  const other = module.lastIndexOf("node_modules/")
  return other >= 0 ? module.slice(other + "node_modules/".length) : module
}

/** The facade's modules grouped by what they are for, to see where bytes go. */
export const AREAS: ReadonlyArray<readonly [string, (module: string) => boolean]> = [
  ["@noble/hashes (SHA-256, HMAC)", (m) => m.startsWith("@noble/hashes/")],
  ["request preparation (internal/request)", (m) => m.startsWith("internal/request/")],
  ["SigV4 (internal/sigv4, signPrepared)", (m) => m.startsWith("internal/sigv4/") || m === "internal/signPrepared.js" || m.startsWith("internal/crypto/")],
  ["retries (internal/retry, abort)", (m) => m.startsWith("internal/retry/") || m === "internal/abort.js"],
  ["config and credentials (endpoint, credentials, settings, environment, secret)", (m) =>
    ["internal/endpoint.js", "internal/credentials.js", "internal/settings.js", "internal/environment.js", "internal/secret.js"].includes(m)],
  ["errors (SigningError, RequestError, scrub)", (m) => ["SigningError.js", "RequestError.js", "internal/scrub.js"].includes(m)],
  ["the facade class (ApiGatewaySigner, HttpMethods)", (m) => ["ApiGatewaySigner.js", "HttpMethods.js", "index.js"].includes(m)]
]

export const areaOf = (module: string): string => AREAS.find(([, test]) => test(module))?.[0] ?? "other"
