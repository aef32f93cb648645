/**
 * SigV4's public signing functions take wire requests as given, so they
 * check them: nothing that would make the signed text differ from what
 * travels (a forged canonical line, an injected header) is signed. An
 * obsolete line fold, the one multi-line header form HTTP/1.1 had, is still
 * signed as the AWS suite expects (test/SigV4.suite.test.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { SigningError, SigV4 } from "api-gateway-request-signer"

const options = {
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  region: "us-east-1",
  signingTime: Date.UTC(2024, 0, 1)
}
const HOST: readonly [string, string] = ["host", "abc123.execute-api.us-east-1.amazonaws.com"]

const refusals = (request: SigV4.WireRequest, extra: Partial<SigV4.SignOptions> = {}): Array<unknown> =>
  [
    () => SigV4.signHeaders(request, { ...options, ...extra }),
    () => SigV4.presign(request, { ...options, ...extra, expiresIn: 60 })
  ].map((sign) => {
    try {
      sign()
    } catch (error) {
      return error
    }
    return undefined
  })

const expectRefused = (request: SigV4.WireRequest, message: RegExp, extra: Partial<SigV4.SignOptions> = {}) => {
  for (const error of refusals(request, extra)) {
    expect(error).toBeInstanceOf(SigningError)
    expect((error as SigningError).message).toMatch(message)
  }
}

describe("SigV4.signHeaders and SigV4.presign refuse what would inject", () => {
  it.each([
    ["CRLF and a header after it", "1\r\nx-injected: evil"],
    ["a bare LF", "1\nx-injected: evil"],
    ["a bare CR", "1\rx"],
    ["a NUL", "1\u0000"],
    ["a line break at the end", "1\n"]
  ])("a header value with %s", (_, value) => {
    expectRefused({ method: "GET", target: "/prod/x", headers: [HOST, ["x-a", value]] }, /line break/)
  })

  it.each([
    ["a colon and a line break (a forged canonical line)", "x-a:b\nx-c"],
    ["a space", "bad name"],
    ["nothing", ""]
  ])("a header name with %s", (_, name) => {
    expectRefused({ method: "GET", target: "/prod/x", headers: [HOST, [name, "1"]] }, /not an HTTP token/)
  })

  it("a method that is not a token", () => {
    expectRefused({ method: "GET /evil HTTP/1.1\r\nX:", target: "/", headers: [HOST] }, /method .* is not an HTTP token/)
  })

  it("a target with a line break", () => {
    expectRefused({ method: "GET", target: "/prod/x\r\nx-injected: evil", headers: [HOST] }, /target contains a line break/)
  })

  it("a payloadHash that is neither a hex SHA-256 nor a keyword", () => {
    expectRefused({ method: "GET", target: "/", headers: [HOST] }, /payloadHash must be/, { payloadHash: "x\nforged" })
  })
})

describe("SigV4.signHeaders and SigV4.presign sign what they checked, each field read once", () => {
  /** A value that reads `first`, then `later` on every read after: a getter a check would see, then the signing. */
  const shifting = <A>(first: A, later: A) => {
    let reads = 0
    return () => (reads++ === 0 ? first : later)
  }
  const canonicalOf = (request: SigV4.WireRequest) => SigV4.signHeaders(request, options).canonicalRequest

  it("a method that reads as a token, then as a forged line: signed as read the first time", () => {
    const method = shifting("GET", "GET\nx-forged:1")
    const request = { get method() { return method() }, target: "/prod", headers: [HOST] }
    expect(canonicalOf(request).startsWith("GET\n/prod\n")).toBe(true)
  })

  it("a target that reads clean, then with a line break: presign's target is the clean one", () => {
    const target = shifting("/prod/a", "/prod/a\r\nx-injected: 1")
    const presigned = SigV4.presign({ method: "GET", get target() { return target() }, headers: [HOST] }, { ...options, expiresIn: 60 })
    expect(presigned.target).toMatch(/^\/prod\/a\?X-Amz-Algorithm=/)
  })

  it("a header whose name reads as a token, then with a line break: signed as read the first time", () => {
    const name = shifting("x-a", "x-a\nx-forged")
    const pair: [string, string] = ["", "1"]
    Object.defineProperty(pair, 0, { get: name })
    const canonical = canonicalOf({ method: "GET", target: "/prod", headers: [HOST, pair] })
    expect(canonical).toContain("\nx-a:1\n")
    expect(canonical).not.toContain("x-forged")
  })

  it("a payloadHash option that reads valid, then malformed: the valid one is signed", () => {
    const hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    const payloadHash = shifting(hash, "not\na hash")
    const signature = SigV4.signHeaders({ method: "GET", target: "/prod", headers: [HOST] }, { ...options, get payloadHash() { return payloadHash() } })
    expect(signature.canonicalRequest.endsWith("\n" + hash)).toBe(true)
  })
})

