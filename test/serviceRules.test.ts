/**
 * S3's signature of a path: S3 decodes the key from the path and encodes it
 * once to sign, so a sub-delim, `:` or `@` sent raw is signed escaped
 * (`year=2024` as `year%3D2024`), and a raw `+` is a space. aws4, whose S3
 * rules its author matched to S3's, is the oracle; the signer, SigV4 and the
 * verifier must agree with it. (smithy cannot judge this: the AWS SDK never
 * sends those characters raw.)
 */
import aws4 from "aws4"
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import ApiGatewaySigner, { SigV4 } from "api-gateway-request-signer"

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const HOST = "bucket.s3.us-east-1.amazonaws.com"
const NOW = Date.UTC(2024, 0, 1)
const AMZ_DATE = "20240101T000000Z"

/** `sign()` with the facade's clock (Date.now) at NOW. */
const atNow = <A>(sign: () => A): A => {
  const realNow = Date.now
  Date.now = () => NOW
  try {
    return sign()
  } finally {
    Date.now = realNow
  }
}

/** A key segment as a wire path holds it: unreserved and reserved characters raw, `+`, escapes (some of reserved characters), UTF-8 escaped. */
const segment = fc.array(
  fc.oneof(
    fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@"),
    fc.constantFrom("%3D", "%40", "%2B", "%20", "%2F", "%25", "%C3%A9", "%E2%9C%93", "%7E", "%2a")
  ),
  { minLength: 1, maxLength: 12 }
).map((parts) => parts.join(""))
const wirePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => "/" + segments.join("/"))

