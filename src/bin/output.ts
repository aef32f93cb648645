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
import { anySecretPattern, cutSpellings, REDACTED, scrubSecrets } from "../internal/scrub.js"

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

/** The non-empty secrets' spellings a cut may leave the start of, as UTF-8. */
const encoded = (secrets: ReadonlySet<string>): Array<Buffer> =>
  [...secrets].filter((secret) => secret !== "").flatMap(cutSpellings).map((spelling) => Buffer.from(spelling, "utf8"))

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
 * cannot see it: drop such a tail.
 */
export const dropSecretStart = (bytes: Uint8Array, secrets: ReadonlySet<string>): Uint8Array => {
  let end = bytes.length
  for (const secret of encoded(secrets)) {
    for (let length = Math.min(secret.length - 1, end); length > 0; length--) {
      if (Buffer.compare(bytes.subarray(end - length, end), secret.subarray(0, length)) === 0) {
        end -= length
        break
      }
    }
  }
  return bytes.subarray(0, end)
}

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
      io.stderr.write(scrub(text, secrets))
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
