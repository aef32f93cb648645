/**
 * The package root for `require()` in Node, Bun and Deno (the `node` and
 * `require` conditions of the exports map): the same names and the same
 * values as the ES module root, `dist/index.js`, but the Effect API is loaded
 * when it is first read, not with the facade.
 *
 * Why: the ES module root also exports the Effect API, so importing it loads
 * Effect's runtime (about 220 files), and an ES module cannot load a part of
 * what it exports later. A 2.x app in CommonJS requires the root, and on an
 * unbundled Lambda that tripled the cold start of requiring it and signing
 * once (about 350 ms, against 130 ms with aws4). Here the facade's files load at
 * once, and `Credentials`, `Signer`, `Retry`, `SigV4` and `Diagnosis` are
 * getters that require their module the first time they are read. Every value
 * comes from the ES modules themselves (require(esm), Node 20.19+), so a
 * class is the same class through `require()` and `import`.
 *
 * Where the module loader cannot load an ES module from `require()` (AWS
 * Lambda's Node runtimes, which turn require(esm) off; Jest's own loader before
 * Node 24.9, or without --experimental-vm-modules after; Node run with
 * --no-experimental-require-module), the facade comes from its CommonJS copy
 * instead, `dist/ApiGatewaySigner.cjs` (scripts/bundleFacade.ts, loaded by
 * ./cjs/facade.cjs): a 2.x app's CommonJS handler on Lambda, and its test
 * suite under Jest, still require the package. That copy
 * holds its own error classes and `HttpMethods`, which this root then exports,
 * so the facade's errors are instances of the root's classes there too; only
 * the Effect API stays ES modules, and its getters give stand-ins that say so
 * when used (reading them does not throw: Jest's automock reads every export). Node's require(esm)
 * stays the first choice, so that wherever it works a class is one class for
 * `require()` and `import`.
 *
 * Keep the names in step with src/index.ts: test/package.test.ts compares the
 * two roots.
 */
"use strict"

const { cannotRequireEsm, esModuleOrCopy } = require("./cjs/facade.cjs")

/** The facade's values: from the ES modules themselves (require(esm)), or else from the CommonJS copy. */
const facade = esModuleOrCopy(
  () => {
    const { ApiGatewaySigner } = require("./ApiGatewaySigner.js")
    const { HttpMethods, isHttpMethod } = require("./HttpMethods.js")
    const { SigningError } = require("./SigningError.js")
    const { RequestError } = require("./RequestError.js")
    return { ApiGatewaySigner, HttpMethods, isHttpMethod, SigningError, RequestError }
  },
  (copy) => copy
)

// esModuleInterop's `import ApiGatewaySigner from ...` compiled to CommonJS reads `.default` of an __esModule.
// Enumerable, as on the object Node's own require(esm) returned for this root before this file existed.
exports.__esModule = true
exports.default = facade.ApiGatewaySigner
exports.ApiGatewaySigner = facade.ApiGatewaySigner
exports.HttpMethods = facade.HttpMethods
exports.isHttpMethod = facade.isHttpMethod
exports.SigningError = facade.SigningError
exports.RequestError = facade.RequestError

/** Whether this module was loaded by Jest, which puts `jest` in scope of every module and sets JEST_WORKER_ID. */
const underJest = () => typeof jest !== "undefined" || (typeof process === "object" && process.env.JEST_WORKER_ID !== undefined)

/**
 * Whether this process is an AWS Lambda function: Lambda sets both on every managed runtime. Its Node.js runtimes
 * start Node with --no-experimental-require-module, which the function cannot remove; NODE_OPTIONS can undo it.
 */
const inLambda = () =>
  typeof process === "object" &&
  (process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined || String(process.env.AWS_EXECUTION_ENV ?? "").startsWith("AWS_Lambda_"))

