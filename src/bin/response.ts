/**
 * Printing the response: with `-i` the status line and headers (secrets
 * scrubbed), then the body on stdout. A body of a success is streamed as it comes; an error body
 * (status 400 or above) is read up to 64 KB and printed with the secrets
 * scrubbed, followed on stderr by why a 403 happened and the one-line error.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { explainRefusal, type Signed } from "./diagnosis.js"
import { errorBodyText } from "./errorBody.js"
import { ExitCode } from "./exitCodes.js"
import { headerLines, statusTextOf } from "./exchange.js"
import { type Console, dropSecretStart, scrub, scrubBytes } from "./output.js"
import { bodyAsSent, BufferedResponse, chunksOf, ERROR_BODY_LIMIT, readCapped } from "./transport.js"

const NEWLINE = 0x0a

const printError = async (
  console: Console,
  response: Response | BufferedResponse,
  signed: Signed,
  signal: AbortSignal | undefined
): Promise<number> => {
  const { bytes: received, truncated, unreadable } = response instanceof BufferedResponse
    ? { bytes: response.body, truncated: response.truncated, unreadable: response.unreadable }
    : await readCapped(response, signal)
  const { bytes, cutShort, notes } = errorBodyText({
    bytes: received,
    contentEncoding: response.headers.get("content-encoding"),
    asSent: bodyAsSent(response),
    truncated,
    unreadable
  }, console.secrets)
  // Error bodies are diagnostic text; a signature mismatch repeats the canonical request, session token included.
  // Cut short, a body may end inside a secret, whole in it no more: that ending is dropped.
  const shown = bytes === undefined ? new Uint8Array(0) : scrubBytes(cutShort ? dropSecretStart(bytes, console.secrets) : bytes, console.secrets)
  await console.out(shown)
  // What follows on stderr starts on a line of its own, not glued to a body without a final newline.
  let separated = shown.length === 0 || shown[shown.length - 1] === NEWLINE
  const block = (text: string) => {
    console.err((separated ? "" : "\n") + text + "\n")
    separated = true
  }
  for (const note of notes) block(note)
  if (truncated) block(`note: the response body is longer than ${ERROR_BODY_LIMIT / 1024} KB; only its start was read`)
  const errorType = response.headers.get("x-amzn-errortype")?.split(":")[0]
  // The diagnosis reads the raw body; it prints the session token hidden, and the console scrubs the rest.
  const explanation = response.status === 403 && bytes !== undefined ? explainRefusal(bytes, errorType, signed) : undefined
  if (explanation !== undefined) block(explanation)
  console.err(
    `error: HTTP ${response.status} ${statusTextOf(response.status, response.statusText)}`.trimEnd() +
      (errorType ? ` (${errorType})` : "") + "\n"
  )
  return ExitCode.HttpError
}

/** Prints `response`; aborting `signal` while its body still arrives stops it (`Interrupted`, exit 130). */
export const printResponse = async (
  console: Console,
  response: Response | BufferedResponse,
  include: boolean,
  signed: Signed,
  signal: AbortSignal | undefined
): Promise<number> => {
  // Header lines are text the CLI writes, scrubbed as -v's are on stderr; only a success body goes out untouched.
  // Written as the bytes received, as curl -i writes them: fetch and node:http read each header byte as one
  // character (Latin-1), which UTF-8 would turn into two bytes above 0x7F.
  if (include) {
    const head = scrub(headerLines("", response.status, response.statusText, response.headers) + "\r\n", console.secrets)
    await console.out(Buffer.from(head, "latin1"))
  }
  if (response.status >= 400) return printError(console, response, signed, signal)
  if (response instanceof BufferedResponse) {
    await console.out(response.body)
  } else if (response.body !== null) {
    for await (const chunk of chunksOf(response.body, signal)) await console.out(chunk)
  }
  return ExitCode.Ok
}
