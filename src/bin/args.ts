/**
 * Argument parsing: the options of a request and of `serve`, as `node:util`
 * `parseArgs` takes them, and the checks of single values (whole numbers,
 * headers, URLs) with messages that say what to write instead.
 *
 * @since 3.0.0
 */
import { parseArgs } from "node:util"
import { firstLine, UsageError } from "./exitCodes.js"
import { leadingHost, shownArgument, shownUrl } from "./shown.js"
import { hasControlCharacter } from "../internal/endpoint.js"

/**
 * The options of a request, as `node:util` `parseArgs` takes them.
 *
 * @since 3.0.0
 * @category constants
 */
export const requestOptions = {
  request: { type: "string", short: "X" },
  header: { type: "string", short: "H", multiple: true },
  data: { type: "string", short: "d", multiple: true },
  "data-binary": { type: "string", multiple: true },
  include: { type: "boolean", short: "i" },
  verbose: { type: "boolean", short: "v" },
  region: { type: "string" },
  service: { type: "string" },
  profile: { type: "string" },
  retries: { type: "string" },
  "dry-run": { type: "boolean" },
  presign: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" }
} as const

/**
 * The options of `serve`.
 *
 * @since 3.0.0
 * @category constants
 */
export const serveOptions = {
  port: { type: "string" },
  host: { type: "string" },
  region: { type: "string" },
  service: { type: "string" },
  credentials: { type: "string" },
  target: { type: "string" },
  help: { type: "boolean", short: "h" }
} as const

type OptionTable = Record<string, { readonly type: "string" | "boolean"; readonly short?: string; readonly multiple?: boolean }>

/** `parseArgs`, strict, with its failures as one-line usage errors. */
const parse = <O extends OptionTable>(args: ReadonlyArray<string>, options: O) => {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    const quoted = /'([^']*)'/.exec(message)?.[1]
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${quoted ?? firstLine(message)}`)
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const option = quoted ?? "an option"
      if (message.includes("argument missing")) throw new UsageError(`option ${option.replace(/ <value>$/, "")} needs a value`)
      if (message.includes("does not take an argument")) throw new UsageError(`option ${option} takes no value`)
      if (message.includes("ambiguous")) throw new UsageError(`the value of ${option} starts with "-"; write it as --name=VALUE`)
    }
    throw new UsageError(firstLine(message))
  }
}

/** @internal The arguments of a request. */
export const parseRequestArgs = (args: ReadonlyArray<string>) => parse(args, requestOptions)

/** @internal The arguments of `serve`. */
export const parseServeArgs = (args: ReadonlyArray<string>) => parse(args, serveOptions)

/** @internal A whole number from `min` to `max`, or a usage error naming the flag. */
export const wholeNumber = (flag: string, text: string, min: number, max: number): number => {
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${shownArgument(text)}`)
  return value
}

/** @internal `Name: value` as a pair, both trimmed. */
export const parseHeader = (text: string): readonly [string, string] => {
  const colon = text.indexOf(":")
  const name = colon === -1 ? "" : text.slice(0, colon).trim()
  if (name === "") throw new UsageError(`the header ${shownArgument(text)} is not of the form "Name: value"`)
  // Trimming would drop a control character silently; curl would send it.
  if (hasControlCharacter(text.slice(0, colon))) throw new UsageError(`the header name in ${shownArgument(text)} contains a control character (a tab, CR, LF, ...); remove it`)
  return [name, text.slice(colon + 1).trim()]
}

const EXAMPLE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets"

// A scheme this short is one typed on purpose (ftp:, file:, ws:); a longer "scheme" is a value pasted in the wrong place.
const shownScheme = (protocol: string): string => protocol.length <= 12 ? protocol : `a scheme of ${protocol.length - 1} characters (not shown)`

/**
 * @internal An absolute http(s) URL; `what` names it in the message. A
 * message never repeats the argument whole: it may be a presigned URL or a
 * secret pasted in the wrong place (see `shown`).
 */
export const parseUrl = (text: string, what: string): URL => {
  // The URL parser drops tabs and line breaks silently (`/pr\nod` is `/prod`): not the URL typed.
  if (hasControlCharacter(text)) throw new UsageError(`${what} ${shownUrl(text)} contains a control character (a tab, CR, LF, ...); remove it`)
  const host = leadingHost(text)
  // "host:8080/path" parses as a URL of scheme "host:"; it is a URL missing its scheme all the same.
  if (host !== undefined) {
    throw new UsageError(`${what} ${shownUrl(text)} is not an absolute URL: write https:// (or http://) before the host, e.g. ${EXAMPLE_URL}`)
  }
  if (!URL.canParse(text)) throw new UsageError(`${what} ${shownUrl(text)} is not an absolute URL, e.g. ${EXAMPLE_URL}`)
  const url = new URL(text)
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${what} must be http or https, not ${shownScheme(url.protocol)}`)
  return url
}
