/**
 * verify: the server side of SigV4, with API Gateway's error types and wording.
 */
import { createHash, createHmac } from "node:crypto"
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import aws4 from "aws4"
import { AwsV4Signer } from "aws4fetch"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, { Credentials, type SignedRequest, Signer, SigV4 } from "api-gateway-request-signer"
import * as Verifier from "api-gateway-request-signer/Verifier"
import { type WireRequestSample, wireRequest } from "./support/arbitraries.js"
import { runs } from "./support/fastCheck.js"
import { gatewayMessage, signatureMismatchBody } from "./support/apiGateway403.js"
import { bodyBytes, dateOf, queryAsBytes, smithySign } from "./support/oracles.js"

const HOST = "abc123.execute-api.us-east-1.amazonaws.com"
const NOW = Date.UTC(2024, 4, 10, 10, 0, 0)
const allowed = { accessKeyId: "AKIDALLOWED", secretAccessKey: Redacted.make("allowed/secret"), sessionToken: Redacted.make("allowed-token") }
const options = { credentials: [allowed], region: "us-east-1", now: NOW }

type Received = { method: string; target: string; headers: Array<readonly [string, string]>; body?: Uint8Array }

const received = (signed: SignedRequest): Received => {
  const url = new URL(signed.url)
  const body = bodyBytes(signed.body)
  return {
    method: signed.method,
    target: url.pathname + url.search,
    headers: [["host", url.host], ...Object.entries(signed.headers)],
    ...(body === undefined ? {} : { body })
  }
}

const signAt = (time: number, request: Parameters<ApiGatewaySigner["signRequest"]>[0], credentials = { accessKey: "AKIDALLOWED", secretKey: "allowed/secret", sessionToken: "allowed-token" } as { accessKey: string; secretKey: string; sessionToken?: string }) => {
  const signer = new ApiGatewaySigner({ endpoint: `https://${HOST}/prod`, ...credentials })
  const realNow = Date.now
  Date.now = () => time
  try {
    return received(signer.signRequest(request))
  } finally {
    Date.now = realNow
  }
}

const base = () => signAt(NOW, { method: "POST", path: "/pets/1", queryParams: { a: "1", b: "2" }, headers: { "x-tenant": "t1" }, body: { name: "Rex" } })
const withHeader = (request: Received, name: string, value: string | undefined): Received => ({
  ...request,
  headers: [...request.headers.filter(([n]) => n.toLowerCase() !== name), ...(value === undefined ? [] : [[name, value] as const])]
})
const headerOf = (request: Received, name: string) => request.headers.find(([n]) => n.toLowerCase() === name)![1]

describe("verify accepts", () => {
  it("a request signed by the facade", () => {
    expect(SigV4.verify(base(), options)).toMatchObject({ valid: true, accessKeyId: "AKIDALLOWED", presigned: false })
  })

  it("headers given as a fetch Headers (a Worker's, Deno's or Bun's request.headers) or a Map", () => {
    const request = base()
    expect(SigV4.verify({ ...request, headers: new Headers(request.headers as Array<[string, string]>) }, options)).toMatchObject({ valid: true })
    expect(SigV4.verify({ ...request, headers: new Map(request.headers) }, options)).toMatchObject({ valid: true })
  })

  it("a request signed up to 5 minutes before or after now", () => {
    expect(SigV4.verify(signAt(NOW - 299_000, { method: "GET", path: "/" }), options).valid).toBe(true)
    expect(SigV4.verify(signAt(NOW + 299_000, { method: "GET", path: "/" }), options).valid).toBe(true)
  })

  // AWS's "Handling dates in Signature Version 4": without x-amz-date, the time comes from the Date header.
  it("a request signed with a Date header instead of x-amz-date", () => {
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
    const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest()
    const date = "20240510T100000Z"
    const scope = "20240510/us-east-1/execute-api/aws4_request"
    const canonical = ["GET", "/prod/pets", "", `date:${date}`, `host:${HOST}`, `x-amz-security-token:allowed-token`, "", "date;host;x-amz-security-token", sha256("")].join("\n")
    const key = ["us-east-1", "execute-api", "aws4_request"].reduce((k, part) => hmac(k, part), hmac("AWS4allowed/secret", "20240510"))
    const signature = createHmac("sha256", key).update(["AWS4-HMAC-SHA256", date, scope, sha256(canonical)].join("\n")).digest("hex")
    const request = {
      method: "GET",
      target: "/prod/pets",
      headers: [
        ["host", HOST],
        ["date", date],
        ["x-amz-security-token", "allowed-token"],
        ["authorization", `AWS4-HMAC-SHA256 Credential=AKIDALLOWED/${scope}, SignedHeaders=date;host;x-amz-security-token, Signature=${signature}`]
      ] as const
    }
    expect(SigV4.verify(request, options)).toMatchObject({ valid: true })
  })

  it("a query with + for a space, as URLSearchParams writes it and aws4fetch signs it (API Gateway reads + as a space)", async () => {
    const url = new URL(`https://${HOST}/prod/search`)
    url.searchParams.set("q", "hello world")
    url.searchParams.set("tag", "a+b")
    expect(url.search).toBe("?q=hello+world&tag=a%2Bb")
    const { headers } = await new AwsV4Signer({
      url: url.toString(),
      method: "GET",
      accessKeyId: "AKIDALLOWED",
      secretAccessKey: "allowed/secret",
      sessionToken: "allowed-token",
      service: "execute-api",
      region: "us-east-1",
      datetime: "20240510T100000Z"
    }).sign()
    const request = { method: "GET", target: url.pathname + url.search, headers: [["host", HOST] as const, ...headers.entries()] }
    expect(SigV4.verify(request, options)).toMatchObject({ valid: true })
  })

  it.prop("every random wire request signed by the core", { request: wireRequest }, ({ request }) => {
    const headers: Array<readonly [string, string]> = [["Host", HOST], ...request.headers.map(([, sent, value]) => [sent, value] as const)]
    const target = request.wirePath + (request.wireQuery === "" ? "" : "?" + request.wireQuery)
    const signed = SigV4.signHeaders({ method: request.method, target, headers, body: request.body }, { credentials: allowed, region: "us-east-1", signingTime: NOW })
    const result = SigV4.verify({ method: request.method, target, headers: [...headers, ...signed.headers], body: request.body }, options)
    expect(result.valid).toBe(true)
  }, runs(1000))
})

