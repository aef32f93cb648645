/**
 * The documentation's code, as this working tree has it: every `@example` of
 * the public modules is well-formed JSDoc, and the `ts` blocks of README.md
 * and docs/ are extracted as the modules the reader sees, with the context
 * their `<!-- typecheck -->` comments give. Compiling them against the packed
 * package is test/package.tarball.test.ts's job.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { jsdocExamples, markdownSnippets, publicModules } from "./support/snippets.js"

const root = resolve(import.meta.dirname, "..")

/** The snippets of a README.md with `text`, in a directory of its own. */
const snippetsOf = (text: string) => {
  const dir = mkdtempSync(join(tmpdir(), "agrs-snippets-"))
  try {
    writeFileSync(join(dir, "README.md"), text)
    mkdirSync(join(dir, "docs", "api"), { recursive: true })
    writeFileSync(join(dir, "docs", "api", "Signer.md"), "```ts\ngenerated()\n```\n")
    return markdownSnippets(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("@example blocks", () => {
  it("are all inside the JSDoc margin: a line without ` * ` is published as part of the example", () => {
    const examples = jsdocExamples(root)
    expect(examples.length).toBeGreaterThan(0)
    expect(examples.flatMap((example) => example.malformed ?? [])).toEqual([])
  })

  it("each import what they use: each compiles as a module of its own", () => {
    const withoutImport = jsdocExamples(root).filter((example) => !/^import /m.test(example.code))
    expect(withoutImport.map((example) => example.origin)).toEqual([])
  })
})

describe("Markdown snippets", () => {
  it("are the ts blocks, each a module, list items dedented, other languages and docs/api left out", () => {
    const snippets = snippetsOf(["```ts", "const a = 1", "```", "```sh", "npm test", "```", "- item", "", "  ```typescript", "  const b = 2", "  ```", ""].join("\n"))
    expect(snippets.map(({ origin, code }) => [origin, code])).toEqual([
      ["README.md:1", "// README.md:1\nconst a = 1\n\nexport {}\n"],
      ["README.md:9", "// README.md:9\nconst b = 2\n\nexport {}\n"]
    ])
  })

  it("take a prelude, continue the previous block, or are skipped, as their typecheck comment says", () => {
    const snippets = snippetsOf([
      "<!-- typecheck",
      "declare const petId: string",
      "-->",
      "```ts",
      "use(petId)",
      "```",
      "<!-- typecheck: continues -->",
      "```ts",
      "more(petId)",
      "```",
      "<!-- typecheck: skip (pseudo-code) -->",
      "```ts",
      "not ts",
      "```",
      ""
    ].join("\n"))
    expect(snippets.map(({ code }) => code)).toEqual([
      "// README.md:4\ndeclare const petId: string\nuse(petId)\n\n// README.md:8\nmore(petId)\n\nexport {}\n"
    ])
  })

  it("of README.md and docs/ each import what they use", () => {
    const snippets = markdownSnippets(root)
    expect(snippets.length).toBeGreaterThanOrEqual(8)
    expect(snippets.filter((snippet) => !/^import /m.test(snippet.code)).map((snippet) => snippet.origin)).toEqual([])
  })
})

describe("the API reference in docs/api/ (regenerate it with npm run docs)", () => {
  // HttpClient is SignedHttpClient under its first name: documented there.
  const modules = publicModules(root)
    .map((path) => path.slice("src/".length, -".ts".length))
    .filter((name) => name !== "HttpClient")
    .map((name) => [name, name === "index" ? "api-gateway-request-signer" : name] as const)

  it.each(modules)("has a page for %s listing each of its own exports", (module, page) => {
    const file = join(root, "docs", "api", `${page}.md`)
    expect(existsSync(file), `docs/api/${page}.md`).toBe(true)
    const source = readFileSync(join(root, "src", `${module}.ts`), "utf8")
    // Declarations exported and documented: not @internal (stripped from the published types).
    const exported = new Set(
      [...source.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?^export (?:declare )?(?:abstract )?(?:const|function|class|interface|type|enum) (\w+)/gm)]
        .filter((match) => !(match[1] ?? "").includes("@internal"))
        .map((match) => match[2]!)
    )
    // Markdown escapes underscores (DEFAULT\_RETRIES); a deprecated name is struck through.
    const headings = new Set([...readFileSync(file, "utf8").matchAll(/^#{2,3} (?:~~)?([\w\\]+)/gm)].map((match) => match[1]!.replaceAll("\\", "")))
    expect([...exported].filter((name) => !headings.has(name))).toEqual([])
  })
})

describe("browser snippets", () => {
  it("that take credentials from a Cognito identity pool bundle for the browser with esbuild (no Node-only provider pulled in)", async () => {
    const esbuild = await import("esbuild")
    const cognito = markdownSnippets(root).filter((snippet) => snippet.code.includes("fromCognitoIdentityPool"))
    expect(cognito.length).toBeGreaterThanOrEqual(3)
    const failures: Array<string> = []
    for (const snippet of cognito) {
      const result = await esbuild.build({
        stdin: { contents: snippet.code, resolveDir: root, loader: "ts", sourcefile: snippet.file },
        bundle: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        write: false,
        logLevel: "silent",
        external: ["api-gateway-request-signer", "api-gateway-request-signer/*"]
      }).catch((error: { errors?: ReadonlyArray<{ text: string }> }) => error)
      if ("errors" in result && result.errors !== undefined && result.errors.length > 0) {
        failures.push(`${snippet.origin}: ${result.errors[0]!.text}`)
      }
    }
    expect(failures).toEqual([])
  })
})
