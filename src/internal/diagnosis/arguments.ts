/**
 * The checks on the arguments of the Diagnosis functions. They run in a 403
 * handler, from plain JavaScript too: a wrong argument gets a SigningError
 * that says what was expected, never a TypeError from deep inside that would
 * hide the 403 being diagnosed.
 *
 * @internal
 */
import type { DiffLine, FormatOptions, SignedDetails } from "../../Diagnosis.js"
import { invalidConfig } from "../signingErrors.js"
import { safely } from "../guard.js"
import { describe } from "../request/describe.js"

/** `value`, when it is a string; else a SigningError naming `what`. */
export const stringArgument = (what: string, value: unknown): string => {
  if (typeof value !== "string") throw invalidConfig(`${what} must be a string; got ${describe(value)}.`)
  return value
}

const isDiffLine = (item: unknown): boolean =>
  safely(() => typeof item === "object" && item !== null && typeof (item as DiffLine).kind === "string" && typeof (item as DiffLine).line === "string", false)

/** `value` copied, when it is a list of diff lines; else a SigningError naming `what` (a Proxy whose traps throw included). */
export const diffLines = (what: string, value: unknown): ReadonlyArray<DiffLine> => {
  const lines = safely(() => (Array.isArray(value) ? Array.from(value as ReadonlyArray<unknown>) : undefined), undefined)
  if (lines === undefined || !lines.every(isDiffLine)) {
    throw invalidConfig(`${what} must be the list a diff function returned; got ${describe(value)}.`)
  }
  return lines as ReadonlyArray<DiffLine>
}

export const formatOptions = (value: unknown): FormatOptions | undefined => {
  if (value === undefined) return undefined
  const redact = safely(() => (typeof value === "object" && value !== null ? (value as FormatOptions).redact : "unreadable"), "unreadable")
  if (redact !== undefined && typeof redact !== "boolean") throw invalidConfig(`The options must be { redact?: boolean }; got ${describe(value)}.`)
  return { redact }
}

export const signedDetails = (value: unknown): SignedDetails => {
  const details = safely(() => {
    const { canonicalRequest, stringToSign } = value as Partial<SignedDetails>
    return typeof canonicalRequest === "string" && typeof stringToSign === "string" ? { canonicalRequest, stringToSign } : undefined
  }, undefined)
  if (details === undefined) {
    throw invalidConfig(
      `diagnose needs the signing details { canonicalRequest, stringToSign } of the request sent (Signer.signRequestWithDetails, ` +
        `or SigV4.signHeaders); got ${describe(value)}.`
    )
  }
  return details
}
