/**
 * axios, signed: an adapter that signs each request exactly as axios sends
 * it, through axios's public extension points only (so it survives axios
 * upgrades). axios runs its own pipeline first (interceptors, headers merged
 * from the instance's defaults, `transformRequest` serialization); the
 * adapter then takes the final URL from `axios.getUri(config)` (`baseURL`,
 * `url` and `params` as axios combines them), signs method, URL, headers and
 * the serialized body with an `ApiGatewaySigner` (credentials resolved,
 * clock offset applied), and has the adapter it wraps (`axios.getAdapter`:
 * Node's http, the fetch adapter, XHR) send exactly that: the signed URL
 * with its query (no `params` appended again), the signed headers, the body
 * bytes signed, and no redirect followed. A 403 for clock skew corrects the
 * signer's clock and the request is signed and sent once more.
 *
 * axios is an optional peer dependency of this subpath only.
 *
 * @since 3.0.0
 */
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from "axios"
import type { ApiGatewaySigner } from "./ApiGatewaySigner.js"
import type { AttemptClock } from "./internal/clockSkew.js"
import { checkSigner, correctClockSkew, orInvalidConfig, readOutgoing, type SignedOutgoingRequest, signOutgoing } from "./internal/clientRequest.js"
import { unsupportedAxios } from "./internal/clientVersions.js"
import { listen, stopListening } from "./internal/abort.js"
import { safely } from "./internal/guard.js"
import { describe } from "./internal/request/describe.js"
import { looksLikeCredential, REDACTED } from "./internal/scrub.js"
import { AUTHORIZATION, isSignatureHeader, X_AMZ_SECURITY_TOKEN } from "./internal/sigv4/signatureHeaders.js"
import { SigningError } from "./SigningError.js"
import { invalidRequest } from "./internal/signingErrors.js"

/**
 * Options of `signedAdapter`.
 *
 * @since 3.0.0
 * @category models
 */
export interface SignedAdapterOptions {
  /**
   * The adapter that sends the signed request: a name (`"http"`, `"fetch"`,
   * `"xhr"`), a list of them (the first the runtime supports), or an adapter
   * function. Default: `axios.defaults.adapter` (XHR in browsers, Node's
   * http module in Node). Anything else (a string that cannot be an adapter
   * name, an empty list, an object) is refused with a `SigningError`
   * (`InvalidConfig`) when the adapter is made.
   */
  readonly adapter?: AxiosRequestConfig["adapter"] | undefined
}

const SIGNED_ADAPTER: unique symbol = Symbol.for("api-gateway-request-signer/axios/signedAdapter")

/**
 * Where the config an attempt was sent with notes the Authorization it
 * carried: a config sent again (axios-retry sends `error.config` again) still
 * holds that attempt's signature headers, which are removed to sign afresh.
 */
const SIGNED_WITH = "apiGatewaySignedAuthorization"

/**
 * The headers axios is about to send, as name and value pairs (an
 * `AxiosHeaders`, or a plain object an interceptor left), without the
 * signature headers of an earlier attempt sent with this config.
 */
const headerEntries = (config: InternalAxiosRequestConfig): Array<readonly [string, unknown]> => {
  const headers: unknown = config.headers
  if (headers === undefined || headers === null) return []
  const plain = typeof (headers as { toJSON?: unknown }).toJSON === "function"
    ? (headers as { toJSON: (asStrings?: boolean) => Record<string, unknown> }).toJSON(true)
    : headers as Record<string, unknown>
  // axios uses `false` for "do not send this header".
  const entries = Object.entries(plain).filter(([, value]) => value !== false)
  const signedWith = (config as { [SIGNED_WITH]?: unknown })[SIGNED_WITH]
  const resent = signedWith !== undefined && entries.some(([name, value]) => name.toLowerCase() === "authorization" && value === signedWith)
  return resent ? entries.filter(([name]) => !isSignatureHeader(name.toLowerCase())) : entries
}

