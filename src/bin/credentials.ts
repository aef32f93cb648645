/**
 * Credentials for the command line. For a request, as the AWS CLI finds
 * them: `--profile NAME` names a profile of the AWS SDK's default chain;
 * otherwise AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
 * AWS_SESSION_TOKEN) in the environment it is given; otherwise, when the
 * optional peer `@aws-sdk/credential-providers` is installed, the SDK's
 * default chain (AWS_PROFILE, else AWS_DEFAULT_PROFILE, or the default profile, SSO, credential_process,
 * web identity, ECS and EKS container credentials, EC2 instance roles). For
 * `serve`, from `--credentials AKID:SECRET[:TOKEN]` or the same variables.
 * Their secrets join the values the console never prints.
 *
 * @internal
 */
import { readFileSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { homedir } from "node:os"
import { join } from "node:path"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Credentials from "../Credentials.js"
import { SigningError } from "../SigningError.js"
import { ENVIRONMENT_FIELD_NAMES } from "../internal/credentials.js"
import { validate as validateCredentials } from "../internal/effect/credentialSources.js"
import { COMMAND_FAILED, isProviderTimeout, PROVIDER_TIMEOUT_MILLIS, withoutCommandLine } from "../internal/facadeCredentials.js"
import { linesJoined, looksLikeCredential, maskCredentialRuns, shorten } from "../internal/scrub.js"
import { openLeftBlocked } from "./body.js"
import { firstLine, Interrupted, SetupError, UsageError } from "./exitCodes.js"
import type { Console, Io } from "./output.js"
import { run } from "./run.js"

const REQUIRED = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const
const PEER = "@aws-sdk/credential-providers"

const present = (value: string | undefined): value is string => value !== undefined && value !== ""

const keepSecrets = (credentials: Credentials.AwsCredentials, console: Console): void => {
  console.secrets.add(Redacted.value(credentials.secretAccessKey))
  if (credentials.sessionToken !== undefined) console.secrets.add(Redacted.value(credentials.sessionToken))
}

const MISSING_KEYS_HINT = "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials."

/** The credentials a request is signed with; the secret key and session token are added to `console.secrets`. */
const credentialsFromEnv = async (env: Io["env"], console: Console): Promise<Credentials.AwsCredentials> => {
  const missing = REQUIRED.filter((name) => !present(env[name]))
  if (missing.length > 0) {
    throw new SetupError(
      `AWS credentials could not be read from the environment: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set. ` +
        MISSING_KEYS_HINT
    )
  }
  const sessionToken = env["AWS_SESSION_TOKEN"]
  const credentials = await run(validateCredentials({
    accessKeyId: env["AWS_ACCESS_KEY_ID"]!,
    secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]!,
    sessionToken: present(sessionToken) ? sessionToken : undefined
  }, ENVIRONMENT_FIELD_NAMES))
  keepSecrets(credentials, console)
  return credentials
}

/** What named the profile whose credentials sign: the option, or a variable of the environment. */
type ProfileFrom = "--profile" | "AWS_PROFILE" | "AWS_DEFAULT_PROFILE"

/** How a message says where a profile's name came from: nothing for the option, the variable otherwise. */
const namedBy = (profileFrom: ProfileFrom): string => profileFrom === "--profile" ? "" : `, named by ${profileFrom}`

/** The credentials of a request, and where they came from. */
export interface RequestCredentials {
  /** Yields the credentials to sign with: the same, or renewed when they near expiry. */
  readonly service: Credentials.Service
  /** As resolved before the first signature. */
  readonly credentials: Credentials.AwsCredentials
  /** Where they came from, for `-v`: "environment", "profile dev (AWS SDK default chain: ...)". */
  readonly source: string
  /** True when they are the keys in the environment (AWS_SESSION_TOKEN holds their token, if any). */
  readonly fromEnvironment: boolean
  /** The profile named by `--profile`, AWS_PROFILE or AWS_DEFAULT_PROFILE, when the SDK's chain found them. */
  readonly profile: string | undefined
}

