/**
 * The `X-Amz-Date` format: ISO 8601 basic, UTC, whole seconds (`20150830T123600Z`).
 *
 * @internal
 */
import { invalidConfig } from "../signingErrors.js"

/** A signing time in both forms SigV4 uses. */
export interface AmzDate {
  /** `YYYYMMDDTHHMMSSZ` */
  readonly amzDate: string
  /** `YYYYMMDD`, the credential scope's date */
  readonly dateStamp: string
}

const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59)

// Requests signed within the same second share their date: format it once.
let lastSecond = Number.NaN
let lastDate: AmzDate | undefined

/** Formats epoch milliseconds, or returns `undefined` when the time has no four-digit-year form. */
export const formatAmzDate = (epochMillis: number): AmzDate | undefined => {
  if (!Number.isFinite(epochMillis) || epochMillis < 0 || epochMillis > MAX_TIME) return undefined
  const second = Math.floor(epochMillis / 1000)
  if (second === lastSecond) return lastDate
  const iso = new Date(second * 1000).toISOString() // 2015-08-30T12:36:00.000Z
  const dateStamp = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10)
  lastDate = {
    amzDate: dateStamp + "T" + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z",
    dateStamp
  }
  lastSecond = second
  return lastDate
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Parses an `X-Amz-Date` value to epoch milliseconds, or `undefined` when it is not one. */
export const parseAmzDate = (value: string): number | undefined => {
  const match = AMZ_DATE.exec(value)
  if (match === null) return undefined
  const [, year, month, day, hours, minutes, seconds] = match.map(Number) as unknown as [
    number, number, number, number, number, number, number
  ]
  const millis = Date.UTC(year, month - 1, day, hours, minutes, seconds)
  // Date.UTC rolls 20150230 over to March 2nd; a real timestamp formats back to itself.
  return formatAmzDate(millis)?.amzDate === value ? millis : undefined
}

/** The signing date of a signing time, or a SigningError that says why there is none. */
export const signingDate = (signingTime: number | Date): AmzDate => {
  const date = formatAmzDate(typeof signingTime === "number" ? signingTime : signingTime.getTime())
  if (date === undefined) {
    throw invalidConfig(`The signing time ${String(signingTime)} is not a valid date between 1970 and 9999.`)
  }
  return date
}
