/**
 * The original package's users: code written against api-gateway-request-signer
 * 2.x keeps working (header names, default Accept and Content-Type, header
 * arrays), and where 2.x silently did the wrong thing, the facade says so.
 */
import { readFileSync } from "node:fs"
import * as http from "node:http"
import { join } from "node:path"
import { inspect } from "node:util"
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import axios from "axios"
import type { APIGatewayProxyEvent } from "aws-lambda"
import ApiGatewaySigner, { HttpMethods, type RequestSignerConfig, type RequestToSign, type SignedRequestData } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { SUITE_DIR } from "./support/awsSuite.js"
import { rejectionOf, thrownBy } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const keys = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })

describe("the original package's header names", () => {
  it("Authorization with a capital A, readable as a typed property", () => {
    const request: SignedRequestData = signer.signRequest({ method: "GET", path: "/" })
    const authorization: string = request.headers.Authorization
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
    expect(request.headers).not.toHaveProperty("authorization")
  })

  it("x-amz-date and x-amz-security-token in lower case", () => {
    const { headers } = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, sessionToken: "TOKEN" }).signRequest({ method: "GET", path: "/" })
    expect(headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/)
    expect(headers["x-amz-security-token"]).toBe("TOKEN")
  })
})

describe("defaultAcceptType and defaultContentType", () => {
  it("Accept: application/json is added and signed unless the request sets an Accept", () => {
    expect(signer.signRequest({ method: "GET", path: "/" }).headers.Accept).toBe("application/json")
    const own = signer.signRequest({ method: "GET", path: "/", headers: { accept: "text/csv" } }).headers
    expect(own).toMatchObject({ accept: "text/csv" })
    expect(own).not.toHaveProperty("Accept")
  })

  it("defaultContentType is the Content-Type of every body that sets none", () => {
    const xml = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, defaultContentType: "application/xml" })
    expect(xml.signRequest({ method: "POST", path: "/", body: "<a/>" }).headers["Content-Type"]).toBe("application/xml")
    expect(xml.signRequest({ method: "POST", path: "/", body: { a: 1 } }).headers["Content-Type"]).toBe("application/xml")
    expect(xml.signRequest({ method: "POST", path: "/", body: "x", headers: { "content-type": "text/plain" } }).headers)
      .not.toHaveProperty("Content-Type")
  })

  it("a request without a body gets no Content-Type (2.x added one unsigned, which makes browsers send a preflight)", () => {
    expect(Object.keys(signer.signRequest({ method: "GET", path: "/" }).headers).map((name) => name.toLowerCase())).not.toContain("content-type")
  })

  it("refuses a default that HTTP cannot carry", () => {
    expect(() => new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, defaultAcceptType: "a\r\nx-evil: 1" }))
      .toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining("defaultAcceptType") }))
  })

  it("a presigned URL carries no default Accept, so a link or a browser can follow it as it is", () => {
    const presigned = signer.presignRequest({ method: "GET", path: "/report" })
    expect(presigned.headers).toEqual({})
    expect(new URL(presigned.url).searchParams.get("X-Amz-SignedHeaders")).toBe("host")
  })
})

