/**
 * Traces of signed requests in OpenTelemetry: the spans this library adds
 * (`Signer.sign` per signature, `Retry.attempt` per attempt,
 * `Retry.makeRequestWithRetries` around them), exported by the OpenTelemetry
 * SDK. Requests sent with `SignedHttpClient` add @effect/platform's
 * `http.client` spans under them; this one sends with `fetch`.
 *
 * Install (the Effect 3 line of @effect/opentelemetry; its latest needs Effect 4):
 * `npm install @effect/opentelemetry@0.64 @opentelemetry/api @opentelemetry/resources
 * @opentelemetry/sdk-trace-base @opentelemetry/sdk-trace-node @opentelemetry/semantic-conventions`
 *
 * Run: `node --import tsx examples/opentelemetry.ts` (prints the spans of one
 * request to the local gateway; swap ConsoleSpanExporter for an OTLP exporter
 * to send them to a collector).
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, Retry, Signer } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"

/** The OpenTelemetry SDK as an Effect layer: every span of the program goes to `exporter`. */
export const TracingLive = (exporter: SpanExporter) =>
  NodeSdk.layer(() => ({
    resource: { serviceName: "pets-client" },
    spanProcessor: new SimpleSpanProcessor(exporter)
  }))

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example/secret/key", sessionToken: "example-session-token" }

/** One GET, sent with retries, to a local gateway that answers 503 once and then 200. */
export const program = Effect.gen(function*() {
  let calls = 0
  const gateway = yield* LocalGateway.make({
    credentials: [credentials],
    handler: () => (++calls === 1 ? { status: 503, body: { message: "busy" } } : undefined)
  })
  return yield* Retry.makeRequestWithRetries(
    { method: "GET", path: "/pets", queryParams: { type: "dog" } },
    (signed) =>
      Effect.tryPromise(async () => {
        const response = await fetch(signed.url, signed)
        if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status })
        return response.status
      }),
    { schedule: Retry.backoff({ base: "10 millis" }) }
  ).pipe(
    Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: gateway.url, region: "us-east-1" }), Credentials.layer(credentials)))
  )
}).pipe(Effect.scoped)

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program.pipe(Effect.provide(TracingLive(new ConsoleSpanExporter())))).then(
    (status) => console.log(`status ${status}`),
    (error: unknown) => console.error(error)
  )
}
