/**
 * The command line: curl for IAM-authorized APIs. `main` takes the arguments
 * and the streams and environment to use, and resolves with the exit status,
 * so it runs in-process in tests. `api-gateway-request-signer.ts` beside it
 * binds it to the process.
 *
 * @since 2.0.0
 */
import { readFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { STATUS_CODES } from "node:http"
import { parseArgs } from "node:util"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Credentials from "../Credentials.js"
import * as Diagnosis from "../Diagnosis.js"
import { parseAmzDate } from "../internal/sigv4/amzDate.js"
import * as LocalGateway from "../LocalGateway.js"
import { RequestError } from "../RequestError.js"
import * as Retry from "../Retry.js"
import type { RequestToSign, SignedRequest } from "../SignedRequest.js"
import * as Signer from "../Signer.js"
import { SigningError } from "../SigningError.js"

/**
 * Where output goes: `process.stdout` and `process.stderr` fit, and so does
 * any object with `write`.
 *
 * @since 2.0.0
 * @category models
 */
export interface Output {
  write(chunk: string | Uint8Array): unknown
  once?(event: "drain", listener: () => void): unknown
}

/**
 * What `main` reads and writes besides its arguments.
 *
 * @since 2.0.0
 * @category models
 */
export interface Io {
  readonly stdout: Output
  readonly stderr: Output
  /** The environment: credentials and region are read from here, never from `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Read by `-d @-` and `--data-binary @-`. */
  readonly stdin?: AsyncIterable<string | Uint8Array> | undefined
  /** Aborting interrupts a request (exit 130) and stops `serve` (exit 0). Without it `serve` stops on SIGINT or SIGTERM. */
  readonly signal?: AbortSignal | undefined
  /** Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/**
 * @since 2.0.0
 * @category constants
 */
export const NAME = "api-gateway-request-signer"

/**
 * Exit statuses.
 *
 * @since 2.0.0
 * @category constants
 */
export const ExitCode = {
  /** HTTP status below 400; --dry-run, --presign, --help, --version; serve stopped. */
  Ok: 0,
  /** Network failure or another runtime error. */
  Failure: 1,
  /** Bad usage or setup: the command cannot work as given. */
  Usage: 2,
  /** HTTP status 400 or above, as `curl --fail`. */
  HttpError: 22,
  /** Interrupted. */
  Interrupted: 130
} as const

/**
 * The options of a request, as `node:util` `parseArgs` takes them.
 *
 * @since 2.0.0
 * @category constants
 */
export const requestOptions = {
  request: { type: "string", short: "X" },
  header: { type: "string", short: "H", multiple: true },
  data: { type: "string", short: "d", multiple: true },
  "data-binary": { type: "string", multiple: true },
  include: { type: "boolean", short: "i" },
  verbose: { type: "boolean", short: "v" },
  region: { type: "string" },
  service: { type: "string" },
  retries: { type: "string" },
  "dry-run": { type: "boolean" },
  presign: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" }
} as const

/**
 * The options of `serve`.
 *
 * @since 2.0.0
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
 * @since 2.0.0
 * @category constants
 */
export const HELP = `${NAME}: curl for IAM-authorized APIs. Signs an HTTP request with AWS Signature
Version 4 (credentials from the environment) and sends it.

Usage:
  ${NAME} [options] URL
  ${NAME} serve [serve options]

Options:
  -X, --request METHOD    HTTP method (default GET, or POST when data is given)
  -H, --header "N: v"     add a header, signed with the rest (repeatable)
  -d, --data DATA         send DATA as the body (repeatable, joined with &); @FILE reads
                          FILE without CR/LF, @- reads stdin; default content-type
                          application/x-www-form-urlencoded, as curl
      --data-binary DATA  like --data, but @FILE and @- are sent byte for byte
  -i, --include           print the status line and response headers before the body
  -v, --verbose           print to stderr the canonical request, string to sign, signed
                          headers and the exchange (secret key and session token hidden)
      --region REGION     signing region (default: from an *.execute-api.REGION.amazonaws.com
                          host, else AWS_REGION or AWS_DEFAULT_REGION)
      --service NAME      signing service (default execute-api)
      --retries N         retry network failures and HTTP 408, 429 and 5xx up to N times,
                          with backoff, signing each attempt afresh (default 0)
      --dry-run           print the signed request as a curl command and send nothing
      --presign SECONDS   print a presigned URL valid for SECONDS (1 to 604800), send nothing
  -h, --help              print this help
  -V, --version           print the version

Serve options: a local gateway that verifies SigV4 as an IAM-authorized API Gateway
stage does (403 with API Gateway's messages), then echoes or proxies the request.
      --port N            port to listen on (default: any free port; the URL is printed)
      --host HOST         address to listen on (default 127.0.0.1)
      --region REGION     region requests must be signed for (default AWS_REGION, else us-east-1)
      --service NAME      service requests must be signed for (default execute-api)
      --credentials AKID:SECRET[:TOKEN]
                          who may call (default AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
                          AWS_SESSION_TOKEN; prefer them: arguments show in ps)
      --target URL        proxy verified requests to URL (default: echo them as JSON)
  -h, --help              print this help

Environment:
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials
  AWS_REGION, AWS_DEFAULT_REGION                                region, when the host names none

On a 403 signature mismatch, stderr shows the server's canonical request against ours,
line by line, naming the part that differs (method, path, query, a header, the body).

Exit status:
  0    HTTP status below 400; --dry-run, --presign, --help, --version; serve stopped
  1    network failure (connection refused, DNS, reset) or another runtime error
  2    bad usage or setup: unknown option, no URL, unreadable @FILE, no credentials
       or region, a request that cannot be signed
  22   HTTP status 400 or above (the body is still printed), as curl --fail
  130  interrupted

Examples:
  # GET; the region comes from the host, the credentials from the environment
  ${NAME} https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # POST JSON
  ${NAME} -X POST -H 'content-type: application/json' -d '{"name":"Rex"}' \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # upload a file byte for byte
  ${NAME} -X PUT --data-binary @photo.jpg -H 'content-type: image/jpeg' \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/photos/1
  # show the response headers and what was signed; retry transient failures
  ${NAME} -i -v --retries 3 \\
      'https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?type=dog'
  # a custom domain does not name the region: give it
  ${NAME} --region eu-west-1 --service execute-api https://api.example.com/pets
  # print the signed request as a curl command
  ${NAME} --dry-run https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # a URL anyone may use for 5 minutes
  ${NAME} --presign 300 \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/report.csv
  # a local IAM gateway in front of a development server
  ${NAME} serve --port 8080 --host 127.0.0.1 --region us-east-1 \\
      --service execute-api --credentials AKIDLOCAL:local-secret --target http://localhost:3000
`

// ---------------------------------------------------------------------------
// failures

/** The command cannot work as given: exit 2, with a pointer to --help. */
class UsageError extends Error {}

/** Something failed at run time: exit 1 with this one-line reason. */
class RuntimeFailure extends Error {}

const firstLine = (text: string): string => text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? text.trim()

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string"
    ? (error as { message: string }).message
    : String(error)

/**
 * The most specific message of an error and its causes: fetch rejects with
 * "fetch failed" and keeps the reason ("connect ECONNREFUSED 127.0.0.1:9") in
 * `cause`.
 */
const describeError = (error: unknown): string => {
  let message = firstLine(messageOf(error))
  let current: unknown = error
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const errors = (current as { errors?: unknown }).errors
    const candidate = Array.isArray(errors) && errors.length > 0 ? errors[0] : current
    const text = firstLine(messageOf(candidate))
    const code = (candidate as { code?: unknown }).code
    if (text !== "" && text !== "[object Object]") message = text
    else if (typeof code === "string") message = code
    current = (current as { cause?: unknown }).cause
  }
  return message === "" ? "unknown error" : message
}

// ---------------------------------------------------------------------------
// output

interface Console {
  readonly out: (chunk: string | Uint8Array) => Promise<void>
  readonly err: (text: string) => void
  /** Values never to print: the secret key and session token in use. */
  readonly secrets: Set<string>
}

const scrub = (text: string, secrets: ReadonlySet<string>): string => {
  let result = text
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join("<redacted>")
  return result
}

const scrubBytes = (bytes: Uint8Array, secrets: ReadonlySet<string>): Uint8Array => {
  let buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const secret of secrets) {
    if (secret.length < 4 || buffer.indexOf(secret) === -1) continue
    const pieces: Array<Buffer> = []
    let from = 0
    for (let at = buffer.indexOf(secret); at !== -1; at = buffer.indexOf(secret, from)) {
      pieces.push(buffer.subarray(from, at), Buffer.from("<redacted>"))
      from = at + Buffer.byteLength(secret)
    }
    pieces.push(buffer.subarray(from))
    buffer = Buffer.concat(pieces)
  }
  return buffer
}

