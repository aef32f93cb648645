/**
 * The Promise facade: the original package's API, behaviour by behaviour.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import ApiGatewaySigner, {
  ApiGatewaySigner as NamedApiGatewaySigner,
  HttpMethods,
  RequestError,
  type RequestSignerConfig,
  type SignedRequestData,
  SigningError
} from "api-gateway-request-signer"
import { bodyBytes, dateOf, smithyAuthorization, wireViewOf } from "./support/oracles.js"
import { thrownBy } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const keys = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", ...keys })

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/

const pathOf = (url: string) => new URL(url).pathname
const signedHeadersOf = (authorization: string | undefined) => /SignedHeaders=([^,]+)/.exec(authorization ?? "")![1]!.split(";")

describe("exports", () => {
  it("ApiGatewaySigner is the default export and a named export", () => {
    expect(ApiGatewaySigner).toBe(NamedApiGatewaySigner)
  })

  it("HttpMethods lists the methods API Gateway routes", () => {
    expect(HttpMethods).toEqual({
      GET: "GET", POST: "POST", PUT: "PUT", PATCH: "PATCH", DELETE: "DELETE", HEAD: "HEAD", OPTIONS: "OPTIONS"
    })
  })

  it("SigningError and RequestError are error classes", () => {
    expect(new SigningError({ reason: "InvalidRequest", message: "x" })).toBeInstanceOf(Error)
    expect(new RequestError({ reason: "RetriesExhausted", attempts: 1, cause: "x", message: "x" })).toBeInstanceOf(Error)
  })
})

describe("constructor", () => {
  beforeEach(() => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "")
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "")
    vi.stubEnv("AWS_SESSION_TOKEN", "")
    vi.stubEnv("AWS_REGION", "")
    vi.stubEnv("AWS_DEFAULT_REGION", "")
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it("reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN when no keys are given", () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    vi.stubEnv("AWS_SESSION_TOKEN", "token-from-env")
    const request = new ApiGatewaySigner({ endpoint: ENDPOINT }).signRequest({ method: "GET", path: "/" })
    expect(request.headers.Authorization).toContain("Credential=AKIDFROMENV/")
    expect(request.headers["x-amz-security-token"]).toBe("token-from-env")
  })

  it("uses the keys given over the environment, without mixing in the environment's session token", () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    vi.stubEnv("AWS_SESSION_TOKEN", "token-from-env")
    const request = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys }).signRequest({ method: "GET", path: "/" })
    expect(request.headers.Authorization).toContain("Credential=AKIDEXAMPLE/")
    expect(request.headers).not.toHaveProperty("x-amz-security-token")
  })

  it("refuses an access key without its secret key (and the reverse)", () => {
    expect(() => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE" })).toThrow(/pass accessKey and secretKey together/)
    expect(() => new ApiGatewaySigner({ endpoint: ENDPOINT, secretKey: "s" })).toThrow(SigningError)
  })

  it("throws a MissingCredentials SigningError naming the constructor fields and the variables", () => {
    const error = captureThrow(() => new ApiGatewaySigner({ endpoint: ENDPOINT }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(error.message).toMatch(/accessKey/)
    expect(error.message).toMatch(/secretKey/)
    expect(error.message).toMatch(/AWS_ACCESS_KEY_ID/)
    expect(error.message).toMatch(/AWS_SECRET_ACCESS_KEY/)
  })

  it("reads the region from an execute-api endpoint", () => {
    expect(new ApiGatewaySigner({ endpoint: "https://x.execute-api.ap-southeast-2.amazonaws.com/dev", ...keys }).region).toBe("ap-southeast-2")
  })

  it("reads the region from a private API's VPC endpoint host", () => {
    expect(new ApiGatewaySigner({ endpoint: "https://vpce-0abc-x.execute-api.eu-central-1.vpce.amazonaws.com/dev", ...keys }).region).toBe("eu-central-1")
  })

  it.each([
    ["China", "x.execute-api.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["GovCloud", "x.execute-api.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["the European Sovereign Cloud", "x.execute-api.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"],
    ["ISO (C2S)", "x.execute-api.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"],
    ["ISO-B (SC2S)", "x.execute-api.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"],
    ["ISO-E", "x.execute-api.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"],
    ["ISO-F", "x.execute-api.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"]
  ])("reads the region from an execute-api endpoint in %s, over AWS_REGION", (_, host, region) => {
    vi.stubEnv("AWS_REGION", "us-east-1")
    expect(new ApiGatewaySigner({ endpoint: `https://${host}/dev`, ...keys }).region).toBe(region)
  })

  it.each(["AWS_REGION", "AWS_DEFAULT_REGION"])("refuses a bad region read from %s, naming where it was read", (name) => {
    vi.stubEnv(name, "\"eu-west-1\"")
    expect(thrownBy(() => new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", ...keys }))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringContaining("(read from AWS_REGION or AWS_DEFAULT_REGION) is not valid")
    })
  })

  it("prefers the region given", () => {
    expect(new ApiGatewaySigner({ endpoint: "https://x.execute-api.ap-southeast-2.amazonaws.com/dev", region: "eu-west-1", ...keys }).region).toBe("eu-west-1")
  })

  it("falls back to AWS_REGION for custom domains", () => {
    vi.stubEnv("AWS_REGION", "sa-east-1")
    expect(new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", ...keys }).region).toBe("sa-east-1")
  })

  it("throws a MissingRegion SigningError when no region can be found", () => {
    const error = captureThrow(() => new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", ...keys }))
    expect(error).toMatchObject({ reason: "MissingRegion" })
    expect(error.message).toMatch(/region/)
    expect(error.message).toMatch(/AWS_REGION/)
  })

  it("signs for execute-api by default, and for the service given (service or serviceName)", () => {
    const scope = (s: ApiGatewaySigner) => /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(s.signRequest({ method: "GET", path: "/" }).headers.Authorization!)![1]
    expect(scope(signer)).toBe("execute-api")
    expect(scope(new ApiGatewaySigner({ endpoint: ENDPOINT, service: "lambda", ...keys }))).toBe("lambda")
    expect(scope(new ApiGatewaySigner({ endpoint: ENDPOINT, serviceName: "vpc-lattice-svcs", ...keys }))).toBe("vpc-lattice-svcs")
  })

  // As 2.x read them (with ||), and as migration.md says: "", null and undefined all mean "not given".
  it.each([[""], ["  "], [null]])("takes serviceName where service is %j", (service) => {
    const given = new ApiGatewaySigner({ endpoint: ENDPOINT, service: service as never, serviceName: "lambda", ...keys })
    expect(given.service).toBe("lambda")
  })

  it("refuses a service and a serviceName that differ, rather than let one of them win unsaid", () => {
    expect(captureThrow(() => new ApiGatewaySigner({ endpoint: ENDPOINT, service: "lambda", serviceName: "execute-api", ...keys }))).toMatchObject({
      reason: "InvalidConfig",
      message: `service "lambda" and serviceName "execute-api" (2.x's name for it) differ: pass one of them.`
    })
    expect(new ApiGatewaySigner({ endpoint: ENDPOINT, service: "lambda", serviceName: "lambda", ...keys }).service).toBe("lambda")
  })

  // Deno asks for each environment variable read (or refuses it): none is read that the signer does not need.
  it("reads AWS_REGION and AWS_DEFAULT_REGION only when neither the options nor the host give the region", () => {
    const environment = process.env
    const read: Array<string | symbol> = []
    process.env = new Proxy({ ...environment }, { get: (target, name) => (read.push(name), Reflect.get(target, name)) })
    try {
      new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys })
      new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", region: "eu-west-1", ...keys })
      expect(read.filter((name) => name === "AWS_REGION" || name === "AWS_DEFAULT_REGION")).toEqual([])
      process.env["AWS_DEFAULT_REGION"] = "ap-south-1"
      delete process.env["AWS_REGION"]
      expect(new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", ...keys }).region).toBe("ap-south-1")
      expect(read).toEqual(expect.arrayContaining(["AWS_REGION", "AWS_DEFAULT_REGION"]))
    } finally {
      process.env = environment
    }
  })

  it.each(["", " ", "\t"])("takes AWS_DEFAULT_REGION when AWS_REGION is set empty or blank (%j, AWS_REGION= in a CI file), as the AWS CLI does", (blank) => {
    vi.stubEnv("AWS_REGION", blank)
    vi.stubEnv("AWS_DEFAULT_REGION", "eu-north-1")
    expect(new ApiGatewaySigner({ endpoint: "https://api.example.com/v1", ...keys }).region).toBe("eu-north-1")
  })

  it("does not show secrets in its JSON or inspect output", async () => {
    const { inspect } = await import("node:util")
    const withToken = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, sessionToken: "SESSIONTOKENVALUE" })
    for (const shown of [JSON.stringify(withToken), inspect(withToken, { depth: 10, showHidden: true }), String(withToken)]) {
      expect(shown).not.toContain(keys.secretKey)
      expect(shown).not.toContain("SESSIONTOKENVALUE")
    }
  })
})

/**
 * React Native's built-in URL is no WHATWG URL: before 0.80 it parses a URL but throws
 * "not implemented" from every getter but href; from 0.80 it parses nothing, taking any text
 * for a URL (react-native-url-polyfill is the usual fix for both).
 */
