/**
 * Real sources of AWS credentials on loopback, as the AWS SDK's providers
 * find them on ECS/Fargate, on EC2, and on a developer's machine: a
 * container-credentials endpoint that checks its authorization token, an
 * IMDSv2 emulator with its token handshake, and a directory of shared
 * credentials and config files with profiles (one running a
 * `credential_process`). Plus `isolatedEnv`, which empties the AWS_* part of
 * `process.env` for a test and puts it back exactly afterwards: the SDK's
 * providers read `process.env`, and test files share a worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Credentials as a source hands them out, with the access key id naming the source. */
export interface Issued {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly expiration: Date
}

export const issued = (accessKeyId: string, expiresInMillis = 6 * 60 * 60 * 1000): Issued => ({
  accessKeyId,
  secretAccessKey: `${accessKeyId.toLowerCase()}/secret+KEY-0123456789abcdef`,
  sessionToken: `${accessKeyId.toLowerCase()}-session-token-FwoGZXIvYXdzEJr-0123456789`,
  expiration: new Date(Date.now() + expiresInMillis)
})

/** The JSON shape of the container endpoint, IMDS and `credential_process` (with `Version`). */
const asJson = (credentials: Issued) => ({
  AccessKeyId: credentials.accessKeyId,
  SecretAccessKey: credentials.secretAccessKey,
  Token: credentials.sessionToken,
  Expiration: credentials.expiration.toISOString()
})

// ── process.env ──────────────────────────────────────────────────────────────

/**
 * Removes every AWS_* variable from `process.env` and sets `variables`;
 * the returned function restores `process.env` exactly as it was (values
 * changed, added or removed since, by anyone).
 */
export const isolatedEnv = (variables: Readonly<Record<string, string>>): () => void => {
  const saved = { ...process.env }
  for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name]
  Object.assign(process.env, variables)
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

/**
 * For `isolatedEnv`: a host where the AWS SDK's default chain finds nothing
 * and never reaches for 169.254.169.254 (no network beyond loopback): no
 * ~/.aws files, no instance metadata.
 */
