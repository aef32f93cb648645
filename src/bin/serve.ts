/**
 * `serve`: a local gateway that verifies SigV4 as an IAM-authorized API
 * Gateway stage does, then echoes or proxies; one log line per request on
 * stderr; it runs until the signal aborts (or SIGINT / SIGTERM).
 *
 * @internal
 */
import * as Diagnosis from "../Diagnosis.js"
import * as LocalGateway from "../LocalGateway.js"
import { ENVIRONMENT_REGION, validateScopePart } from "../internal/endpoint.js"
import { REDACTED } from "../internal/scrub.js"
import { parseServeArgs, parseUrl, wholeNumber } from "./args.js"
import { isBadPort } from "./badPorts.js"
import { serveCredentials } from "./credentials.js"
import { describeError, ExitCode, SetupError, UsageError } from "./exitCodes.js"
import { HELP } from "./help.js"
import type { Console, Io } from "./output.js"
import { shownArgument, shownUrl } from "./shown.js"

const waitForStop = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal !== undefined) {
      if (signal.aborted) resolve()
      else signal.addEventListener("abort", () => resolve(), { once: true })
      return
    }
    const stop = () => {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
      resolve()
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })

const logLine = (entry: LocalGateway.AccessLogEntry): string =>
  `${new Date().toISOString()} ${entry.method} ${Diagnosis.redactSessionToken(entry.target)} ${entry.status} ${entry.accessKeyId ?? "-"}` +
  `${entry.errorType === undefined ? "" : ` ${entry.errorType}`}${entry.message === undefined ? "" : `: ${entry.message}`}\n`

/** `--target`: an http(s) base URL; each request's path and query are appended to it, so it has no query of its own. */
const targetOf = (text: string): string => {
  const url = parseUrl(text, "--target")
  if (url.search !== "") {
    throw new UsageError(`--target ${shownUrl(text)} has a query; give the base URL alone: each request's path and query are appended to it`)
  }
  return url.href
}

/** A target as the banner shows it: the password of its user info as `<redacted>` (the user name is no secret). */
const shownTarget = (target: string): string => {
  const url = new URL(target)
  return url.password === "" ? target : `${url.protocol}//${url.username}:${REDACTED}@${url.host}${url.pathname}${url.hash}`
}

/** A target's password, as written and decoded, joins the values the console never prints. */
const keepTargetPassword = (target: string, console: Console): void => {
  const { password } = new URL(target)
  if (password === "") return
  console.secrets.add(password)
  try {
    console.secrets.add(decodeURIComponent(password))
  } catch {
    // Not valid percent-encoding: as written is how it is sent.
  }
}

/**
 * `LocalGateway.start`, with an option it refuses (a region, service, host or
 * credentials that cannot be) as bad usage, exit 2, like the CLI's own checks;
 * failing to listen (a port in use) stays a runtime failure, exit 1.
 */
const startGateway = async (options: LocalGateway.Options): Promise<LocalGateway.Service> => {
  try {
    return await LocalGateway.start(options)
  } catch (error) {
    if (error instanceof LocalGateway.LocalGatewayError && error.reason === "InvalidConfig") {
      throw new SetupError(describeError(error).replace(/^LocalGateway: /, "serve: "))
    }
    throw error
  }
}

/** A warning for a port browsers and fetch refuse, or `undefined` for one they reach. */
const badPortWarning = (port: number): string | undefined =>
  isBadPort(port)
    ? `warning: port ${port} is a "bad port" of the Fetch standard: browsers and fetch() refuse to connect to it ` +
      `(curl and this CLI reach it). For those clients, choose another --port, e.g. 8080.\n`
    : undefined

export const serveCommand = async (argv: ReadonlyArray<string>, io: Io, console: Console): Promise<number> => {
  const { values, positionals } = parseServeArgs(argv)
  if (values.help) {
    await console.out(HELP)
    return ExitCode.Ok
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments besides options; got ${shownArgument(positionals[0]!)}`)
  const port = values.port === undefined ? 0 : wholeNumber("--port", values.port, 0, 65535)
  const target = values.target === undefined ? undefined : targetOf(values.target)
  if (target !== undefined) keepTargetPassword(target, console)
  const credentials = serveCredentials(values.credentials, io.env, console)
  // As the signer reads them: one set blank counts as not set, and a bad one is refused naming where it was read.
  const fromEnvironment = io.env["AWS_REGION"]?.trim() || io.env["AWS_DEFAULT_REGION"]?.trim() || undefined
  if (!values.region && fromEnvironment !== undefined) validateScopePart("region", fromEnvironment, ENVIRONMENT_REGION)
  const region = values.region || fromEnvironment || "us-east-1"

  const gateway = await startGateway({
    credentials: [credentials],
    port,
    host: values.host,
    region,
    service: values.service,
    target,
    onRequest: (entry) => console.err(logLine(entry))
  })
  try {
    // Stopped before it was ready (a Ctrl-C while the modules loaded, or while it bound its port): it never listened.
    if (io.signal?.aborted === true) return ExitCode.Ok
    const warning = badPortWarning(Number(new URL(gateway.url).port))
    if (warning !== undefined) console.err(warning)
    await console.out(
      `Local IAM gateway listening on ${gateway.url} (region ${gateway.region}, service ${gateway.service}, ` +
        `access key ${credentials.accessKeyId}${credentials.sessionToken === undefined ? "" : " with session token"}; ` +
        `${target === undefined ? "echoing verified requests" : `proxying verified requests to ${shownTarget(target)}`})\n`
    )
    await waitForStop(io.signal)
  } finally {
    await gateway.close()
  }
  console.err("Local IAM gateway stopped\n")
  return ExitCode.Ok
}