const makeConsole = (io: Io): Console => {
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
      return flushed === false && io.stdout.once !== undefined
        ? new Promise<void>((resolve) => io.stdout.once!("drain", resolve))
        : Promise.resolve()
    }
  }
}

// ---------------------------------------------------------------------------
// arguments

const parse = <O extends Record<string, { readonly type: "string" | "boolean"; readonly short?: string; readonly multiple?: boolean }>>(
  args: ReadonlyArray<string>,
  options: O
) => {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = messageOf(error)
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UsageError(`unknown option ${/'([^']*)'/.exec(message)?.[1] ?? firstLine(message)}`)
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const option = /'([^']*)'/.exec(message)?.[1] ?? "an option"
      if (message.includes("argument missing")) throw new UsageError(`option ${option.replace(/ <value>$/, "")} needs a value`)
      if (message.includes("does not take an argument")) throw new UsageError(`option ${option} takes no value`)
      if (message.includes("ambiguous")) {
        throw new UsageError(`the value of ${option} starts with "-"; write it as --name=VALUE`)
      }
    }
    throw new UsageError(firstLine(message))
  }
}

const wholeNumber = (flag: string, text: string, min: number, max: number): number => {
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`)
  return value
}

const parseHeader = (text: string): readonly [string, string] => {
  const colon = text.indexOf(":")
  const name = colon === -1 ? "" : text.slice(0, colon).trim()
  if (name === "") throw new UsageError(`the header ${JSON.stringify(text)} is not of the form "Name: value"`)
  return [name, text.slice(colon + 1).trim()]
}

interface DataPart {
  readonly flag: "--data" | "--data-binary"
  readonly value: string
}

interface Body {
  readonly bytes: Uint8Array
  /** Set when the body is one file, read as curl would read it: --dry-run refers to it. */
  readonly file?: { readonly flag: "--data" | "--data-binary"; readonly path: string }
}

const readAll = async (stream: AsyncIterable<string | Uint8Array>): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

const readPart = async (part: DataPart, io: Io): Promise<Buffer> => {
  if (!part.value.startsWith("@")) return Buffer.from(part.value, "utf8")
  const path = part.value.slice(1)
  let bytes: Buffer
  if (path === "-") {
    if (io.stdin === undefined) throw new UsageError(`${part.flag} @- reads stdin, and there is none`)
    bytes = await readAll(io.stdin)
  } else {
    try {
      bytes = await readFile(path)
    } catch (error) {
      throw new UsageError(`cannot read ${part.flag} file ${JSON.stringify(path)}: ${describeError(error)}`)
    }
  }
  // curl --data strips carriage returns and newlines from files; --data-binary keeps every byte.
  return part.flag === "--data" ? Buffer.from(bytes.filter((byte) => byte !== 0x0a && byte !== 0x0d)) : bytes
}

const readBody = async (parts: ReadonlyArray<DataPart>, io: Io): Promise<Body | undefined> => {
  if (parts.length === 0) return undefined
  const pieces: Array<Buffer> = []
  for (const [index, part] of parts.entries()) {
    if (index > 0) pieces.push(Buffer.from("&"))
    pieces.push(await readPart(part, io))
  }
  const only = parts.length === 1 ? parts[0]! : undefined
  const file = only !== undefined && only.value.startsWith("@") && only.value !== "@-"
    ? { flag: only.flag, path: only.value.slice(1) }
    : undefined
  return file === undefined ? { bytes: Buffer.concat(pieces) } : { bytes: Buffer.concat(pieces), file }
}

// ---------------------------------------------------------------------------
// Effect plumbing

const configProviderOf = (env: Io["env"]): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromMap(
    new Map(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  )

/** Runs an effect; its typed failure is thrown as is, anything else as a RuntimeFailure. */
const run = async <A, E>(effect: Effect.Effect<A, E>, signal?: AbortSignal): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect, signal === undefined ? undefined : { signal })
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) throw failure.value
  if (Cause.isInterruptedOnly(exit.cause)) throw new Interrupted()
  throw new RuntimeFailure(describeError(Cause.squash(exit.cause)))
}

class Interrupted extends Error {}

/** A clock stopped at one instant: signing under it reproduces a signature made at that second. */
const stoppedClock = (millis: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => millis,
  currentTimeMillis: Effect.succeed(millis),
  unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(millis) * 1_000_000n),
  sleep: () => Effect.void
})

/**
 * What a request signed by `Retry.makeRequestWithRetries` was signed from:
 * signing it again at its own x-amz-date gives the same signature, and the
 * canonical request and string to sign with it.
 */
const detailsOf = (
  request: RequestToSign,
  signed: SignedRequest
): Effect.Effect<Signer.SignedRequestWithDetails | undefined, never, Signer.Signer | Credentials.Credentials> => {
  const amzDate = signed.headers["x-amz-date"]
  const millis = amzDate === undefined ? undefined : parseAmzDate(amzDate)
  if (millis === undefined) return Effect.succeed(undefined)
  return Signer.signRequestWithDetails(request).pipe(
    Effect.withClock(stoppedClock(millis)),
    Effect.map((details) => details.request.headers["authorization"] === signed.headers["authorization"] ? details : undefined),
    Effect.orElseSucceed(() => undefined)
  )
}

// ---------------------------------------------------------------------------
// printing requests

const indent = (text: string): string => text.split("\n").map((line) => `  ${line}`.trimEnd()).join("\n")

const printDetails = (console: Console, details: Signer.SignedRequestWithDetails, hasToken: boolean): void => {
  const url = new URL(details.request.url)
  const lines = [
    "* canonical request:",
    indent(Diagnosis.redactSessionToken(details.canonicalRequest)),
    "* string to sign:",
    indent(details.stringToSign),
    `* signed headers: ${details.signedHeaders}`,
    `> ${details.request.method} ${url.pathname}${url.search} HTTP/1.1`,
    `> host: ${url.host}`,
    ...Object.entries(details.request.headers).map(([name, value]) =>
      `> ${name}: ${hasToken && name.toLowerCase() === "x-amz-security-token" ? "<redacted>" : value}`
    ),
    ">"
  ]
  console.err(lines.join("\n") + "\n")
}

const statusTextOf = (status: number, statusText: string): string => statusText || STATUS_CODES[status] || ""

const headerLines = (prefix: string, status: number, statusText: string, headers: Headers): string => {
  const lines = [`${prefix}HTTP/1.1 ${status} ${statusTextOf(status, statusText)}`.trimEnd()]
  headers.forEach((value, name) => lines.push(`${prefix}${name}: ${value}`))
  return lines.join("\r\n") + "\r\n"
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quotes a word for POSIX shells: single quotes hold everything literally but a single quote. */
const shellQuote = (word: string): string => SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`

const utf8Text = (bytes: Uint8Array): string | undefined => {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    return text.includes("\0") ? undefined : text
  } catch {
    return undefined
  }
}

