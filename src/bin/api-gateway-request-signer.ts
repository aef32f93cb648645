#!/usr/bin/env node
/**
 * The `api-gateway-request-signer` command: `main` bound to the process. The
 * first SIGINT or SIGTERM aborts (a request stops with status 130, `serve`
 * closes and exits 0); a second one exits at once. The process exits when
 * `main` is done, whatever is still open.
 *
 * @since 3.0.0
 */
import { effectPeerProblem } from "./effectPeer.js"
import { ExitCode, writeFailure } from "./exitCodes.js"

// Checked before the CLI's modules load: with another Effect than 3 they fail to load, with a stack trace.
const effectProblem = effectPeerProblem()
if (effectProblem !== undefined) {
  process.stderr.write(`error: ${effectProblem}\n`)
  process.exit(ExitCode.Usage)
}
const { main } = await import("./cli.js")

const controller = new AbortController()
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130)
  controller.abort()
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
// The reader went away (`| head`): stop quietly, with status 1, rather than with a stack trace. Any other
// failure to write the output (a full disk, EIO) is said on stderr: the output is cut short, and nothing else
// would tell. Nothing is said of a failure to write stderr itself.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(1)
  process.stderr.write(`error: cannot write to stdout: ${writeFailure(error)}\n`, () => process.exit(1))
})
process.stderr.on("error", () => process.exit(1))

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Lazily: touching process.stdin opens it, which could keep the process alive.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  signal: controller.signal
}).then(
  (status) => {
    process.off("SIGINT", stop)
    process.off("SIGTERM", stop)
    // Done: exit once the output is written. Something still open would keep the process alive otherwise, past
    // an interruption too (the AWS SDK's request to a credentials endpoint that never answers).
    // Interrupted: at once, since stdout may be a reader that is not reading, whose flush would never come.
    if (controller.signal.aborted) process.exit(status)
    process.stdout.write("", () => process.stderr.write("", () => process.exit(status)))
  },
  () => {
    // main never rejects; this is the last guard against a stack trace.
    process.stderr.write("error: unexpected failure\n")
    process.exitCode = 1
  }
)
