/**
 * Where the command line writes, and the rule for all it writes: no secret
 * access key and no session token, ever. `Console` scrubs every stderr line,
 * and `-i`'s header lines; an error body (HTTP 400 or above, diagnostic text that may quote the
 * canonical request) is scrubbed as bytes before it reaches stdout. A
 * success body is written byte for byte, as the server sent it: it is the
 * command's output, and the server's to keep secrets out of.
 *
 * @since 3.0.0
 */
import { Buffer } from "node:buffer"
import { Interrupted } from "./exitCodes.js"
import { anySecretPattern, REDACTED, scrubSecrets } from "../internal/scrub.js"

/**
 * Where output goes: `process.stdout` and `process.stderr` fit, and so does
 * any object with `write`.
 *
 * @since 3.0.0
 * @category models
 */
export interface Output {
  write(chunk: string | Uint8Array): unknown
  once?(event: "drain", listener: () => void): unknown
}

/**
 * What `main` reads and writes besides its arguments.
 *
 * @since 3.0.0
 * @category models
 */
export interface Io {
  readonly stdout: Output
  readonly stderr: Output
  /**
   * The environment: credentials, AWS_PROFILE, AWS_CONFIG_FILE,
   * AWS_SHARED_CREDENTIALS_FILE and the region are read from here, never
   * from `process.env`. Without keys here, the AWS SDK's default chain
   * (when installed) also reads what it reads itself from `process.env`:
   * the container-credentials, instance-metadata and web-identity variables.
   */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Read by `-d @-` and `--data-binary @-`. */
  readonly stdin?: AsyncIterable<string | Uint8Array> | undefined
  /** Aborting interrupts a request (exit 130) and stops `serve` (exit 0). Without it `serve` stops on SIGINT or SIGTERM. */
  readonly signal?: AbortSignal | undefined
  /** Default: the global `fetch`. A request with a `Host` header, or to a port fetch refuses (6000, 5060, ...), goes through `node:http(s)` instead. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** @internal The streams, wrapped so that nothing secret is written. */
export interface Console {
  /** Writes to stdout, waiting for a drain when the stream asks for one; an abort ends the wait (`Interrupted`). */
  readonly out: (chunk: string | Uint8Array) => Promise<void>
  /** Writes text to stderr, secrets scrubbed. */
  readonly err: (text: string) => void
  /** Values never to print: the secret key and session token in use. */
  readonly secrets: Set<string>
}

/** @internal Text with every secret replaced: the rule of all output, shared with the library's messages. */
export const scrub = (text: string, secrets: ReadonlySet<string>): string => scrubSecrets(text, secrets)

/**
 * @internal The bytes with every secret replaced, in any spelling, by the
 * same rule as `scrub`: the bytes are read one character each (Latin-1, so
 * that any bytes come back as they were), and each secret as its UTF-8 bytes.
 */
export const scrubBytes = (bytes: Uint8Array, secrets: ReadonlySet<string>): Uint8Array => {
  const anySecret = anySecretPattern([...secrets].map((secret) => Buffer.from(secret, "utf8").toString("latin1")))
  if (anySecret === undefined) return bytes
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")
  const scrubbed = text.replace(anySecret, REDACTED)
  return scrubbed === text ? bytes : Buffer.from(scrubbed, "latin1")
}

/**
 * @internal A body cut short may end partway into a secret, where `scrubBytes`
 * cannot see it: drop such a tail. The tail is read with its escapes decoded
 * (`%2B` and `%252B`, `\/`, `\u002B`, mixed as they come), so that a secret
 * written in any spelling is found by its beginning, as `scrubBytes` finds it
 * whole; an escape the cut left unfinished (`%2`) goes too.
 */
export const dropSecretStart = (bytes: Uint8Array, secrets: ReadonlySet<string>): Uint8Array => {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")
  const { decoded, starts } = decodeEscapes(text.slice(0, text.length - unfinishedEscapeLength(text)))
  let end = decoded.length
  for (const secret of secrets) {
    // Each secret as its UTF-8 bytes read one character each, as `scrubBytes` reads them.
    const spelled = Buffer.from(secret, "utf8").toString("latin1")
    for (let length = Math.min(spelled.length - 1, end); length > 0; length--) {
      if (decoded.startsWith(spelled.slice(0, length), end - length)) {
        end -= length
        break
      }
    }
  }
  return bytes.subarray(0, starts[end])
}

// An escape of one character, as text quoting a secret writes it: percent-encoded at any depth (`%2B`, `%252B`), or
// JSON-escaped (`\/`, `\u002B`) after a run of backslashes, one more for each time JSON was quoted again.
const PERCENT_ESCAPE = /%(?:25)*([0-9A-Fa-f]{2})/y
const JSON_ESCAPE = /u00([0-9A-Fa-f]{2})|(\/)/y
// The beginning of such an escape, at the end of a text cut short; looked for in the last characters only, which
// keeps a run of backslashes from costing time quadratic in its length.
const UNFINISHED_ESCAPE = /(?:%(?:25)*[0-9A-Fa-f]?|\\+(?:u(?:0(?:0[0-9A-Fa-f]?)?)?)?)$/
const UNFINISHED_ESCAPE_LENGTH = 64

const unfinishedEscapeLength = (text: string): number =>
  UNFINISHED_ESCAPE.exec(text.slice(-UNFINISHED_ESCAPE_LENGTH))?.[0].length ?? 0

/**
 * `text` with each escape read as its character, and where each character of that begins in `text` (one more: its
 * end). Linear: a run of backslashes is walked once, then what follows it read as an escape or not.
 */
const decodeEscapes = (text: string): { readonly decoded: string; readonly starts: ReadonlyArray<number> } => {
  let decoded = ""
  const starts: Array<number> = []
  for (let i = 0; i < text.length;) {
    starts.push(i)
    let escape: RegExpExecArray | null = null
    let after = i
    if (text[i] === "%") {
      PERCENT_ESCAPE.lastIndex = i
      escape = PERCENT_ESCAPE.exec(text)
      after = PERCENT_ESCAPE.lastIndex
    } else if (text[i] === "\\") {
      let run = i
      while (text[run] === "\\") run++
      JSON_ESCAPE.lastIndex = run
      escape = JSON_ESCAPE.exec(text)
      if (escape === null) {
        // Not an escape: the backslashes as they are, each its own character.
        for (let k = i; k < run; k++) {
          if (k > i) starts.push(k)
          decoded += "\\"
        }
        i = run
        continue
      }
      after = JSON_ESCAPE.lastIndex
    }
    if (escape === null) {
      decoded += text[i]
      i++
    } else {
      decoded += escape[2] ?? String.fromCharCode(parseInt(escape[1]!, 16))
      i = after
    }
  }
  starts.push(text.length)
  return { decoded, starts }
}

// C0 and C1 control characters, DEL among them, but the line break (LF, or CR LF as -v's header lines end): stderr
// is written in lines, and what they quote (a profile's name, an option typed, a server's header, a system's error
// text) must not end one, forge another ("error: ..."), or move a terminal's cursor.
const CONTROL = /\r(?!\n)|[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

/** @internal `text` with each control character but the line break written as its escape (`\r`, `\t`, `\u001b`). */
export const escapeControls = (text: string): string =>
  text.replace(CONTROL, (control) => control === "\r" ? "\\r" : control === "\t" ? "\\t" : `\\u${control.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** @internal */
export const makeConsole = (io: Io): Console => {
  const secrets = new Set<string>()
  for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
    const value = io.env[name]
    if (value !== undefined && value !== "") secrets.add(value)
  }
  return {
    secrets,
    err: (text) => {
      io.stderr.write(scrub(escapeControls(text), secrets))
    },
    out: (chunk) => {
      const flushed = io.stdout.write(chunk)
      if (flushed !== false || io.stdout.once === undefined) return Promise.resolve()
      // A reader that is not reading (a pager, `| sleep 60`) may never drain: Ctrl-C or SIGTERM ends the wait.
      const signal = io.signal
      if (signal?.aborted) return Promise.reject(new Interrupted())
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new Interrupted())
        signal?.addEventListener("abort", onAbort, { once: true })
        io.stdout.once!("drain", () => {
          signal?.removeEventListener("abort", onAbort)
          resolve()
        })
      })
    }
  }
}
