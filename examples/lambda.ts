/**
 * A Lambda function that calls another IAM-authorized API: the function's
 * role signs, with the credentials Lambda puts in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and the
 * region from the endpoint.
 *
 * - The signer is made once per execution environment, outside the handler,
 *   and imported from the facade's own subpath: it loads no Effect runtime,
 *   which keeps cold starts short (README, "Performance").
 * - Each attempt of `makeRequestWithRetries` is signed afresh; a 4xx other
 *   than 408, 425 and 429 is not retried.
 * - The invocation's remaining time bounds the retries and each call
 *   (`signal`, and the call's own timeout): Lambda ends a handler at its
 *   timeout, and a 502 it never sent does not reach the caller.
 * - The handler answers API Gateway (HTTP API, payload 2.0) with the pets
 *   API's answer, or 502 when it could not be reached.
 *
 * Deploy with PETS_API_URL set to the invoke URL, stage included, and
 * `execute-api:Invoke` on it in the function's role.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda"
import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"
import { RequestError } from "api-gateway-request-signer/RequestError"

const petsApi = new ApiGatewaySigner({ endpoint: process.env["PETS_API_URL"] ?? "https://API_ID.execute-api.us-east-1.amazonaws.com/prod" })

interface Pet {
  readonly id: string
  readonly name: string
}

/** A failed answer of the pets API, kept for the caller. */
class HttpError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}`)
  }
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
  // Give up 500 ms before Lambda ends the invocation, so that the 502 below still reaches the caller.
  const deadline = AbortSignal.timeout(Math.max(0, context.getRemainingTimeInMillis() - 500))
  const id = event.pathParameters?.["id"]
  if (id === undefined) return json(400, { message: "GET /pets/{id}" })
  try {
    const pet = await petsApi.makeRequestWithRetries(
      { method: "GET", path: `/pets/${encodeURIComponent(id)}`, headers: { accept: "application/json" } },
      async (request): Promise<Pet> => {
        const response = await fetch(request.url, { ...request, signal: AbortSignal.any([deadline, AbortSignal.timeout(5_000)]) })
        if (!response.ok) throw new HttpError(response.status, await response.text())
        return (await response.json()) as Pet
      },
      2, // at most 3 calls
      { signal: deadline } // and none past the invocation's time
    )
    return json(200, pet)
  } catch (error) {
    // RequestError: every attempt failed (or one that cannot succeed unchanged); `cause` is the last failure.
    const last = error instanceof RequestError ? error.cause : error
    if (last instanceof HttpError && last.status === 404) return json(404, { message: `No pet ${id}` })
    console.error("pets API failed", error instanceof Error ? error.message : String(error))
    return json(502, { message: "The pets API could not be reached" })
  }
}