describe("the path verified", () => {
  const signed = () => signAt(NOW, { method: "GET", path: "/public/report" })

  it("is the path received, for a request sent as signed", () => {
    expect(SigV4.verify(signed(), options)).toMatchObject({ valid: true, path: "/prod/public/report" })
  })

  it.each([
    ["a dot-dot segment", "/prod/admin/../public/report"],
    ["a dot segment", "/prod/./public/report"],
    ["a doubled slash", "/prod//public/report"],
    ["a leading doubled slash (a URL parser's host)", "//prod/public/report"]
  ])("is the path signed, for one re-spelled with %s: a server routes on it, not on the target", (_, respelled) => {
    const request = signed()
    expect(SigV4.verify({ ...request, target: respelled }, options)).toMatchObject({ valid: true, path: "/prod/public/report" })
  })

  it("keeps the percent-encoding received", () => {
    const request = signAt(NOW, { method: "GET", path: "/files/a b/ü" })
    expect(SigV4.verify(request, options)).toMatchObject({ valid: true, path: "/prod/files/a%20b/%C3%BC" })
  })

  it.effect("is in Verifier.verify's success too", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const verified = yield* Verifier.verify({ ...signed(), target: "/prod/admin/../public/report" }, { credentials: [allowed], region: "us-east-1" })
      expect(verified.path).toBe("/prod/public/report")
    }))
})

describe("the edges of the time windows", () => {
  it("a request signed exactly 5 minutes before now is valid; a millisecond later, expired", () => {
    const request = signAt(NOW, { method: "GET", path: "/" })
    expect(SigV4.verify(request, { ...options, now: NOW + 300_000 })).toMatchObject({ valid: true })
    expect(SigV4.verify(request, { ...options, now: NOW + 300_001 })).toMatchObject({ valid: false, reason: "Expired" })
  })

  it("a request dated exactly 5 minutes ahead of now is valid; a millisecond further, not yet", () => {
    const request = signAt(NOW, { method: "GET", path: "/" })
    expect(SigV4.verify(request, { ...options, now: NOW - 300_000 })).toMatchObject({ valid: true })
    expect(SigV4.verify(request, { ...options, now: NOW - 300_001 })).toMatchObject({ valid: false, reason: "NotYetValid" })
  })

  it("a URL presigned for the longest expiry, 7 days (X-Amz-Expires=604800), is valid to its last millisecond", () => {
    const signer = new ApiGatewaySigner({ endpoint: `https://${HOST}/prod`, accessKey: "AKIDALLOWED", secretKey: "allowed/secret", sessionToken: "allowed-token" })
    const realNow = Date.now
    Date.now = () => NOW
    let url: URL
    try {
      url = new URL(signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 604_800 }).url)
    } finally {
      Date.now = realNow
    }
    const presigned: Received = { method: "GET", target: url.pathname + url.search, headers: [["host", url.host]] }
    expect(presigned.target).toContain("X-Amz-Expires=604800")
    expect(SigV4.verify(presigned, { ...options, now: NOW + 604_800_000 })).toMatchObject({ valid: true, presigned: true })
    expect(SigV4.verify(presigned, { ...options, now: NOW + 604_800_001 })).toMatchObject({ valid: false, reason: "Expired" })
  })
})

