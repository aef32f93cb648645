/**
 * The request body, read as curl reads it: `-d` / `--data`, `--data-binary`
 * and `--data-raw` in the order given, joined with `&`; `@FILE` reads a file (not for `--data-raw`)
 * (`--data` drops its CR, LF and NUL bytes, as curl 8.7.0 and later do), `@-` reads stdin.
 *
 * A `@FILE` that is a pipe (a FIFO, `/dev/stdin` fed by a pipe, bash's `<(cmd)`) or a device (a terminal) is read
 * without a blocked read in libuv's threadpool, so that Ctrl-C stops it at once: `process.exit` waits for such a
 * thread, until the producer writes or ends.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import { close, constants, open, openSync, read as readFd } from "node:fs"
import { readFile, stat } from "node:fs/promises"
import { Socket } from "node:net"
import { maskCredentialSegments } from "../internal/scrub.js"
import { asCurlReadsData, asOldCurlReadsData } from "./curlData.js"
import { Interrupted, systemFailure, UsageError } from "./exitCodes.js"
import type { Io } from "./output.js"

export type DataFlag = "--data" | "--data-binary" | "--data-raw"

const DATA_FLAGS: ReadonlyMap<string, DataFlag> = new Map([["data", "--data"], ["data-binary", "--data-binary"], ["data-raw", "--data-raw"]])

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
    const flag = token.kind === "option" && token.name !== undefined ? DATA_FLAGS.get(token.name) : undefined
    if (flag !== undefined && token.value !== undefined) parts.push({ flag, value: token.value })
  }
  return parts
}

/** A promise rejected with `Interrupted` when `signal` aborts, and how to stop listening. */
const abortion = (signal: AbortSignal | undefined): { readonly aborted: Promise<never>; readonly done: () => void } => {
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Interrupted())
  })
  // Rejected only when the signal aborts, and then awaited by a race: no unhandled rejection.
  aborted.catch(() => undefined)
  if (signal?.aborted) onAbort()
  signal?.addEventListener("abort", onAbort, { once: true })
  return { aborted, done: () => signal?.removeEventListener("abort", onAbort) }
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
  const { aborted, done } = abortion(signal)
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
    done()
  }
}

/** The paths that name this process's stdin, read from `io.stdin` when it is not a regular file. */
const STDIN_PATHS = new Set(["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])

/**
 * Opens waiting in the threadpool: an `open()` of a FIFO without a writer there, which `process.exit` would wait
 * for. Counted so that the bin can end the process through the signal instead (see `blockedOpens`).
 */
let blocked = 0

/** @internal How many threads are still blocked in an `open()` that an interruption could not wake. */
export const blockedOpens = (): number => blocked

/**
 * @internal Counts an open this CLI cannot wake as blocked for good: the AWS SDK's, of a FIFO given as the config
 * or credentials file, which may still wait for a writer when the request is interrupted.
 */
export const openLeftBlocked = (): void => {
  blocked += 1
}

const closeQuietly = (fd: number): void => close(fd, () => undefined)

/** How long a failed open of a pipe waits for a signal that may have caused it to be handled (rare: it costs only then). */
const SIGNAL_SETTLES_MS = 500

/**
 * A FIFO opened for reading, once it has a writer (as `readFile` and curl open it: opened without waiting, a FIFO
 * without a writer yet would read as empty at once). The open waits in the threadpool; an abort wakes it by
 * opening the FIFO for writing a moment, so that no thread is left blocked.
 */
const openPipe = async (path: string, signal: AbortSignal | undefined): Promise<number> => {
  let settled = false
  const opening = new Promise<number>((resolve, reject) =>
    open(path, constants.O_RDONLY, (error, fd) => {
      settled = true
      if (error === null) resolve(fd)
      else reject(error)
    })
  )
  const { aborted, done } = abortion(signal)
  try {
    return await Promise.race([opening, aborted])
  } catch (error) {
    if (!(error instanceof Interrupted)) {
      // A signal that interrupts the open reaches the blocked thread too: the kernel restarts the open, which can
      // fail (the FIFO removed meanwhile, ENOENT) before the signal's handler has aborted. An interruption, then.
      // Waited for a moment, or until the abort comes: a busy machine can take a while to run the signal's handler.
      if (signal !== undefined && !signal.aborted) {
        let timer: ReturnType<typeof setTimeout> | undefined
        await Promise.race([aborted, new Promise((later) => (timer = setTimeout(later, SIGNAL_SETTLES_MS)))]).catch(() => undefined)
        clearTimeout(timer)
      }
      if (signal?.aborted) throw new Interrupted()
      throw error
    }
    const wakers: Array<number> = []
    try {
      if (!settled) {
        // A reader of our own first, so that opening for writing without waiting cannot fail for want of one.
        wakers.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK))
        wakers.push(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK))
      }
    } catch {
      // Not writable by this user, or gone: the open stays blocked until a writer comes.
      blocked += 1
      void opening.finally(() => (blocked -= 1)).catch(() => undefined)
    }
    void opening.then(closeQuietly, () => undefined).finally(() => wakers.forEach(closeQuietly))
    throw error
  } finally {
    done()
  }
}

/** How long to wait before reading again a device that has nothing to give yet. */
const DEVICE_POLL_MS = 20

/**
 * All of a device (a terminal, `/dev/null`), opened without waiting and read without waiting: a read that would
 * wait says so (EAGAIN), and is tried again a little later, unless `signal` has aborted.
 */
