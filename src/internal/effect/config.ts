/**
 * Reading the environment through Effect's `Config` where the runtime may
 * refuse it: Deno without `--allow-env` throws on the read (`NotCapable`;
 * `PermissionDenied` before Deno 2), which Effect sees as a defect. The
 * facade's reads (internal/environment.ts) count that as "not set"; these
 * helpers give the Effect API the same outcome, as a typed error or a value.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { safely } from "../guard.js"

/** Whether a defect is the runtime refusing access (Deno's permission errors). */
const isPermissionRefusal = (defect: unknown): boolean =>
  safely(() => defect instanceof Error && (defect.name === "NotCapable" || defect.name === "PermissionDenied"), false)

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
