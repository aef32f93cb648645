/**
 * A secret string that no print, log or serialization shows: the signing
 * core's counterpart of Effect's `Redacted`, for code that must not load
 * Effect. Its identity also keys the signing-key cache, so no map anywhere
 * holds a secret's text as a key.
 *
 * @internal
 */
import { REDACTED } from "./scrub.js"

export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  /** The secret's text: read it only to sign or compare, never to show. */
  static reveal(secret: Secret): string {
    return secret.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  // Node's util.inspect hook, by its registered name (no import of node:util).
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED
  }
}
