/**
 * The facade's built code parses where it is meant to run, not only in
 * today's engines. Two features newer than the rest of its syntax are kept
 * out of every file a browser or React Native loads of it:
 * - class static blocks, which Metro's Babel preset for React Native cannot
 *   parse ("Static class blocks are not enabled"), so no app could bundle it;
 * - regex lookbehind, `(?<=` and `(?<!`, which Safari (and iOS) before 16.4
 *   refuses, failing the whole module at load.
 */
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import ts from "typescript"

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist")

/** Every module the facade loads outside Node: relative imports followed, `#crypto` as the web adapter. */
const facadeFiles = (): Array<string> => {
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
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
        follow(node.arguments[0].text)
      }
      ts.forEachChild(node, walk)
    }
    walk(source)
  }
  visit(join(dist, "ApiGatewaySigner.js"))
  return [...seen]
}

/** What each file holds of `found`, as "file: text". */
const occurrences = (found: (node: ts.Node) => boolean): Array<string> =>
  facadeFiles().flatMap((file) => {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
    const hits: Array<string> = []
    const walk = (node: ts.Node): void => {
      if (found(node)) hits.push(`${file.slice(dist.length + 1)}: ${node.getText(source).slice(0, 80)}`)
      ts.forEachChild(node, walk)
    }
    walk(source)
    return hits
  })

describe("the facade's built modules, as a browser or React Native loads them", () => {
  it("are the facade, its error classes and the web crypto adapter", () => {
    const files = facadeFiles().map((file) => file.slice(dist.length + 1))
    expect(files).toEqual(expect.arrayContaining(["ApiGatewaySigner.js", "SigningError.js", "RequestError.js", "internal/crypto/web.js"]))
  })

  it("hold no class static block (Metro's Babel preset for React Native cannot parse one)", () => {
    expect(occurrences((node) => ts.isClassStaticBlockDeclaration(node))).toEqual([])
  })

  it("hold no regex lookbehind (Safari before 16.4 refuses the module)", () => {
    expect(occurrences((node) => ts.isRegularExpressionLiteral(node) && /\(\?<[=!]/.test(node.text))).toEqual([])
  })
})