describe("2.x configs with null or empty options", () => {
  it.each([null, ""])("defaultAcceptType %j is application/json, as 2.x read it", (defaultAcceptType) => {
    const config = { endpoint: ENDPOINT, ...keys, defaultAcceptType } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
    expect(new ApiGatewaySigner(config).signRequest({ method: "GET", path: "/" }).headers.Accept).toBe("application/json")
  })

  it.each([null, "", false])("defaultContentType %j leaves the Content-Type to the body", (defaultContentType) => {
    const config = { endpoint: ENDPOINT, ...keys, defaultContentType } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
    const { headers } = new ApiGatewaySigner(config).signRequest({ method: "POST", path: "/", body: { a: 1 } })
    expect(headers["Content-Type"]).toBe("application/json")
  })

  describe("credentials", () => {
    beforeEach(() => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
      vi.stubEnv("AWS_SESSION_TOKEN", "token-from-env")
    })
    afterEach(() => vi.unstubAllEnvs())

    it.each([
      ["\"\" keys", { accessKey: "", secretKey: "" }],
      ["null keys and token", { accessKey: null, secretKey: null, sessionToken: null }],
      ["\"\" keys and token", { accessKey: "", secretKey: "", sessionToken: "" }]
    ])("%s are not given: the AWS_* environment variables sign, as in 2.x", (_, given) => {
      const config = { endpoint: ENDPOINT, ...given } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
      const { headers } = new ApiGatewaySigner(config).signRequest({ method: "GET", path: "/" })
      expect(headers.Authorization).toMatch(/Credential=AKIDFROMENV\//)
      expect(headers["x-amz-security-token"]).toBe("token-from-env")
    })

    it("a sessionToken without keys is refused, not dropped for the environment's keys and token", () => {
      expect(() => new ApiGatewaySigner({ endpoint: ENDPOINT, sessionToken: "TOKEN-OF-ANOTHER-ROLE" })).toThrow(
        expect.objectContaining({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("sessionToken was given without") })
      )
    })

    it.each([
      ["the AWS SDK's names", { accessKeyId: "AKIDINTENDED", secretAccessKey: "intended/secret" }, "accessKeyId"],
      ["STS's names", { AccessKeyId: "AKIDINTENDED", SecretAccessKey: "intended/secret", SessionToken: "intended-token" }, "AccessKeyId"],
      ["the variables' names", { AWS_SECRET_ACCESS_KEY: "intended/secret" }, "AWS_SECRET_ACCESS_KEY"]
    ])("keys under %s are refused, naming the option, not dropped for the environment's keys (another principal)", (_, given, named) => {
      const config = { endpoint: ENDPOINT, ...given } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
      const error = thrownBy(() => new ApiGatewaySigner(config)) as Error
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringMatching(new RegExp(`^${named} is not an option of ApiGatewaySigner.*pass accessKey and secretKey`)) })
      expect(error.message).not.toContain("intended/secret")
    })

    it.each([
      ["undefined", { accessKeyId: undefined, secretAccessKey: undefined }],
      ["\"\"", { accessKeyId: "", secretAccessKey: "" }],
      ["the environment's own values (a config spread from process.env)", { AWS_ACCESS_KEY_ID: "AKIDFROMENV", AWS_SECRET_ACCESS_KEY: "secret-from-env" }]
    ])("other names holding %s carry no other credential: the environment's keys sign, as in 2.x", (_, given) => {
      const config = { endpoint: ENDPOINT, ...given } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
      expect(new ApiGatewaySigner(config).signRequest({ method: "GET", path: "/" }).headers.Authorization).toMatch(/Credential=AKIDFROMENV\//)
    })

    it("a config spread from the environment, with other services' SECRET_KEY, ACCESS_KEY and SESSION_TOKEN: the AWS_* keys sign", () => {
      const config = { ...process.env, SECRET_KEY: "django-app-secret", ACCESS_KEY: "minio-key", SESSION_TOKEN: "web-session", endpoint: ENDPOINT }
      const { headers } = new ApiGatewaySigner(config as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]).signRequest({ method: "GET", path: "/" })
      expect(headers.Authorization).toMatch(/Credential=AKIDFROMENV\//)
    })

    it("the same keys under other names too, beside accessKey and secretKey: accessKey and secretKey sign", () => {
      const config = { endpoint: ENDPOINT, ...keys, accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
      expect(new ApiGatewaySigner(config).signRequest({ method: "GET", path: "/" }).headers.Authorization).toContain(`Credential=${keys.accessKey}/`)
    })

    it.each([
      ["a session token (it would be dropped: a 403)", { SessionToken: "intended-token" }, "SessionToken"],
      ["another access key id", { accessKeyId: "AKIDOTHER" }, "accessKeyId"],
      ["the secret key (a secret given as secretAccessKey beside accessKey)", { accessKey: keys.accessKey, secretKey: undefined, secretAccessKey: keys.secretKey }, "secretAccessKey"]
    ])("beside accessKey and secretKey, %s under another name is refused, naming it", (_, given, named) => {
      const config = { endpoint: ENDPOINT, ...keys, ...given } as unknown as ConstructorParameters<typeof ApiGatewaySigner>[0]
      expect(() => new ApiGatewaySigner(config)).toThrow(
        expect.objectContaining({ reason: "MissingCredentials", message: expect.stringMatching(new RegExp(`^${named} is not an option of ApiGatewaySigner`)) })
      )
    })
  })
})

