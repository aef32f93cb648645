/**
 * A small interleaved micro-benchmark harness, for Node and for the browser
 * page alike (no Node API: the clock is passed in).
 *
 * Why not tinybench: tinybench 6 times every single call (one timestamp pair and
 * one stored sample per iteration), runs each task to the end of its budget
 * before starting the next, and wraps async tasks in its own promise handling.
 * We want the opposite on all three counts: several short slices per task in
 * rotated order (so drift in CPU frequency, load from other processes, and GC
 * debt from the previous task hit every signer alike), timing overhead that is
 * negligible next to a ~5-100 µs signature, and a synchronous loop for
 * synchronous signers (an `await` per call would charge them a microtask they
 * never pay in real use). So each task runs in batches of `batch` calls, each
 * batch timed with the clock (batch size calibrated to ~`batchMs` during
 * warm-up), for `sliceMs` per round; every task gets a slice per round, and the
 * order rotates from round to round.
 *
 * The clock is passed in. In Node the budget runs on CPU time (process.cpuUsage:
 * what the process itself spent, so time the scheduler gives to other processes
 * on a shared machine is not counted) and reads wall time beside it; the page
 * has only performance.now().
 *
 * Reported per task: the median over rounds of the round's mean ns/op (total
 * time / total calls in that slice), and the min and max round means as spread.
 * Ratios between tasks are best taken per round (both means measured within the
 * same second) and then the median over rounds: see `pairedRatios`.
 *
 * No GC is forced between slices: tried, and a forced full GC (gc() via
 * --expose-gc) throws away optimized code and feedback, so the next slice of
 * every task ran 2-4x slower. Each task's garbage may be collected in a later
 * slice; rotation spreads that cost over all tasks.
 *
 * Every result is folded into a sink that is printed, so no call is dead code.
 */

export type Task =
  | { readonly name: string; readonly kind: "sync"; readonly fn: () => string }
  | { readonly name: string; readonly kind: "async"; readonly fn: () => Promise<string> }

export interface Options {
  readonly rounds: number
  readonly sliceMs: number
  readonly warmupMs: number
  /** Target duration of one timed batch: well above the clock's resolution. */
  readonly batchMs: number
  /** The clock slices and batches are timed by, in milliseconds: `performance.now`, or a CPU-time clock. */
  readonly now: () => number
  /** A second clock read around the same batches (e.g. wall time when `now` is CPU time), reported beside. */
  readonly alsoNow?: (() => number) | undefined
}

export interface TaskStats {
  readonly name: string
  /** Median over rounds of the per-round mean, in ns per call. */
  readonly medianNs: number
  readonly minNs: number
  readonly maxNs: number
  readonly roundMeansNs: ReadonlyArray<number>
  /** The per-round means by the second clock, when there is one. */
  readonly alsoRoundMeansNs: ReadonlyArray<number> | undefined
  readonly calls: number
}

/** Folded into by every call, printed at the end: keeps results observable. */
let sink = 0
export const sinkValue = (): number => sink

const noClock = () => 0

/** Runs `calls` calls of the task; returns elapsed ms by `now`, and by `alsoNow`. */
const runBatch = async (task: Task, calls: number, now: () => number, alsoNow: () => number): Promise<readonly [number, number]> => {
  let local = 0
  let start: number
  let alsoStart: number
  let end: number
  let alsoEnd: number
  if (task.kind === "sync") {
    const fn = task.fn
    alsoStart = alsoNow()
    start = now()
    for (let i = 0; i < calls; i++) local += fn().length
    end = now()
    alsoEnd = alsoNow()
  } else {
    const fn = task.fn
    alsoStart = alsoNow()
    start = now()
    for (let i = 0; i < calls; i++) local += (await fn()).length
    end = now()
    alsoEnd = alsoNow()
  }
  sink = (sink + local) | 0
  return [end - start, alsoEnd - alsoStart]
}