/**
 * The credentials of a request: `--profile` first (as the AWS CLI, it
 * overrides keys in the environment), then keys in the environment (they
 * override AWS_PROFILE, as with the AWS CLI), then the SDK's default chain.
 * With `verbose`, a failing chain's trail (what each source said) is printed.
 */
export const requestCredentials = async (
  profileOption: string | undefined,
  io: Io,
  console: Console,
  verbose: boolean
): Promise<RequestCredentials> => {
  if (profileOption !== undefined && profileOption.trim() === "") throw new UsageError("--profile needs a profile name")
  // As the AWS CLI (v2) does: AWS_PROFILE, else AWS_DEFAULT_PROFILE, which the AWS SDK does not read.
  const envProfileFrom = present(io.env["AWS_PROFILE"]) ? "AWS_PROFILE" : present(io.env["AWS_DEFAULT_PROFILE"]) ? "AWS_DEFAULT_PROFILE" : undefined
  const envProfile = envProfileFrom === undefined ? undefined : io.env[envProfileFrom]
  if (profileOption === undefined && REQUIRED.some((name) => present(io.env[name]))) {
    const credentials = await credentialsFromEnv(io.env, console)
    return {
      service: { get: Effect.succeed(credentials) },
      credentials,
      fromEnvironment: true,
      profile: undefined,
      source: envProfile === undefined
        ? "environment"
        : `environment; ${envProfileFrom}=${shownProfile(envProfile)} is not used: keys in the environment come first, as with the AWS CLI`
    }
  }
  if (profileOption === undefined) return fromDefaultChain(envProfile, envProfileFrom ?? "AWS_PROFILE", io, console, verbose)
  return notingUnusedKeys(await fromDefaultChain(profileOption, "--profile", io, console, verbose), io.env)
}

/**
 * A `--profile`'s credentials, their source (for `-v`) noting the keys in
 * the environment it overrides, as the note above does for AWS_PROFILE; the
 * SDK's own warning about them is dropped (see `isProfileOverEnvWarning`).
 */
const notingUnusedKeys = (found: RequestCredentials, env: Io["env"]): RequestCredentials => {
  const unused = REQUIRED.filter((name) => present(env[name]))
  if (unused.length === 0) return found
  const note = `${unused.join(" and ")} in the environment ${unused.length === 1 ? "is" : "are"} not used: --profile comes first, as with the AWS CLI`
  return { ...found, source: `${found.source}; ${note}` }
}

// ── the AWS SDK's default chain ──────────────────────────────────────────────

// The SDK logs each link of its chain at debug level as it tries it: the last one tried is the source.
const CHAIN_LINKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/defaultProvider::fromEnv\b/, "environment variables"],
  [/defaultProvider::fromSSO\b/, "SSO"],
  [/defaultProvider::fromIni\b/, "shared config and credentials files"],
  [/defaultProvider::fromProcess\b|credential-provider-process\b/, "credential_process"],
  [/credential-provider-sso\b/, "SSO"],
  [/defaultProvider::fromTokenFile\b/, "web identity token file"],
  [/remoteProvider::fromHttp\b/, "container credentials endpoint"],
  [/remoteProvider::fromInstanceMetadata\b/, "EC2 instance metadata"]
]

const oneLine = (text: string): string => shorten(linesJoined(text), 300)

/**
 * The SDK's warning when it is given a profile and keys are in the
 * environment. It speaks of an AWS_PROFILE the user may not have set, and of
 * a precedence "a future version may change"; with `--profile` the CLI has
 * fixed that precedence (the profile), and `-v` says so in its own words.
 */
const isProfileOverEnvWarning = (text: string): boolean => text.includes("Multiple credential sources detected")

/**
 * A logger for the SDK: debug lines kept as the chain's trail (and as said,
 * lines and all, in `said`), warnings printed unless `dropped`.
 */
