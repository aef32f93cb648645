/**
 * Diagnosis of signature mismatches: the server's canonical request read out
 * of a 403 body in every shape it comes in, compared with ours part by part,
 * and formatted so the differing line and its usual cause stand out. The 403
 * bodies are API Gateway's (test/fixtures/api-gateway-403), never text written
 * by this library; the server's canonical request for a tampered request is
 * the one @smithy/signature-v4 computes.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { Credentials, Signer } from "api-gateway-request-signer"
import * as Diagnosis from "api-gateway-request-signer/Diagnosis"
import { gatewayBody, gatewayMessage, MISMATCH, MISMATCH_QUOTED_HEADER, signatureMismatchBody } from "./support/apiGateway403.js"
import { dateOf, queryAsBytes, smithySign } from "./support/oracles.js"

const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
const TOKEN = "diagnosis-session-token-0123456789"

const canonical = (parts: {
  readonly method?: string
  readonly path?: string
  readonly query?: string
  readonly headers?: ReadonlyArray<string>
  readonly signedHeaders?: string
  readonly payloadHash?: string
}): string =>
  [
    parts.method ?? "GET",
    parts.path ?? "/prod/pets",
    parts.query ?? "",
    ...(parts.headers ?? ["host:abc123.execute-api.us-east-1.amazonaws.com", "x-amz-date:20240101T000000Z"]),
    "",
    parts.signedHeaders ?? "host;x-amz-date",
    parts.payloadHash ?? EMPTY_HASH
  ].join("\n")

const STRING_TO_SIGN = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/execute-api/aws4_request\n" + "ab".repeat(32)

const changed = (diff: ReadonlyArray<Diagnosis.DiffLine>) =>
  diff.filter((line) => line.kind !== "same").map(({ kind, part, line, serverLineNumber, oursLineNumber }) => ({
    kind,
    part,
    line,
    number: kind === "server" ? serverLineNumber : oursLineNumber
  }))

describe("parseSignatureMismatch", () => {
  it.each([
    ["signature-mismatch.json", MISMATCH],
    ["signature-mismatch-quoted-header.json", MISMATCH_QUOTED_HEADER]
  ] as const)("reads API Gateway's body (%s) as the gateway words it, quotes inside the canonical request included", (name, expected) => {
    expect(Diagnosis.parseSignatureMismatch(gatewayBody(name))).toEqual(expected)
  })

  it("reads the JSON body as text or bytes, and the parsed body with message or Message", () => {
    const json = gatewayBody("signature-mismatch-quoted-header.json")
    const { message } = JSON.parse(json) as { message: string }
    expect(Diagnosis.parseSignatureMismatch(new TextEncoder().encode(json))).toEqual(MISMATCH_QUOTED_HEADER)
    expect(Diagnosis.parseSignatureMismatch({ message })).toEqual(MISMATCH_QUOTED_HEADER)
    expect(Diagnosis.parseSignatureMismatch(message)).toEqual(MISMATCH_QUOTED_HEADER)
    expect(Diagnosis.parseSignatureMismatch({ Message: message })).toEqual(MISMATCH_QUOTED_HEADER)
    expect(Diagnosis.parseSignatureMismatch(`  ${JSON.stringify({ Message: message, __type: "InvalidSignatureException" })}\n`))
      .toEqual(MISMATCH_QUOTED_HEADER)
  })

  it("reads the body a real API Gateway stage sent (postmanlabs/postman-app-support#5815; the x-api-key value replaced)", () => {
    const body = String.raw`{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/services/sfs/v1/ownerships/1003234576898765/telematics/remote-engine/async-request\n\ncontent-type:application/json\nhost:pri-q1-eu.gtc20.com\nx-api-key:EXAMPLEKEYEXAMPLEKEYEXAMPLEKEYEXAMPLEKEY\nx-event-time:2018-11-07T05:55:10+00:00\nx-gtc-external-system-id:TSP\nx-one-time-uuid:fb5a68d8-88db-4065-9ae7-3f2cedd633b0\nx-vin:93210000000000000\n\ncontent-type;host;x-api-key;x-event-time;x-gtc-external-system-id;x-one-time-uuid;x-vin\n0d7b357bf5e4e4e27adf8b58537526719757200f60d7f601ac337e27b3542566'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20190123T095948Z\n20190123/eu-west-1/execute-api/aws4_request\n61d38f17aee9808e2c23939b04e74a10f9d35984ebab8ab282babc77d1c85d1d'\n"}`
    const parsed = Diagnosis.parseSignatureMismatch(body)!
    expect(Diagnosis.parseCanonicalRequest(parsed.canonicalRequest)).toMatchObject({
      method: "POST",
      path: "/services/sfs/v1/ownerships/1003234576898765/telematics/remote-engine/async-request",
      query: "",
      signedHeaders: "content-type;host;x-api-key;x-event-time;x-gtc-external-system-id;x-one-time-uuid;x-vin",
      payloadHash: "0d7b357bf5e4e4e27adf8b58537526719757200f60d7f601ac337e27b3542566"
    })
    expect(parsed.stringToSign.split("\n")[2]).toBe("20190123/eu-west-1/execute-api/aws4_request")
  })

  it("tolerates CRLF line ends", () => {
    expect(Diagnosis.parseSignatureMismatch(gatewayMessage("signature-mismatch.json").replace(/\n/g, "\r\n"))).toEqual(MISMATCH)
  })

  it("reads the CanonicalRequest and StringToSign elements of an XML error", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code>` +
      `<StringToSign>${STRING_TO_SIGN}</StringToSign><CanonicalRequest>GET\n/a\nx=1&amp;y=2\nhost:h&#x41;&#65;&#x110000;\n\nhost\n${EMPTY_HASH}</CanonicalRequest></Error>`
    expect(Diagnosis.parseSignatureMismatch(xml)).toEqual({
      canonicalRequest: `GET\n/a\nx=1&y=2\nhost:hAA&#x110000;\n\nhost\n${EMPTY_HASH}`,
      stringToSign: STRING_TO_SIGN
    })
  })

  it.each([
    "missing-authentication-token.json",
    "invalid-security-token.json",
    "signature-expired.json",
    "signature-not-yet-current.json"
  ] as const)("gives undefined for API Gateway's other 403 bodies: %s", (name) => {
    expect(Diagnosis.parseSignatureMismatch(gatewayBody(name))).toBeUndefined()
    expect(Diagnosis.parseSignatureMismatch(JSON.parse(gatewayBody(name)))).toBeUndefined()
  })

  it("gives undefined for every other body", () => {
    for (
      const body of [
        "Missing Authentication Token",
        { message: 42 },
        "{ not json",
        "",
        null,
        undefined,
        42,
        { Message: "The Canonical String for this request should have been\n'unterminated" }
      ]
    ) {
      expect(Diagnosis.parseSignatureMismatch(body)).toBeUndefined()
    }
  })
})

describe("parseCanonicalRequest", () => {
  it("splits the six parts", () => {
    expect(Diagnosis.parseCanonicalRequest(canonical({ query: "a=1", headers: ["host:h", "x-a:1"] }))).toEqual({
      method: "GET",
      path: "/prod/pets",
      query: "a=1",
      headers: ["host:h", "x-a:1"],
      signedHeaders: "host;x-amz-date",
      payloadHash: EMPTY_HASH
    })
  })

  it("refuses text of another shape", () => {
    expect(Diagnosis.parseCanonicalRequest("GET\n/\n")).toBeUndefined()
    expect(Diagnosis.parseCanonicalRequest("a\nb\nc\nd\ne\nf\ng")).toBeUndefined()
  })
})

describe("diffCanonicalRequests", () => {
  it("marks every line same when the requests are equal", () => {
    const text = canonical({})
    const diff = Diagnosis.diffCanonicalRequests(text, text)
    expect(diff.every((line) => line.kind === "same")).toBe(true)
    expect(diff.map((line) => line.line).join("\n")).toBe(text)
    expect(diff.map((line) => line.serverLineNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(Diagnosis.differingParts(diff)).toEqual([])
  })

  it("pinpoints a differing path line", () => {
    const diff = Diagnosis.diffCanonicalRequests(canonical({ path: "/prod/a%2520b" }), canonical({ path: "/prod/a%20b" }))
    expect(changed(diff)).toEqual([
      { kind: "server", part: "path", line: "/prod/a%2520b", number: 2 },
      { kind: "ours", part: "path", line: "/prod/a%20b", number: 2 }
    ])
    expect(Diagnosis.differingParts(diff)).toEqual(["path"])
  })

  it("pinpoints a changed header value as a pair of lines, and an added header as one", () => {
    const ours = canonical({ headers: ["content-type:application/json", "host:h", "x-amz-date:20240101T000000Z"] })
    const server = canonical({
      headers: ["content-type:application/json; charset=utf-8", "host:h", "x-amz-date:20240101T000000Z", "x-forwarded-for:10.0.0.1"]
    })
    const diff = Diagnosis.diffCanonicalRequests(server, ours)
    expect(changed(diff)).toEqual([
      { kind: "server", part: "header", line: "content-type:application/json; charset=utf-8", number: 4 },
      { kind: "ours", part: "header", line: "content-type:application/json", number: 4 },
      { kind: "server", part: "header", line: "x-forwarded-for:10.0.0.1", number: 7 }
    ])
    // After the extra header the two texts number their lines differently.
    const last = diff[diff.length - 1]!
    expect(last).toMatchObject({ kind: "same", part: "payloadHash", serverLineNumber: 10, oursLineNumber: 9 })
  })

  it("pinpoints a differing payload hash, query, method and signed-headers list", () => {
    const diff = Diagnosis.diffCanonicalRequests(
      canonical({ method: "POST", query: "a=1&b=2", signedHeaders: "host", payloadHash: "1".repeat(64) }),
      canonical({ method: "PUT", query: "b=2&a=1", signedHeaders: "host;x-amz-date", payloadHash: "2".repeat(64) })
    )
    expect(Diagnosis.differingParts(diff)).toEqual(["method", "query", "signedHeaders", "payloadHash"])
    expect(changed(diff).filter((line) => line.part === "payloadHash")).toEqual([
      { kind: "server", part: "payloadHash", line: "1".repeat(64), number: 8 },
      { kind: "ours", part: "payloadHash", line: "2".repeat(64), number: 8 }
    ])
  })

  it("compares text that is no canonical request as plain lines", () => {
    const diff = Diagnosis.diffCanonicalRequests("a\nb\nc", "a\nx\nc")
    expect(changed(diff)).toEqual([
      { kind: "server", part: "unknown", line: "b", number: 2 },
      { kind: "ours", part: "unknown", line: "x", number: 2 }
    ])
  })
})

describe("formatDiff", () => {
  it("names the differing part and line, labels every line, and gives the hint", () => {
    const text = Diagnosis.formatDiff(
      Diagnosis.diffCanonicalRequests(canonical({ path: "/prod/a%2520b" }), canonical({ path: "/prod/a%20b" }))
    )
    const lines = text.split("\n")
    expect(lines[0]).toBe("The server's canonical request differs from ours in the path (line 2):")
    expect(lines).toContain("server  2  path            /prod/a%2520b")
    expect(lines).toContain("ours    2  path            /prod/a%20b")
    expect(lines).toContain("        1  method          GET")
    expect(lines).toContain(`        8  payload hash    ${EMPTY_HASH}`)
    expect(lines.filter((line) => /^(server|ours) /.test(line))).toHaveLength(2)
    expect(lines[lines.length - 1]).toBe(`hint (path): ${Diagnosis.HINTS.path}`)
  })

  it("names the headers that differ in the hint", () => {
    const text = Diagnosis.formatDiff(
      Diagnosis.diffCanonicalRequests(canonical({ headers: ["host:h:8443", "x-a:1"] }), canonical({ headers: ["host:h", "x-a:1"] }))
    )
    expect(text).toContain("differs from ours in the headers (line 4):")
    expect(text).toContain(`hint (header host): ${Diagnosis.HINTS.header}`)
  })

  it("hides session tokens unless told not to, and says when hidden values differ", () => {
    const server = canonical({ headers: ["host:h", `x-amz-security-token:${TOKEN}`], query: `X-Amz-Security-Token=${TOKEN}&a=1` })
    const ours = canonical({ headers: ["host:h", "x-amz-security-token:other-token-value"], query: `X-Amz-Security-Token=${TOKEN}&a=1` })
    const diff = Diagnosis.diffCanonicalRequests(server, ours)
    const text = Diagnosis.formatDiff(diff)
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain("other-token-value")
    expect(text).toContain("query           X-Amz-Security-Token=<redacted>&a=1")
    expect(text).toContain("server  5  header          x-amz-security-token:<redacted> (values differ)")
    expect(text).toContain("ours    5  header          x-amz-security-token:<redacted> (values differ)")
    expect(Diagnosis.formatDiff(diff, { redact: false })).toContain(`x-amz-security-token:${TOKEN}`)
  })

  it("says so when nothing differs", () => {
    const text = canonical({})
    expect(Diagnosis.formatDiff(Diagnosis.diffCanonicalRequests(text, text))).toBe("The server's canonical request is identical to ours.")
  })
})

describe("redactSessionToken", () => {
  it("hides the token in a canonical request and in a URL", () => {
    expect(Diagnosis.redactSessionToken(`GET\n/\n\nhost:h\nx-amz-security-token:${TOKEN}\n\nhost\n${EMPTY_HASH}`))
      .toBe(`GET\n/\n\nhost:h\nx-amz-security-token:<redacted>\n\nhost\n${EMPTY_HASH}`)
    expect(Diagnosis.redactSessionToken(`/p?X-Amz-Date=1&X-Amz-Security-Token=${TOKEN}&X-Amz-Signature=ab`))
      .toBe("/p?X-Amz-Date=1&X-Amz-Security-Token=<redacted>&X-Amz-Signature=ab")
    expect(Diagnosis.redactSessionToken(`/p?X-Amz-Security-Token=${TOKEN}`)).toBe("/p?X-Amz-Security-Token=<redacted>")
  })
})

describe("diagnose", () => {
  const ours = { canonicalRequest: canonical({}), stringToSign: STRING_TO_SIGN }

  it("is undefined for bodies that are no signature mismatch", () => {
    expect(Diagnosis.diagnose(gatewayBody("missing-authentication-token.json"), ours)).toBeUndefined()
    expect(Diagnosis.diagnose(gatewayBody("signature-expired.json"), ours)).toBeUndefined()
    expect(Diagnosis.diagnose("<html>Forbidden</html>", ours)).toBeUndefined()
    expect(Diagnosis.diagnose(undefined, ours)).toBeUndefined()
  })

  it("shows the canonical request diff when the canonical requests differ", () => {
    const body = signatureMismatchBody(canonical({ payloadHash: "f".repeat(64) }), STRING_TO_SIGN)
    const report = Diagnosis.diagnose(body, ours)!
    expect(report).toContain("differs from ours in the payload hash (line 8):")
    expect(report).toContain(`server  8  payload hash    ${"f".repeat(64)}`)
    expect(report).toContain(`hint (payload hash): ${Diagnosis.HINTS.payloadHash}`)
  })

  it("blames the key when canonical request and string to sign are identical", () => {
    const body = signatureMismatchBody(ours.canonicalRequest, ours.stringToSign)
    expect(Diagnosis.diagnose(body, ours)).toMatch(/identical to ours, so the signature differs by the key alone/)
  })

  it("shows the string-to-sign diff when only the scope differs", () => {
    const body = JSON.parse(signatureMismatchBody(ours.canonicalRequest, STRING_TO_SIGN.replace("us-east-1", "eu-west-1"))) as unknown
    const report = Diagnosis.diagnose(body, ours)!
    expect(report).toContain("The server's canonical request is identical to ours.")
    expect(report).toContain("The server's string to sign differs from ours in the scope (line 3):")
    expect(report).toContain("server  3  scope      20240101/eu-west-1/execute-api/aws4_request")
    expect(report).toContain("hint (scope)")
  })
})

describe("against the AWS SDK's signer as the server", () => {
  // Ours from Signer.signRequestWithDetails. The server's canonical request and string to sign are the ones
  // @smithy/signature-v4 computes for the request as it arrived, tampered with, put in API Gateway's 403 body.
  const credentials = { accessKeyId: "AKIDDIAGNOSIS", secretAccessKey: "diagnosis/secret+key", sessionToken: TOKEN }
  const NOW = Date.UTC(2024, 4, 2, 10, 0, 0)
  const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"

  const serverSees = (
    signed: Signer.SignedRequestWithDetails,
    tamper: (wire: { target: string; headers: Record<string, string>; body: string }) => void
  ) =>
    Effect.promise(async () => {
      const url = new URL(signed.request.url)
      const wire = {
        target: url.pathname + url.search,
        headers: { ...signed.request.headers },
        body: typeof signed.request.body === "string" ? signed.request.body : ""
      }
      tamper(wire)
      const mark = wire.target.indexOf("?")
      const { authorization: _, "x-amz-date": amzDate, "x-amz-security-token": __, ...headers } = wire.headers
      const server = await smithySign(
        {
          method: signed.request.method,
          hostname: url.hostname,
          path: mark === -1 ? wire.target : wire.target.slice(0, mark),
          query: queryAsBytes(mark === -1 ? "" : wire.target.slice(mark + 1)),
          headers: { ...headers, host: url.host },
          body: wire.body
        },
        credentials,
        { region: "us-east-1", service: "execute-api", signingDate: dateOf(amzDate!) }
      )
      return signatureMismatchBody(server.canonicalRequest, server.stringToSign)
    })

  const sign = (request: Parameters<typeof Signer.signRequestWithDetails>[0]) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      return yield* Signer.signRequestWithDetails(request, { endpoint: ENDPOINT })
    }).pipe(Effect.provide(Credentials.layer(credentials)))

  it.effect("finds nothing to blame in the request when nothing was tampered with", () =>
    Effect.gen(function*() {
      const signed = yield* sign({ method: "POST", path: "/a b/ü", queryParams: { q: "x y" }, headers: { "x-tenant": "blue" }, body: { a: 1 } })
      const report = Diagnosis.diagnose(yield* serverSees(signed, () => {}), signed)!
      expect(report).toMatch(/identical to ours, so the signature differs by the key alone/)
    }))

  it.effect("pinpoints a path re-encoded in transit", () =>
    Effect.gen(function*() {
      const signed = yield* sign({ method: "GET", path: "/a b" })
      const report = Diagnosis.diagnose(yield* serverSees(signed, (wire) => (wire.target = "/prod/a+b")), signed)!
      expect(report).toMatch(/^The server's canonical request differs from ours in the path \(line 2\):/)
      expect(report).toMatch(/^server +2 +path +\/prod\/a%2Bb$/m)
      expect(report).toMatch(/^ours +2 +path +\/prod\/a%2520b$/m)
      expect(report).not.toContain(TOKEN)
    }))

  it.effect("pinpoints a header a proxy rewrote", () =>
    Effect.gen(function*() {
      const signed = yield* sign({ method: "GET", path: "/pets", headers: { "x-tenant": "blue" } })
      const report = Diagnosis.diagnose(yield* serverSees(signed, (wire) => (wire.headers["x-tenant"] = "green")), signed)!
      expect(report).toMatch(/^server +7 +header +x-tenant:green$/m)
      expect(report).toMatch(/^ours +7 +header +x-tenant:blue$/m)
      expect(report.split("\n").filter((line) => /^(server|ours) /.test(line))).toHaveLength(2)
      expect(report).toContain("hint (header x-tenant)")
      expect(report).toContain("x-amz-security-token:<redacted>")
      expect(report).not.toContain(TOKEN)
    }))

  it.effect("pinpoints a body changed after signing, and a query changed in transit", () =>
    Effect.gen(function*() {
      const signed = yield* sign({ method: "POST", path: "/pets", queryParams: { page: 2 }, body: { a: 1 } })
      const body = Diagnosis.diagnose(yield* serverSees(signed, (wire) => (wire.body = "{\"a\": 1}")), signed)!
      expect(body).toContain("differs from ours in the payload hash")
      expect(body).toContain("hint (payload hash)")
      const query = Diagnosis.diagnose(yield* serverSees(signed, (wire) => (wire.target = wire.target.replace("page=2", "page=3"))), signed)!
      expect(query).toMatch(/^server +3 +query +page=3$/m)
      expect(query).toMatch(/^ours +3 +query +page=2$/m)
    }))
})

describe("Diagnosis, called from plain JavaScript with the wrong arguments", () => {
  const details = { canonicalRequest: "GET\n/\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD", stringToSign: "AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/us-east-1/execute-api/aws4_request\nabc" }

  it("parseSignatureMismatch: a body whose reading throws is no mismatch (undefined), as anything else that is not one", () => {
    const body = { get message(): string { throw new Error("stream already read") } }
    expect(Diagnosis.parseSignatureMismatch(body)).toBeUndefined()
  })

  const revokedProxy = () => {
    const { proxy, revoke } = Proxy.revocable([], {})
    revoke()
    return proxy
  }

  it("parseCanonicalRequest: what is not a string has not the shape of one (undefined)", () => {
    expect(Diagnosis.parseCanonicalRequest(undefined as never)).toBeUndefined()
  })

  it.each([
    ["diagnose, without canonicalRequest", () => Diagnosis.diagnose("{}", { stringToSign: details.stringToSign } as never), /diagnose needs the signing details \{ canonicalRequest, stringToSign \}/],
    ["diagnose, given the signed request instead of its details", () => Diagnosis.diagnose("{}", { url: "https://x", headers: {} } as never), /diagnose needs the signing details/],
    ["diagnose, options that are not an object", () => Diagnosis.diagnose("{}", details, null as never), /options must be \{ redact\?: boolean \}/],
    ["diffCanonicalRequests, null", () => Diagnosis.diffCanonicalRequests(null as never, details.canonicalRequest), /canonical request must be a string; got null/],
    ["diffStringsToSign, a number", () => Diagnosis.diffStringsToSign(details.stringToSign, 5 as never), /string to sign must be a string; got number 5/],
    ["redactSessionToken, bytes", () => Diagnosis.redactSessionToken(new Uint8Array(3) as never), /must be a string; got a Uint8Array/],
    ["differingParts, a string", () => Diagnosis.differingParts("GET" as never), /the list a diff function returned/],
    ["formatDiff, undefined", () => Diagnosis.formatDiff(undefined as never), /the list a diff function returned/],
    ["formatDiff, a list holding null", () => Diagnosis.formatDiff([null] as never), /the list a diff function returned/],
    ["differingParts, a list of numbers", () => Diagnosis.differingParts([5] as never), /the list a diff function returned/],
    ["differingParts, a revoked Proxy", () => Diagnosis.differingParts(revokedProxy() as never), /the list a diff function returned/],
    ["formatDiff, a Proxy of a list whose get trap throws", () => Diagnosis.formatDiff(new Proxy([], { get: () => { throw new TypeError("trap") } }) as never), /the list a diff function returned/]
  ])("%s: a SigningError saying what it takes", (_, call, message) => {
    let thrown: unknown
    try {
      call()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
  })
})