describe("verify refuses, as API Gateway does", () => {
  const cases: ReadonlyArray<readonly [string, () => Received, string, string, RegExp]> = [
    ["no Authorization header and no signature in the query", () => withHeader(base(), "authorization", undefined), "MissingAuthentication", "MissingAuthenticationTokenException", /^Missing Authentication Token$/],
    ["an Authorization header without Signature", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace(/, Signature=.*/, "")), "MalformedAuthorization", "IncompleteSignatureException", /requires 'Signature' parameter/],
    ["an Authorization header without Credential", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace(/Credential=[^,]*, /, "")), "MalformedAuthorization", "IncompleteSignatureException", /requires 'Credential' parameter/],
    ["a request without x-amz-date", () => withHeader(base(), "x-amz-date", undefined), "MalformedAuthorization", "IncompleteSignatureException", /'X-Amz-Date' or a 'Date' header/],
    // API Gateway reads any Authorization header as SigV4: a Bearer token's second word is a pair without "=".
    ["a credential of four parts, quoted as AWS quotes it (the key id, no secret, shown)", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace("/aws4_request", "")), "MalformedAuthorization", "IncompleteSignatureException", /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got 'AKIDALLOWED\/\d{8}\/us-east-1\/execute-api'$/],
    ["a secret key pasted as the credential, not quoted", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace(/Credential=[^,]*/, "Credential=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")), "MalformedAuthorization", "IncompleteSignatureException", /got a value of 40 characters, not shown \(it may be a credential\)$/],
    ["a credential of six parts, quoted: upper-case parts are no secret", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace("AKIDALLOWED/", "AKIDALLOWED/EXTRA/")), "MalformedAuthorization", "IncompleteSignatureException", /got 'AKIDALLOWED\/EXTRA\/\d{8}\/us-east-1\/execute-api\/aws4_request'$/],
    ["a UUID as the credential, not quoted", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace(/Credential=[^,]*/, "Credential=9f1c2b7e-4d3a-4c55-9e1f-0a2b3c4d5e6f")), "MalformedAuthorization", "IncompleteSignatureException", /got a value of 36 characters, not shown \(it may be a credential\)$/],
    // The token is never quoted, whatever it looks like: a UUID or a lower-case key is a credential too.
    ["a Bearer token", () => withHeader(base(), "authorization", "Bearer 9f1c2b7e-4d3a-4c55-9e1f-0a2b3c4d5e6f"), "MalformedAuthorization", "IncompleteSignatureException", /^Invalid key=value pair \(missing equal-sign\) in Authorization header: a value of 36 characters after Bearer, not shown\.$/],
    // ... and a bare token (a Cognito JWT, an API key) lacks every parameter; it is described by its length, never quoted.
    ["an API key sent as Authorization", () => withHeader(base(), "authorization", "sk_live_51HxyzSECRETapikey0123456789abcd"), "MalformedAuthorization", "IncompleteSignatureException", /^Authorization header requires 'Credential' parameter\. Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\. Authorization=a value of 40 characters, not shown$/],
    ["a lower-case API key sent as Authorization", () => withHeader(base(), "authorization", "apikey0123456789abcdef"), "MalformedAuthorization", "IncompleteSignatureException", /Authorization=a value of 22 characters, not shown$/],
    ["another algorithm, every parameter given", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace(/^AWS4-HMAC-SHA256/, "AWS4-ECDSA-P256-SHA256")), "MalformedAuthorization", "IncompleteSignatureException", /^Unsupported Authorization Type: expected AWS4-HMAC-SHA256, not "AWS4-ECDSA-P256-SHA256"\.$/],
    ["a token in place of an Authorization part, never quoted", () => withHeader(base(), "authorization", "AWS4-HMAC-SHA256 sk_live_51HxyzSECRETapikey0123456789abcd"), "MalformedAuthorization", "IncompleteSignatureException", /missing equal-sign\) in Authorization header: a value of 40 characters, not shown/],
    ["an unknown access key", () => signAt(NOW, { method: "GET", path: "/" }, { accessKey: "AKIDSTRANGER", secretKey: "x", sessionToken: "allowed-token" }), "UnknownAccessKey", "UnrecognizedClientException", /security token included in the request is invalid/],
    ["a wrong session token", () => withHeader(base(), "x-amz-security-token", "stolen-token"), "SessionTokenMismatch", "UnrecognizedClientException", /security token included in the request is invalid/],
    ["a missing session token", () => withHeader(base(), "x-amz-security-token", undefined), "SessionTokenMismatch", "UnrecognizedClientException", /invalid/],
    ["a signature for another region", () => ({ ...base(), headers: base().headers.map(([n, v]) => [n, v.replace("/us-east-1/", "/eu-west-1/")] as const) }), "WrongRegion", "InvalidSignatureException", /scoped to a valid region, not 'eu-west-1'\. $/],
    ["a signature for another service", () => ({ ...base(), headers: base().headers.map(([n, v]) => [n, v.replace("/execute-api/", "/lambda/")] as const) }), "WrongService", "InvalidSignatureException", /scoped to correct service: 'execute-api'\. $/],
    ["a scope date that is not the request's date", () => ({ ...base(), headers: base().headers.map(([n, v]) => [n, v.replace("/20240510/", "/20240509/")] as const) }), "WrongScope", "InvalidSignatureException", /Date in Credential scope does not match/],
    ["a request signed more than 5 minutes ago", () => signAt(NOW - 301_000, { method: "GET", path: "/" }), "Expired", "InvalidSignatureException", /^Signature expired: 20240510T095459Z is now earlier than 20240510T095500Z/],
    ["a request signed more than 5 minutes ahead", () => signAt(NOW + 301_000, { method: "GET", path: "/" }), "NotYetValid", "InvalidSignatureException", /^Signature not yet current/],
    ["a signed header that is missing", () => withHeader(base(), "x-tenant", undefined), "MissingSignedHeader", "InvalidSignatureException", /'x-tenant' is missing/],
    // Each mention would copy the header's value into the canonical request and the refusal: quadratic in the headers' size.
    ["a header named twice in SignedHeaders", () => withHeader(base(), "authorization", headerOf(base(), "authorization").replace("SignedHeaders=", "SignedHeaders=x-tenant;")), "MalformedAuthorization", "IncompleteSignatureException", /^SignedHeaders names the header 'x-tenant' more than once\.$/],
    ["a body that does not match x-amz-content-sha256", () => ({ ...withHeader(base(), "x-amz-content-sha256", "0".repeat(64)) }), "PayloadHashMismatch", "InvalidSignatureException", /x-amz-content-sha256/]
  ]
  it("an access key a lookup answers null for (a Map's or a database's \"none\"), as an unknown key", () => {
    const known = new Map([[allowed.accessKeyId, allowed]])
    const request = signAt(NOW, { method: "GET", path: "/" }, { accessKey: "AKIDSTRANGER", secretKey: "x" })
    expect(SigV4.verify(request, { ...options, credentials: (id: string) => known.get(id) ?? null }))
      .toMatchObject({ valid: false, reason: "UnknownAccessKey", errorType: "UnrecognizedClientException" })
  })

  it("a key id other than the one the lookup's credentials are for (a lookup that ignores the id it is given)", () => {
    const request = signAt(NOW, { method: "GET", path: "/" }, { accessKey: "AKIDADMIN", secretKey: "allowed/secret", sessionToken: "allowed-token" })
    expect(SigV4.verify(request, { ...options, credentials: () => allowed }))
      .toMatchObject({ valid: false, reason: "UnknownAccessKey", errorType: "UnrecognizedClientException" })
  })

  it("but not the key id such a lookup's credentials are for", () => {
    expect(SigV4.verify(base(), { ...options, credentials: () => allowed })).toMatchObject({ valid: true, accessKeyId: "AKIDALLOWED" })
  })

  // Read as %23, a raw "#" would let the holder of a request signed with "%23" in one value send that value
  // first, and a backend's URL parser would drop every signed parameter after it as a fragment.
  it("a target with a raw #, where the signature has %23 (SigV4 reads both alike; a URL parser does not)", () => {
    const signed = signAt(NOW, { method: "GET", path: "/search", queryParams: { q: "C#", role: "reader" } })
    expect(signed.target).toBe("/prod/search?q=C%23&role=reader")
    for (const target of ["/prod/search?q=C#&role=reader", signed.target + "#top"]) {
      const result = SigV4.verify({ ...signed, target }, options)
      expect(result).toMatchObject({ valid: false, reason: "SignatureMismatch", errorType: "InvalidSignatureException" })
      if (!result.valid) expect(result.message).toMatch(/^The request target contains '#', which no client sends: .* Send a '#' as %23\.$/)
    }
  })

  // API Gateway hashes the body it received, whatever x-amz-content-sha256 claims: a signature over
  // UNSIGNED-PAYLOAD never verifies there, whatever body comes with it.
  it("a signature over UNSIGNED-PAYLOAD, for execute-api, whatever the body", () => {
    const signed = signAt(NOW, { method: "POST", path: "/pay", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, body: { to: "alice" } })
    expect(SigV4.verify(signed, options)).toMatchObject({ valid: false, reason: "SignatureMismatch" })
    expect(SigV4.verify({ ...signed, body: new TextEncoder().encode('{"to":"mallory"}') }, options)).toMatchObject({ valid: false, reason: "SignatureMismatch" })
  })

  it("an x-amz-content-sha256 that is no hash, for execute-api, saying what it must be", () => {
    const result = SigV4.verify(withHeader(base(), "x-amz-content-sha256", "unsigned-payload"), options)
    expect(result).toMatchObject({ valid: false, reason: "PayloadHashMismatch", message: "x-amz-content-sha256 must be the hex SHA-256 of the body." })
  })

  // VPC Lattice requires UNSIGNED-PAYLOAD; S3 takes it.
  it.each(["s3", "vpc-lattice-svcs"])("but %s honours UNSIGNED-PAYLOAD: any body verifies", (service) => {
    const signed = SigV4.signHeaders(
      { method: "PUT", target: "/bucket/key", headers: [["host", "service.example.com"]], body: "first" },
      { credentials: allowed, region: "us-east-1", service, signingTime: NOW, payloadHash: "UNSIGNED-PAYLOAD", contentSha256Header: true }
    )
    const request = { method: "PUT", target: "/bucket/key", headers: [["host", "service.example.com"] as const, ...signed.headers] }
    for (const body of ["first", "any other body"]) {
      expect(SigV4.verify({ ...request, body }, { ...options, service })).toMatchObject({ valid: true })
    }
  })

  it("a session token whose credentials have expired (STS's expiration), however recently it was signed", () => {
    const expired = { ...allowed, expiration: new Date(NOW - 60_000) }
    const result = SigV4.verify(base(), { ...options, credentials: [expired] })
    expect(result).toMatchObject({ valid: false, reason: "ExpiredToken", errorType: "ExpiredTokenException", message: "The security token included in the request is expired" })
  })

  it("but not keys without a session token, whatever expiration they are given (no token to expire)", () => {
    const { sessionToken: _, ...keys } = allowed
    const request = signAt(NOW, { method: "GET", path: "/" }, { accessKey: "AKIDALLOWED", secretKey: "allowed/secret" })
    expect(SigV4.verify(request, { ...options, credentials: [{ ...keys, expiration: new Date(NOW - 60_000) }] })).toMatchObject({ valid: true })
  })

  it("but not credentials that expire later", () => {
    const fresh = { ...allowed, expiration: new Date(NOW + 60_000) }
    expect(SigV4.verify(base(), { ...options, credentials: [fresh] })).toMatchObject({ valid: true })
  })

  it.each(cases)("%s", (_, request, reason, errorType, message) => {
    const result = SigV4.verify(request(), options)
    expect(result).toMatchObject({ valid: false, reason, errorType })
    if (!result.valid) expect(result.message).toMatch(message)
  })

  it.each([
    ["a request signed more than 5 minutes ago", () => signAt(NOW - 301_000, { method: "GET", path: "/" }), "signature-expired.json"],
    ["a request signed more than 5 minutes ahead", () => signAt(NOW + 301_000, { method: "GET", path: "/" }), "signature-not-yet-current.json"],
    ["no signature", () => withHeader(base(), "authorization", undefined), "missing-authentication-token.json"],
    ["an unknown access key", () => signAt(NOW, { method: "GET", path: "/" }, { accessKey: "AKIDSTRANGER", secretKey: "x", sessionToken: "allowed-token" }), "invalid-security-token.json"],
    ["a wrong session token", () => withHeader(base(), "x-amz-security-token", "stolen-token"), "invalid-security-token.json"]
  ] as const)("%s: worded as API Gateway's %s, with this request's times", (_, request, fixture) => {
    const result = SigV4.verify(request(), options)
    if (result.valid) throw new Error("expected a refusal")
    const TIMES = /\d{8}T\d{6}Z/g
    expect(result.message.replace(TIMES, "<time>")).toBe(gatewayMessage(fixture).replace(TIMES, "<time>"))
  })

  it("a signature mismatch, worded as API Gateway's, with the canonical request (session token redacted) and string to sign the AWS SDK's signer computes for what arrived", async () => {
    const tampered = { ...base(), method: "PUT" }
    const result = SigV4.verify(tampered, options)
    expect(result).toMatchObject({ valid: false, reason: "SignatureMismatch", errorType: "InvalidSignatureException" })
    if (result.valid) return
    const mark = tampered.target.indexOf("?")
    const signed = Object.fromEntries(tampered.headers.map(([name, value]) => [name.toLowerCase(), value]))
    const { authorization: _, "x-amz-date": amzDate, "x-amz-security-token": __, ...headers } = signed
    const server = await smithySign(
      {
        method: tampered.method,
        hostname: HOST,
        path: tampered.target.slice(0, mark),
        query: queryAsBytes(tampered.target.slice(mark + 1)),
        headers,
        body: tampered.body
      },
      { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret", sessionToken: "allowed-token" },
      { region: "us-east-1", service: "execute-api", signingDate: dateOf(amzDate!) }
    )
    const tokenLine = "\nx-amz-security-token:allowed-token\n"
    expect(server.canonicalRequest).toContain(tokenLine)
    const shown = server.canonicalRequest.replace(tokenLine, "\nx-amz-security-token:<redacted>\n")
    expect(result.canonicalRequest).toBe(shown)
    expect(result.stringToSign).toBe(server.stringToSign)
    expect(result.canonicalRequest!.split("\n").slice(0, 2)).toEqual(["PUT", "/prod/pets/1"])
    expect(JSON.stringify({ message: result.message })).toBe(signatureMismatchBody(shown, server.stringToSign))
  })
})