describe("the signer's fields", () => {
  it("endpoint (origin and stage), region and service can be read", () => {
    expect({ endpoint: signer.endpoint, region: signer.region, service: signer.service })
      .toEqual({ endpoint: ENDPOINT, region: "us-east-1", service: "execute-api" })
  })

  it("printing or serializing the signer shows its endpoint, region and service, and no credential", () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, sessionToken: "TOKEN-0123456789" })
    const fields = { endpoint: ENDPOINT, region: "us-east-1", service: "execute-api" }
    expect(JSON.parse(JSON.stringify(own))).toEqual(fields)
    const shown = inspect(own, { depth: 10, showHidden: true })
    for (const value of Object.values(fields)) expect(shown).toContain(value)
    for (const secret of [keys.secretKey, "TOKEN-0123456789"]) expect(shown + JSON.stringify(own)).not.toContain(secret)
  })

  it.each(["endpoint", "region", "service"] as const)("assigning %s is a SigningError, not silently ignored (2.x signed the next request with it)", (field) => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    // @ts-expect-error: the fields are read-only in the types too
    const assign = () => (own[field] = "eu-west-1")
    expect(assign).toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining("new ApiGatewaySigner") }))
    expect(own.signRequest({ method: "GET", path: "/" }).headers.Authorization).toContain("/us-east-1/execute-api/")
  })

  it.each(["accessKey", "secretKey", "sessionToken", "credentials"])(
    "assigning %s (from JavaScript) is a SigningError that names a provider for credentials that change, and shows no value",
    (field) => {
      const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
      const fresh = "FRESH/credential+value0123456789abcdef"
      const assign = () => Reflect.set(own, field, fresh)
      expect(assign).toThrow(expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/credentials: a function that returns them with their expiration/) }))
      expect((thrownBy(assign) as Error).message).not.toContain(fresh)
      expect(Object.keys(own)).not.toContain(field)
      expect(own.signRequest({ method: "GET", path: "/" }).headers.Authorization).toContain(`Credential=${keys.accessKey}/`)
    }
  )

  it.each(["serviceName", "defaultAcceptType", "defaultContentType", "pathComponent", "signSessionToken", "retries", "shouldRetry", "sendTo"])(
    "assigning %s (from JavaScript) is a SigningError, not silently ignored",
    (field) => {
      const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
      expect(() => Reflect.set(own, field, "text/plain")).toThrow(
        expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(/cannot be changed.*new (ApiGatewaySigner|signer)/) })
      )
      expect(Object.keys(own)).not.toContain(field)
      expect(own.signRequest({ method: "GET", path: "/" }).headers.Accept).toBe("application/json")
    }
  )
})

describe("2.x's fields, read", () => {
  // 2.x kept the stage in pathComponent and the origin in endpoint; endpoint holds the stage now.
  it("pathComponent is empty, so that 2.x's endpoint + pathComponent + path is still the request's URL", () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    expect(signer.pathComponent).toBe("")
    expect(signer.endpoint + signer.pathComponent + "/pets").toBe(signer.signRequest({ method: "GET", path: "/pets" }).url)
  })

  it("serviceName is the service signed for", () => {
    expect([new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys }).serviceName, new ApiGatewaySigner({ endpoint: ENDPOINT, serviceName: "lambda", ...keys }).serviceName])
      .toEqual(["execute-api", "lambda"])
  })

  it("defaultAcceptType and defaultContentType are what the signer adds, as given or by default", () => {
    const byDefault = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    const given = new ApiGatewaySigner({ endpoint: ENDPOINT, defaultAcceptType: "text/csv", defaultContentType: "application/xml", ...keys })
    const without = new ApiGatewaySigner({ endpoint: ENDPOINT, defaultAcceptType: false, ...keys })
    expect([byDefault.defaultAcceptType, given.defaultAcceptType, without.defaultAcceptType]).toEqual(["application/json", "text/csv", undefined])
    expect([byDefault.defaultContentType, given.defaultContentType]).toEqual(["application/json", "application/xml"])
    expect(byDefault.signRequest({ method: "POST", path: "/", body: { a: 1 } }).headers["Content-Type"]).toBe("application/json")
    expect(given.signRequest({ method: "POST", path: "/", body: { a: 1 } }).headers).toMatchObject({ Accept: "text/csv", "Content-Type": "application/xml" })
  })

  it("stay unlisted: printing and serializing the signer show what they did", () => {
    const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    expect(Object.keys(signer)).not.toEqual(expect.arrayContaining(["pathComponent"]))
    expect(JSON.parse(JSON.stringify(signer))).toEqual({ endpoint: signer.endpoint, region: signer.region, service: signer.service })
  })
})

describe("a subclass's own fields named like an option", () => {
  // What TypeScript emits for `retries = 3` or `constructor(private readonly serviceName: string)` when
  // useDefineForClassFields is off (its default below ES2022): an assignment in the constructor.
  class RetryingSigner extends ApiGatewaySigner {
    constructor(config: ConstructorParameters<typeof ApiGatewaySigner>[0], retries: number, serviceName: string) {
      super(config)
      Reflect.set(this, "retries", retries)
      Reflect.set(this, "serviceName", serviceName)
    }
  }

  it("are the subclass's own, as before the options' setters refused assignment", () => {
    const own = new RetryingSigner({ endpoint: ENDPOINT, ...keys }, 3, "orders")
    expect({ retries: Reflect.get(own, "retries"), serviceName: Reflect.get(own, "serviceName") }).toEqual({ retries: 3, serviceName: "orders" })
    expect(own.signRequest({ method: "GET", path: "/" }).headers.Authorization).toContain("/execute-api/aws4_request")
  })
})

