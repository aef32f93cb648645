/**
 * Headers a browser does not let a page set (WHATWG Fetch's forbidden
 * request-header names that a signature would cover): a browser's fetch
 * sends its own value or none, so a signature over the caller's cannot
 * verify. Where fetch drops them, they are refused with a SigningError that
 * says so; where it sends them (Node, Bun, Deno, workerd), they are signed.
 * The browser is this runtime's own `Request` replaced by one that drops
 * them, as browsers do; the real one is Chromium's (docs/runtimes.md).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import ApiGatewaySigner, { SigningError } from "api-gateway-request-signer"
import { thrownBy } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })

const FORBIDDEN = ["Accept-Charset", "Accept-Encoding", "Cookie", "Date", "DNT", "Origin", "Via", "Access-Control-Request-Method"]

/** A browser's Request: it drops the forbidden headers it is given. */
class BrowserRequest extends Request {
  constructor(input: string | URL | Request, init?: RequestInit) {
    const headers = new Headers(init?.headers)
    for (const name of FORBIDDEN) headers.delete(name)
    super(input, { ...init, headers })
  }
}

describe("in a runtime whose fetch drops them (a browser)", () => {
  beforeAll(() => {
    vi.stubGlobal("Request", BrowserRequest)
  })
  afterAll(() => {
    vi.unstubAllGlobals()
  })

  it.each(FORBIDDEN)("%s is refused with a SigningError that says the browser would not send it", (name) => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: "/pets", headers: { [name]: "1" } }))
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidRequest", field: "headers", message: expect.stringContaining("a browser does not let a page set") })
  })

  it("a Cookie's refusal says how the browser sends cookies", () => {
    const error = thrownBy(() => signer.signRequest({ method: "GET", path: "/pets", headers: { cookie: "a=1" } }))
    expect((error as SigningError).message).toContain(`credentials: "include"`)
  })

  it("other headers are signed as before", () => {
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { "x-tenant": "t1", accept: "text/plain" } })
    expect(signed.headers.Authorization).toContain("SignedHeaders=accept;host;x-amz-date;x-tenant")
  })
})

describe("with this runtime's own Request back (Node's fetch sends them)", () => {
  it("they are signed: what a replaced Request said is not kept", () => {
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { Cookie: "a=1", "Accept-Encoding": "gzip" } })
    expect(signed.headers.Authorization).toContain("SignedHeaders=accept;accept-encoding;cookie;host;x-amz-date")
  })
})
