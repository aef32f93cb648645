/**
 * Task 3: the signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
 *
 * @internal
 */
import { type HmacKey, hmacKey, hmacSha256 } from "#crypto"
import { Secret } from "../secret.js"

/** Derives a signing key. Four HMACs: the reason the result is cached. */
export const deriveSigningKey = (
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string
): Uint8Array => {
  const dateKey = hmacSha256("AWS4" + secretAccessKey, dateStamp)
  const regionKey = hmacSha256(dateKey, region)
  const serviceKey = hmacSha256(regionKey, service)
  return hmacSha256(serviceKey, "aws4_request")
}

/**
 * How many scopes (day, region, service) each secret keeps a key for: one key
 * used in every commercial region in turn (about 30) still derives each key
 * once a day. (With 4, a key used in 5 regions in turn derived one on every
 * signature: four HMACs more each time.)
 */
export const SCOPES_PER_SECRET = 32

interface CachedKey {
  readonly dateStamp: string
  readonly region: string
  readonly service: string
  readonly key: HmacKey
}

/**
 * Keys are cached per `Secret` object, never by the secret's text: no map
 * anywhere holds a secret as a key, and no hashing is needed to look one up.
 * The cache is bounded twice: each secret keeps its last few scopes, and a
 * secret's keys go when the garbage collector takes its `Secret` wrapper.
 */
const keysBySecret = new WeakMap<Secret, Array<CachedKey>>()

/**
 * The signing key for `secretAccessKey` on `dateStamp` in `region` and
 * `service`, derived once a day per region and service, and prepared for HMAC.
 */
export const signingKey = (
  secretAccessKey: Secret,
  dateStamp: string,
  region: string,
  service: string
): HmacKey => {
  let cached = keysBySecret.get(secretAccessKey)
  if (cached === undefined) {
    cached = []
    keysBySecret.set(secretAccessKey, cached)
  }
  // Compared part by part: a scope string joined on every signature cost a concatenation and its flattening.
  for (let i = 0; i < cached.length; i++) {
    const entry = cached[i]!
    if (entry.dateStamp === dateStamp && entry.region === region && entry.service === service) return entry.key
  }
  const key = hmacKey(deriveSigningKey(Secret.reveal(secretAccessKey), dateStamp, region, service))
  cached.unshift({ dateStamp, region, service, key })
  if (cached.length > SCOPES_PER_SECRET) cached.length = SCOPES_PER_SECRET
  return key
}
