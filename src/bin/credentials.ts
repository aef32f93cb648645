/**
 * Credentials for the command line: for a request, from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the environment it is
 * given; for `serve`, from `--credentials AKID:SECRET[:TOKEN]` or the same
 * variables. Their secrets join the values the console never prints.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Credentials from "../Credentials.js"
import { UsageError } from "./exitCodes.js"
import type { Console, Io } from "./output.js"
import { configProviderOf, run } from "./run.js"

/** The credentials a request is signed with; the secret key and session token are added to `console.secrets`. */
export const credentialsFromEnv = async (env: Io["env"], console: Console): Promise<Credentials.AwsCredentials> => {
  const credentials = await run(
    Effect.flatMap(Credentials.Credentials, (service) => service.get).pipe(
      Effect.provide(Credentials.fromEnv),
      Effect.withConfigProvider(configProviderOf(env))
    )
  )
  console.secrets.add(Redacted.value(credentials.secretAccessKey))
  if (credentials.sessionToken !== undefined) console.secrets.add(Redacted.value(credentials.sessionToken))
  return credentials
}
/** Who may call a `serve` gateway, as plain strings for `LocalGateway.start`; the secrets are added to `console.secrets`. */
export const serveCredentials = (
  option: string | undefined,
  env: Io["env"],
  console: Console
): { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string | undefined } => {
  let result: { accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined }
  if (option !== undefined) {
    const parts = option.split(":")
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === "")) {
      throw new UsageError("--credentials takes ACCESS_KEY_ID:SECRET_ACCESS_KEY or ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN")
    }
    result = { accessKeyId: parts[0]!, secretAccessKey: parts[1]!, sessionToken: parts[2] }
  } else {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
      throw new UsageError("serve needs credentials: pass --credentials AKID:SECRET[:TOKEN], or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }
    result = { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: AWS_SESSION_TOKEN || undefined }
  }
  console.secrets.add(result.secretAccessKey)
  if (result.sessionToken !== undefined) console.secrets.add(result.sessionToken)
  return result
}
