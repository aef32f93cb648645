/**
 * Exit statuses, the failures that lead to each, and the one line a failure
 * prints: `error: ...`, never a stack trace.
 *
 * @since 3.0.0
 */
import { SigningError } from "../SigningError.js"

/**
 * Exit statuses.
 *
 * @since 3.0.0
 * @category constants
 */
export const ExitCode = {
  /** HTTP status below 400; --dry-run, --presign, --help, --version; serve stopped. */
  Ok: 0,
  /** Network failure or another runtime error. */
  Failure: 1,
  /** Bad usage or setup: the command cannot work as given. */
  Usage: 2,
  /** HTTP status 400 or above, as `curl --fail`. */
  HttpError: 22,
  /** Interrupted. */
  Interrupted: 130
} as const

/** @internal The command cannot work as given: exit 2, with a pointer to --help. */
export class UsageError extends Error {}

/** @internal The setup (credentials, region) cannot work: exit 2; --help would not help. */
export class SetupError extends Error {}

/** @internal Something failed at run time: exit 1 with this one-line reason. */
export class RuntimeFailure extends Error {}

/** @internal The run was interrupted: exit 130. */
export class Interrupted extends Error {}

/** @internal The first non-blank line of a text. */
export const firstLine = (text: string): string =>
  text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? text.trim()

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string"
    ? (error as { message: string }).message
    : String(error)

/**
 * @internal The most specific message of an error and its causes: fetch
 * rejects with "fetch failed" and keeps the reason ("connect ECONNREFUSED
 * 127.0.0.1:8080") in `cause`.
 */
export const describeError = (error: unknown): string => {
  let message = firstLine(messageOf(error))
  let current: unknown = error
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const errors = (current as { errors?: unknown }).errors
    const candidate = Array.isArray(errors) && errors.length > 0 ? errors[0] : current
    const text = firstLine(messageOf(candidate))
    const code = (candidate as { code?: unknown }).code
    if (text !== "" && text !== "[object Object]") message = text
    else if (typeof code === "string") message = code
    current = (current as { cause?: unknown }).cause
  }
  return message === "" ? "unknown error" : tlsFailure(message) ?? message
}

/**
 * @internal A failed system call said in words, without the path Node's message repeats (the line it goes into
 * names the argument, as it may show it): "ENOSPC: no space left on device, write" as "no space left on device
 * (ENOSPC)", "ENOENT: no such file or directory, open '/x'" as "no such file or directory (ENOENT)".
 */
export const systemFailure = (error: unknown): string => {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
  if (typeof code !== "string") return describeError(error)
  // The words before the first comma, in linear time; without them the code alone (the rest may repeat the path).
  const words = /^[A-Z0-9_]+: ([^,\r\n\u2028\u2029]+)/.exec(messageOf(error))?.[1]
  return words === undefined ? code : `${words} (${code})`
}

// OpenSSL's line for a failed handshake: "808C...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/...".
const OPENSSL_ERROR = /^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:([^:]+)/

/** A failed TLS handshake said in words, with the usual cause of the commonest one; `undefined` for other failures. */
const tlsFailure = (message: string): string | undefined => {
  const reason = OPENSSL_ERROR.exec(message)?.[1]
  if (reason === undefined) return undefined
  return `the TLS handshake failed: ${reason}` +
    (reason === "wrong version number" ? " (the server does not speak TLS on this port: is the URL http://, not https://?)" : "")
}

/**
 * @internal The exit status of a failure and the line that says why.
 * `interrupted`: the run's signal was aborted, whatever the failure says.
 */
export const failureOf = (error: unknown, interrupted: boolean): { readonly status: number; readonly message: string } => {
  if (error instanceof UsageError) return { status: ExitCode.Usage, message: `${error.message} (see --help)` }
  if (error instanceof Interrupted || interrupted) return { status: ExitCode.Interrupted, message: "interrupted" }
  if (error instanceof SetupError) return { status: ExitCode.Usage, message: error.message }
  if (error instanceof SigningError) {
    const hint = error.reason === "MissingRegion" ? " (use --region REGION)" : ""
    return { status: ExitCode.Usage, message: `${firstLine(error.message)}${hint}` }
  }
  return { status: ExitCode.Failure, message: error instanceof RuntimeFailure ? error.message : describeError(error) }
}
