/**
 * Signature-mismatch details in XML error bodies (S3 and other XML APIs):
 * the `<CanonicalRequest>` and `<StringToSign>` elements, entities decoded.
 * Linear: each element is found with two `indexOf` calls, entities are
 * decoded in one forward pass.
 *
 * @internal
 */
import type { SignatureMismatch } from "../apiGatewayMessages.js"

/**
 * The text of the first `<name>` element that is closed. When the first
 * opening tag has no closing tag after it, no later one has either, so one
 * search each way decides.
 */
const elementText = (xml: string, name: string): string | undefined => {
  const open = `<${name}>`
  const start = xml.indexOf(open)
  if (start === -1) return undefined
  const end = xml.indexOf(`</${name}>`, start + open.length)
  return end === -1 ? undefined : xml.slice(start + open.length, end)
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

const isHexDigit = (char: string): boolean => (char >= "0" && char <= "9") || (char >= "a" && char <= "f") || (char >= "A" && char <= "F")
const isDecimalDigit = (char: string): boolean => char >= "0" && char <= "9"
const isLowerLetter = (char: string): boolean => char >= "a" && char <= "z"

/**
 * The entity at `text[amp]` (`&amp;`, `&#65;`, `&#x41;`): its replacement and
 * where it ends, or `undefined` to keep the text as it is. Scans stop at the
 * first character outside the entity, so a run of text is scanned once.
 */
const entityAt = (text: string, amp: number): { readonly value: string; readonly end: number } | undefined => {
  let at = amp + 1
  let kind: "hex" | "decimal" | "name"
  if (text[at] === "#" && text[at + 1] === "x") {
    kind = "hex"
    at += 2
  } else if (text[at] === "#") {
    kind = "decimal"
    at += 1
  } else {
    kind = "name"
  }
  const start = at
  const accepts = kind === "hex" ? isHexDigit : kind === "decimal" ? isDecimalDigit : isLowerLetter
  while (at < text.length && accepts(text[at]!)) at++
  if (at === start || text[at] !== ";") return undefined
  const body = text.slice(start, at)
  if (kind === "name") {
    const value = NAMED_ENTITIES[body]
    return value === undefined ? undefined : { value, end: at + 1 }
  }
  const code = parseInt(body, kind === "hex" ? 16 : 10)
  return code <= 0x10ffff ? { value: String.fromCodePoint(code), end: at + 1 } : undefined
}

/** Decodes XML character and predefined entities; anything else stays as written. */
const decodeXml = (text: string): string => {
  let amp = text.indexOf("&")
  if (amp === -1) return text
  let result = ""
  let copied = 0
  while (amp !== -1) {
    const entity = entityAt(text, amp)
    if (entity !== undefined) {
      result += text.slice(copied, amp) + entity.value
      copied = entity.end
    }
    amp = text.indexOf("&", entity === undefined ? amp + 1 : entity.end)
  }
  return result + text.slice(copied)
}

/** The canonical request and string to sign of an XML error body, or `undefined`. */
export const parseXmlSignatureMismatch = (xml: string): SignatureMismatch | undefined => {
  const canonicalRequest = elementText(xml, "CanonicalRequest")
  if (canonicalRequest === undefined) return undefined
  const stringToSign = elementText(xml, "StringToSign")
  if (stringToSign === undefined) return undefined
  return { canonicalRequest: decodeXml(canonicalRequest), stringToSign: decodeXml(stringToSign) }
}