/** The signed request as a curl command; the session token is read from $AWS_SESSION_TOKEN, never printed. */
const curlCommand = (signed: SignedRequest, body: Body | undefined): string => {
  const words: Array<string> = ["curl"]
  const hasBody = body !== undefined
  if (signed.method === "HEAD") words.push("--head")
  else if (signed.method !== "GET" && !(signed.method === "POST" && hasBody)) words.push("-X", signed.method)
  for (const [name, value] of Object.entries(signed.headers)) {
    words.push(
      "-H",
      name.toLowerCase() === "x-amz-security-token" ? `"${name}: $AWS_SESSION_TOKEN"` : shellQuote(`${name}: ${value}`)
    )
  }
  if (body !== undefined) {
    if (body.file !== undefined) {
      words.push(body.file.flag, shellQuote("@" + body.file.path))
    } else {
      const text = utf8Text(body.bytes)
      if (text === undefined) {
        throw new UsageError("--dry-run cannot print a binary body read from stdin or joined from several parts; put it in a file and pass --data-binary @FILE")
      }
      // "@" would make curl read a file: pass the body on stdin-free --data-binary only when it cannot be mistaken.
      words.push(text.startsWith("@") ? "--data-raw" : "--data-binary", shellQuote(text))
    }
  }
  if (/[[\]{}]/.test(signed.url)) words.push("--globoff")
  words.push(shellQuote(signed.url))
  // One option per line, continued with backslashes.
  const lines: Array<string> = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (word.startsWith("-") && i + 1 < words.length && !words[i + 1]!.startsWith("-") && i + 1 !== words.length - 1) {
      lines.push(`${word} ${words[++i]!}`)
    } else {
      lines.push(word)
    }
  }
  return lines.join(" \\\n  ")
}

