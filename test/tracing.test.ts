/**
 * The spans the Effect API adds to a user's traces, collected by a recording
 * Tracer: their names, their attributes, their outcome, and never a secret
 * (the secret key, the session token, a signature) in any of them. Then the
 * same spans through OpenTelemetry, with an in-memory exporter.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import { Credentials, Retry, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { program, TracingLive } from "../examples/opentelemetry.js"

const credentials = { accessKeyId: "AKIDTRACE", secretAccessKey: "trace/secret/key/0123456789", sessionToken: "trace-session-token-0123456789" }
const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"

interface Recorded {
  readonly name: string
  readonly parent: string | undefined
  readonly attributes: Map<string, unknown>
  readonly events: Array<readonly [string, Record<string, unknown> | undefined]>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** A Tracer that keeps every span it is handed, in start order. */
const recordingTracer = () => {
  const spans: Array<Recorded> = []
  let next = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const spanId = String(++next)
      const recorded: Recorded = {
        name,
        parent: Option.isSome(parent) ? parent.value.spanId : undefined,
        attributes: new Map(),
        events: [],
        exit: undefined
      }
      spans.push(recorded)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace",
        parent,
        context,
        get status(): Tracer.SpanStatus {
          return recorded.exit === undefined ? { _tag: "Started", startTime } : { _tag: "Ended", startTime, endTime: startTime, exit: recorded.exit }
        },
        attributes: recorded.attributes,
        links,
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          recorded.exit = exit
        },
        attribute: (key, value) => {
          recorded.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          recorded.events.push([eventName, attributes])
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, layer: Layer.setTracer(tracer) }
}

const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(credentials))

/** Every string a span carries: its name, its attributes' keys and values, its events. */
const textOf = (span: Recorded): string =>
  JSON.stringify([span.name, [...span.attributes], span.events], (_, value) => (typeof value === "bigint" ? String(value) : value))

const expectNoSecret = (spans: ReadonlyArray<Recorded>, signatures: ReadonlyArray<string>) => {
  for (const span of spans) {
    const text = textOf(span)
    expect(text).not.toContain(credentials.secretAccessKey)
    expect(text).not.toContain(credentials.sessionToken)
    for (const signature of signatures) expect(text).not.toContain(signature)
  }
}

const signatureOf = (headers: Record<string, string>) => /Signature=([0-9a-f]{64})/.exec(headers["authorization"] ?? "")![1]!

describe("Signer spans", () => {
  it.effect("signRequest is one span, Signer.sign, with the method, the path as sent (the stage's, no query), and the outcome", () =>
    Effect.gen(function*() {
      const { spans, layer } = recordingTracer()
      const signed = yield* Signer.signRequest({ method: "get", path: "/pets/42?secret=q", queryParams: { type: "dog" } }).pipe(
        Effect.provide(layer)
      )
      expect(spans.map((span) => span.name)).toEqual(["Signer.sign"])
      expect(Object.fromEntries(spans[0]!.attributes)).toEqual({ "http.request.method": "GET", "url.path": "/prod/pets/42", outcome: "success" })
      expect(Exit.isSuccess(spans[0]!.exit!)).toBe(true)
      expectNoSecret(spans, [signatureOf(signed.headers)])
    }).pipe(Effect.provide(Live)))

  it.effect("a request that cannot be signed ends its span as a failure, with the error's tag", () =>
    Effect.gen(function*() {
      const { spans, layer } = recordingTracer()
      yield* Effect.exit(Signer.signRequest({ method: "BREW", path: "/pot" }).pipe(Effect.provide(layer)))
      expect(spans.map((span) => span.name)).toEqual(["Signer.sign"])
      expect(spans[0]!.attributes.get("outcome")).toBe("failure")
      expect(spans[0]!.attributes.get("error.type")).toBe("SigningError")
      // No path was sent, nor would one be: url.path is only ever the path as sent.
      expect(spans[0]!.attributes.has("url.path")).toBe(false)
    }).pipe(Effect.provide(Live)))

  it.effect("url.path is the path as sent in every span of a request: signRequest's, of a web Request too, presign's and Retry's", () =>
    Effect.gen(function*() {
      const { spans, layer } = recordingTracer()
      const request = { method: "GET", path: "/a b/ü" }
      yield* Effect.all([
        Signer.signRequest(request),
        Signer.signRequest(new Request(`${ENDPOINT}/a b/ü`)),
        Signer.presignRequest(request),
        Retry.makeRequestWithRetries(request, () => Effect.succeed("sent"))
      ]).pipe(Effect.provide(layer))
      expect(spans.map((span) => span.name)).toEqual([
        "Signer.sign",
        "Signer.sign",
        "Signer.presign",
        "Retry.makeRequestWithRetries",
        "Retry.attempt",
        "Signer.sign"
      ])
      expect(spans.map((span) => span.attributes.get("url.path"))).toEqual(Array(6).fill("/prod/a%20b/%C3%BC"))
    }).pipe(Effect.provide(Live)))

  it.effect("presignRequest is a Signer.presign span", () =>
    Effect.gen(function*() {
      const { spans, layer } = recordingTracer()
      const presigned = yield* Signer.presignRequest({ method: "GET", path: "/report" }).pipe(Effect.provide(layer))
      expect(spans.map((span) => span.name)).toEqual(["Signer.presign"])
      expect(spans[0]!.attributes.get("url.path")).toBe("/prod/report")
      expectNoSecret(spans, [new URL(presigned.url).searchParams.get("X-Amz-Signature")!])
    }).pipe(Effect.provide(Live)))
})