/** Once a request is sent: its config (in the response or the error) no longer shows the session token. */
const redactToken = (config: InternalAxiosRequestConfig): void => {
  const headers = config.headers as unknown as Record<string, string>
  if (headers[X_AMZ_SECURITY_TOKEN] !== undefined) headers[X_AMZ_SECURITY_TOKEN] = REDACTED
}

/** A signed body as every axios adapter sends it untouched: an ArrayBuffer holding exactly the signed bytes. */
const axiosData = (body: Uint8Array<ArrayBuffer> | undefined): ArrayBuffer | undefined =>
  body === undefined ? undefined
  : body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body.buffer
  : body.slice().buffer

/** Releases a response that will not be returned (a stream body would hold its connection). */
const discard = (response: AxiosResponse | undefined): void => {
  const data: unknown = response?.data
  if (typeof data !== "object" || data === null) return
  if (typeof (data as { destroy?: unknown }).destroy === "function") (data as { destroy: () => void }).destroy()
  else if (typeof ReadableStream !== "undefined" && data instanceof ReadableStream) data.cancel().catch(() => undefined)
}

/** The config the wrapped adapter gets: the signed request, nothing left for it to add to the URL or follow. */
const sendingConfig = (config: InternalAxiosRequestConfig, signed: SignedOutgoingRequest): InternalAxiosRequestConfig => {
  const fetchOptions = config.fetchOptions
  const sending: InternalAxiosRequestConfig = {
    ...config,
    url: signed.url,
    method: signed.method,
    headers: signed.headers as unknown as InternalAxiosRequestConfig["headers"],
    data: axiosData(signed.body),
    // A redirect cannot carry a valid signature, and following one would hand the session token to whoever it names.
    maxRedirects: 0,
    fetchOptions: { ...(typeof fetchOptions === "object" && fetchOptions !== null ? fetchOptions : {}), redirect: "manual" },
    [SIGNED_WITH]: signed.headers[AUTHORIZATION]
  } as InternalAxiosRequestConfig
  // The signed URL is final: no base to prefix, no params to append again.
  delete sending.baseURL
  delete sending.params
  return sending
}

/** What the `adapter` option takes, as messages say it. */
/** A Node stream the signer was reading, released when the request is cancelled (nothing else will read it). */
const releaseBody = (body: unknown): void => {
  if (typeof body !== "object" || body === null) return
  const stream = body as { destroy?: unknown; pipe?: unknown }
  if (typeof stream.destroy === "function" && typeof stream.pipe === "function") (stream.destroy as () => void).call(body)
}

/** How a request is cancelled before the wrapped adapter, which hears it itself, has started. */
interface Cancellation {
  /** What `work` gives, unless the request is cancelled first: then axios's error for it. */
  readonly race: <A>(work: Promise<A>) => Promise<A>
  /** The signer's part is over (the send begins, or the call ends): from here the timeout is the adapter's. */
  readonly endTimeout: () => void
  /** Aborted when the request is cancelled: a signature waiting for credentials stops waiting. */
  readonly signal: AbortSignal
}

/**
 * Hears what cancels a request in axios (its `signal`, its `cancelToken`,
 * its `timeout`) while the signer reads the body and resolves credentials,
 * before the adapter that hears them has started: a stalled body stream or
 * credentials provider would otherwise hold the call forever. Each rejects
 * with the error axios gives for it.
 */
