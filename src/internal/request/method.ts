/**
 * The request method: one of the methods API Gateway routes, sent upper-case.
 *
 * @internal
 */
import { type HttpMethod, HttpMethods, isHttpMethod } from "../../HttpMethods.js"
import { invalidRequest } from "../signingErrors.js"
import { describe } from "./describe.js"

export const prepareMethod = (method: unknown): HttpMethod => {
  if (isHttpMethod(method)) return method // as HttpMethods spells it: no copy upper-cased
  const upper = typeof method === "string" ? method.toUpperCase() : method
  if (isHttpMethod(upper)) return upper
  throw invalidRequest(
    "method",
    `Unknown HTTP method ${describe(method)}: use one of ${Object.keys(HttpMethods).join(", ")} (e.g. HttpMethods.GET).`
  )
}
