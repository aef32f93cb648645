/**
 * Presigned URLs from the Promise facade, as a server checks them: whatever
 * the signer's header options, the URL verifies, and the caller's query
 * parameters are either carried or refused, never dropped.
 */
import { createHash } from "node:crypto"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import ApiGatewaySigner, { Credentials, Signer, SigningError, SigV4 } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signerFor } from "./support/gateway.js"

const credentials = { accessKeyId: "AKIDPRESIGN", secretAccessKey: "presign-secret-key", sessionToken: "presign-session-token" }

const withGateway = async (run: (url: string) => Promise<void>): Promise<void> => {
  const gateway = await LocalGateway.start({ credentials: [credentials] })
  try {
    await run(gateway.url)
  } finally {
    await gateway.close()
  }
}

const presigner = (endpoint: string, options: { readonly signSessionToken?: boolean } = {}) => signerFor(endpoint, credentials, options)

describe("presignRequest", () => {
  it("signs the session token into the URL even with signSessionToken: false, which is about the header", () =>
    withGateway(async (url) => {
      const presigned = presigner(url, { signSessionToken: false }).presignRequest({ method: "GET", path: "/report" })
      const response = await fetch(presigned.url)
      expect(response.status).toBe(200)
      expect(new URL(presigned.url).searchParams.get("X-Amz-Security-Token")).toBe(credentials.sessionToken)
    }))

  it("keeps signSessionToken: false for header signing, where the token is added unsigned", () =>
    withGateway(async (url) => {
      const signed = presigner(url, { signSessionToken: false }).signRequest({ method: "GET", path: "/report" })
      expect(signed.headers.Authorization).not.toContain("x-amz-security-token")
      expect((await fetch(signed.url, signed)).status).toBe(200)
    }))

  it("carries the caller's own query parameters, X-Amz-lookalikes in another case included", () =>
    withGateway(async (url) => {
      const presigned = presigner(url).presignRequest({ method: "GET", path: "/report", queryParams: { page: "2", "x-amz-date": "mine" } })
      const received = new URL(presigned.url).searchParams
      expect([received.get("page"), received.get("x-amz-date")]).toEqual(["2", "mine"])
      expect((await fetch(presigned.url)).status).toBe(200)
    }))

  it.each(["Expires", "ExpiresIn", "expires", "X-Amz-Expires", "expiresInSeconds", "expiry"])(
    "refuses the validity under another API's name (%s), which would leave the URL valid for 15 minutes",
    (name) => {
      const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
      const attempt = () => signer.presignRequest({ method: "GET", path: "/report" }, { [name]: 60 } as never)
      expect(attempt).toThrow(SigningError)
      expect(attempt).toThrow(new RegExp(`"${name}" is not a presign option.*expiresIn`))
    }
  )

  it.each([
    ["expiresAt, the result's own field passed back", { expiresAt: new Date(Date.now() + 60_000) }],
    ["expiresAt as a number", { expiresAt: Date.now() + 60_000 }],
    ["any other option", { expiresIn: 60, signal: new AbortController().signal }]
  ])("refuses %s: expiresIn is the one option", (_, options) => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const attempt = () => signer.presignRequest({ method: "GET", path: "/report" }, options as never)
    expect(attempt).toThrow(SigningError)
    expect(attempt).toThrow(/is not a presign option, so it was not read: the one option is expiresIn/)
  })

  it.each([
    ["a Map", new Map([["expiresIn", 60]])],
    ["a Map of another realm (node:vm)", runInNewContext("new Map([['expiresIn', 60]])")],
    ["URLSearchParams", new URLSearchParams("expiresIn=60")],
    ["Headers", new Headers({ expiresIn: "60" })]
  ])("refuses options in %s, whose expiresIn would go unread", (_, options) => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const attempt = () => signer.presignRequest({ method: "GET", path: "/report" }, options as never)
    expect(attempt).toThrow(/Presign options must be an object such as \{ expiresIn: 900 \}/)
  })

  it.effect("Signer.presignRequest refuses expiresAt too", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Signer.presignRequest({ method: "GET", path: "/report" }, { expiresAt: new Date() } as never))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringContaining("\"expiresAt\" is not a presign option") })
    }).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
      Effect.provide(Credentials.layer({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }))
    ))

  it("takes the validity under another name when it says nothing (undefined) or the same as expiresIn", () => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const presigned = signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 60, Expires: undefined, expiration: undefined } as never)
    expect(new URL(presigned.url).searchParams.get("X-Amz-Expires")).toBe("60")
  })

  it("takes the validity under another name when it says the same as expiresIn", () => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const presigned = signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 60, Expires: 60 } as never)
    expect(new URL(presigned.url).searchParams.get("X-Amz-Expires")).toBe("60")
  })

  it("says the URL expires with the temporary credentials that sign it, when they expire first", async () => {
    const expiration = new Date(Date.now() + 10 * 60 * 1000)
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", credentials: async () => ({ ...credentials, expiration }) })
    await signer.signRequestAsync({ method: "GET", path: "/warm-up" })
    const presigned = signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 3600 })
    expect(new URL(presigned.url).searchParams.get("X-Amz-Expires")).toBe("3600")
    expect(presigned.expiresAt.getTime()).toBe(expiration.getTime())
  })

  it("says expiresIn after signing for keys without a session token, whatever expiration they are given", async () => {
    const { sessionToken: _, ...keys } = credentials
    const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", credentials: async () => ({ ...keys, expiration: new Date(Date.now() + 10 * 60 * 1000) }) })
    await signer.signRequestAsync({ method: "GET", path: "/warm-up" })
    const before = Math.floor(Date.now() / 1000) * 1000
    const presigned = signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 3600 })
    expect(presigned.expiresAt.getTime() - before).toBeGreaterThanOrEqual(3600_000)
  })

  it("says expiresIn after signing when the credentials outlive it", () => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const before = Math.floor(Date.now() / 1000) * 1000
    const presigned = signer.presignRequest({ method: "GET", path: "/report" }, { expiresIn: 60 })
    expect(presigned.expiresAt.getTime() - before).toBeGreaterThanOrEqual(60_000)
    expect(presigned.expiresAt.getTime() - before).toBeLessThanOrEqual(61_000)
  })

  it("refuses a query parameter the presigned URL writes itself, naming it, instead of dropping it", () => {
    const signer = presigner("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    const attempt = () => signer.presignRequest({ method: "GET", path: "/report", queryParams: { "X-Amz-Expires": "60" } })
    expect(attempt).toThrow(SigningError)
    expect(attempt).toThrow(/X-Amz-Expires/)
  })
})

