/**
 * A small micro-benchmark harness for the JavaScript engine (V8). What it does, and why:
 *
 * - Each benchmark is a `run(ops)` function that performs `ops` operations and returns a number derived from
 *   every result. The harness feeds that number into a module-level sink, so the optimizer cannot prove the
 *   work dead and delete it.
 * - Calibration (repeated once the code is optimized) picks `ops` so one round takes about `roundMs` — long enough that the timer's resolution and
 *   the call into `run` do not matter, short enough that many rounds fit.
 * - Warm-up repeats rounds until the JIT has settled (the last three round times agree within `settleTolerance`),
 *   or the warm-up budget runs out; code that is still being optimized is not measured.
 * - Rounds are interleaved: round r runs every benchmark once (in an order rotated per round) before round r+1.
 *   Noise from other processes on a shared machine then falls on all benchmarks alike instead of on whichever
 *   happened to run during a burst, which matters most for ratios such as ISRU/tanh.
 * - Per benchmark the median time per operation is the estimate (robust to the odd descheduled round); min and
 *   max are reported beside it. A baseline (the same loop without the operation) is measured the same way and
 *   its median subtracted, so numbers are the cost of the operation, not of the loop around it.
 * - Wall time comes from ./clock.ts: `process.hrtime.bigint()` in Node, `performance.now()` in a browser.
 */
import { seededRandom } from '../../stats/random';
import { median } from '../../stats/stats';
import { startTimer } from './clock';

/** One thing to time. `run(ops)` does `ops` operations and returns a value computed from all of them. */
export interface Benchmark {
  /** unique key (e.g. `tanh|scalar|f64|1`) */
  id: string;
  run(ops: number): number;
  /** elements one operation processes (an array kernel call over n elements: n); times are per element */
  elementsPerOp?: number;
  /** id of the benchmark whose median per-op time is subtracted from this one's (none for baselines) */
  baseline?: string;
}

export interface HarnessOptions {
  /** target duration of one timed round, milliseconds */
  roundMs: number;
  /** number of timed rounds per benchmark */
  rounds: number;
  /** warm-up: at least this many rounds ... */
  minWarmupRounds: number;
  /** ... and at most this much time per benchmark, milliseconds */
  maxWarmupMs: number;
  /** warm-up ends when the last three rounds' times are within this relative spread */
  settleTolerance: number;
}

/**
 * Rounds are short (a quarter of a millisecond) and many. On a shared machine the scheduler takes the CPU away
 * every few milliseconds; a round that long nearly always contains such a pause, so every sample would carry
 * some waiting and the median with it. With rounds well below the time slice most rounds run undisturbed, the
 * median is the undisturbed cost and the pauses only show in the max. The timer costs ~20-50 ns per reading,
 * 0.02% of a round.
 */
export const QUICK_HARNESS: HarnessOptions = { roundMs: 0.25, rounds: 31, minWarmupRounds: 3, maxWarmupMs: 30, settleTolerance: 0.05 };
export const CAREFUL_HARNESS: HarnessOptions = { roundMs: 0.25, rounds: 1501, minWarmupRounds: 10, maxWarmupMs: 300, settleTolerance: 0.02 };

/** Median, min and max of a sample. */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new RangeError('summary of an empty sample');
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { median: median(xs), min, max };
}

/**
 * The cost of the operation alone: every statistic of `gross` minus the baseline's median. Only the
 * baseline's median is subtracted (not its min from the min), since the baseline is a constant we estimate,
 * not a paired sample. The result may be ≤ 0 for operations the CPU overlaps completely with the loop.
 */
export function subtractBaseline(gross: Summary, baselineMedian: number): Summary {
  return { median: gross.median - baselineMedian, min: gross.min - baselineMedian, max: gross.max - baselineMedian };
}

/** Relative spread (max − min)/min of the last `k` values, Infinity when there are fewer than k. */
export function lastSpread(xs: readonly number[], k = 3): number {
  if (xs.length < k) return Infinity;
  const tail = xs.slice(-k);
  const lo = Math.min(...tail);
  return lo > 0 ? (Math.max(...tail) - lo) / lo : Infinity;
}

// The sink: every run's return value lands here, so no benchmark's work is dead code.
let sink = 0;

/** Consumes a benchmark's result (keeps the optimizer from deleting the timed work). */
export function consume(value: number): void {
  sink += value;
}

/** The accumulated sink (written out with results, which also keeps it alive). */
export function sinkValue(): number {
  return sink;
}

/** Nanoseconds `run(ops)` takes, once. */
export function timeOnce(run: (ops: number) => number, ops: number): number {
  const elapsed = startTimer();
  const v = run(ops);
  const ns = elapsed();
  consume(v);
  return ns;
}

/** The smallest power-of-two `ops` whose round takes at least `roundMs` (at least 1). */
export function calibrate(run: (ops: number) => number, roundMs: number, maxOps = 2 ** 30): number {
  const target = roundMs * 1e6;
  let ops = 1; // one call of a 4096-element kernel is already ~40 µs
  for (;;) {
    // the fastest of three runs: one the scheduler interrupted would end calibration with far too few
    // operations, and then rounds shorter than a coarse timer's tick (a browser's) would time as 0; on a
    // busy machine two runs in a row can both be interrupted
    const ns = Math.min(timeOnce(run, ops), timeOnce(run, ops), timeOnce(run, ops));
    if (ns >= target || ops >= maxOps) return ops;
    // jump close to the target, then keep doubling
    const factor = ns > 0 ? Math.min(16, Math.max(2, target / ns)) : 16;
    ops = Math.min(maxOps, 2 ** Math.ceil(Math.log2(ops * factor)));
  }
}

