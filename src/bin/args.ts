/**
 * Argument parsing: the options of a request and of `serve`, as `node:util`
 * `parseArgs` takes them, and the checks of single values (whole numbers,
 * headers, URLs) with messages that say what to write instead.
 *
 * @since 3.0.0
 */
import { parseArgs } from "node:util"
import { firstLine, UsageError } from "./exitCodes.js"
import { refuseReplacedBytes } from "./notUtf8.js"
import { badAuthority, leadingHost, shownArgument, shownUrl, shownUrlWithBackslashes } from "./shown.js"
import { hasControlCharacter } from "../internal/endpoint.js"
import { maskCredentialRuns } from "../internal/scrub.js"
import { SIGNATURE_HEADERS, X_AMZ_CONTENT_SHA256, X_AMZ_SECURITY_TOKEN } from "../internal/sigv4/signatureHeaders.js"

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
  "data-raw": { type: "string", multiple: true },
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

/**
 * curl options people type out of habit, and what to do here instead: a bare
 * "unknown option -s" would leave them to find out from --help that the CLI
 * already prints no progress meter, exits 22 on HTTP errors, and so on.
 */
const CURL_OPTION_HINTS: ReadonlyMap<string, string> = new Map(
  (
    [
      [["-s", "--silent"], "there is no progress meter to silence; drop it"],
      [["-S", "--show-error"], "errors always go to stderr; drop it"],
      [["-o", "--output"], "the body goes to stdout; redirect it instead (> FILE)"],
      [["-L", "--location"], "redirects are never followed, since a signature is for one host and path; request the Location URL itself"],
      [["-f", "--fail"], "HTTP 400 or above already exits with 22, as with curl --fail; drop it"],
      [["-k", "--insecure"], "certificates are always checked; to trust a private CA, set NODE_EXTRA_CA_CERTS=FILE"],
      [["-m", "--max-time", "--connect-timeout"], "there is no time limit option; run the command under timeout(1), e.g. timeout 30 api-gateway-request-signer URL"],
      [["-u", "--user"], "credentials come from the environment or --profile"],
      [["--aws-sigv4"], "every request is signed with SigV4 already; drop it (--region and --service say what for)"],
      [["--json"], "write -H 'content-type: application/json' -d DATA"],
      [["-I", "--head"], "write -X HEAD -i"],
      [["--url"], "give the URL as an argument of its own"]
    ] as const
  ).flatMap(([names, hint]) => names.map((name) => [name, hint] as const))
)

type OptionTable = Record<string, { readonly type: "string" | "boolean"; readonly short?: string; readonly multiple?: boolean }>

/** `parseArgs`, strict, with its failures as one-line usage errors; an unknown option in `hints` says what to write instead. */
const parse = <O extends OptionTable>(args: ReadonlyArray<string>, options: O, hints: ReadonlyMap<string, string> = new Map()) => {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    const quoted = /'([^']*)'/.exec(message)?.[1]
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const hint = quoted === undefined ? undefined : hints.get(quoted)
      // A run in it that may be a credential (a secret pasted after "--", cut at its "=" by parseArgs) by its length only.
      const shown = maskCredentialRuns(quoted ?? firstLine(message))
      throw new UsageError(`unknown option ${shown}${hint === undefined ? "" : `: ${hint}`}`)
    }
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
export const parseRequestArgs = (args: ReadonlyArray<string>) => {
  const parsed = parse(args, requestOptions, CURL_OPTION_HINTS)
  refuseReplacedBytes(parsed.tokens)
  return parsed
}

