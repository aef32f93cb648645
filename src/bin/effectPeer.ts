/**
 * The CLI's first check: the `effect` peer dependency is installed, at
 * version 3. npm refuses effect 4 (npm's `latest`) for this package, but
 * `--force`, `--legacy-peer-deps`, pnpm and yarn install it with a warning;
 * the CLI would then die on a missing module of Effect's (`FiberRef.js`),
 * with a stack trace that does not say what to do.
 *
 * @internal
 */
import { createRequire } from "node:module"

/** The major version of Effect this package is written for. */
const SUPPORTED_MAJOR = "3"

/** What is wrong with the installed `effect`, as one line that says what to do; undefined when it is an Effect 3. */
export const effectPeerProblem = (from: string = import.meta.url): string | undefined => {
  let version: unknown
  try {
    version = (createRequire(from)("effect/package.json") as { readonly version?: unknown }).version
  } catch {
    return "this command needs the effect package, version 3, which is not installed: npm install effect@3"
  }
  return typeof version === "string" && version.split(".")[0] === SUPPORTED_MAJOR
    ? undefined
    : `this command needs effect 3.x, and effect ${String(version)} is installed (npm's latest effect is 4.x, which this version does not support): npm install effect@3`
}