const chainLogger = (console: Console, dropped: (warning: string) => boolean) => {
  const trail: Array<string> = []
  const said: Array<string> = []
  const keep = (args: ReadonlyArray<unknown>) => {
    const text = args.map(String).join(" ")
    said.push(text)
    trail.push(oneLine(text))
  }
  return {
    trail,
    said,
    logger: {
      trace: () => {},
      debug: (...args: ReadonlyArray<unknown>) => keep(args),
      info: () => {},
      warn: (...args: ReadonlyArray<unknown>) => {
        const text = args.map(String).join(" ")
        if (!dropped(text)) console.err(`warning: ${oneLine(text)}\n`)
      },
      error: (...args: ReadonlyArray<unknown>) => keep(args)
    }
  }
}

const RUN_IT_YOURSELF = "Run the profile's credential_process command yourself to see why it fails."

// How the SDK's credential_process provider reports a process that failed: Node's exec error
// (COMMAND_FAILED: "Command failed: COMMAND" then the process's stderr), or output it refused.
const OUTPUT_REFUSED = /\bProfile \S+ (credential_process (?:returned|did not return) [^\n]*)/

/**
 * What went wrong with a profile's credential_process, when the chain ran one
 * and it failed: the first line of what it wrote on stderr, never its command
 * line (which may carry arguments not meant to be shown).
 */
const credentialProcessFailure = (said: ReadonlyArray<string>): string | undefined => {
  for (const text of said) {
    const failed = COMMAND_FAILED.exec(text)
    if (failed !== null) {
      const stderr = firstLine(failed[1] ?? "")
      return stderr === ""
        ? `it exited with an error and wrote nothing on stderr. ${RUN_IT_YOURSELF}`
        // A process tracing itself (set -x) may print the credentials it was about to hand over.
        : looksLikeCredential(stderr)
        ? `it failed, and its stderr looks like it holds a credential (not shown). ${RUN_IT_YOURSELF}`
        : `it failed, saying: ${shorten(stderr, 200).replace(/\.?$/, ".")} Fix what it says, or ${RUN_IT_YOURSELF.toLowerCase()}`
    }
    const refused = OUTPUT_REFUSED.exec(text)
    if (refused !== null) return `its output was refused: the ${refused[1]!.replace(/\.?$/, ".")} ${RUN_IT_YOURSELF}`
  }
  return undefined
}

/**
 * The chain did not answer in time: where it was when the CLI stopped waiting (the last source the SDK's
 * trail entered), since "check that the profile exists" or "give the provider a timeout" would mislead here.
 * A credential_process is the usual one (a tool waiting on a prompt, a browser login or the network), then
 * STS for a profile that assumes a role.
 */
const chainTimedOut = (waitingOn: string | undefined, ofProfile: string): string => {
  const seconds = PROVIDER_TIMEOUT_MILLIS / 1000
  return waitingOn === "credential_process"
    ? `the credential_process of ${ofProfile} ran, and did not answer within ${seconds} s. ` +
      "Run the profile's credential_process command yourself to see what it waits for (a prompt, a login, the network)."
    : `no answer within ${seconds} s${waitingOn === undefined ? "" : ` from ${waitingOn}`}. ` +
      "What calls out (STS, SSO, the container endpoint, EC2 instance metadata) may be unreachable from here: behind a VPN or a proxy, or blocked."
}

/**
 * A line of the SDK's trail as `-v` prints it. Shown as the SDK logged it, it
 * would show what the message above hides: a failed credential_process's
 * command line (arguments not meant to be shown, a vault token) and stderr
 * (a process tracing itself prints the credentials it was about to hand
 * over). So the command line is left out, and any run that may be a
 * credential masked.
 */
const shownTrailEntry = (said: string): string => oneLine(maskCredentialRuns(withoutCommandLine(said)))

// How the AWS SDK reads a section header (@smithy's parseIni): `[profile NAME]`, with one space, the name
// of these characters, optionally quoted; a header of another form is a section of another name.
const PREFIXED_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/
const SECTION_KINDS: ReadonlySet<string> = new Set(["profile", "sso-session", "services"])