describe("SigV4.presign", () => {
  const HOST = "abc123.execute-api.us-east-1.amazonaws.com"
  const options = { credentials, region: "us-east-1", expiresIn: 900 }

  it("replaces the X-Amz-* parameters a target already has, as smithy and botocore do: presigning a presigned target refreshes it", () => {
    const first = SigV4.presign({ method: "GET", target: "/prod/report?page=2", headers: [["host", HOST]] }, { ...options, signingTime: Date.UTC(2026, 0, 1) })
    const later = Date.UTC(2026, 0, 2)
    const again = SigV4.presign({ method: "GET", target: first.target, headers: [["host", HOST]] }, { ...options, signingTime: later })
    const fresh = SigV4.presign({ method: "GET", target: "/prod/report?page=2", headers: [["host", HOST]] }, { ...options, signingTime: later })
    expect(again.target).toBe(fresh.target)
  })
})

describe("presigning for S3", () => {
  // The example of AWS's S3 documentation ("Authenticating Requests: Using Query Parameters"), which botocore's
  // S3SigV4QueryAuth reproduces: S3 presigned URLs sign UNSIGNED-PAYLOAD, not the hash of an empty body.
  const example = {
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    time: Date.UTC(2013, 4, 24, 0, 0, 0),
    url: "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
  }

  it("SigV4.presign gives the documented signature", () => {
    const presigned = SigV4.presign(
      { method: "GET", target: "/test.txt", headers: [["host", "examplebucket.s3.amazonaws.com"]] },
      { credentials: example.credentials, region: "us-east-1", service: "s3", signingTime: example.time, expiresIn: 86400 }
    )
    expect(presigned.canonicalRequest.endsWith("\nUNSIGNED-PAYLOAD")).toBe(true)
    expect(`https://examplebucket.s3.amazonaws.com${presigned.target}`).toBe(example.url)
  })

  it.each([
    ["SigV4.presign's payloadHash option", () =>
      SigV4.presign(
        { method: "PUT", target: "/upload.txt", headers: [["host", "examplebucket.s3.amazonaws.com"]], body: "hello" },
        { credentials: example.credentials, region: "us-east-1", service: "s3", signingTime: Date.now(), expiresIn: 60, payloadHash: createHash("sha256").update("hello").digest("hex") }
      ).target],
    ["SigV4.presign's request's x-amz-content-sha256 header", () =>
      SigV4.presign(
        {
          method: "PUT",
          target: "/upload.txt",
          headers: [["host", "examplebucket.s3.amazonaws.com"], ["x-amz-content-sha256", createHash("sha256").update("hello").digest("hex")]],
          body: "hello"
        },
        { credentials: example.credentials, region: "us-east-1", service: "s3", signingTime: Date.now(), expiresIn: 60 }
      ).target],
    ["the facade's x-amz-content-sha256 header", () => {
      const signer = new ApiGatewaySigner({ endpoint: "https://examplebucket.s3.amazonaws.com", region: "us-east-1", service: "s3", credentials: example.credentials })
      const presigned = signer.presignRequest({
        method: "PUT",
        path: "/upload.txt",
        headers: { "x-amz-content-sha256": createHash("sha256").update("hello").digest("hex") },
        body: "hello"
      }, { expiresIn: 60 })
      return new URL(presigned.url).pathname + new URL(presigned.url).search
    }]
  ])("signs the payload hash the caller chose (%s), which the server checks, not UNSIGNED-PAYLOAD", (_, target) => {
    const presigned = target()
    const verified = SigV4.verify(
      { method: "PUT", target: presigned, headers: [["host", "examplebucket.s3.amazonaws.com"], ["x-amz-content-sha256", createHash("sha256").update("hello").digest("hex")]], body: "hello" },
      { credentials: [example.credentials], region: "us-east-1", service: "s3", now: Date.now() }
    )
    expect(verified).toMatchObject({ valid: true })
  })

  it("SigV4.verify accepts the documented URL", () => {
    const url = new URL(example.url)
    const verified = SigV4.verify(
      { method: "GET", target: url.pathname + url.search, headers: [["host", url.host]] },
      { credentials: [example.credentials], region: "us-east-1", service: "s3", now: example.time + 1000 }
    )
    expect(verified).toMatchObject({ valid: true })
  })
})
