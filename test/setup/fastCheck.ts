/**
 * vitest setupFile: fast-check's global parameters (seed, runs), from the
 * environment, before any property test runs. See test/support/fastCheck.ts.
 */
import { configureFastCheck } from "../support/fastCheck.js"

configureFastCheck()