const cancellationOf = (config: InternalAxiosRequestConfig): Cancellation => {
  let cancel: (reason: unknown) => void = () => undefined
  const stopped = new AbortController()
  const cancelled = new Promise<never>((_, reject) => {
    cancel = (reason) => {
      reject(reason)
      stopped.abort(reason)
      releaseBody(config.data)
    }
  })
  cancelled.catch(() => undefined)
  const given = config.signal
  const signal = given !== undefined && given !== null && typeof given.addEventListener === "function" ? given as AbortSignal : undefined
  const onAbort = () => cancel(new axios.CanceledError(undefined, config))
  const token = config.cancelToken
  const subscribes = token !== undefined && token !== null && typeof token.subscribe === "function"
  // Heard only while the signer's own work runs (one listener per signal, shared: internal/abort.ts), never while the
  // wrapped adapter, which hears them itself, sends: a signal shared by many requests keeps one listener per request.
  const hear = () => {
    if (signal !== undefined) {
      if (signal.aborted === true) onAbort()
      else listen(signal, onAbort)
    }
    if (subscribes) token.subscribe(cancel)
  }
  const unhear = () => {
    if (signal !== undefined) stopListening(signal, onAbort)
    if (subscribes) {
      try {
        token.unsubscribe(cancel)
      } catch {
        // A listener left behind: it rejects a promise no one waits on.
      }
    }
  }
  // Read as axios's http adapter reads it: a whole number of milliseconds, from a number or a numeric string
  // (`timeout: process.env.TIMEOUT`); one it cannot read fails the request at once, with its error.
  const timeout: unknown = config.timeout
  const millis = timeout ? safely(() => parseInt(String(timeout), 10), Number.NaN) : 0
  let timer: ReturnType<typeof setTimeout> | undefined
  if (Number.isNaN(millis)) {
    cancel(new axios.AxiosError("error trying to parse `config.timeout` to int", axios.AxiosError.ERR_BAD_OPTION_VALUE, config))
  } else if (millis > 0) {
    const message = typeof config.timeoutErrorMessage === "string" && config.timeoutErrorMessage !== ""
      ? config.timeoutErrorMessage
      : `timeout of ${String(timeout)}ms exceeded`
    const code = config.transitional?.clarifyTimeoutError === true ? axios.AxiosError.ETIMEDOUT : axios.AxiosError.ECONNABORTED
    timer = setTimeout(() => cancel(new axios.AxiosError(message, code, config)), millis)
  }
  return {
    race: (work) => {
      hear()
      return Promise.race([work, cancelled]).finally(unhear)
    },
    endTimeout: () => {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
    },
    signal: stopped.signal
  }
}

/**
 * The content type a non-empty Blob without a type goes as: `application/octet-stream`, over whatever was given
 * with axios's http adapter (as it sends it); with the fetch and XHR adapters, which send the Content-Type given,
 * only over none or axios's default form type.
 */
const typelessBlobType = (send: unknown, headers: ReadonlyArray<readonly [string, unknown]>): string | undefined => {
  let http = false
  try {
    http = send === axios.getAdapter("http")
  } catch {
    // No http adapter in this build (browsers).
  }
  const given = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1]
  return http || given === undefined || given === null || /^\s*application\/x-www-form-urlencoded\b/i.test(String(given))
    ? "application/octet-stream"
    : undefined
}

const ADAPTERS = "an adapter name (\"fetch\", \"http\", \"xhr\"), a list of them, or an adapter function"

/**
 * What an adapter name may look like. axios quotes a name it does not know in
 * its error ("Unknown adapter '...'"), at every request: so a string that
 * cannot be a name (a secret passed in the wrong place among them) is refused
 * here, once, without being shown. Which names exist is left to axios, which
 * resolves them per request.
 */
const ADAPTER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/

const isAdapterChoice = (value: unknown): boolean =>
  typeof value === "function" || (typeof value === "string" && ADAPTER_NAME.test(value) && !looksLikeCredential(value))

/**
 * The adapter a signed adapter wraps, as axios resolves it (`axios.getAdapter`):
 * `undefined` or `null` (axios's default), a name, a non-empty list of names
 * and functions, or a function. Anything else is refused with an InvalidConfig
 * naming `what`: axios would fail every request with it, quoting the value, or
 * with a TypeError.
 */
