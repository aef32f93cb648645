/**
 * The command line: curl for IAM-authorized APIs. `main` takes the arguments
 * and the streams and environment to use, and resolves with the exit status,
 * so it runs in-process in tests. `api-gateway-request-signer.ts` beside it
 * binds it to the process.
 *
 * The modules beside this one each do one thing: `args` (argument parsing),
 * `output` (streams, secrets scrubbed), `credentials`, `signing`, `body`,
 * `request` (the request command in steps), `send` and `transport`
 * (retries; fetch, or node:http for a Host header or a port fetch refuses), `response` (printing
 * it), `diagnosis` (why a 403 happened), `exchange` (`-v` and `-i`),
 * `dryRun`, `presign`, `serve`, `help`, `exitCodes`, `run` (running an
 * effect from the command line), `shown` (what a message may show of an
 * argument), `notUtf8` (arguments whose bytes were not UTF-8) and `badPorts`
 * (the ports fetch refuses).
 *
 * @since 3.0.0
 */
import { failureOf } from "./exitCodes.js"
import { type Io, makeConsole } from "./output.js"
import { requestCommand } from "./request.js"
import { serveCommand } from "./serve.js"

export { requestOptions, serveOptions } from "./args.js"
export { blockedOpens } from "./body.js"
export { ExitCode } from "./exitCodes.js"
export { HELP, NAME } from "./help.js"
export type { Io, Output } from "./output.js"

/**
 * Runs the command line with `argv` (the arguments after the program name)
 * and resolves with the exit status. Never rejects: every failure is one line
 * on `io.stderr` (`error: ...`), without a stack trace or a secret.
 *
 * @example
 * ```ts
 * import { main } from "./cli.js"
 *
 * const status = await main(["-i", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets"], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   env: process.env
 * })
 * ```
 *
 * @since 3.0.0
 * @category main
 */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const console = makeConsole(io)
  const serving = argv[0] === "serve"
  try {
    return serving ? await serveCommand(argv.slice(1), io, console) : await requestCommand(argv, io, console)
  } catch (error) {
    const { message, status } = failureOf(error, io.signal?.aborted === true && !serving)
    // One line: a line break in what it quotes is escaped here, every other control character by the console.
    console.err(`error: ${message.replaceAll("\n", "\\n")}\n`)
    return status
  }
}
