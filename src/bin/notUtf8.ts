/**
 * Arguments that held bytes that are not UTF-8. Node decodes the command
 * line as UTF-8 and puts U+FFFD in place of each byte it cannot read (a
 * Latin-1 terminal, `$'caf\xe9'`, `"$(printf 'caf\351')"`, `-d "$(cat FILE)"`),
 * so the bytes typed are gone before the CLI sees them; signed and sent, the
 * request would carry EF BF BD where the byte was. Refused instead, saying
 * what sends the bytes meant. A U+FFFD typed on purpose is refused too: it
 * cannot be told apart.
 *
 * @internal
 */
import { UsageError } from "./exitCodes.js"

const REPLACEMENT = "\uFFFD"

interface Token {
  readonly kind: string
  readonly name?: string
  readonly rawName?: string
  readonly value?: string | undefined
}

/** What to write instead, for the argument `token` holds (the URL when it is a positional). */
const instead = (token: Token): string => {
  const flag = token.rawName ?? `--${token.name}`
  if (token.kind === "positional" || token.name === "target") {
    return "write such bytes percent-encoded, e.g. %E9 for the Latin-1 byte of é"
  }
  if (token.name === "header") {
    return "a header value takes the characters U+0080 to U+00FF and sends each as its Latin-1 byte: give them in UTF-8, " +
      `e.g. -H "$(printf 'X-Name: caf\\303\\251')" sends the byte E9`
  }
  if (token.name === "data" || token.name === "data-binary" || token.name === "data-raw") {
    return token.name !== "data-raw" && token.value?.startsWith("@") === true
      ? `the file name is not UTF-8: rename the file, or pass it on stdin (${flag} @- < FILE)`
      : "put the bytes in a file and send it with --data-binary @FILE"
  }
  return "give the value in UTF-8"
}

/**
 * Refuses (exit 2) the first argument holding U+FFFD, naming it, never showing it (it may be a credential).
 * A positional is the URL: the caller leaves out those it refuses on other grounds.
 */
export const refuseReplacedBytes = (tokens: ReadonlyArray<Token>): void => {
  for (const token of tokens) {
    if (token.value === undefined || !token.value.includes(REPLACEMENT)) continue
    const what = token.kind === "positional" ? "the URL" : `the value of ${token.rawName ?? `--${token.name}`}`
    throw new UsageError(
      `${what} holds bytes that are not UTF-8, which reach the CLI as U+FFFD and would be sent as that, not as typed; ${instead(token)}`
    )
  }
}
