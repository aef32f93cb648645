/**
 * SHA-256 and HMAC for the signing core where `node:crypto` is absent
 * (browsers, Cloudflare Workers, React Native): @noble/hashes, audited,
 * dependency-free and synchronous, so `signRequest` stays synchronous.
 * (WebCrypto's `crypto.subtle` is asynchronous only.) package.json `imports`
 * maps `#crypto` here outside the `node` condition.
 *
 * @internal
 */
import { type _HMAC, hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import type { Crypto, HmacKey } from "./types.js"

export type { HmacKey }

// One encoder for every call: noble's utf8ToBytes makes a TextEncoder, and a copy, per call.
const utf8 = new TextEncoder()

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === "string" ? utf8.encode(data) : data)

export const sha256Hex: Crypto["sha256Hex"] = (data) => bytesToHex(sha256(bytesOf(data)))

/**
 * The keyed inner and outer hash states, computed once per key, and one HMAC the
 * signatures reuse: each signature copies the keyed states into it (`_cloneInto`)
 * instead of hashing the padded key twice again, or allocating a new HMAC and two
 * hashes as `clone()` does. Signing is synchronous, so no two signatures share it at once.
 */
interface PreparedKey {
  readonly keyed: _HMAC<never>
  scratch: _HMAC<never> | undefined
}

export const hmacKey: Crypto["hmacKey"] = (key) =>
  ({ keyed: hmac.create(sha256, key) as _HMAC<never>, scratch: undefined } satisfies PreparedKey) as unknown as HmacKey

export const hmacSha256: Crypto["hmacSha256"] = (key, data) => hmac(sha256, bytesOf(key), utf8.encode(data))

export const hmacSha256Hex: Crypto["hmacSha256Hex"] = (key, data) => {
  const prepared = key as unknown as PreparedKey
  const mac = prepared.keyed._cloneInto(prepared.scratch)
  prepared.scratch = mac
  return bytesToHex(mac.update(utf8.encode(data)).digest())
}