describe("where URL cannot read a URL's parts (React Native's own URL before 0.80)", () => {
  class UrlWithoutGetters extends URL {}
  for (const part of ["protocol", "username", "password", "host", "hostname", "port", "pathname", "origin", "search", "hash"]) {
    Object.defineProperty(UrlWithoutGetters.prototype, part, {
      get: () => {
        throw new Error(`URL.${part} is not implemented`)
      }
    })
  }
  beforeEach(() => {
    vi.stubGlobal("URL", UrlWithoutGetters)
    return () => vi.unstubAllGlobals()
  })

  it("the constructor throws an InvalidEndpoint SigningError that names the runtime's URL and the polyfill, not the endpoint", () => {
    const error = captureThrow(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1", ...keys }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidEndpoint" })
    expect(error.message).toMatch(/URL\.\w+ is not implemented/)
    expect(error.message).toMatch(/react-native-url-polyfill/)
    expect(error.message).not.toMatch(/configuration is unusable/)
  })
})

describe("where URL takes any text for a URL (React Native's own URL from 0.80)", () => {
  // Parses what a WHATWG URL parses; anything else becomes a URL of its own text, never an error.
  class LaxURL extends URL {
    constructor(text: string | URL, base?: string | URL) {
      try {
        super(text, base)
      } catch {
        super("http://unparsed.invalid/")
      }
    }
  }
  beforeEach(() => {
    vi.stubGlobal("URL", LaxURL)
    return () => vi.unstubAllGlobals()
  })

  it.each(["http://exa mple.com/prod", "http://127.0.0.1:99999/prod", ENDPOINT])(
    "the constructor refuses the endpoint %s with an InvalidEndpoint SigningError that names the polyfill",
    (endpoint) => {
      const error = captureThrow(() => new ApiGatewaySigner({ endpoint, region: "us-east-1", ...keys }))
      expect(error).toMatchObject({ reason: "InvalidEndpoint" })
      expect(error.message).toBe(
        "This runtime's URL is not a standard (WHATWG) one (it takes \"not a URL\" for a URL), as React Native's built-in URL is not; " +
          "install react-native-url-polyfill and import \"react-native-url-polyfill/auto\" before this package."
      )
    }
  )
})

