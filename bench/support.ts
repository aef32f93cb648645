/**
 * A small interleaved micro-benchmark harness for `sign.bench.ts`.
 *
 * Why not tinybench: tinybench 6 times every single call (one timestamp pair and
 * one stored sample per iteration), runs each task to the end of its budget
 * before starting the next, and wraps async tasks in its own promise handling.
 * We want the opposite on all three counts: several short slices per task in
 * rotated order (so drift in CPU frequency, load from other processes, and GC
 * debt from the previous task hit every signer alike), timing overhead that is
 * negligible next to a ~5-30 µs signature, and a synchronous loop for
 * synchronous signers (an `await` per call would charge them a microtask they
 * never pay in real use). So each task runs in batches of `batch` calls, each
 * batch timed with `process.hrtime.bigint()` (batch size calibrated to ~1 ms
 * during warm-up), for `sliceMs` per round; every task gets a slice per round,
 * and the order rotates from round to round.
 *
 * Reported per task: the median over rounds of the round's mean ns/op (total
 * time / total calls in that slice), and the min and max round means as spread.
 * Ratios between tasks are best taken per round (both means measured within the
 * same second) and then the median over rounds: see `pairedRatio`.
 *
 * No GC is forced between slices: tried, and a forced full GC (gc() via
 * --expose-gc) throws away optimized code and feedback, so the next slice of
 * every task ran 2-4x slower. Each task's garbage may be collected in a later
 * slice; rotation spreads that cost over all tasks.
 *
 * Every result is folded into a sink that is printed, so no call is dead code.
 */
import * as os from "node:os"

export type Task =
  | { readonly name: string; readonly kind: "sync"; readonly fn: () => string }
  | { readonly name: string; readonly kind: "async"; readonly fn: () => Promise<string> }

export interface Options {
  readonly rounds: number
  readonly sliceMs: number
  readonly warmupMs: number
  /** Target duration of one timed batch. */
  readonly batchMs: number
}

export interface TaskStats {
  readonly name: string
  /** Median over rounds of the per-round mean, in ns per call. */
  readonly medianNs: number
  readonly minNs: number
  readonly maxNs: number
  readonly roundMeansNs: ReadonlyArray<number>
  readonly calls: number
}

/** Folded into by every call, printed at the end: keeps results observable. */
let sink = 0
export const sinkValue = (): number => sink

const now = (): bigint => process.hrtime.bigint()

/** Runs `calls` calls of the task; returns elapsed ns. */
const runBatch = async (task: Task, calls: number): Promise<number> => {
  let local = 0
  let start: bigint
  let end: bigint
  if (task.kind === "sync") {
    const fn = task.fn
    start = now()
    for (let i = 0; i < calls; i++) local += fn().length
    end = now()
  } else {
    const fn = task.fn
    start = now()
    for (let i = 0; i < calls; i++) local += (await fn()).length
    end = now()
  }
  sink = (sink + local) | 0
  return Number(end - start)
}

/** Runs batches until `ms` have passed; returns [total ns, total calls]. */
const runFor = async (task: Task, batch: number, ms: number): Promise<readonly [number, number]> => {
  const budget = ms * 1e6
  let ns = 0
  let calls = 0
  while (ns < budget) {
    ns += await runBatch(task, batch)
    calls += batch
  }
  return [ns, calls]
}

/** Warm-up doubles as calibration: grows the batch until one takes ~batchMs. */
const calibrate = async (task: Task, options: Options): Promise<number> => {
  let batch = 1
  const deadline = Date.now() + options.warmupMs
  for (;;) {
    const ns = await runBatch(task, batch)
    if (ns >= options.batchMs * 1e6 || Date.now() >= deadline) break
    batch *= 2
  }
  const perCall = (await runBatch(task, batch)) / batch
  const sized = Math.max(1, Math.round((options.batchMs * 1e6) / perCall))
  // Spend whatever warm-up time remains at the calibrated size (lets the JIT settle).
  while (Date.now() < deadline) await runBatch(task, sized)
  return sized
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
export { median }

export const runInterleaved = async (
  tasks: ReadonlyArray<Task>,
  options: Options
): Promise<ReadonlyArray<TaskStats>> => {
  // Warm up every task once before any timing, then once more in reverse order, so
  // no task is measured while another one's code is still being optimized.
  const batches = new Map<Task, number>()
  for (const task of tasks) batches.set(task, await calibrate(task, options))
  for (const task of [...tasks].reverse()) await runFor(task, batches.get(task)!, options.warmupMs / 4)

  const means = new Map<Task, Array<number>>(tasks.map((task) => [task, []]))
  const callCounts = new Map<Task, number>(tasks.map((task) => [task, 0]))
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length]!
      const [ns, calls] = await runFor(task, batches.get(task)!, options.sliceMs)
      means.get(task)!.push(ns / calls)
      callCounts.set(task, callCounts.get(task)! + calls)
    }
  }
  return tasks.map((task) => {
    const roundMeansNs = means.get(task)!
    return {
      name: task.name,
      medianNs: median(roundMeansNs),
      minNs: Math.min(...roundMeansNs),
      maxNs: Math.max(...roundMeansNs),
      roundMeansNs,
      calls: callCounts.get(task)!
    }
  })
}

/** Median over rounds of `base`'s round mean / `other`'s round mean: how many times faster `other` is. */
export const pairedRatio = (base: TaskStats, other: TaskStats): number =>
  median(base.roundMeansNs.map((baseNs, round) => baseNs / other.roundMeansNs[round]!))

export const environmentLine = (): string => {
  const cpus = os.cpus()
  const load = os.loadavg().map((value) => value.toFixed(2)).join(" ")
  return `node ${process.version} | ${cpus[0]?.model.trim() ?? "unknown CPU"} | ${cpus.length} CPUs | ` +
    `${os.platform()} ${os.arch()} | load avg ${load}`
}

/** Pads a table: the first column left-aligned, the others right-aligned. */
export const formatTable = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) => row.map((cell, column) => column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)).join("  "))
    .join("\n")
}

export const formatInt = (value: number): string => Math.round(value).toLocaleString("en-US")
