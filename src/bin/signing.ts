/**
 * The signer and credentials a request is signed with, set up once: the
 * region from `--region`, else the host (the Host header's, when one is
 * given: it names the API, where the URL may name a VPC endpoint or a
 * proxy), else AWS_REGION; the service from `--service`, else execute-api;
 * the credentials from `--profile`, the environment, or the AWS SDK's
 * default chain (see `credentials`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Credentials from "../Credentials.js"
import { scopeFromHostname } from "../internal/endpoint.js"
import * as Signer from "../Signer.js"
import { type RequestCredentials, requestCredentials } from "./credentials.js"
import type { Console, Io } from "./output.js"
import { configProviderOf, run } from "./run.js"

export interface Signing {
  readonly signer: Signer.Service
  /** The credentials as first resolved (a provider's are renewed when they near expiry). */
  readonly credentials: Credentials.AwsCredentials
  /** Where the credentials came from, and whether they are the keys of the environment. */
  readonly credentialsFrom: Pick<RequestCredentials, "source" | "fromEnvironment" | "profile">
  readonly hasSessionToken: boolean
  /** Provides the signer and credentials to an effect of the library. */
  readonly provide: <A, E>(effect: Effect.Effect<A, E, Signer.Signer | Credentials.Credentials>) => Effect.Effect<A, E>
}

export const setUpSigning = async (
  url: URL,
  flags: {
    readonly region: string | undefined
    readonly service: string | undefined
    readonly profile: string | undefined
    readonly hostHeader: string | undefined
    readonly verbose: boolean
  },
  io: Io,
  console: Console
): Promise<Signing> => {
  // A Host header names the API signed for (a VPC endpoint or a proxy in the URL): its region and service, as the
  // URL's host would give them (a Lambda function URL signs for lambda, AppSync for appsync).
  const scope = flags.hostHeader === undefined ? undefined : scopeFromHostname(hostnameOf(flags.hostHeader))
  const signer = await run(
    Signer.make({ endpoint: url.origin, region: flags.region ?? scope?.region, service: flags.service ?? scope?.service }).pipe(
      Effect.withConfigProvider(configProviderOf(io.env))
    )
  )
  const { credentials, service, ...credentialsFrom } = await requestCredentials(flags.profile, io, console, flags.verbose)
  return {
    signer,
    credentials,
    credentialsFrom,
    hasSessionToken: credentials.sessionToken !== undefined,
    provide: (effect) => effect.pipe(Effect.provideService(Signer.Signer, signer), Effect.provideService(Credentials.Credentials, service))
  }
}

/** The host name of a Host header value: without its port, IPv6 brackets kept. */
export const hostnameOf = (host: string): string => host.replace(/:\d*$/, "").toLowerCase()
