/**
 * The Effect API: signRequest is a pure Effect (time from Clock, credentials
 * from the Credentials service), failures are SigningErrors in the error channel.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { failureOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const staticCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const CredentialsLive = Credentials.layer(staticCredentials)
const SignerLive = Signer.layer({ endpoint: ENDPOINT })
const withConfig = (entries: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

describe("signRequest", () => {
  it.effect("takes its time from the Clock, so TestClock drives x-amz-date", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2015, 7, 30, 12, 36, 0))
      const first = yield* Signer.signRequest({ method: "GET", path: "/pets" })
      expect(first.headers["x-amz-date"]).toBe("20150830T123600Z")
      yield* TestClock.adjust(Duration.seconds(90))
      const second = yield* Signer.signRequest({ method: "GET", path: "/pets" })
      expect(second.headers["x-amz-date"]).toBe("20150830T123730Z")
      expect(second.headers["authorization"]).not.toBe(first.headers["authorization"])
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("is deterministic: same input, same time, same signature", () =>
    Effect.gen(function*() {
      const request = { method: "POST", path: "/a", body: { x: 1 } } as const
      const a = yield* Signer.signRequest(request)
      const b = yield* Signer.signRequest(request)
      expect(a).toEqual(b)
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("signs exactly as the Promise facade does, which spells Authorization as the original package did", () =>
    Effect.gen(function*() {
      const time = Date.UTC(2024, 5, 1, 8, 0, 0)
      yield* TestClock.setTime(time)
      const ours = yield* Signer.signRequest({ method: "PUT", path: "/a b", queryParams: { q: "1" }, body: "x" })
      // Without the original package's default Accept, which only the facade adds.
      const facade = new ApiGatewaySigner({
        endpoint: ENDPOINT,
        accessKey: staticCredentials.accessKeyId,
        secretKey: staticCredentials.secretAccessKey,
        defaultAcceptType: false
      })
      const realNow = Date.now
      Date.now = () => time
      try {
        const signed = facade.signRequest({ method: "PUT", path: "/a b", queryParams: { q: "1" }, body: "x" })
        const { Authorization, ...rest } = signed.headers
        expect({ ...signed, headers: { ...rest, authorization: Authorization } }).toEqual(ours)
      } finally {
        Date.now = realNow
      }
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("takes signer options instead of the Signer service", () =>
    Effect.gen(function*() {
      const signed = yield* Signer.signRequest({ method: "GET", path: "/" }, { endpoint: "https://x.execute-api.eu-north-1.amazonaws.com/v1" })
      expect(signed.url).toBe("https://x.execute-api.eu-north-1.amazonaws.com/v1/")
      expect(signed.headers["authorization"]).toContain("/eu-north-1/execute-api/aws4_request")
    }).pipe(Effect.provide(CredentialsLive)))

  it.effect("fails with a SigningError in the error channel, never a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Signer.signRequest({ method: "TRACE", path: "/" }))
      const error = failureOf(exit)
      expect(error).toBeInstanceOf(SigningError)
      expect(error).toMatchObject({ reason: "InvalidRequest", field: "method" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("returns the canonical request and string to sign on request", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2015, 7, 30, 12, 36, 0))
      const details = yield* Signer.signRequestWithDetails({ method: "GET", path: "/x", queryParams: { b: "2", a: "1" } })
      expect(details.canonicalRequest).toBe([
        "GET", "/prod/x", "a=1&b=2", "host:abc123.execute-api.us-east-1.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      ].join("\n"))
      expect(details.stringToSign.split("\n").slice(0, 3)).toEqual(["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/execute-api/aws4_request"])
      expect(details.request.headers["authorization"]).toContain(`Signature=${details.signature}`)
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))
})

describe("presignRequestWithDetails", () => {
  it.effect("returns the presigned request, and the canonical request and string to sign its signature came from", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2015, 7, 30, 12, 36, 0))
      const presigned = yield* Signer.presignRequest({ method: "GET", path: "/x", queryParams: { a: "1" } }, { expiresIn: 60 })
      const details = yield* Signer.presignRequestWithDetails({ method: "GET", path: "/x", queryParams: { a: "1" } }, { expiresIn: 60 })
      expect(details.request).toEqual(presigned)
      const query = new URL(presigned.url).searchParams
      expect(details.signature).toBe(query.get("X-Amz-Signature"))
      expect(details.canonicalRequest.split("\n").slice(0, 2)).toEqual(["GET", "/prod/x"])
      expect(details.canonicalRequest.split("\n")[2]).toContain("X-Amz-Expires=60")
      expect(details.canonicalRequest.split("\n").slice(3)).toEqual([
        "host:abc123.execute-api.us-east-1.amazonaws.com", "", "host", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      ])
      expect(details.stringToSign.split("\n").slice(0, 3)).toEqual(["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/execute-api/aws4_request"])
      expect(details).toMatchObject({ credentialScope: "20150830/us-east-1/execute-api/aws4_request", signedHeaders: "host" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))
})

describe("signRequest, presignRequest and signRequestWithDetails with queryParams and headers typed by an interface", () => {
  interface ListPetsQuery {
    limit: number
    cursor?: string
  }
  interface ClientHeaders {
    "x-api-key": string
  }
  const query: ListPetsQuery = { limit: 10, cursor: "abc" }
  const headers: ClientHeaders = { "x-api-key": "k" }

  it.effect("take them, as they take the same object written out", () =>
    Effect.gen(function*() {
      const request = { method: "GET", path: "/pets", queryParams: query, headers }
      expect(yield* Signer.signRequest(request)).toMatchObject({ url: `${ENDPOINT}/pets?cursor=abc&limit=10`, headers: { "x-api-key": "k" } })
      expect((yield* Signer.presignRequest(request)).url).toContain("&cursor=abc&limit=10&")
      expect((yield* Signer.signRequestWithDetails(request)).request.url).toBe(`${ENDPOINT}/pets?cursor=abc&limit=10`)
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("refuse at compile time one with a value the run time refuses", () =>
    Effect.gen(function*() {
      interface NestedQuery {
        filter: { kind: string }
      }
      const nested: NestedQuery = { filter: { kind: "dog" } }
      // @ts-expect-error: filter is an object
      const error = yield* Effect.flip(Signer.signRequest({ method: "GET", path: "/pets", queryParams: nested }))
      expect(error).toMatchObject({ _tag: "SigningError", field: "queryParams" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))
})

describe("Signer layers", () => {
  it.effect("read the region from the endpoint", () =>
    Effect.map(Signer.Signer, (signer) => expect(signer.region).toBe("us-east-1")).pipe(Effect.provide(SignerLive)))

  it.effect("fall back to AWS_REGION through Config for custom domains", () =>
    Effect.map(Signer.Signer, (signer) => expect(signer.region).toBe("ca-central-1")).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://api.example.com" })),
      Effect.provide(withConfig({ AWS_REGION: "ca-central-1" }))
    ))

  it.effect.each(["", " ", "\t"])("take AWS_DEFAULT_REGION when AWS_REGION is set empty or blank (%j, AWS_REGION= in a CI file), as the AWS CLI does", (blank) =>
    Effect.map(Signer.Signer, (signer) => expect(signer.region).toBe("eu-north-1")).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://api.example.com" })),
      Effect.provide(withConfig({ AWS_REGION: blank, AWS_DEFAULT_REGION: "eu-north-1" }))
    ))

  it.effect("fail with MissingRegion when no region can be found", () =>
    Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(Signer.make({ endpoint: "https://api.example.com" })))
      expect(error).toMatchObject({ reason: "MissingRegion" })
      expect(error.message).toMatch(/AWS_REGION/)
    }).pipe(Effect.provide(withConfig({}))))

  it.effect("read their options from Config with layerConfig", () =>
    Effect.map(Signer.Signer, (signer) => {
      expect(signer.endpoint.href).toBe("https://q.execute-api.us-west-2.amazonaws.com/beta")
      expect(signer.service).toBe("execute-api")
    }).pipe(
      Effect.provide(Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT") })),
      Effect.provide(withConfig({ API_ENDPOINT: "https://q.execute-api.us-west-2.amazonaws.com/beta" }))
    ))

  it.effect("fail with InvalidEndpoint for a bad endpoint", () =>
    Effect.gen(function*() {
      expect(failureOf(yield* Effect.exit(Signer.make({ endpoint: "not a url" })))).toMatchObject({ reason: "InvalidEndpoint" })
    }))
})

describe("Credentials", () => {
  it.effect("layer wraps plain-string secrets in Redacted", () =>
    Effect.gen(function*() {
      const credentials = yield* (yield* Credentials.Credentials).get
      expect(Redacted.isRedacted(credentials.secretAccessKey)).toBe(true)
      expect(Redacted.value(credentials.secretAccessKey)).toBe(staticCredentials.secretAccessKey)
    }).pipe(Effect.provide(CredentialsLive)))

  it.effect("fromEnv reads the three variables through any ConfigProvider", () =>
    Effect.gen(function*() {
      const credentials = yield* (yield* Credentials.Credentials).get
      expect(credentials.accessKeyId).toBe("AKIDCONFIG")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("secret")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("token")
    }).pipe(
      Effect.provide(Credentials.fromEnv),
      Effect.provide(withConfig({ AWS_ACCESS_KEY_ID: "AKIDCONFIG", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" }))
    ))

  it.effect("fromEnv treats AWS_SESSION_TOKEN as optional", () =>
    Effect.gen(function*() {
      const credentials = yield* (yield* Credentials.Credentials).get
      expect(credentials.sessionToken).toBeUndefined()
    }).pipe(
      Effect.provide(Credentials.fromEnv),
      Effect.provide(withConfig({ AWS_ACCESS_KEY_ID: "AKIDCONFIG", AWS_SECRET_ACCESS_KEY: "secret" }))
    ))

  it.effect("fromEnv fails with MissingCredentials naming the variable", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(Credentials.fromEnv).pipe(Effect.scoped))
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
      expect(error.message).toMatch(/AWS_SECRET_ACCESS_KEY/)
    }).pipe(Effect.provide(withConfig({ AWS_ACCESS_KEY_ID: "AKIDCONFIG" }))))

  it.effect("layerConfig takes any Config for each field", () =>
    Effect.gen(function*() {
      const credentials = yield* (yield* Credentials.Credentials).get
      expect(credentials.accessKeyId).toBe("AKIDCUSTOM")
    }).pipe(
      Effect.provide(Credentials.layerConfig({
        accessKeyId: Config.string("MY_KEY_ID"),
        secretAccessKey: Config.redacted("MY_SECRET")
      })),
      Effect.provide(withConfig({ MY_KEY_ID: "AKIDCUSTOM", MY_SECRET: "s3cr3t" }))
    ))

  it.effect("layerEffect yields the credentials current at each signing", () =>
    Effect.gen(function*() {
      const current = yield* Ref.make("AKIDFIRST")
      const layer = Credentials.layerEffect(Effect.map(Ref.get(current), (accessKeyId) => ({ accessKeyId, secretAccessKey: "s" })))
      const sign = Signer.signRequest({ method: "GET", path: "/" }).pipe(Effect.provide(layer), Effect.provide(SignerLive))
      expect((yield* sign).headers["authorization"]).toContain("Credential=AKIDFIRST/")
      yield* Ref.set(current, "AKIDSECOND")
      expect((yield* sign).headers["authorization"]).toContain("Credential=AKIDSECOND/")
    }))

  it.effect("layerEffect yields the same credentials object while its source returns equal credentials, so their signing key is reused", () =>
    Effect.gen(function*() {
      const secret = yield* Ref.make("s1")
      const layer = Credentials.layerEffect(Effect.map(Ref.get(secret), (secretAccessKey) => ({ accessKeyId: "AKIDSAME", secretAccessKey })))
      yield* Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        const first = yield* credentials.get
        expect(yield* credentials.get).toBe(first)
        yield* Ref.set(secret, "s2")
        const rotated = yield* credentials.get
        expect(rotated).not.toBe(first)
        expect(Redacted.value(rotated.secretAccessKey)).toBe("s2")
      }).pipe(Effect.provide(layer))
    }))

  it.effect("layerRefreshing fetches once, then again shortly before expiration", () =>
    Effect.gen(function*() {
      const fetches = yield* Ref.make(0)
      const fetch = Effect.flatMap(Ref.updateAndGet(fetches, (n) => n + 1), (n) =>
        Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => ({
          accessKeyId: `AKIDGEN${n}`,
          secretAccessKey: "s",
          sessionToken: `t${n}`,
          expiration: new Date(now + 60 * 60 * 1000)
        })))
      yield* Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        expect((yield* credentials.get).accessKeyId).toBe("AKIDGEN1")
        yield* TestClock.adjust(Duration.minutes(50))
        expect((yield* credentials.get).accessKeyId).toBe("AKIDGEN1")
        yield* TestClock.adjust(Duration.minutes(6)) // within 5 minutes of expiry
        expect((yield* credentials.get).accessKeyId).toBe("AKIDGEN2")
        expect(yield* Ref.get(fetches)).toBe(2)
      }).pipe(Effect.provide(Credentials.layerRefreshing(fetch)))
    }))

  it.effect("layerRefreshing shares one fetch among concurrent signers", () =>
    Effect.gen(function*() {
      const fetches = yield* Ref.make(0)
      const fetch = Ref.updateAndGet(fetches, (n) => n + 1).pipe(
        Effect.zipRight(Effect.sleep(Duration.millis(10))),
        Effect.as({ accessKeyId: "AKID", secretAccessKey: "s" })
      )
      yield* Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 8 }, () => credentials.get), { concurrency: "unbounded" }))
        yield* TestClock.adjust(Duration.millis(10))
        yield* fiber.await
        expect(yield* Ref.get(fetches)).toBe(1)
      }).pipe(Effect.provide(Credentials.layerRefreshing(fetch)))
    }))
})

describe("presignRequest", () => {
  it.effect("puts the signature in the URL's query, valid for expiresIn seconds", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2024, 0, 1, 0, 0, 0))
      const presigned = yield* Signer.presignRequest({ method: "GET", path: "/report", queryParams: { id: "7" } }, { expiresIn: 300 })
      const url = new URL(presigned.url)
      expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256")
      expect(url.searchParams.get("X-Amz-Expires")).toBe("300")
      expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/)
      expect(presigned.expiresAt.toISOString()).toBe("2024-01-01T00:05:00.000Z")
      const received = { method: "GET", target: url.pathname + url.search, headers: [["host", url.host]] as const }
      const options = { credentials: [yield* Credentials.validate(staticCredentials)], region: "us-east-1" }
      expect(SigV4.verify(received, { ...options, now: Date.UTC(2024, 0, 1, 0, 4, 59) }).valid).toBe(true)
      expect(SigV4.verify(received, { ...options, now: Date.UTC(2024, 0, 1, 0, 5, 1) })).toMatchObject({ valid: false, reason: "Expired" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("refuses an expiry beyond 7 days", () =>
    Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(Signer.presignRequest({ method: "GET", path: "/" }, { expiresIn: 604801 })))
      expect(error).toMatchObject({ reason: "InvalidConfig" })
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.effect("refuses a query parameter named like one of the presigned URL's own, rather than dropping it", () =>
    Effect.gen(function*() {
      for (const name of ["X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature", "X-Amz-Security-Token"]) {
        const error = failureOf(yield* Effect.exit(Signer.presignRequest({ method: "GET", path: "/", queryParams: { [name]: "mine" } })))
        expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "queryParams" })
        expect(error.message).toContain(name)
      }
    }).pipe(Effect.provide(SignerLive), Effect.provide(CredentialsLive)))

  it.live("a presigned URL is accepted by the gateway with no headers at all", () =>
    Effect.gen(function*() {
      const gateway = yield* LocalGateway.make({ credentials: [staticCredentials] })
      const presigned = yield* Signer.presignRequest({ method: "GET", path: "/shared file" }, { expiresIn: 60 }, { endpoint: gateway.url, region: "us-east-1" })
      const response = yield* Effect.promise(() => fetch(presigned.url))
      expect(response.status).toBe(200)
      expect(yield* Effect.promise(() => response.json())).toMatchObject({ principal: { accessKeyId: "AKIDEXAMPLE", presigned: true } })
    }).pipe(Effect.provide(CredentialsLive), Effect.scoped))
})
