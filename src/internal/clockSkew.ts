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
// The whole message: API Gateway's `message` is that sentence and nothing else, so text that only quotes it
// (a backend's 403 repeating what a user wrote) sets no clock.
const SKEW_MESSAGE =
  /^Signature (?:expired|not yet current): \d{8}T\d{6}Z is (?:now earlier|still later) than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) [-+] \d{1,20}(?:\.\d{1,20})? min\.\)$/

// Longest body text read as JSON for its message: API Gateway's is about 150 characters.
const MAX_JSON_BODY = 1024

/**
 * The server's time stated by a skew message, if `text` is one: the sentence
 * itself, or a JSON body whose `message` is that sentence (the body as text,
 * put in an error as clock-skew.md shows).
 */
const serverTimeInText = (text: string): number | undefined => {
  const trimmed = text.trim()
  let sentence: unknown = trimmed
  if (trimmed.startsWith("{") && trimmed.length <= MAX_JSON_BODY) {
    try {
      const body: unknown = JSON.parse(trimmed)
      sentence = typeof body === "object" && body !== null ? (body as { message?: unknown }).message ?? (body as { Message?: unknown }).Message : undefined
    } catch {
      return undefined
    }
  }
  const match = typeof sentence === "string" ? SKEW_MESSAGE.exec(sentence) : null
  return match === null ? undefined : parseAmzDate(match[1]!)
}

// An HTTP date as servers send it (RFC 9110's IMF-fixdate): Date.parse alone also takes "0" for 2000,
// years of five and six digits, and other forms no server sends.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

const dateHeaderOf = (failure: unknown): number | undefined => {
  const header = headerOf(failure, "date")
  if (header === undefined || !IMF_FIXDATE.test(header)) return undefined
  const millis = Date.parse(header)
  return Number.isFinite(millis) ? millis : undefined
}

/**
 * The times a server's word is taken for: those a signature can be dated
 * with (an `X-Amz-Date` holds the years 1970 to 9999), with a year to spare at
 * the end. A time outside them (a broken or hostile server's year 10000, or
 * 1969) would set an offset no signature can be dated with, and the signer
 * would never send again. (A wrong time inside them heals: the next refusal
 * from the real API corrects it back.)
 */
const EARLIEST_SERVER_TIME = 0
const LATEST_SERVER_TIME = Date.UTC(9999, 0, 1)
const plausible = (serverTime: number | undefined): number | undefined =>
  serverTime !== undefined && serverTime >= EARLIEST_SERVER_TIME && serverTime < LATEST_SERVER_TIME ? serverTime : undefined

// The error type API Gateway names a refusal for skew with, when the failure's headers carry one.
const SKEW_ERROR_TYPE = "InvalidSignatureException"

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
  // A 403 that names another error (a missing token, an access denied) is no refusal for skew, whatever its Date.
  const errorType = headerOf(failure, "x-amzn-errortype")
  if (errorType !== undefined && !errorType.startsWith(SKEW_ERROR_TYPE)) return undefined
  // The server's time minus the signer's, at the moment of the attempt that makes it smallest.
  const offBy = (serverTime: number): number => {
    const sinceNow = serverTime - signingNow
    const sinceSigning = serverTime - signedAt
    return sinceNow > 0 ? sinceNow : sinceSigning < 0 ? sinceSigning : 0
  }
  for (const text of textsOf(failure)) {
    const serverTime = plausible(serverTimeInText(text))
    // API Gateway says outright that the signature is too old or too new: signing again is worth it even
    // when the clock explains none of it (0: the request spent those minutes between signing and arriving).
    if (serverTime !== undefined) return offBy(serverTime)
  }
  const serverDate = plausible(dateHeaderOf(failure))
  if (serverDate === undefined) return undefined
  const correction = offBy(serverDate)
  return Math.abs(correction) >= HEADER_ONLY_THRESHOLD_MILLIS ? correction : undefined
}

/**
 * The largest clock offset a signer takes, either way: 100 years. Enough for a
 * device whose clock starts at 1970; more would date every signature outside
 * the years an `X-Amz-Date` can hold, and nothing would be signed again.
 */
export const MAX_CLOCK_OFFSET_MILLIS = 100 * 365 * 24 * 60 * 60 * 1000

/** Whether `millis` can be a signer's clock offset: a finite number of milliseconds, at most 100 years either way. */
export const isClockOffset = (millis: unknown): millis is number =>
  typeof millis === "number" && Number.isFinite(millis) && Math.abs(millis) <= MAX_CLOCK_OFFSET_MILLIS

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
  if (correction === 0) return currentOffset
  // An offset the signer would refuse if it were set by hand (a server's time 175 years from this clock's) is no
  // correction either.
  const offset = attempt.offset + correction
  return isClockOffset(offset) ? offset : undefined
}

/**
 * The same for a response as an HTTP client hands it over (status and
 * headers; the body unread, so that the caller can still read it).
 */
export const offsetAfterResponse = (
  status: number,
  headers: { readonly date?: string | undefined; readonly errorType?: string | undefined },
  attempt: AttemptClock,
  localNow: number,
  currentOffset: number
): number | undefined => {
  const { date, errorType } = headers
  const named: Record<string, string> = {}
  if (date !== undefined) named["date"] = date
  if (errorType !== undefined) named["x-amzn-errortype"] = errorType
  return offsetAfterRefusal({ status, headers: named }, attempt, localNow, currentOffset)
}
