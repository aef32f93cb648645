/**
 * How the CLI reads a `--data @FILE` file (src/bin/curlData.ts), judged
 * against the plainest model of what curl does: both readers work in one pass
 * over a buffer of the file's size (a file with one long line, as minified
 * JSON is, once cost time quadratic in its length), and must keep exactly the
 * bytes the model keeps.
 */
import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { asCurlReadsData, asOldCurlReadsData } from "../src/bin/curlData.js"

const isCut = (byte: number) => byte === 0x0d || byte === 0x0a || byte === 0x00

/** curl 8.7.0 and later: every CR, LF and NUL dropped. */
const modelOfCurl = (bytes: Uint8Array): Array<number> => [...bytes].filter((byte) => !isCut(byte))

/** curl before 8.7.0: `fgets` into 256 bytes (at most 255, and no further than an LF), each piece kept up to its first cut. */
const modelOfOldCurl = (bytes: Uint8Array): Array<number> => {
  const kept: Array<number> = []
  let piece: Array<number> = []
  const flush = () => {
    const cut = piece.findIndex(isCut)
    kept.push(...(cut === -1 ? piece : piece.slice(0, cut)))
    piece = []
  }
  for (const byte of bytes) {
    piece.push(byte)
    if (byte === 0x0a || piece.length === 255) flush()
  }
  flush()
  return kept
}

/** Bytes rich in the three that matter, in runs and lines longer and shorter than fgets' 255. */
const fileBytes = FastCheck.array(
  FastCheck.oneof(
    FastCheck.constantFrom(0x0d, 0x0a, 0x00),
    FastCheck.integer({ min: 0, max: 255 }),
    FastCheck.constant(0x61)
  ),
  { maxLength: 1200 }
).map((bytes) => Uint8Array.from(bytes))

describe("--data @FILE as curl reads it", () => {
  it.prop("curl 8.7.0+: keeps every byte but CR, LF and NUL, in order", { bytes: fileBytes }, ({ bytes }) => {
    expect([...asCurlReadsData(bytes)]).toEqual(modelOfCurl(bytes))
  })

  it.prop("curl before 8.7.0: keeps each fgets piece up to its first CR, LF or NUL", { bytes: fileBytes }, ({ bytes }) => {
    expect([...asOldCurlReadsData(bytes)]).toEqual(modelOfOldCurl(bytes))
  })

  it("reads a one-line file of 255-byte pieces piece by piece, as fgets does: a NUL cuts only its own piece", () => {
    const line = Buffer.concat([Buffer.alloc(255, "a"), Buffer.from("b\0c"), Buffer.alloc(300, "d")])
    expect(asOldCurlReadsData(line).toString()).toBe("a".repeat(255) + "b" + "d".repeat(300 - 252))
  })

  it("returns an empty body for an empty file", () => {
    expect([asCurlReadsData(new Uint8Array()).length, asOldCurlReadsData(new Uint8Array()).length]).toEqual([0, 0])
  })
})
