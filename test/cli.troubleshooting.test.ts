/**
 * The command line helping with what goes wrong: setup errors in one plain
 * line, and every 403 explained (signature mismatch, wrong region or service,
 * unknown key, stray or expired session token, skewed clock, wrong path),
 * printed on a line of its own after the body.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { dropSecretStart, scrubBytes } from "../src/bin/output.js"
import { parenthesisDepth, runCli } from "./support/cli.js"
import { bareHost, isolatedEnv } from "./support/credentialSources.js"

const URL_WITHOUT_REGION = "http://127.0.0.1:1/prod/pets"

describe("setup errors: one line, no nested parentheses", () => {
  const keys = { AWS_ACCESS_KEY_ID: "AKIDSETUP", AWS_SECRET_ACCESS_KEY: "setup/secret+KEY-0123456789" }
  // Without keys, the AWS SDK's default chain looks at this process's own environment: a host where it finds nothing.
  let restoreEnv: () => void
  beforeAll(() => {
    restoreEnv = isolatedEnv(bareHost())
  })
  afterAll(() => restoreEnv())

  it.each([
    [
      "no credentials at all",
      { AWS_REGION: "eu-west-1" },
      "error: AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and the AWS SDK's default chain found none: Could not load credentials from any providers. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/config with --profile NAME. Run with -v to see what each source said.\n"
    ],
    [
      "no access key id",
      { AWS_REGION: "eu-west-1", AWS_SECRET_ACCESS_KEY: keys.AWS_SECRET_ACCESS_KEY },
      "error: AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID is not set. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials.\n"
    ],
    [
      "no secret access key",
      { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: keys.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: "" },
      "error: AWS credentials could not be read from the environment: AWS_SECRET_ACCESS_KEY is not set. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials.\n"
    ]
  ] as const)("%s: exit 2, names what is missing", async (_, env, message) => {
    const run = await runCli([URL_WITHOUT_REGION], env)
    expect(run).toMatchObject({ code: 2, stdout: "", stderr: message })
  })

  it.each([
    ["no credentials", [URL_WITHOUT_REGION], { AWS_REGION: "eu-west-1" }],
    ["no region", [URL_WITHOUT_REGION], keys],
    ["a region that cannot be", ["--region", "eu west 1", URL_WITHOUT_REGION], keys],
    ["a service that cannot be", ["--region", "eu-west-1", "--service", "Execute API", URL_WITHOUT_REGION], keys]
  ] as const)("%s", async (_, args, env) => {
    const run = await runCli(args, env)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^error: [^\n]+\n$/)
    expect(parenthesisDepth(run.stderr), run.stderr).toBeLessThanOrEqual(1)
  })
})

const REGION = "eu-west-1"
const longTerm = { accessKeyId: "AKIATROUBLESHOOT01", secretAccessKey: "long/term+SECRET-0123456789abcdef" }
const temporary = {
  accessKeyId: "ASIATROUBLESHOOT02",
  secretAccessKey: "temporary/SECRET+0123456789abcdef",
  sessionToken: "temporary-session-token-IQoJb3JpZ2luX2VjEJr-0123456789"
}
const envOf = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: Record<string, string> = {}) => ({
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
  AWS_REGION: REGION,
  ...extra
})

/** A server that answers every request with one fixed response, as API Gateway answers some refusals. */
const answering = async (status: number, body: string, headers: Record<string, string> = {}) => {
  const server = http.createServer((req, res) => {
    req.resume()
    res.writeHead(status, { "content-type": "application/json", ...headers })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve))
  }
}

const hintsOf = (stderr: string): Array<string> => stderr.split("\n").filter((line) => line.startsWith("hint ("))
const lastLine = (stderr: string): string | undefined => stderr.trimEnd().split("\n").pop()