describe("a query signature without X-Amz-Expires (aws4's signQuery, the usual way to sign a WebSocket $connect URL)", () => {
  afterEach(() => vi.useRealTimers())
  const signQueryAt = (time: number): Received => {
    vi.useFakeTimers({ toFake: ["Date"], now: time })
    const signed = aws4.sign(
      { host: HOST, path: "/prod/?room=lobby", service: "execute-api", region: "us-east-1", signQuery: true },
      { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret", sessionToken: "allowed-token" }
    )
    vi.useRealTimers()
    expect(signed.path).not.toContain("X-Amz-Expires")
    return { method: "GET", target: signed.path!, headers: [["host", HOST]] }
  }

  it("is held to the 5-minute window, as a header signature is", () => {
    expect(SigV4.verify(signQueryAt(NOW - 299_000), options)).toMatchObject({ valid: true, presigned: true })
    expect(SigV4.verify(signQueryAt(NOW + 299_000), options)).toMatchObject({ valid: true, presigned: true })
  })

  it("is refused once older than that, worded as for a header signature", () => {
    const result = SigV4.verify(signQueryAt(NOW - 301_000), options)
    expect(result).toMatchObject({ valid: false, reason: "Expired" })
    if (!result.valid) expect(result.message).toMatch(/^Signature expired: 20240510T095459Z is now earlier than 20240510T095500Z/)
  })
})

describe("a presigned request naming an authentication parameter twice", () => {
  afterEach(() => vi.useRealTimers())
  const presigned = (): Received => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW })
    const signed = aws4.sign(
      { host: HOST, path: "/prod/pets?a=1", service: "execute-api", region: "us-east-1", signQuery: true },
      { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret", sessionToken: "allowed-token" }
    )
    vi.useRealTimers()
    return { method: "GET", target: signed.path!, headers: [["host", HOST]] }
  }

  it("is valid with each once", () => {
    expect(SigV4.verify(presigned(), options)).toMatchObject({ valid: true, presigned: true })
  })

  it("is refused for a second X-Amz-Signature, which no signature covers and a handler would see", () => {
    const request = presigned()
    const result = SigV4.verify({ ...request, target: `${request.target}&X-Amz-Signature=${"0".repeat(64)}` }, options)
    expect(result).toMatchObject({ valid: false, reason: "MalformedAuthorization", message: "The query parameter X-Amz-Signature appears more than once." })
  })

  it("a parameter of the caller's named X-Amz-... twice is the signature's business, as any other", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW })
    const signed = aws4.sign(
      { host: HOST, path: "/prod/pets?X-Amz-Meta-Tag=a&X-Amz-Meta-Tag=b", service: "execute-api", region: "us-east-1", signQuery: true },
      { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret", sessionToken: "allowed-token" }
    )
    vi.useRealTimers()
    expect(SigV4.verify({ method: "GET", target: signed.path!, headers: [["host", HOST]] }, options)).toMatchObject({ valid: true })
  })
})

