/**
 * API Gateway's authentication error messages, each with its writer (what the
 * verifier answers) beside its parser (what a client reads back), so the two
 * cannot drift apart. (One more reader of the skew messages lives in
 * `clockSkew.ts`, which the facade loads without these parsers; a test there
 * reads back what these writers write.) The wording is API Gateway's; parsers also accept the
 * variants real gateways send (a trailing space, CRLF line ends, surrounding
 * whitespace). Named for whose wording it is: the local gateway's server
 * lives apart, in `internal/gateway/`.
 *
 * Parsers read text from the network, so each is linear in its input:
 * `indexOf`, `startsWith` and fixed-width scans, no backtracking regular
 * expressions. They take the message alone (the `message` field of the JSON
 * body), never the body.
 *
 * Pure: no Effect, no `node:`.
 *
 * @internal
 */
import { parseAmzDate } from "./sigv4/amzDate.js"

// ---------------------------------------------------------------------------
// messages without values

/** No signature at all, or a path, stage or method that does not exist. */
export const MISSING_AUTHENTICATION_TOKEN = "Missing Authentication Token"

/** An access key the server does not know, or a session token that does not belong to it. */
export const INVALID_SECURITY_TOKEN = "The security token included in the request is invalid."

/** Temporary credentials past their expiry. AWS writes it without a final period. */
export const EXPIRED_SECURITY_TOKEN = "The security token included in the request is expired"

/** Whether `message` is `text`, give or take surrounding whitespace and a final period. */
const isMessage = (message: string, text: string): boolean => {
  const trimmed = message.trim()
  const bare = text.endsWith(".") ? text.slice(0, -1) : text
  return trimmed === bare || trimmed === bare + "."
}

export const isMissingAuthenticationToken = (message: string): boolean => isMessage(message, MISSING_AUTHENTICATION_TOKEN)
export const isInvalidSecurityToken = (message: string): boolean => isMessage(message, INVALID_SECURITY_TOKEN)
export const isExpiredSecurityToken = (message: string): boolean => isMessage(message, EXPIRED_SECURITY_TOKEN)

// ---------------------------------------------------------------------------
// signature mismatch

/** What the server computed for a request whose signature did not match. */
export interface SignatureMismatch {
  readonly canonicalRequest: string
  readonly stringToSign: string
}

const CANONICAL_MARKER = "The Canonical String for this request should have been"
const STRING_TO_SIGN_MARKER = "The String-to-Sign should have been"

/** The message API Gateway sends on a signature mismatch; clients read the canonical string back out of it. */
export const signatureMismatchMessage = (canonicalRequest: string, stringToSign: string): string =>
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
  `${CANONICAL_MARKER}\n'${canonicalRequest}'\n\n` +
  `${STRING_TO_SIGN_MARKER}\n'${stringToSign}'\n`

const isSpace = (char: string | undefined): boolean => char === " " || char === "\n" || char === "\r" || char === "\t"

/**
 * The canonical request and string to sign of a signature-mismatch message,
 * or `undefined` for any other text. The canonical request may hold quotes
 * (header values), so it is bounded by the markers around it: it runs from
 * the quote after the first marker to the last quote before the last
 * string-to-sign marker. A string to sign never holds a quote (algorithm,
 * date, scope, hex), so it ends at the next one.
 */
export const parseSignatureMismatchMessage = (message: string): SignatureMismatch | undefined => {
  const text = message.includes("\r\n") ? message.split("\r\n").join("\n") : message
  const marker = text.indexOf(CANONICAL_MARKER)
  if (marker === -1) return undefined
  let open = marker + CANONICAL_MARKER.length
  while (isSpace(text[open])) open++
  if (text[open] !== "'") return undefined
  const stsMarker = text.lastIndexOf(STRING_TO_SIGN_MARKER)
  if (stsMarker <= open) return undefined
  let close = stsMarker - 1
  while (close > open && isSpace(text[close])) close--
  if (close <= open || text[close] !== "'") return undefined
  let stsOpen = stsMarker + STRING_TO_SIGN_MARKER.length
  while (isSpace(text[stsOpen])) stsOpen++
  if (text[stsOpen] !== "'") return undefined
  const stsClose = text.indexOf("'", stsOpen + 1)
  if (stsClose === -1) return undefined
  return { canonicalRequest: text.slice(open + 1, close), stringToSign: text.slice(stsOpen + 1, stsClose) }
}

