/**
 * The spans the Effect API adds to a user's traces: one per signature
 * (`Signer.sign`, `Signer.presign`), one per retry attempt (`Retry.attempt`)
 * and one around a whole retried request (`Retry.makeRequestWithRetries`).
 * Their attributes say what was signed and how it went: the method, the path
 * without its query (a query may carry anything), the region and service,
 * the attempt number, and the outcome. Never a credential, a token or a
 * signature.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
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

/** The attributes of a request to sign: its method and path, without the query. Reads nothing that can throw. */
export const requestAttributes = (request: unknown): Record<string, string> => {
  const attributes: Record<string, string> = {}
  try {
    const { method, path } = request as { readonly method?: unknown; readonly path?: unknown }
    if (typeof method === "string") attributes["http.request.method"] = method.toUpperCase()
    if (typeof path === "string") {
      const end = path.search(/[?#]/)
      attributes["url.path"] = end === -1 ? path : path.slice(0, end)
    }
  } catch {
    // A hostile request (a getter that throws) gets its SigningError from signing; the span goes without.
  }
  return attributes
}

// Effect's built-in tracer, in place until a program installs one (OpenTelemetry's, say): it exports nothing.
const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

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
    Context.get(fiber.currentDefaultServices, Tracer.Tracer) === builtInTracer
      ? effect
      : Effect.withSpan(
        Effect.onExit(effect, (exit) => Effect.annotateCurrentSpan(outcome(exit))),
        name,
        { attributes, kind: "internal" }
      )
  )
