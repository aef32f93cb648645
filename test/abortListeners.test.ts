/**
 * One listener per signal dispatches to every call waiting on it: a waiter
 * whose callback throws must not keep the others (or itself) from hearing the abort.
 */
import { describe, expect, it } from "@effect/vitest"
import { listen } from "../src/internal/abort.js"

describe("a signal's abort", () => {
  it("reaches every waiter even when one waiter's callback throws", () => {
    const controller = new AbortController()
    const heard: Array<string> = []
    listen(controller.signal, () => {
      heard.push("first")
      throw new Error("a waiter that throws")
    })
    listen(controller.signal, () => heard.push("second"))
    controller.abort()
    expect(heard).toEqual(["first", "second"])
  })
})
