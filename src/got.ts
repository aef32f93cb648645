/**
 * got, signed: a `beforeRequest` hook that signs each request as got sends
 * it, and `withSigner` to extend a got instance with it.
 *
 * Why a hook and not a `got.extend` handler: a handler runs once per call,
 * before got has made the request (the `json` and `form` options not yet
 * serialized, `prefixUrl` and `searchParams` not yet merged into the URL),
 * so it would have to serialize as got does, and every retry and redirect
 * would reuse its one signature. `beforeRequest` hooks run for every attempt
 * (retries and redirects included) on the final options: the URL with
 * `prefixUrl` and `searchParams`, got's headers (content-type and
 * content-length for `json`, `form` and `body`), and the serialized body. It
 * is the extension point got documents for signing requests.
 *
 * The hook signs method, URL, headers and body with an `ApiGatewaySigner`
 * (credentials resolved, clock offset applied, the URL rules of
 * `signer.fetch`), and sets them on the options: the signed URL, the signed
 * headers and the exact body bytes signed. A stream or `FormData` body is read
 * once, and the bytes read are sent. An `afterResponse` hook corrects the
 * signer's clock after a 403 for clock skew and sends the request once more.
 *
 * got is an optional peer dependency of this subpath only; this module
 * imports nothing of it at runtime.
 *
 * @since 3.0.0
 */
import type { AfterResponseHook, BeforeRequestHook, Got } from "got"
import type { ApiGatewaySigner } from "./ApiGatewaySigner.js"
import { checkSigner, correctClockSkew, orInvalidConfig, readOutgoing, signOutgoing } from "./internal/clientRequest.js"
import { attemptClock, type AttemptClock } from "./internal/clockSkew.js"
import { isGotOptions, OLD_GOT } from "./internal/clientVersions.js"
import { SIGNATURE_HEADERS } from "./internal/sigv4/signatureHeaders.js"
import { SigningError } from "./SigningError.js"
import { isAbortSignal, listen, stopListening } from "./internal/abort.js"
import { invalidRequest } from "./internal/signingErrors.js"

/** Where an attempt's hook notes the signature headers it set: a retry's options are a copy of the attempt's, signature included. */
const SIGNED_HEADERS: unique symbol = Symbol.for("api-gateway-request-signer/got/signedHeaders")
// The signer's clock as the request was signed (a refusal for skew is measured on it).
const SIGNED_ON: unique symbol = Symbol.for("api-gateway-request-signer/got/signedOn")
/** Set on the one request sent again after a refusal for clock skew. */
const CLOCK_CORRECTED = "apiGatewayRequestSignerClockCorrected"

type HeaderValues = Record<string, string | ReadonlyArray<string> | undefined>

/**
 * The signature headers an attempt set, for the next attempt to find and
 * remove. Their values (the session token among them) sit in a private field,
 * which no `inspect`, `JSON.stringify` or log of got's options or errors
 * shows: a copy in `options.context` would outlive the user's own redaction
 * of `options.headers`.
 */
class SignatureWritten {
  readonly #values: Readonly<Record<string, string>>
  constructor(values: Readonly<Record<string, string>>) {
    this.#values = values
  }
  /** Removes from `headers` each signature header that still has the value this attempt wrote. */
  removeFrom(headers: HeaderValues): void {
    for (const name in this.#values) if (headers[name] === this.#values[name]) delete headers[name]
  }
}

/**
 * `sign(signal)`, bounded by got's `timeout.request`: got starts that timer
 * once the hooks have run, so a body stream that stalls while the hook reads
 * it, or a credentials provider that hangs, would otherwise hold the call for
 * good. Fails as got's own timeout does (code `ETIMEDOUT`, got's wording),
 * and releases a stream body nothing else will read. (got hears its `signal`
 * itself.) `signal` is aborted by that timeout or got's `signal`: a signature
 * waiting on a provider stops waiting, and its timer no longer holds the
 * process.
 */
const withinRequestTimeout = <A>(options: Parameters<BeforeRequestHook>[0], sign: (signal: AbortSignal) => Promise<A>): Promise<A> => {
  const stopped = new AbortController()
  const stop = () => stopped.abort()
  const given = isAbortSignal(options.signal) ? options.signal : undefined
  if (given?.aborted === true) stop()
  else if (given !== undefined) listen(given, stop)
  let timer: ReturnType<typeof setTimeout> | undefined
  const done = () => {
    clearTimeout(timer)
    if (given !== undefined) stopListening(given, stop)
  }
  const limit: unknown = (options.timeout as { request?: unknown } | undefined)?.request
  if (typeof limit !== "number" || !(limit > 0) || !Number.isFinite(limit)) return sign(stopped.signal).finally(done)
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stop()
      reject(Object.assign(new Error(`Timeout awaiting 'request' for ${limit}ms`), { name: "TimeoutError", code: "ETIMEDOUT", event: "request" }))
      const body = options.body as { destroy?: unknown } | undefined
      if (typeof body === "object" && body !== null && typeof body.destroy === "function") (body.destroy as () => void).call(body)
    }, limit)
  })
  return Promise.race([sign(stopped.signal), timedOut]).finally(done)
}

