/**
 * What a call ended with, for tests that assert on the error itself: the
 * value a function threw, the typed failure of an Exit, the reason a Promise
 * rejected. Each fails the test when there was no error to take.
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"

export const thrownBy = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isFailure(exit) && Cause.isFailType(exit.cause)) return exit.cause.error
  throw new Error(`expected a typed failure, got ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "a success"}`)
}

export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(() => {
    throw new Error("expected a rejection")
  }, (error: unknown) => error)
