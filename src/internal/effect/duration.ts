/**
 * A duration option of the Effect API (a `DurationInput`) read as
 * milliseconds, fail closed. Effect's `Duration.decodeUnknown` reads a
 * negative or NaN amount (`-5`, `"-5 millis"`, `[-5, 0]`, `[NaN, 0]`, `-1n`)
 * as a zero Duration; taken as given, that would turn a backoff delay, a cap
 * on Retry-After or a renewal margin into 0. So a zero that the input does
 * not spell as zero is refused. (An infinite Duration is a choice, not a
 * mistake: no cap, or no renewal by age.)
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { SigningError } from "../../SigningError.js"
import { safely } from "../guard.js"
import { describe } from "../request/describe.js"

/** Whether a `DurationInput` spells zero itself: the only inputs Effect may decode to zero honestly. */
const spellsZero = (value: unknown): boolean =>
  value === 0 || value === 0n || Duration.isDuration(value) ||
  (typeof value === "string" && Number.parseFloat(value) === 0) ||
  (Array.isArray(value) && value.length === 2 && value[0] === 0 && value[1] === 0)

/** `value` in milliseconds, or a SigningError (InvalidConfig) naming `name` with an `example` of a good value. */
export const durationMillis = (name: string, value: unknown, example: string): number | SigningError => {
  const decoded = safely(() => Duration.decodeUnknown(value), Option.none())
  return Option.isSome(decoded) && !(Duration.isZero(decoded.value) && !spellsZero(value))
    ? Duration.toMillis(decoded.value)
    : new SigningError({
      reason: "InvalidConfig",
      message: `${name} must be a Duration such as ${example} or a number of milliseconds, 0 or more; got ${describe(value)}.`
    })
}