// ---------------------------------------------------------------------------
// messages with values: a template of literal text and fields

/** A field of a message: reads its value at `from`, returning where it ends, or -1. */
type Field = (text: string, from: number) => number

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= "0" && char <= "9"

/** An X-Amz-Date: `YYYYMMDDTHHMMSSZ`, exactly 16 characters. */
const amzDate: Field = (text, from) => {
  for (let i = 0; i < 16; i++) {
    const char = text[from + i]
    const ok = i === 8 ? char === "T" : i === 15 ? char === "Z" : isDigit(char)
    if (!ok) return -1
  }
  return from + 16
}

/** A decimal number of minutes or seconds: `5`, `1.5`. */
const decimal: Field = (text, from) => {
  let at = from
  while (isDigit(text[at])) at++
  if (at === from) return -1
  if (text[at] === "." && isDigit(text[at + 1])) {
    at++
    while (isDigit(text[at])) at++
  }
  return at
}

/** A region or service name, as it appears between quotes: anything up to the closing quote. */
const quotedName: Field = (text, from) => text.indexOf("'", from)

/**
 * Matches `message` (trimmed) against a template of literal strings and
 * fields, from start to end; returns the fields' texts, or `undefined`.
 * Each step moves forward, so the match is linear in the message.
 */
const matchTemplate = (message: string, template: ReadonlyArray<string | Field>): Array<string> | undefined => {
  const text = message.trim()
  const values: Array<string> = []
  let at = 0
  for (const piece of template) {
    if (typeof piece === "string") {
      if (!text.startsWith(piece, at)) return undefined
      at += piece.length
    } else {
      const end = piece(text, at)
      if (end === -1) return undefined
      values.push(text.slice(at, end))
      at = end
    }
  }
  return at === text.length ? values : undefined
}

// ---------------------------------------------------------------------------
// clock skew: signed too long ago, or too far ahead

/**
 * A request refused for its date, as the message states it: the request's
 * X-Amz-Date, the limit it crossed (server time minus or plus the allowed
 * skew), the server's time, and the allowed skew in minutes. Times are
 * X-Amz-Date strings.
 */
export interface ClockSkew {
  readonly requestTime: string
  readonly limitTime: string
  readonly serverTime: string
  readonly maxSkewMinutes: number
}

/** A parsed clock-skew message: also the request and server times as epoch milliseconds, to correct a clock by. */
export interface ParsedClockSkew extends ClockSkew {
  readonly requestTimeMillis: number
  readonly serverTimeMillis: number
}

/** "Signature expired: X is now earlier than Y (Z - 5 min.)": the request's date is more than the skew before the server's. */
export const signatureExpiredMessage = (skew: ClockSkew): string =>
  `Signature expired: ${skew.requestTime} is now earlier than ${skew.limitTime} (${skew.serverTime} - ${skew.maxSkewMinutes} min.)`

/** "Signature not yet current: X is still later than Y (Z + 5 min.)": the request's date is more than the skew after the server's. */
export const signatureNotYetCurrentMessage = (skew: ClockSkew): string =>
  `Signature not yet current: ${skew.requestTime} is still later than ${skew.limitTime} (${skew.serverTime} + ${skew.maxSkewMinutes} min.)`