/** Runs rounds until the JIT has settled (see HarnessOptions). Returns the number of warm-up rounds. */
export function warmUp(run: (ops: number) => number, ops: number, options: HarnessOptions): number {
  const times: number[] = [];
  const t0 = Date.now();
  while (times.length < options.minWarmupRounds || (lastSpread(times) > options.settleTolerance && Date.now() - t0 < options.maxWarmupMs)) {
    times.push(timeOnce(run, ops));
  }
  return times.length;
}

export interface Measurement {
  id: string;
  /** operations per round */
  ops: number;
  warmupRounds: number;
  /** nanoseconds per operation, one per timed round */
  samples: number[];
  /** of `samples` */
  gross: Summary;
  /** gross minus the baseline's median; equal to gross for a benchmark without baseline */
  net: Summary;
}

export interface HarnessHooks {
  /** called before a benchmark's calibration and warm-up */
  onWarmup?(id: string, index: number, count: number): void;
  /** called after each timed round (all benchmarks) */
  onRound?(round: number, rounds: number): void;
}

/** Turns per-round samples into measurements, subtracting each benchmark's baseline median. */
export function finishMeasurements(
  benchmarks: readonly Pick<Benchmark, 'id' | 'baseline'>[],
  samples: ReadonlyMap<string, number[]>,
  info: ReadonlyMap<string, { ops: number; warmupRounds: number }> = new Map(),
): Measurement[] {
  const gross = new Map<string, Summary>();
  for (const b of benchmarks) gross.set(b.id, summarize(samples.get(b.id) ?? []));
  return benchmarks.map((b) => {
    const g = gross.get(b.id)!;
    let net = g;
    if (b.baseline !== undefined) {
      const base = gross.get(b.baseline);
      if (!base) throw new RangeError(`benchmark ${b.id}: baseline ${b.baseline} is not among the benchmarks`);
      net = subtractBaseline(g, base.median);
    }
    const i = info.get(b.id) ?? { ops: 0, warmupRounds: 0 };
    return { id: b.id, ops: i.ops, warmupRounds: i.warmupRounds, samples: [...(samples.get(b.id) ?? [])], gross: g, net };
  });
}

/**
 * Calibrates and warms up every benchmark, then times `options.rounds` interleaved rounds and returns one
 * measurement per benchmark, in the given order.
 */
export function runBenchmarks(benchmarks: readonly Benchmark[], options: HarnessOptions, hooks: HarnessHooks = {}): Measurement[] {
  const ids = new Set<string>();
  for (const b of benchmarks) {
    if (ids.has(b.id)) throw new RangeError(`duplicate benchmark id ${b.id}`);
    ids.add(b.id);
  }
  const info = new Map<string, { ops: number; warmupRounds: number }>();
  benchmarks.forEach((b, k) => {
    hooks.onWarmup?.(b.id, k, benchmarks.length);
    // Calibrate twice: the first calibration partly runs unoptimized code and so picks too few operations
    // for the optimized loop; after the warm-up the loop runs at full speed and the second one is right.
    const first = calibrate(b.run, options.roundMs);
    let warmupRounds = warmUp(b.run, first, options);
    const ops = calibrate(b.run, options.roundMs);
    warmupRounds += warmUp(b.run, ops, { ...options, minWarmupRounds: 3 });
    info.set(b.id, { ops, warmupRounds });
  });
  // Two untimed interleaved passes: a benchmark warmed early can have been deoptimized by a later one's
  // warm-up (a shared library function that has since seen another array type); it re-optimizes here.
  for (let r = 0; r < 2; r++) for (const b of benchmarks) timeOnce(b.run, info.get(b.id)!.ops);
  const samples = new Map<string, number[]>(benchmarks.map((b) => [b.id, []]));
  const n = benchmarks.length;
  for (let r = 0; r < options.rounds; r++) {
    // rotate the order each round so no benchmark always runs right after the same neighbour
    const start = Math.floor((r * n) / options.rounds);
    for (let k = 0; k < n; k++) {
      const b = benchmarks[(start + k) % n];
      const ops = info.get(b.id)!.ops;
      samples.get(b.id)!.push(timeOnce(b.run, ops) / (ops * (b.elementsPerOp ?? 1)));
    }
    hooks.onRound?.(r + 1, options.rounds);
  }
  return finishMeasurements(benchmarks, samples, info);
}

// ---------------------------------------------------------------- inputs


/**
 * `n` LSTM-like pre-activations from a seeded generator: 95% normal with standard deviation 1.5 (so mostly
 * |x| < 4, where tanh and ISRU are not yet flat), 5% uniform in ±[4, 20] — the saturated tail a real network
 * also produces. Branchy functions (relu, elu, ...) therefore see both signs unpredictably, as in a network.
 */
export function lstmLikeInputs(n: number, seed = 1): Float64Array {
  const rand = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.95) {
      // Box–Muller; 1 − u keeps the logarithm finite
      const u = 1 - rand();
      const v = rand();
      out[i] = 1.5 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    } else {
      const mag = 4 + 16 * rand();
      out[i] = rand() < 0.5 ? -mag : mag;
    }
  }
  return out;
}
