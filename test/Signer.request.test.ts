/**
 * Signer.signRequest with a web-standard Request: the same Effect (time from
 * Clock, credentials from Credentials, failures as SigningErrors in the error
 * channel), yielding a signed Request that carries exactly what was signed,
 * and leaving the Request given unconsumed. Signed Requests go to a local
 * gateway that verifies them and echoes what arrived.
 */
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { Credentials, type RequestToSign, Signer, SigningError } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { failureOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const credentials = { accessKeyId: "AKIDREQUEST", secretAccessKey: "request/secret/key", sessionToken: "request-session-token" }
const CredentialsLive = Credentials.layer(credentials)
const SignerLive = Signer.layer({ endpoint: ENDPOINT })

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex")
const headersOf = (request: Request) => Object.fromEntries(request.headers)

describe("Signer.signRequest(request: Request)", () => {
  it.effect("yields a signed Request dated by the Clock, so TestClock drives x-amz-date", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2015, 7, 30, 12, 36, 0))
      const first: Request = yield* Signer.signRequest(new Request(`${ENDPOINT}/pets`))
      expect(first).toBeInstanceOf(Request)
      expect(first.headers.get("x-amz-date")).toBe("20150830T123600Z")
      yield* TestClock.adjust(Duration.seconds(90))
      const second = yield* Signer.signRequest(new Request(`${ENDPOINT}/pets`))
      expect(second.headers.get("x-amz-date")).toBe("20150830T123730Z")
      expect(second.headers.get("authorization")).not.toBe(first.headers.get("authorization"))
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("signs exactly what signing the same request described as a RequestToSign signs", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2024, 5, 1, 8, 0, 0))
      const signed = yield* Signer.signRequest(
        new Request(`${ENDPOINT}/pets/a%20b?type=dog&type=cat`, { method: "PUT", headers: { "x-custom": "v", "content-type": "text/plain" }, body: "payload" })
      )
      const described = yield* Signer.signRequest({
        method: "PUT",
        path: "/pets/a%20b",
        queryParams: [["type", "dog"], ["type", "cat"]],
        headers: { "x-custom": "v", "content-type": "text/plain" },
        body: new TextEncoder().encode("payload")
      })
      expect(signed.url).toBe(described.url)
      expect(signed.method).toBe(described.method)
      expect(headersOf(signed)).toEqual(Object.fromEntries(Object.entries(described.headers).map(([name, value]) => [name.toLowerCase(), value])))
      expect(yield* Effect.promise(() => signed.text())).toBe("payload")
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("leaves the Request given unconsumed: its body is read from a clone", () =>
    Effect.gen(function*() {
      const input = new Request(`${ENDPOINT}/upload`, { method: "POST", body: "still readable" })
      yield* Signer.signRequest(input)
      expect(input.bodyUsed).toBe(false)
      expect(yield* Effect.promise(() => input.text())).toBe("still readable")
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("takes a RequestToSign | Request held as one, and yields what each is signed into", () =>
    Effect.gen(function*() {
      const sign = (input: RequestToSign | Request) => Signer.signRequest(input)
      const described = yield* sign({ method: "GET", path: "/pets" })
      const web = yield* sign(new Request(`${ENDPOINT}/pets`))
      expect(described).not.toBeInstanceOf(Request)
      expect(web).toBeInstanceOf(Request)
      expect(web.url).toBe(described.url)
      const withOptions = yield* Signer.signRequest(new Request(`${ENDPOINT}/pets`) as RequestToSign | Request, { endpoint: ENDPOINT })
      expect(withOptions.url).toBe(described.url)
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("takes signer options instead of the Signer service", () =>
    Effect.gen(function*() {
      const signed = yield* Signer.signRequest(new Request("https://x.execute-api.eu-north-1.amazonaws.com/v1/items"), {
        endpoint: "https://x.execute-api.eu-north-1.amazonaws.com/v1"
      })
      expect(signed.url).toBe("https://x.execute-api.eu-north-1.amazonaws.com/v1/items")
      expect(signed.headers.get("authorization")).toContain("/eu-north-1/execute-api/aws4_request")
    }).pipe(Effect.provide(CredentialsLive)))

  it.effect("fails with a SigningError in the error channel for a URL outside the endpoint, never a defect", () =>
    Effect.gen(function*() {
      for (const url of ["https://elsewhere.example/prod/x", "https://abc123.execute-api.us-east-1.amazonaws.com/other-stage/x"]) {
        const error = failureOf(yield* Effect.exit(Signer.signRequest(new Request(url))))
        expect(error).toBeInstanceOf(SigningError)
        expect(error).toMatchObject({ reason: "InvalidRequest", field: "path" })
      }
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("a URL outside the endpoint that holds the signer's own secret or token: the message shows neither", () =>
    Effect.gen(function*() {
      for (const secret of [credentials.secretAccessKey, credentials.sessionToken]) {
        const error = failureOf(yield* Effect.exit(Signer.signRequest(new Request(`https://other.example/cb/${secret}`))))
        expect(error).toMatchObject({ _tag: "SigningError", field: "path" })
        expect(error.message).toContain("<redacted>")
        expect(error.message).not.toContain(secret)
      }
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("fails with a SigningError saying so for a Request whose body was already read, not the runtime's \"unusable\"", () =>
    Effect.gen(function*() {
      const request = new Request(`${ENDPOINT}/pets`, { method: "POST", body: '{"name":"Rex"}' })
      yield* Effect.promise(() => request.text())
      const error = failureOf(yield* Effect.exit(Signer.signRequest(request)))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "body" })
      expect(error.message).toMatch(/body has already been read \(request\.bodyUsed is true\).*request\.clone\(\)/)
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("fails with a SigningError for a Request that carries a signature header of its own", () =>
    Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(Signer.signRequest(new Request(`${ENDPOINT}/x`, { headers: { authorization: "Bearer x" } }))))
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "headers" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))
})

describe("Signer.signRequest(request: Request), sent to the local gateway", () => {
  /** Signs the Request `build` makes for a fresh gateway's stage, sends it with fetch, and reads the echo. */
  const viaGateway = (build: (stage: string) => Request) =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [credentials] })
      const stage = `${gateway.url}/stage`
      const signed = yield* Signer.signRequest(build(stage), { endpoint: stage, region: "us-east-1" })
      const response = yield* Effect.promise(() => fetch(signed))
      const echo = (yield* Effect.promise(() => response.json())) as LocalGateway.EchoResponse & { message?: string }
      return { status: response.status, echo }
    }).pipe(Effect.provide(CredentialsLive), Effect.scoped)

  it.live("paths with reserved and non-ASCII characters, and repeated query keys, arrive as signed", () =>
    Effect.gen(function*() {
      const { status, echo } = yield* viaGateway((stage) =>
        new Request(`${stage}/pets/${encodeURIComponent("a/b c")}/café/@:=+!$'()*?tag=b&tag=a&empty=&ü=ö`)
      )
      expect(echo.message).toBeUndefined()
      expect(status).toBe(200)
      expect(echo.path.split("/").map(decodeURIComponent).join("/")).toBe("/stage/pets/a/b c/café/@:=+!$'()*")
      expect(echo.query).toEqual({ tag: ["a", "b"], empty: [""], "ü": ["ö"] })
    }))

  it.live.each([
    ["JSON", JSON.stringify({ name: "Rex", note: "ü ∑ 😀" }), "application/json"],
    ["text", "line one\nline two ✓", "text/plain; charset=utf-8"],
    ["bytes", Uint8Array.from({ length: 256 }, (_, i) => 255 - i), "application/octet-stream"]
  ] as const)("a %s body arrives byte for byte, with its content type", ([, body, contentType]) =>
    Effect.gen(function*() {
      const { status, echo } = yield* viaGateway((stage) =>
        new Request(`${stage}/upload`, { method: "POST", headers: { "content-type": contentType }, body })
      )
      expect(status).toBe(200)
      expect(echo.method).toBe("POST")
      expect(echo.headers["content-type"]).toBe(contentType)
      expect(echo.body.sha256).toBe(sha256(body))
    }))

  it.live("a Blob, FormData or stream body is read once, and the bytes read are what is signed and sent", () =>
    Effect.gen(function*() {
      const form = new FormData()
      form.append("name", "Rex")
      form.append("file", new Blob(["x"]), "x.txt")
      const formSent = yield* viaGateway((stage) => new Request(`${stage}/form`, { method: "POST", body: form }))
      expect(formSent.status).toBe(200)
      expect(formSent.echo.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
      const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("streamed")), controller.close()) })
      const streamed = yield* viaGateway((stage) => new Request(`${stage}/stream`, { method: "PUT", body: stream, duplex: "half" } as RequestInit))
      expect(streamed.status).toBe(200)
      expect(streamed.echo.body.sha256).toBe(sha256("streamed"))
    }))
})
