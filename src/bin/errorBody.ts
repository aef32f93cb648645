/**
 * An error body as text to print: the bytes received made readable where the
 * scrub can find the secrets a body quotes. A compressed body is decoded
 * (asked for with `-H 'accept-encoding: gzip'` through node:http, or in a
 * coding fetch does not decode, such as zstd), UTF-16 text read as UTF-8, and
 * what cannot be read so is not printed at all: its bytes would hide a
 * session token from the scrub and from the 403 diagnosis.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from "node:zlib"
import { dropSecretStart, scrubBytes } from "./output.js"
import { REDACTED } from "../internal/scrub.js"

/** The most an error body is decoded to: more than any error message, less than a decompression bomb gives. */
const DECODED_ERROR_BODY_LIMIT = 1024 * 1024

/** The content codings fetch decodes itself (undici's); zstd too from Node 24 (`stillInZstd` tells). */
const FETCH_DECODES: ReadonlySet<string> = new Set(["gzip", "x-gzip", "deflate", "br"])

/** Whether a body fetch gave back is still a zstd frame (its magic number): Node 20's and 22's fetch pass zstd on undecoded. */
const stillInZstd = (bytes: Uint8Array): boolean => bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd

/**
 * `bytes` with each secret's UTF-16 spellings (either byte order) replaced by `<redacted>` in the same: a body
 * printed as it came (not read as UTF-16 text, having control characters or a secret's UTF-8 spelling too) still
 * shows them, a NUL beside each character, which a terminal does not show.
 */
const withoutUtf16Secrets = (bytes: Uint8Array, secrets: ReadonlySet<string>): Uint8Array => {
  let body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const secret of secrets) {
    if (secret === "") continue
    const littleEndian = Buffer.from(secret, "utf16le")
    for (const [spelled, redacted] of [[littleEndian, Buffer.from(REDACTED, "utf16le")], [Buffer.from(littleEndian).swap16(), Buffer.from(REDACTED, "utf16le").swap16()]] as const) {
      // The pieces between the matches, joined once: a body may repeat a secret thousands of times.
      const pieces: Array<Uint8Array> = []
      let from = 0
      for (let at = body.indexOf(spelled); at !== -1; at = body.indexOf(spelled, from)) {
        pieces.push(body.subarray(from, at), redacted)
        from = at + spelled.length
      }
      if (from > 0) body = Buffer.concat([...pieces, body.subarray(from)])
    }
  }
  return body
}