describe("mutating any signed part of a request is caught", () => {
  const mutations: ReadonlyArray<readonly [string, (r: Received) => Received, string]> = [
    ["a header value", (r) => withHeader(r, "x-tenant", "t2"), "SignatureMismatch"],
    ["one query value", (r) => ({ ...r, target: r.target.replace("b=2", "b=3") }), "SignatureMismatch"],
    ["one path byte", (r) => ({ ...r, target: r.target.replace("/pets/1", "/pets/2") }), "SignatureMismatch"],
    ["the body", (r) => ({ ...r, body: Buffer.from('{"name":"Max"}') }), "SignatureMismatch"],
    ["the date, within the same day", (r) => withHeader(r, "x-amz-date", "20240510T100001Z"), "SignatureMismatch"],
    ["the date, to another day", (r) => withHeader(r, "x-amz-date", "20240511T000000Z"), "WrongScope"],
    ["the method", (r) => ({ ...r, method: "DELETE" }), "SignatureMismatch"],
    ["the host", (r) => withHeader(r, "host", "evil.example.com"), "SignatureMismatch"]
  ]
  it.each(mutations)("%s", (_, mutate, reason) => {
    expect(SigV4.verify(base(), options).valid).toBe(true)
    expect(SigV4.verify(mutate(base()), options)).toMatchObject({ valid: false, reason })
  })

  const signedWire = (request: WireRequestSample) => {
    const headers: Array<readonly [string, string]> = [["host", HOST], ...request.headers.map(([, sent, value]) => [sent, value] as const)]
    const target = request.wirePath + (request.wireQuery === "" ? "" : "?" + request.wireQuery)
    const body = request.body === undefined ? new Uint8Array() : Buffer.from(request.body)
    const signed = SigV4.signHeaders({ method: request.method, target, headers, body }, { credentials: allowed, region: "us-east-1", signingTime: NOW })
    return { headers, target, body, all: [...headers, ...signed.headers] }
  }

  it.prop("any byte added to the body of a random request", {
    request: wireRequest,
    byte: fc.integer({ min: 0, max: 255 })
  }, ({ byte, request }) => {
    const { all, body, target } = signedWire(request)
    const mutated = Buffer.concat([body, Buffer.from([byte])])
    expect(SigV4.verify({ method: request.method, target, headers: all, body: mutated }, options).valid).toBe(false)
  }, runs(1000))

  // The AWS SDK's signer judges whether a changed target is still the same request: its canonical request for
  // the received target is the same (e.g. %7e for ~ in the query, or a change inside a segment that ".." removes).
  const smithyCanonicalRequest = async (method: string, target: string, headers: ReadonlyArray<readonly [string, string]>, body: Uint8Array) => {
    const mark = target.indexOf("?")
    const { canonicalRequest } = await smithySign(
      {
        method,
        hostname: HOST,
        path: mark === -1 ? target : target.slice(0, mark),
        query: queryAsBytes(mark === -1 ? "" : target.slice(mark + 1)),
        headers: Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value])),
        body
      },
      { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret", sessionToken: "allowed-token" },
      { region: "us-east-1", service: "execute-api", signingDate: new Date(NOW) }
    )
    return canonicalRequest
  }

  // A "#" is refused even where SigV4 would see the same request (`/%20/..` as `/#20/..`): see "a target with a raw #".
  it.live.prop("any single-character change to the target of a random request, unless the AWS SDK's signer sees the same request and it is no #", {
    // A request target starts with "/", which stays: at least one more character to change.
    request: wireRequest.filter((request) => request.wirePath.length + request.wireQuery.length > 1),
    position: fc.nat(),
    char: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code))
  }, ({ char, position, request }) =>
    Effect.promise(async () => {
      const { all, body, headers, target } = signedWire(request)
      const i = 1 + (position % (target.length - 1))
      const mutated = target.slice(0, i) + char + target.slice(i + 1)
      const same = (await smithyCanonicalRequest(request.method, mutated, headers, body)) ===
        (await smithyCanonicalRequest(request.method, target, headers, body))
      expect(SigV4.verify({ method: request.method, target: mutated, headers: all, body }, options).valid).toBe(same && char !== "#")
    }), runs(1000))
})