// ---------------------------------------------------------------------------
// responses

/** A response read in full, so it can be retried, or printed after the retries. */
class BufferedResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly body: Uint8Array
  ) {}
}

const bodyOf = async (response: Response | BufferedResponse): Promise<Uint8Array> =>
  response instanceof BufferedResponse ? response.body : new Uint8Array(await response.arrayBuffer())

const finish = async (
  console: Console,
  response: Response | BufferedResponse,
  include: boolean,
  signed: Signer.SignedRequestWithDetails | undefined
): Promise<number> => {
  if (include) await console.out(headerLines("", response.status, response.statusText, response.headers) + "\r\n")
  if (response.status >= 400) {
    // Error bodies are diagnostic text; a signature mismatch repeats the canonical request, session token included.
    const body = await bodyOf(response)
    await console.out(scrubBytes(body, console.secrets))
    // Diagnosis compares the raw texts and prints them with the session token hidden.
    const report = response.status === 403 && signed !== undefined ? Diagnosis.diagnose(body, signed) : undefined
    if (report !== undefined) console.err(report + "\n")
    const errorType = response.headers.get("x-amzn-errortype")?.split(":")[0]
    console.err(
      `error: HTTP ${response.status} ${statusTextOf(response.status, response.statusText)}`.trimEnd() +
        (errorType ? ` (${errorType})` : "") + "\n"
    )
    return ExitCode.HttpError
  }
  if (response instanceof BufferedResponse) {
    await console.out(response.body)
  } else if (response.body !== null) {
    const reader = response.body.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) await console.out(chunk.value)
  }
  return ExitCode.Ok
}

