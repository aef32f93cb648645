/**
 * Child processes for the runtime tests: run one to the end, with a time
 * limit, and keep what it printed.
 */
import { spawn } from "node:child_process"

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

export interface RunOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly timeoutMs?: number
}

/** Runs `command args` to the end (killed after `timeoutMs`, default 2 minutes); never rejects for a failing exit. */
export const run = (command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Finished> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    let timedOut = false
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill("SIGKILL")
    }, options.timeoutMs ?? 120_000)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
  })

/** The last lines of a process's output, for an error message. */
export const tail = (text: string, lines = 15): string => text.trimEnd().split("\n").slice(-lines).join("\n")

/** Why a finished process failed, or undefined when it exited 0. */
export const failure = (finished: Finished): string | undefined => {
  if (finished.timedOut) return `timed out\n${tail(finished.stderr || finished.stdout)}`
  if (finished.code === 0) return undefined
  return `exited ${finished.code ?? finished.signal}\n${tail(finished.stderr || finished.stdout)}`
}
