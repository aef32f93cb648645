/**
 * The `Credentials` service as the signing edges use it: a static service
 * that carries its value (so signing skips a step), and the credentials
 * current now in the core's form.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { AwsCredentials, Service } from "../../Credentials.js"
import { SigningError } from "../../SigningError.js"
import type { SigningCredentials } from "../credentials.js"
import { toSigningCredentials } from "./credentials.js"

// Static services carry their value too, so signing need not run `get` (one Effect step less).
const staticValue = Symbol.for("api-gateway-request-signer/Credentials/staticValue")

/** A service that always yields the same (validated) credentials. */
export const staticService = (credentials: AwsCredentials): Service => {
  const service: Service & { [staticValue]?: AwsCredentials } = { get: Effect.succeed(credentials) }
  service[staticValue] = credentials
  return service
}

/** The value of a static credentials service, if it is one. */
export const staticCredentials = (service: Service): AwsCredentials | undefined =>
  (service as { [staticValue]?: AwsCredentials })[staticValue]

/** The credentials of a service now, as the core signs with them. */
export const currentSigningCredentials = (service: Service): Effect.Effect<SigningCredentials, SigningError> => {
  const fixed = staticCredentials(service)
  if (fixed !== undefined) {
    const core = toSigningCredentials(fixed)
    return core instanceof SigningError ? Effect.fail(core) : Effect.succeed(core)
  }
  return Effect.flatMap(service.get, (current) => {
    const core = toSigningCredentials(current)
    return core instanceof SigningError ? Effect.fail(core) : Effect.succeed(core)
  })
}
