// What require() and import() say to each specifier given as arguments: the
// error's code and message, or "loaded". One JSON line per specifier.
const attempt = async (load) => {
  try {
    await load()
    return { code: "loaded" }
  } catch (error) {
    return { code: error.code, message: error.message }
  }
}
;(async () => {
  for (const specifier of process.argv.slice(2)) {
    console.log(JSON.stringify({
      specifier,
      require: await attempt(() => require(specifier)),
      import: await attempt(() => import(specifier, specifier.endsWith(".json") ? { with: { type: "json" } } : undefined))
    }))
  }
})()
