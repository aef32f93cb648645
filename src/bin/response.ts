/**
 * Printing the response: with `-i` the status line and headers, then the
 * body on stdout. A body of a success is streamed as it comes; an error body
 * (status 400 or above) is printed with the secrets scrubbed, followed on
 * stderr by why a 403 happened and the one-line error.
 *
 * @internal
 */
import { explainRefusal, type Signed } from "./diagnosis.js"
import { ExitCode } from "./exitCodes.js"
import { headerLines, statusTextOf } from "./exchange.js"
import { type Console, scrubBytes } from "./output.js"
import { bodyOf, BufferedResponse } from "./transport.js"

const printError = async (console: Console, response: Response | BufferedResponse, signed: Signed): Promise<number> => {
  const body = await bodyOf(response)
  // Error bodies are diagnostic text; a signature mismatch repeats the canonical request, session token included.
  await console.out(scrubBytes(body, console.secrets))
  const errorType = response.headers.get("x-amzn-errortype")?.split(":")[0]
  // The diagnosis reads the raw body; it prints the session token hidden, and the console scrubs the rest.
  const explanation = response.status === 403 ? explainRefusal(body, errorType, signed) : undefined
  if (explanation !== undefined) console.err(explanation + "\n")
  console.err(
    `error: HTTP ${response.status} ${statusTextOf(response.status, response.statusText)}`.trimEnd() +
      (errorType ? ` (${errorType})` : "") + "\n"
  )
  return ExitCode.HttpError
}

export const printResponse = async (
  console: Console,
  response: Response | BufferedResponse,
  include: boolean,
  signed: Signed
): Promise<number> => {
  if (include) await console.out(headerLines("", response.status, response.statusText, response.headers) + "\r\n")
  if (response.status >= 400) return printError(console, response, signed)
  if (response instanceof BufferedResponse) {
    await console.out(response.body)
  } else if (response.body !== null) {
    const reader = response.body.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) await console.out(chunk.value)
  }
  return ExitCode.Ok
}
