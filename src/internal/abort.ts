/**
 * @internal
 */

/** What an aborted operation rejects with: the signal's reason, else an AbortError as fetch uses. */
export const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException("This operation was aborted", "AbortError")
