/**
 * A WebSocket API: a client connecting with IAM auth (`$connect`), and a
 * Lambda function answering it through the `@connections` management API
 * (POST to send, GET to describe, DELETE to disconnect).
 *
 * TODO(issue 10): written against the API as it is today, which has two gaps.
 * - `wss://` endpoints are refused. The `$connect` URL is presigned for
 *   `https://` and its scheme swapped for `wss:` (`presignConnectUrl`): the
 *   scheme is not part of a SigV4 signature, so the query signs the same
 *   request. Presign the `wss://` URL directly once that is accepted (with
 *   the stage in the endpoint and path "", which today gives `/STAGE/`).
 * - `@` in a path is sent percent-encoded: `/prod/%40connections/...`, which
 *   API Gateway decodes to `@connections` and verifies against the wire path.
 *   The AWS SDK (`@aws-sdk/client-apigatewaymanagementapi`) sends it raw;
 *   issue 10 makes this library do the same. Nothing here needs to change then.
 *
 * The function needs `execute-api:ManageConnections` on
 * `arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/POST/@connections/*` (and
 * GET, DELETE); its credentials come from the Lambda environment.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda"
import ApiGatewaySigner, { type ApiGatewaySignerConfig } from "api-gateway-request-signer/ApiGatewaySigner"

// ── The client: $connect with IAM auth ───────────────────────────────────────

/**
 * A presigned URL for `$connect`, valid for `expiresIn` seconds: give it the
 * stage's WebSocket URL, `wss://API_ID.execute-api.REGION.amazonaws.com/STAGE`,
 * and open what it returns with `new WebSocket(url)` (browsers, Node 22+) or
 * any WebSocket client. `config` is the signer's, endpoint aside (credentials
 * default to the AWS_* environment variables; pass them in a browser).
 */
export const presignConnectUrl = (
  webSocketUrl: string,
  config: Omit<ApiGatewaySignerConfig, "endpoint"> = {},
  expiresIn = 60
): string => {
  const url = new URL(webSocketUrl)
  // Signed as the same request over https: (http: for a local ws: gateway), then given back its scheme.
  const apiSigner = new ApiGatewaySigner({ ...config, endpoint: `${url.protocol === "ws:" ? "http:" : "https:"}//${url.host}` })
  const presigned = apiSigner.presignRequest({ method: "GET", path: url.pathname }, { expiresIn })
  return presigned.url.replace(/^http(s?):/, "ws$1:")
}

// ── The backend: the @connections management API ────────────────────────────

/** One signer per WebSocket API stage, made on first use and kept for the execution environment. */
const signers = new Map<string, ApiGatewaySigner>()
const managementApi = (domainName: string, stage: string): ApiGatewaySigner => {
  const endpoint = `https://${domainName}/${stage}`
  let signer = signers.get(endpoint)
  if (signer === undefined) {
    // The region comes from an execute-api host, else from AWS_REGION (a custom domain name).
    signer = new ApiGatewaySigner({ endpoint })
    signers.set(endpoint, signer)
  }
  return signer
}

const connectionPath = (connectionId: string) => `/@connections/${encodeURIComponent(connectionId)}`

/** Sends `data` to a connected client. False when the client is gone (410 Gone). */
export const postToConnection = async (api: ApiGatewaySigner, connectionId: string, data: string): Promise<boolean> => {
  const request = api.signRequest({ method: "POST", path: connectionPath(connectionId), body: data })
  const response = await fetch(request.url, request)
  if (response.status === 410) return false
  if (!response.ok) throw new Error(`POST @connections: HTTP ${response.status} ${await response.text()}`)
  return true
}

/** What API Gateway knows of a connection: `connectedAt`, `identity`, `lastActiveAt`. */
export const getConnection = async (api: ApiGatewaySigner, connectionId: string): Promise<unknown> => {
  const request = api.signRequest({ method: "GET", path: connectionPath(connectionId) })
  const response = await fetch(request.url, request)
  if (!response.ok) throw new Error(`GET @connections: HTTP ${response.status} ${await response.text()}`)
  return response.json()
}

/** Closes a connection from the server side. */
export const deleteConnection = async (api: ApiGatewaySigner, connectionId: string): Promise<void> => {
  const request = api.signRequest({ method: "DELETE", path: connectionPath(connectionId) })
  const response = await fetch(request.url, request)
  if (!response.ok && response.status !== 410) throw new Error(`DELETE @connections: HTTP ${response.status}`)
}

/** A route's handler (e.g. `$default`): echoes each message back to its sender. */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  const { connectionId, domainName, stage } = event.requestContext
  const api = managementApi(domainName, stage)
  const delivered = await postToConnection(api, connectionId, JSON.stringify({ echo: event.body ?? null }))
  return { statusCode: delivered ? 200 : 410 }
}
