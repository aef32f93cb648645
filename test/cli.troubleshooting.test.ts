/**
 * The command line helping with what goes wrong: setup errors in one plain
 * line, and every 403 explained (signature mismatch, wrong region or service,
 * unknown key, stray or expired session token, skewed clock, wrong path),
 * printed on a line of its own after the body.
 */
import { describe, expect, it } from "@effect/vitest"
import { parenthesisDepth, runCli } from "./support/cli.js"

const URL_WITHOUT_REGION = "http://127.0.0.1:1/prod/pets"

describe("setup errors: one line, no nested parentheses", () => {
  const keys = { AWS_ACCESS_KEY_ID: "AKIDSETUP", AWS_SECRET_ACCESS_KEY: "setup/secret+KEY-0123456789" }

  it.each([
    [
      "no credentials at all",
      { AWS_REGION: "eu-west-1" },
      "error: AWS credentials could not be read from the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN too for temporary credentials.\n"
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