/**
 * A `beforeRequest` hook that signs each attempt with `signer`. Put it last
 * among the `beforeRequest` hooks: a hook after it that changes the request
 * breaks the signature. `withSigner` adds it for you.
 *
 * Requests go where `signer.fetch` sends: the URL (with `prefixUrl`) must lie
 * under the signer's endpoint, or the request fails before anything is sent;
 * the same holds for each redirect, which is signed for where it leads. A
 * request that cannot be signed fails as any hook's failure does in got: a
 * `RequestError` whose `cause` is the `SigningError` saying what is wrong
 * (got releases whose `RequestError` keeps no `cause`, 14.0 among them,
 * carry its message only).
 *
 * @example
 * ```ts
 * import got from "got"
 * import ApiGatewaySigner from "api-gateway-request-signer"
 * import { signingHook } from "api-gateway-request-signer/got"
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
 * const pets = await got("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", {
 *   hooks: { beforeRequest: [signingHook(signer)] }
 * }).json()
 * ```
 *
 * @since 3.0.0
 * @category hooks
 */
export const signingHook = (signer: ApiGatewaySigner): BeforeRequestHook => {
  const checked = checkSigner(signer, "signingHook(signer)")
  return async (options) => {
    if (!isGotOptions(options)) throw new SigningError({ reason: "InvalidConfig", message: OLD_GOT })
    const context = options.context as Record<PropertyKey, unknown>
    const headers = options.headers as HeaderValues
    // An earlier attempt's signature (a retry or a redirect copies its options): removed, to sign afresh.
    const previous = context[SIGNED_HEADERS]
    if (previous instanceof SignatureWritten) previous.removeFrom(headers)
    if (options.username !== "" || options.password !== "") {
      throw invalidRequest(
        "headers",
        "The request has got's username or password (HTTP Basic), which would replace the signature's Authorization header; remove them."
      )
    }
    if (!(options.url instanceof URL)) {
      throw invalidRequest("path", "The request has no URL to sign; pass one (with prefixUrl, a path under it).")
    }
    const signed = await withinRequestTimeout(options, async (signal) => {
      const read = await readOutgoing({
        method: options.method,
        url: options.url!.href,
        headers: Object.entries(headers).filter(([, value]) => value !== undefined),
        body: options.body
      })
      return signOutgoing(checked, read, signal)
    })
    // In place: got 14.0's url setter prefixes prefixUrl to any URL, absolute ones included.
    options.url.href = signed.url
    for (const name in signed.headers) headers[name] = signed.headers[name]
    // Always set, no body included: got clears the body headers (content-type, content-language, ...) of a request
    // whose hook moved it to another origin (sendTo) unless the hook set the body too, and those headers are signed.
    options.body = signed.body === undefined ? undefined : Buffer.from(signed.body.buffer, signed.body.byteOffset, signed.body.byteLength)
    // The body's length, now known: got 14 frames a body by the headers it set before the hooks ran, and for one it could
    // not measure (a stream, a generator) it set none, so a DELETE or OPTIONS body went out unframed (got 16 sets it itself).
    if (signed.body !== undefined && headers["transfer-encoding"] === undefined) headers["content-length"] = String(signed.body.byteLength)
    const written: Record<string, string> = {}
    for (const name of SIGNATURE_HEADERS) if (signed.headers[name] !== undefined) written[name] = signed.headers[name]
    context[SIGNED_HEADERS] = new SignatureWritten(written)
    context[SIGNED_ON] = signed.clock
  }
}

/**
 * An `afterResponse` hook: after API Gateway's 403 for clock skew, moves the
 * signer's clock by the skew it states and sends the request once more
 * (signed afresh by `signingHook`), as the facade's own methods do.
 *
 * @since 3.0.0
 * @category hooks
 */
export const clockSkewHook = (signer: ApiGatewaySigner): AfterResponseHook => {
  const checked = checkSigner(signer, "clockSkewHook(signer)")
  return (response, retryWithMergedOptions) => {
    const context = response.request.options.context as Record<PropertyKey, unknown>
    // The clock this response's request was signed on (by signingHook); the clock now if another hook signed it.
    const signedOn = (context[SIGNED_ON] as AttemptClock | undefined) ?? attemptClock(Date.now(), checked.clockOffset)
    if (context[CLOCK_CORRECTED] !== true && correctClockSkew(checked, response, signedOn)) {
      return retryWithMergedOptions({ context: { [CLOCK_CORRECTED]: true } })
    }
    return response
  }
}

/**
 * A got instance that signs every request with `signer`: `instance.extend`
 * with `signingHook` (after the instance's own `beforeRequest` hooks) and
 * `clockSkewHook`. Hooks given to a single request run after the signing
 * one: give the instance the hooks that change requests before calling this.
 *
 * @example
 * ```ts
 * import got from "got"
 * import ApiGatewaySigner from "api-gateway-request-signer"
 * import { withSigner } from "api-gateway-request-signer/got"
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
 * const api = withSigner(got.extend({ prefixUrl: signer.endpoint }), signer)
 * const pet = await api.post("pets", { json: { name: "Rex" }, searchParams: { notify: "yes" } }).json()
 * ```
 *
 * @since 3.0.0
 * @category constructors
 */
export const withSigner = (instance: Got, signer: ApiGatewaySigner): Got => {
  const takes = "withSigner(instance, signer) takes a got instance, e.g. got or got.extend({ prefixUrl })."
  const extend = typeof instance !== "function" ? undefined
    : orInvalidConfig(() => (instance as Partial<Got>).extend, "withSigner(instance, signer): instance.extend could not be read", takes)
  if (typeof extend !== "function") throw new SigningError({ reason: "InvalidConfig", message: takes })
  const defaults = orInvalidConfig(() => instance.defaults?.options, "withSigner(instance, signer): instance.defaults.options could not be read", takes)
  if (!isGotOptions(defaults)) throw new SigningError({ reason: "InvalidConfig", message: OLD_GOT })
  return instance.extend({ hooks: { beforeRequest: [signingHook(signer)], afterResponse: [clockSkewHook(signer)] } })
}
