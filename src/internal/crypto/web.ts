/**
 * SHA-256 and HMAC for the signing core where `node:crypto` is absent
 * (browsers, Cloudflare Workers, React Native): @noble/hashes, audited,
 * dependency-free and synchronous, so `signRequest` stays synchronous.
 * (WebCrypto's `crypto.subtle` is asynchronous only.) package.json `imports`
 * maps `#crypto` here outside the `node` condition.
 *
 * A signature hashes about 13 SHA-256 blocks, and in a browser noble's
 * compression function is most of its time. What this module adds around it is
 * kept to copies into buffers it reuses: a text is encoded into one scratch
 * buffer (`encodeInto`, no new array per call), every hash starts from a copy
 * of one fresh state into one reused hash (`_cloneInto`, no new hash object),
 * and digests go into one 32-byte array. In Chromium this took a signature
 * from 43 to 22-29 µs of CPU time over runs (`npm run bench chromium`), where
 * the least code on noble's one-shot functions takes about 40. Signing is synchronous
 * and nothing here calls out, so no two hashes ever share these buffers at
 * once.
 *
 * @internal
 */
import { type _HMAC, hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import type { Crypto, HmacKey } from "./types.js"

export type { HmacKey }

const utf8 = new TextEncoder()

/**
 * Texts up to this many UTF-16 units are encoded into the scratch buffer;
 * longer ones (large string bodies) into an array of their own, so that one
 * large body does not leave a buffer of its size behind. A canonical request
 * with a session token is about 1,500 units.
 */
const SCRATCH_TEXT_UNITS = 4096
// A UTF-16 unit encodes to at most 3 UTF-8 bytes (a surrogate pair, 2 units, to 4).
const scratch = new Uint8Array(SCRATCH_TEXT_UNITS * 3)

/**
 * Hashes a text's UTF-8 encoding with `hash`, then wipes the bytes it used
 * (the scratch buffer's, or a long text's own): a canonical request carries
 * the session token.
 */
const updateWithText = <H extends { update(bytes: Uint8Array): unknown }>(hash: H, text: string): H => {
  const encoded = utf8.encodeInto(text.length > SCRATCH_TEXT_UNITS ? "" : text, scratch)
  // Never hash part of a text: one the scratch buffer cannot hold whole gets an array of its own.
  const bytes = encoded.read === text.length ? scratch.subarray(0, encoded.written) : utf8.encode(text)
  try {
    hash.update(bytes)
  } finally {
    bytes.fill(0)
  }
  return hash
}

type Sha256 = ReturnType<typeof sha256.create>
const freshSha256: Sha256 = sha256.create()
let reusedSha256: Sha256 | undefined
const digest = new Uint8Array(32)

export const sha256Hex: Crypto["sha256Hex"] = (data) => {
  const hash = (reusedSha256 = freshSha256._cloneInto(reusedSha256))
  if (typeof data === "string") updateWithText(hash, data)
  else hash.update(data)
  hash.digestInto(digest)
  return bytesToHex(digest)
}

/**
 * The keyed inner and outer hash states, computed once per key, and one HMAC the
 * signatures reuse: each signature copies the keyed states into it (`_cloneInto`)
 * instead of hashing the padded key twice again, or allocating a new HMAC and two
 * hashes as `clone()` does.
 */
interface PreparedKey {
  readonly keyed: _HMAC<never>
  reused: _HMAC<never> | undefined
}

export const hmacKey: Crypto["hmacKey"] = (key) =>
  ({ keyed: hmac.create(sha256, key) as _HMAC<never>, reused: undefined } satisfies PreparedKey) as unknown as HmacKey

// Runs four times per secret and day (signing-key derivation), so it allocates freely; it wipes
// the encoded "AWS4" + secret once the HMAC holds it.
export const hmacSha256: Crypto["hmacSha256"] = (key, data) => {
  if (typeof key !== "string") return hmac(sha256, key, utf8.encode(data))
  const keyBytes = utf8.encode(key)
  try {
    return hmac(sha256, keyBytes, utf8.encode(data))
  } finally {
    keyBytes.fill(0)
  }
}

export const hmacSha256Hex: Crypto["hmacSha256Hex"] = (key, data) => {
  const prepared = key as unknown as PreparedKey
  const mac = (prepared.reused = prepared.keyed._cloneInto(prepared.reused))
  updateWithText(mac, data).digestInto(digest)
  return bytesToHex(digest)
}
