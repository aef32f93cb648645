/**
 * Reading the environment through Effect's `Config` where the runtime may
 * refuse it: Deno without `--allow-env` throws on the read (`NotCapable`;
 * `PermissionDenied` before Deno 2), which Effect sees as a defect. The
 * facade's reads (internal/environment.ts) count that as "not set"; these
 * helpers give the Effect API the same outcome, as a typed error or a value.
 * They also check the `Config`s a layer is given before Effect reads them
 * (`Config.unwrap` throws on a field that is no Config, or recurses without
 * end into a string), and say what failed without quoting a value.
 *
 * @internal
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import { SigningError } from "../../SigningError.js"
import { isError } from "../brand.js"
import { safely } from "../guard.js"
import { describe } from "../request/describe.js"

/** Whether a defect is the runtime refusing access (Deno's permission errors). */
const isPermissionRefusal = (defect: unknown): boolean =>
  safely(() => isError(defect) && (defect.name === "NotCapable" || defect.name === "PermissionDenied"), false)

/** What to say of a config read that threw: the permission to grant, or only that it threw (what it threw may quote a value). */
export const thrownConfigRead = (defect: unknown, variables: string): string =>
  isPermissionRefusal(defect)
    ? `the runtime refuses to read the environment (in Deno, grant --allow-env=${variables})`
    : "reading it threw"

/** A read whose every failure, a refused or throwing environment included, counts as "not set". */
export const orUndefined = <A, E>(read: Effect.Effect<A | undefined, E>): Effect.Effect<A | undefined> =>
  read.pipe(
    Effect.orElseSucceed(() => undefined),
    Effect.catchAllDefect(() => Effect.succeed(undefined))
  )

/**
 * A layer's options of `Config`s, checked before Effect reads them: an
 * object whose fields (`fields.required` and `fields.optional`, read by
 * name, so a getter on a prototype counts) are `Config`s; the required ones
 * must be there, and a field left `undefined` counts as absent. Anything else is an `InvalidConfig` naming
 * the field, where `Config.unwrap` would throw a raw TypeError, or overflow
 * the stack on a plain string.
 */
export const configFields = (
  what: string,
  options: unknown,
  fields: { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string>; readonly example: string }
): Record<string, Config.Config<unknown>> | SigningError => {
  const invalid = (message: string) => new SigningError({ reason: "InvalidConfig", message: `${what}: ${message}` })
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return invalid(`takes an object of Configs, e.g. ${fields.example}; got ${describe(options)}.`)
  }
  const configs: Record<string, Config.Config<unknown>> = {}
  for (const name of [...fields.required, ...fields.optional]) {
    let value: unknown
    try {
      value = (options as Record<string, unknown>)[name]
    } catch {
      // What a getter or Proxy trap threw may quote a value, so it is not shown.
      return invalid(`${name} could not be read (its getter or a Proxy trap threw).`)
    }
    if (value === undefined) {
      if (fields.required.includes(name)) return invalid(`${name} is required: a Config, e.g. ${fields.example}.`)
      continue
    }
    if (!safely(() => Config.isConfig(value), false)) {
      return invalid(`${name} must be a Config, e.g. Config.string("…") or Config.succeed(value); got ${describe(value)}.`)
    }
    configs[name] = value as Config.Config<unknown>
  }
  return configs
}

/**
 * What a `ConfigError` says, without the values it may quote (an invalid
 * value's message repeats it): which keys are missing, invalid or unreadable.
 */
export const describeConfigError = (error: unknown): string => safely(() => describeError(error as ConfigError.ConfigError, 0), "unreadable")

const describeError = (error: ConfigError.ConfigError, depth: number): string => {
  const at = (path: ReadonlyArray<string>) => (path.length === 0 ? "the configuration" : path.join("."))
  if (depth > 8) return "more errors"
  switch (error._op) {
    case "MissingData":
      return `${at(error.path)} is not set`
    case "InvalidData":
      return `${at(error.path)} has an invalid value`
    case "SourceUnavailable":
      return `${at(error.path)} could not be read`
    case "Unsupported":
      return `${at(error.path)} is not supported`
    case "And":
      return `${describeError(error.left, depth + 1)}; ${describeError(error.right, depth + 1)}`
    case "Or":
      return `${describeError(error.left, depth + 1)} (or ${describeError(error.right, depth + 1)})`
    default:
      return "unreadable"
  }
}