describe("2.x code in an ES module, where 2.x's default import was its CommonJS exports object", () => {
  it("new ApiGatewaySigner.default(config) makes a signer", () => {
    const legacy = new ApiGatewaySigner.default({ endpoint: ENDPOINT, ...keys })
    expect(legacy).toBeInstanceOf(ApiGatewaySigner)
    expect(legacy.signRequest({ method: "GET", path: "/pets" }).url).toBe(`${ENDPOINT}/pets`)
  })

  it("ApiGatewaySigner.HttpMethods is HttpMethods", () => {
    expect(ApiGatewaySigner.HttpMethods).toBe(HttpMethods)
    expect(ApiGatewaySigner.HttpMethods.POST).toBe("POST")
  })

  it("its names in type positions compile: ApiGatewaySigner.default, .RequestSignerConfig, .RequestToSign, .SignedRequestData, .HttpMethods", () => {
    // 2.x code naming its types through the default import (a class's field, a method's parameters and result).
    class PetsClient {
      private readonly signer: ApiGatewaySigner.default
      constructor(config: ApiGatewaySigner.RequestSignerConfig) {
        this.signer = new ApiGatewaySigner.default(config)
      }
      get(path: string, method: ApiGatewaySigner.HttpMethods = ApiGatewaySigner.HttpMethods.GET): ApiGatewaySigner.SignedRequestData {
        const request: ApiGatewaySigner.RequestToSign = { method, path }
        return this.signer.signRequest(request)
      }
    }
    const onlyPost: ApiGatewaySigner.HttpMethods.POST = ApiGatewaySigner.HttpMethods.POST
    // @ts-expect-error: a member's type is that member only
    const notGet: ApiGatewaySigner.HttpMethods.GET = ApiGatewaySigner.HttpMethods.POST
    expect(new PetsClient({ endpoint: ENDPOINT, ...keys }).get("/pets", onlyPost)).toMatchObject({ method: "POST", url: `${ENDPOINT}/pets` })
    expect(notGet).toBe("POST")
  })

  it("neither shows on a signer: a spread, Object.keys and JSON are as before", () => {
    expect(Object.keys(ApiGatewaySigner)).toEqual([])
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ endpoint: ENDPOINT, region: "us-east-1", service: "execute-api" }))
  })
})

describe("makeRequestWithRetries signs every attempt through signRequest, as 2.x did, when it is overridden", () => {
  // A subclass that adds a header to every request (an API key, a trace header).
  class KeyedSigner extends ApiGatewaySigner {
    override signRequest(request: Parameters<ApiGatewaySigner["signRequest"]>[0]) {
      return super.signRequest({ ...request, headers: { ...request.headers, "x-api-key": "the-key" } })
    }
  }

  it("a subclass's override: every attempt carries what it adds, signed", async () => {
    const keyed = new KeyedSigner({ endpoint: ENDPOINT, ...keys })
    const sent: Array<SignedRequestData> = []
    await expect(keyed.makeRequestWithRetries({ method: "GET", path: "/pets" }, (request) => {
      sent.push(request)
      if (sent.length < 2) throw new Error("network down")
      return "done"
    }, 1, { baseDelayMs: 1 })).resolves.toBe("done")
    expect(sent.map((request) => request.headers["x-api-key"])).toEqual(["the-key", "the-key"])
    expect(sent.every((request) => request.headers.Authorization.includes("x-api-key"))).toBe(true)
  })

  it("a test's spy on the instance sees one call per attempt", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    const spy = vi.spyOn(own, "signRequest")
    await own.makeRequestWithRetries({ method: "GET", path: "/pets" }, () => "done", 0)
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy).toHaveBeenCalledWith({ method: "GET", path: "/pets" })
  })

  it("a test's spy on the prototype sees one call per attempt", async () => {
    const spy = vi.spyOn(ApiGatewaySigner.prototype, "signRequest")
    try {
      const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
      await own.makeRequestWithRetries({ method: "GET", path: "/pets" }, () => "done", 0)
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })

  it("a stub's request is the one the callback gets", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    const stubbed = { url: "https://stub.example/", method: "GET", headers: { Authorization: "stub" } } as unknown as SignedRequestData
    vi.spyOn(own, "signRequest").mockReturnValue(stubbed)
    await expect(own.makeRequestWithRetries({ method: "GET", path: "/pets" }, (request) => request, 0)).resolves.toBe(stubbed)
  })

  it("with credentials from a provider, the override finds them resolved", async () => {
    const keyed = new KeyedSigner({
      endpoint: ENDPOINT,
      credentials: async () => ({ accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey })
    })
    const request = await keyed.makeRequestWithRetries({ method: "GET", path: "/pets" }, (signed) => signed, 0)
    expect(request.headers.Authorization).toContain(`Credential=${keys.accessKey}/`)
  })

  it("what the override throws rejects as a SigningError, before any call, and is not retried", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    vi.spyOn(own, "signRequest").mockImplementation(() => {
      throw new Error("no api key configured")
    })
    const callback = vi.fn()
    const error = await rejectionOf(own.makeRequestWithRetries({ method: "GET", path: "/pets" }, callback, 3))
    expect(error).toMatchObject({ _tag: "SigningError", message: expect.stringContaining("no api key configured") })
    expect(callback).not.toHaveBeenCalled()
  })
})

