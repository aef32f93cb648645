/**
 * How a client integration (axios, got) signs a request it is about to send:
 * through a method of the facade keyed by a registered symbol, so that a copy
 * of the class from another build of the package (CommonJS beside ES modules)
 * has it too. It differs from `signRequestAsync` in one way: a provider's
 * credentials that look expired by the signer's clock go out, since a clock
 * ahead of AWS's is set right only by API Gateway's refusal for skew.
 *
 * @internal
 */
import type { ApiGatewaySigner } from "../ApiGatewaySigner.js"

export const SIGN_FOR_SENDING: unique symbol = Symbol.for("api-gateway-request-signer/signForSending") as never

/** Signs `request` to send with `signer`: its sending method, or `signRequestAsync` for a signer without one. */
export const signForSending = (signer: ApiGatewaySigner, request: Request): Promise<Request> => {
  const method = (signer as unknown as Record<typeof SIGN_FOR_SENDING, unknown>)[SIGN_FOR_SENDING]
  return typeof method === "function" ? (method as (request: Request) => Promise<Request>).call(signer, request) : signer.signRequestAsync(request)
}