/** Whether this process was started with require(esm) turned off, on the command line or in NODE_OPTIONS. */
const requireEsmTurnedOff = () =>
  typeof process === "object" &&
  [...(process.execArgv ?? []), ...String(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--no-experimental-require-module")

/**
 * Why the Effect API's module `name` cannot load here (`error` is what loading it threw), with what to do; or
 * `undefined` when the error is no known cause, and is thrown as it is. It is ES modules only: where the loader
 * cannot require one, the explanation says so and what to do, rather than the loader's advice to transform
 * node_modules. It needs Effect 3: with another installed (npm's latest is 4.x, which `--force`,
 * `--legacy-peer-deps`, pnpm and yarn install with a warning), or none (yarn 1 installs no peers), it fails to load
 * on a missing file of Effect's, which does not say what to do; then the explanation says it.
 */
const whyEffectApiCannotLoad = (name, error) => {
  if (cannotRequireEsm(error)) {
    const facadeWorks = "The Promise facade (ApiGatewaySigner, HttpMethods, SigningError, RequestError) works from require() here. "
    return new Error(
      `The Effect API of api-gateway-request-signer (${name}) is ES modules only, and this module loader cannot load an ES module from require(): ` +
        (underJest()
          ? "Jest's cannot, unless it runs on Node 24.9 or later with NODE_OPTIONS=--experimental-vm-modules. " + facadeWorks +
            "For the Effect API under Jest, set NODE_OPTIONS=--experimental-vm-modules and either run Node 24.9 or later, or import the package from an ES module test file (.mjs)"
          : inLambda()
          ? `AWS Lambda's Node.js runtimes start Node with --no-experimental-require-module, which turns require(esm) off. ${facadeWorks}` +
            "For the Effect API, set the function's environment variable NODE_OPTIONS=--experimental-require-module (Lambda then leaves " +
            "its flag out), or make the handler an ES module (index.mjs) that imports the package, or bundle the function (esbuild, as CDK and SAM do)"
          : requireEsmTurnedOff()
          ? `Node runs with --no-experimental-require-module, which turns require(esm) off. ${facadeWorks}` +
            "For the Effect API, run Node without that flag, or load it with import(\"api-gateway-request-signer\")"
          : `Node ${process.versions.node} cannot (require(esm) is on by default from Node 20.19 and 22.12; Node 22.0 to 22.11 need --experimental-require-module). ` +
            facadeWorks + "For the Effect API, upgrade Node (20.19+, 22.12+ or 24), or load it with import(\"api-gateway-request-signer\")"),
      { cause: error }
    )
  }
  let version
  try {
    version = require("effect/package.json").version
  } catch {
    // Not installed: said below.
  }
  if (typeof version === "string" && version.split(".")[0] === "3") return undefined
  const installed = version === undefined ? "effect is not installed" : `effect ${version} is installed`
  return new Error(
    `The Effect API of api-gateway-request-signer needs effect 3.x, and ${installed} (npm's latest effect is 4.x, which this version does not support): npm install effect@3`,
    { cause: error }
  )
}

/**
 * The names each module of the Effect API exports (test/requireWithoutEsm.test.ts checks them against the modules):
 * the members a stand-in refuses.
 */
const EXPORTS = {
  Credentials: ["Credentials", "envConfig", "fromEnv", "fromNodeProviderChain", "fromProvider", "layer", "layerConfig", "layerEffect",
    "layerFromEnv", "layerFromNodeProviderChain", "layerFromProvider", "layerRefreshing", "make", "validate"],
  Signer: ["Signer", "clockOffset", "layer", "layerConfig", "make", "presignRequest", "presignRequestWithDetails", "setClockOffset", "signRequest", "signRequestWithDetails"],
  Retry: ["DEFAULT_RETRIES", "backoff", "defaultSchedule", "isPermanentFailure", "isTransient", "makeRequestWithRetries", "retryAfterMillis"],
  SigV4: ["presign", "signHeaders", "signatureMismatchMessage", "verify"],
  Diagnosis: ["HINTS", "diagnose", "diffCanonicalRequests", "diffStringsToSign", "differingParts", "formatDiff", "parseCanonicalRequest",
    "parseSignatureMismatch", "redactSessionToken"]
}

/**
 * What the name `name` of the Effect API gives where its module cannot load: a stand-in that throws `explanation`
 * when one of the module's exports is read from it. Reading the name itself does not throw, so that what reads every
 * export of the root (Jest's automock, `{ ...jest.requireActual("api-gateway-request-signer") }`, `{ ...require(...) }`
 * in a module that re-exports it) still works in an app that uses the Promise facade only. Any other key answers as an
 * empty object's, so that printing, comparing (Jest's pretty-format and equality probe `$$typeof`, `asymmetricMatch`,
 * `constructor`...), awaiting or serializing it does not throw either.
 */
const unavailable = (name, explanation) =>
  new Proxy(Object.freeze({}), {
    get: (target, key) => {
      if (typeof key === "string" && EXPORTS[name].includes(key)) throw explanation
      return Reflect.get(target, key)
    }
  })

/** `load()`: a module of the Effect API, named `name`; where it cannot load for a known cause, a stand-in saying why. */
const effectApi = (name, load) => {
  try {
    return load()
  } catch (error) {
    const explanation = whyEffectApiCannotLoad(name, error)
    if (explanation === undefined) throw error
    return unavailable(name, explanation)
  }
}

// One literal require() each, so that a bundler sees which files these are.
Object.defineProperties(exports, {
  Credentials: { enumerable: true, get: () => effectApi("Credentials", () => require("./Credentials.js")) },
  Signer: { enumerable: true, get: () => effectApi("Signer", () => require("./Signer.js")) },
  Retry: { enumerable: true, get: () => effectApi("Retry", () => require("./Retry.js")) },
  SigV4: { enumerable: true, get: () => effectApi("SigV4", () => require("./SigV4.js")) },
  Diagnosis: { enumerable: true, get: () => effectApi("Diagnosis", () => require("./Diagnosis.js")) }
})
