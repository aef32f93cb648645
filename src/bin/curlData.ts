/**
 * How curl reads a `--data @FILE` (`-d @FILE`) file, which is not byte for
 * byte (`--data-binary @FILE` is). Since curl 8.7.0 (curl/curl#13063), every
 * CR, LF and NUL byte is dropped and the rest kept, as its manual says; before,
 * curl read the file with `fgets` into 256 bytes and kept each piece only up
 * to its first CR, LF or NUL, so a CR not followed by LF (old Mac line ends, a
 * CR inside a line) or a NUL cut off the rest of its line.
 *
 * @internal
 */
import { Buffer } from "node:buffer"

const CR = 0x0d
const LF = 0x0a
const NUL = 0x00

const isCut = (byte: number): boolean => byte === CR || byte === LF || byte === NUL

/** A `--data @FILE` file's bytes as curl 8.7.0 and later send them: every CR, LF and NUL dropped. */
export const asCurlReadsData = (bytes: Uint8Array): Buffer => {
  const kept = Buffer.allocUnsafe(bytes.length)
  let length = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (!isCut(byte)) kept[length++] = byte
  }
  return kept.subarray(0, length)
}

/** A `--data @FILE` file's bytes as curl before 8.7.0 sends them: each `fgets` piece up to its first CR, LF or NUL. */
export const asOldCurlReadsData = (bytes: Uint8Array): Buffer => {
  const kept = Buffer.allocUnsafe(bytes.length)
  let length = 0
  for (let start = 0; start < bytes.length;) {
    // fgets into 256 bytes: at most 255 of them, and no further than a line's LF (searched within those 255 only).
    const limit = Math.min(start + 255, bytes.length)
    let end = start
    while (end < limit && bytes[end] !== LF) end++
    if (end < limit) end++ // the LF itself
    let stop = start
    while (stop < end && !isCut(bytes[stop]!)) stop++
    kept.set(bytes.subarray(start, stop), length)
    length += stop - start
    start = end
  }
  return kept.subarray(0, length)
}
