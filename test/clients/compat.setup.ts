/**
 * globalSetup of the `clients-compat` project: installs the pinned older
 * axios and got into the tests' cache once (later runs find them there). An
 * install that fails fails the run: it is never skipped.
 */
import { installNpm } from "../runtimes/tools.js"
import { AXIOS_COMPAT, CLIENTS_CACHE, GOT_COMPAT } from "./compat.js"

export default async function setup(): Promise<void> {
  await Promise.all([installNpm(CLIENTS_CACHE, [AXIOS_COMPAT]), installNpm(CLIENTS_CACHE, [GOT_COMPAT])])
}