const checkAdapter = (adapter: unknown, what: string): AxiosRequestConfig["adapter"] | undefined =>
  orInvalidConfig(() => {
    const refuse = (got: unknown): never => {
      throw new SigningError({ reason: "InvalidConfig", message: `${what} must be ${ADAPTERS}; got ${describe(got)}.` })
    }
    if (adapter === undefined || adapter === null) return undefined
    if (!Array.isArray(adapter)) return isAdapterChoice(adapter) ? adapter as AxiosRequestConfig["adapter"] : refuse(adapter)
    const items: ReadonlyArray<unknown> = [...adapter]
    if (items.length === 0) {
      throw new SigningError({ reason: "InvalidConfig", message: `${what} is an empty list, with which axios can send nothing; pass ${ADAPTERS}.` })
    }
    const bad = items.findIndex((item) => !isAdapterChoice(item))
    return bad === -1 ? items as AxiosRequestConfig["adapter"] : refuse(items[bad])
  }, `${what} could not be read`, `pass ${ADAPTERS}.`)

/**
 * An axios adapter that signs each request with `signer` and sends it with
 * the adapter it wraps. Pass it as an instance's or a request's `adapter`
 * (or use `withSigner`). Requests go where `signer.fetch` sends: a relative
 * URL (no `baseURL`) is a path under the signer's endpoint; an absolute one
 * (`baseURL` included) must lie under the endpoint, or it is refused with a
 * `SigningError` before anything is sent. A request that cannot be signed
 * rejects with a `SigningError` (not an `AxiosError`); HTTP and network
 * failures are the wrapped adapter's `AxiosError`s, as usual.
 *
 * The body signed is axios's own serialization (`transformRequest`): an
 * object becomes JSON, `URLSearchParams` a form, a typed array its whole
 * `buffer` (as axios sends it), a Node `Buffer` its bytes. `FormData`, a
 * `Blob` or a stream is read once, and the bytes read are signed and sent.
 *
 * What is not a signer, or not an `adapter` option axios can use, is refused
 * at the call with a `SigningError` (`InvalidConfig`) saying what to pass.
 *
 * @example
 * ```ts
 * import axios from "axios"
 * import ApiGatewaySigner from "api-gateway-request-signer"
 * import { signedAdapter } from "api-gateway-request-signer/axios"
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
 * const api = axios.create({
 *   baseURL: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
 *   adapter: signedAdapter(signer, { adapter: "fetch" })
 * })
 * const { data } = await api.post("/pets", { name: "Rex" }, { params: { tag: ["a", "b"] } })
 * ```
 *
 * @since 3.0.0
 * @category constructors
 */
export const signedAdapter = (signer: ApiGatewaySigner, options: SignedAdapterOptions = {}): AxiosAdapter => {
  const unsupported = unsupportedAxios(axios)
  if (unsupported !== undefined) throw new SigningError({ reason: "InvalidConfig", message: unsupported })
  const checked = checkSigner(signer, "signedAdapter(signer)")
  if (typeof options !== "object" || options === null) {
    throw new SigningError({ reason: "InvalidConfig", message: "signedAdapter(signer, options) takes options such as { adapter: \"fetch\" }." })
  }
  const wrapped = checkAdapter(
    orInvalidConfig(() => options.adapter, "signedAdapter(signer, options): options.adapter could not be read", `pass ${ADAPTERS}, or leave it out.`),
    "signedAdapter(signer, options): options.adapter"
  )
  const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    if (config.auth !== undefined && config.auth !== null) {
      throw invalidRequest(
        "headers",
        "The request has axios's `auth` option (HTTP Basic), which would replace the signature's Authorization header; remove it."
      )
    }
    // Resolved per request, as axios resolves its own (the fetch adapter reads config.env).
    const send = axios.getAdapter(wrapped ?? axios.defaults.adapter, config)
    if ((send as { [SIGNED_ADAPTER]?: true })[SIGNED_ADAPTER]) {
      throw new SigningError({ reason: "InvalidConfig", message: "A signed adapter cannot wrap another signed adapter: the request would be signed twice." })
    }
    const cancellation = cancellationOf(config)
    try {
      const headers = headerEntries(config)
      const read = await cancellation.race(readOutgoing({
        method: config.method ?? "get",
        url: axios.getUri(config),
        headers,
        body: config.data,
        typelessBlob: typelessBlobType(send, headers)
      }))
      /** Signs and sends once: the response, or `failure` with what the adapter threw; and the clock it was signed on. */
      const attempt = async (): Promise<{ readonly response?: AxiosResponse; readonly failure?: unknown; readonly signedOn: AttemptClock }> => {
        const signed = await cancellation.race(signOutgoing(checked, read, cancellation.signal))
        const sending = sendingConfig(config, signed)
        cancellation.endTimeout()
        try {
          return { response: await send(sending), signedOn: signed.clock }
        } catch (failure) {
          return { failure, signedOn: signed.clock }
        } finally {
          redactToken(sending)
        }
      }
      let outcome = await attempt()
      // A 403 for clock skew (an error by default; a response when validateStatus accepts it): corrected, signed and sent once more.
      if (correctClockSkew(checked, outcome.response ?? outcome.failure, outcome.signedOn)) {
        discard(outcome.response ?? (outcome.failure as { response?: AxiosResponse } | undefined)?.response)
        outcome = await attempt()
      }
      if ("failure" in outcome) throw outcome.failure
      return outcome.response!
    } finally {
      cancellation.endTimeout()
    }
  }
  return Object.assign(adapter, { [SIGNED_ADAPTER]: true as const })
}

