#!/usr/bin/env node
/**
 * The `api-gateway-request-signer` command: `main` bound to the process. The
 * first SIGINT or SIGTERM aborts (a request stops with status 130, `serve`
 * closes and exits 0); a second one exits at once. The process exits when
 * `main` is done, whatever is still open (after an interruption, through the
 * signal when a thread is still blocked: see `exitInterrupted`).
 *
 * @since 3.0.0
 */
import { effectPeerProblem } from "./effectPeer.js"
import { ExitCode, systemFailure } from "./exitCodes.js"

// Checked before the CLI's modules load: with another Effect than 3 they fail to load, with a stack trace.
const effectProblem = effectPeerProblem()
if (effectProblem !== undefined) {
  process.stderr.write(`error: ${effectProblem}\n`)
  process.exit(ExitCode.Usage)
}

// The handlers come before the CLI's modules load (a second or more on a busy machine): a Ctrl-C while they load
// is an interruption like any other (status 130), not the default end through the signal.
const controller = new AbortController()
let blockedOpens: () => number = () => 0
let received: NodeJS.Signals = "SIGINT"
/**
 * Exits at once after an interruption. `process.exit` waits for libuv's threadpool; when a thread there is still
 * blocked (a `@FILE` FIFO that had no writer yet and that could not be opened for writing to wake it), the process
 * ends through the signal received instead: the shell's 130 for SIGINT, 143 for SIGTERM.
 */
const exitInterrupted = (status: number): void => {
  if (blockedOpens() === 0) process.exit(status)
  process.removeAllListeners("SIGINT")
  process.removeAllListeners("SIGTERM")
  process.kill(process.pid, received)
}
const stop = (signal: NodeJS.Signals): void => {
  received = signal
  if (controller.signal.aborted) return exitInterrupted(130)
  controller.abort()
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
const cli = await import("./cli.js")
blockedOpens = cli.blockedOpens
const { main } = cli
// The reader went away (`| head`): stop quietly, with status 1, rather than with a stack trace. Any other
// failure to write the output (a full disk, EIO) is said on stderr: the output is cut short, and nothing else
// would tell. Nothing is said of a failure to write stderr itself.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(1)
  process.stderr.write(`error: cannot write to stdout: ${systemFailure(error)}\n`, () => process.exit(1))
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
    if (controller.signal.aborted) return exitInterrupted(status)
    process.stdout.write("", () => process.stderr.write("", () => process.exit(status)))
  },
  () => {
    // main never rejects; this is the last guard against a stack trace.
    process.stderr.write("error: unexpected failure\n")
    process.exitCode = 1
  }
)
