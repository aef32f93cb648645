/**
 * Differential test against the AWS SDK's own client for the WebSocket
 * management API (`@aws-sdk/client-apigatewaymanagementapi`), which Lambda
 * functions use to post to, read and close connections at
 * `/{stage}/@connections/{connectionId}`. Its requests are captured by a
 * request handler that sends nothing; this library must produce the same URL
 * for the same endpoint, stage and connection id, and the same signature
 * when given the same headers and body at the same time.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand
} from "@aws-sdk/client-apigatewaymanagementapi"
import type { HttpRequest } from "@smithy/protocol-http"
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import ApiGatewaySigner from "api-gateway-request-signer"

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJHMEUCIQD+session/token=="
}
const NOW = Date.UTC(2024, 4, 17, 9, 30, 12)

/** The request the SDK client would send for one command, captured instead of sent. */
const captureSdkRequest = async (endpoint: string, region: string, send: (client: ApiGatewayManagementApiClient) => Promise<unknown>) => {
  const captured: Array<HttpRequest> = []
  const client = new ApiGatewayManagementApiClient({
    endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        captured.push(request)
        return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode("{}") } }
      }
    }
  })
  await send(client)
  client.destroy()
  expect(captured).toHaveLength(1)
  const request = captured[0]!
  return {
    request,
    url: `${request.protocol}//${request.hostname}${request.port === undefined ? "" : `:${request.port}`}${request.path}`
  }
}

/** The SDK's headers, but those the signer writes: what a caller would hand this library. */
const unsignedHeaders = (request: HttpRequest): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!["authorization", "x-amz-date", "x-amz-security-token"].includes(name.toLowerCase())) headers[name] = value
  }
  return headers
}

type Operation = readonly [name: string, method: "POST" | "GET" | "DELETE", command: (connectionId: string) => object]

const operations: ReadonlyArray<Operation> = [
  ["postToConnection", "POST", (id: string) => new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode(JSON.stringify({ message: "hi ü" })) })],
  ["getConnection", "GET", (id: string) => new GetConnectionCommand({ ConnectionId: id })],
  ["deleteConnection", "DELETE", (id: string) => new DeleteConnectionCommand({ ConnectionId: id })]
]

const compare = async (endpoint: string, region: string, operation: Operation, connectionId: string) => {
  const [, method, command] = operation
  const sdk = await captureSdkRequest(endpoint, region, (client) => client.send(command(connectionId) as never))
  // No default Accept header: the SDK sends none, and the signatures are compared on the SDK's headers.
  const signer = new ApiGatewaySigner({ endpoint, region, credentials, defaultAcceptType: false })
  const path = `/@connections/${encodeURIComponent(connectionId)}`

  // The same URL, from the path alone.
  expect(signer.signRequest({ method, path }).url).toBe(sdk.url)

  // The same signature, from the same headers and body at the same time.
  const body = sdk.request.body as Uint8Array | undefined
  const ours = signer.signRequest({ method, path, headers: unsignedHeaders(sdk.request), ...(body === undefined ? {} : { body }) })
  expect(ours.url).toBe(sdk.url)
  expect(ours.headers["x-amz-date"]).toBe(sdk.request.headers["x-amz-date"])
  expect(ours.headers["x-amz-security-token"]).toBe(credentials.sessionToken)
  expect(ours.headers["Authorization"]).toBe(sdk.request.headers["authorization"])
}

describe("@connections requests: the same URL and signature as @aws-sdk/client-apigatewaymanagementapi", () => {
  beforeEach(() => {
    // The SDK reads the time with new Date(), the facade with Date.now(): both from the fake clock.
    vi.useFakeTimers({ toFake: ["Date"] })
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const ENDPOINT = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/production"

  describe.each(operations)("%s", (...operation) => {
    it.each(["L0SM9cOFvHcCIhw=", "Kp3x-dWmIAMCJpQ=", "abc+def+ghi=", "AbC_dEf-123"])("for connection id %s", (connectionId) =>
      compare(ENDPOINT, "eu-west-1", operation, connectionId))
  })

  it.each([
    ["a stage with a dash", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/my-stage", "us-east-1"],
    ["a custom domain without a stage", "https://ws.example.com", "eu-central-1"],
    ["a custom domain with a base path", "https://ws.example.com/chat/v2", "eu-central-1"]
  ])("for %s", async (_, endpoint, region) => {
    for (const operation of operations) await compare(endpoint, region, operation, "L0SM9cOFvHcCIhw=")
  })

  // Connection ids are base64-like: letters, digits, +, =, - and _ (never /).
  const connectionId = fc.stringMatching(/^[A-Za-z0-9+=_-]{1,24}$/)
  it.live.prop("for random connection ids", { connectionId, operation: fc.constantFrom(...operations) }, ({ connectionId, operation }) =>
    Effect.promise(() => compare(ENDPOINT, "eu-west-1", operation, connectionId)), { fastCheck: { numRuns: 100 } })
})
