/**
 * Diagnosis of a 403 body written by a server that verifies with this
 * library's `SigV4.verify`: its canonical request shows the caller's session
 * token as `<redacted>` (a refusal must be loggable), which Diagnosis must not
 * read as a difference. (Bodies from API Gateway itself: Diagnosis.test.ts.)
 */
import { describe, expect, it } from "@effect/vitest"
import { SigV4 } from "api-gateway-request-signer"
import * as Diagnosis from "api-gateway-request-signer/Diagnosis"

const HOST = "abc123.execute-api.us-east-1.amazonaws.com"
const NOW = Date.UTC(2024, 4, 10, 10, 0, 0)
const TOKEN = "FwoGZXIvYXdzE+redacted/diagnosis=token"
const credentials = { accessKeyId: "AKIDDIAGNOSIS", secretAccessKey: "diagnosis/secret/key", sessionToken: TOKEN }
const verifyOptions = { credentials: [credentials], region: "us-east-1", now: NOW }

/** The 403 body such a server answers: API Gateway's shape, SigV4.verify's message. */
const bodyFor = (received: SigV4.ReceivedRequest): string => {
  const result = SigV4.verify(received, verifyOptions)
  if (result.valid || result.reason !== "SignatureMismatch") throw new Error(`expected a signature mismatch, got ${JSON.stringify(result)}`)
  expect(result.message).toContain("<redacted>")
  return JSON.stringify({ message: result.message })
}

describe("diagnose, on a 403 body whose session token is <redacted>", () => {
  it("names the path that changed, not the session token of a header-signed request", () => {
    const headers = [["host", HOST]] as const
    const signed = SigV4.signHeaders({ method: "GET", target: "/prod/pets", headers }, { credentials, region: "us-east-1", signingTime: NOW })
    const report = Diagnosis.diagnose(bodyFor({ method: "GET", target: "/prod/other", headers: [...headers, ...signed.headers] }), signed)
    expect(report).toMatch(/^The server's canonical request differs from ours in the path \(line 2\):/)
    expect(report).not.toMatch(/x-amz-security-token.*values differ/)
  })

  it("names the path that changed, not the X-Amz-Security-Token of a presigned URL", () => {
    const presigned = SigV4.presign({ method: "GET", target: "/prod/pets", headers: [["host", HOST]] }, { credentials, region: "us-east-1", signingTime: NOW, expiresIn: 900 })
    const report = Diagnosis.diagnose(
      bodyFor({ method: "GET", target: presigned.target.replace("/prod/pets", "/prod/other"), headers: [["host", HOST]] }),
      presigned
    )
    expect(report).toMatch(/^The server's canonical request differs from ours in the path \(line 2\):/)
  })

  it("blames the secret key when only the key differs", () => {
    const headers = [["host", HOST]] as const
    const signed = SigV4.signHeaders(
      { method: "GET", target: "/prod/pets", headers },
      { credentials: { ...credentials, secretAccessKey: "another/secret/key" }, region: "us-east-1", signingTime: NOW }
    )
    const report = Diagnosis.diagnose(bodyFor({ method: "GET", target: "/prod/pets", headers: [...headers, ...signed.headers] }), signed)
    expect(report).toMatch(/differs by the key alone/)
  })
})