// ---------------------------------------------------------------------------
// a request

const requestCommand = async (argv: ReadonlyArray<string>, io: Io, console: Console): Promise<number> => {
  const { values, positionals, tokens } = parse(argv, requestOptions)
  if (values.help) {
    await console.out(HELP)
    return ExitCode.Ok
  }
  if (values.version) {
    await console.out(`${NAME} ${version()}\n`)
    return ExitCode.Ok
  }
  if (positionals.length === 0) throw new UsageError("no URL given")
  if (positionals.length > 1) throw new UsageError(`one URL at a time; got ${positionals.map((p) => JSON.stringify(p)).join(", ")}`)
  const url = parseUrl(positionals[0]!, "the URL")
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("the URL contains a user name or password; remove them (the signature authorizes the request)")
  }
  const retries = values.retries === undefined ? 0 : wholeNumber("--retries", values.retries, 0, 100)
  const presign = values.presign === undefined ? undefined : wholeNumber("--presign", values.presign, 1, 604800)
  if (presign !== undefined && values["dry-run"]) throw new UsageError("--dry-run and --presign exclude each other")

  const dataParts: Array<DataPart> = []
  for (const token of tokens) {
    if (token.kind === "option" && (token.name === "data" || token.name === "data-binary") && token.value !== undefined) {
      dataParts.push({ flag: token.name === "data" ? "--data" : "--data-binary", value: token.value })
    }
  }
  const headers = (values.header ?? []).map(parseHeader)
  const body = await readBody(dataParts, io)
  const method = (values.request ?? (body === undefined ? "GET" : "POST")).toUpperCase()
  if (body !== undefined && (method === "GET" || method === "HEAD")) {
    throw new UsageError(`a ${method} request cannot carry a body (fetch refuses it); use -X POST, or put the data in the URL's query`)
  }
  if (body !== undefined && !headers.some(([name]) => name.toLowerCase() === "content-type")) {
    headers.push(["content-type", "application/x-www-form-urlencoded"])
  }
  const request: RequestToSign = {
    method,
    path: url.pathname + url.search,
    headers,
    ...(body === undefined ? {} : { body: body.bytes })
  }

  const { signer, credentials } = await run(
    Effect.all({
      signer: Signer.make({ endpoint: url.origin, region: values.region, service: values.service }),
      credentials: Effect.flatMap(Credentials.Credentials, (service) => service.get).pipe(Effect.provide(Credentials.fromEnv))
    }).pipe(Effect.withConfigProvider(configProviderOf(io.env)))
  )
  console.secrets.add(Redacted.value(credentials.secretAccessKey))
  const hasToken = credentials.sessionToken !== undefined
  if (credentials.sessionToken !== undefined) console.secrets.add(Redacted.value(credentials.sessionToken))
  const provide = <A, E>(effect: Effect.Effect<A, E, Signer.Signer | Credentials.Credentials>): Effect.Effect<A, E> =>
    effect.pipe(
      Effect.provideService(Signer.Signer, signer),
      Effect.provideService(Credentials.Credentials, { get: Effect.succeed(credentials) })
    )

  if (presign !== undefined) {
    const presigned = await run(provide(Signer.presignRequest(request, { expiresIn: presign })))
    await console.out(presigned.url + "\n")
    const extra = Object.entries(presigned.headers)
    if (extra.length > 0) {
      console.err(`note: send these headers with the URL, they are signed: ${extra.map(([n, v]) => `${n}: ${v}`).join("; ")}\n`)
    }
    if (presigned.body !== undefined) console.err("note: the URL is valid only with this exact body\n")
    console.err(
      `note: valid until ${presigned.expiresAt.toISOString()}` +
        (hasToken ? "; the URL carries the session token (X-Amz-Security-Token): share it accordingly" : "") + "\n"
    )
    return ExitCode.Ok
  }

  if (values["dry-run"]) {
    const details = await run(provide(Signer.signRequestWithDetails(request)))
    if (values.verbose) printDetails(console, details, hasToken)
    await console.out(curlCommand(details.request, body) + "\n")
    return ExitCode.Ok
  }

  const fetchImpl = io.fetch ?? globalThis.fetch
  let attempt = 0
  let last: Signer.SignedRequestWithDetails | undefined
  const send = (signed: SignedRequest) =>
    Effect.gen(function*() {
      attempt++
      last = yield* detailsOf(request, signed)
      if (values.verbose) {
        if (retries > 0) console.err(`* attempt ${attempt} of ${retries + 1}\n`)
        if (last !== undefined) printDetails(console, last, hasToken)
      }
      const response = yield* Effect.tryPromise({
        try: (signal) =>
          fetchImpl(signed.url, {
            method: signed.method,
            headers: signed.headers,
            redirect: "manual",
            signal,
            ...(signed.body === undefined ? {} : { body: signed.body })
          }),
        catch: (error) => error
      })
      if (values.verbose) console.err(headerLines("< ", response.status, response.statusText, response.headers) + "<\n")
      if (!Retry.isTransient(response)) return response
      // Read it now: a retry replaces it, and after the last attempt it is what gets printed.
      const buffered = new BufferedResponse(
        response.status,
        response.statusText,
        response.headers,
        new Uint8Array(yield* Effect.tryPromise({ try: () => response.arrayBuffer(), catch: (error) => error }))
      )
      return yield* Effect.fail(buffered)
    })

  let response: Response | BufferedResponse
  try {
    response = await run(provide(Retry.makeRequestWithRetries(request, send, { times: retries, while: Retry.isTransient })), io.signal)
  } catch (error) {
    if (error instanceof RequestError) {
      if (error.cause instanceof BufferedResponse) return finish(console, error.cause, values.include === true, last)
      const attempts = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ""
      throw new RuntimeFailure(describeError(error.cause) + attempts)
    }
    throw error
  }
  return finish(console, response, values.include === true, last)
}

