/**
 * The request body, read as curl reads it: `-d` / `--data` and
 * `--data-binary` in the order given, joined with `&`; `@FILE` reads a file
 * (`--data` drops its CR, LF and NUL bytes, as curl 8.7.0 and later do), `@-` reads stdin.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { readFile } from "node:fs/promises"
import { asCurlReadsData, asOldCurlReadsData } from "./curlData.js"
import { describeError, Interrupted, UsageError } from "./exitCodes.js"
import type { Io } from "./output.js"

export type DataFlag = "--data" | "--data-binary"

export interface DataPart {
  readonly flag: DataFlag
  readonly value: string
}

export interface Body {
  readonly bytes: Uint8Array
  /**
   * Set when the body is one file, read as curl reads it. `sameForEveryCurl`: every curl sends
   * the bytes sent here (a `--data` file without a lone CR or a NUL), so --dry-run may refer to it.
   */
  readonly file?: { readonly flag: DataFlag; readonly path: string; readonly sameForEveryCurl: boolean }
}

/** The data options in the order they were given (`parseArgs` groups them by name; its tokens keep the order). */
export const dataPartsOf = (
  tokens: ReadonlyArray<{ readonly kind: string; readonly name?: string; readonly value?: string | undefined }>
): Array<DataPart> => {
  const parts: Array<DataPart> = []
  for (const token of tokens) {
    if (token.kind === "option" && (token.name === "data" || token.name === "data-binary") && token.value !== undefined) {
      parts.push({ flag: token.name === "data" ? "--data" : "--data-binary", value: token.value })
    }
  }
  return parts
}

/**
 * All of `stream`; aborting `signal` stops the wait (`Interrupted`). Stdin may never end (a terminal, a
 * producer that stalls), and Ctrl-C must stop the CLI all the same, as it stops curl.
 */
const readAll = async (stream: AsyncIterable<string | Uint8Array>, signal: AbortSignal | undefined): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  // Through `for await`, which takes what it takes (an array of chunks too), one chunk at a time.
  const iterator = (async function*() {
    for await (const chunk of stream) yield chunk
  })()
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Interrupted())
  })
  // Rejected only when the signal aborts, and then awaited by the race below: no unhandled rejection.
  aborted.catch(() => undefined)
  if (signal?.aborted) onAbort()
  signal?.addEventListener("abort", onAbort, { once: true })
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next.done === true) return Buffer.concat(chunks)
      chunks.push(Buffer.from(next.value))
    }
  } catch (error) {
    // Let go of stdin once the read still pending settles: the rest is not wanted.
    if (error instanceof Interrupted) void iterator.return(undefined).catch(() => undefined)
    throw error
  } finally {
    signal?.removeEventListener("abort", onAbort)
  }
}

/** A part's bytes as curl reads them, and whether every curl version does (see `curlData`). */
const readPart = async (part: DataPart, io: Io): Promise<{ readonly bytes: Buffer; readonly sameForEveryCurl: boolean }> => {
  if (!part.value.startsWith("@")) return { bytes: Buffer.from(part.value, "utf8"), sameForEveryCurl: true }
  const path = part.value.slice(1)
  let bytes: Buffer
  if (path === "-") {
    if (io.stdin === undefined) throw new UsageError(`${part.flag} @- reads stdin, and there is none`)
    bytes = await readAll(io.stdin, io.signal)
  } else {
    try {
      bytes = await readFile(path)
    } catch (error) {
      throw new UsageError(`cannot read ${part.flag} file ${JSON.stringify(path)}: ${describeError(error)}`)
    }
  }
  // --data-binary keeps every byte; --data drops CR, LF and NUL bytes, as curl 8.7.0 and later do.
  if (part.flag === "--data-binary") return { bytes, sameForEveryCurl: true }
  const read = asCurlReadsData(bytes)
  return { bytes: read, sameForEveryCurl: read.equals(asOldCurlReadsData(bytes)) }
}

/** The body the data options make, or `undefined` without any. */
export const readBody = async (parts: ReadonlyArray<DataPart>, io: Io): Promise<Body | undefined> => {
  if (parts.length === 0) return undefined
  const pieces: Array<Buffer> = []
  let sameForEveryCurl = true
  for (const [index, part] of parts.entries()) {
    if (index > 0) pieces.push(Buffer.from("&"))
    const read = await readPart(part, io)
    pieces.push(read.bytes)
    sameForEveryCurl &&= read.sameForEveryCurl
  }
  const only = parts.length === 1 ? parts[0]! : undefined
  const file = only !== undefined && only.value.startsWith("@") && only.value !== "@-"
    ? { flag: only.flag, path: only.value.slice(1), sameForEveryCurl }
    : undefined
  return file === undefined ? { bytes: Buffer.concat(pieces) } : { bytes: Buffer.concat(pieces), file }
}
