/**
 * The `Credentials` service as the signing edges use it: a static service
 * that carries its value (so signing skips a step), and the credentials
 * current now in the core's form.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
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

/**
 * The signer's clock offset while it asks a credentials service for the
 * credentials to sign with: a refreshing layer judges whether they are fresh
 * at the time the signature will carry (the Clock plus this offset), as the
 * signer judges whether they have expired.
 */
export const signingClockOffset: FiberRef.FiberRef<number> = globalValue(
  Symbol.for("api-gateway-request-signer/Credentials/signingClockOffset"),
  () => FiberRef.unsafeMake(0)
)

/**
 * `service.get`, asked on behalf of a signer whose clock is `offset`
 * milliseconds off the Clock. `inherited` is the offset the fiber holds
 * already, when the caller knows it: the same one needs no setting.
 */
export const credentialsAt = (service: Service, offset: number, inherited?: number): Effect.Effect<AwsCredentials, SigningError> =>
  offset === inherited ? service.get : Effect.locally(service.get, signingClockOffset, offset)

/** The credentials of a service now, as the core signs with them (for a signer whose clock is `offset` off). */
export const currentSigningCredentials = (service: Service, offset = 0): Effect.Effect<SigningCredentials, SigningError> => {
  const fixed = staticCredentials(service)
  if (fixed !== undefined) {
    const core = toSigningCredentials(fixed)
    return core instanceof SigningError ? Effect.fail(core) : Effect.succeed(core)
  }
  return Effect.flatMap(credentialsAt(service, offset), (current) => {
    const core = toSigningCredentials(current)
    return core instanceof SigningError ? Effect.fail(core) : Effect.succeed(core)
  })
}