/** A line of an INI file with its comment cut, under the section the AWS SDK names it by (undefined: one it skips). */
interface IniLine {
  readonly section: string | undefined
  /** As written in the file: `[profile NAME]` for one in the config file. */
  readonly header: string | undefined
  readonly content: string
}

/** The lines of an INI file, each under its section as the AWS SDK names them (see `sectionsOf`). */
const iniLines = (text: string): ReadonlyArray<IniLine> => {
  const lines: Array<IniLine> = []
  let section: string | undefined
  let header: string | undefined
  for (const line of text.split(/\r?\n/)) {
    const content = line.split(/(^|\s)[;#]/)[0]!.trim()
    if (content.startsWith("[") && content.endsWith("]") && content.length >= 2) {
      const name = content.slice(1, -1)
      const prefixed = PREFIXED_SECTION.exec(name)
      section = prefixed === null ? name : SECTION_KINDS.has(prefixed[1]!) ? `${prefixed[1]}.${prefixed[3]}` : undefined
      header = content
    } else if (content !== "") {
      lines.push({ section, header, content })
    }
  }
  return lines
}

/**
 * The sections of an INI file as the AWS SDK names them (`profile.NAME` for `[profile NAME]`, the text between
 * the brackets otherwise), each with the keys it gives a value, as it reads them (names as written: it matches
 * `aws_access_key_id` exactly), and as it keeps them: only once a `key = value` line follows, an empty section
 * being no profile to it.
 */
const sectionsOf = (text: string): Map<string, Set<string>> => {
  const sections = new Map<string, Set<string>>()
  for (const { content, section } of iniLines(text)) {
    if (section === undefined) continue
    // A `key = value` line; `key =` alone opens sub-properties (s3 =), and keeps nothing by itself.
    const equals = content.indexOf("=")
    if (equals > 0 && content.slice(equals + 1).trim() !== "") {
      const keys = sections.get(section) ?? new Set<string>()
      keys.add(content.slice(0, equals).trim())
      sections.set(section, keys)
    }
  }
  return sections
}

// `name: value`, which the AWS CLI (Python's configparser) reads as `name = value`, and the AWS SDK does not.
const COLON_LINE = /^([\w-]+)\s*:/

/**
 * How a section of `file` writes a credential key that the AWS CLI reads and the AWS SDK does not (configparser
 * lower-cases names, and takes `:` for `=`): as a sentence saying how to write it, or undefined when none does.
 * The value is never shown; the name is one of `CREDENTIAL_KEYS`.
 */
const misreadKeyOf = (file: string, text: string, section: string): string | undefined => {
  const keyLines = iniLines(text).filter((line) => line.section === section).map((line) => {
    const colon = COLON_LINE.exec(line.content)
    const name = colon !== null ? colon[1]! : line.content.slice(0, Math.max(line.content.indexOf("="), 0)).trim()
    return { header: line.header, name, key: name.toLowerCase(), colon: colon !== null }
  })
  // source_profile and credential_source say where a role_arn's role is assumed from: without one, the AWS CLI
  // reads neither (see `credentialKeysOf`).
  const assumesRole = keyLines.some(({ key }) => key === "role_arn")
  for (const { colon, header, key, name } of keyLines) {
    if (!CREDENTIAL_KEYS.includes(key) || (!assumesRole && (key === "source_profile" || key === "credential_source"))) continue
    if (colon) {
      return `${header} in ${file} writes "${name}: ..." with a colon, which the AWS SDK does not read (the AWS CLI does): ` +
        `write it "${key} = ...".`
    }
    if (name !== key) {
      return `${header} in ${file} names the key ${name}, which the AWS SDK does not read (it reads only ${key}; ` +
        "the AWS CLI reads either): write it in lower case."
    }
  }
  return undefined
}

/**
 * How `profile` writes its credentials where the AWS SDK cannot read them though the AWS CLI does, in either file
 * (see `misreadKeyOf`); undefined when it does not, or when a file can be read only once.
 */
const misreadProfileOf = (profile: string, io: Io): string | undefined => {
  const texts = profileTexts(io)
  if (texts === undefined) return undefined
  const { configFile, configText, credentialsFile, credentialsText } = texts
  return misreadKeyOf(credentialsFile, credentialsText, profile) ??
    misreadKeyOf(configFile, configText, `profile.${profile}`) ??
    (profile === "default" ? misreadKeyOf(configFile, configText, "default") : undefined)
}

/** The keys by which a profile names credentials (or where to get them), as the AWS CLI reads them. */
const CREDENTIAL_KEYS: ReadonlyArray<string> = [
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "credential_process",
  "role_arn",
  "source_profile",
  "credential_source",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "sso_role_name",
  "login_session"
]

/**
 * The credential keys `profile` gives, in either file (`[profile NAME]` or
 * `[default]` in the config file, `[NAME]` in the credentials file); none
 * when a file can be read only once (a pipe: the SDK reads it).
 */
const credentialKeysOf = (profile: string, io: Io): ReadonlyArray<string> => {
  const texts = profileTexts(io)
  if (texts === undefined) return []
  const { configText, credentialsText } = texts
  const inConfig = sectionsOf(configText)
  const given = new Set([
    ...(inConfig.get(`profile.${profile}`) ?? (profile === "default" ? inConfig.get("default") : undefined) ?? []),
    ...(sectionsOf(credentialsText).get(profile) ?? [])
  ])
  // source_profile and credential_source say where a role_arn's role is assumed from: without one, the AWS CLI
  // reads neither, and goes on to the host's role.
  return CREDENTIAL_KEYS.filter((key) => given.has(key) && (given.has("role_arn") || (key !== "source_profile" && key !== "credential_source")))
}

/** The first `@aws-sdk/credential-providers` that reads an `aws login` session (`login_session`). */
const READS_LOGIN_SESSIONS = [3, 936, 0] as const

/** The installed `@aws-sdk/credential-providers`'s version as numbers, or undefined when it cannot be read. */
const installedChainVersion = (): ReadonlyArray<number> | undefined => {
  try {
    const { version } = createRequire(import.meta.url)(`${PEER}/package.json`) as { readonly version?: unknown }
    return typeof version === "string" ? version.split(".").map(Number) : undefined
  } catch {
    return undefined
  }
}

const olderThan = (version: ReadonlyArray<number>, than: ReadonlyArray<number>): boolean => {
  for (let i = 0; i < than.length; i++) {
    const part = version[i] ?? 0
    if (part !== than[i]) return part < than[i]!
  }
  return false
}

/**
 * How to log a profile in again, for one whose credentials come from a login: `aws login`, or `aws sso login`.
 * An SDK too old to read `aws login` sessions cannot use one however fresh: then the advice is to upgrade it.
 */
export const loginOf = (profile: string, keys: ReadonlyArray<string>, sdkVersion = installedChainVersion()): string | undefined =>
  keys.includes("login_session")
    ? sdkVersion !== undefined && olderThan(sdkVersion, READS_LOGIN_SESSIONS)
      ? `install ${PEER} ${READS_LOGIN_SESSIONS.join(".")} or later (npm install ${PEER}@3), the first to read the login session of ` +
        `${shownProfile(profile)}, then run aws login --profile ${shownProfile(profile)} if it has expired.`
      : `run aws login --profile ${shownProfile(profile)} (its login session could not be used).`
    : keys.some((key) => key.startsWith("sso_"))
    ? `run aws sso login --profile ${shownProfile(profile)}.`
    : undefined

const capitalized = (text: string | undefined): string | undefined => text === undefined ? undefined : text.charAt(0).toUpperCase() + text.slice(1)

/** The links of the chain past the profiles: a host's or a pod's role, which a profile that fails must not hand the request to. */
const HOST_ROLES: ReadonlySet<string> = new Set(["container credentials endpoint", "EC2 instance metadata", "web identity token file"])

/**
 * A profile's name as a message shows it: a run in it that may be a credential (a secret key passed to
 * --profile by mistake) by its length only. Names such as AdministratorAccess-123456789012 read as they are.
 * A line break in it is escaped, so that it cannot end the line it is quoted in (the console escapes the other
 * control characters).
 */
const shownProfile = (profile: string): string => maskCredentialRuns(profile).replaceAll("\n", "\\n")

/** Where the SDK reads profiles: the variable, "~/" meaning the home directory, else the default place. */
const profileFiles = (io: Io): { readonly configFile: string; readonly credentialsFile: string } => {
  const home = [io.env["HOME"], io.env["USERPROFILE"]].find(present) ?? homedir()
  const fileOf = (variable: string, name: string): string => {
    const given = io.env[variable]
    if (!present(given)) return join(home, ".aws", name)
    return given.startsWith("~/") ? join(home, given.slice(2)) : given
  }
  return { configFile: fileOf("AWS_CONFIG_FILE", "config"), credentialsFile: fileOf("AWS_SHARED_CREDENTIALS_FILE", "credentials") }
}

/**
 * Both profile files and their texts, as the SDK reads them; undefined when either can be read only once (a pipe:
 * left to the SDK, which reads it).
 */
const profileTexts = (io: Io): { readonly configFile: string; readonly configText: string; readonly credentialsFile: string; readonly credentialsText: string } | undefined => {
  const { configFile, credentialsFile } = profileFiles(io)
  const configText = textOfFile(configFile)
  const credentialsText = textOfFile(credentialsFile)
  return configText === undefined || credentialsText === undefined ? undefined : { configFile, configText, credentialsFile, credentialsText }
}

/**
 * Whether `file` is a pipe, a socket or a device: what reads once (`<(cmd)`), waits for a writer (a FIFO) or for a
 * terminal. Not `/dev/null`, which reads as empty every time: `AWS_SHARED_CREDENTIALS_FILE=/dev/null` turns the file
 * off, and a profile then is in the other file or nowhere.
 */
const isPipeOrDevice = (file: string): boolean => {
  try {
    const stats = statSync(file)
    return stats.isFIFO() || stats.isSocket() || (stats.isCharacterDevice() && stats.rdev !== devNull())
  } catch {
    return false
  }
}

/** The device number of `/dev/null`, or -1 where there is none (Windows). */
const devNull = (): number => {
  try {
    return statSync("/dev/null").rdev
  } catch {
    return -1
  }
}

/** A file's text, undefined for one that reads once (left to the SDK), or "" when it cannot be read (the SDK reads a missing file as an empty one). */
const textOfFile = (file: string): string | undefined => {
  try {
    // A pipe (AWS_SHARED_CREDENTIALS_FILE=<(cmd)) or a device reads once: left to the SDK, which reads it once.
    if (isPipeOrDevice(file)) return undefined
    return readFileSync(file, "utf8")
  } catch {
    return ""
  }
}

/**
 * Refuses a named profile that is in neither file, as the AWS CLI does (a
 * typo, another machine's config). The SDK's chain would go on past it to
 * the container endpoint or the instance role, and sign as that role, with
 * its rights, silently. A profile is read where the SDK reads it:
 * `[profile NAME]` (or `[default]`) in the config file, `[NAME]` in the
 * credentials file. One that is there, credentials or not (a region alone,
 * on a host whose role signs), goes to the chain as before.
 */
const checkProfileExists = (profile: string, profileFrom: ProfileFrom, io: Io): void => {
  const texts = profileTexts(io)
  // A file that can be read only once is not read here: the SDK decides.
  if (texts === undefined) return
  const { configFile, configText, credentialsFile, credentialsText } = texts
  const inConfig = sectionsOf(configText)
  if (inConfig.has(`profile.${profile}`) || (profile === "default" && inConfig.has("default"))) return
  if (sectionsOf(credentialsText).has(profile)) return
  const shown = shownProfile(profile)
  const misread = misreadProfileOf(profile, io)
  if (misread !== undefined) {
    throw new SetupError(
      `AWS credentials could not be read from profile ${shown}${namedBy(profileFrom)}: ${misread}`
    )
  }
  throw new SetupError(
    `AWS credentials could not be found for profile ${shown}${namedBy(profileFrom)}: ` +
      `it is in neither ${configFile} (as [profile ${shown}]) nor ${credentialsFile} (as [${shown}]). ` +
      "Check its name (aws configure list-profiles). (The AWS SDK's chain would go on to the container or instance role, and sign as that role.)"
  )
}

/**
 * What a hang may be waiting on besides the chain's links: a profile with role_arn (or a web identity token)
 * goes on to call STS. Not a source of its own: the credentials still come from the link that called it.
 */
const WAITING_LINKS: ReadonlyArray<readonly [RegExp, string]> = [
  ...CHAIN_LINKS,
  [/resolveAssumeRoleCredentials\b|client-sts\b/, "STS (assuming a role)"]
]

/** The last of `links` the SDK's trail entered. */
const sourceOf = (trail: ReadonlyArray<string>, links = CHAIN_LINKS): string | undefined => {
  let source: string | undefined
  for (const entry of trail) {
    for (const [pattern, name] of links) if (pattern.test(entry)) source = name
  }
  return source
}

const fromDefaultChain = async (
  profile: string | undefined,
  profileFrom: ProfileFrom,
  io: Io,
  console: Console,
  verbose: boolean
): Promise<RequestCredentials> => {
  const { logger, said: sdkSaid, trail } = chainLogger(console, profileFrom === "--profile" ? isProfileOverEnvWarning : () => false)
  // The SDK reads process.env; what the CLI was given for profiles is passed on explicitly.
  const credentialsFile = io.env["AWS_SHARED_CREDENTIALS_FILE"]
  const configFile = io.env["AWS_CONFIG_FILE"]
  if (profile !== undefined) checkProfileExists(profile, profileFrom, io)
  const layer = Credentials.layerFromNodeProviderChain({
    profile,
    ...(present(credentialsFile) ? { filepath: credentialsFile } : {}),
    ...(present(configFile) ? { configFilepath: configFile } : {}),
    logger
  })

  // The SDK opens a pipe given as either file in the threadpool, where the open waits for a writer: interrupted
  // then, the process ends through the signal rather than wait for that thread (see `blockedOpens`).
  const files = profileFiles(io)
  const readsPipe = isPipeOrDevice(files.configFile) || isPipeOrDevice(files.credentialsFile)
  const leftBlocked = (error: unknown) => {
    if (error instanceof Interrupted && readsPipe) openLeftBlocked()
  }

  let context: Context.Context<Credentials.Credentials>
  try {
    context = await run(Effect.scoped(Layer.build(layer)))
  } catch (error) {
    leftBlocked(error)
    if (!(error instanceof SigningError)) throw error
    // The optional peer is missing (or too old to have the chain).
    const install = `install ${PEER} 3.87.0 or later where api-gateway-request-signer is installed: npm install ${PEER}`
    throw new SetupError(
      profile === undefined
        ? `AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set. ${MISSING_KEYS_HINT} ` +
          `To use ~/.aws profiles, SSO or an ECS or EC2 role instead, ${install}.`
        : `${profileFrom === "--profile" ? "--profile" : `${profileFrom}=${shownProfile(profile)}`} needs the AWS SDK's credential providers: ${install}.`
    )
  }
  const service = Context.get(context, Credentials.Credentials)
  let credentials: Credentials.AwsCredentials
  try {
    credentials = await run(service.get, io.signal)
  } catch (error) {
    leftBlocked(error)
    if (!(error instanceof SigningError)) throw error
    if (verbose) for (const entry of sdkSaid) console.err(`* AWS SDK: ${shownTrailEntry(entry)}\n`)
    const said = error.message.replace(/^The credentials provider failed: (?:CredentialsProviderError: )?/, "").replace(/\.?$/, ".")
    const rerun = verbose ? "" : " Run with -v to see what each source said."
    // The profile exists and names a credential_process, which failed or hung: say that, not "check that the profile exists".
    const ofProfile = profile === undefined ? "the default profile" : `profile ${shownProfile(profile)}`
    const processFailure = credentialProcessFailure(sdkSaid)
    const misreadDefault = profile === undefined ? misreadProfileOf("default", io) : undefined
    const processFailed = isProviderTimeout(error)
      ? chainTimedOut(sourceOf(trail, WAITING_LINKS), ofProfile)
      : processFailure === undefined
      ? undefined
      : `the credential_process of ${ofProfile} ran, and ${processFailure}`
    throw new SetupError(
      profile === undefined
        ? "AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, " +
          `and the AWS SDK's default chain found none: ${processFailed ?? `${said} ` +
            (misreadDefault === undefined ? "" : `In the default profile, ${misreadDefault} Or `) +
            "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/config with --profile NAME."}${rerun}`
        : `AWS credentials could not be found for profile ${shownProfile(profile)}${namedBy(profileFrom)}: ` +
          (processFailed ??
            `the AWS SDK's default chain says: ${said} ` +
              (capitalized(loginOf(profile, credentialKeysOf(profile, io))) ?? misreadProfileOf(profile, io) ??
                `Check that the profile is in ~/.aws/config or ~/.aws/credentials, or run aws sso login --profile ${shownProfile(profile)}.`)) +
          rerun
    )
  }
  const found = sourceOf(trail)
  // A profile that names credentials the SDK could not use (a credential_process that failed, a key without its
  // secret, a source_profile that is missing) is passed over by the chain, down to the host's role: the AWS CLI
  // stops there, and so does this one, rather than sign as a role the user did not name.
  const ownProfile = profile ?? "default"
  const passedOver = found !== undefined && HOST_ROLES.has(found) ? credentialKeysOf(ownProfile, io) : []
  const misread = found !== undefined && HOST_ROLES.has(found) ? misreadProfileOf(ownProfile, io) : undefined
  if (passedOver.length > 0 || misread !== undefined) {
    if (verbose) for (const entry of sdkSaid) console.err(`* AWS SDK: ${shownTrailEntry(entry)}\n`)
    const ofProfile = profile === undefined ? `the default profile (${shownProfile(ownProfile)})` : `profile ${shownProfile(ownProfile)}`
    const processFailure = credentialProcessFailure(sdkSaid)
    throw new SetupError(
      `AWS credentials could not be read from ${ofProfile}${profile === undefined ? "" : namedBy(profileFrom)}: ` +
        (processFailure === undefined && misread !== undefined
          ? `${misread} `
          : processFailure === undefined
          ? `it gives ${passedOver.join(", ")}, and the AWS SDK could not make credentials of them (a key without its secret, a source_profile that is missing or has none). `
          : `the credential_process of ${ofProfile} ran, and ${processFailure} `) +
        `The AWS SDK's chain went on to the ${found}, and the request is not signed as that role: ` +
        (loginOf(ownProfile, passedOver) ?? `fix the profile${profile === undefined ? ", or name another with --profile NAME." : "."}`) +
        (verbose ? "" : " Run with -v to see what each source said.")
    )
  }
  keepSecrets(credentials, console)
  const named = profile === undefined ? "" : `profile ${shownProfile(profile)}`
  return {
    // The chain renews credentials near their expiration: the secrets of each it hands out are kept from the console too.
    service: { get: Effect.tap(service.get, (renewed) => Effect.sync(() => keepSecrets(renewed, console))) },
    credentials,
    fromEnvironment: false,
    profile,
    source: named === ""
      ? `${found ?? "AWS SDK default chain"}${found === undefined ? "" : " (AWS SDK default chain)"}`
      : `${named} (AWS SDK default chain${found === undefined ? "" : `: ${found}`})`
  }
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