const aws4Authorization = (path: string): string =>
  String(aws4.sign({ host: HOST, path, service: "s3", region: "us-east-1", headers: { "X-Amz-Date": AMZ_DATE, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" } }, credentials).headers!["Authorization"])

const sigV4Of = (path: string) =>
  SigV4.signHeaders(
    { method: "GET", target: path, headers: [["host", HOST], ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"]] },
    { credentials, region: "us-east-1", service: "s3", signingTime: NOW }
  )

describe("S3 paths, signed as S3 reads them", () => {
  it.each([
    ["/year=2024/data.json", "/year%3D2024/data.json"],
    ["/user@x.com/a.png", "/user%40x.com/a.png"],
    ["/report(1).pdf", "/report%281%29.pdf"],
    ["/a+b", "/a%20b"],
    ["/a%2Bb", "/a%2Bb"],
    ["/caf%C3%A9/a%20b", "/caf%C3%A9/a%20b"]
  ])("%s is signed as %s", (path, canonical) => {
    const signature = sigV4Of(path)
    expect(signature.canonicalRequest.split("\n")[1]).toBe(canonical)
    expect(signature.authorization).toBe(aws4Authorization(path))
  })

  it.prop("SigV4.signHeaders signs any wire path as aws4 does", { path: wirePath }, ({ path }) => {
    expect(sigV4Of(path).authorization).toBe(aws4Authorization(path))
  })

  it.prop("a request aws4 signed for S3 verifies", { path: wirePath }, ({ path }) => {
    const signed = aws4.sign({ host: HOST, path, service: "s3", region: "us-east-1", headers: { "X-Amz-Date": AMZ_DATE, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" } }, credentials)
    const headers = Object.entries(signed.headers!).filter(([name]) => name.toLowerCase() !== "host").map(([name, value]) => [name, String(value)] as [string, string])
    const verdict = SigV4.verify({ method: "GET", target: path, headers: [["host", HOST], ...headers] }, { credentials: [credentials], region: "us-east-1", service: "s3", now: NOW })
    expect(verdict).toMatchObject({ valid: true })
  })

  it("the facade signs the path it sends as S3 reads it", () => {
    const signer = new ApiGatewaySigner({ endpoint: `https://${HOST}`, region: "us-east-1", service: "s3", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, defaultAcceptType: false })
    atNow(() => {
      const signed = signer.signRequest({ method: "GET", path: "/year=2024/user@x.com/report(1).pdf", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } })
      expect(signed.url).toBe(`https://${HOST}/year=2024/user@x.com/report(1).pdf`)
      expect(signed.headers.Authorization).toBe(aws4Authorization("/year=2024/user@x.com/report(1).pdf"))
    })
  })
})

// VPC Lattice supports no payload signing: "You must send an x-amz-content-sha256 header with the value set to
// UNSIGNED-PAYLOAD" (its SigV4 guide). smithy, given that header, signs it as the payload hash.
describe("VPC Lattice: x-amz-content-sha256: UNSIGNED-PAYLOAD on every request", () => {
  const LATTICE_HOST = "svc-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws"
  const signer = new ApiGatewaySigner({
    endpoint: `https://${LATTICE_HOST}`,
    region: "us-west-2",
    service: "vpc-lattice-svcs",
    accessKey: credentials.accessKeyId,
    secretKey: credentials.secretAccessKey,
    defaultAcceptType: false
  })
  it("the facade adds it, signs it as the payload hash, and signs as smithy does", async () => {
    const signed = atNow(() => signer.signRequest({ method: "POST", path: "/orders", body: { id: 1 } }))
    expect(signed.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD")
    expect(signed.headers.Authorization).toMatch(/SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/)
    const { smithyAuthorization } = await import("./support/oracles.js")
    const smithy = await smithyAuthorization(
      {
        method: "POST",
        hostname: LATTICE_HOST,
        path: "/orders",
        query: {},
        headers: { host: LATTICE_HOST, "content-type": "application/json", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
        body: JSON.stringify({ id: 1 })
      },
      credentials,
      { region: "us-west-2", service: "vpc-lattice-svcs", signingDate: new Date(NOW) }
    )
    expect(signed.headers.Authorization).toBe(smithy)
  })

  it("SigV4.signHeaders adds it too, and keeps a request's own", () => {
    const options = { credentials, region: "us-west-2", service: "vpc-lattice-svcs", signingTime: NOW }
    const bare = SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", LATTICE_HOST]] }, options)
    expect(bare.headers).toContainEqual(["x-amz-content-sha256", "UNSIGNED-PAYLOAD"])
    expect(bare.payloadHash).toBe("UNSIGNED-PAYLOAD")
    const own = SigV4.signHeaders({ method: "GET", target: "/", headers: [["host", LATTICE_HOST], ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"]] }, options)
    expect(own.headers.map(([name]) => name)).not.toContain("x-amz-content-sha256")
    expect(own.authorization).toBe(bare.authorization)
  })

  it("execute-api keeps signing the body's hash, without the header", () => {
    const apiGateway = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey })
    expect(apiGateway.signRequest({ method: "POST", path: "/", body: "x" }).headers).not.toHaveProperty("x-amz-content-sha256")
  })
})

describe("services with payload-hash or token rules of their own", () => {
  // OpenSearch Serverless refuses a request without x-amz-content-sha256; the SDK (smithy, applyChecksum) adds it.
  it("aoss: the facade adds and signs x-amz-content-sha256 as the body's hash, as smithy signs for the SDK", async () => {
    const host = "abc123xyz.us-east-1.aoss.amazonaws.com"
    const signer = new ApiGatewaySigner({ endpoint: `https://${host}`, region: "us-east-1", service: "aoss", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, defaultAcceptType: false })
    const signed = atNow(() => signer.signRequest({ method: "POST", path: "/movies/_search", body: {} }))
    const { SignatureV4 } = await import("@smithy/signature-v4")
    const { Hash } = await import("@smithy/hash-node")
    const { HttpRequest } = await import("@smithy/protocol-http")
    const smithy = await new SignatureV4({ credentials, region: "us-east-1", service: "aoss", sha256: Hash.bind(null, "sha256") }).sign(
      new HttpRequest({ method: "POST", protocol: "https:", hostname: host, path: "/movies/_search", headers: { host, "content-type": "application/json" }, body: "{}" }),
      { signingDate: new Date(NOW) }
    )
    expect(signed.headers["x-amz-content-sha256"]).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    expect(signed.headers.Authorization).toBe(smithy.headers["authorization"])
  })

  // AWS IoT's MQTT over WebSocket: the token goes after the signature (aws4fetch does the same).
  it("iotdevicegateway: a presigned URL appends the session token after signing, as aws4fetch does", async () => {
    const host = "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com"
    const sessionToken = "FQoGZXIvYXdzEXAMPLEsessionTOKENvalue+/="
    const signer = new ApiGatewaySigner({ endpoint: `https://${host}`, region: "us-east-1", service: "iotdevicegateway", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, sessionToken, defaultAcceptType: false })
    const presigned = atNow(() => signer.presignRequest({ method: "GET", path: "/mqtt" }, { expiresIn: 300 }))
    const { AwsV4Signer } = await import("aws4fetch")
    const oracle = await new AwsV4Signer({
      url: `https://${host}/mqtt?X-Amz-Expires=300`,
      method: "GET",
      service: "iotdevicegateway",
      region: "us-east-1",
      ...credentials,
      sessionToken,
      signQuery: true,
      datetime: AMZ_DATE,
      allHeaders: false
    }).sign()
    const ours = new URL(presigned.url)
    expect(ours.searchParams.get("X-Amz-Signature")).toBe(oracle.url.searchParams.get("X-Amz-Signature"))
    expect(ours.searchParams.get("X-Amz-Security-Token")).toBe(sessionToken)
  })
})

describe("presigned URLs of these services verify as they are signed", () => {
  const sessionToken = "FQoGZXIvYXdzEXAMPLEsessionTOKENvalue+/="
  const withToken = { ...credentials, sessionToken }

  it.each([
    ["vpc-lattice-svcs", "svc-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws", "us-west-2"],
    ["iotdevicegateway", "a1b2c3d4e5f6g7-ats.iot.us-west-2.amazonaws.com", "us-west-2"],
    ["s3", "bucket.s3.us-west-2.amazonaws.com", "us-west-2"]
  ])("%s: the facade's presigned URL verifies with SigV4.verify, and so does SigV4.presign's", (service, host, region) => {
    const signer = new ApiGatewaySigner({ endpoint: `https://${host}`, region, service, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, sessionToken, defaultAcceptType: false })
    const presigned = atNow(() => signer.presignRequest({ method: "GET", path: "/mqtt" }, { expiresIn: 300 }))
    const target = presigned.url.slice(`https://${host}`.length)
    const options = { credentials: [withToken], region, service, now: NOW }
    expect(SigV4.verify({ method: "GET", target, headers: [["host", host]] }, options)).toMatchObject({ valid: true })
    const low = SigV4.presign({ method: "GET", target: "/mqtt", headers: [["host", host]] }, { credentials: withToken, region, service, signingTime: NOW, expiresIn: 300 })
    expect(low.target).toBe(target)
  })
})

describe("S3 keys with a plus", () => {
  it("the facade sends a raw + as %2B, so that S3 reads the key as written, and signs it as aws4 signs that path", () => {
    const signer = new ApiGatewaySigner({ endpoint: `https://${HOST}`, region: "us-east-1", service: "s3", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, defaultAcceptType: false })
    atNow(() => {
      const signed = signer.signRequest({ method: "PUT", path: "/notes/C++.txt", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } })
      expect(signed.url).toBe(`https://${HOST}/notes/C%2B%2B.txt`)
      expect(signed.headers.Authorization).toBe(
        String(aws4.sign({ host: HOST, path: "/notes/C%2B%2B.txt", method: "PUT", service: "s3", region: "us-east-1", headers: { "X-Amz-Date": AMZ_DATE, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" } }, credentials).headers!["Authorization"])
      )
    })
  })

  it("an endpoint's own path is sent as it is given, + and all; the path below it has its + escaped", () => {
    const signer = new ApiGatewaySigner({ endpoint: `https://${HOST}/pre+fix`, region: "us-east-1", service: "s3", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, defaultAcceptType: false })
    atNow(() => {
      const signed = signer.signRequest({ method: "GET", path: "/a+b.txt", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } })
      expect(signed.url).toBe(`https://${HOST}/pre+fix/a%2Bb.txt`)
      expect(signed.headers.Authorization).toBe(aws4Authorization("/pre+fix/a%2Bb.txt"))
      expect(signer.signRequest({ method: "GET", path: "/key.txt" }).url).toBe(`https://${HOST}/pre+fix/key.txt`)
    })
  })

  it("other services send a + as given", () => {
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey })
    expect(signer.signRequest({ method: "GET", path: "/a+b" }).url).toBe("https://abc123.execute-api.us-east-1.amazonaws.com/prod/a+b")
  })
})

// The AWS SDK's presigner and Amplify sign IoT's token; aws4fetch and this signer append it after signing.
describe("AWS IoT presigned URLs, with the token signed or not", () => {
  const host = "a1b2c3d4e5f6g7-ats.iot.us-west-2.amazonaws.com"
  const withToken = { ...credentials, sessionToken: "FQoGZXIvYXdzEXAMPLEsessionTOKENvalue+/=" }
  it.each([[true], [false]])("signSessionToken %s: verifies", (signSessionToken) => {
    const presigned = SigV4.presign(
      { method: "GET", target: "/mqtt", headers: [["host", host]] },
      { credentials: withToken, region: "us-west-2", service: "iotdevicegateway", signingTime: NOW, expiresIn: 300, signSessionToken }
    )
    const verdict = SigV4.verify({ method: "GET", target: presigned.target, headers: [["host", host]] }, { credentials: [withToken], region: "us-west-2", service: "iotdevicegateway", now: NOW })
    expect(verdict).toMatchObject({ valid: true })
  })

  it("another service still signs its token: one unsigned does not verify there", () => {
    const presigned = SigV4.presign(
      { method: "GET", target: "/x", headers: [["host", "abc123.execute-api.us-west-2.amazonaws.com"]] },
      { credentials: withToken, region: "us-west-2", signingTime: NOW, expiresIn: 300, signSessionToken: false }
    )
    const verdict = SigV4.verify({ method: "GET", target: presigned.target, headers: [["host", "abc123.execute-api.us-west-2.amazonaws.com"]] }, { credentials: [withToken], region: "us-west-2", now: NOW })
    expect(verdict).toMatchObject({ valid: false })
  })
})

describe("S3's family signs as S3 does", () => {
  it.each(["s3-object-lambda", "s3-outposts", "s3express"])("%s: the path as S3 reads it, and x-amz-content-sha256 added", (service) => {
    const signature = SigV4.signHeaders(
      { method: "GET", target: "/year=2024/a+b", headers: [["host", HOST]] },
      { credentials, region: "us-east-1", service, signingTime: NOW }
    )
    expect(signature.canonicalRequest.split("\n")[1]).toBe("/year%3D2024/a%20b")
    expect(signature.headers.map(([name]) => name)).toContain("x-amz-content-sha256")
  })
})
