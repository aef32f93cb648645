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

/** True where the runtime has a process environment (Node, Bun, Deno); false in browsers and Workers. */
export const hasEnvironment = (): boolean =>
  typeof (globalThis as { process?: { env?: unknown } }).process?.env === "object"