describe("403 hints", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [longTerm, temporary], region: REGION })
  })
  afterAll(() => gateway.close())

  it("a wrong region: names the region signed for and --region", async () => {
    const run = await runCli([`${gateway.url}/prod/pets`], envOf(longTerm, { AWS_REGION: "ap-south-1" }))
    expect(run.code).toBe(22)
    expect(hintsOf(run.stderr)).toEqual([
      "hint (region): the request was signed for region ap-south-1, and the API is in another one: use --region with the API's region, " +
      "the REGION of https://API_ID.execute-api.REGION.amazonaws.com (AWS_REGION applies only when neither --region nor the host gives one)."
    ])
    expect(lastLine(run.stderr)).toBe("error: HTTP 403 Forbidden (InvalidSignatureException)")
  })

  it("a wrong service: names the service the server expects", async () => {
    const run = await runCli(["--service", "lambda", `${gateway.url}/prod/pets`], envOf(longTerm))
    expect(hintsOf(run.stderr)).toEqual([
      "hint (service): the request was signed for service lambda, and the server expects execute-api: leave --service out (execute-api is the default)."
    ])
  })

  it("an access key the server does not know", async () => {
    const run = await runCli([`${gateway.url}/prod/pets`], envOf({ ...longTerm, accessKeyId: "AKIAUNKNOWNKEY0000" }))
    expect(hintsOf(run.stderr)).toEqual([
      "hint (credentials): the server does not know access key AKIAUNKNOWNKEY0000: check AWS_ACCESS_KEY_ID (a typo, a deleted or deactivated key, a key of another AWS partition)."
    ])
    expect(lastLine(run.stderr)).toBe("error: HTTP 403 Forbidden (UnrecognizedClientException)")
  })

  it("a stray AWS_SESSION_TOKEN beside a long-term key", async () => {
    const run = await runCli([`${gateway.url}/prod/pets`], envOf({ ...longTerm, sessionToken: "stray-token-from-yesterday-0123456789" }))
    expect(hintsOf(run.stderr)).toEqual([
      "hint (credentials): AWS_SESSION_TOKEN is set, but AKIATROUBLESHOOT01 is a long-term access key, which takes no session token: " +
      "the token is a stray from other, temporary credentials. Unset AWS_SESSION_TOKEN."
    ])
  })

  it("a temporary key without its session token, and with another one", async () => {
    const without = await runCli([`${gateway.url}/prod/pets`], envOf({ ...temporary, sessionToken: undefined } as typeof longTerm))
    expect(hintsOf(without.stderr)).toEqual([
      "hint (credentials): ASIATROUBLESHOOT02 is a temporary access key, which needs its session token: set AWS_SESSION_TOKEN to the token issued with it."
    ])
    const other = await runCli([`${gateway.url}/prod/pets`], envOf({ ...temporary, sessionToken: "someone-elses-token-0123456789" }))
    expect(hintsOf(other.stderr)[0]).toMatch(/^hint \(credentials\): the server does not accept access key ASIATROUBLESHOOT02 with this AWS_SESSION_TOKEN/)
  })

  it("an expired session token", async () => {
    const server = await answering(403, `{"message":"The security token included in the request is expired"}`, { "x-amzn-ErrorType": "ExpiredTokenException" })
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(temporary))
      expect(hintsOf(run.stderr)).toEqual([
        "hint (credentials): the session token has expired: get fresh temporary credentials (aws sso login, aws sts assume-role, your credential process) " +
        "and export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN again."
      ])
      expect(lastLine(run.stderr)).toBe("error: HTTP 403 Forbidden (ExpiredTokenException)")
    } finally {
      await server.close()
    }
  })

  it.each([
    ["behind", "behind", 10 * 60_000],
    ["ahead of", "ahead", -10 * 60_000]
  ] as const)("a clock %s the server's: how far, from the times in the message", async (_, direction, serverAhead) => {
    const SECOND = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"
    const skewed = await LocalGateway.start({ credentials: [longTerm], region: REGION, now: () => Date.now() + serverAhead })
    try {
      const run = await runCli([`${skewed.url}/prod/pets`], envOf(longTerm))
      const [hint] = hintsOf(run.stderr)
      expect(hint).toMatch(new RegExp(`^hint \\(clock\\): the request was signed at ${SECOND} by this machine's clock, when the server's read ${SECOND}: this clock is about 10 minutes ${direction}, more than the 5 minutes allowed\\.`))
    } finally {
      await skewed.close()
    }
  })

  it("Missing Authentication Token to a signed request: the path, stage or method", async () => {
    const server = await answering(403, `{"message":"Missing Authentication Token"}`, { "x-amzn-ErrorType": "MissingAuthenticationTokenException" })
    try {
      const run = await runCli([`${server.url}/prod/no-such-resource`], envOf(longTerm))
      expect(hintsOf(run.stderr)).toEqual([
        "hint (path): API Gateway answers this for a path, stage or method that matches no resource, signed or not: check the stage and the resource path " +
        "in the URL, and the method (-X). On a path that exists, the Authorization header did not arrive (a proxy dropped it)."
      ])
    } finally {
      await server.close()
    }
  })

  it("AccessDeniedException: the signature is fine, the policy is not", async () => {
    const server = await answering(
      403,
      `{"Message":"User: arn:aws:sts::123456789012:assumed-role/reader/cli is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:********5678:abc123/prod/GET/pets"}`,
      { "x-amzn-ErrorType": "AccessDeniedException" }
    )
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(longTerm))
      expect(hintsOf(run.stderr)).toEqual([expect.stringMatching(/^hint \(permissions\): the signature is valid, but the caller may not invoke this method and path/)])
    } finally {
      await server.close()
    }
  })

  it("a 403 it knows nothing about: the body and the error line, no hint", async () => {
    const server = await answering(403, `{"message":"Forbidden"}`)
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(longTerm))
      expect(run).toMatchObject({ code: 22, stdout: `{"message":"Forbidden"}`, stderr: "error: HTTP 403 Forbidden\n" })
    } finally {
      await server.close()
    }
  })
})

