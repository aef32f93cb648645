/**
 * Sending a request: each attempt signed afresh by `Retry`, sent through the
 * transport, transient answers (408, 425, 429, 5xx) read and retried up to
 * `--retries` times; `-v` shows each attempt.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { RequestError } from "../RequestError.js"
import * as Retry from "../Retry.js"
import type { RequestToSign, SignedRequest } from "../SignedRequest.js"
import type * as Signer from "../Signer.js"
import { describeError, RuntimeFailure } from "./exitCodes.js"
import { headerLines, printDetails } from "./exchange.js"
import type { Console, Io } from "./output.js"
import { run } from "./run.js"
import type { Signing } from "./signing.js"
import { buffer, BufferedResponse, fetchTransport, nodeHttpTransport, whyNotFetch } from "./transport.js"

export interface Sent {
  /** The last response: as it came, or read in full when it was transient. */
  readonly response: Response | BufferedResponse
  /** What the last attempt was signed from. */
  readonly details: Signer.SignedRequestWithDetails | undefined
}

export const sendRequest = async (
  request: RequestToSign,
  options: { readonly retries: number; readonly verbose: boolean },
  signing: Signing,
  io: Io,
  console: Console
): Promise<Sent> => {
  const viaFetch = fetchTransport(io.fetch ?? globalThis.fetch)
  let details: Signer.SignedRequestWithDetails | undefined
  const send = (signed: SignedRequest, { attempt, ...signedFrom }: Retry.Attempt) =>
    Effect.gen(function*() {
      details = { request: signed, ...signedFrom }
      const notFetch = whyNotFetch(signed)
      if (options.verbose) {
        if (options.retries > 0) console.err(`* attempt ${attempt} of ${options.retries + 1}\n`)
        printDetails(console, details, signing.hasSessionToken)
        if (notFetch !== undefined && attempt === 1) console.err(`* sent through node:http, since ${notFetch}\n`)
      }
      const transport = notFetch === undefined ? viaFetch : nodeHttpTransport
      const response = yield* Effect.tryPromise({ try: (signal) => transport(signed, signal), catch: (error) => error })
      if (options.verbose) console.err(headerLines("< ", response.status, response.statusText, response.headers) + "<\n")
      if (!Retry.isTransient(response)) return response
      // Read it now: a retry replaces it, and after the last attempt it is what gets printed.
      return yield* Effect.fail(yield* Effect.tryPromise({ try: (signal) => buffer(response, signal), catch: (error) => error }))
    })

  try {
    const response = await run(
      signing.provide(Retry.makeRequestWithRetries(request, send, { times: options.retries, while: Retry.isTransient })),
      io.signal
    )
    return { response, details }
  } catch (error) {
    if (!(error instanceof RequestError)) throw error
    if (error.cause instanceof BufferedResponse) return { response: error.cause, details }
    const attempts = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ""
    throw new RuntimeFailure(describeError(error.cause) + attempts)
  }
}
