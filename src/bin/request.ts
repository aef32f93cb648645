/**
 * The request command, in its steps: read the arguments into a plan (URL,
 * flags, body, the request to sign), set up signing, then either print a
 * presigned URL, print a curl command (`--dry-run`), or send the request and
 * print the response.
 *
 * @internal
 */
import { HttpMethods, isHttpMethod } from "../HttpMethods.js"
import { UNSIGNED_PAYLOAD } from "../internal/sigv4/payloadHash.js"
import { signsClaimedPayloadHash } from "../internal/sigv4/serviceRules.js"
import { PRESIGN_PARAMETERS } from "../internal/sigv4/signatureHeaders.js"
import type { RequestToSign } from "../SignedRequest.js"
import * as Signer from "../Signer.js"
import { parseHeader, parseRequestArgs, parseUrl, wholeNumber } from "./args.js"
import { type Body, dataPartsOf, readBody } from "./body.js"
import type { Signed } from "./diagnosis.js"
import { curlCommand, shellQuote } from "./dryRun.js"
import { ExitCode, Interrupted, UsageError } from "./exitCodes.js"
import { printDetails } from "./exchange.js"
import { HELP, NAME, version } from "./help.js"
import type { Console, Io } from "./output.js"
import { namedPayloadHash, presign } from "./presign.js"
import { printResponse } from "./response.js"
import { run } from "./run.js"
import { sendRequest } from "./send.js"
import { shownArgument, shownUrl } from "./shown.js"
import { setUpSigning, type Signing } from "./signing.js"

type Args = ReturnType<typeof parseRequestArgs>

/** What the arguments ask for. */
interface Plan {
  readonly url: URL
  readonly request: RequestToSign
  readonly body: Body | undefined
  /** The Host header given with -H, if any: the host the request names. */
  readonly hostHeader: string | undefined
  readonly region: string | undefined
  readonly service: string | undefined
  /** `--profile`: a profile of the AWS SDK's default chain. */
  readonly profile: string | undefined
  readonly retries: number
  readonly presign: number | undefined
  readonly dryRun: boolean
  readonly verbose: boolean
  readonly include: boolean
}

const readUrl = (positionals: ReadonlyArray<string>): URL => {
  if (positionals.length === 0) throw new UsageError("no URL given")
  if (positionals.length > 1) throw new UsageError(`one URL at a time; got ${positionals.map(shownUrl).join(", ")}`)
  // A WebSocket URL too: its $connect request can be presigned (--presign), though not sent from here.
  const url = parseUrl(positionals[0]!, "the URL", true)
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("the URL contains a user name or password; remove them (the signature authorizes the request)")
  }
  return url
}

/** The request to sign: method, path and query as in the URL, the headers given, the body read. */
const requestOf = (
  url: URL,
  method: string | undefined,
  headers: Array<readonly [string, string]>,
  body: Body | undefined
): RequestToSign => {
  const verb = (method ?? (body === undefined ? "GET" : "POST")).toUpperCase()
  if (!isHttpMethod(verb)) {
    // Said here, in the CLI's terms: the signer's own message names the JavaScript constant (HttpMethods.GET).
    // Shown as typed, unless it may be a credential given in the wrong place.
    throw new UsageError(`-X ${shownArgument(method ?? verb)} is not a method API Gateway routes; use one of ${Object.keys(HttpMethods).join(", ")} (e.g. -X GET)`)
  }
  if (body !== undefined && (verb === "GET" || verb === "HEAD")) {
    throw new UsageError(`a ${verb} request cannot carry a body (fetch refuses it); use -X POST, or put the data in the URL's query`)
  }
  if (body !== undefined && !headers.some(([name]) => name.toLowerCase() === "content-type")) {
    headers.push(["content-type", "application/x-www-form-urlencoded"])
  }
  return { method: verb, path: url.pathname + url.search, headers, ...(body === undefined ? {} : { body: body.bytes }) }
}