describe("the error body and what follows it", () => {
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({ credentials: [longTerm], region: REGION })
  })
  afterAll(() => gateway.close())

  it("the diagnosis starts on a line of its own, after a body without a final newline", async () => {
    const run = await runCli([`${gateway.url}/prod/pets`], envOf({ ...longTerm, secretAccessKey: "wrong/secret+KEY-fedcba9876543210" }))
    expect(run.code).toBe(22)
    expect(run.stdout).toMatch(/\}$/)
    expect(run.stderr).toMatch(/^\nThe server's canonical request and string to sign are identical to ours, so the signature differs by the key alone/)
  })

  it("no blank line when the body ends with one", async () => {
    const server = await answering(403, `{"message":"Missing Authentication Token"}\n`)
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(longTerm))
      expect(run.stderr).toMatch(/^hint \(path\): /)
    } finally {
      await server.close()
    }
  })

  it("a session token of any length is scrubbed from the body the server echoes, as the library scrubs its messages", async () => {
    const short = { accessKeyId: "AKIASHORTTOKEN0001", secretAccessKey: "short/token+SECRET-0123456789", sessionToken: "Zq9" }
    const server = await LocalGateway.start({ credentials: [short], region: REGION })
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf({ ...short, secretAccessKey: "wrong/secret+KEY-0123456789" }))
      expect(run.code).toBe(22)
      expect(run.stdout).toContain("x-amz-security-token:<redacted>")
      expect(run.stdout + run.stderr).not.toContain("Zq9")
    } finally {
      await server.close()
    }
  })

  /** A server answering 403 with `prefix`, then filler for as long as the client reads. */
  const endless = async (prefix: string) => {
    const server = http.createServer((req, res) => {
      req.resume()
      res.writeHead(403, { "content-type": "application/json" })
      res.write(prefix)
      const chunk = "\n".repeat(16 * 1024)
      const more = () => {
        while (!res.destroyed && res.write(chunk)) {
          // Write until the socket pushes back, then wait for it to drain.
        }
        if (!res.destroyed) res.once("drain", more)
      }
      more()
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(resolve))
      }
    }
  }

  it("reads an error body up to 64 KB, says so, and stops: an endless body ends the run", async () => {
    const server = await endless(`{"message":"The Canonical String for this request should have been\\n''`)
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(longTerm))
      expect(run.code).toBe(22)
      expect(run.bytes.length).toBe(64 * 1024)
      // The body read ends with a newline: the note follows on its own line.
      expect(run.stderr).toBe("note: the response body is longer than 64 KB; only its start was read\nerror: HTTP 403 Forbidden\n")
    } finally {
      await server.close()
    }
  })

  it("a body cut inside the session token does not print the token's start", async () => {
    const token = temporary.sessionToken
    // The cut at 64 KB falls 20 characters into the token.
    const prefix = "x".repeat(64 * 1024 - 20)
    const server = await answering(403, prefix + token + "\n".repeat(1000))
    try {
      const run = await runCli([`${server.url}/prod/pets`], envOf(temporary))
      expect(run.stdout).toBe(prefix)
      expect(run.stderr).toContain("note: the response body is longer than 64 KB")
    } finally {
      await server.close()
    }
  })

  // A server that echoes the request writes the token as its own encoder does, and the 64 KB cut can fall anywhere in it.
  it.each([
    ["encoded segment by segment (+ and = escaped, / kept)", (token: string) => token.split("/").map(encodeURIComponent).join("/")],
    ["with only + escaped", (token: string) => token.replaceAll("+", "%2B")],
    ["JSON-escaped as .NET writes it (\\u002B)", (token: string) => token.replaceAll("+", "\\u002B").replaceAll("/", "\\u002F")],
    ["JSON-escaped, then quoted in JSON again (\\\\/)", (token: string) => token.replaceAll("/", "\\\\/")],
    ["percent-encoded nine times", (token: string) => Array.from({ length: 9 }).reduce<string>((text) => encodeURIComponent(text), token)]
  ])("a body cut inside the session token %s does not print its start", (_, spell) => {
    const token = "IQoJb3JpZ2luX2VjEJr/+" + "AbCd+EfGh/IjKl=MnOp".repeat(20)
    const spelled = spell(token)
    const prefix = "x".repeat(100)
    // Every cut from 4 characters into the spelled token to 4 before its end.
    for (let cut = 4; cut < spelled.length - 4; cut++) {
      const shown = Buffer.from(dropSecretStart(Buffer.from(prefix + spelled.slice(0, cut), "latin1"), new Set([token]))).toString("latin1")
      expect(shown).toBe(prefix)
    }
  })

  // A server that echoes a request as JSON inside JSON writes each "/" as \\\/ and each "+" as \\u002B (review-z96/1).
  it.each([
    ["JSON-escaped twice (\\\\\\/)", (secret: string) => secret.replaceAll("/", "\\\\\\/")],
    ["JSON-escaped twice (\\\\u002B, \\\\u002F)", (secret: string) => secret.replaceAll("+", "\\\\u002B").replaceAll("/", "\\\\u002F")]
  ])("an error body holding the secret key %s, whole, prints none of it", (_, spell) => {
    const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    const body = Buffer.from(`{"message":"{\\"echo\\":\\"${spell(secret)}\\"}"}`, "latin1")
    const shown = Buffer.from(scrubBytes(body, new Set([secret]))).toString("latin1")
    expect(shown).toContain("<redacted>")
    expect(shown).not.toContain("wJalrXUtnFEMI")
    expect(shown).not.toContain("bPxRfiCYEXAMPLEKEY")
  })

  it("a body cut after text that is no secret's beginning keeps all of it", () => {
    const body = Buffer.from(`{"message":"no %41 here, \\/ nor \\u0041 either: 100% sure`, "latin1")
    expect(Buffer.from(dropSecretStart(body, new Set(["IQoJb3JpZ2luX2VjEJr"]))).toString("latin1")).toBe(body.toString("latin1"))
  })
})

