/**
 * The hand-written floor: the least code that produces the same headers for
 * the one request (request.ts). Everything but the date is precomputed; per
 * call it formats the date, hashes the canonical request once and HMACs the
 * string to sign once, with the signing key derived once per day and kept
 * prepared for HMAC. The crypto is passed in: node:crypto in Node (as the
 * facade's node adapter uses it: crypto.hash, createHmac on a KeyObject),
 * @noble/hashes in the page (as cheaply as its API allows: reused buffers and hash states).
 */
import { accessKeyId, hostname, path, query, region, secretAccessKey, service, sessionToken } from "./request.js"

export interface FloorCrypto<Key> {
  readonly sha256Hex: (text: string) => string
  /** HMAC-SHA256 as bytes, for the key derivation. */
  readonly hmac: (key: string | Uint8Array, text: string) => Uint8Array
  /** Prepares the signing key for repeated HMACs. */
  readonly prepareKey: (key: Uint8Array) => Key
  readonly hmacHex: (key: Key, text: string) => string
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
const SIGNED_HEADERS = "host;x-amz-date;x-amz-security-token"

/** Signs the one request at `epochMillis`: the three headers signing adds. */
export const makeFloor = <Key>(crypto: FloorCrypto<Key>) => {
  const canonicalHead = `GET\n/prod${path}\n${query}\nhost:${hostname}\nx-amz-date:`
  const canonicalTail = `\nx-amz-security-token:${sessionToken}\n\n${SIGNED_HEADERS}\n${EMPTY_SHA256}`
  const scopeTail = `/${region}/${service}/aws4_request`
  let keyDay = ""
  let signingKey: Key | undefined
  const keyFor = (day: string): Key => {
    if (day !== keyDay || signingKey === undefined) {
      const { hmac } = crypto
      signingKey = crypto.prepareKey(hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), "aws4_request"))
      keyDay = day
    }
    return signingKey
  }
  return (epochMillis: number): Record<"authorization" | "x-amz-date" | "x-amz-security-token", string> => {
    const iso = new Date(epochMillis).toISOString() // 2024-01-15T12:34:56.000Z
    const day = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10)
    const amzDate = day + "T" + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z"
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${day}${scopeTail}\n${crypto.sha256Hex(canonicalHead + amzDate + canonicalTail)}`
    const signature = crypto.hmacHex(keyFor(day), stringToSign)
    return {
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${day}${scopeTail}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
      "x-amz-date": amzDate,
      "x-amz-security-token": sessionToken
    }
  }
}