const readDevice = async (path: string, signal: AbortSignal | undefined): Promise<Buffer> => {
  const fd = await new Promise<number>((resolve, reject) =>
    open(path, constants.O_RDONLY | constants.O_NONBLOCK, (error, fd) => (error === null ? resolve(fd) : reject(error)))
  )
  const { aborted, done } = abortion(signal)
  const chunks: Array<Buffer> = []
  // The read in flight, if any: the descriptor is closed once it is done, never under it.
  let reading: Promise<unknown> = Promise.resolve()
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(64 * 1024)
      const next = new Promise<number | undefined>((resolve, reject) =>
        readFd(fd, buffer, 0, buffer.length, null, (error, count) => {
          if (error === null) resolve(count)
          else if (error.code === "EAGAIN" || error.code === "EWOULDBLOCK") resolve(undefined)
          else reject(error)
        })
      )
      reading = next.catch(() => undefined)
      const count = await Promise.race([next, aborted])
      if (count === 0) return Buffer.concat(chunks)
      if (count === undefined) {
        await Promise.race([new Promise((later) => setTimeout(later, DEVICE_POLL_MS)), aborted])
      } else {
        chunks.push(buffer.subarray(0, count))
      }
    }
  } finally {
    done()
    void reading.then(() => closeQuietly(fd))
  }
}

/**
 * A `@FILE`'s bytes. A regular file (or what cannot be looked at: its error is the one reading it gives) is read
 * whole; a pipe through a non-blocking socket, and a device without waiting, so that an abort stops the wait at
 * once (`Interrupted`), as it does for `@-`.
 */
const readNamed = async (path: string, io: Io): Promise<{ readonly bytes: Buffer; readonly readsAgain: boolean }> => {
  const stats = await stat(path).catch(() => undefined)
  const pipe = stats?.isFIFO() === true
  if (pipe || stats?.isCharacterDevice() === true || stats?.isSocket() === true) return { bytes: await readStream(path, pipe, io), readsAgain: false }
  // Whether --dry-run may refer to the file: one that reads the same again (a regular one), not a path to a
  // descriptor (/dev/stdin < file), which names what the printed command's own stdin would be.
  const readsAgain = stats?.isFile() === true && !STDIN_PATHS.has(path) && !/^\/(dev|proc\/self)\/fd\//.test(path)
  return { bytes: await readFile(path), readsAgain }
}

/** A pipe's or a device's bytes (see `readNamed`). */
const readStream = async (path: string, pipe: boolean, io: Io): Promise<Buffer> => {
  if (io.stdin !== undefined && STDIN_PATHS.has(path)) return readAll(io.stdin, io.signal)
  if (!pipe) return readDevice(path, io.signal)
  const fd = await openPipe(path, io.signal)
  let socket: Socket
  try {
    socket = new Socket({ fd, readable: true, writable: false })
  } catch (error) {
    closeQuietly(fd)
    throw error
  }
  try {
    return await readAll(socket, io.signal)
  } finally {
    socket.destroy()
  }
}

/** A part's bytes as curl reads them, and whether every curl version does (see `curlData`). */
const readPart = async (
  part: DataPart,
  io: Io
): Promise<{ readonly bytes: Buffer; readonly sameForEveryCurl: boolean; readonly readsAgain?: boolean }> => {
  // --data-raw is --data without the @: its value is the data, whatever it starts with (browsers' "Copy as cURL").
  if (part.flag === "--data-raw" || !part.value.startsWith("@")) return { bytes: Buffer.from(part.value, "utf8"), sameForEveryCurl: true }
  const path = part.value.slice(1)
  let bytes: Buffer
  let readsAgain = false
  if (path === "-") {
    if (io.stdin === undefined) throw new UsageError(`${part.flag} @- reads stdin, and there is none`)
    bytes = await readAll(io.stdin, io.signal)
  } else {
    try {
      ;({ bytes, readsAgain } = await readNamed(path, io))
    } catch (error) {
      if (error instanceof Interrupted || error instanceof UsageError) throw error
      // The path by what it may show (a credential pasted after the @ is masked), the failure without Node's copy of it.
      throw new UsageError(`cannot read ${part.flag} file ${JSON.stringify(maskCredentialSegments(path))}: ${systemFailure(error)}`)
    }
  }
  // --data-binary keeps every byte; --data drops CR, LF and NUL bytes, as curl 8.7.0 and later do.
  if (part.flag === "--data-binary") return { bytes, sameForEveryCurl: true, readsAgain }
  const read = asCurlReadsData(bytes)
  return { bytes: read, sameForEveryCurl: read.equals(asOldCurlReadsData(bytes)), readsAgain }
}

/** The body the data options make, or `undefined` without any. */
export const readBody = async (parts: ReadonlyArray<DataPart>, io: Io): Promise<Body | undefined> => {
  if (parts.length === 0) return undefined
  const pieces: Array<Buffer> = []
  let sameForEveryCurl = true
  let readsAgain = false
  for (const [index, part] of parts.entries()) {
    if (index > 0) pieces.push(Buffer.from("&"))
    const read = await readPart(part, io)
    pieces.push(read.bytes)
    sameForEveryCurl &&= read.sameForEveryCurl
    readsAgain = read.readsAgain === true
  }
  const only = parts.length === 1 ? parts[0]! : undefined
  // A pipe (bash's <(cmd), a FIFO, /dev/stdin) has been read: --dry-run must print its bytes, not its name.
  const file = only !== undefined && readsAgain
    ? { flag: only.flag, path: only.value.slice(1), sameForEveryCurl }
    : undefined
  return file === undefined ? { bytes: Buffer.concat(pieces) } : { bytes: Buffer.concat(pieces), file }
}
