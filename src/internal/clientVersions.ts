/**
 * Which versions of axios and got the client integrations (`./axios`,
 * `./got`) take. Their optional peer ranges are `*`: npm refuses to install a
 * package whose optional peer range excludes a version the project already
 * has, and a 2.x app, which needs neither integration, often has axios 0.21 or
 * got 11. So the integrations check the client when they are used, and refuse
 * an older one with an InvalidConfig saying what to do, instead of failing
 * inside it.
 *
 * @internal
 */

/**
 * Why the axios installed cannot carry signed requests (before 1.6, the oldest
 * the tests run; 0.x has no `axios.getAdapter`), or `undefined` when it can.
 * Takes the axios module, so that the tests can give it older ones.
 */
export const unsupportedAxios = (module: { readonly VERSION?: unknown; readonly getAdapter?: unknown; readonly getUri?: unknown }): string | undefined => {
  const version = typeof module.VERSION === "string" ? module.VERSION : undefined
  const [major, minor] = (version ?? "").split(".").map(Number)
  const old = typeof module.getAdapter !== "function" || typeof module.getUri !== "function" ||
    major === undefined || Number.isNaN(major) || major < 1 || (major === 1 && (minor === undefined || Number.isNaN(minor) || minor < 6))
  return old
    ? `api-gateway-request-signer/axios needs axios 1.6 or later, and ${version === undefined ? "an older axios" : `axios ${version}`} is installed: ` +
      "upgrade it (npm install axios@1), or keep your axios and sign with signer.signRequest, passing its url, headers and body to axios."
    : undefined
}

/**
 * What `./got` says to got 11 or earlier, which hands hooks a plain object where got 12 and later hand an `Options`
 * instance (with `merge`): the body and headers it would send cannot be read from it.
 */
export const OLD_GOT =
  "api-gateway-request-signer/got works with got 12 and later (tested with 14 and 16), and this got is older: its hooks get a plain object, " +
  "not got's Options, so the request cannot be signed as sent. Upgrade got (npm install got@16), or keep your got and sign with " +
  "signer.signRequest, passing its url, headers and body to got."

/** Whether got handed a hook `options`, or an instance's defaults, as got 12 and later do: an Options object. */
export const isGotOptions = (options: unknown): boolean =>
  typeof options === "object" && options !== null && typeof (options as { merge?: unknown }).merge === "function"
