/**
 * Reads of the process environment, guarded: browsers and Workers have no
 * `process`, and nothing here runs at module load. Absent means `undefined`,
 * never a ReferenceError.
 *
 * @internal
 */

/** An environment variable's value, or `undefined` where there is no such variable or no environment. */
export const environmentVariable = (name: string): string | undefined => {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name]
    return typeof value === "string" ? value : undefined
  } catch {
    // Deno without --allow-env throws on access: no permission reads as no variable.
    return undefined
  }
}

/**
 * An environment variable that names a setting (AWS_REGION): one set empty or blank (`AWS_REGION=` in a CI
 * file) is not set, as the AWS CLI reads it, so that the next place is read.
 */
export const environmentSetting = (name: string): string | undefined => {
  const value = environmentVariable(name)
  return value === undefined || value.trim() === "" ? undefined : value
}

/** True where the runtime refuses to read the variable `name` (Deno without --allow-env for it throws on the read). */
export const environmentRefused = (name = "AWS_REGION"): boolean => {
  try {
    void (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name]
    return false
  } catch {
    return true
  }
}

/** True where the runtime has a process environment (Node, Bun, Deno); false in browsers and Workers. */
export const hasEnvironment = (): boolean =>
  typeof (globalThis as { process?: { env?: unknown } }).process?.env === "object"

/**
 * True in Cloudflare's workerd (Workers), which says so in `navigator.userAgent` (or, without a navigator, has
 * `WebSocketPair` and `caches.default`). There, every promise, timer
 * and fetch belongs to the request that made it, and is cancelled when that request ends: a provider call
 * started by one request cannot be shared with others, which would wait on it for good (or be woken from the
 * wrong request, and cancelled).
 */
export const isWorkerd = (): boolean => {
  try {
    const global = globalThis as { navigator?: { userAgent?: unknown }; WebSocketPair?: unknown; caches?: { default?: unknown } }
    // navigator is missing before compatibility_date 2022-03-21 and with no_global_navigator; WebSocketPair and
    // caches.default are workerd's whatever the date and flags (Bun has HTMLRewriter, so not that).
    return global.navigator?.userAgent === "Cloudflare-Workers" ||
      (typeof global.WebSocketPair === "function" && typeof global.caches?.default === "object" && global.caches.default !== null)
  } catch {
    return false
  }
}
