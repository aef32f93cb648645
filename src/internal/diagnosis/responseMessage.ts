/**
 * The error message of a response body, in the shapes clients hold it: the
 * raw body as text or bytes, the parsed JSON (`{ message }` or
 * `{ Message }`), or the message alone. Linear in the body: one decode, one
 * trim, at most one `JSON.parse`.
 *
 * @internal
 */

const utf8 = new TextDecoder("utf-8")

const messageField = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const { message, Message } = value as { message?: unknown; Message?: unknown }
  return typeof message === "string" ? message : typeof Message === "string" ? Message : undefined
}

/** The message of a response body: its JSON `message` / `Message` (or JSON string), else the text itself. */
export const messageOf = (body: unknown): string | undefined => {
  if (body instanceof Uint8Array) return messageOf(utf8.decode(body))
  if (typeof body !== "string") return messageField(body)
  const trimmed = body.trim()
  if (trimmed.startsWith("{") || trimmed.startsWith("\"")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (typeof parsed === "string") return parsed
      const field = messageField(parsed)
      if (field !== undefined) return field
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  return body
}
