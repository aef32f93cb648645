/**
 * npm run demo runs the whole job on this machine and exits 0.
 */
import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"

const root = resolve(import.meta.dirname, "..")

describe("npm run demo", () => {
  it("exits 0 after showing each part of the job", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
      child.stdin?.end()
    })
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toMatch(/Local IAM gateway listening on http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toMatch(/Promise facade[\s\S]*→ 200/)
    expect(stdout).toMatch(/Effect API[\s\S]*→ 200/)
    expect(stdout).toMatch(/SignedHttpClient\n  → 200/)
    expect(stdout).toMatch(/→ 403 InvalidSignatureException/)
    expect(stdout).toMatch(/resolved after 3 attempts/)
    expect(stdout).not.toContain("local-demo-secret-access-key")
  })
})
