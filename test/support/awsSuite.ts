/**
 * Loads the official AWS SigV4 test suite, vendored in
 * test/fixtures/aws-sigv4-test-suite (Apache-2.0; see its NOTICE and
 * SOURCES.md). A missing suite fails the run; only SKIP_SIGV4_SUITE=1 skips
 * the conformance tests, on purpose.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

export const SUITE_ROOT = resolve(import.meta.dirname, "../fixtures/aws-sigv4-test-suite")
export const SUITE_DIR = join(SUITE_ROOT, "v4")

/** SKIP_SIGV4_SUITE=1: the one way to run without the conformance tests (e.g. while editing the fixtures). */
export const suiteOptedOut = process.env["SKIP_SIGV4_SUITE"] === "1"

export interface SuiteContext {
  readonly credentials: { readonly access_key_id: string; readonly secret_access_key: string; readonly token?: string }
  readonly region: string
  readonly service: string
  readonly timestamp: string
  readonly normalize?: boolean
  readonly double_uri_encode?: boolean
  readonly sign_body?: boolean
  readonly omit_session_token?: boolean
  readonly expiration_in_seconds?: number
}

export interface SuiteRequest {
  readonly method: string
  readonly target: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: string | undefined
}

export interface Expected {
  readonly canonicalRequest: string
  readonly stringToSign: string
  readonly signature: string
  /** The signed request, when the suite gives it. */
  readonly signedRequest: string | undefined
}

export interface SuiteCase {
  readonly name: string
  readonly context: SuiteContext
  readonly request: SuiteRequest
  readonly header: Expected
  readonly query: Expected | undefined
}

/**
 * Parses request.txt: a request line, header lines (a line starting with
 * whitespace continues the previous value, kept with its line break), a blank
 * line, the body.
 */
export const parseRequestFile = (text: string): SuiteRequest => {
  const [head = "", ...rest] = text.split(/\r?\n\r?\n/)
  const body = rest.length > 0 ? rest.join("\n\n") : undefined
  const [requestLine = "", ...headerLines] = head.split(/\r?\n/)
  const firstSpace = requestLine.indexOf(" ")
  const lastSpace = requestLine.lastIndexOf(" ")
  const method = requestLine.slice(0, firstSpace)
  const target = requestLine.slice(firstSpace + 1, lastSpace)
  const headers: Array<[string, string]> = []
  for (const line of headerLines) {
    if (line === "") continue
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += "\n" + line
      continue
    }
    const colon = line.indexOf(":")
    headers.push([line.slice(0, colon), line.slice(colon + 1)])
  }
  return { method, target, headers, body: body === undefined || body === "" ? undefined : body }
}

const read = (dir: string, file: string): string | undefined => {
  const path = join(dir, file)
  return existsSync(path) ? readFileSync(path, "utf8") : undefined
}

const expected = (dir: string, kind: "header" | "query"): Expected | undefined => {
  const canonicalRequest = read(dir, `${kind}-canonical-request.txt`)
  const stringToSign = read(dir, `${kind}-string-to-sign.txt`)
  const signature = read(dir, `${kind}-signature.txt`)
  if (canonicalRequest === undefined || stringToSign === undefined || signature === undefined) return undefined
  return { canonicalRequest, stringToSign, signature: signature.trim(), signedRequest: read(dir, `${kind}-signed-request.txt`) }
}

export const suiteAvailable = (): boolean => existsSync(SUITE_DIR)

export const loadSuite = (): ReadonlyArray<SuiteCase> => {
  if (!suiteAvailable()) return []
  return readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(SUITE_DIR, name)
      const header = expected(dir, "header")
      if (header === undefined) throw new Error(`suite case ${name} has no header-* files`)
      return {
        name,
        context: JSON.parse(readFileSync(join(dir, "context.json"), "utf8")) as SuiteContext,
        request: parseRequestFile(readFileSync(join(dir, "request.txt"), "utf8")),
        header,
        query: expected(dir, "query")
      }
    })
}
