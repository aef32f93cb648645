/**
 * A header that can be signed but never sent guarantees a 403. `__proto__` is
 * one: assigning it to the headers record returned sets the record's
 * prototype, fetch drops it, and servers that keep headers in an object by
 * lower-case name lose it. Such a header is refused with a SigningError
 * before anything is signed, through every API; query parameters of that
 * name are ordinary parameters, signed and sent.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, Signer, SigningError } from "api-gateway-request-signer"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import { thrownBy, failureOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
const signer = new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey })
const Live = Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(credentials))

/** Headers as an API hands them over after parsing a client's JSON: `__proto__` is an own key. */
const parsedHeaders = () => JSON.parse("{\"accept\": \"application/json\", \"__proto__\": \"x\"}") as Record<string, string>

const expectUnsendableHeader = (error: unknown) => {
  expect(error).toBeInstanceOf(SigningError)
  expect(error).toMatchObject({ reason: "InvalidRequest", field: "headers" })
  // Says which header, why it cannot go, and what to do.
  expect((error as SigningError).message).toMatch(/__proto__/i)
  expect((error as SigningError).message).toMatch(/never arrive/)
  expect((error as SigningError).message).toMatch(/403/)
  expect((error as SigningError).message).toMatch(/Rename it/)
}

describe("a header named __proto__ is refused, not signed and lost", () => {
  it("by signRequest, from JSON.parse", () => {
    expectUnsendableHeader(thrownBy(() => signer.signRequest({ method: "GET", path: "/pets", headers: parsedHeaders() })))
  })

  it("by signRequest, in any letter case (header names are case-insensitive)", () => {
    for (const name of ["__PROTO__", "__Proto__"]) {
      expectUnsendableHeader(thrownBy(() => signer.signRequest({ method: "GET", path: "/pets", headers: { [name]: "x" } })))
    }
  })

  it("by signRequest, from a Map or a list of pairs", () => {
    expectUnsendableHeader(thrownBy(() => signer.signRequest({ method: "GET", path: "/", headers: new Map([["__proto__", "x"]]) })))
    expectUnsendableHeader(thrownBy(() => signer.signRequest({ method: "GET", path: "/", headers: [["__proto__", "x"]] })))
  })

  it("by presignRequest", () => {
    expectUnsendableHeader(thrownBy(() => signer.presignRequest({ method: "GET", path: "/pets", headers: parsedHeaders() })))
  })

  it("by makeRequestWithRetries, which rejects before calling back", async () => {
    let calls = 0
    const rejection = await signer.makeRequestWithRetries({ method: "GET", path: "/pets", headers: parsedHeaders() }, () => {
      calls++
    }).then(() => undefined, (error: unknown) => error)
    expectUnsendableHeader(rejection)
    expect(calls).toBe(0)
  })

  it("by Signer.signRequest, as a SigningError in the error channel", () => {
    const exit = Effect.runSyncExit(Signer.signRequest({ method: "GET", path: "/pets", headers: parsedHeaders() }).pipe(Effect.provide(Live)))
    expectUnsendableHeader(failureOf(exit))
  })

  it("by Signer.presignRequest and signRequestWithDetails", () => {
    const request = { method: "GET", path: "/pets", headers: parsedHeaders() }
    expectUnsendableHeader(failureOf(Effect.runSyncExit(Signer.presignRequest(request).pipe(Effect.provide(Live)))))
    expectUnsendableHeader(failureOf(Effect.runSyncExit(Signer.signRequestWithDetails(request).pipe(Effect.provide(Live)))))
  })

  it("by the signed HttpClient, which sends nothing", async () => {
    const sent: Array<HttpClientRequest.HttpClientRequest> = []
    const transport = HttpClient.make((request) =>
      Effect.sync(() => {
        sent.push(request)
        return HttpClientResponse.fromWeb(request, new Response("ok"))
      })
    )
    const exit = await Effect.runPromiseExit(
      Effect.flatMap(SignedHttpClient.fromClient(transport), (client) =>
        client.execute(HttpClientRequest.get("/pets").pipe(HttpClientRequest.setHeader("__proto__", "x")))).pipe(Effect.provide(Live))
    )
    expectUnsendableHeader(failureOf(exit))
    expect(sent).toEqual([])
  })
})

