/**
 * The page Chromium loads (bundled for the browser, served from loopback, on
 * another origin than the gateway): it exposes `runCases` for the driver to
 * call with the gateway's URL.
 */
import { runCases } from "../client.js"

Object.assign(globalThis, { runCases })
