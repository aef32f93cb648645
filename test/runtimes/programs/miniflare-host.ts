/**
 * Runs the Worker in workerd through miniflare, on the pinned Node 24
 * (miniflare needs Node 22 or later; the driver may be on 20):
 * `node miniflare-host.mjs MINIFLARE_ENTRY WORKER_BUNDLE COMPATIBILITY_DATE GATEWAY_URL`.
 * No nodejs_compat flag: the Worker gets what a plain Worker gets. Prints the
 * Worker's answer (the outcomes as JSON) on one line.
 */
import { pathToFileURL } from "node:url"

/** The little of miniflare's API used here. */
interface MiniflareModule {
  readonly Miniflare: new(options: {
    readonly modules: boolean
    readonly scriptPath: string
    readonly compatibilityDate: string
    readonly compatibilityFlags: ReadonlyArray<string>
  }) => {
    readonly dispatchFetch: (url: string) => Promise<{ readonly status: number; readonly text: () => Promise<string> }>
    readonly dispose: () => Promise<void>
  }
}

const [miniflareEntry, workerBundle, compatibilityDate, gatewayUrl] = process.argv.slice(2)
if (miniflareEntry === undefined || workerBundle === undefined || compatibilityDate === undefined || gatewayUrl === undefined) {
  throw new Error("usage: miniflare-host.mjs MINIFLARE_ENTRY WORKER_BUNDLE COMPATIBILITY_DATE GATEWAY_URL")
}
const { Miniflare } = await import(pathToFileURL(miniflareEntry).href) as MiniflareModule
const miniflare = new Miniflare({ modules: true, scriptPath: workerBundle, compatibilityDate, compatibilityFlags: [] })
try {
  const response = await miniflare.dispatchFetch(`http://worker.local/?gateway=${encodeURIComponent(gatewayUrl)}`)
  const text = await response.text()
  if (response.status !== 200) throw new Error(`the Worker answered ${response.status}: ${text.slice(0, 2000)}`)
  console.log(text)
} finally {
  await miniflare.dispose()
}
