/**
 * verify never shows the caller's credentials: a refusal is logged by the
 * servers that verify, so its message, its canonical request and the error
 * made of it show neither the session token nor a signature that may still
 * be valid. (The 403 body the local gateway answers the caller with keeps
 * API Gateway's text: see LocalGateway.secrets.test.ts.)
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as TestClock from "effect/TestClock"
import { SigV4 } from "api-gateway-request-signer"
import * as Verifier from "api-gateway-request-signer/Verifier"

const HOST = "abc123.execute-api.us-east-1.amazonaws.com"
const NOW = Date.UTC(2024, 4, 10, 10, 0, 0)
// A token with the characters a query encodes, to catch it raw and encoded.
const TOKEN = "FwoGZXIvYXdzE+session/token=="
const credentials = { accessKeyId: "AKIDSECRETS", secretAccessKey: "secrets/secret/key", sessionToken: TOKEN }
const options = { credentials: [credentials], region: "us-east-1", now: NOW }
const signing = { credentials, region: "us-east-1", signingTime: NOW }

const shows = (value: unknown, secret: string): boolean => {
  const texts = [JSON.stringify(value), inspect(value, { depth: 10 })]
  return texts.some((text) => text.includes(secret) || text.includes(encodeURIComponent(secret)))
}

/** A header-signed GET of /prod/pets that arrives for /prod/other: a signature mismatch. */
const headerSignedMismatch = () => {
  const headers = [["host", HOST]] as const
  const signed = SigV4.signHeaders({ method: "GET", target: "/prod/pets", headers }, signing)
  return { method: "GET", target: "/prod/other", headers: [...headers, ...signed.headers] }
}

/** A presigned GET of /prod/pets that arrives for /prod/other. */
const presignedMismatch = () => {
  const presigned = SigV4.presign({ method: "GET", target: "/prod/pets", headers: [["host", HOST]] }, { ...signing, expiresIn: 3600 })
  return { received: { method: "GET", target: presigned.target.replace("/prod/pets", "/prod/other"), headers: [["host", HOST]] as const }, presigned }
}

describe("SigV4.verify's refusal shows no credential", () => {
  it("a header-signed request's mismatch shows its session token as x-amz-security-token:<redacted>", () => {
    const result = SigV4.verify(headerSignedMismatch(), options)
    expect(result).toMatchObject({ valid: false, reason: "SignatureMismatch" })
    if (result.valid) return
    expect(result.canonicalRequest).toContain("\nx-amz-security-token:<redacted>\n")
    expect(result.message).toContain("\nx-amz-security-token:<redacted>\n")
    expect(shows(result, TOKEN)).toBe(false)
  })

  it("a presigned URL's mismatch shows its session token as X-Amz-Security-Token=<redacted>", () => {
    const result = SigV4.verify(presignedMismatch().received, options)
    expect(result).toMatchObject({ valid: false, reason: "SignatureMismatch" })
    if (result.valid) return
    expect(result.canonicalRequest!.split("\n")[2]).toContain("X-Amz-Security-Token=<redacted>")
    expect(shows(result, TOKEN)).toBe(false)
  })

  it("a presigned URL's signature in the query of a request that is header-signed too shows as <redacted>", () => {
    const { received, presigned } = presignedMismatch()
    const signed = SigV4.signHeaders({ method: "GET", target: "/prod/pets", headers: received.headers }, signing)
    const result = SigV4.verify({ ...received, headers: [...received.headers, ...signed.headers] }, options)
    expect(result).toMatchObject({ valid: false, reason: "SignatureMismatch" })
    if (result.valid) return
    expect(result.canonicalRequest!.split("\n")[2]).toContain("X-Amz-Signature=<redacted>")
    expect(shows(result, presigned.signature)).toBe(false)
  })
})

describe("SigV4.verify's refusal of a credential scope shows no secret key pasted into it", () => {
  // A secret key whose slashes cut it into runs shorter than 16 characters, as about 1% of them are.
  const pasted = "wJalrXUtnFEMI/K7MDENGbPxRf/iCYEXAMPLEKEY"
  const slashFree = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12"
  const withAuthorization = (authorization: string, amzDate = "20240510T100000Z") => ({
    method: "GET",
    target: "/prod/pets",
    headers: [["host", HOST], ["x-amz-date", amzDate], ["x-amz-security-token", TOKEN], ["authorization", authorization]] as const
  })
  const authorization = (scope: string) => `AWS4-HMAC-SHA256 Credential=AKIDSECRETS/${scope}, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`

  it.each([
    ["as the terminator", authorization(`20240510/us-east-1/execute-api/${slashFree}`), slashFree],
    ["as the region", authorization(`20240510/${slashFree}/execute-api/aws4_request`), slashFree],
    ["as the date", authorization(`${slashFree}/us-east-1/execute-api/aws4_request`), slashFree]
  ])("%s", (_, header, secret) => {
    const result = SigV4.verify(withAuthorization(header), options)
    expect(result).toMatchObject({ valid: false, errorType: expect.stringMatching(/InvalidSignatureException|IncompleteSignatureException/) })
    expect(result.valid === false && result.reason).toMatch(/^Wrong(Scope|Region)$/)
    expect(shows(result, secret)).toBe(false)
  })

  it("as X-Amz-Date, slashes and all", () => {
    const result = SigV4.verify(withAuthorization(authorization("20240510/us-east-1/execute-api/aws4_request"), pasted), options)
    expect(result).toMatchObject({ valid: false, reason: "MalformedAuthorization" })
    expect(shows(result, pasted)).toBe(false)
  })

  it("but names a region of a region's form, as API Gateway does", () => {
    const result = SigV4.verify(withAuthorization(authorization("20240510/eu-west-1/execute-api/aws4_request")), options)
    expect(result).toMatchObject({ valid: false, message: "Credential should be scoped to a valid region, not 'eu-west-1'. " })
  })
})

describe("Verifier.verify's VerificationError shows no credential", () => {
  it.effect("its message, inspect, JSON and Effect's logError show no session token", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const logged: Array<string> = []
      const error = yield* Verifier.verify(headerSignedMismatch(), { credentials: [credentials], region: "us-east-1" }).pipe(
        Effect.tapErrorCause(Effect.logError),
        Effect.flip,
        Effect.provide(Logger.replace(Logger.defaultLogger, Logger.map(Logger.logfmtLogger, (line) => void logged.push(line))))
      )
      if (!(error instanceof Verifier.VerificationError)) throw error
      expect(error).toMatchObject({ _tag: "VerificationError", reason: "SignatureMismatch" })
      expect(error.canonicalRequest).toContain("\nx-amz-security-token:<redacted>\n")
      expect(logged.length).toBe(1)
      for (const text of [error.message, String(error.stack), ...logged]) expect(text).not.toContain(TOKEN)
      expect(shows(error, TOKEN)).toBe(false)
    }))
})
