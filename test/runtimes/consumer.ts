/**
 * A project that depends on the package, as a user's does: in its
 * node_modules the package as `npm pack` makes it (only what would be
 * published: a file missing from `files` fails where it is used), with its
 * dependencies and peers, and any other packages asked for, linked from this
 * repo's node_modules (no network). Used by `npm run test:runtimes` and by
 * `npm run bench`.
 *
 * A copy, not a link to this repo: bundlers would otherwise apply this repo's
 * tsconfig `paths` (`#crypto` -> src/internal/crypto/node.ts among them) to
 * the package's files. For the same reason, code that imports the package
 * must be bundled or run from the consumer project, not from this repo, and
 * not under tsx started here (tsx applies this repo's `paths` too).
 */
import { existsSync } from "node:fs"
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { failure, run } from "./proc.js"

export const PACKAGE = "api-gateway-request-signer"

export interface ConsumerOptions {
  /** This repo's root (holds package.json and node_modules). */
  readonly repo: string
  /** The project's directory: emptied and laid anew. */
  readonly dir: string
  /** The project's name in its package.json. */
  readonly name: string
  /** More packages to link from this repo's node_modules, besides the package's dependencies and peers. */
  readonly link?: ReadonlyArray<string>
}

/** Lays out the consumer project; returns the directory the package was unpacked into. */
export const layOutConsumer = async (options: ConsumerOptions): Promise<string> => {
  const { repo, dir } = options
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, "node_modules"), { recursive: true })
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: options.name, private: true, type: "module" }, null, 2) + "\n")
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", strict: true } }) + "\n")

  // --ignore-scripts: dist/ was just built; prepack would build it again.
  const packed = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: repo, timeoutMs: 120_000 })
  const packFailure = failure(packed)
  if (packFailure !== undefined) throw new Error(`npm pack ${packFailure}`)
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }]
  const installed = join(dir, "node_modules", PACKAGE)
  await mkdir(installed)
  const unpacked = await run("tar", ["-xzf", join(dir, filename), "-C", installed, "--strip-components=1"])
  const unpackFailure = failure(unpacked)
  if (unpackFailure !== undefined) throw new Error(`unpacking ${filename}: ${unpackFailure}`)

  const manifest = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }
  const names = new Set([...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }), ...(options.link ?? [])])
  for (const name of names) {
    const from = join(repo, "node_modules", name)
    if (!existsSync(from)) throw new Error(`${name}, needed by the consumer project, is not in node_modules: run npm ci first`)
    await mkdir(dirname(join(dir, "node_modules", name)), { recursive: true })
    await symlink(from, join(dir, "node_modules", name), "dir")
  }
  return installed
}
