/**
 * Judges one runtime's outcomes: every case must be accepted (HTTP 200), and
 * the gateway's echo must show that what arrived is what the case meant to
 * send: method, path segments, query, body bytes, content type, and who
 * signed how.
 */
import { createHash } from "node:crypto"
import type { EchoResponse } from "api-gateway-request-signer/LocalGateway"
import { type Case, CASES, IDENTITIES } from "./cases.js"
import type { Outcome } from "./client.js"

export interface Verdict {
  readonly name: string
  /** The gateway answered 200. */
  readonly accepted: boolean
  /** Accepted, and the echo matches the case. */
  readonly intact: boolean
  /** What went wrong, if anything. */
  readonly problems: ReadonlyArray<string>
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex")
const byteLength = (data: string | Uint8Array) => typeof data === "string" ? Buffer.byteLength(data) : data.length

/** The raw path as decoded segments: `/prod/a%20b//c` is ["prod", "a b", "", "c"]. */
const segmentsOf = (rawPath: string): Array<string> =>
  rawPath.split("/").slice(1).map((segment) => {
    try {
      return decodeURIComponent(segment)
    } catch {
      return `<undecodable ${segment}>`
    }
  })

const sortedQuery = (query: Readonly<Record<string, ReadonlyArray<string>>>, dropSignature: boolean) =>
  Object.fromEntries(
    Object.entries(query)
      .filter(([key]) => !(dropSignature && key.startsWith("X-Amz-")))
      .map(([key, values]) => [key, [...values].sort()] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  )

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Differences between what the case meant to send and what the gateway echoed. */
export const compareEcho = (testCase: Case, echo: EchoResponse): Array<string> => {
  const { arrives, identity, signature } = testCase
  const problems: Array<string> = []
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (!same(actual, expected)) problems.push(`${what}: got ${JSON.stringify(actual)}, meant ${JSON.stringify(expected)}`)
  }
  const presigned = signature === "query"
  expect("method", echo.method, arrives.method)
  // What the client put on the wire (the gateway hands on the verified path, with `//` collapsed: echo.path).
  expect("path segments", segmentsOf(echo.receivedPath), ["prod", ...arrives.segments])
  expect("query", sortedQuery(echo.query, presigned), sortedQuery(arrives.query, false))
  expect("body length", echo.body.length, byteLength(arrives.body))
  expect("body sha256", echo.body.sha256, sha256(arrives.body))
  if (arrives.contentType !== undefined && !(echo.headers["content-type"] ?? "").startsWith(arrives.contentType)) {
    problems.push(`content-type: got ${JSON.stringify(echo.headers["content-type"])}, meant ${arrives.contentType}`)
  }
  expect("signed by", echo.principal, { accessKeyId: IDENTITIES[identity].accessKeyId, presigned })
  if (presigned) {
    expect("signature in the query", echo.query["X-Amz-Signature"]?.length, 1)
    expect("session token in the query", echo.query["X-Amz-Security-Token"] !== undefined, identity === "session")
  } else {
    expect("session token header", echo.headers["x-amz-security-token"], identity === "session" ? "<redacted>" : undefined)
  }
  return problems
}

const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 300)

/** One verdict per case, in case order; a case with no outcome failed. */
export const judge = (outcomes: ReadonlyArray<Outcome>): Array<Verdict> =>
  CASES.map((testCase) => {
    const { name } = testCase
    const outcome = outcomes.find((candidate) => candidate.name === name)
    if (outcome === undefined) return { name, accepted: false, intact: false, problems: ["no outcome reported"] }
    if ("error" in outcome) return { name, accepted: false, intact: false, problems: [firstLine(outcome.error)] }
    if (outcome.status !== 200) {
      let message = outcome.body
      try {
        message = (JSON.parse(outcome.body) as { message?: string }).message ?? outcome.body
      } catch {
        // not JSON: show it as it came
      }
      return { name, accepted: false, intact: false, problems: [`HTTP ${outcome.status}: ${firstLine(message)}`] }
    }
    let echo: EchoResponse
    try {
      echo = JSON.parse(outcome.body) as EchoResponse
    } catch {
      return { name, accepted: true, intact: false, problems: [`the 200 answer is not the gateway's echo: ${firstLine(outcome.body)}`] }
    }
    const problems = compareEcho(testCase, echo)
    return { name, accepted: true, intact: problems.length === 0, problems }
  })
