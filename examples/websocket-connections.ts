/**
 * A WebSocket API: a client connecting with IAM auth (`$connect`), and a
 * Lambda function answering it through the `@connections` management API
 * (POST to send, GET to describe, DELETE to disconnect).
 *
 * `wss://` endpoints sign and presign like https ones, and `@connections`
 * goes out as written, as the AWS SDK (`@aws-sdk/client-apigatewaymanagementapi`)
 * sends it. See docs/websocket.md.
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
  // The stage as the path, so the URL ends at the stage as the WebSocket URL does (no trailing slash).
  const apiSigner = new ApiGatewaySigner({ ...config, endpoint: url.origin })
  return apiSigner.presignRequest({ method: "GET", path: url.pathname }, { expiresIn }).url
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
