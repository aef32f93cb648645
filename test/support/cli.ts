/**
 * Runs the command line in-process with captured output, and checks that no
 * secret it was given reached stdout or stderr.
 */
import { Buffer } from "node:buffer"
import { expect } from "@effect/vitest"
import { type Io, main } from "../../src/bin/cli.js"

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly bytes: Buffer
}

const capture = () => {
  const chunks: Array<Buffer> = []
  return {
    write: (chunk: string | Uint8Array) => {
      chunks.push(Buffer.from(chunk))
      return true
    },
    bytes: () => Buffer.concat(chunks)
  }
}

/** Runs `main(args)` with `env`; asserts that neither AWS_SECRET_ACCESS_KEY nor AWS_SESSION_TOKEN was printed. */
export const runCli = async (args: ReadonlyArray<string>, env: Io["env"], io: Partial<Io> = {}): Promise<Run> => {
  const stdout = capture()
  const stderr = capture()
  const code = await main(args, { stdout, stderr, env, ...io })
  const run = { code, stdout: stdout.bytes().toString("utf8"), stderr: stderr.bytes().toString("utf8"), bytes: stdout.bytes() }
  for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
    const secret = env[name]
    if (secret !== undefined && secret.length >= 4) expect(run.stdout + run.stderr).not.toContain(secret)
  }
  return run
}

/** How deep parentheses nest in a text: 1 for "a (b)", 2 for "a ((b))" or "a (b (c))". */
export const parenthesisDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  for (const char of text) {
    if (char === "(") deepest = Math.max(deepest, ++depth)
    else if (char === ")") depth = Math.max(0, depth - 1)
  }
  return deepest
}
