/**
 * The two `SigningError`s this library raises most: a misconfigured option
 * (`InvalidConfig`) and a request it cannot sign (`InvalidRequest`, naming
 * the part). Kept out of the public `SigningError` module, which exports the
 * class and its types only.
 *
 * @internal
 */
import { type RequestField, SigningError } from "../SigningError.js"

export const invalidConfig = (message: string): SigningError => new SigningError({ reason: "InvalidConfig", message })

export const missingCredentials = (message: string): SigningError => new SigningError({ reason: "MissingCredentials", message })

export const invalidRequest = (field: RequestField, message: string, cause?: unknown): SigningError =>
  new SigningError({ reason: "InvalidRequest", field, message, cause })
