/**
 * Printing for `npm run bench` (the Node side; the timing harness the programs
 * share is programs/harness.ts).
 */
import * as os from "node:os"

export { median } from "./programs/harness.js"

export const environmentLine = (): string => {
  const cpus = os.cpus()
  const load = os.loadavg().map((value) => value.toFixed(2)).join(" ")
  return `node ${process.version} | ${cpus[0]?.model.trim() ?? "unknown CPU"} | ${cpus.length} CPUs | ` +
    `${os.platform()} ${os.arch()} | load avg ${load}`
}

/** Pads a table: the first column left-aligned, the others right-aligned unless `left` says so. */
export const formatTable = (rows: ReadonlyArray<ReadonlyArray<string>>, left: ReadonlyArray<number> = [0]): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row.map((cell, column) => (left.includes(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ").trimEnd()
    )
    .join("\n")
}

export const formatInt = (value: number): string => Math.round(value).toLocaleString("en-US")

/** The `q`-quantile (0..1) of `values`, linearly interpolated. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below)
}