/** @internal The arguments of `serve`. */
export const parseServeArgs = (args: ReadonlyArray<string>) => {
  const parsed = parse(args, serveOptions)
  // serve takes no positionals, and says so of any.
  refuseReplacedBytes(parsed.tokens.filter((token) => token.kind === "option"))
  return parsed
}

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
  const lowerCaseName = name.toLowerCase()
  // Said here, in the CLI's terms: the signer's own message names its JavaScript options.
  if (SIGNER_WRITES.has(lowerCaseName)) {
    throw new UsageError(
      `the header ${JSON.stringify(name)} is written by the CLI when it signs; remove -H ${JSON.stringify(name)}` +
        (lowerCaseName === X_AMZ_SECURITY_TOKEN ? " (the session token comes from AWS_SESSION_TOKEN or the profile)" : "")
    )
  }
  if (CONNECTION_HEADERS.has(lowerCaseName)) {
    throw new UsageError(
      `the header ${JSON.stringify(name)} is for the HTTP client to manage (the CLI sends a body with a Content-Length); remove it`
    )
  }
  const value = text.slice(colon + 1).trim()
  // node:http sends the URL's host in place of an empty one, so the empty Host signed would not arrive (403).
  if (lowerCaseName === "host" && value === "") {
    throw new UsageError(
      `an empty Host header cannot be sent: the URL's host goes in its place, so the empty one signed would not arrive; remove -H ${JSON.stringify(`${name}:`)}, and the URL's host is sent and signed`
    )
  }
  return [name, value]
}

// The signature's headers, x-amz-content-sha256 aside (it may name UNSIGNED-PAYLOAD).
const SIGNER_WRITES = new Set(SIGNATURE_HEADERS.filter((name) => name !== X_AMZ_CONTENT_SHA256))

// Hop-by-hop headers and Expect: fetch refuses them, and node:http would send them as typed (an empty
// Expect gets 417), so one command would fail differently by transport.
const CONNECTION_HEADERS = new Set(["connection", "expect", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"])

const EXAMPLE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets"

// A path segment the URL parser reads as "." or "..", written with at least one %2e.
const ENCODED_DOT_SEGMENT = /^(?:%2e|\.%2e|%2e\.|%2e%2e)$/i

// A scheme this short is one typed on purpose (ftp:, file:, ws:); a longer "scheme" is a value pasted in the wrong place.
const shownScheme = (protocol: string): string => protocol.length <= 12 ? protocol : `a scheme of ${protocol.length - 1} characters (not shown)`

/**
 * @internal An absolute http(s) URL; `what` names it in the message. A
 * message never repeats the argument whole: it may be a presigned URL or a
 * secret pasted in the wrong place (see `shown`).
 */
export const parseUrl = (text: string, what: string, webSocket = false): URL => {
  // The URL parser drops tabs and line breaks silently (`/pr\nod` is `/prod`): not the URL typed.
  if (hasControlCharacter(text)) throw new UsageError(`${what} ${shownUrl(text)} contains a control character (a tab, CR, LF, ...); remove it`)
  const host = leadingHost(text)
  // "host:8080/path" parses as a URL of scheme "host:"; it is a URL missing its scheme all the same.
  if (host !== undefined) {
    throw new UsageError(`${what} ${shownUrl(text)} is not an absolute URL: write https:// (or http://) before the host, e.g. ${EXAMPLE_URL}`)
  }
  if (!URL.canParse(text)) {
    const authority = badAuthority(text)
    throw new UsageError(authority === undefined ? `${what} ${shownUrl(text)} is not an absolute URL, e.g. ${EXAMPLE_URL}` : `${what} ${authority}`)
  }
  // What the URL parser would change, and the request would go out as another URL than typed: a space at
  // either end is dropped, a "%2e%2e" segment resolved as ".." is (curl sends it as typed), a "\" in the
  // path read as "/".
  if (text.startsWith(" ") || text.endsWith(" ")) {
    throw new UsageError(`${what} ${shownUrl(text.trim())} has a space at its start or end, which would be dropped; remove it, or write it as %20`)
  }
  const path = text.split(/[?#]/, 1)[0]!
  if (path.split("/").some((segment) => ENCODED_DOT_SEGMENT.test(segment))) {
    throw new UsageError(`${what} ${shownUrl(text)} has a dot segment written with %2e, which would be resolved as "." or ".." is; write the path without it`)
  }
  if (path.includes("\\")) throw new UsageError(`${what} ${shownUrlWithBackslashes(text)} contains a backslash, which would be sent as "/"; write it as %5C, or as / if that is what you meant`)
  const url = new URL(text)
  if (webSocket && (url.protocol === "ws:" || url.protocol === "wss:")) return url
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${what} must be http or https, not ${shownScheme(url.protocol)}`)
  return url
}
