/**
 * The `RequestError` a retry loop ends with, the same from both loops: the
 * number of attempts, the last failure as `cause`, and a message and summary
 * with every secret used for signing, and any presigned URL's credentials
 * (`X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`), scrubbed out;
 * what the failure says is the caller's code's, and may quote a secret never
 * used here, so a run that may be a credential is shown by its length.
 *
 * @internal
 */
import { type FailureSummary, RequestError } from "../../RequestError.js"
import { describeFailure, summarizeFailure } from "./failureSummary.js"
import { scrubForeignText as scrub } from "../scrub.js"

const scrubSummary = (summary: FailureSummary, secrets: Iterable<string>): FailureSummary => ({
  ...summary,
  ...(summary.name === undefined ? {} : { name: scrub(summary.name, secrets) }),
  ...(summary.message === undefined ? {} : { message: scrub(summary.message, secrets) })
})

/** `retryable`: whether the policy would have retried this failure had attempts remained. */
export const giveUp = <E>(failure: E, attempts: number, retryable: boolean, secrets: Iterable<string>): RequestError<E> =>
  new RequestError<E>({
    reason: retryable ? "RetriesExhausted" : "NotRetryable",
    attempts,
    cause: failure,
    message: scrub(
      `${retryable ? "Request failed after" : "Request failed, not retryable, after"} ${attempts} attempt${
        attempts === 1 ? "" : "s"
      }: ${describeFailure(failure)}`,
      secrets
    ),
    causeSummary: scrubSummary(summarizeFailure(failure), secrets)
  })

/** What a debug log line says of a failed attempt. */
export const describeAttemptFailure = (failure: unknown, secrets: Iterable<string>): string =>
  scrub(describeFailure(failure), secrets)