describe("-H host: sent through node:http, since fetch never sends a custom Host", () => {
  const HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
  let gateway: LocalGateway.Service
  beforeAll(async () => {
    gateway = await LocalGateway.start({
      credentials: [temporary],
      region: REGION,
      handler: (request) => (request.path === "/prod/hang" ? new Promise(() => {}) : undefined)
    })
  })
  afterAll(() => gateway.close())

  it("the server receives the Host given, and accepts the signature made for it", async () => {
    const run = await runCli(["-H", `host: ${HOST}`, `${gateway.url}/prod/pets?type=dog`], envOf(temporary))
    expect(run.code).toBe(0)
    const echo = JSON.parse(run.stdout) as LocalGateway.EchoResponse
    expect(echo).toMatchObject({ method: "GET", path: "/prod/pets", query: { type: ["dog"] }, principal: { accessKeyId: temporary.accessKeyId } })
    expect(echo.headers["host"]).toBe(HOST)
  })

  it("the region comes from the Host header, before AWS_REGION", async () => {
    const run = await runCli(["-H", `host: ${HOST}`, `${gateway.url}/prod/pets`], envOf(temporary, { AWS_REGION: "ap-south-1" }))
    expect(run.code).toBe(0)
  })

  it.each([
    ["a Lambda function URL", "abc.lambda-url.eu-west-1.on.aws", "eu-west-1/lambda"],
    ["AppSync", "abc.appsync-api.ap-south-1.amazonaws.com", "ap-south-1/appsync"]
  ])("the service comes from the Host header too: %s signs for its own service", async (_, host, scope) => {
    const run = await runCli(["--dry-run", "-H", `host: ${host}`, `${gateway.url}/graphql`], envOf(temporary, { AWS_REGION: "us-west-2" }))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`/${scope}/aws4_request`)
  })

  it("an empty Host (-H 'Host:'), which node:http would replace with the URL's, is refused: exit 2, one line", async () => {
    const run = await runCli(["-H", "Host:", `${gateway.url}/prod/pets`], envOf(temporary))
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toBe(
      `error: an empty Host header cannot be sent: the URL's host goes in its place, so the empty one signed would not arrive; remove -H "Host:", and the URL's host is sent and signed (see --help)\n`
    )
  })

  it("a body arrives byte for byte", async () => {
    const bytes = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i))
    const run = await runCli(
      ["-H", `Host: ${HOST}`, "-X", "PUT", "--data-binary", "@-", "-H", "content-type: application/octet-stream", `${gateway.url}/prod/blob`],
      envOf(temporary),
      { stdin: [bytes] as unknown as AsyncIterable<Uint8Array> }
    )
    expect(run.code).toBe(0)
    const echo = JSON.parse(run.stdout) as LocalGateway.EchoResponse
    expect(echo.body).toEqual({ length: 256, sha256: createHash("sha256").update(bytes).digest("hex") })
  })

  it("-v says so, and shows the one Host sent", async () => {
    const run = await runCli(["-v", "-H", `host: ${HOST}`, `${gateway.url}/prod/pets`], envOf(temporary))
    expect(run.code).toBe(0)
    expect(run.stderr).toContain("* sent through node:http, since fetch cannot send a Host header\n")
    expect(run.stderr.split("\n").filter((line) => /^> host: /i.test(line))).toEqual([`> host: ${HOST}`])
  })

  it("a refused connection and an abort end as they do through fetch", async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const refused = await runCli(["-H", `host: ${HOST}`, `http://127.0.0.1:${port}/prod/pets`], envOf(temporary))
    expect(refused).toMatchObject({ code: 1, stderr: `error: connect ECONNREFUSED 127.0.0.1:${port}\n` })

    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const aborted = await runCli(["-H", `host: ${HOST}`, `${gateway.url}/prod/hang`], envOf(temporary), { signal: controller.signal })
    expect(aborted).toMatchObject({ code: 130, stderr: "error: interrupted\n" })
  })

  it("a wrong region, when the Host names the API's: says which", async () => {
    const server = await answering(403, `{"message":"Credential should be scoped to a valid region, not 'ap-south-1'. "}`, { "x-amzn-ErrorType": "InvalidSignatureException" })
    try {
      const run = await runCli(["--region", "ap-south-1", "-H", `host: ${HOST}`, `${server.url}/prod/pets`], envOf(temporary))
      expect(hintsOf(run.stderr)).toEqual([
        "hint (region): the request was signed for region ap-south-1, and the API is in another one: the host names eu-west-1: use --region eu-west-1, or leave --region out to take it from the host."
      ])
    } finally {
      await server.close()
    }
  })
})