describe("Verifier.verify, as an Effect", () => {
  it.effect("verifies at the Clock's time", () =>
    Effect.gen(function*() {
      const request = base()
      yield* TestClock.setTime(NOW)
      expect(yield* Verifier.verify(request, options)).toMatchObject({ accessKeyId: "AKIDALLOWED" })
      yield* TestClock.setTime(NOW + 10 * 60_000)
      const error = yield* Effect.flip(Verifier.verify(request, options))
      expect(error).toBeInstanceOf(Verifier.VerificationError)
      expect(error).toMatchObject({ _tag: "VerificationError", reason: "Expired", errorType: "InvalidSignatureException" })
    }))
})

describe("SigV4.signHeaders with a request's own x-amz-content-sha256", () => {
  const secret = { accessKeyId: "AKIDALLOWED", secretAccessKey: "allowed/secret" }
  const wire = (value: string, body = "abc") => ({
    method: "PUT",
    target: "/k",
    body,
    headers: [["host", HOST], ["x-amz-content-sha256", value]] as Array<[string, string]>
  })
  // What a caller sends: the request's headers, and the signature's added to them, as HeaderSignature's doc says.
  const sent = (request: ReturnType<typeof wire>, signature: SigV4.HeaderSignature) => ({
    method: request.method,
    target: request.target,
    headers: [...request.headers, ...signature.headers],
    body: new TextEncoder().encode(request.body)
  })

  it.each(["execute-api", "vpc-lattice-svcs", "s3"])("%s: UNSIGNED-PAYLOAD is signed as the payload hash, as the facade signs it, and left to the request", (service) => {
    const request = wire("UNSIGNED-PAYLOAD")
    const signature = SigV4.signHeaders(request, { credentials: secret, region: "us-east-1", service, signingTime: NOW })
    expect(signature.signedHeaders).toBe("host;x-amz-content-sha256;x-amz-date")
    expect(signature.payloadHash).toBe("UNSIGNED-PAYLOAD")
    // Not written again: added to the request's headers, it would be sent twice.
    expect(signature.headers.map(([name]) => name)).not.toContain("x-amz-content-sha256")
    const facade = new ApiGatewaySigner({ endpoint: `https://${HOST}`, region: "us-east-1", service, accessKey: secret.accessKeyId, secretKey: secret.secretAccessKey, defaultAcceptType: false })
    const now = vi.spyOn(Date, "now").mockReturnValue(NOW)
    try {
      const signed = facade.signRequest({ method: "PUT", path: "/k", body: "abc", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } })
      expect(signed.headers["Authorization"]).toBe(signature.authorization)
    } finally {
      now.mockRestore()
    }
  })

  it("vpc-lattice-svcs, which honours UNSIGNED-PAYLOAD: the request as sent verifies", () => {
    const request = wire("UNSIGNED-PAYLOAD")
    const signature = SigV4.signHeaders(request, { credentials: secret, region: "us-east-1", service: "vpc-lattice-svcs", signingTime: NOW })
    const verdict = SigV4.verify(sent(request, signature), { credentials: [secret], region: "us-east-1", service: "vpc-lattice-svcs", now: NOW })
    expect(verdict).toMatchObject({ valid: true })
  })

  it("the body's own hash is signed, the signature equals smithy's, and the request as sent verifies", async () => {
    const request = wire(createHash("sha256").update("abc").digest("hex"))
    const signature = SigV4.signHeaders(request, { credentials: secret, region: "us-east-1", signingTime: NOW })
    expect(SigV4.verify(sent(request, signature), { credentials: [secret], region: "us-east-1", now: NOW })).toMatchObject({ valid: true })
    const smithy = await smithySign(
      { method: "PUT", hostname: HOST, path: "/k", query: {}, headers: Object.fromEntries(request.headers), body: "abc" },
      secret,
      { region: "us-east-1", service: "execute-api", signingDate: new Date(NOW) }
    )
    expect(signature.authorization).toBe(smithy.authorization)
  })

  it("a value that is no payload hash is refused, naming the header", () => {
    expect(() => SigV4.signHeaders(wire("abc"), { credentials: secret, region: "us-east-1", signingTime: NOW })).toThrow(
      expect.objectContaining({ _tag: "SigningError", field: "headers", message: expect.stringMatching(/x-amz-content-sha256 header must be/) })
    )
  })

  it("a hash that is not the body's is refused, for signHeaders and presign alike", () => {
    const request = wire("0".repeat(64))
    for (const sign of [() => SigV4.signHeaders(request, { credentials: secret, region: "us-east-1", signingTime: NOW }), () => SigV4.presign(request, { credentials: secret, region: "us-east-1", signingTime: NOW, expiresIn: 60 })]) {
      expect(sign).toThrow(expect.objectContaining({ field: "headers", message: expect.stringMatching(/does not match the SHA-256 of its body/) }))
    }
  })

  it("given twice, it is refused: a server reads one payload hash", () => {
    const request = { ...wire("UNSIGNED-PAYLOAD"), headers: [...wire("UNSIGNED-PAYLOAD").headers, ["X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"] as [string, string]] }
    expect(() => SigV4.signHeaders(request, { credentials: secret, region: "us-east-1", signingTime: NOW })).toThrow(
      expect.objectContaining({ field: "headers", message: expect.stringMatching(/more than once/) })
    )
  })

  it("with the payloadHash option given, the signer's header carries the option's value in place of the request's", () => {
    const signature = SigV4.signHeaders(wire("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), { credentials: secret, region: "us-east-1", signingTime: NOW, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" })
    expect(signature.headers).toContainEqual(["x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"])
    expect(signature.signedHeaders).toContain("x-amz-content-sha256")
  })
})

