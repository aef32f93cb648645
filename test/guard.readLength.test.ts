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
    const said = thrownMessage(new Error(`cannot parse body: ${"x y ".repeat(100_000)}`), [secret], 1200)
    expect(said.length).toBeLessThanOrEqual(1201)
    expect(said.length).toBeGreaterThan(1190)
    expect(said.endsWith("…")).toBe(true)
  })

  it("shows nothing of a credential it does not know that readLength cuts, though a known one before it is masked", () => {
    // Masked, the session token quoted first leaves room in what is shown for the cut that follows it.
    const unknown = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY"
    const message = `token ${secret}: ${"a ".repeat(562)}${unknown} after`
    const said = thrownMessage(new Error(message), [secret], 1200)
    expect(said).not.toContain(unknown.slice(0, 4))
    expect(said.endsWith(" …")).toBe(true)
  })

  it("hides a secret that readLength cuts: its beginning before the cut is redacted", () => {
    const lookedUp = "local.session~token:for@tests-0123456789"
    const message = `cannot parse body: ${"x ".repeat(585)}${lookedUp} and more`
    const said = thrownMessage(new Error(message), [lookedUp], 1200)
    expect(said).not.toContain("local.")
    expect(said.endsWith("<redacted>…")).toBe(true)
  })

  it("shows nothing of a percent-encoded credential it cuts, whose escapes the masking reads as one character each", () => {
    const piece = "Zx9Q%2FmP4v%2BTr7"
    const message = `${"a ".repeat(Math.floor((1200 - piece.length) / 2))}${encodeURIComponent("Zx9Q/mP4v+Tr7LwB2kNd8sHy3cFj6gRe1uAo5iKt")} end`
    const said = thrownMessage(new Error(message), [], 1200)
    expect(said).not.toContain("Zx9Q")
    expect(said.endsWith(" …")).toBe(true)
  })

  it("hides every secret within the part read, as without a read length", () => {
    const message = `token ${secret}, then ${encodeURIComponent(secret)}`
    expect(thrownMessage(new Error(message), [secret], 1200)).toBe(thrownMessage(new Error(message), [secret]))
    expect(thrownMessage(new Error(message), [secret], 1200)).not.toContain(secret)
  })
})