export const bareHost = (): Record<string, string> => {
  const nowhere = join(tmpdir(), "agrs-no-aws-files")
  return {
    AWS_CONFIG_FILE: join(nowhere, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(nowhere, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true"
  }
}

// ── a loopback HTTP server ───────────────────────────────────────────────────

interface Seen {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
}

const listen = async (handle: (request: http.IncomingMessage, response: http.ServerResponse) => void) => {
  const server = http.createServer((request, response) => {
    request.resume()
    request.on("end", () => handle(request, response))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const reply = (response: http.ServerResponse, status: number, body: string | object, type = "application/json") => {
  response.writeHead(status, { "content-type": type })
  response.end(typeof body === "string" ? body : JSON.stringify(body))
}

// ── ECS/Fargate: the container credentials endpoint ─────────────────────────

export interface ContainerEndpoint {
  /** For AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly fullUri: string
  /** For AWS_CONTAINER_AUTHORIZATION_TOKEN: requests without it get 401. */
  readonly authorizationToken: string
  /** Every request, answered or refused. */
  readonly requests: Array<Seen>
  /** What the next answers hand out: the first of the queue, which stays when it is the last. */
  readonly queue: Array<Issued | { readonly status: number; readonly body: object }>
  readonly close: () => Promise<void>
}

/**
 * The endpoint the ECS agent (and EKS Pod Identity) serves: GET on the full
 * URI with `Authorization: <token>` answers the task role's credentials.
 */
export const startContainerEndpoint = async (first: Issued): Promise<ContainerEndpoint> => {
  const authorizationToken = "container-authorization-token-0123456789"
  const requests: Array<Seen> = []
  const queue: ContainerEndpoint["queue"] = [first]
  const server = await listen((request, response) => {
    requests.push({ method: request.method!, path: request.url!, headers: request.headers })
    if (request.method !== "GET" || request.url !== "/v2/credentials/task-role") return reply(response, 404, { message: "Not Found" })
    if (request.headers.authorization !== authorizationToken) return reply(response, 401, { Code: "Unauthorized", Message: "bad token" })
    const next = queue.length > 1 ? queue.shift()! : queue[0]!
    if ("status" in next) return reply(response, next.status, next.body)
    reply(response, 200, { ...asJson(next), RoleArn: "arn:aws:iam::123456789012:role/task-role" })
  })
  return { fullUri: `${server.url}/v2/credentials/task-role`, authorizationToken, requests, queue, close: server.close }
}

// ── EC2: IMDSv2 ──────────────────────────────────────────────────────────────

export interface InstanceMetadataService {
  /** For AWS_EC2_METADATA_SERVICE_ENDPOINT. */
  readonly endpoint: string
  readonly roleName: string
  /** Every request, and whether it carried a valid session token. */
  readonly requests: Array<Seen & { readonly withToken: boolean }>
  readonly close: () => Promise<void>
}

/**
 * IMDSv2 as EC2 serves it: `PUT /latest/api/token` (with a TTL header)
 * answers a session token; every GET must carry it in
 * `x-aws-ec2-metadata-token`, else 401. The role name is listed at
 * `/latest/meta-data/iam/security-credentials/`, its credentials one level below.
 */
export const startInstanceMetadataService = async (credentials: Issued): Promise<InstanceMetadataService> => {
  const roleName = "instance-role"
  const tokens = new Set<string>()
  const requests: Array<Seen & { withToken: boolean }> = []
  const base = "/latest/meta-data/iam/security-credentials/"
  const server = await listen((request, response) => {
    const token = request.headers["x-aws-ec2-metadata-token"]
    const withToken = typeof token === "string" && tokens.has(token)
    requests.push({ method: request.method!, path: request.url!, headers: request.headers, withToken })
    if (request.url === "/latest/api/token") {
      if (request.method !== "PUT") return reply(response, 405, "", "text/plain")
      const ttl = Number(request.headers["x-aws-ec2-metadata-token-ttl-seconds"])
      if (!(ttl >= 1 && ttl <= 21600)) return reply(response, 400, "", "text/plain")
      const issuedToken = `imds-session-${tokens.size + 1}-AQAEAHk0123456789`
      tokens.add(issuedToken)
      return reply(response, 200, issuedToken, "text/plain")
    }
    if (request.method !== "GET") return reply(response, 405, "", "text/plain")
    if (!withToken) return reply(response, 401, "", "text/plain")
    if (request.url === base) return reply(response, 200, roleName, "text/plain")
    if (request.url === base + roleName) {
      return reply(response, 200, { Code: "Success", LastUpdated: new Date().toISOString(), Type: "AWS-HMAC", ...asJson(credentials) })
    }
    reply(response, 404, "", "text/plain")
  })
  return { endpoint: server.url, roleName, requests, close: server.close }
}

// ── a developer's machine: ~/.aws/credentials and ~/.aws/config ─────────────

export interface SharedFiles {
  readonly directory: string
  /** For AWS_SHARED_CREDENTIALS_FILE. */
  readonly credentialsFile: string
  /** For AWS_CONFIG_FILE. */
  readonly configFile: string
  /** What `credential_process` prints next: rewrite it to rotate. */
  readonly setProcessOutput: (credentials: Issued) => void
  /** Makes `credential_process` fail: `message` on stderr, exit status 1. */
  readonly setProcessFailure: (message: string) => void
  /** Makes `credential_process` hang: it never answers, and writes its pid to `hungPidFile` once it runs. */
  readonly setProcessHang: () => void
  /** Where a hung `credential_process` writes its pid (kill it when done). */
  readonly hungPidFile: string
  readonly remove: () => void
}

/**
 * A fresh directory (so no path is shared with another test, and the SDK's
 * cache of parsed files, keyed by path, cannot leak between tests) holding:
 * - `credentials`: `[default]` and `[dev]` with static keys;
 * - `config`: `[profile staging]` with static keys and a region, and
 *   `[profile tool]` whose `credential_process` is a node script printing
 *   the JSON of `process-output.json`.
 */
export const writeSharedFiles = (profiles: {
  readonly default: Issued
  readonly dev: Issued
  readonly staging: Issued
  readonly tool: Issued
}): SharedFiles => {
  const directory = mkdtempSync(join(tmpdir(), "agrs-aws-"))
  const credentialsFile = join(directory, "credentials")
  const configFile = join(directory, "config")
  const script = join(directory, "print-credentials.mjs")
  const output = join(directory, "process-output.json")
  const hungPidFile = join(directory, "hung.pid")
  const keys = (credentials: Issued) =>
    `aws_access_key_id = ${credentials.accessKeyId}\n` +
    `aws_secret_access_key = ${credentials.secretAccessKey}\n` +
    `aws_session_token = ${credentials.sessionToken}\n`
  writeFileSync(credentialsFile, `[default]\n${keys(profiles.default)}\n[dev]\n${keys(profiles.dev)}`)
  writeFileSync(
    configFile,
    `[default]\nregion = us-east-1\n\n[profile staging]\nregion = eu-west-1\n${keys(profiles.staging)}\n` +
      `[profile tool]\ncredential_process = "${process.execPath}" "${script}"\n`
  )
  // Prints the output file; when it holds { "fail": "..." }, says that on stderr and exits 1, as a tool refusing does;
  // when it holds { "hang": true }, writes its pid and never answers, as a tool waiting on a prompt or a network does.
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from "node:fs"\n` +
      `const output = readFileSync(${JSON.stringify(output)}, "utf8")\n` +
      `if (JSON.parse(output).hang) { writeFileSync(${JSON.stringify(hungPidFile)}, String(process.pid)); setInterval(() => {}, 1000) }\n` +
      `else {\n` +
      `const fail = JSON.parse(output).fail\n` +
      `if (fail) { process.stderr.write(fail + "\\n"); process.exit(1) }\n` +
      `process.stdout.write(output)\n` +
      `}\n`
  )
  // The credential_process output format: Version 1, and SessionToken where the endpoints say Token.
  const setProcessOutput = (credentials: Issued) =>
    writeFileSync(
      output,
      JSON.stringify({
        Version: 1,
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration.toISOString()
      })
    )
  setProcessOutput(profiles.tool)
  const setProcessFailure = (message: string) => writeFileSync(output, JSON.stringify({ fail: message }))
  const setProcessHang = () => writeFileSync(output, JSON.stringify({ hang: true }))
  return { directory, credentialsFile, configFile, setProcessOutput, setProcessFailure, setProcessHang, hungPidFile, remove: () => rmSync(directory, { recursive: true, force: true }) }
}