describe("credentials updated in place (a rotation into the same holder) are read anew", () => {
  const rotated = () => {
    const holder = { accessKeyId: "AKIDROTATING", secretAccessKey: "old/secret", sessionToken: "old-token" }
    const first = SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", HOST]] }, { credentials: holder, region: "us-east-1", signingTime: NOW })
    holder.secretAccessKey = "new/secret"
    holder.sessionToken = "new-token"
    return { holder, first }
  }
  const signedWith = (secretAccessKey: string, sessionToken: string) => {
    const request = { method: "GET", target: "/", headers: [["host", HOST]] as Array<[string, string]> }
    const signature = SigV4.signHeaders(request, { credentials: { accessKeyId: "AKIDROTATING", secretAccessKey, sessionToken }, region: "us-east-1", signingTime: NOW })
    return { ...request, headers: [...request.headers, ...signature.headers] }
  }

  it("SigV4.signHeaders signs with the holder's current token and secret", () => {
    const { holder, first } = rotated()
    const second = SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", HOST]] }, { credentials: holder, region: "us-east-1", signingTime: NOW })
    expect(second.headers).toContainEqual(["x-amz-security-token", "new-token"])
    expect(second.signature).not.toBe(first.signature)
  })

  it.each([
    ["a list", (holder: object) => [holder]],
    ["a lookup", (holder: object) => () => holder]
  ])("SigV4.verify with %s: the old secret is refused and the new one accepted", (_, credentialsOf) => {
    const { holder } = rotated()
    const verifyOptions = { credentials: credentialsOf(holder) as never, region: "us-east-1", now: NOW }
    expect(SigV4.verify(signedWith("old/secret", "old-token"), verifyOptions)).toMatchObject({ valid: false })
    expect(SigV4.verify(signedWith("new/secret", "new-token"), verifyOptions)).toMatchObject({ valid: true })
  })

  it.effect("Signer.signRequest with a Credentials service that hands out one holder signs with its current token", () =>
    Effect.gen(function*() {
      const holder = { accessKeyId: "AKIDROTATING", secretAccessKey: Redacted.make("old/secret"), sessionToken: Redacted.make("old-token") }
      const service = { get: Effect.sync(() => holder) }
      const sign = Signer.signRequest({ method: "GET", path: "/" }).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: `https://${HOST}/prod` }), Layer.succeed(Credentials.Credentials, service)))
      )
      expect((yield* sign).headers["x-amz-security-token"]).toBe("old-token")
      holder.sessionToken = Redacted.make("new-token")
      expect((yield* sign).headers["x-amz-security-token"]).toBe("new-token")
    }))
})
