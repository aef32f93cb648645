/**
 * The Promise facade for `require()` in Node, Bun and Deno: its ES modules
 * themselves (require(esm), Node 20.19+), or else its CommonJS copy,
 * `dist/ApiGatewaySigner.cjs` (scripts/bundleFacade.ts), where the module
 * loader cannot load an ES module from `require()`:
 * - AWS Lambda's Node.js runtimes, which start Node with
 *   --no-experimental-require-module (a CommonJS handler, such as TypeScript
 *   compiled with `module: commonjs` and deployed unbundled);
 * - Jest's own loader, before Node 24.9 or without --experimental-vm-modules;
 * - Node run with --no-experimental-require-module anywhere else.
 *
 * The root (`../index.cjs`) and the facade's four subpaths (`ApiGatewaySigner`,
 * `HttpMethods`, `SigningError`, `RequestError`, beside this file) all load
 * through here, so that they give one set of classes either way: the ES
 * modules' where require(esm) works, else the one copy's.
 */
"use strict"

/**
 * Whether `error` is a module loader refusing to load an ES module from `require()`: Node's and Jest 30's both have
 * the code ERR_REQUIRE_ESM; Jest 29 compiles the module as CommonJS, and fails on its first `import` or `export`.
 * Read as properties, because Jest's error comes from outside the test's realm (`instanceof Error` is false there).
 */
const cannotRequireEsm = (error) =>
  typeof error === "object" && error !== null && (
    error.code === "ERR_REQUIRE_ESM" ||
    (error.name === "SyntaxError" && typeof error.message === "string" &&
      /Cannot use import statement outside a module|Unexpected token '?export'?/.test(error.message))
  )

/**
 * `require` through the module object, for the facade's CommonJS copy: bundlers follow `require("...")` calls, and
 * those of an alias of `require` (ncc does), not a method of `module`. A bundler that takes a CommonJS entry (`bun
 * build`, ncc) would otherwise put the whole facade in the bundle twice, and a bundle, which loads the ES modules
 * itself, never needs the copy. (Bun inlines a constant argument, so the call is what hides it.) File tracers, which
 * copy the files an unbundled function needs into its zip (@vercel/nft: Vercel, Netlify, Next.js standalone), must
 * still find the copy: they evaluate `__dirname + "..."` in a call's argument, so the path is written that way.
 */
const requireUnbundled = (id) => module.require(id)

/**
 * What `requireEsModule()` gives (a literal `require()` of one of the facade's ES modules, so that a bundler sees
 * which file it is), or else what `fromCopy` takes from the CommonJS copy. Node's require(esm) stays the first
 * choice, so that wherever it works a class is one class for `require()` and `import`.
 */
const esModuleOrCopy = (requireEsModule, fromCopy) => {
  try {
    return requireEsModule()
  } catch (error) {
    if (!cannotRequireEsm(error)) throw error
    return fromCopy(requireUnbundled(__dirname + "/../ApiGatewaySigner.cjs"))
  }
}

module.exports = { cannotRequireEsm, esModuleOrCopy }
