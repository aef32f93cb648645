/**
 * How a client integration (axios, got) signs a request it is about to send:
 * through a method of the facade keyed by a registered symbol, so that a copy
 * of the class from another build of the package (CommonJS beside ES modules)
 * has it too. It differs from `signRequestAsync` in two ways: the request is
 * signed as the client read it, its body's bytes sent as they are (no web
 * Request copies them, unless `signRequestAsync` is overridden, which takes
 * one); and a provider's credentials that look expired by the signer's clock
 * go out, since a clock ahead of AWS's is set right only by API Gateway's
 * refusal for skew.
 *
 * @internal
 */
import type { ApiGatewaySigner } from "../ApiGatewaySigner.js"
import type { SignedRequest } from "../SignedRequest.js"

export const SIGN_FOR_SENDING: unique symbol = Symbol.for("api-gateway-request-signer/signForSending") as never

/** A request as a client will send it: its URL absolute (as a `Request` reads it), its headers as a `Headers` lists them. */
export interface RequestForSending {
  readonly method: string
  readonly url: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Uint8Array<ArrayBuffer> | undefined
}

type SendingMethod = (request: RequestForSending, asRequest: () => Request, signal?: AbortSignal) => Promise<SignedRequest | Request>

/**
 * Signs `request` to send with `signer`: its sending method, or, for a signer
 * without one, `signRequestAsync` of the web Request `asRequest` makes.
 */
export const signForSending = async (
  signer: ApiGatewaySigner,
  request: RequestForSending,
  asRequest: () => Request,
  signal?: AbortSignal
): Promise<SignedRequest | Request> => {
  const method = (signer as unknown as Record<typeof SIGN_FOR_SENDING, unknown>)[SIGN_FOR_SENDING]
  return typeof method === "function" ? (method as SendingMethod).call(signer, request, asRequest, signal) : signer.signRequestAsync(asRequest())
}
