/**
 * Budget 3, browser bundle size: the facade as a browser app gets it. From
 * the consumer project (the package from `npm pack`), esbuild bundles
 * `import ApiGatewaySigner from "api-gateway-request-signer"` re-exported as
 * the entry's default (an import alone would be tree-shaken away), with
 * --bundle --minify --format=esm --platform=browser, so `#crypto` resolves to
 * the @noble/hashes adapter; the minified output is gzipped at level 6 (the
 * gzip default).
 *
 * Which modules cost what comes from the bundle's source map, not esbuild's
 * metafile: the package ships its facade pre-bundled (scripts/bundleFacade.ts),
 * so the metafile sees one file, but the map chains through the package's own
 * maps to its `src/` modules. Each stretch of minified output is charged to the
 * module it maps to (columns are UTF-16 code units, close enough to bytes for
 * this mostly-ASCII code); output that maps nowhere (esbuild's glue) is "other".
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
  /** Minified bytes per source module (by the source map), largest first. */
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
    outfile: join(dir, `${name}.bundle.js`),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    sourcemap: "external",
    write: false,
    logLevel: "silent"
  })
  const output = built.outputFiles.find((file) => file.path.endsWith(".js"))!
  const map = JSON.parse(built.outputFiles.find((file) => file.path.endsWith(".map"))!.text) as SourceMap
  const modules = [...costBySource(output.text, map)]
    .map(([module, bytes]) => ({ module: shortName(module), bytes }))
    .sort((a, b) => b.bytes - a.bytes)
  return { entry: source.trim(), minified: output.contents.byteLength, gzip: gzipSync(output.contents, { level: GZIP_LEVEL }).byteLength, modules }
}

interface SourceMap {
  readonly sources: ReadonlyArray<string>
  readonly mappings: string
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** The fields of one source map segment (base64 VLQ, each relative to the previous). */
const decodeSegment = (segment: string): Array<number> => {
  const fields: Array<number> = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = BASE64.indexOf(char)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
    } else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
  }
  return fields
}

/** Output characters per source, each segment running to the next one (or the line's end). */
const costBySource = (output: string, map: SourceMap): Map<string, number> => {
  const cost = new Map<string, number>()
  const charge = (source: string, chars: number) => cost.set(source, (cost.get(source) ?? 0) + chars)
  const lines = output.split("\n")
  let sourceIndex = 0
  map.mappings.split(";").forEach((line, lineNumber) => {
    let column = 0
    const segments = line === "" ? [] : line.split(",").map((segment) => {
      const [columnDelta = 0, sourceDelta] = decodeSegment(segment)
      column += columnDelta
      if (sourceDelta !== undefined) sourceIndex += sourceDelta
      return { column, source: sourceDelta === undefined ? "other" : map.sources[sourceIndex]! }
    })
    const length = lines[lineNumber]?.length ?? 0
    segments.forEach((segment, i) => charge(segment.source, (segments[i + 1]?.column ?? length) - segment.column))
  })
  return cost
}

/** `.../node_modules/api-gateway-request-signer/src/internal/x.ts` -> `internal/x`; other packages by name. */
const shortName = (module: string): string => {
  const ours = module.match(new RegExp(`node_modules/${PACKAGE}/(?:src|dist)/(.*)\\.[jt]s$`))
  if (ours !== null) return ours[1]!
  const other = module.lastIndexOf("node_modules/")
  return other >= 0 ? module.slice(other + "node_modules/".length) : module
}

/** The facade's modules grouped by what they are for, to see where bytes go. */
export const AREAS: ReadonlyArray<readonly [string, (module: string) => boolean]> = [
  ["@noble/hashes (SHA-256, HMAC)", (m) => m.startsWith("@noble/hashes/")],
  ["request preparation (internal/request, brand)", (m) => m.startsWith("internal/request/") || m === "internal/brand"],
  ["SigV4 (internal/sigv4, signPrepared)", (m) => m.startsWith("internal/sigv4/") || m === "internal/signPrepared" || m.startsWith("internal/crypto/")],
  ["retries (internal/retry, abort)", (m) => m.startsWith("internal/retry/") || m === "internal/abort"],
  ["config and credentials (endpoint, credentials and their sources, settings, environment, secret)", (m) =>
    ["internal/endpoint", "internal/credentials", "internal/facadeCredentials", "internal/settings", "internal/environment", "internal/secret"].includes(m)],
  ["errors (SigningError, RequestError, scrub, guard)", (m) => ["SigningError", "RequestError", "internal/scrub", "internal/guard"].includes(m)],
  ["the facade class (ApiGatewaySigner, its config, HttpMethods, reading a fetch Request, clock skew)", (m) => ["ApiGatewaySigner", "HttpMethods", "index", "internal/facadeConfig", "internal/webRequest", "internal/clockSkew"].includes(m)]
]

export const areaOf = (module: string): string => AREAS.find(([, test]) => test(module))?.[0] ?? "other"
