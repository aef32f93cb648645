/**
 * What a request signed by `Retry.makeRequestWithRetries` was signed from:
 * the canonical request and string to sign that `-v` prints and the 403
 * diagnosis compares. `Retry` does not pass them on, so they are recovered by
 * signing the request a second time at its own x-amz-date.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Credentials from "../Credentials.js"
import { parseAmzDate } from "../internal/sigv4/amzDate.js"
import type { RequestToSign, SignedRequest } from "../SignedRequest.js"
import * as Signer from "../Signer.js"

/** A clock stopped at one instant: signing under it reproduces a signature made at that second. */
const stoppedClock = (millis: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => millis,
  currentTimeMillis: Effect.succeed(millis),
  unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(millis) * 1_000_000n),
  sleep: () => Effect.void
})

// TODO(second-signing): once Retry.makeRequestWithRetries hands `send` the signing details (canonical
// request and string to sign), take them from there and delete this module: it signs every request twice.
/** Signing `request` again at `signed`'s x-amz-date gives the same signature, and the details with it. */
export const detailsOf = (
  request: RequestToSign,
  signed: SignedRequest
): Effect.Effect<Signer.SignedRequestWithDetails | undefined, never, Signer.Signer | Credentials.Credentials> => {
  const amzDate = signed.headers["x-amz-date"]
  const millis = amzDate === undefined ? undefined : parseAmzDate(amzDate)
  if (millis === undefined) return Effect.succeed(undefined)
  return Signer.signRequestWithDetails(request).pipe(
    Effect.withClock(stoppedClock(millis)),
    Effect.map((details) => details.request.headers["authorization"] === signed.headers["authorization"] ? details : undefined),
    Effect.orElseSucceed(() => undefined)
  )
}
