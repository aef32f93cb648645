/**
 * What the signing core needs of cryptography: SHA-256 and HMAC-SHA256,
 * synchronous, so that signing stays synchronous everywhere. Two adapters
 * implement it (`node.ts` on `node:crypto`, `web.ts` on @noble/hashes);
 * package.json `imports` picks one for `#crypto` by runtime.
 *
 * @internal
 */

/** A key prepared for repeated HMACs (a KeyObject, or a keyed hash state): the signing key cache holds these. */
export interface HmacKey {
  readonly HmacKey: unique symbol
}

export interface Crypto {
  /** Hex SHA-256 of bytes, or of a string's UTF-8 encoding. */
  readonly sha256Hex: (data: string | Uint8Array) => string
  /** Prepares a key for `hmacSha256Hex`. */
  readonly hmacKey: (key: Uint8Array) => HmacKey
  /** HMAC-SHA256 of a string's UTF-8 encoding, as bytes: one step of signing-key derivation. */
  readonly hmacSha256: (key: string | Uint8Array, data: string) => Uint8Array
  /** Hex HMAC-SHA256 of a string's UTF-8 encoding with a prepared key: the signature. */
  readonly hmacSha256Hex: (key: HmacKey, data: string) => string
}