describe("signer.fetch", () => {
  it("is bound, and the same function on every read", () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    const { fetch: signedFetch } = own
    expect(signedFetch).toBe(own.fetch)
  })

  it("is an own property, as a field: a spread and Object.keys show it, and a test's spy replaces it", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    expect(Object.keys(own)).toContain("fetch")
    expect({ ...own }.fetch).toBe(own.fetch)
    const spy = vi.spyOn(own, "fetch").mockResolvedValue(new Response("stubbed"))
    expect(await (await own.fetch("/pets")).text()).toBe("stubbed")
    expect(spy).toHaveBeenCalledWith("/pets")
  })

  it("works through a Proxy around the signer (a framework's reactive state)", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, fetch: async () => new Response("sent") })
    const proxied = new Proxy(own, { get: (target, key, receiver) => Reflect.get(target, key, receiver) })
    expect(await (await proxied.fetch("/pets")).text()).toBe("sent")
  })

  it("can be replaced by assignment, as any own property (a test's mock)", async () => {
    const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
    Reflect.set(own, "fetch", async () => new Response("mocked"))
    expect(await (await own.fetch("/pets")).text()).toBe("mocked")
  })
})

describe("a method called without its signer (detached, or through a Proxy)", () => {
  const own = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
  const notOnASigner = (method: string) =>
    expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining(`bind it, signer.${method}.bind(signer)`) })

  it("signRequest and presignRequest throw a SigningError that says to bind them, not a TypeError", () => {
    const { signRequest, presignRequest } = own
    expect(() => signRequest({ method: "GET", path: "/" })).toThrow(notOnASigner("signRequest"))
    expect(() => presignRequest({ method: "GET", path: "/" })).toThrow(notOnASigner("presignRequest"))
  })

  it("makeRequestWithRetries and signRequestAsync reject with it, and never throw", async () => {
    const { makeRequestWithRetries, signRequestAsync } = own
    let returned: Promise<unknown> | undefined
    expect(() => {
      returned = makeRequestWithRetries({ method: "GET", path: "/" }, () => "sent")
    }).not.toThrow()
    await expect(returned).rejects.toEqual(notOnASigner("makeRequestWithRetries"))
    await expect(signRequestAsync({ method: "GET", path: "/" })).rejects.toEqual(notOnASigner("signRequestAsync"))
  })

  it("through a Proxy around the signer (whose private state it cannot reach): the same SigningError", () => {
    const proxied = new Proxy(own, {})
    expect(() => proxied.signRequest({ method: "GET", path: "/" })).toThrow(notOnASigner("signRequest"))
  })

  it.each(["endpoint", "region", "service", "serviceName", "defaultAcceptType", "defaultContentType", "clockOffset"] as const)(
    "its field %s read through a Proxy: a SigningError that says to keep the signer raw, not a TypeError",
    (field) => {
      const proxied = new Proxy(own, {})
      expect(() => proxied[field]).toThrow(
        expect.objectContaining({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(new RegExp(`^signer\\.${field} was used through something other than an ApiGatewaySigner.*markRaw`)) })
      )
    }
  )

  // A store that holds the signer (Vue's reactive(), MobX) is printed and serialized by devtools and persistence plugins.
  it("printed or serialized through a Proxy: a note saying to keep it raw, not a throw", async () => {
    const { inspect } = await import("node:util")
    const proxied = new Proxy(own, {})
    const note = "(not readable through a Proxy around the signer: keep it raw, e.g. with Vue's markRaw)"
    expect(JSON.parse(JSON.stringify({ store: proxied }))).toEqual({ store: { endpoint: note, region: note, service: note } })
    expect(inspect(proxied)).toContain("keep it raw")
  })

  it("clockOffset assigned through a Proxy: the same SigningError", () => {
    const proxied = new Proxy(own, {})
    expect(() => {
      proxied.clockOffset = 5
    }).toThrow(expect.objectContaining({ _tag: "SigningError", message: expect.stringContaining("signer.clockOffset was used through") }))
    expect(own.clockOffset).toBe(0)
  })
})

/** Runs `use` with a facade signer for a local gateway that knows its keys, and closes the gateway after. */
const withLocalSigner = async (accessKeyId: string, use: (local: ApiGatewaySigner) => Promise<void>): Promise<void> => {
  const credentials = { accessKeyId, secretAccessKey: `${accessKeyId.toLowerCase()}-secret` }
  const gateway = await LocalGateway.start({ credentials: [credentials] })
  try {
    await use(new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: "us-east-1", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }))
  } finally {
    await gateway.close()
  }
}

