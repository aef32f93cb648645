/**
 * HTTP written and read as raw bytes, for what clients cannot send (bad
 * syntax, absolute-form targets, bodies that stop arriving) and for reading
 * answers one at a time on one connection.
 */
import * as net from "node:net"

/** The length of the first complete answer in `text` (head and content-length body), or undefined. */
const completeAnswerLength = (text: string): number | undefined => {
  const headEnd = text.indexOf("\r\n\r\n")
  if (headEnd < 0) return undefined
  const length = headEnd + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? 0)
  return text.length >= length ? length : undefined
}

/** A connection that answers are read from one at a time. */
export const openConnection = async (port: number) => {
  const socket = net.connect(port, "127.0.0.1")
  await new Promise((resolve) => socket.once("connect", resolve))
  let received = ""
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1")
  })
  const nextAnswer = () =>
    new Promise<string>((resolve, reject) => {
      const take = () => {
        const length = completeAnswerLength(received)
        if (length === undefined) return
        const answer = received.slice(0, length)
        received = received.slice(length)
        socket.off("data", take)
        socket.off("close", closed)
        resolve(answer)
      }
      const closed = () => reject(new Error(`the connection closed; received ${JSON.stringify(received)}`))
      socket.on("data", take)
      socket.once("close", closed)
      take()
    })
  return { socket, nextAnswer }
}

/**
 * Writes `bytes` on a new connection and resolves with the first complete
 * answer, or with what arrived before the connection closed (or failed).
 * With `destroyAfterWrite`, the connection is dropped right after writing.
 */
export const rawExchange = (port: number, bytes: string, options: { readonly destroyAfterWrite?: boolean } = {}) =>
  new Promise<string>((resolve) => {
    let received = ""
    const done = () => {
      socket.destroy()
      resolve(received)
    }
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(bytes)
      if (options.destroyAfterWrite) done()
    })
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1")
      const length = completeAnswerLength(received)
      if (length !== undefined) {
        received = received.slice(0, length)
        done()
      }
    })
    socket.on("end", done)
    socket.on("close", done)
    socket.on("error", done)
  })
