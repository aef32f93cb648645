/**
 * `thrownMessage` with a read length: what a gateway's handler threw may
 * quote megabytes a client sent, with hundreds of secrets to look for; only
 * the beginning that can be shown is scrubbed, and a secret cut there is
 * still hidden.
 */
import { describe, expect, it } from "@effect/vitest"
import { thrownMessage } from "../src/internal/guard.js"

const secret = "FwoGZXIvYXdzEJr//////////wEaDLocalTestSessionToken0123456789"

describe("thrownMessage(error, secrets, readLength)", () => {
  it("reads only readLength characters of the message, and says it was cut", () => {
    const said = thrownMessage(new Error(`cannot parse body: ${"x".repeat(100_000)}`), [secret], 1200)
    expect(said).toHaveLength(1201)
    expect(said.endsWith("…")).toBe(true)
  })

  it("hides a secret that readLength cuts: its beginning before the cut is redacted", () => {
    const message = `cannot parse body: ${"x".repeat(1170)}${secret} and more`
    const said = thrownMessage(new Error(message), [secret], 1200)
    expect(said).not.toContain(secret.slice(0, 8))
    expect(said).toContain("<redacted>")
  })

  it("hides every secret within the part read, as without a read length", () => {
    const message = `token ${secret}, then ${encodeURIComponent(secret)}`
    expect(thrownMessage(new Error(message), [secret], 1200)).toBe(thrownMessage(new Error(message), [secret]))
    expect(thrownMessage(new Error(message), [secret], 1200)).not.toContain(secret)
  })
})