const parseClockSkew = (message: string, prefix: string, relation: string, sign: string): ParsedClockSkew | undefined => {
  const values = matchTemplate(message, [prefix, amzDate, relation, amzDate, " (", amzDate, ` ${sign} `, decimal, " min.)"])
  if (values === undefined) return undefined
  const [requestTime, limitTime, serverTime, minutes] = values as [string, string, string, string]
  const requestTimeMillis = parseAmzDate(requestTime)
  const serverTimeMillis = parseAmzDate(serverTime)
  if (requestTimeMillis === undefined || serverTimeMillis === undefined || parseAmzDate(limitTime) === undefined) return undefined
  return { requestTime, limitTime, serverTime, maxSkewMinutes: Number(minutes), requestTimeMillis, serverTimeMillis }
}

export const parseSignatureExpiredMessage = (message: string): ParsedClockSkew | undefined =>
  parseClockSkew(message, "Signature expired: ", " is now earlier than ", "-")

export const parseSignatureNotYetCurrentMessage = (message: string): ParsedClockSkew | undefined =>
  parseClockSkew(message, "Signature not yet current: ", " is still later than ", "+")

/** A presigned URL used after `X-Amz-Date` plus `X-Amz-Expires`. */
export interface PresignedExpiry {
  readonly requestTime: string
  readonly expiresInSeconds: number
  readonly serverTime: string
}

export interface ParsedPresignedExpiry extends PresignedExpiry {
  readonly requestTimeMillis: number
  readonly serverTimeMillis: number
}

export const presignedExpiredMessage = (expiry: PresignedExpiry): string =>
  `Signature expired: ${expiry.requestTime} plus ${expiry.expiresInSeconds} seconds is earlier than ${expiry.serverTime}.`

export const parsePresignedExpiredMessage = (message: string): ParsedPresignedExpiry | undefined => {
  const values = matchTemplate(message, ["Signature expired: ", amzDate, " plus ", decimal, " seconds is earlier than ", amzDate, "."])
  if (values === undefined) return undefined
  const [requestTime, seconds, serverTime] = values as [string, string, string]
  const requestTimeMillis = parseAmzDate(requestTime)
  const serverTimeMillis = parseAmzDate(serverTime)
  if (requestTimeMillis === undefined || serverTimeMillis === undefined) return undefined
  return { requestTime, expiresInSeconds: Number(seconds), serverTime, requestTimeMillis, serverTimeMillis }
}

// ---------------------------------------------------------------------------
// credential scope: region and service

/**
 * "Credential should be scoped to a valid region, not 'eu-west-1'.": the
 * request was signed for another region than the API's. It names the region
 * the request was signed for, not the right one. AWS ends it with a space,
 * and so does this.
 */
export const wrongRegionMessage = (signedRegion: string): string =>
  `Credential should be scoped to a valid region, not '${signedRegion}'. `

/**
 * The region a wrong-region message names (the one signed for), `null` when
 * the message names none (some gateways answer "Credential should be scoped
 * to a valid region."), `undefined` for any other message.
 */
export const parseWrongRegionMessage = (message: string): { readonly signedRegion: string | null } | undefined => {
  const named = matchTemplate(message, ["Credential should be scoped to a valid region, not '", quotedName, "'."])
  if (named !== undefined) return { signedRegion: named[0]! }
  return matchTemplate(message, ["Credential should be scoped to a valid region."]) === undefined ? undefined : { signedRegion: null }
}

/**
 * "Credential should be scoped to correct service: 'execute-api'.": the
 * request was signed for another service. It names the service the server
 * expects. AWS ends it with a space, and so does this.
 */
export const wrongServiceMessage = (expectedService: string): string =>
  `Credential should be scoped to correct service: '${expectedService}'. `

export const parseWrongServiceMessage = (message: string): { readonly expectedService: string } | undefined => {
  const values = matchTemplate(message, ["Credential should be scoped to correct service: '", quotedName, "'."])
  return values === undefined ? undefined : { expectedService: values[0]! }
}