/** A GET without a body, given header `name`: it is sent as given, and not among the signed headers. */
const expectSentUnsigned = (name: string, value: string): void => {
  const { headers } = signer.signRequest({ method: "GET", path: "/", headers: { [name]: value } })
  expect(headers[name]).toBe(value)
  expect(headers.Authorization).toMatch(/SignedHeaders=accept;host;x-amz-date,/)
}

describe("a Content-Type on a request without a body", () => {
  const contentType = { "Content-Type": "application/json" }

  it("is sent but not signed, as 2.x did", () => {
    expectSentUnsigned("Content-Type", "application/json")
  })

  it("is signed as soon as there is a body", () => {
    const { headers } = signer.signRequest({ method: "POST", path: "/", headers: contentType, body: "{}" })
    expect(headers.Authorization).toMatch(/SignedHeaders=accept;content-type;host;x-amz-date,/)
  })

  it.each(["GET", "DELETE", "POST"] as const)("%s: verifies whether a client sends it or drops it (axios's browser adapter drops it without data)", async (method) => {
    await withLocalSigner("AKIDCONTENTTYPE", async (local) => {
      const { url, headers, body } = local.signRequest({ method, path: "/pets", headers: contentType })
      const { "Content-Type": _dropped, ...withoutContentType } = headers
      expect((await fetch(url, { method, headers })).status).toBe(200)
      expect((await fetch(url, { method, headers: withoutContentType })).status).toBe(200)
      const viaAxios = await axios({ url, method, headers, data: body ?? null, transformRequest: [], maxRedirects: 0, validateStatus: () => true })
      expect(viaAxios.status).toBe(200)
    })
  })
})

describe("a Content-Length: 0 on a request without a body", () => {
  const contentLength = { "Content-Length": "0" }

  it("is sent but not signed (fetch sends none for a GET, HEAD, DELETE or OPTIONS without a body)", () => {
    expectSentUnsigned("Content-Length", "0")
  })

  it.each(["DELETE", "OPTIONS", "POST"] as const)("%s with an empty body: sent but not signed either (fetch sends none for an empty body on DELETE or OPTIONS)", async (method) => {
    await withLocalSigner("AKIDCONTENTLENGTH", async (local) => {
      for (const body of ["", new Uint8Array(0)]) {
        const signed = local.signRequest({ method, path: "/pets", headers: contentLength, body })
        expect(signed.headers.Authorization).not.toMatch(/content-length/)
        expect((await fetch(signed.url, signed)).status).toBe(200)
      }
    })
  })

  it("is signed as soon as there is a body", () => {
    const { headers } = signer.signRequest({ method: "POST", path: "/", headers: { "Content-Length": "2" }, body: "{}" })
    expect(headers.Authorization).toMatch(/SignedHeaders=accept;content-length;[a-z-;]*host;x-amz-date,/)
  })

  it.each(["GET", "HEAD", "DELETE", "OPTIONS", "POST"] as const)("%s: verifies whether the client sends it (node:http) or drops it (fetch)", async (method) => {
    await withLocalSigner("AKIDCONTENTLENGTH", async (local) => {
      const { url, headers } = local.signRequest({ method, path: "/pets", headers: contentLength })
      expect((await fetch(url, { method, headers })).status).toBe(200)
      const viaHttp = await new Promise<number>((resolve, reject) => {
        http.request(url, { method, headers }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        }).on("error", reject).end()
      })
      expect(viaHttp).toBe(200)
    })
  })
})

describe("what 2.x did silently, said out loud", () => {
  it.each(["GET", "HEAD"] as const)("a body on %s is a SigningError that names the fix (2.x dropped it)", (method) => {
    expect(() => signer.signRequest({ method, path: "/", body: { q: 1 } })).toThrow(
      expect.objectContaining({ _tag: "SigningError", field: "body", message: expect.stringContaining("queryParams") })
    )
  })

  it("an empty body on GET is no body", () => {
    expect(signer.signRequest({ method: "GET", path: "/", body: "" })).not.toHaveProperty("body")
  })

  describe("a missing region", () => {
    beforeEach(() => {
      vi.stubEnv("AWS_REGION", "")
      vi.stubEnv("AWS_DEFAULT_REGION", "")
    })
    afterEach(() => vi.unstubAllEnvs())

    it("is a SigningError, not us-east-1", () => {
      expect(() => new ApiGatewaySigner({ endpoint: "https://api.example.com/prod", ...keys })).toThrow(
        expect.objectContaining({ _tag: "SigningError", reason: "MissingRegion" })
      )
    })
  })
})