describe("signRequest: the URL", () => {
  it("is the endpoint with its stage, plus the path", () => {
    expect(signer.signRequest({ method: HttpMethods.GET, path: "/path/to/some/resource" }).url).toBe(`${ENDPOINT}/path/to/some/resource`)
  })

  it("adds the leading slash a path lacks", () => {
    expect(signer.signRequest({ method: "GET", path: "pets" }).url).toBe(`${ENDPOINT}/pets`)
  })

  it("sends an empty path to the endpoint itself, as 2.x did, and / to the endpoint with a slash", () => {
    expect(signer.signRequest({ method: "GET", path: "" }).url).toBe(ENDPOINT)
    expect(signer.signRequest({ method: "GET", path: "?a=1" }).url).toBe(`${ENDPOINT}?a=1`)
    expect(signer.signRequest({ method: "GET", path: "/" }).url).toBe(`${ENDPOINT}/`)
    const resource = new ApiGatewaySigner({ endpoint: `${ENDPOINT}/graphql`, ...keys })
    expect(resource.signRequest({ method: "POST", path: "", body: "{}" }).url).toBe(`${ENDPOINT}/graphql`)
    const root = new ApiGatewaySigner({ endpoint: "https://api.example.com", region: "us-east-1", ...keys })
    expect(root.signRequest({ method: "GET", path: "" }).url).toBe("https://api.example.com/")
  })

  it("sends a whole URL that is the endpoint itself there, as path \"\" is, and one with a slash with it", async () => {
    const resource = new ApiGatewaySigner({ endpoint: `${ENDPOINT}/graphql`, ...keys })
    expect((await resource.signRequestAsync(new Request(`${ENDPOINT}/graphql`, { method: "POST", body: "{}" }))).url).toBe(`${ENDPOINT}/graphql`)
    expect((await resource.signRequestAsync(new Request(`${ENDPOINT}/graphql/`, { method: "POST", body: "{}" }))).url).toBe(`${ENDPOINT}/graphql/`)
  })

  it("ignores a trailing slash on the endpoint", () => {
    const s = new ApiGatewaySigner({ endpoint: `${ENDPOINT}/`, ...keys })
    expect(s.signRequest({ method: "GET", path: "/pets" }).url).toBe(`${ENDPOINT}/pets`)
  })

  it("keeps %XX escapes, so encodeURIComponent segments work", () => {
    const id = "a/b c?d#e%f"
    const url = signer.signRequest({ method: "GET", path: `/items/${encodeURIComponent(id)}` }).url
    expect(url).toBe(`${ENDPOINT}/items/a%2Fb%20c%3Fd%23e%25f`)
    expect(decodeURIComponent(pathOf(url).split("/").pop()!)).toBe(id)
  })

  it("encodes spaces, unicode and reserved characters, which then decode to the path given", () => {
    const path = "/a b/ሴ😀/@:=+!*'(),;$&"
    const url = signer.signRequest({ method: "GET", path }).url
    expect(pathOf(url).split("/").map(decodeURIComponent).join("/")).toBe("/prod" + path)
    expect(new URL(url).href).toBe(url)
  })

  it("keeps // and trailing spaces", () => {
    const url = signer.signRequest({ method: "GET", path: "//double//slash/trailing  " }).url
    expect(pathOf(url)).toBe("/prod//double//slash/trailing%20%20")
  })

  it("resolves dot segments, as every HTTP client would before sending", () => {
    expect(signer.signRequest({ method: "GET", path: "/a/./b/../c" }).url).toBe(`${ENDPOINT}/a/c`)
    expect(signer.signRequest({ method: "GET", path: "/a/%2E%2e/c" }).url).toBe(`${ENDPOINT}/c`)
  })

  it("refuses a path whose .. climbs above the stage", () => {
    expect(() => signer.signRequest({ method: "GET", path: "/../admin" })).toThrow(SigningError)
    expect(() => signer.signRequest({ method: "GET", path: "/../admin" })).toThrow(/climbs above/)
  })

  it("puts the query in canonical order: encoded key, then value", () => {
    const url = signer.signRequest({ method: "GET", path: "/", queryParams: { b: "2", a: ["z", "y"], C: "3" } }).url
    expect(new URL(url).search).toBe("?C=3&a=y&a=z&b=2")
  })

  it("merges a ?query in the path with queryParams", () => {
    const url = signer.signRequest({ method: "GET", path: "/search?q=cats&page=2", queryParams: { limit: 10 } }).url
    expect(new URL(url).search).toBe("?limit=10&page=2&q=cats")
  })

  it("writes numbers and booleans as text, and an array value as a repeated key", () => {
    const url = signer.signRequest({ method: "GET", path: "/", queryParams: { n: 1.5, t: true, f: false, tag: ["x", "y"] } }).url
    expect(new URL(url).search).toBe("?f=false&n=1.5&t=true&tag=x&tag=y")
  })

  it("skips undefined and null query values on purpose, and keeps empty strings", () => {
    const url = signer.signRequest({ method: "GET", path: "/", queryParams: { a: undefined, b: null, c: "", d: [undefined, "1"] } }).url
    expect(new URL(url).search).toBe("?c=&d=1")
  })

  it("reads a + in a query written in the path as a space, as API Gateway and URLSearchParams read it, and sends it as %20", () => {
    const url = signer.signRequest({ method: "GET", path: "/search?q=hello+world&tag=a%2Bb" }).url
    expect(new URL(url).search).toBe("?q=hello%20world&tag=a%2Bb")
  })

  it("encodes + as %2B and a space as %20, so both survive", () => {
    const url = signer.signRequest({ method: "GET", path: "/", queryParams: { q: "a+b c" } }).url
    expect(new URL(url).search).toBe("?q=a%2Bb%20c")
    expect(new URL(url).searchParams.get("q")).toBe("a+b c")
  })

  it("accepts URLSearchParams, a Map and a list of pairs as queryParams", () => {
    const expected = "?a=1&a=2&b=3"
    expect(new URL(signer.signRequest({ method: "GET", path: "/", queryParams: new URLSearchParams("a=1&b=3&a=2") }).url).search).toBe(expected)
    expect(new URL(signer.signRequest({ method: "GET", path: "/", queryParams: new Map<string, string | Array<string>>([["a", ["1", "2"]], ["b", "3"]]) }).url).search).toBe(expected)
    expect(new URL(signer.signRequest({ method: "GET", path: "/", queryParams: [["b", "3"], ["a", "2"], ["a", "1"]] }).url).search).toBe(expected)
  })

  it.each([
    ["a generator", () => (function*() {
      yield ["b", "3"]
      yield ["a", "1"]
    })()],
    ["map.entries()", () => new Map([["b", "3"], ["a", "1"]]).entries()],
    ["a Set of pairs", () => new Set([["b", "3"], ["a", "1"]])]
  ])("reads queryParams from %s as its pairs, never as an object without entries", (_, params) => {
    const url = signer.signRequest({ method: "GET", path: "/", queryParams: params() as never }).url
    expect(new URL(url).search).toBe("?a=1&b=3")
  })

  it("refuses queryParams whose iteration throws, quoting nothing of it", () => {
    const params = (function*() {
      yield ["a", "1"]
      throw new Error("sk_live_SECRETVALUE123")
    })()
    expect(() => signer.signRequest({ method: "GET", path: "/", queryParams: params as never })).toThrow(
      expect.objectContaining({ _tag: "SigningError", field: "queryParams", message: expect.not.stringContaining("sk_live") })
    )
  })
})

