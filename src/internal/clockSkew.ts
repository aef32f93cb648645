/**
 * Clock skew, read off a refusal. API Gateway refuses a signature dated more
 * than 5 minutes from its own clock, with a 403 whose message states its time
 * ("Signature expired: X is now earlier than Y (Z - 5 min.)", or "Signature
 * not yet current: ...") and a `Date` header. From either, a signer learns
 * how far its clock is off, and signs on time from then on.
 *
 * @internal
 */
import { field, headerOf, responseHolders, statusOf } from "./retry/failures.js"
import { parseAmzDate } from "./sigv4/amzDate.js"

/** A `Date` header alone, without the message, counts as skew when it is this far off (the limit is 5 minutes). */
const HEADER_ONLY_THRESHOLD_MILLIS = 4 * 60 * 1000

/**
 * The texts a failure may carry API Gateway's message in: its message, a body
 * read as text or JSON; and those of the errors it wraps, down to the one that
 * carries the status (an `UnknownException` holding the response, say).
 */
const textsOf = (failure: unknown): Array<string> =>
  responseHolders(failure).flatMap((holder) => {
    const response = field(holder, "response")
    const candidates = [
      field(holder, "message"),
      field(holder, "body"),
      field(field(holder, "body"), "message"),
      field(holder, "data"),
      field(field(holder, "data"), "message"),
      field(response, "data"),
      field(field(response, "data"), "message"),
      field(response, "body")
    ]
    return candidates.filter((text): text is string => typeof text === "string")
  })

// "Signature expired: X is now earlier than Y (Z - 5 min.)" or "Signature not yet current: X is still
// later than Y (Z + 5 min.)": Z is the server's time. The minutes are API Gateway's 5, or whatever
// limit a local gateway writes (apiGatewayMessages' writer: `1.5`, `10080`). Bounded fields, no
// backtracking. (The facade reaches this module, so it does not load the full message parsers of
// apiGatewayMessages.)
const SKEW_MESSAGE =
  /Signature (?:expired|not yet current): \d{8}T\d{6}Z is (?:now earlier|still later) than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) [-+] \d{1,20}(?:\.\d{1,20})? min\.\)/

/** The server's time stated in a skew message inside `text`, if there is one. */
const serverTimeInText = (text: string): number | undefined => {
  const match = SKEW_MESSAGE.exec(text)
  return match === null ? undefined : parseAmzDate(match[1]!)
}

const dateHeaderOf = (failure: unknown): number | undefined => {
  const millis = Date.parse(headerOf(failure, "date") ?? "")
  return Number.isFinite(millis) ? millis : undefined
}

/**
 * How far the signer's clock is behind the server's, when `failure` is a 403
 * refusal for clock skew: the milliseconds to add to the offset. `undefined`
 * for any other failure.
 *
 * `signingNow` is the signer's time now (local time plus any offset);
 * `signedAt`, when known, its time when the refused attempt was signed. The
 * server stated its time at some moment in between, so the correction is the
 * smallest that fits one of those moments: a server time that matches the
 * signer's clock at some moment of the attempt is no skew (time spent after
 * signing, in a slow upload or in the caller's `send`, is not mistaken for it).
 * API Gateway's own refusal ("Signature expired", "not yet current") then
 * gives 0: nothing to correct, but a fresh signature is the remedy; a Date
 * header alone gives `undefined`.
 */
export const clockCorrection = (failure: unknown, signingNow: number, signedAt: number = signingNow): number | undefined => {
  try {
    return correctionOf(failure, signingNow, Math.min(signedAt, signingNow))
  } catch {
    // A failure whose getters or Proxy traps (or headers.get) throw says nothing about the clock.
    return undefined
  }
}

const correctionOf = (failure: unknown, signingNow: number, signedAt: number): number | undefined => {
  if (statusOf(failure) !== 403) return undefined
  // The server's time minus the signer's, at the moment of the attempt that makes it smallest.
  const offBy = (serverTime: number): number => {
    const sinceNow = serverTime - signingNow
    const sinceSigning = serverTime - signedAt
    return sinceNow > 0 ? sinceNow : sinceSigning < 0 ? sinceSigning : 0
  }
  for (const text of textsOf(failure)) {
    const serverTime = serverTimeInText(text)
    // API Gateway says outright that the signature is too old or too new: signing again is worth it even
    // when the clock explains none of it (0: the request spent those minutes between signing and arriving).
    if (serverTime !== undefined) return offBy(serverTime)
  }
  const serverDate = dateHeaderOf(failure)
  if (serverDate === undefined) return undefined
  const correction = offBy(serverDate)
  return Math.abs(correction) >= HEADER_ONLY_THRESHOLD_MILLIS ? correction : undefined
}

/** The signer's clock as one attempt was signed on it: its time then, and the offset it had. */
export interface AttemptClock {
  /** The signer's time at signing (local time plus `offset`). */
  readonly signedAt: number
  /** The clock offset the attempt was signed with. */
  readonly offset: number
}

/** The signer's clock for an attempt about to be signed: local time `localNow` plus the signer's `offset`. */
export const attemptClock = (localNow: number, offset: number): AttemptClock => ({ signedAt: localNow + offset, offset })

/**
 * The clock offset to sign again with after `failure`, for an attempt signed
 * on `attempt`'s clock, the local time being `localNow`: `undefined` when the
 * failure is no refusal for skew. The skew is measured on the clock the
 * attempt was signed with, not on the offset as it is now: requests in flight
 * together, refused for one skew, each see the same skew and correct the clock
 * once between them (measured on the corrected clock, the next one would read
 * as on time, and go unanswered). A refusal the attempt's clock explains as
 * no skew leaves the offset as it is now.
 */
export const offsetAfterRefusal = (
  failure: unknown,
  attempt: AttemptClock,
  localNow: number,
  currentOffset: number
): number | undefined => {
  const correction = clockCorrection(failure, localNow + attempt.offset, attempt.signedAt)
  if (correction === undefined) return undefined
  return correction === 0 ? currentOffset : attempt.offset + correction
}

/**
 * The same for a response as an HTTP client hands it over (status and
 * headers; the body unread, so that the caller can still read it).
 */
export const offsetAfterResponse = (
  status: number,
  dateHeader: string | undefined,
  attempt: AttemptClock,
  localNow: number,
  currentOffset: number
): number | undefined =>
  offsetAfterRefusal({ status, headers: dateHeader === undefined ? {} : { date: dateHeader } }, attempt, localNow, currentOffset)
