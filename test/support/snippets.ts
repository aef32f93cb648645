/**
 * The code the documentation shows, as TypeScript modules to compile: every
 * `ts` block of README.md and docs/ (the generated reference in docs/api/
 * aside: it repeats the `@example`s), and every `@example` block of the
 * public modules (src/*.ts), as @effect/docgen compiles them.
 *
 * A Markdown block may need context that the page gives in prose: an HTML
 * comment right before its fence, starting with `<!-- typecheck`, supplies it.
 *
 *     <!-- typecheck: continues -->          appended to the page's previous block (one module)
 *     <!-- typecheck: skip (why) -->         not compiled (say why)
 *     <!-- typecheck
 *     declare const petId: string            TypeScript put before the block, e.g. the
 *     -->                                    names the block assumes
 *
 * `continues` and a prelude can be combined (`<!-- typecheck: continues`
 * followed by prelude lines). Each module gets `export {}` appended, so that
 * top-level `await` and names are module-scoped.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

export interface Snippet {
  /** Where it comes from, as `path:line` relative to the repository. */
  readonly origin: string
  /** A file name for it: unique, `.ts`. */
  readonly file: string
  /** The module to compile. */
  readonly code: string
  /** Lines of an `@example` that lack the JSDoc ` * ` margin: editors and doc generators show them wrongly or drop them. */
  readonly malformed?: ReadonlyArray<string>
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/
const TYPESCRIPT = new Set(["ts", "typescript"])

interface Block {
  readonly line: number
  readonly language: string
  readonly code: string
  /** The `<!-- typecheck ... -->` comment right before the fence, if any. */
  readonly directive: string | undefined
}

/** The fenced blocks of a Markdown text, dedented by their fence's indentation (blocks in list items). */
const fencedBlocks = (text: string): Array<Block> => {
  const lines = text.split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (open === null) continue
    const [, indent = "", fence = "", language = ""] = open
    const body: Array<string> = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const line = lines[j]!
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") break
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())
    }
    blocks.push({ line: i + 1, language: language.toLowerCase(), code: body.join("\n"), directive: directiveBefore(lines, i) })
    i = j
  }
  return blocks
}

/** The `<!-- typecheck ... -->` comment ending on the line before `fenceLine` (blank lines between allowed). */
const directiveBefore = (lines: ReadonlyArray<string>, fenceLine: number): string | undefined => {
  let end = fenceLine - 1
  while (end >= 0 && lines[end]!.trim() === "") end--
  if (end < 0 || !lines[end]!.trim().endsWith("-->")) return undefined
  let start = end
  while (start >= 0 && !lines[start]!.includes("<!--")) start--
  if (start < 0) return undefined
  const comment = lines.slice(start, end + 1).map((line) => line.trim()).join("\n")
  const body = comment.slice(comment.indexOf("<!--") + 4, comment.lastIndexOf("-->"))
  return body.trimStart().startsWith("typecheck") ? body.trimStart().slice("typecheck".length) : undefined
}

/** `continues`, `skip` and the prelude of a directive. */
const parseDirective = (directive: string | undefined) => {
  if (directive === undefined) return { continues: false, skip: false, prelude: "" }
  const [first = "", ...rest] = directive.split("\n")
  const flags = first.replace(/^:/, "").trim()
  return {
    continues: /^continues\b/.test(flags),
    skip: /^skip\b/.test(flags),
    prelude: rest.join("\n").trim()
  }
}

const slug = (path: string) => path.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")

/** The Markdown pages whose snippets are compiled: README.md and docs/**\/*.md but docs/api/. */
export const markdownPages = (root: string): Array<string> => {
  const pages = existsSync(join(root, "README.md")) ? [join(root, "README.md")] : []
  const walk = (dir: string) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (relative(root, path) !== join("docs", "api")) walk(path)
      } else if (entry.name.endsWith(".md")) pages.push(path)
    }
  }
  walk(join(root, "docs"))
  return pages
}

/** Every `ts` block of the Markdown pages under `root`, as modules (see the header for directives). */
export const markdownSnippets = (root: string): Array<Snippet> =>
  markdownPages(root).flatMap((page) => {
    const path = relative(root, page)
    const modules: Array<{ origin: string; parts: Array<string> }> = []
    for (const block of fencedBlocks(readFileSync(page, "utf8"))) {
      if (!TYPESCRIPT.has(block.language)) continue
      const { continues, prelude, skip } = parseDirective(block.directive)
      if (skip) continue
      const part = `// ${path}:${block.line}\n${prelude === "" ? "" : `${prelude}\n`}${block.code}`
      const previous = modules.at(-1)
      if (continues && previous !== undefined) previous.parts.push(part)
      else if (continues) throw new Error(`${path}:${block.line}: "typecheck: continues" but no block before it`)
      else modules.push({ origin: `${path}:${block.line}`, parts: [part] })
    }
    return modules.map(({ origin, parts }, index) => ({
      origin,
      file: `${slug(path)}-${index + 1}.ts`,
      code: `${parts.join("\n\n")}\n\nexport {}\n`
    }))
  })

/** The public modules: src/*.ts, each published as a subpath (index.ts as the root). */
export const publicModules = (root: string): Array<string> =>
  readdirSync(join(root, "src"))
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .sort()
    .map((name) => join("src", name))

/** Every `@example` block of the public modules' JSDoc, as modules. */
export const jsdocExamples = (root: string): Array<Snippet> =>
  publicModules(root).flatMap((path) => {
    const lines = readFileSync(join(root, path), "utf8").split("\n")
    const examples: Array<Snippet> = []
    let inExample = false
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (/^\s*\*\/\s*$/.test(line) || /^\s*\/\*\*/.test(line)) inExample = false
      const tag = /^\s*\*\s*@(\w+)/.exec(line)
      if (tag !== null) inExample = tag[1] === "example"
      if (!inExample || !/^\s*\*\s*```/.test(line)) continue
      // The fenced block: each line without its leading ` * `. A line that lacks
      // the margin is compiled as it is (it is still part of the comment) and
      // reported as malformed.
      const body: Array<string> = []
      const malformed: Array<string> = []
      let j = i + 1
      for (; j < lines.length && !/^\s*\*\s*```\s*$/.test(lines[j]!); j++) {
        if (!/^\s*\*/.test(lines[j]!)) malformed.push(`${path}:${j + 1}: ${lines[j]!.trim()}`)
        body.push(lines[j]!.replace(/^\s*\* ?/, ""))
      }
      examples.push({
        origin: `${path}:${i + 1}`,
        file: `${slug(path)}-${examples.length + 1}.ts`,
        code: `// ${path}:${i + 1}\n${body.join("\n")}\n\nexport {}\n`,
        malformed
      })
      i = j
    }
    return examples
  })
