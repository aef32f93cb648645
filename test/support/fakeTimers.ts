/**
 * The facade's delays on fake timers: Date and setTimeout faked from a fixed
 * time, and the jitter held at its midpoint (80-120%), so that each delay is
 * exactly base * 2^n. Call inside a `describe`.
 */
import { afterEach, beforeEach, vi } from "@effect/vitest"

export const useFakeTimersAtMidpointJitter = (): void => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) })
    vi.spyOn(Math, "random").mockReturnValue(0.5)
  })
  afterEach(() => {
    // Real timers first: restoring a spy of a timer function (any file's, in a shared worker) under fake timers
    // would put the real one back beneath them, and their uninstall would then delete it from globalThis.
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
}