describe("SigV4 still signs what HTTP allows", () => {
  it("an obsolete line fold (a line break then a space or tab) is signed, canonicalized as one line", () => {
    const signed = SigV4.signHeaders({ method: "GET", target: "/", headers: [HOST, ["x-a", "value1\n  value2\r\n\tvalue3"]] }, options)
    expect(signed.canonicalRequest).toContain("\nx-a:value1 value2 value3\n")
  })

  it.each(["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])(
    "payloadHash %s",
    (payloadHash) => {
      expect(SigV4.signHeaders({ method: "GET", target: "/", headers: [HOST] }, { ...options, payloadHash }).canonicalRequest.endsWith(payloadHash)).toBe(true)
    }
  )
})

describe("SigV4.signHeaders and SigV4.presign refuse a target no client sends", () => {
  it.each([
    ["a path without its leading slash", "pets", /must start with "\/"/],
    ["a whole URL", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", /is a whole URL .*pass its path and query alone/],
    ["a fragment", "/prod/pets#top", /#fragment/],
    ["an asterisk (OPTIONS *)", "*", /must start with "\/"/],
    ["an empty target", "", /must start with "\/"/]
  ])("%s", (_, target, message) => {
    expectRefused({ method: "GET", target, headers: [HOST] }, message)
    for (const error of refusals({ method: "GET", target, headers: [HOST] })) expect(error).toMatchObject({ reason: "InvalidRequest", field: "path" })
  })

  it("a # sent encoded (%23) in a path or a value is signed as sent", () => {
    for (const error of refusals({ method: "GET", target: "/prod/tags/%23new?q=%23a", headers: [HOST] })) expect(error).toBeUndefined()
  })
})

describe("a refused wire request names the part at fault (SigningError.field)", () => {
  const fieldOf = (request: unknown): Array<unknown> =>
    refusals(request as SigV4.WireRequest).map((error) => (error as SigningError).field)

  it.each([
    ["an empty method", { method: "", target: "/prod/x", headers: [HOST] }, "method"],
    ["a method that is not an HTTP token", { method: "GE T", target: "/prod/x", headers: [HOST] }, "method"],
    ["a target that is not a string", { method: "GET", target: 7, headers: [HOST] }, "path"],
    ["a line break in the target", { method: "GET", target: "/prod/x\n", headers: [HOST] }, "path"],
    ["a target without a leading /", { method: "GET", target: "prod/x", headers: [HOST] }, "path"],
    ["no Host header", { method: "GET", target: "/prod/x", headers: [] }, "headers"],
    ["a header name that is not a token", { method: "GET", target: "/prod/x", headers: [HOST, ["x a", "1"]] }, "headers"],
    ["a body that is neither text nor bytes", { method: "POST", target: "/prod/x", headers: [HOST], body: 7 }, "body"]
  ])("%s: %s", (_, request, field) => {
    expect(fieldOf(request)).toEqual([field, field])
  })

  it("a request that is not an object names no part", () => {
    expect(fieldOf(null)).toEqual([undefined, undefined])
  })

  it("verify names the part of a received request at fault", () => {
    const verifyField = (request: unknown) => {
      try {
        SigV4.verify(request as SigV4.ReceivedRequest, { credentials: [options.credentials], region: "us-east-1", now: 0 })
      } catch (error) {
        return (error as SigningError).field
      }
      return "not refused"
    }
    expect(verifyField({ method: "", target: "/x", headers: {} })).toBe("method")
    expect(verifyField({ method: "GET", target: 1, headers: {} })).toBe("path")
    expect(verifyField({ method: "GET", target: "/x", headers: 1 })).toBe("headers")
    expect(verifyField({ method: "GET", target: "/x", headers: {}, body: 1 })).toBe("body")
  })
})