describe("header values given as lists (Node's OutgoingHttpHeaders)", () => {
  it("are one header, the values joined by a comma as SigV4 joins a repeated header", () => {
    const { headers } = signer.signRequest({ method: "GET", path: "/", headers: { "x-multi": [" b ", "a", 3] } })
    expect(headers["x-multi"]).toBe("b,a,3")
  })

  it("an empty list sends no header", () => {
    expect(signer.signRequest({ method: "GET", path: "/", headers: { "x-multi": [] } }).headers).not.toHaveProperty("x-multi")
  })

  it("a list item with a line break is refused, as a value is", () => {
    expect(() => signer.signRequest({ method: "GET", path: "/", headers: { "x-multi": ["a", "b\r\nx: y"] } })).toThrow(
      expect.objectContaining({ _tag: "SigningError", field: "headers" })
    )
  })

  it.each([
    ["get-header-key-duplicate", ["value2", "value2", "value1"]],
    ["get-header-value-order", ["value4", "value1", "value3", "value2"]]
  ] as const)("the official suite's %s passes through the facade", (name, values) => {
    vi.useFakeTimers({ now: Date.UTC(2015, 7, 30, 12, 36, 0) })
    try {
      const suiteSigner = new ApiGatewaySigner({
        endpoint: "https://example.amazonaws.com",
        region: "us-east-1",
        service: "service",
        accessKey: "AKIDEXAMPLE",
        secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        defaultAcceptType: false
      })
      const { headers } = suiteSigner.signRequest({ method: "GET", path: "/", headers: { "My-Header1": values } })
      const expected = readFileSync(join(SUITE_DIR, name, "header-signature.txt"), "utf8").trim()
      expect(headers.Authorization).toContain("SignedHeaders=host;my-header1;x-amz-date,")
      expect(headers.Authorization).toMatch(new RegExp(`Signature=${expected}$`))
    } finally {
      vi.useRealTimers()
    }
  })
})

describe("the service, read from the host like the region", () => {
  it.each([
    ["https://abc123.execute-api.eu-west-1.amazonaws.com/prod", "eu-west-1", "execute-api"],
    ["https://abc123.execute-api.us-east-1.vpce.amazonaws.com/prod", "us-east-1", "execute-api"],
    ["https://xyz.lambda-url.ap-southeast-2.on.aws", "ap-southeast-2", "lambda"],
    ["https://xyz.appsync-api.us-west-2.amazonaws.com/graphql", "us-west-2", "appsync"]
  ] as const)("%s signs for %s / %s", (endpoint, region, service) => {
    const { headers } = new ApiGatewaySigner({ endpoint, ...keys }).signRequest({ method: "GET", path: "/" })
    expect(headers.Authorization).toContain(`/${region}/${service}/aws4_request`)
  })

  it("service still overrides what the host says", () => {
    const { headers } = new ApiGatewaySigner({ endpoint: "https://xyz.lambda-url.us-east-1.on.aws", ...keys, service: "execute-api" })
      .signRequest({ method: "GET", path: "/" })
    expect(headers.Authorization).toContain("/us-east-1/execute-api/aws4_request")
  })
})

describe("2.x code's types: what compiled against 2.x's (any, mutable fields) still compiles, where the run time takes it", () => {
  it("queryParams and headers of null send none: a Lambda event's queryStringParameters and headers are passed on as they are", () => {
    const event = { queryStringParameters: null, multiValueQueryStringParameters: null, headers: {} } as Pick<
      APIGatewayProxyEvent,
      "queryStringParameters" | "multiValueQueryStringParameters" | "headers"
    >
    const single = signer.signRequest({ method: HttpMethods.GET, path: "/pets", queryParams: event.queryStringParameters, headers: event.headers })
    const multi = signer.signRequest({ method: HttpMethods.GET, path: "/pets", queryParams: event.multiValueQueryStringParameters, headers: null })
    for (const signed of [single, multi]) {
      expect(signed.url).toBe(`${ENDPOINT}/pets`)
      expect(Object.keys(signed.headers).sort()).toEqual(["Accept", "Authorization", "x-amz-date"])
    }
  })
})

