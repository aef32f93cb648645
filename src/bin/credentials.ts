/**
 * Credentials for the command line: for a request, from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the environment it is
 * given; for `serve`, from `--credentials AKID:SECRET[:TOKEN]` or the same
 * variables. Their secrets join the values the console never prints.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import * as Credentials from "../Credentials.js"
import { SetupError, UsageError } from "./exitCodes.js"
import type { Console, Io } from "./output.js"
import { run } from "./run.js"

const REQUIRED = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const

const present = (value: string | undefined): value is string => value !== undefined && value !== ""

/** The credentials a request is signed with; the secret key and session token are added to `console.secrets`. */
export const credentialsFromEnv = async (env: Io["env"], console: Console): Promise<Credentials.AwsCredentials> => {
  const missing = REQUIRED.filter((name) => !present(env[name]))
  if (missing.length > 0) {
    throw new SetupError(
      `AWS credentials could not be read from the environment: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set. ` +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials."
    )
  }
  const sessionToken = env["AWS_SESSION_TOKEN"]
  const credentials = await run(Credentials.validate({
    accessKeyId: env["AWS_ACCESS_KEY_ID"]!,
    secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]!,
    sessionToken: present(sessionToken) ? sessionToken : undefined
  }))
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