const parseUrl = (text: string, what: string): URL => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`${what} ${JSON.stringify(text)} is not an absolute URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${what} must be http or https, not ${url.protocol}`)
  return url
}

let cachedVersion: string | undefined
const version = (): string => {
  if (cachedVersion !== undefined) return cachedVersion
  try {
    // src/bin/cli.ts and dist/bin/cli.js both sit two levels below package.json.
    const manifest: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    const value = (manifest as { version?: unknown }).version
    cachedVersion = typeof value === "string" ? value : "unknown"
  } catch {
    cachedVersion = "unknown"
  }
  return cachedVersion
}

// ---------------------------------------------------------------------------
// serve

const waitForStop = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal !== undefined) {
      if (signal.aborted) resolve()
      else signal.addEventListener("abort", () => resolve(), { once: true })
      return
    }
    const stop = () => {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
      resolve()
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })

const serveCommand = async (argv: ReadonlyArray<string>, io: Io, console: Console): Promise<number> => {
  const { values, positionals } = parse(argv, serveOptions)
  if (values.help) {
    await console.out(HELP)
    return ExitCode.Ok
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments besides options; got ${JSON.stringify(positionals[0])}`)
  const port = values.port === undefined ? 0 : wholeNumber("--port", values.port, 0, 65535)
  const target = values.target === undefined ? undefined : parseUrl(values.target, "--target").href

  let accessKeyId: string
  let secretAccessKey: string
  let sessionToken: string | undefined
  if (values.credentials !== undefined) {
    const parts = values.credentials.split(":")
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === "")) {
      throw new UsageError("--credentials takes ACCESS_KEY_ID:SECRET_ACCESS_KEY or ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN")
    }
    ;[accessKeyId, secretAccessKey, sessionToken] = parts as [string, string, string | undefined]
  } else {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = io.env
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
      throw new UsageError("serve needs credentials: pass --credentials AKID:SECRET[:TOKEN], or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }
    accessKeyId = AWS_ACCESS_KEY_ID
    secretAccessKey = AWS_SECRET_ACCESS_KEY
    sessionToken = AWS_SESSION_TOKEN || undefined
  }
  console.secrets.add(secretAccessKey)
  if (sessionToken !== undefined) console.secrets.add(sessionToken)
  const region = values.region || io.env["AWS_REGION"] || io.env["AWS_DEFAULT_REGION"] || "us-east-1"

  const gateway = await LocalGateway.start({
    credentials: [{ accessKeyId, secretAccessKey, sessionToken }],
    port,
    host: values.host,
    region,
    service: values.service,
    target,
    onRequest: (entry) =>
      console.err(
        `${new Date().toISOString()} ${entry.method} ${Diagnosis.redactSessionToken(entry.target)} ${entry.status} ${
          entry.accessKeyId ?? "-"
        }${entry.errorType === undefined ? "" : ` ${entry.errorType}`}${entry.message === undefined ? "" : `: ${entry.message}`}\n`
      )
  })
  try {
    await console.out(
      `Local IAM gateway listening on ${gateway.url} (region ${gateway.region}, service ${gateway.service}, ` +
        `access key ${accessKeyId}${sessionToken === undefined ? "" : " with session token"}; ` +
        `${target === undefined ? "echoing verified requests" : `proxying verified requests to ${target}`})\n`
    )
    await waitForStop(io.signal)
  } finally {
    await gateway.close()
  }
  console.err("Local IAM gateway stopped\n")
  return ExitCode.Ok
}

// ---------------------------------------------------------------------------

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
 * @since 2.0.0
 * @category main
 */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const console = makeConsole(io)
  try {
    return argv[0] === "serve" ? await serveCommand(argv.slice(1), io, console) : await requestCommand(argv, io, console)
  } catch (error) {
    if (error instanceof UsageError) {
      console.err(`error: ${error.message} (see --help)\n`)
      return ExitCode.Usage
    }
    if (error instanceof Interrupted || (io.signal?.aborted === true && argv[0] !== "serve")) {
      console.err("error: interrupted\n")
      return ExitCode.Interrupted
    }
    if (error instanceof SigningError) {
      const hint = error.reason === "MissingRegion" ? " (use --region REGION)" : ""
      console.err(`error: ${firstLine(error.message)}${hint}\n`)
      return ExitCode.Usage
    }
    console.err(`error: ${error instanceof RuntimeFailure ? error.message : describeError(error)}\n`)
    return ExitCode.Failure
  }
}