describe("queryParams and headers typed by an interface (which has no index signature), as 2.x's any took them", () => {
  interface ListPetsQuery {
    limit: number
    cursor?: string
    tags?: ReadonlyArray<string>
  }
  interface ClientHeaders {
    "x-api-key": string
    "x-trace-id"?: string
  }
  const query: ListPetsQuery = { limit: 10, cursor: "abc", tags: ["a", "b"] }
  const clientHeaders: ClientHeaders = { "x-api-key": "k" }
  const request: RequestToSign = { method: "GET", path: "/pets" }

  it("are taken by signRequest, signRequestAsync, presignRequest and makeRequestWithRetries", async () => {
    const expected = `${ENDPOINT}/pets?cursor=abc&limit=10&tags=a&tags=b`
    expect(signer.signRequest({ ...request, queryParams: query, headers: clientHeaders })).toMatchObject({ url: expected, headers: { "x-api-key": "k" } })
    expect((await signer.signRequestAsync({ ...request, queryParams: query, headers: clientHeaders })).url).toBe(expected)
    expect(signer.presignRequest({ ...request, queryParams: query, headers: clientHeaders }).url).toContain("&cursor=abc&limit=10&tags=a&tags=b&")
    expect(await signer.makeRequestWithRetries({ ...request, queryParams: query, headers: clientHeaders }, (signed) => signed.url, 0)).toBe(expected)
  })

  it("a request declared with them names their types: RequestToSign<ListPetsQuery, ClientHeaders>", () => {
    const typed: RequestToSign<ListPetsQuery, ClientHeaders> = { ...request, queryParams: query, headers: clientHeaders }
    expect(signer.signRequest(typed).url).toBe(`${ENDPOINT}/pets?cursor=abc&limit=10&tags=a&tags=b`)
  })

  it("one of two object literals with other keys, picked by a condition, is taken as queryParams and as headers", () => {
    const pick = (anonymous: boolean) =>
      signer.signRequest({
        ...request,
        queryParams: anonymous ? { all: true } : { page: 2, size: 10 },
        headers: anonymous ? { "x-anon": "1" } : { "x-api-key": "k" }
      })
    expect(pick(true).url).toBe(`${ENDPOINT}/pets?all=true`)
    expect(pick(false).headers).toMatchObject({ "x-api-key": "k" })
  })

  it("with a value the run time refuses (an object, a function) are still compile errors, as they are when written out", () => {
    interface NestedQuery {
      limit: number
      filter: { kind: string }
    }
    interface CallbackHeaders {
      "x-api-key": () => string
    }
    const nested: NestedQuery = { limit: 1, filter: { kind: "dog" } }
    const callback: CallbackHeaders = { "x-api-key": () => "k" }
    // @ts-expect-error: filter is an object
    expect(() => signer.signRequest({ ...request, queryParams: nested })).toThrow(expect.objectContaining({ _tag: "SigningError", field: "queryParams" }))
    // @ts-expect-error: the value is a function
    expect(() => signer.signRequest({ ...request, headers: callback })).toThrow(expect.objectContaining({ _tag: "SigningError", field: "headers" }))
    // @ts-expect-error: a nested object, written out
    expect(() => signer.signRequest({ ...request, queryParams: { filter: { kind: "dog" } } })).toThrow(expect.objectContaining({ field: "queryParams" }))
    // @ts-expect-error: a list of strings is not a list of [name, value] pairs
    expect(() => signer.signRequest({ ...request, queryParams: ["a", "b"] })).toThrow(expect.objectContaining({ field: "queryParams" }))
    // @ts-expect-error: a RequestToSign, without a type argument, takes only objects of query values
    const typed: RequestToSign = { ...request, queryParams: nested }
    expect(typed.queryParams).toBe(nested)
  })
})

describe("2.x code that builds a request or a config step by step, or changes the signed request", () => {
  it("fills in a RequestToSign and a RequestSignerConfig field by field", () => {
    const config: RequestSignerConfig = { endpoint: ENDPOINT }
    config.accessKey = keys.accessKey
    config.secretKey = keys.secretKey
    const request: RequestToSign = { method: HttpMethods.GET, path: "/pets" }
    request.method = HttpMethods.POST
    request.body = { name: "Rex" }
    request.headers = { "x-api-key": "k" }
    const signed = new ApiGatewaySigner(config).signRequest(request)
    expect(signed).toMatchObject({ method: "POST", body: "{\"name\":\"Rex\"}", headers: { "x-api-key": "k" } })
  })

  it("changes the signed request's fields (an unsigned header added, the headers replaced)", () => {
    const signed: SignedRequestData = signer.signRequest({ method: HttpMethods.GET, path: "/pets" })
    signed.headers["x-trace"] = "t-1"
    signed.headers = { ...signed.headers, "x-other": "o" }
    signed.url = `${signed.url}`
    expect(signed.headers).toMatchObject({ "x-trace": "t-1", "x-other": "o", Authorization: expect.any(String) })
  })

  it("still passes read-only values: a request and a config written as const, read-only lists", () => {
    const config = { endpoint: ENDPOINT, ...keys } as const
    const request = { method: "GET", path: "/pets", queryParams: { ids: ["a", "b"] }, headers: { "x-list": ["1", "2"] } } as const
    const ids: ReadonlyArray<string> = ["c"]
    const pairs: ReadonlyArray<readonly [string, string]> = [["d", "e"]]
    const own = new ApiGatewaySigner(config)
    expect(own.signRequest(request).url).toBe(`${ENDPOINT}/pets?ids=a&ids=b`)
    expect(own.signRequest({ method: "GET", path: "/", queryParams: { ids }, headers: pairs }).url).toBe(`${ENDPOINT}/?ids=c`)
    expect(own.presignRequest(request).url).toContain("ids=a&ids=b")
  })
})