describe("docs/cli.md", () => {
  const docs = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8")
  const failureLines = /Every failure prints one line[^`]*```text\n([^`]*)```/.exec(docs)?.[1]?.trimEnd().split("\n") ?? []

  const closedPort = async () => {
    const server = http.createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise((resolve) => server.close(resolve))
    return port
  }

  it("shows the failure lines the CLI prints", () => {
    expect(failureLines).toHaveLength(3)
  })

  it("its refused-connection line is what a refused connection prints, on a port fetch does not refuse as a bad port", async () => {
    const line = failureLines.find((text) => text.startsWith("error: connect ECONNREFUSED"))!
    const documentedPort = Number(/:(\d+)$/.exec(line)![1])
    const port = await closedPort()
    const refused = await runCli([`http://127.0.0.1:${port}/prod/pets`], envOf(longTerm))
    expect(refused.stderr).toBe(line.replace(`:${documentedPort}`, `:${port}`) + "\n")
    // fetch refuses some ports outright (9, 25, 6000, ...) with "bad port": the documented one must not be one of them.
    const documented = await runCli([`http://127.0.0.1:${documentedPort}/prod/pets`], envOf(longTerm))
    expect(documented.stderr).not.toContain("bad port")
  })

  it("its credentials line is what a missing secret key prints", async () => {
    const line = failureLines.find((text) => text.includes("credentials"))!
    const run = await runCli([`http://127.0.0.1:1/prod/pets`], { AWS_ACCESS_KEY_ID: longTerm.accessKeyId, AWS_REGION: REGION })
    expect(run.stderr).toBe(line + "\n")
  })
})
