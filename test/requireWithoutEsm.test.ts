/**
 * `require()` of the root where the module loader cannot load an ES module:
 * Jest's own loader (before Node 24.9, and without --experimental-vm-modules
 * after), which CommonJS apps, 2.x's users, commonly test with. Node run with
 * --no-experimental-require-module refuses require(esm) with the same error
 * code as Jest (ERR_REQUIRE_ESM), so it stands in for Jest here; the real
 * Jest runs in `npm run test:runtimes`. There the root falls back to the
 * facade's CommonJS copy, which must sign exactly as the ES facade does and
 * throw the root's own error classes; the Effect API, ES modules only, must
 * say so. Where require(esm) works, the copy must not load at all.
 */
import { spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"

const root = resolve(import.meta.dirname, "..")
const built = existsSync(resolve(root, "dist/index.cjs"))

/**
 * Signs a fixed set of requests at a fixed time with `root` (the package root, or the ES facade's module) and
 * returns what came out; the same text for CommonJS and ES modules. The secret is long enough not to recur in any
 * message (messages redact it).
 */
const SIGN = `
  Date.now = () => Date.UTC(2026, 0, 2, 3, 4, 5)
  const signer = new root.default({
    endpoint: "https://abc123.execute-api.eu-central-1.amazonaws.com/prod",
    region: "eu-central-1",
    accessKey: "AKIDEXAMPLE",
    secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "session/token+="
  })
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
  const signed = [
    signer.signRequest({ method: "GET", path: "/a b/c%2Fd/café", queryParams: { tag: ["b", "a"], q: "a+b c" }, headers: { "x-trace": "1" } }),
    signer.signRequest({ method: "POST", path: "/pets", body: { name: "Rex", note: "café 🙂" } }),
    signer.signRequest({ method: "PUT", path: "/blobs/0", headers: { "content-type": "application/octet-stream" }, body: bytes }),
    signer.presignRequest({ method: "GET", path: "/reports/2024 Q1.pdf" }, { expiresIn: 300 })
  ].map(({ url, method, headers }) => ({ url, method, headers }))
`

/** Runs a CommonJS script in a child Node from the repository (the package requires itself by name). */
const node = (flags: ReadonlyArray<string>, script: string) => {
  const child = spawnSync(process.execPath, [...flags, "--input-type=commonjs", "-e", script], { cwd: root, encoding: "utf8" })
  if (child.status !== 0) throw new Error(`node ${flags.join(" ")} exited with ${child.status}:\n${child.stderr}`)
  return JSON.parse(child.stdout)
}

/** What the ES modules give: the names of the ES root, and the ES facade's signatures. */
const fromEsModules = () =>
  node([], `
    Promise.all([import("api-gateway-request-signer"), import("api-gateway-request-signer/ApiGatewaySigner")]).then(([esRoot, root]) => {
      ${SIGN}
      console.log(JSON.stringify({ names: Object.keys(esRoot).sort(), signed }))
    })`)

const WITHOUT_REQUIRE_ESM = ["--no-experimental-require-module"]

/** The subpaths of the Promise facade, which CommonJS code (a Lambda handler, a Jest suite) may require. */
const FACADE_SUBPATHS = ["ApiGatewaySigner", "HttpMethods", "SigningError", "RequestError"] as const

/** A CommonJS app that signs with axios: a 404 from a server of its own, and a URL the signer refuses; which classes its errors are. */
const AXIOS_ERRORS = `
  const http = require("node:http")
  const axios = require("axios")
  const root = require("api-gateway-request-signer")
  const { withSigner } = require("api-gateway-request-signer/axios")
  const server = http.createServer((req, res) => (req.resume(), res.writeHead(404, { "content-type": "application/json" }), res.end("{}")))
  server.listen(0, "127.0.0.1", async () => {
    const endpoint = "http://127.0.0.1:" + server.address().port + "/prod"
    const signer = new root.ApiGatewaySigner({ endpoint, region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })
    const client = withSigner(axios.create({ baseURL: endpoint }), signer)
    const failure = (request) => request.then(() => undefined, (error) => error)
    const notFound = await failure(client.get("/pets"))
    const refused = await failure(client.get("https://elsewhere.example/x"))
    server.close()
    console.log(JSON.stringify({
      notFound: [notFound instanceof axios.AxiosError, notFound && notFound.response && notFound.response.status],
      refused: [refused instanceof root.SigningError, refused instanceof require("api-gateway-request-signer/SigningError").SigningError]
    }))
  })`

describe.skipIf(!built)("require() of the axios adapter, in a CommonJS app", () => {
  it.each([
    ["where require(esm) works", []],
    ["where it is off (AWS Lambda's Node runtimes)", WITHOUT_REQUIRE_ESM]
  ] as const)("%s: its errors are the app's AxiosError and the root's SigningError", (_, flags) => {
    expect(node(flags, AXIOS_ERRORS)).toEqual({ notFound: [true, 404], refused: [true, true] })
  })
})

describe.skipIf(!built)("require() where the loader cannot load ES modules (AWS Lambda's Node runtimes, Jest)", () => {
  it("signs exactly as the ES facade does, with the ES root's names", () => {
    const expected = fromEsModules()
    const actual = node(WITHOUT_REQUIRE_ESM, `
      const root = require("api-gateway-request-signer")
      ${SIGN}
      console.log(JSON.stringify({
        names: Object.keys(root).filter((name) => name !== "__esModule").sort(),
        signed,
        interop: root.__esModule === true && root.default === root.ApiGatewaySigner,
        get: root.HttpMethods.GET,
        isHttpMethod: [root.isHttpMethod("PATCH"), root.isHttpMethod("BREW")]
      }))`)
    expect(actual.signed).toEqual(expected.signed)
    expect(actual.signed[0].headers.Authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/eu-central-1\/execute-api\/aws4_request/)
    expect(actual.names).toEqual(expected.names)
    expect(actual).toMatchObject({ interop: true, get: "GET", isHttpMethod: [true, false] })
  })

  // What a loader without the exports map reads (Jest 24 to 27, a require of the package's directory by its path, as from a Lambda layer).
  it("loads the facade through package.json's main, for loaders that know no exports map", () => {
    const expected = fromEsModules()
    const actual = node(WITHOUT_REQUIRE_ESM, `
      const root = require(${JSON.stringify(root)})
      ${SIGN}
      console.log(JSON.stringify({ signed }))`)
    expect(actual.signed).toEqual(expected.signed)
  })

  // A 2.x CommonJS Lambda that signs with axios (which ships CommonJS) requires the adapter too.
  it("requires the axios adapter, which signs what axios sends and throws the root's SigningError", () => {
    const result = node(WITHOUT_REQUIRE_ESM, `
      Date.now = () => Date.UTC(2026, 0, 2, 3, 4, 5)
      const axios = require("axios")
      const root = require("api-gateway-request-signer")
      const { signedAdapter } = require("api-gateway-request-signer/axios")
      const signer = new root.ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", region: "us-east-1", accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })
      const sent = []
      const headerOf = (headers, name) => typeof headers.get === "function" ? headers.get(name) : headers[name]
      const send = async (config) => (sent.push({ url: config.url, authorization: headerOf(config.headers, "authorization") }), { data: "ok", status: 200, statusText: "OK", headers: {}, config })
      const client = axios.create({ adapter: signedAdapter(signer, { adapter: send }) })
      client.get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets").then(async () => {
        let refused
        try { await client.get("https://elsewhere.example/x") } catch (error) { refused = error }
        console.log(JSON.stringify({
          sent,
          refused: [refused instanceof root.SigningError, refused && refused.reason, refused && refused.field],
          // What axios sends: its own Accept.
          expected: signer.signRequest({ method: "GET", path: "/pets", headers: { accept: "application/json, text/plain, */*" } }).headers.Authorization
        }))
      })`)
    expect(result.sent).toEqual([{ url: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", authorization: result.expected }])
    expect(result.refused).toEqual([true, "InvalidRequest", "path"])
  })

  it("throws errors that are instances of the root's SigningError and RequestError", () => {
    const result = node(WITHOUT_REQUIRE_ESM, `
      const root = require("api-gateway-request-signer")
      const signer = new root.ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" })
      let signing
      try { signer.signRequest({ method: "GET", path: "/x", headers: { "x-a": "1\\r\\n" } }) } catch (error) { signing = error }
      signer.makeRequestWithRetries({ method: "GET", path: "/x" }, () => Promise.reject(new Error("down")), 0).catch((request) => {
        console.log(JSON.stringify({
          signing: [signing instanceof root.SigningError, signing instanceof Error, signing.name, signing.reason, signing.field],
          request: [request instanceof root.RequestError, request instanceof Error, request.name, request.reason, request.cause.message]
        }))
      })`)
    expect(result).toEqual({
      signing: [true, true, "SigningError", "InvalidRequest", "headers"],
      request: [true, true, "RequestError", "RetriesExhausted", "down"]
    })
  })

  /** What using each name of the Effect API throws, in a process that `setup` prepares. */
  const effectApiSays = (setup: string) =>
    node(WITHOUT_REQUIRE_ESM, `
      ${setup}
      const root = require("api-gateway-request-signer")
      const used = { Credentials: "layer", Signer: "signRequest", Retry: "makeRequestWithRetries", SigV4: "signHeaders", Diagnosis: "diagnose" }
      console.log(JSON.stringify(Object.entries(used).map(([name, member]) => {
        try {
          return root[name][member] === undefined ? "undefined" : "loaded"
        } catch (error) {
          return error.message
        }
      })))`) as Array<string>
  const EFFECT_API = ["Credentials", "Signer", "Retry", "SigV4", "Diagnosis"] as const

  it("says the Effect API is ES modules only, and how to use it under Jest, when one of its names is read under Jest", () => {
    const said = effectApiSays(`process.env.JEST_WORKER_ID = "1"`)
    expect(said).toHaveLength(5)
    for (const [i, name] of EFFECT_API.entries()) {
      expect(said[i]).toContain(`The Effect API of api-gateway-request-signer (${name}) is ES modules only`)
      expect(said[i]).toContain("cannot load an ES module from require()")
      expect(said[i]).toContain("NODE_OPTIONS=--experimental-vm-modules")
    }
  })

  it("outside Jest, names the flag that turned require(esm) off, and import(), not Jest's options", () => {
    const said = effectApiSays(`delete process.env.JEST_WORKER_ID`)
    expect(said).toHaveLength(5)
    for (const [i, name] of EFFECT_API.entries()) {
      expect(said[i]).toContain(`The Effect API of api-gateway-request-signer (${name}) is ES modules only`)
      expect(said[i]).toContain("Node runs with --no-experimental-require-module, which turns require(esm) off")
      expect(said[i]).toContain(`run Node without that flag, or load it with import("api-gateway-request-signer")`)
      expect(said[i]).not.toContain("Jest")
    }
  })

  // Jest's automock and { ...jest.requireActual(...) } read every export; so does a module that re-exports the root.
  it("reads every export of the root without throwing: the Effect API's names are stand-ins that throw only when used", () => {
    const result = node(WITHOUT_REQUIRE_ESM, `
      process.env.JEST_WORKER_ID = "1"
      const root = require("api-gateway-request-signer")
      const spread = { ...root }
      const stand = spread.Signer
      let used
      try { stand.signRequest } catch (error) { used = error.message }
      console.log(JSON.stringify({
        names: Object.keys(spread).sort(),
        kinds: ${JSON.stringify(EFFECT_API)}.map((name) => typeof spread[name]),
        quiet: [require("node:util").inspect(stand), JSON.stringify(stand), String(stand.then), String(stand[Symbol.toPrimitive]), String(stand)],
        used,
        facade: new spread.default({ endpoint: "https://a.execute-api.us-east-1.amazonaws.com/p", accessKey: "AKID", secretKey: "s" }).signRequest({ method: "GET", path: "/x" }).url
      }))`)
    expect(result.names).toEqual(expect.arrayContaining(["ApiGatewaySigner", "default", ...EFFECT_API]))
    expect(result.kinds).toEqual(EFFECT_API.map(() => "object"))
    expect(result.quiet).toEqual(["{}", "{}", "undefined", "undefined", "[object Object]"])
    expect(result.used).toContain("The Effect API of api-gateway-request-signer (Signer) is ES modules only")
    expect(result.facade).toBe("https://a.execute-api.us-east-1.amazonaws.com/p/x")
  })

  // Jest's pretty-format and equality read $$typeof, asymmetricMatch, nodeType, constructor... of what they print or compare.
  it("a stand-in refuses exactly its module's exports: every other key answers as an empty object's", () => {
    const result = node(WITHOUT_REQUIRE_ESM, `
      delete process.env.JEST_WORKER_ID
      const root = require("api-gateway-request-signer")
      const probes = ["then", "toJSON", "toString", "valueOf", "constructor", "$$typeof", "asymmetricMatch", "nodeType", "@@__IMMUTABLE_ITERABLE__@@", "__esModule", "length"]
      Promise.all(${JSON.stringify(EFFECT_API)}.map(async (name) => {
        const real = Object.keys(await import("api-gateway-request-signer/" + name))
        const refused = [...real, ...probes].filter((key) => {
          try {
            root[name][key]
            return false
          } catch (error) {
            return error.message.includes("is ES modules only")
          }
        })
        return { name, real: real.sort(), refused: refused.sort() }
      })).then((results) => console.log(JSON.stringify(results)))`) as Array<{ name: string; real: Array<string>; refused: Array<string> }>
    expect(result.map(({ name }) => name)).toEqual([...EFFECT_API])
    for (const { real, refused } of result) {
      expect(real.length).toBeGreaterThan(0)
      expect(refused).toEqual(real)
    }
  })

  it("inside AWS Lambda, names Lambda's own remedies: NODE_OPTIONS, an ES module handler or a bundle", () => {
    for (const setup of [`process.env.AWS_LAMBDA_FUNCTION_NAME = "fn"`, `process.env.AWS_EXECUTION_ENV = "AWS_Lambda_nodejs22.x"`]) {
      const said = effectApiSays(`delete process.env.JEST_WORKER_ID; delete process.env.AWS_LAMBDA_FUNCTION_NAME; delete process.env.AWS_EXECUTION_ENV; ${setup}`)
      for (const [i, name] of EFFECT_API.entries()) {
        expect(said[i]).toContain(`The Effect API of api-gateway-request-signer (${name}) is ES modules only`)
        expect(said[i]).toContain("AWS Lambda's Node.js runtimes start Node with --no-experimental-require-module")
        expect(said[i]).toContain("NODE_OPTIONS=--experimental-require-module")
        expect(said[i]).toContain("ES module (index.mjs)")
        expect(said[i]).not.toContain("run Node without that flag")
      }
    }
  })

  it("signs through each facade subpath exactly as through the ES subpaths, with their names", () => {
    const names = (flags: ReadonlyArray<string>, load: string) =>
      node(flags, `
        Promise.resolve().then(async () => {
          const load = ${load}
          const result = {}
          for (const name of ${JSON.stringify(FACADE_SUBPATHS)}) {
            result[name] = Object.keys(await load("api-gateway-request-signer/" + name)).filter((key) => key !== "__esModule").sort()
          }
          const root = await load("api-gateway-request-signer/ApiGatewaySigner")
          ${SIGN}
          console.log(JSON.stringify({ names: result, signed, interop: root.default === root.ApiGatewaySigner }))
        })`)
    const expected = names([], "(id) => import(id)")
    const actual = names(WITHOUT_REQUIRE_ESM, "(id) => require(id)")
    expect(expected.names).toEqual({
      ApiGatewaySigner: ["ApiGatewaySigner", "HttpMethods", "default"],
      HttpMethods: ["HttpMethods", "isHttpMethod"],
      SigningError: ["SigningError"],
      RequestError: ["RequestError"]
    })
    expect(actual).toEqual(expected)
  })

  it("gives one set of classes through the root and every facade subpath, and errors of those classes", () => {
    const result = node(WITHOUT_REQUIRE_ESM, `
      const root = require("api-gateway-request-signer")
      const signerModule = require("api-gateway-request-signer/ApiGatewaySigner")
      const { SigningError } = require("api-gateway-request-signer/SigningError")
      const { RequestError } = require("api-gateway-request-signer/RequestError")
      const { HttpMethods, isHttpMethod } = require("api-gateway-request-signer/HttpMethods")
      let signing
      try { new signerModule.default({ endpoint: "not a URL", accessKey: "AKID", secretKey: "s" }) } catch (error) { signing = error }
      console.log(JSON.stringify([
        signerModule.default === root.ApiGatewaySigner, signerModule.ApiGatewaySigner === root.ApiGatewaySigner,
        signerModule.HttpMethods === root.HttpMethods, HttpMethods === root.HttpMethods, isHttpMethod === root.isHttpMethod,
        SigningError === root.SigningError, RequestError === root.RequestError,
        signing instanceof SigningError, signing.reason
      ]))`)
    expect(result).toEqual([true, true, true, true, true, true, true, true, "InvalidEndpoint"])
  })

  it("loads the CommonJS copy only there: where require(esm) works, the root's values are the ES modules'", () => {
    const loadsCopy = (flags: ReadonlyArray<string>) =>
      node(flags, `
        require("api-gateway-request-signer")
        console.log(JSON.stringify(Object.keys(require.cache).some((file) => file.endsWith("dist/ApiGatewaySigner.cjs"))))`)
    expect([loadsCopy([]), loadsCopy(WITHOUT_REQUIRE_ESM)]).toEqual([false, true])
  })

  it("loads the CommonJS copy through no facade subpath where require(esm) works: require() gives the ES modules' values", () => {
    const result = node([], `
      Promise.all(${JSON.stringify(FACADE_SUBPATHS)}.map((name) => import("api-gateway-request-signer/" + name))).then((modules) => {
        console.log(JSON.stringify({
          same: ${JSON.stringify(FACADE_SUBPATHS)}.map((name, i) => {
            const required = require("api-gateway-request-signer/" + name)
            return Object.keys(modules[i]).every((key) => required[key] === modules[i][key])
          }),
          copy: Object.keys(require.cache).some((file) => file.endsWith("dist/ApiGatewaySigner.cjs"))
        }))
      })`)
    expect(result).toEqual({ same: [true, true, true, true], copy: false })
  })
})

// Vercel, Netlify and Next.js standalone build an unbundled function's zip from the files @vercel/nft traces.
describe.skipIf(!built)("a file tracer given a CommonJS handler that requires the root or a facade subpath", () => {
  it.each([
    ["a facade subpath", `const ApiGatewaySigner = require("api-gateway-request-signer/ApiGatewaySigner").default`],
    ["the root", `const { ApiGatewaySigner } = require("api-gateway-request-signer")`]
  ])("keeps the facade's CommonJS copy in the traced files of a handler that requires %s: it signs there with Lambda's flags", async (_, load) => {
    const { nodeFileTrace } = await import("@vercel/nft")
    const project = mkdtempSync(join(tmpdir(), "traced-"))
    const task = mkdtempSync(join(tmpdir(), "traced-task-"))
    try {
      // What npm installs of the package: its package.json and dist/.
      const installed = join(project, "node_modules", "api-gateway-request-signer")
      cpSync(resolve(root, "package.json"), join(installed, "package.json"))
      cpSync(resolve(root, "dist"), join(installed, "dist"), { recursive: true })
      writeFileSync(join(project, "handler.js"), `${load}
        const signer = new ApiGatewaySigner({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod", accessKey: "AKIDEXAMPLE", secretKey: "secret" })
        console.log(signer.signRequest({ method: "GET", path: "/pets" }).headers.Authorization.split(" ")[0])`)
      const { fileList } = await nodeFileTrace([join(project, "handler.js")], { base: project })
      // The zip: the traced files only.
      for (const file of fileList) cpSync(join(project, file), join(task, file), { recursive: false })
      const child = spawnSync(process.execPath, ["--no-experimental-require-module", "--no-experimental-detect-module", "handler.js"], { cwd: task, encoding: "utf8" })
      expect([...fileList]).toContain("node_modules/api-gateway-request-signer/dist/ApiGatewaySigner.cjs")
      expect({ status: child.status, stdout: child.stdout.trim(), stderr: child.stderr }).toEqual({ status: 0, stdout: "AWS4-HMAC-SHA256", stderr: "" })
    } finally {
      rmSync(project, { recursive: true, force: true })
      rmSync(task, { recursive: true, force: true })
    }
  })
})

describe("a bundler given the CommonJS root or a facade subpath's CommonJS entry", () => {
  it.skipIf(!built).each(["index.cjs", ...FACADE_SUBPATHS.map((name) => `cjs/${name}.cjs`)])("leaves the facade's CommonJS copy out of the bundle of dist/%s (it loads the ES modules itself)", async (entry) => {
    const esbuild = await import("esbuild")
    const result = await esbuild.build({
      stdin: { contents: `module.exports = require(${JSON.stringify(resolve(root, "dist", entry))})`, resolveDir: root, loader: "js" },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      metafile: true,
      logLevel: "silent"
    })
    expect(Object.keys(result.metafile.inputs)).not.toContain("dist/ApiGatewaySigner.cjs")
  })
})