/**
 * Makes an axios instance sign every request with `signer`: sets
 * `instance.defaults.adapter` to a `signedAdapter` that wraps the adapter
 * the instance had, and returns the same instance (its interceptors and
 * defaults stay). Use it on an instance of your own (`axios.create(...)`),
 * not on the global `axios`, so that only requests to the API are signed.
 * A request that sets its own `adapter` bypasses the signing.
 *
 * @example
 * ```ts
 * import axios from "axios"
 * import ApiGatewaySigner from "api-gateway-request-signer"
 * import { withSigner } from "api-gateway-request-signer/axios"
 *
 * const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
 * const api = withSigner(axios.create({ baseURL: signer.endpoint, headers: { "x-team": "pets" } }), signer)
 * const { data } = await api.get("/pets", { params: { type: "dog" } })
 * ```
 *
 * @since 3.0.0
 * @category constructors
 */
export const withSigner = <Instance extends Pick<AxiosInstance, "defaults">>(instance: Instance, signer: ApiGatewaySigner): Instance => {
  const takes = "withSigner(instance, signer) takes an axios instance, e.g. axios.create({ baseURL })"
  if ((typeof instance !== "function" && typeof instance !== "object") || instance === null) {
    throw new SigningError({ reason: "InvalidConfig", message: `${takes}.` })
  }
  const defaults: unknown = orInvalidConfig(() => instance.defaults, "withSigner(instance, signer): instance.defaults could not be read", `${takes}.`)
  if (typeof defaults !== "object" || defaults === null) {
    throw new SigningError({ reason: "InvalidConfig", message: `${takes}; got one whose defaults are ${describe(defaults)}.` })
  }
  const instanceDefaults = defaults as AxiosInstance["defaults"]
  const current = orInvalidConfig(
    () => {
      const adapter = instanceDefaults.adapter
      return { adapter, signs: typeof adapter === "function" && (adapter as { [SIGNED_ADAPTER]?: true })[SIGNED_ADAPTER] === true }
    },
    "withSigner(instance, signer): instance.defaults.adapter could not be read",
    `${takes}.`
  )
  if (current.signs) {
    throw new SigningError({ reason: "InvalidConfig", message: "This axios instance already signs its requests (withSigner was called on it before)." })
  }
  const adapter = signedAdapter(signer, { adapter: checkAdapter(current.adapter, "withSigner(instance, signer): instance.defaults.adapter") })
  orInvalidConfig(
    () => (instanceDefaults.adapter = adapter),
    "withSigner(instance, signer): instance.defaults.adapter could not be set",
    `${takes}, whose defaults can be changed.`
  )
  return instance
}
