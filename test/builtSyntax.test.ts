/**
 * The package's built code parses where it is meant to run, not only in
 * today's engines and bundlers. Kept out of every file a browser or React
 * Native loads of the facade and of the package root:
 * - class static blocks, which Metro's Babel preset for React Native cannot
 *   parse ("Static class blocks are not enabled"), so no app could bundle it;
 * - `export * as`, for which that preset has no plugin either;
 * - regex lookbehind, `(?<=` and `(?<!`, which Safari (and iOS) before 16.4
 *   refuses, failing the whole module at load;
 * and a dynamic `import()` of a name held in a variable (the optional AWS SDK
 * peer) sits in a try statement, which Metro takes for an optional
 * dependency: outside one, Metro resolves the variable and fails the build
 * where the peer is not installed.
 */
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import ts from "typescript"

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist")

/** Every module `entry` loads outside Node: relative imports followed, `#crypto` as the web adapter. */
const modulesFrom = (entry: string): Array<string> => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
    const follow = (specifier: string) => {
      if (specifier === "#crypto") visit(join(dist, "internal", "crypto", "web.js"))
      else if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier))
    }
    const walk = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        follow(node.moduleSpecifier.text)
      }
      if (isDynamicImport(node) && ts.isStringLiteral(node.arguments[0]!)) follow(node.arguments[0].text)
      ts.forEachChild(node, walk)
    }
    walk(source)
  }
  visit(join(dist, entry))
  return [...seen]
}

const isDynamicImport = (node: ts.Node): node is ts.CallExpression =>
  ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword

/** What the modules hold of `found`, as "file: text". */
const occurrences = (modules: ReadonlyArray<string>, found: (node: ts.Node) => boolean): Array<string> =>
  modules.flatMap((file) => {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
    const hits: Array<string> = []
    const walk = (node: ts.Node): void => {
      if (found(node)) hits.push(`${file.slice(dist.length + 1)}: ${node.getText(source).slice(0, 80)}`)
      ts.forEachChild(node, walk)
    }
    walk(source)
    return hits
  })

const isStaticBlock = (node: ts.Node) => ts.isClassStaticBlockDeclaration(node)
const isLookbehind = (node: ts.Node) => ts.isRegularExpressionLiteral(node) && /\(\?<[=!]/.test(node.text)
const isNamespaceReExport = (node: ts.Node) => ts.isExportDeclaration(node) && node.exportClause !== undefined && ts.isNamespaceExport(node.exportClause)
const inTryBlock = (node: ts.Node): boolean => {
  for (let at = node.parent; at !== undefined && !ts.isSourceFile(at); at = at.parent) {
    if (ts.isTryStatement(at.parent) && at.parent.tryBlock === at) return true
  }
  return false
}
const isUnguardedVariableImport = (node: ts.Node) => isDynamicImport(node) && !ts.isStringLiteral(node.arguments[0]!) && !inTryBlock(node)

const facade = () => modulesFrom("ApiGatewaySigner.js")
const root = () => modulesFrom("index.js")

describe("the facade's built modules, as a browser or React Native loads them", () => {
  it("are the facade, its error classes and the web crypto adapter", () => {
    const files = facade().map((file) => file.slice(dist.length + 1))
    expect(files).toEqual(expect.arrayContaining(["ApiGatewaySigner.js", "SigningError.js", "RequestError.js", "internal/crypto/web.js"]))
  })

  it("hold no class static block (Metro's Babel preset for React Native cannot parse one)", () => {
    expect(occurrences(facade(), isStaticBlock)).toEqual([])
  })

  it("hold no regex lookbehind (Safari before 16.4 refuses the module)", () => {
    expect(occurrences(facade(), isLookbehind)).toEqual([])
  })
})

describe("the package root's built modules, as Metro bundles them for React Native", () => {
  it("are the facade and the Effect API", () => {
    const files = root().map((file) => file.slice(dist.length + 1))
    expect(files).toEqual(expect.arrayContaining(["index.js", "ApiGatewaySigner.js", "Credentials.js", "Signer.js", "Retry.js", "SigV4.js"]))
  })

  it("hold no `export * as` (Metro's Babel preset has no plugin for it)", () => {
    expect(occurrences(root(), isNamespaceReExport)).toEqual([])
  })

  it("hold no class static block", () => {
    expect(occurrences(root(), isStaticBlock)).toEqual([])
  })

  it("import a package named by a variable only inside a try statement (Metro's optional dependency)", () => {
    expect(occurrences(root(), isDynamicImport).length).toBeGreaterThan(0)
    expect(occurrences(root(), isUnguardedVariableImport)).toEqual([])
  })
})
