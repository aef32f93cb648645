/**
 * The spans the Effect API adds to a user's traces: one per signature
 * (`Signer.sign`, `Signer.presign`), one per retry attempt (`Retry.attempt`)
 * and one around a whole retried request (`Retry.makeRequestWithRetries`).
 * Their attributes say what was signed and how it went: the method, the path
 * as sent on the wire (`url.path`, as OpenTelemetry means it: with the stage,
 * percent-encoded, without the query, which may carry anything), the region
 * and service, the attempt number, and the outcome. Never a credential, a
 * token or a signature.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Tracer from "effect/Tracer"

export const SPAN_SIGN = "Signer.sign"
export const SPAN_PRESIGN = "Signer.presign"
export const SPAN_ATTEMPT = "Retry.attempt"
export const SPAN_REQUEST_WITH_RETRIES = "Retry.makeRequestWithRetries"

/** How a traced operation ended: `success`, `failure` (the error's `_tag`, e.g. `SigningError`, goes in `error.type`), or `interrupted`. */
const outcome = (exit: Exit.Exit<unknown, unknown>): Record<string, string> => {
  if (Exit.isSuccess(exit)) return { outcome: "success" }
  if (Exit.isInterrupted(exit)) return { outcome: "interrupted" }
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  const tag = typeof failure === "object" && failure !== null ? (failure as { _tag?: unknown })._tag : undefined
  return { outcome: "failure", ...(typeof tag === "string" ? { "error.type": tag } : {}) }
}

/**
 * The attributes of a request to sign, before it is prepared: its method.
 * Not its path: the caller's path is not the path sent (no stage, not
 * encoded), and `url.path` means the one sent in every span; `withWirePath`
 * sets it once it is known. Reads nothing that can throw.
 */
export const methodAttributes = (request: unknown): Record<string, string> => {
  try {
    const { method } = request as { readonly method?: unknown }
    return typeof method === "string" ? { "http.request.method": method.toUpperCase() } : {}
  } catch {
    // A hostile request (a getter that throws) gets its SigningError from signing; the span goes without.
    return {}
  }
}

// Effect's built-in tracer, in place until a program installs one (OpenTelemetry's, say): it exports nothing.
const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/** Whether `traced` makes spans in `fiber`: a tracer other than Effect's built-in one is installed. */
const isTracing = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  Context.get(fiber.currentDefaultServices, Tracer.Tracer) !== builtInTracer

/**
 * `effect`, after the current span's `url.path` is set to `wirePath`: for
 * `effect` run inside a span `traced` opened before the request was prepared
 * (`Signer.signRequest`'s). Nothing when there is no such span.
 */
export const withWirePath = <A, E, R>(
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  wirePath: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => isTracing(fiber) ? Effect.zipRight(Effect.annotateCurrentSpan("url.path", wirePath), effect) : effect

/**
 * `effect` inside a span named `name`, with `attributes` and, at the end,
 * its outcome. Only when a tracer is installed: under Effect's built-in one,
 * which exports nothing, a span would cost as much as the signature it
 * wraps (measured with `npm run bench`), so there is none.
 */
export const traced = <A, E, R>(
  name: string,
  attributes: Readonly<Record<string, unknown>>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) =>
    isTracing(fiber)
      ? Effect.withSpan(
        Effect.onExit(effect, (exit) => Effect.annotateCurrentSpan(outcome(exit))),
        name,
        { attributes, kind: "internal" }
      )
      : effect
  )