/** Runs batches until `ms` have passed by `now`; returns [total ms, total ms by `alsoNow`, total calls]. */
export const runFor = async (task: Task, batch: number, ms: number, options: Options): Promise<readonly [number, number, number]> => {
  const alsoNow = options.alsoNow ?? noClock
  let spent = 0
  let alsoSpent = 0
  let calls = 0
  while (spent < ms) {
    const [batchMs, alsoBatchMs] = await runBatch(task, batch, options.now, alsoNow)
    spent += batchMs
    alsoSpent += alsoBatchMs
    calls += batch
  }
  return [spent, alsoSpent, calls]
}

/** Warm-up doubles as calibration: grows the batch until one takes ~batchMs; returns the batch size. */
export const calibrate = async (task: Task, options: Options): Promise<number> => {
  const { now } = options
  let batch = 1
  const deadline = now() + options.warmupMs
  for (;;) {
    const [ms] = await runBatch(task, batch, now, noClock)
    if (ms >= options.batchMs || now() >= deadline) break
    batch *= 2
  }
  const perCall = (await runBatch(task, batch, now, noClock))[0] / batch
  const sized = Math.max(1, Math.round(options.batchMs / Math.max(perCall, 1e-6)))
  // Spend whatever warm-up time remains at the calibrated size (lets the JIT settle).
  while (now() < deadline) await runBatch(task, sized, now, noClock)
  return sized
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Warms up every task once before any timing, then once more in reverse order, so
 * no task is measured while another one's code is still being optimized; returns
 * each task's batch size.
 */
export const warmUp = async (tasks: ReadonlyArray<Task>, options: Options): Promise<Map<Task, number>> => {
  const batches = new Map<Task, number>()
  for (const task of tasks) batches.set(task, await calibrate(task, options))
  for (const task of [...tasks].reverse()) await runFor(task, batches.get(task)!, options.warmupMs / 4, options)
  return batches
}

/** A task's statistics from its per-round means. */
export const statsOf = (
  name: string,
  roundMeansNs: ReadonlyArray<number>,
  alsoRoundMeansNs: ReadonlyArray<number> | undefined,
  calls: number
): TaskStats => ({
  name,
  medianNs: median(roundMeansNs),
  minNs: Math.min(...roundMeansNs),
  maxNs: Math.max(...roundMeansNs),
  roundMeansNs,
  alsoRoundMeansNs,
  calls
})

export const runInterleaved = async (tasks: ReadonlyArray<Task>, options: Options): Promise<ReadonlyArray<TaskStats>> => {
  const batches = await warmUp(tasks, options)

  const means = new Map<Task, Array<number>>(tasks.map((task) => [task, []]))
  const alsoMeans = new Map<Task, Array<number>>(tasks.map((task) => [task, []]))
  const callCounts = new Map<Task, number>(tasks.map((task) => [task, 0]))
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length]!
      const [ms, alsoMs, calls] = await runFor(task, batches.get(task)!, options.sliceMs, options)
      means.get(task)!.push((ms * 1e6) / calls)
      alsoMeans.get(task)!.push((alsoMs * 1e6) / calls)
      callCounts.set(task, callCounts.get(task)! + calls)
    }
  }
  return tasks.map((task) =>
    statsOf(task.name, means.get(task)!, options.alsoNow === undefined ? undefined : alsoMeans.get(task)!, callCounts.get(task)!)
  )
}

/** Per round, `numerator`'s round mean / `denominator`'s round mean (by the second clock with `also`). */
export const pairedRatios = (numerator: TaskStats, denominator: TaskStats, also = false): ReadonlyArray<number> => {
  const means = (stats: TaskStats) => (also ? stats.alsoRoundMeansNs ?? [] : stats.roundMeansNs)
  const denominators = means(denominator)
  return means(numerator).map((ns, round) => ns / denominators[round]!)
}

/** A ratio as the median of per-round ratios, with their range over rounds. */
export interface Ratio {
  readonly median: number
  readonly min: number
  readonly max: number
}

export const ratioOf = (ratios: ReadonlyArray<number>): Ratio => ({
  median: median(ratios),
  min: Math.min(...ratios),
  max: Math.max(...ratios)
})

/** How many times faster `other` is than `base`: the median over rounds of base / other. */
export const speedup = (base: TaskStats, other: TaskStats, also = false): Ratio => ratioOf(pairedRatios(base, other, also))
