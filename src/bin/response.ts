/**
 * Printing the response: with `-i` the status line and headers (secrets
 * scrubbed), then the body on stdout. A body of a success is streamed as it comes; an error body
 * (status 400 or above) is read up to 64 KB and printed with the secrets
 * scrubbed, followed on stderr by why a 403 happened and the one-line error.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from "node:zlib"
import { explainRefusal, type Signed } from "./diagnosis.js"
import { ExitCode } from "./exitCodes.js"
import { headerLines, statusTextOf } from "./exchange.js"
import { type Console, dropSecretStart, scrub, scrubBytes } from "./output.js"
import { bodyAsSent, BufferedResponse, chunksOf, ERROR_BODY_LIMIT, readCapped } from "./transport.js"

const NEWLINE = 0x0a

/** The most an error body is decoded to: more than any error message, less than a decompression bomb gives. */
const DECODED_ERROR_BODY_LIMIT = 1024 * 1024

/** The content codings fetch decodes itself (undici's; Node 20's has no zstd). */
const FETCH_DECODES: ReadonlySet<string> = new Set(["gzip", "x-gzip", "deflate", "br"])

/** The content codings of a body, in the order they were applied; identity is none. */
const contentCodingsOf = (header: string | null): ReadonlyArray<string> =>
  (header ?? "").split(",").map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== "" && coding !== "identity")

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The UTF-16 a body is in, by its BOM, else by its NULs: text of mostly ASCII characters in UTF-16 has one in every
 * other byte, on one side (the low byte's for little-endian), where UTF-8 text has none. A label alone is not
 * trusted (a UTF-8 body labelled `charset=utf-16` would print as CJK characters); undefined for any other body.
 */
const utf16Of = (bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined => {
  const byOrderMark = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined
  let even = 0
  let odd = 0
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) (i % 2 === 0 ? even++ : odd++)
  const units = bytes.length / 2
  const byNuls = odd >= units / 4 && even <= odd / 16 ? "utf-16le" : even >= units / 4 && odd <= even / 16 ? "utf-16be" : undefined
  const utf16 = byOrderMark ?? byNuls
  // Only text: a binary body (which may quote a secret in bytes of its own) is printed as it came, scrubbed as such.
  return bytes.length >= 4 && utf16 !== undefined && isPlainText(Buffer.from(new TextDecoder(utf16).decode(bytes, { stream: true }), "utf8"))
    ? utf16
    : undefined
}

/** Whether `bytes` are UTF-8 text with no control character but tab and line breaks: no compressed stream is. */
const isPlainText = (bytes: Uint8Array): boolean => {
  try {
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(strictUtf8.decode(bytes))
  } catch {
    return false
  }
}

/**
 * An error body decoded (`codings` undone, last first), or undefined when it cannot be: a coding unknown here, bytes
 * that are not what it says, or more than the limit. Bytes cut short (at the read limit, or a stream the server did
 * not finish) decode as far as they go, so the text may end inside a secret: `printError` drops such an ending.
 */
const decodedBody = (bytes: Uint8Array, codings: ReadonlyArray<string>): Uint8Array | undefined => {
  const zlib: ZlibOptions = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: DECODED_ERROR_BODY_LIMIT }
  let body: Uint8Array = bytes
  try {
    for (const coding of [...codings].reverse()) {
      if (coding === "gzip" || coding === "x-gzip") body = gunzipSync(body, zlib)
      else if (coding === "br") {
        body = brotliDecompressSync(body, { finishFlush: constants.BROTLI_OPERATION_FLUSH, maxOutputLength: DECODED_ERROR_BODY_LIMIT })
      } else if (coding === "deflate") {
        // HTTP's deflate is zlib's format; some servers send raw deflate under that name.
        try {
          body = inflateSync(body, zlib)
        } catch {
          body = inflateRawSync(body, zlib)
        }
      } else return undefined
    }
  } catch {
    return undefined
  }
  return body
}

const printError = async (
  console: Console,
  response: Response | BufferedResponse,
  signed: Signed,
  signal: AbortSignal | undefined
): Promise<number> => {
  const { bytes: received, truncated, unreadable } = response instanceof BufferedResponse
    ? { bytes: response.body, truncated: response.truncated, unreadable: response.unreadable }
    : await readCapped(response, signal)
  // A compressed body (asked for with -H 'accept-encoding: gzip', or in a coding fetch does not decode, such as
  // zstd) is decoded: its bytes would hide from the scrub and the diagnosis a session token the answer quotes. One
  // that cannot be decoded is not printed.
  const named = contentCodingsOf(response.headers.get("content-encoding"))
  const codings = received.length === 0 ? [] : bodyAsSent(response) ? named : named.filter((coding) => !FETCH_DECODES.has(coding))
  const decoded = unreadable ? undefined : codings.length === 0 ? received : decodedBody(received, codings)
  // A body labelled with a coding it is not in (`Content-Encoding: UTF-8`), which reads as text, is scrubbed as text.
  const plain = !unreadable && decoded === undefined && isPlainText(received)
  const inCharset = plain ? received : decoded
  // UTF-16 text (a BOM, or a NUL in every other byte) quotes a secret with a NUL beside each character, which the scrub
  // of UTF-8 spellings would not find: it is printed as UTF-8.
  // Not when the bytes hold a secret as they are: UTF-16 text cannot, and read as UTF-16 it would be hidden from the scrub.
  const utf16 = inCharset === undefined || !Buffer.from(scrubBytes(inCharset, console.secrets)).equals(inCharset) ? undefined : utf16Of(inCharset)
  // Cut short, the text may end in half a character: held back (stream), not read as U+FFFD, which would hide
  // from `dropSecretStart` a secret's beginning before it.
  const bytes = utf16 === undefined
    ? inCharset
    : Buffer.from(new TextDecoder(utf16).decode(inCharset, { stream: truncated || codings.length > 0 }), "utf8")
  const encodingNote = unreadable
    ? `note: the error body is not in the coding its content-encoding names (${named.join(", ")}), so it could not be read, and is not printed`
    : codings.length === 0
    ? undefined
    : plain
    ? `note: the error body says it is ${codings.join(", ")}-encoded, and is plain text: it is printed as it came, with its secrets hidden`
    : bytes === undefined
    ? `note: the error body is ${codings.join(", ")}-encoded and could not be decoded here, so it is not printed (it may quote the session token)`
    : `note: the error body came ${codings.join(", ")}-encoded; it is printed decoded, with its secrets hidden`
  // Error bodies are diagnostic text; a signature mismatch repeats the canonical request, session token included.
  // Cut short, a body may end inside a secret, whole in it no more: that ending is dropped. A decoded one may be
  // (a compressed stream the server did not finish decodes as far as it goes).
  const cutShort = truncated || codings.length > 0
  const shown = bytes === undefined ? new Uint8Array(0) : scrubBytes(cutShort ? dropSecretStart(bytes, console.secrets) : bytes, console.secrets)
  await console.out(shown)
  // What follows on stderr starts on a line of its own, not glued to a body without a final newline.
  let separated = shown.length === 0 || shown[shown.length - 1] === NEWLINE
  const block = (text: string) => {
    console.err((separated ? "" : "\n") + text + "\n")
    separated = true
  }
  if (encodingNote !== undefined) block(encodingNote)
  if (utf16 !== undefined) block(`note: the error body is ${utf16.toUpperCase()} text; it is printed as UTF-8, with its secrets hidden`)
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