describe("signRequest: the headers", () => {
  it("are the original package's by default: Accept (signed), x-amz-date and Authorization, nothing else", () => {
    const { headers } = signer.signRequest({ method: "GET", path: "/" })
    expect(Object.keys(headers).sort()).toEqual(["Accept", "Authorization", "x-amz-date"])
    expect(headers.Accept).toBe("application/json")
    expect(headers.Authorization).toMatch(AUTHORIZATION)
    expect(headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/)
    expect(signedHeadersOf(headers.Authorization)).toEqual(["accept", "host", "x-amz-date"])
  })

  it("given as a generator or map.entries() are read as their pairs and signed, never dropped", () => {
    for (const given of [(function*() {
      yield ["x-a", "1"]
    })(), new Map([["x-a", "1"]]).entries()]) {
      const { headers } = signer.signRequest({ method: "GET", path: "/", headers: given as never })
      expect(headers["x-a"]).toBe("1")
      expect(signedHeadersOf(headers.Authorization)).toContain("x-a")
    }
  })

  it("carry the configured Accept, or none with defaultAcceptType: false", () => {
    const xml = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, defaultAcceptType: "application/xml" }).signRequest({ method: "GET", path: "/" })
    expect(xml.headers.Accept).toBe("application/xml")
    const none = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, defaultAcceptType: false }).signRequest({ method: "GET", path: "/" })
    expect(Object.keys(none.headers).sort()).toEqual(["Authorization", "x-amz-date"])
  })

  it("include x-amz-security-token, signed, when there is a session token", () => {
    const { headers } = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, sessionToken: "TOKEN" }).signRequest({ method: "GET", path: "/" })
    expect(headers["x-amz-security-token"]).toBe("TOKEN")
    expect(signedHeadersOf(headers.Authorization)).toEqual(["accept", "host", "x-amz-date", "x-amz-security-token"])
  })

  it("can add the session token unsigned, as the original package did", () => {
    const { headers } = new ApiGatewaySigner({ endpoint: ENDPOINT, ...keys, sessionToken: "TOKEN", signSessionToken: false })
      .signRequest({ method: "GET", path: "/" })
    expect(headers["x-amz-security-token"]).toBe("TOKEN")
    expect(signedHeadersOf(headers.Authorization)).toEqual(["accept", "host", "x-amz-date"])
  })

  it("keep the caller's headers as given, and sign them", () => {
    const { headers } = signer.signRequest({ method: "GET", path: "/", headers: { Accept: "application/json", "X-Trace": "  a   b " } })
    expect(headers).toMatchObject({ Accept: "application/json", "X-Trace": "  a   b " })
    expect(signedHeadersOf(headers.Authorization)).toEqual(["accept", "host", "x-amz-date", "x-trace"])
  })

  it("leave out host unless it differs from the URL's host", () => {
    const same = signer.signRequest({ method: "GET", path: "/", headers: { Host: "ABC123.execute-api.us-east-1.amazonaws.com" } })
    expect(Object.keys(same.headers).map((name) => name.toLowerCase())).not.toContain("host")
    const other = signer.signRequest({ method: "GET", path: "/", headers: { host: "api.internal.example" } })
    expect(other.headers["host"]).toBe("api.internal.example")
  })

  // A variable set empty ({ host: process.env.API_HOST }): sent, the empty Host becomes the URL's host (403), a blank one routes nowhere.
  it.each(["", " "])("refuse a Host header of %j, naming it and what to do", (value) => {
    expect(thrownBy(() => signer.signRequest({ method: "GET", path: "/", headers: { host: value } }))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidRequest",
      field: "headers",
      message: expect.stringMatching(/^The Host header is (empty|blank); leave it out to sign the endpoint's host/)
    })
  })

  it("never sign headers a client or proxy may change", () => {
    const { headers } = signer.signRequest({
      method: "GET",
      path: "/",
      headers: { "User-Agent": "x", Connection: "keep-alive", Expect: "100-continue", "X-Amzn-Trace-Id": "Root=1", "Transfer-Encoding": "chunked" }
    })
    expect(signedHeadersOf(headers.Authorization)).toEqual(["accept", "host", "x-amz-date"])
  })

  it("accept a fetch Headers object, a Map and a list of pairs", () => {
    for (const input of [new Headers({ "x-a": "1" }), new Map([["x-a", "1"]]), [["x-a", "1"]] as const]) {
      expect(signedHeadersOf(signer.signRequest({ method: "GET", path: "/", headers: input }).headers.Authorization)).toContain("x-a")
    }
  })

  it("skip a header whose value is undefined or null", () => {
    const { headers } = signer.signRequest({ method: "GET", path: "/", headers: { "x-a": undefined, "x-b": null } })
    expect(Object.keys(headers).sort()).toEqual(["Accept", "Authorization", "x-amz-date"])
  })

  it("carry a new x-amz-date when the clock has moved", () => {
    vi.useFakeTimers({ now: Date.UTC(2024, 1, 29, 23, 59, 59) })
    try {
      expect(signer.signRequest({ method: "GET", path: "/" }).headers["x-amz-date"]).toBe("20240229T235959Z")
      vi.setSystemTime(Date.UTC(2024, 2, 1, 0, 0, 1))
      const later = signer.signRequest({ method: "GET", path: "/" }).headers
      expect(later["x-amz-date"]).toBe("20240301T000001Z")
      expect(later.Authorization).toContain("/20240301/us-east-1/")
    } finally {
      vi.useRealTimers()
    }
  })
})

