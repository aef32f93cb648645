/**
 * Task 3: the signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
 *
 * @internal
 */
import { createHmac, createSecretKey, type KeyObject } from "node:crypto"
import * as Redacted from "effect/Redacted"

/** Derives a signing key. Four HMACs: the reason the result is cached. */
export const deriveSigningKey = (
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string
): Buffer => {
  const dateKey = createHmac("sha256", "AWS4" + secretAccessKey).update(dateStamp).digest()
  const regionKey = createHmac("sha256", dateKey).update(region).digest()
  const serviceKey = createHmac("sha256", regionKey).update(service).digest()
  return createHmac("sha256", serviceKey).update("aws4_request").digest()
}

/** How many scopes (day, region, service) each secret keeps a key for. */
const SCOPES_PER_SECRET = 4

interface CachedKey {
  readonly scope: string
  /** A KeyObject: an HMAC set up from one is cheaper than from a Buffer, which is copied each time. */
  readonly key: KeyObject
}

/**
 * Keys are cached per `Redacted` secret object, never by the secret's text: no
 * map anywhere holds a secret as a key, and no hashing is needed to look one up.
 * The cache is bounded twice: each secret keeps its last few scopes, and a
 * secret's keys go when the garbage collector takes its `Redacted` wrapper.
 */
const keysBySecret = new WeakMap<Redacted.Redacted<string>, Array<CachedKey>>()

/**
 * The signing key for `secretAccessKey` in `scope` (`YYYYMMDD/region/service`),
 * derived once a day per region and service.
 */
export const signingKey = (
  secretAccessKey: Redacted.Redacted<string>,
  scope: string,
  dateStamp: string,
  region: string,
  service: string
): KeyObject => {
  let cached = keysBySecret.get(secretAccessKey)
  if (cached === undefined) {
    cached = []
    keysBySecret.set(secretAccessKey, cached)
  }
  for (let i = 0; i < cached.length; i++) {
    if (cached[i]!.scope === scope) return cached[i]!.key
  }
  const key = createSecretKey(deriveSigningKey(Redacted.value(secretAccessKey), dateStamp, region, service))
  cached.unshift({ scope, key })
  if (cached.length > SCOPES_PER_SECRET) cached.length = SCOPES_PER_SECRET
  return key
}
