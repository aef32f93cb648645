/**
 * Task 1, line 6 of the canonical request: the hex SHA-256 of the payload.
 *
 * @internal
 */
import { sha256Hex as hash } from "#crypto"

/** SHA-256 of the empty payload: every GET without a body signs this. */
export const EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/** The payload hash of a request whose body is not signed (presigned URLs of S3, streaming). */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

/** Hex SHA-256 of a payload: a string is hashed as its UTF-8 bytes. */
export const sha256Hex = (payload: string | Uint8Array): string =>
  payload.length === 0 ? EMPTY_PAYLOAD_HASH : hash(payload)

const HEX_SHA256 = /^[0-9a-f]{64}$/

/** True when a value can stand as the payload hash of a canonical request. */
export const isPayloadHash = (value: string): boolean =>
  value === UNSIGNED_PAYLOAD || HEX_SHA256.test(value)