describe("Retry spans", () => {
  it.effect("one Retry.makeRequestWithRetries span, one Retry.attempt per attempt, each signing in a Signer.sign span", () =>
    Effect.gen(function*() {
      const { spans, layer } = recordingTracer()
      const signatures: Array<string> = []
      let calls = 0
      const fiber = yield* Effect.fork(
        Retry.makeRequestWithRetries({ method: "POST", path: "/orders", body: { id: 1 } }, (signed) => {
          signatures.push(signatureOf(signed.headers))
          return ++calls < 3 ? Effect.fail({ status: 503 }) : Effect.succeed("created")
        }).pipe(Effect.provide(layer))
      )
      for (let i = 0; i < 10 && (yield* fiber.poll)._tag === "None"; i++) yield* TestClock.adjust(Duration.seconds(5))
      expect(yield* Fiber.join(fiber)).toBe("created")

      const [whole, ...rest] = spans
      expect(whole!.name).toBe("Retry.makeRequestWithRetries")
      expect(Object.fromEntries(whole!.attributes)).toMatchObject({ "http.request.method": "POST", "url.path": "/prod/orders", "retry.attempts": 3, outcome: "success" })
      const attempts = rest.filter((span) => span.name === "Retry.attempt")
      expect(attempts.map((span) => span.attributes.get("retry.attempt"))).toEqual([1, 2, 3])
      expect(attempts.map((span) => span.attributes.get("outcome"))).toEqual(["failure", "failure", "success"])
      const signing = rest.filter((span) => span.name === "Signer.sign")
      expect(signing).toHaveLength(3)
      expect(new Set(signing.map((span) => span.parent)).size).toBe(3) // each inside its own attempt
      expectNoSecret(spans, signatures)
    }).pipe(Effect.provide(Live)))
})

describe("signed HttpClient spans", () => {
  it.live("each execution signs in a Signer.sign span, and the transport's span shows no session token", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials] })
      const { spans, layer } = recordingTracer()
      const response = yield* Effect.flatMap(SignedHttpClient.SignedHttpClient, (client) => client.get("/pets", { urlParams: { type: "dog" } })).pipe(
        Effect.provide(SignedHttpClient.layer),
        Effect.provide(Layer.mergeAll(
          Signer.layer({ endpoint: `${gateway.url}/prod`, region: "us-east-1" }),
          Credentials.layer(credentials),
          FetchHttpClient.layer
        )),
        Effect.provide(layer)
      )
      expect(response.status).toBe(200)
      const signing = spans.filter((span) => span.name === "Signer.sign")
      expect(signing).toHaveLength(1)
      expect(signing[0]!.attributes.get("url.path")).toBe("/prod/pets")
      expect(spans.some((span) => span.name.startsWith("http.client"))).toBe(true)
      expectNoSecret(spans, [])
    }).pipe(Effect.scoped))
})

describe("SignedHttpClient.signRequest executed by a plain HttpClient", () => {
  it.live("the transport's span shows the session token's header as redacted, not in clear", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials] })
      const { spans, layer } = recordingTracer()
      const response = yield* Effect.gen(function*() {
        const signed = yield* SignedHttpClient.signRequest(HttpClientRequest.get("/pets"))
        return yield* Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(signed))
      }).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: `${gateway.url}/prod`, region: "us-east-1" }), Credentials.layer(credentials), FetchHttpClient.layer)),
        Effect.provide(layer)
      )
      expect(response.status).toBe(200)
      const transport = spans.find((span) => span.name.startsWith("http.client"))!
      expect(transport.attributes.get("http.request.header.x-amz-security-token")).toBe("<redacted>")
      expectNoSecret(spans, [])
    }).pipe(Effect.scoped))
})

