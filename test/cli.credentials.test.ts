/**
 * Where the command line finds credentials, as the AWS CLI does: `--profile
 * NAME` (over keys in the environment), else the keys in the environment
 * (over AWS_PROFILE), else the AWS SDK's default chain when the optional peer
 * is installed: AWS_PROFILE or the default profile of a temp config
 * directory, credential_process, the container endpoint. `-v` names the
 * source; no output ever shows a secret. Requests go to a local gateway
 * that knows every key, and says which one signed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { type Run, runCli } from "./support/cli.js"
import {
  bareHost,
  type ContainerEndpoint,
  isolatedEnv,
  issued,
  type Issued,
  type SharedFiles,
  startContainerEndpoint,
  writeSharedFiles
} from "./support/credentialSources.js"

const REGION = "us-east-1"
const keys = {
  environment: issued("ASIAENVIRONMENTKEY"),
  container: issued("ASIACONTAINERTASK"),
  default: issued("AKIADEFAULTPROFILE"),
  dev: issued("AKIADEVPROFILE"),
  staging: issued("AKIASTAGINGPROFILE"),
  tool: issued("ASIACREDENTIALPROCESS"),
  assumed: issued("ASIAASSUMEDROLE")
}
const SECRETS = Object.values(keys).flatMap((k) => [k.secretAccessKey, k.sessionToken])

let gateway: LocalGateway.Service
let container: ContainerEndpoint
beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: Object.values(keys), region: REGION })
  container = await startContainerEndpoint(keys.container)
})
afterAll(() => Promise.all([gateway.close(), container.close()]))

// The SDK's chain reads this process's environment too: a bare host unless a test says otherwise.
let files: SharedFiles
let restoreEnv: () => void
beforeEach(() => {
  files = writeSharedFiles(keys)
  restoreEnv = isolatedEnv(bareHost())
})
afterEach(() => {
  restoreEnv()
  files.remove()
})

/** The environment the CLI is given: the temp config directory, and a region. */
const withFiles = (env: Record<string, string> = {}) => ({
  AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
  AWS_CONFIG_FILE: files.configFile,
  AWS_REGION: REGION,
  ...env
})
const withKeys = (credentials: Issued) => ({
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: credentials.sessionToken
})

/** Runs the CLI against the gateway; no secret of any source may be printed. */
const cli = async (args: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): Promise<Run> => {
  const run = await runCli([...args, `${gateway.url}/prod/pets`], env)
  for (const secret of SECRETS) expect(run.stdout + run.stderr).not.toContain(secret)
  return run
}
const signedBy = (run: Run): string => (JSON.parse(run.stdout) as LocalGateway.EchoResponse).principal.accessKeyId
const credentialsLine = (run: Run): string | undefined => /^\* credentials: (.*)$/m.exec(run.stderr)?.[1]

/**
 * Runs the CLI with `--profile NAME` while its credentials source never answers: host timers faked, and
 * moved past the 60 s provider bound once `waiting()` says the source was reached. The run fails (exit 2,
 * nothing on stdout): what it said on stderr.
 */
const stderrPastProviderBound = async (profile: string, waiting: () => boolean): Promise<string> => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
  let run: Run
  try {
    const running = cli(["--profile", profile, "--retries", "0"], withFiles())
    await vi.waitFor(() => expect(waiting()).toBe(true), { timeout: 10_000 })
    vi.advanceTimersByTime(60_000)
    run = await running
  } finally {
    vi.useRealTimers()
  }
  expect(run).toMatchObject({ code: 2, stdout: "" })
  return run.stderr
}