const planRequest = async ({ values, positionals, tokens }: Args, io: Io): Promise<Plan> => {
  const url = readUrl(positionals)
  const retries = values.retries === undefined ? 0 : wholeNumber("--retries", values.retries, 0, 100)
  const presign = values.presign === undefined ? undefined : wholeNumber("--presign", values.presign, 1, 604800)
  if (presign !== undefined && values["dry-run"]) throw new UsageError("--dry-run and --presign exclude each other")
  if (presign === undefined && (url.protocol === "ws:" || url.protocol === "wss:")) {
    throw new UsageError(
      `the URL is a WebSocket URL (${url.protocol}//), which the CLI does not open; presign its $connect with --presign SECONDS ` +
        "and open the URL with a WebSocket client, or use https:// for the @connections API"
    )
  }
  const clash = presign === undefined ? undefined : [...url.searchParams.keys()].find((key) => PRESIGN_PARAMETERS.has(key))
  if (clash !== undefined) {
    // Said here, in the CLI's terms: the signer's own message names its JavaScript options.
    throw new UsageError(
      `the URL's query already has ${clash}, which --presign writes itself: remove it ` +
        "(for a presigned URL pasted back, everything after the ?), or leave out --presign to sign with headers"
    )
  }
  if (presign === undefined && url.searchParams.has("X-Amz-Algorithm") && url.searchParams.has("X-Amz-Signature")) {
    // A presigned URL pasted in (it names its algorithm and its signature). Signed again with headers, it would
    // carry two signatures, and the answer would say nothing of its own.
    throw new UsageError(
      "the URL is already presigned (its query has X-Amz-Signature): signing it again would send a second signature, " +
        "and its own would go unchecked; send it as it is (curl 'URL'), or remove everything after the ? to sign it with headers"
    )
  }
  const headers = (values.header ?? []).map(parseHeader)
  const body = await readBody(dataPartsOf(tokens), io)
  return {
    url,
    request: requestOf(url, values.request, headers, body),
    body,
    hostHeader: headers.find(([name]) => name.toLowerCase() === "host")?.[1],
    region: values.region,
    service: values.service,
    profile: values.profile,
    retries,
    presign,
    dryRun: values["dry-run"] === true,
    verbose: values.verbose === true,
    include: values.include === true
  }
}

const dryRun = async (plan: Plan, signing: Signing, console: Console): Promise<number> => {
  const details = await run(signing.provide(Signer.signRequestWithDetails(plan.request)))
  if (plan.verbose) printDetails(console, details, signing.hasSessionToken)
  await console.out(curlCommand(details.request, plan.body) + "\n")
  const { fromEnvironment, profile } = signing.credentialsFrom
  if (signing.hasSessionToken && !fromEnvironment) {
    // The command names $AWS_SESSION_TOKEN, never the token; here the token is not the environment's.
    console.err(
      "note: the command reads the session token from $AWS_SESSION_TOKEN, and these credentials are not the environment's: " +
        `export their token first, e.g. eval "$(aws configure export-credentials${profile === undefined ? "" : ` --profile ${shellQuote(profile)}`} --format env)"\n`
    )
  }
  return ExitCode.Ok
}

const sendAndPrint = async (plan: Plan, signing: Signing, io: Io, console: Console): Promise<number> => {
  const { details, response } = await sendRequest(plan.request, plan, signing, io, console)
  const signed: Signed = {
    accessKeyId: signing.credentials.accessKeyId,
    hasSessionToken: signing.hasSessionToken,
    region: signing.signer.region,
    service: signing.signer.service,
    host: plan.hostHeader ?? plan.url.host,
    details
  }
  return printResponse(console, response, plan.include, signed, io.signal)
}

export const requestCommand = async (argv: ReadonlyArray<string>, io: Io, console: Console): Promise<number> => {
  const args = parseRequestArgs(argv)
  if (args.values.help) {
    await console.out(HELP)
    return ExitCode.Ok
  }
  if (args.values.version) {
    await console.out(`${NAME} ${version()}\n`)
    return ExitCode.Ok
  }
  const plan = await planRequest(args, io)
  const signing = await setUpSigning(plan.url, plan, io, console)
  if (plan.verbose) console.err(`* credentials: ${signing.credentialsFrom.source}\n`)
  const { service } = signing.signer
  if (namedPayloadHash(plan.request) === UNSIGNED_PAYLOAD && !signsClaimedPayloadHash(service)) {
    // Signed as asked (the signer serves every service), but said here: the 403 would not say why.
    console.err(
      "note: API Gateway does not honour x-amz-content-sha256: UNSIGNED-PAYLOAD; it checks the signature against the body's hash, " +
        "whatever the header says, and will refuse this request: remove that -H\n"
    )
  }
  // Interrupted by now (a Ctrl-C while the CLI's modules loaded, or while credentials were found): nothing is
  // printed or sent. A request checks for itself; --presign and --dry-run would otherwise go on and print.
  if (io.signal?.aborted === true) throw new Interrupted()
  if (plan.presign !== undefined) return presign(plan.request, plan.presign, signing, console, plan.verbose)
  if (plan.dryRun) return dryRun(plan, signing, console)
  return sendAndPrint(plan, signing, io, console)
}
