/**
 * The older client versions the client integrations are tested against
 * besides the latest (the devDependencies): installed pinned into the tests'
 * own cache (.cache/clients) by test/runtimes/tools.ts's installer, never as
 * devDependencies. The `clients-compat` project of vitest.config.ts runs the
 * axios and got tests again with `axios` and `got` resolving to these.
 */
import { join, resolve } from "node:path"
import { toolDirectory } from "../runtimes/tools.js"

/** The oldest axios the `./axios` subpath supports (its peer range starts here). */
export const AXIOS_COMPAT = "axios@1.6.0"
/** The oldest got the `./got` subpath supports (its peer range starts here). */
export const GOT_COMPAT = "got@14.0.0"

const repo = resolve(import.meta.dirname, "..", "..")

/** CLIENTS_CACHE overrides it. */
export const CLIENTS_CACHE = process.env["CLIENTS_CACHE"] ?? join(repo, ".cache", "clients")

/** The ES module entry of an installed compat package. */
export const compatEntry = (spec: string, entry: string): string =>
  join(toolDirectory(CLIENTS_CACHE, [spec]), "node_modules", spec.slice(0, spec.lastIndexOf("@")), entry)
