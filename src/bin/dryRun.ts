/**
 * `--dry-run`: the signed request as a curl command, ready to paste into a
 * POSIX shell (sh, bash, zsh). The session token is written as `$AWS_SESSION_TOKEN`, never
 * its value; a body read from one file is passed as that file, when every
 * curl reads the file as the CLI did.
 *
 * @internal
 */
import { Buffer } from "node:buffer"
import type { SignedRequest } from "../SignedRequest.js"
import type { Body } from "./body.js"
import { UsageError } from "./exitCodes.js"

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quotes a word for POSIX shells: single quotes hold everything literally but a single quote. */
export const shellQuote = (word: string): string => SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`

const utf8Text = (bytes: Uint8Array): string | undefined => {
  try {
    // A leading U+FEFF is kept: it is part of the body signed (a default TextDecoder drops it).
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)
    return text.includes("\0") ? undefined : text
  } catch {
    return undefined
  }
}

/**
 * A header as curl's `-H` takes it so that curl sends what was signed: an
 * empty value as `Name;` (curl reads `Name:` as "do not send it"), and a value
 * with characters U+0080 to U+00FF, which go out as one byte each (Latin-1),
 * made by `printf` from octal escapes (a UTF-8 shell would hand curl two bytes
 * for each character typed): `"$(printf 'X-Name: caf\351')"`, in any POSIX shell.
 */
const headerWord = (name: string, value: string): string => {
  if (value === "") return shellQuote(`${name};`)
  if (!/[\u0080-\u00ff]/.test(value)) return shellQuote(`${name}: ${value}`)
  // printf's format: "%" and "\" escaped so that it prints them as they are, each byte above 0x7F as an octal escape.
  const format = [...`${name}: ${value}`].map((char) => {
    const code = char.charCodeAt(0)
    return code >= 0x80 ? `\\${code.toString(8)}` : char === "%" ? "%%" : char === "\\" ? "\\\\" : char
  })
  return `"$(printf ${shellQuote(format.join(""))})"`
}

/** The signed request as a curl command, one option per line. */
export const curlCommand = (signed: SignedRequest, body: Body | undefined): string => {
  const words: Array<string> = ["curl"]
  let piped = ""
  const hasBody = body !== undefined
  if (signed.method === "HEAD") words.push("--head")
  else if (signed.method !== "GET" && !(signed.method === "POST" && hasBody)) words.push("-X", signed.method)
  for (const [name, value] of Object.entries(signed.headers)) {
    words.push("-H", name.toLowerCase() === "x-amz-security-token" ? `"${name}: $AWS_SESSION_TOKEN"` : headerWord(name, value))
  }
  if (body !== undefined) {
    if (body.file?.sameForEveryCurl === true) {
      words.push(body.file.flag, shellQuote("@" + body.file.path))
    } else {
      // A --data file that curl before 8.7.0 reads otherwise (a lone CR, a NUL): the bytes signed, not the file.
      const text = utf8Text(body.bytes)
      if (text === undefined && body.file !== undefined) {
        throw new UsageError(
          `--dry-run cannot print this body: ${body.file.flag} file ${JSON.stringify(body.file.path)} holds a CR not followed by LF, or a NUL, ` +
            "where curl before 8.7.0 cuts the line (later curl drops the byte, as this CLI does), and what is left is not text to print; " +
            "remove those bytes from the file (tr -d '\\r\\000' < FILE > NEW) and pass -d @NEW, or send the file as it is with --data-binary @FILE"
        )
      }
      if (text === undefined) {
        throw new UsageError("--dry-run cannot print a binary body read from stdin or a pipe, or joined from several parts; put it in a file and pass --data-binary @FILE")
      }
      const quoted = shellQuote(text)
      if (Buffer.byteLength(quoted) > LONGEST_ARGUMENT) {
        piped = `printf '%s' ${quoted} | `
        words.push("--data-binary", "@-")
      } else {
        // "@" would make curl read a file: pass the body on stdin-free --data-binary only when it cannot be mistaken.
        words.push(text.startsWith("@") ? "--data-raw" : "--data-binary", quoted)
      }
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
  return piped + lines.join(" \\\n  ")
}

/**
 * The longest body passed to curl as an argument. Linux refuses a program an argument over 128 KiB
 * (MAX_ARG_STRLEN: "Argument list too long"); a longer one goes to curl's stdin from `printf`, which every POSIX
 * shell has built in, so that no such limit applies.
 */
const LONGEST_ARGUMENT = 100 * 1024
