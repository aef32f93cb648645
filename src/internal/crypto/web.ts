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
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import type { Crypto, HmacKey } from "./types.js"

export type { HmacKey }

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === "string" ? utf8ToBytes(data) : data)

export const sha256Hex: Crypto["sha256Hex"] = (data) => bytesToHex(sha256(bytesOf(data)))

// The keyed inner and outer hash states, computed once per key; each signature clones them
// instead of hashing the padded key twice again.
export const hmacKey: Crypto["hmacKey"] = (key) => hmac.create(sha256, key) as unknown as HmacKey

export const hmacSha256: Crypto["hmacSha256"] = (key, data) => hmac(sha256, bytesOf(key), utf8ToBytes(data))

export const hmacSha256Hex: Crypto["hmacSha256Hex"] = (key, data) =>
  bytesToHex((key as unknown as _HMAC<never>).clone().update(utf8ToBytes(data)).digest())
