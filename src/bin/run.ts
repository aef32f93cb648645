/**
 * Running the library's effects from the command line: the environment as
 * the config provider, typed failures thrown as they are, interruption as
 * `Interrupted`.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { describeError, Interrupted, RuntimeFailure } from "./exitCodes.js"
import type { Io } from "./output.js"

/** The CLI's environment as a `ConfigProvider`: the library reads AWS_REGION through it, never `process.env`. */
export const configProviderOf = (env: Io["env"]): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromMap(
    new Map(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  )

/** Runs an effect; its typed failure is thrown as is, an interruption as `Interrupted`, anything else as a `RuntimeFailure`. */
export const run = async <A, E>(effect: Effect.Effect<A, E>, signal?: AbortSignal): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect, signal === undefined ? undefined : { signal })
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) throw failure.value
  if (Cause.isInterruptedOnly(exit.cause)) throw new Interrupted()
  throw new RuntimeFailure(describeError(Cause.squash(exit.cause)))
}