describe("through OpenTelemetry", () => {
  it.live("the example exports the library's spans with the SDK, attributes intact and no secret", () =>
    Effect.gen(function*() {
      // The SDK shuts its exporter down with the layer, and InMemorySpanExporter forgets its spans then: keep them.
      const exporter = new (class extends InMemorySpanExporter {
        override shutdown() {
          return Promise.resolve()
        }
      })()
      const status = yield* program.pipe(Effect.provide(TracingLive(exporter)))
      expect(status).toBe(200)
      const exported = exporter.getFinishedSpans()
      const names = exported.map((span) => span.name)
      expect(names.filter((name) => name === "Retry.attempt")).toHaveLength(2)
      expect(names).toContain("Retry.makeRequestWithRetries")
      expect(names.filter((name) => name === "Signer.sign")).toHaveLength(2)
      const whole = exported.find((span) => span.name === "Retry.makeRequestWithRetries")!
      expect(whole.attributes).toMatchObject({ "http.request.method": "GET", "url.path": "/pets", "retry.attempts": 2, outcome: "success" })
      const text = JSON.stringify(exported.map((span) => [span.name, span.attributes, span.events]))
      expect(text).not.toContain("example/secret/key")
      expect(text).not.toContain("example-session-token")
    }))

  it.live("a failed attempt's span says what failed, with its _tag as error.type, and not the request the failure holds", () =>
    Effect.gen(function*() {
      const exporter = new (class extends InMemorySpanExporter {
        override shutdown() {
          return Promise.resolve()
        }
      })()
      // As axios' and got's errors do: an Error that keeps the request it was sending, session token and all.
      class HttpError extends Error {
        readonly _tag = "HttpError"
        constructor(readonly status: number, readonly request: unknown) {
          super(`HTTP ${status}`)
        }
      }
      const signatures: Array<string> = []
      const exit = yield* Effect.exit(
        Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, (signed) => {
          signatures.push(signatureOf(signed.headers))
          return Effect.fail(new HttpError(503, signed))
        }, { times: 1, schedule: Schedule.spaced(Duration.millis(1)) }).pipe(
          Effect.provide(Live),
          Effect.provide(TracingLive(exporter))
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const exported = exporter.getFinishedSpans()
      const attempts = exported.filter((span) => span.name === "Retry.attempt")
      expect(attempts).toHaveLength(2)
      for (const span of attempts) {
        expect(span.attributes).toMatchObject({ outcome: "failure", "error.type": "HttpError" })
        expect(span.status.message).toContain("HTTP 503")
      }
      for (const span of exported) {
        const text = JSON.stringify([span.name, span.attributes, span.status, span.events])
        expect(text).not.toContain(credentials.sessionToken)
        expect(text).not.toContain(credentials.secretAccessKey)
        for (const signature of signatures) expect(text).not.toContain(signature)
      }
    }))

  // The request's span ends on the RequestError, whose cause is what send failed with: a tracer renders a
  // span's failure with Cause.pretty, which follows cause (a tagged error's message lists its fields).
  it.live.each([
    ["a Schema.TaggedError holding the signed request", (signed: unknown) => new ApiFailure({ status: 503, request: signed })],
    ["an Error whose second line quotes the headers", (signed: { readonly headers: unknown }) => new Error(`HTTP 503\nsent: ${JSON.stringify(signed.headers)}`)]
  ] as const)("the whole request's span records no secret when send fails with %s", ([, failure]) =>
    Effect.gen(function*() {
      const exporter = new (class extends InMemorySpanExporter {
        override shutdown() {
          return Promise.resolve()
        }
      })()
      const exit = yield* Effect.exit(
        Retry.makeRequestWithRetries({ method: "GET", path: "/pets" }, (signed) => Effect.fail(failure(signed)), {
          times: 1,
          schedule: Schedule.spaced(Duration.millis(1))
        }).pipe(Effect.provide(Live), Effect.provide(TracingLive(exporter)))
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const whole = exporter.getFinishedSpans().find((span) => span.name === "Retry.makeRequestWithRetries")!
      expect(whole.attributes).toMatchObject({ outcome: "failure", "error.type": "RequestError" })
      const text = JSON.stringify([whole.attributes, whole.status, whole.events])
      expect(text).toContain("Request failed after 2 attempts")
      expect(text).toContain("503")
      expect(text).not.toContain(credentials.sessionToken)
    }))
})

class ApiFailure extends Schema.TaggedError<ApiFailure>()("ApiFailure", { status: Schema.Number, request: Schema.Unknown }) {}