describe("--profile NAME", () => {
  it("signs with the profile's keys from the shared credentials file, and -v says so", async () => {
    const run = await cli(["-v", "--profile", "dev"], withFiles())
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.dev.accessKeyId)
    expect(credentialsLine(run)).toBe("profile dev (AWS SDK default chain: shared config and credentials files)")
    expect(run.stderr).toContain("> x-amz-security-token: <redacted>\n")
  })

  it("runs the profile's credential_process, and -v says so", async () => {
    const run = await cli(["-v", "--profile", "tool"], withFiles())
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.tool.accessKeyId)
    expect(credentialsLine(run)).toBe("profile tool (AWS SDK default chain: credential_process)")
  })

  it("--presign with credentials that expire first says the URL is valid only until then", async () => {
    const run = await runCli(["--presign", "604800", "--profile", "tool", `${gateway.url}/prod/pets`], withFiles())
    expect(run.code).toBe(0)
    const until = /^note: valid until (\S+), sooner than --presign 604800 asked: the credentials' session token expires then;/m.exec(run.stderr)
    expect(until).not.toBeNull()
    expect(new Date(until![1]!).getTime()).toBe(keys.tool.expiration.getTime())
  })

  it("overrides keys in the environment, as with the AWS CLI, and -v says they are not used", async () => {
    const run = await cli(["-v", "--profile=staging"], withFiles(withKeys(keys.environment)))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.staging.accessKeyId)
    expect(credentialsLine(run)).toBe(
      "profile staging (AWS SDK default chain: shared config and credentials files); " +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are not used: --profile comes first, as with the AWS CLI"
    )
  })

  it("over keys in the environment, prints no AWS SDK warning about an AWS_PROFILE that was not set", async () => {
    // The SDK reads this process's environment, and warns when it finds keys there beside the profile it is given.
    Object.assign(process.env, withKeys(keys.environment))
    const run = await cli(["--profile", "staging"], withFiles(withKeys(keys.environment)))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.staging.accessKeyId)
    expect(run.stderr).toBe("")
  })

  it("a profile that is nowhere: exit 2, one line naming the profile and the files it is not in, as the AWS CLI", async () => {
    for (const args of [["--profile", "nope"], ["-v", "--profile", "nope"]]) {
      const run = await cli(args, withFiles())
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toBe(
        `error: AWS credentials could not be found for profile nope: it is in neither ${files.configFile} (as [profile nope]) nor ${files.credentialsFile} (as [nope]). ` +
          "Check its name (aws configure list-profiles). (The AWS SDK's chain would go on to the container or instance role, and sign as that role.)\n"
      )
    }
  })

  // /dev/null is how a file is turned off; it reads as empty every time, so the check still reads it (review-z96/2).
  it("a profile that is nowhere, with the credentials file turned off (/dev/null): exit 2, as with any file", async () => {
    const run = await cli(["--profile", "nope"], withFiles({ AWS_SHARED_CREDENTIALS_FILE: "/dev/null" }))
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toContain(`error: AWS credentials could not be found for profile nope: it is in neither ${files.configFile} (as [profile nope]) nor /dev/null (as [nope]).`)
  })

  it("-v with keys in the environment names an unused AWS_PROFILE on its own line, whatever it holds", async () => {
    const run = await cli(["-v"], { ...withFiles(), ...withKeys(keys.environment), AWS_PROFILE: "dev\u001b[2K\rerror: forged\nerror: HTTP 200 OK" })
    expect(run.code).toBe(0)
    expect(credentialsLine(run)).toBe(
      "environment; AWS_PROFILE=dev\\u001b[2K\\rerror: forged\\nerror: HTTP 200 OK is not used: keys in the environment come first, as with the AWS CLI"
    )
    expect(run.stderr).not.toMatch(/^error: /m)
  })

  it.each([
    ["[profile \"quoted\"] in the config file, quoted as the SDK allows", "[profile \"quoted\"]", "quoted", 0],
    ["[plain] in the config file, without the profile prefix the SDK needs there", "[plain]", "plain", 2],
    ["[profile  spaced] in the config file, with two spaces the SDK does not read", "[profile  spaced]", "spaced", 2],
    ["[profile empty] in the config file, with no key = value under it, which the SDK does not keep", "[profile empty]\n[profile other]", "empty", 2],
    ["[profile blank] in the config file, with only a key without a value under it", "[profile blank]\nregion =\n[profile other]", "blank", 2]
  ])("a profile written as %s: read as the AWS SDK reads it", async (_, header, name, code) => {
    const staging = keys.staging
    writeFileSync(
      files.configFile,
      `\n${header}\naws_access_key_id = ${staging.accessKeyId}\naws_secret_access_key = ${staging.secretAccessKey}\naws_session_token = ${staging.sessionToken}\n`,
      { flag: "a" }
    )
    const run = await cli(["--profile", name, "--retries", "0"], withFiles())
    expect(run.code).toBe(code)
    if (code === 0) expect(signedBy(run)).toBe(staging.accessKeyId)
    else expect(run.stderr).toContain(`it is in neither ${files.configFile} (as [profile ${name}])`)
  })

  it("a profile that is in the config file with no credentials (a region alone), on a host with a container role: signs as the role, as the AWS CLI", async () => {
    writeFileSync(files.configFile, "[profile regiononly]\nregion = us-east-1\n", { flag: "a" })
    restoreEnv()
    restoreEnv = isolatedEnv({
      ...bareHost(),
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken
    })
    const run = await cli(["-v", "--profile", "regiononly", "--retries", "0"], { ...process.env, ...withFiles() })
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.container.accessKeyId)
  })

  describe("a profile that names credentials the SDK cannot use, on a host with a container role: exit 2, never signed as the role, as the AWS CLI", () => {
    const onContainerHost = () => {
      restoreEnv()
      restoreEnv = isolatedEnv({
        ...bareHost(),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken
      })
    }

    it.each([
      ["a key without its secret", "[profile half]\naws_access_key_id = AKIDHALF\n", "half", "it gives aws_access_key_id, and the AWS SDK could not make credentials of them"],
      ["a secret under a misspelled key", "[profile typoed]\naws_access_key_id = AKIDHALF\naws_secret_key = x\n", "typoed", "it gives aws_access_key_id,"],
      ["a role whose source_profile is nowhere", "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = nosuch\n", "chained", "it gives role_arn, source_profile,"]
    ])("%s", async (_, section, name, says) => {
      writeFileSync(files.configFile, section, { flag: "a" })
      onContainerHost()
      for (const [args, env] of [[["--profile", name], {}], [[], { AWS_PROFILE: name }]] as const) {
        const run = await cli([...args, "--retries", "0"], { ...process.env, ...withFiles(env) })
        expect(run).toMatchObject({ code: 2, stdout: "" })
        expect(run.stderr).toContain(`error: AWS credentials could not be read from profile ${name}`)
        expect(run.stderr).toContain(says)
        expect(run.stderr).toContain("The AWS SDK's chain went on to the container credentials endpoint, and the request is not signed as that role")
      }
    })

    it("on a pod with a web identity (EKS IRSA): not signed as the pod's role either", async () => {
      const sts = createServer((_, response) => {
        const { assumed } = keys
        response.setHeader("content-type", "text/xml")
        response.end(
          `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>` +
            `<AccessKeyId>${assumed.accessKeyId}</AccessKeyId><SecretAccessKey>${assumed.secretAccessKey}</SecretAccessKey>` +
            `<SessionToken>${assumed.sessionToken}</SessionToken><Expiration>${assumed.expiration.toISOString()}</Expiration></Credentials>` +
            `</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
        )
      })
      await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve))
      try {
        const tokenFile = join(files.directory, "web-identity-token")
        writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.pod.token")
        writeFileSync(files.configFile, "[profile half]\naws_access_key_id = AKIDHALF\n", { flag: "a" })
        restoreEnv()
        restoreEnv = isolatedEnv({
          ...bareHost(),
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
          AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/pod",
          AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as AddressInfo).port}`
        })
        const run = await cli(["--profile", "half", "--retries", "0"], { ...process.env, ...withFiles() })
        expect(run).toMatchObject({ code: 2, stdout: "" })
        expect(run.stderr).toContain("The AWS SDK's chain went on to the web identity token file, and the request is not signed as that role")
      } finally {
        sts.closeAllConnections()
        sts.close()
      }
    })

    it("keys in capitals, which the AWS CLI reads and the AWS SDK does not: says so, not \"a key without its secret\"", async () => {
      writeFileSync(files.credentialsFile, "[upper]\nAWS_ACCESS_KEY_ID = AKIDUPPER\nAWS_SECRET_ACCESS_KEY = upper-secret\n", { flag: "a" })
      onContainerHost()
      const run = await cli(["--profile", "upper", "--retries", "0"], { ...process.env, ...withFiles() })
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toContain(
        `[upper] in ${files.credentialsFile} names the key AWS_ACCESS_KEY_ID, which the AWS SDK does not read (it reads only aws_access_key_id`
      )
      expect(run.stderr).toContain("the request is not signed as that role")
      expect(run.stderr).not.toContain("upper-secret")
    })

    it.each([
      ["a credential_source without a role_arn, which the AWS CLI does not read either", "sourceonly", "credential_source"],
      ["one in capitals (CREDENTIAL_SOURCE, no role_arn), not read as misread", "sourcecaps", "CREDENTIAL_SOURCE"]
    ])("but %s: signed as the host's role, as the AWS CLI", async (_, profile, key) => {
      writeFileSync(files.configFile, `[profile ${profile}]\n${key} = EcsContainer\nregion = us-east-1\n`, { flag: "a" })
      onContainerHost()
      const run = await cli(["--profile", profile, "--retries", "0"], { ...process.env, ...withFiles() })
      expect(run.code).toBe(0)
      expect(signedBy(run)).toBe(keys.container.accessKeyId)
    })

    it("a credential_process that fails: what it said", async () => {
      files.setProcessFailure("vault: permission denied")
      onContainerHost()
      const run = await cli(["--profile", "tool", "--retries", "0"], { ...process.env, ...withFiles() })
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toContain("the credential_process of profile tool ran, and it failed, saying: vault: permission denied.")
      expect(run.stderr).not.toContain("print-credentials")
    })
  })

  describe("a profile written in a form the AWS CLI reads and the AWS SDK does not: exit 2, saying how to write it", () => {
    it("keys in capitals: not advice to check that the profile exists", async () => {
      writeFileSync(files.credentialsFile, "[upper]\nAWS_ACCESS_KEY_ID = AKIDUPPER\nAWS_SECRET_ACCESS_KEY = upper-secret\n", { flag: "a" })
      const run = await cli(["--profile", "upper"], withFiles())
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toContain(
        `[upper] in ${files.credentialsFile} names the key AWS_ACCESS_KEY_ID, which the AWS SDK does not read (it reads only aws_access_key_id; ` +
          "the AWS CLI reads either): write it in lower case."
      )
      expect(run.stderr).not.toContain("Check that the profile is in")
    })

    it("`key: value` lines: not \"it is in neither\" file", async () => {
      writeFileSync(files.configFile, "[profile colon]\naws_access_key_id: AKIDCOLON\naws_secret_access_key: colon-secret\n", { flag: "a" })
      const run = await cli([], withFiles({ AWS_PROFILE: "colon" }))
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toBe(
        `error: AWS credentials could not be read from profile colon, named by AWS_PROFILE: [profile colon] in ${files.configFile} writes ` +
          "\"aws_access_key_id: ...\" with a colon, which the AWS SDK does not read (the AWS CLI does): write it \"aws_access_key_id = ...\".\n"
      )
    })

    it("the default profile, no profile named", async () => {
      writeFileSync(files.credentialsFile, "[default]\nAws_Secret_Access_Key = default-secret\n")
      writeFileSync(files.configFile, "")
      const run = await cli([], withFiles())
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toContain(`In the default profile, [default] in ${files.credentialsFile} names the key Aws_Secret_Access_Key`)
      expect(run.stderr).not.toContain("default-secret")
    })
  })

  it("a session token renewed for the signature (the first was near its expiration) is never printed either", async () => {
    // Each run of this credential_process hands out a new session token, valid 3 more minutes: inside the
    // 5 minutes before expiration where the chain renews, so the request is signed with a later one.
    // In a directory of its own: a renewal the chain starts as the CLI ends may still be running, and writing
    // here, when the test's files are removed.
    const own = mkdtempSync(join(tmpdir(), "agrs-rotating-"))
    const runs = join(own, "rotations")
    const script = join(own, "rotating.mjs")
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from "node:fs"\n` +
        `let n = 0; try { n = Number(readFileSync(${JSON.stringify(runs)}, "utf8")) } catch {}\n` +
        `writeFileSync(${JSON.stringify(runs)}, String(n + 1))\n` +
        `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: "ASIAROTATING", SecretAccessKey: "rotating/secret+KEY-" + n, ` +
        `SessionToken: "rotating-session-token-FwoGZXIvYXdz-" + n, Expiration: new Date(Date.now() + 180000).toISOString() }))\n`
    )
    writeFileSync(files.configFile, `[profile rotating]\ncredential_process = "${process.execPath}" "${script}"\n`, { flag: "a" })
    // API Gateway's signature mismatch quotes the canonical request, the session token signed included.
    const api = createServer((request, response) => {
      request.resume()
      request.on("end", () => {
        response.writeHead(403, { "content-type": "application/json", "x-amzn-errortype": "InvalidSignatureException" })
        response.end(JSON.stringify({
          message: "The request signature we calculated does not match the signature you provided.\n\n" +
            `The Canonical String for this request should have been\n'GET\n/prod/pets\n\nhost:${request.headers.host}\n` +
            `x-amz-date:${request.headers["x-amz-date"]}\nx-amz-security-token:${request.headers["x-amz-security-token"]}\n'`
        }))
      })
    })
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve))
    try {
      const run = await runCli(["--profile", "rotating", `http://127.0.0.1:${(api.address() as AddressInfo).port}/prod/pets`], withFiles())
      expect(run.code).toBe(22)
      expect(Number(readFileSync(runs, "utf8"))).toBeGreaterThan(1)
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/rotating-session-token-FwoGZXIvYXdz-\d/)
      expect(run.stdout).toContain("x-amz-security-token:<redacted>")
    } finally {
      api.closeAllConnections()
      api.close()
      rmSync(own, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    }
  })

  it("an aws login profile with an AWS SDK too old to read login sessions (before 3.936.0): the advice is to upgrade it", async () => {
    const { loginOf } = await import("../src/bin/credentials.js")
    expect(loginOf("console", ["login_session"], [3, 901, 0])).toMatch(/^install @aws-sdk\/credential-providers 3\.936\.0 or later .* then run aws login --profile console/)
    expect(loginOf("console", ["login_session"], [3, 1175, 0])).toBe("run aws login --profile console (its login session could not be used).")
    expect(loginOf("dev", ["sso_session"], [3, 901, 0])).toBe("run aws sso login --profile dev.")
  })

  it("an aws login profile that cannot be used (no login cached): exit 2, saying to run aws login, not aws sso login", async () => {
    writeFileSync(files.configFile, "[profile console]\nlogin_session = arn:aws:iam::123456789012:user/me\nregion = us-east-1\n", { flag: "a" })
    const run = await cli(["--profile", "console", "--retries", "0"], withFiles({ HOME: files.directory }))
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toContain(". Run aws login --profile console")
    expect(run.stderr).not.toContain("aws sso login")
  })

  it("a profile whose credential_process fails: exit 2, what the process said, not advice to check the profile exists", async () => {
    files.setProcessFailure("Error: the SSO session has expired; run aws sso login --profile tool")
    const run = await cli(["--profile", "tool"], withFiles())
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toBe(
      "error: AWS credentials could not be found for profile tool: the credential_process of profile tool ran, and it failed, saying: " +
        "Error: the SSO session has expired; run aws sso login --profile tool. " +
        "Fix what it says, or run the profile's credential_process command yourself to see why it fails. Run with -v to see what each source said.\n"
    )
    // Its command line is not shown: arguments may carry what is not meant for logs.
    expect(run.stderr).not.toContain("print-credentials")
  })

  it("a credential_process that fails with a credential on its stderr (a shell tracing itself): exit 2, that line not shown", async () => {
    const traced = "+ echo '{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"}'"
    files.setProcessFailure(traced)
    const run = await cli(["--profile", "tool"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("its stderr looks like it holds a credential (not shown)")
    expect(run.stderr).not.toContain("K7MDENG+bPxRfiCYEXAMPLEKEY")
  })

  it("-v, with a credential_process that fails with a credential on its stderr: the SDK's trail shows neither it nor the command line", async () => {
    files.setProcessFailure("+ echo '{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"}'")
    const run = await cli(["-v", "--profile", "tool"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^\* AWS SDK: .*Command failed \(its command line is not shown\)/m)
    expect(run.stderr).not.toContain("K7MDENG+bPxRfiCYEXAMPLEKEY")
    expect(run.stderr).not.toContain("print-credentials")
  })

  it.each([
    ["--profile typo", ["--profile", "typo"], {}],
    ["AWS_PROFILE=typo", [], { AWS_PROFILE: "typo" }],
    ["AWS_DEFAULT_PROFILE=typo", [], { AWS_DEFAULT_PROFILE: "typo" }]
  ])("%s, a profile in neither file, on a host with a container role: exit 2, never signed as the role", async (_, args, env) => {
    restoreEnv()
    restoreEnv = isolatedEnv({
      ...bareHost(),
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken
    })
    const run = await cli([...args, "--retries", "0"], { ...process.env, ...withFiles(env) })
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toMatch(/^error: AWS credentials could not be found for profile typo(, named by AWS_(DEFAULT_)?PROFILE)?: it is in neither .+ nor .+\. Check its name/)
  })

  it("a credential_process whose output the SDK refuses: says so", async () => {
    writeFileSync(join(files.directory, "process-output.json"), JSON.stringify({ AccessKeyId: keys.tool.accessKeyId }))
    const run = await cli(["--profile", "tool"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^error: AWS credentials could not be found for profile tool: the credential_process of profile tool ran, and its output was refused: the credential_process did not return Version 1\. Run the profile's credential_process command yourself to see why it fails\./
    )
  })

  it("a credential_process that never answers: exit 2 after 60 s, saying the process did not answer, not advice to check the profile exists", async () => {
    files.setProcessHang()
    try {
      expect(await stderrPastProviderBound("tool", () => existsSync(files.hungPidFile))).toBe(
        "error: AWS credentials could not be found for profile tool: the credential_process of profile tool ran, and did not answer within 60 s. " +
          "Run the profile's credential_process command yourself to see what it waits for (a prompt, a login, the network). " +
          "Run with -v to see what each source said.\n"
      )
    } finally {
      if (existsSync(files.hungPidFile)) process.kill(Number(readFileSync(files.hungPidFile, "utf8")))
    }
  })

  /** A profile `assumer` that assumes a role with the staging keys, and STS at a local server that `answer`s (or not). */
  const withRoleProfile = async (answer: (response: ServerResponse) => void): Promise<{ readonly reached: () => boolean; readonly close: () => void }> => {
    let reached = false
    const sts = createServer((_, response) => {
      reached = true
      answer(response)
    })
    await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve))
    writeFileSync(files.configFile, "[profile assumer]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = staging\nregion = us-east-1\n", { flag: "a" })
    restoreEnv()
    restoreEnv = isolatedEnv({ ...bareHost(), AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as AddressInfo).port}` })
    return { reached: () => reached, close: () => (sts.closeAllConnections(), sts.close()) }
  }

  it("a profile that assumes a role signs with the role's keys, and -v names the profile's files as the source, as before", async () => {
    const { assumed } = keys
    const sts = await withRoleProfile((response) => {
      response.setHeader("content-type", "text/xml")
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
          `<AccessKeyId>${assumed.accessKeyId}</AccessKeyId><SecretAccessKey>${assumed.secretAccessKey}</SecretAccessKey>` +
          `<SessionToken>${assumed.sessionToken}</SessionToken><Expiration>${assumed.expiration.toISOString()}</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/cli</Arn><AssumedRoleId>AROAEXAMPLE:cli</AssumedRoleId></AssumedRoleUser>` +
          `</AssumeRoleResult></AssumeRoleResponse>`
      )
    })
    try {
      const run = await cli(["-v", "--profile", "assumer", "--retries", "0"], withFiles())
      expect(run.code).toBe(0)
      expect(signedBy(run)).toBe(assumed.accessKeyId)
      expect(credentialsLine(run)).toBe("profile assumer (AWS SDK default chain: shared config and credentials files)")
    } finally {
      sts.close()
    }
  })

  it("a profile that assumes a role, with STS never answering: exit 2 after 60 s, naming STS as what did not answer", async () => {
    // STS accepts and never answers: behind a VPN or proxy that is down.
    const sts = await withRoleProfile(() => {})
    try {
      expect(await stderrPastProviderBound("assumer", sts.reached)).toBe(
        "error: AWS credentials could not be found for profile assumer: no answer within 60 s from STS (assuming a role). " +
          "What calls out (STS, SSO, the container endpoint, EC2 instance metadata) may be unreachable from here: behind a VPN or a proxy, or blocked. " +
          "Run with -v to see what each source said.\n"
      )
    } finally {
      sts.close()
    }
  })

  it("a secret key passed as the profile's name is not repeated in the error", async () => {
    const run = await cli(["--profile", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("for profile <40 characters, not shown: they may be a credential>:")
    expect(run.stderr).not.toContain("K7MDENG")
  })

  it("an SSO profile's name is shown as it is", async () => {
    const run = await cli(["--profile", "AdministratorAccess-123456789012"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("for profile AdministratorAccess-123456789012:")
  })

  it("needs a name", async () => {
    const run = await cli(["--profile", "", "-v"], withFiles())
    expect(run).toMatchObject({ code: 2, stderr: "error: --profile needs a profile name (see --help)\n" })
  })
})

describe("without --profile", () => {
  it("keys in the environment come first, over AWS_PROFILE, as with the AWS CLI", async () => {
    const plain = await cli(["-v"], withFiles(withKeys(keys.environment)))
    expect(signedBy(plain)).toBe(keys.environment.accessKeyId)
    expect(credentialsLine(plain)).toBe("environment")

    const withProfile = await cli(["-v"], withFiles({ ...withKeys(keys.environment), AWS_PROFILE: "dev" }))
    expect(signedBy(withProfile)).toBe(keys.environment.accessKeyId)
    expect(credentialsLine(withProfile)).toBe(
      "environment; AWS_PROFILE=dev is not used: keys in the environment come first, as with the AWS CLI"
    )
  })

  it("no keys: AWS_PROFILE names the profile of the SDK's default chain", async () => {
    const run = await cli(["-v"], withFiles({ AWS_PROFILE: "staging" }))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.staging.accessKeyId)
    expect(credentialsLine(run)).toBe("profile staging (AWS SDK default chain: shared config and credentials files)")
  })

  it("no keys, no AWS_PROFILE: AWS_DEFAULT_PROFILE names the profile, as with the AWS CLI", async () => {
    const run = await cli(["-v"], withFiles({ AWS_DEFAULT_PROFILE: "staging" }))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.staging.accessKeyId)
    expect(credentialsLine(run)).toBe("profile staging (AWS SDK default chain: shared config and credentials files)")
  })

  it("AWS_PROFILE comes before AWS_DEFAULT_PROFILE, as with the AWS CLI", async () => {
    const run = await cli(["-v"], withFiles({ AWS_PROFILE: "staging", AWS_DEFAULT_PROFILE: "default" }))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.staging.accessKeyId)
  })

  it("keys in the environment come first, over AWS_DEFAULT_PROFILE, and -v names it as not used", async () => {
    const run = await cli(["-v"], withFiles({ ...withKeys(keys.environment), AWS_DEFAULT_PROFILE: "staging" }))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.environment.accessKeyId)
    expect(credentialsLine(run)).toBe(
      "environment; AWS_DEFAULT_PROFILE=staging is not used: keys in the environment come first, as with the AWS CLI"
    )
  })

  it("no keys, no profile: the default profile", async () => {
    const run = await cli(["-v"], withFiles())
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.default.accessKeyId)
    expect(credentialsLine(run)).toBe("shared config and credentials files (AWS SDK default chain)")
  })

  it("a key with a stray CR (a CRLF .env file): exit 2, naming the variable", async () => {
    const run = await cli([], withFiles({ ...withKeys(keys.environment), AWS_SECRET_ACCESS_KEY: `${keys.environment.secretAccessKey}\r` }))
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toContain("check AWS_SECRET_ACCESS_KEY for a stray newline")
  })

  it("no keys, no ~/.aws: the container credentials endpoint, as on ECS (the binary's environment is the process's)", async () => {
    restoreEnv()
    restoreEnv = isolatedEnv({
      ...bareHost(),
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken,
      AWS_REGION: REGION
    })
    const run = await cli(["-v", "--retries", "1"], { ...process.env })
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.container.accessKeyId)
    expect(credentialsLine(run)).toBe("container credentials endpoint (AWS SDK default chain)")
  })

  it("a partial pair of keys is an error, not a reason to look elsewhere", async () => {
    const run = await cli([], withFiles({ AWS_ACCESS_KEY_ID: keys.environment.accessKeyId }))
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      "error: AWS credentials could not be read from the environment: AWS_SECRET_ACCESS_KEY is not set. " +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials.\n"
    )
  })
})

describe("--dry-run and --presign with a profile", () => {
  it("--dry-run: the command still names $AWS_SESSION_TOKEN, and a note says how to export the profile's token", async () => {
    const run = await cli(["--dry-run", "--profile", "dev"], withFiles())
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("-H \"x-amz-security-token: $AWS_SESSION_TOKEN\"")
    expect(run.stdout).toContain(`Credential=${keys.dev.accessKeyId}/`)
    expect(run.stderr).toBe(
      "note: the command reads the session token from $AWS_SESSION_TOKEN, and these credentials are not the environment's: " +
        "export their token first, e.g. eval \"$(aws configure export-credentials --profile dev --format env)\"\n"
    )
  })

  it("--presign: a URL signed with the profile's key, accepted by the gateway", async () => {
    const presigned = await runCli(["--presign", "60", "--profile", "dev", `${gateway.url}/prod/report`], withFiles())
    expect(presigned.code).toBe(0)
    const response = await fetch(presigned.stdout.trim())
    expect(response.status).toBe(200)
    expect(((await response.json()) as LocalGateway.EchoResponse).principal).toEqual({ accessKeyId: keys.dev.accessKeyId, presigned: true })
  })
})

describe("without the optional peer @aws-sdk/credential-providers", () => {
  beforeEach(() => {
    vi.doMock("@aws-sdk/credential-providers", () => {
      throw Object.assign(new Error("Cannot find package '@aws-sdk/credential-providers'"), { code: "ERR_MODULE_NOT_FOUND" })
    })
  })
  afterEach(() => {
    vi.doUnmock("@aws-sdk/credential-providers")
  })

  it("no keys: the environment's message, and how to use profiles and roles", async () => {
    const run = await cli([], withFiles())
    expect(run).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "error: AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set. " +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials. " +
        "To use ~/.aws profiles, SSO or an ECS or EC2 role instead, install @aws-sdk/credential-providers 3.87.0 or later " +
        "where api-gateway-request-signer is installed: npm install @aws-sdk/credential-providers.\n"
    })
  })

  it("--profile: says it needs the SDK's providers, and how to install them", async () => {
    const run = await cli(["--profile", "dev"], withFiles())
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      "error: --profile needs the AWS SDK's credential providers: install @aws-sdk/credential-providers 3.87.0 or later " +
        "where api-gateway-request-signer is installed: npm install @aws-sdk/credential-providers.\n"
    )
  })

  it("keys in the environment work as before", async () => {
    const run = await cli([], withFiles(withKeys(keys.environment)))
    expect(run.code).toBe(0)
    expect(signedBy(run)).toBe(keys.environment.accessKeyId)
  })
})