describe("a query parameter named __proto__ is an ordinary parameter", () => {
  it("signed and sent in the URL, from JSON.parse", () => {
    const queryParams = JSON.parse("{\"__proto__\": \"x\", \"a\": \"1\"}") as Record<string, string>
    const { url } = signer.signRequest({ method: "GET", path: "/pets", queryParams })
    expect(new URL(url).search).toBe("?__proto__=x&a=1")
  })
})

describe("headers a browser forbids a page to set, in Node, whose fetch sends them as given", () => {
  it("are signed (a browser refuses them: headers.browserForbidden.test.ts)", () => {
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { Cookie: "a=1", Date: "Wed, 01 Jan 2025 00:00:00 GMT", Origin: "https://app.example" } })
    expect(signed.headers.Authorization).toContain("SignedHeaders=accept;cookie;date;host;origin;x-amz-date")
  })
})

/** Runs `run` as in workerd: `navigator.userAgent` is "Cloudflare-Workers" while it runs. */
const inWorker = (run: () => void): void => {
  vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" })
  try {
    run()
  } finally {
    vi.unstubAllGlobals()
  }
}

// workerd's fetch sends no empty value of the headers it knows (accept, content-type, if-none-match, ...).
describe("in a Worker, a blank header value is sent as given but not signed (workerd may not send it)", () => {
  const signedHeadersOf = (authorization: string) => /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";")

  it("signRequest sends accept, if-none-match and x-trace empty, and signs none of them", () => {
    inWorker(() => {
      const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { accept: "", "if-none-match": " ", "x-trace": "" } })
      expect(signed.headers).toMatchObject({ accept: "", "if-none-match": " ", "x-trace": "" })
      // The caller's empty accept stands: the signer's default Accept is not added beside it.
      expect(Object.keys(signed.headers).filter((name) => name.toLowerCase() === "accept")).toEqual(["accept"])
      expect(signedHeadersOf(signed.headers.Authorization!)).toEqual(["host", "x-amz-date"])
    })
  })

  it("elsewhere they are signed, as they are sent", () => {
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { accept: "", "x-trace": "" } })
    expect(signedHeadersOf(signed.headers.Authorization!)).toEqual(["accept", "host", "x-amz-date", "x-trace"])
  })
})

// workerd's fetch sends a header value's characters U+0080 to U+00FF as UTF-8; HTTP (and the signature) as one byte each.
describe("in a Worker, a header value with a character between U+0080 and U+00FF", () => {
  it("is refused, saying how to send it: workerd would send other bytes than the ones signed (a 403)", () => {
    inWorker(() => {
      const error = thrownBy(() => signer.signRequest({ method: "GET", path: "/pets", headers: { "x-city": "Café" } }))
      expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidRequest", field: "headers" })
      expect((error as Error).message).toContain("Percent-encode the value (encodeURIComponent)")
    })
  })

  it("is not refused in a presigned request, which whoever is given the URL sends", () => {
    inWorker(() => {
      const presigned = signer.presignRequest({ method: "GET", path: "/pets", headers: { "x-city": "Café" } })
      expect(presigned.headers["x-city"]).toBe("Café")
    })
  })

  it("is refused in the signer's own default content type too", () => {
    inWorker(() => {
      const latin1Default = new ApiGatewaySigner({
        endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
        accessKey: "AKIDEXAMPLE",
        secretKey: "secret",
        defaultContentType: "text/plain; note=café"
      })
      const error = thrownBy(() => latin1Default.signRequest({ method: "POST", path: "/pets", body: "x" }))
      expect(error).toMatchObject({ _tag: "SigningError", field: "headers" })
    })
  })

  it("but a blank one (U+00A0 alone) is sent unsigned, as other blank values", () => {
    inWorker(() => {
      const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { "x-note": "\u00a0" } })
      expect(signed.headers.Authorization).not.toContain("x-note")
    })
  })

  it("elsewhere is signed as the one byte each HTTP sends", () => {
    const signed = signer.signRequest({ method: "GET", path: "/pets", headers: { "x-city": "Café" } })
    expect(signed.headers["x-city"]).toBe("Café")
  })
})