/** The content codings of a body, in the order they were applied; identity is none. */
const contentCodingsOf = (header: string | null): ReadonlyArray<string> =>
  (header ?? "").split(",").map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== "" && coding !== "identity")

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The UTF-16 a body is in, by its BOM, else by its NULs: text of mostly ASCII characters in UTF-16 has one in every
 * other byte, on one side (the low byte's for little-endian), where UTF-8 text has none. A label alone is not
 * trusted (a UTF-8 body labelled `charset=utf-16` would print as CJK characters); undefined for any other body.
 * (A binary body that holds a secret as it is is not asked: see `errorBodyText`.)
 */
const utf16Of = (bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined => {
  const byOrderMark = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined
  let even = 0
  let odd = 0
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) (i % 2 === 0 ? even++ : odd++)
  const units = bytes.length / 2
  const byNuls = odd >= units / 4 && even <= odd / 16 ? "utf-16le" : even >= units / 4 && odd <= even / 16 ? "utf-16be" : undefined
  const utf16 = byOrderMark ?? byNuls
  if (bytes.length < 4 || utf16 === undefined) return undefined
  // Only what decodes as UTF-16 (no lone surrogate; control characters are text too): read as UTF-8 after, every
  // spelling of a secret in it (escaped, cut at the end) is found as in any UTF-8 body.
  try {
    new TextDecoder(utf16, { fatal: true }).decode(bytes, { stream: true })
    return utf16
  } catch {
    return undefined
  }
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
const decodedBody = (bytes: Uint8Array, codings: ReadonlyArray<string>): { readonly body: Uint8Array; readonly complete: boolean } | undefined => {
  // Whole streams decode without a flush at their end; one that stops early decodes only so.
  const whole = decodedAs(bytes, codings, constants.Z_FINISH, constants.BROTLI_OPERATION_FINISH)
  if (whole !== undefined) return { body: whole, complete: true }
  const part = decodedAs(bytes, codings, constants.Z_SYNC_FLUSH, constants.BROTLI_OPERATION_FLUSH)
  return part === undefined ? undefined : { body: part, complete: false }
}

const decodedAs = (bytes: Uint8Array, codings: ReadonlyArray<string>, finishFlush: number, brotliFinishFlush: number): Uint8Array | undefined => {
  const zlib: ZlibOptions = { finishFlush, maxOutputLength: DECODED_ERROR_BODY_LIMIT }
  let body: Uint8Array = bytes
  try {
    for (const coding of [...codings].reverse()) {
      if (coding === "gzip" || coding === "x-gzip") body = gunzipSync(body, zlib)
      else if (coding === "br") {
        body = brotliDecompressSync(body, { finishFlush: brotliFinishFlush, maxOutputLength: DECODED_ERROR_BODY_LIMIT })
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

/** How an error body arrived. */
export interface ReceivedErrorBody {
  readonly bytes: Uint8Array
  /** Its content-encoding header. */
  readonly contentEncoding: string | null
  /** As the server sent it (node:http), not decoded by fetch. */
  readonly asSent: boolean
  /** Cut at the read limit. */
  readonly truncated: boolean
  /** Its read failed (fetch could not decode it as its content-encoding says). */
  readonly unreadable: boolean
}

/** An error body as text to print (undefined: not printed), the notes that say what was done to it, and whether it may end inside a secret. */
export interface ErrorBodyText {
  readonly bytes: Uint8Array | undefined
  readonly notes: ReadonlyArray<string>
  /**
   * Cut short (at the read limit, or a stream not finished) and read as UTF-16 after: it may end inside a secret,
   * whole in it no more, for `dropSecretStart` to drop (otherwise dropped already).
   */
  readonly cutShort: boolean
}

/** The text of an error body (see the module's comment); `secrets`, to tell UTF-16 text from bytes that hold one as they are. */
export const errorBodyText = (body: ReceivedErrorBody, secrets: ReadonlySet<string>): ErrorBodyText => {
  const { asSent, truncated, unreadable } = body
  const received = body.bytes
  // A compressed body (asked for with -H 'accept-encoding: gzip', or in a coding fetch does not decode, such as
  // zstd) is decoded: its bytes would hide from the scrub and the diagnosis a session token the answer quotes. One
  // that cannot be decoded is not printed.
  const named = contentCodingsOf(body.contentEncoding)
  const codings = received.length === 0 ? []
    : asSent ? named
    : named.filter((coding) => !FETCH_DECODES.has(coding) && (coding !== "zstd" || stillInZstd(received)))
  const decoding = unreadable ? undefined : codings.length === 0 ? { body: received, complete: true } : decodedBody(received, codings)
  const decoded = decoding?.body
  // A decoded body may be cut short too: a compressed stream the server did not finish decodes as far as it goes.
  const cutShort = truncated || decoding?.complete === false
  // A body labelled with a coding it is not in (`Content-Encoding: UTF-8`), which reads as text, is scrubbed as text.
  const plain = !unreadable && decoded === undefined && isPlainText(received)
  const readable = plain ? received : decoded
  // Its secrets' spellings as they are (and a secret's beginning where it was cut short) go before it may be read as
  // UTF-16, which would turn them into other characters, and so do their UTF-16 spellings (when it is not read so).
  const inCharset = readable === undefined
    ? undefined
    : withoutUtf16Secrets(scrubBytes(cutShort ? dropSecretStart(readable, secrets) : readable, secrets), secrets)
  // UTF-16 text (a BOM, or a NUL in every other byte) quotes a secret with a NUL beside each character, which the scrub
  // of UTF-8 spellings would not find: it is printed as UTF-8, where every spelling is found.
  const utf16 = inCharset === undefined ? undefined : utf16Of(inCharset)
  // Cut short, the text may end in half a character: held back (stream), not read as U+FFFD, which would hide
  // from `dropSecretStart` (printError's, after) a secret's beginning before it.
  const bytes = utf16 === undefined
    ? inCharset
    : Buffer.from(new TextDecoder(utf16).decode(inCharset, { stream: cutShort }), "utf8")
  const encodingNote = unreadable
    ? `note: the error body is not in the coding its content-encoding names (${named.join(", ")}), so it could not be read, and is not printed`
    : codings.length === 0
    ? undefined
    : plain
    ? `note: the error body says it is ${codings.join(", ")}-encoded, and is plain text: it is printed as it came, with its secrets hidden`
    : bytes === undefined
    ? `note: the error body is ${codings.join(", ")}-encoded and could not be decoded here, so it is not printed (it may quote the session token)`
    : `note: the error body came ${codings.join(", ")}-encoded; it is printed decoded, with its secrets hidden`
  const notes = [encodingNote, utf16 === undefined ? undefined : `note: the error body is ${utf16.toUpperCase()} text; it is printed as UTF-8, with its secrets hidden`]
  // A secret's beginning where it was cut is gone already, unless reading UTF-16 made a new ending of it.
  return { bytes, notes: notes.filter((note) => note !== undefined), cutShort: cutShort && utf16 !== undefined }
}