describe("signRequest: the body", () => {
  it("is absent when none is given", () => {
    expect(signer.signRequest({ method: "GET", path: "/" })).not.toHaveProperty("body")
  })

  it("serializes a plain object or array to JSON, with Content-Type application/json", () => {
    const request = signer.signRequest({ method: "POST", path: "/", body: { name: "Rex", tags: ["a"] } })
    expect(request.body).toBe('{"name":"Rex","tags":["a"]}')
    expect(request.headers["Content-Type"]).toBe("application/json")
    expect(signedHeadersOf(request.headers.Authorization)).toContain("content-type")
    expect(signer.signRequest({ method: "POST", path: "/", body: [1, 2] }).body).toBe("[1,2]")
  })

  it("keeps the caller's content type for a JSON body", () => {
    const request = signer.signRequest({ method: "POST", path: "/", body: { a: 1 }, headers: { "Content-Type": "application/vnd.api+json" } })
    expect(request.headers).toEqual(expect.objectContaining({ "Content-Type": "application/vnd.api+json" }))
    expect(request.headers).not.toHaveProperty("content-type")
  })

  it("sends a string as given, without adding a content type", () => {
    const request = signer.signRequest({ method: "PUT", path: "/", body: "plain text ✓" })
    expect(request.body).toBe("plain text ✓")
    expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain("content-type")
  })

  it("sends bytes as given: Uint8Array, ArrayBuffer and slices of a larger buffer", () => {
    const bytes = new Uint8Array([0, 255, 1, 254])
    expect([...(signer.signRequest({ method: "POST", path: "/", body: bytes }).body as Uint8Array)]).toEqual([...bytes])
    const buffer = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer
    expect(signer.signRequest({ method: "POST", path: "/", body: buffer }).body).toBe(buffer)
    const slice = new Uint8Array(buffer, 2, 3)
    const sent = signer.signRequest({ method: "POST", path: "/", body: slice }).body as Uint8Array
    expect([...sent]).toEqual([1, 2, 3])
    // axios sends a typed array's whole ArrayBuffer: the body returned spans exactly its bytes.
    expect([...new Uint8Array(sent.buffer)]).toEqual([1, 2, 3])
  })

  it("sends URLSearchParams as given, with the form content type fetch would add", () => {
    const form = new URLSearchParams({ a: "1 2", b: "x&y" })
    const request = signer.signRequest({ method: "POST", path: "/", body: form })
    expect(request.body).toBeInstanceOf(URLSearchParams)
    expect(String(request.body)).toBe("a=1+2&b=x%26y")
    expect(request.headers["Content-Type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8")
  })

  it("returns a copy of a URLSearchParams body: changing yours after signing cannot change what is sent", () => {
    const form = new URLSearchParams({ a: "1" })
    const request = signer.signRequest({ method: "POST", path: "/", body: form })
    form.append("b", "2")
    expect(String(request.body)).toBe("a=1")
  })

  it.each([
    ["a JSON object with unicode", { ü: "∑", n: [1, 2] }],
    ["a string", "plain text ✓\n"],
    ["every byte value", Uint8Array.from({ length: 256 }, (_, i) => i)],
    ["a slice of a larger buffer", new Uint8Array(Uint8Array.from([9, 9, 1, 2, 3, 9]).buffer, 2, 3)],
    ["an ArrayBuffer", Uint8Array.from([7, 0, 7]).buffer],
    ["URLSearchParams", new URLSearchParams({ a: "1 2", b: "x&y" })]
  ] as const)("hashes exactly the bytes sent (%s): the AWS SDK's signer, given those bytes, signs the same", async (_, input) => {
    const request = signer.signRequest({ method: "POST", path: "/x", body: input })
    const sent = bodyBytes(request.body)
    expect(sent?.length).toBeGreaterThan(0)
    const theirs = await smithyAuthorization(
      wireViewOf(request),
      { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey },
      { region: "us-east-1", service: "execute-api", signingDate: dateOf(request.headers["x-amz-date"]!) }
    )
    expect(request.headers.Authorization).toBe(theirs)
  })

  it("hashes the bytes sent, not the value given: one more byte in the body, another signature", async () => {
    const request = signer.signRequest({ method: "POST", path: "/x", body: "abc" })
    const theirs = await smithyAuthorization(
      { ...wireViewOf(request), body: Buffer.from("abcd") },
      { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey },
      { region: "us-east-1", service: "execute-api", signingDate: dateOf(request.headers["x-amz-date"]!) }
    )
    expect(request.headers.Authorization).not.toBe(theirs)
  })

  it.each(["GET", "HEAD"] as const)("drops an empty body on %s, which fetch refuses to send", (method) => {
    for (const body of ["", new Uint8Array(), new ArrayBuffer(0), new URLSearchParams()]) {
      const request = signer.signRequest({ method, path: "/", body })
      expect(request).not.toHaveProperty("body")
      expect(request.method).toBe(method)
      expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain("content-type")
    }
  })
})

describe("signRequest: the method", () => {
  it("accepts lower case and returns upper case", () => {
    expect(signer.signRequest({ method: "patch", path: "/" }).method).toBe("PATCH")
  })
})

function captureThrow(f: () => unknown): Error & Record<string, unknown> {
  try {
    f()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error("expected a throw")
}

describe("compatibility with the original package's types", () => {
  it("HttpMethods is usable as a type, and RequestSignerConfig and SignedRequestData exist", () => {
    const method: HttpMethods = HttpMethods.POST
    const config: RequestSignerConfig = { endpoint: ENDPOINT, ...keys }
    const signed: SignedRequestData = new ApiGatewaySigner(config).signRequest({ method, path: "/" })
    expect(signed.method).toBe("POST")
  })
})
