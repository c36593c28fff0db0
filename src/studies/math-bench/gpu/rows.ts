/**
 * From the GPU math-bench's timings to the rows of the math-bench CSV (the CPU's schema, with a backend column),
 * the ISRU/tanh ratios taken round by round, and the sentence that answers "is ISRU cheaper than tanh on this
 * GPU?". Pure: the page measures, this turns the numbers into results, and the tests feed it known timings.
 *
 * The unit is the CPU math-bench's: ns_per_op is nanoseconds per evaluation with the loop alone (`baseline`)
 * subtracted, and Relative Time divides it by the baseline's own cost per loop iteration (which itself has the
 * empty kernel, the dispatch, subtracted). On a GPU a nanosecond per evaluation is throughput — all lanes at
 * work together — not the latency of one call.
 */
import { MATH_BENCH_COLUMNS, MathBenchRow } from '../core';
import { toCsv } from '../../../io/csv-text';
import { quantile } from '../../../stats/stats';
import { EVALUATIONS_PER_ITERATION, GPU_FUNCTIONS, GpuPrecision } from './functions';

export const GPU_MATH_COLUMNS = [...MATH_BENCH_COLUMNS, 'backend'] as const;

/** A row of a GPU math-bench CSV: the math-bench's row with kind 'gpu', a GPU precision, and the backend. */
export interface GpuMathRow extends Omit<MathBenchRow, 'kind' | 'precision' | 'length'> {
  kind: 'gpu';
  precision: GpuPrecision;
  /** invocations per dispatch */
  length: number;
  /** e.g. "WebGPU nvidia ampere", "WebGPU software (SwiftShader)" */
  backend: string;
}

/** One precision's timings: milliseconds of one dispatch of each kernel, per round (rounds interleave every kernel). */
export interface GpuTimings {
  precision: GpuPrecision;
  invocations: number;
  /** loop iterations per invocation (each evaluates the function EVALUATIONS_PER_ITERATION times) */
  reps: number;
  samples: Record<string, readonly number[]>;
}

const median = (xs: readonly number[]): number => quantile(xs, 0.5);
const round6 = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

function stats(ns: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(ns), min: Math.min(...ns), max: Math.max(...ns) };
}

/** The rows of one precision's timings, in the order of GPU_FUNCTIONS. */
export function gpuMathRows(t: GpuTimings, backend: string): GpuMathRow[] {
  const need = (name: string): readonly number[] => {
    const s = t.samples[name];
    if (!s || s.length === 0) throw new RangeError(`GPU math-bench ${t.precision}: no timings of ${name}`);
    return s;
  };
  const ops = t.invocations * t.reps * EVALUATIONS_PER_ITERATION;
  const empty = median(need('empty'));
  const base = median(need('baseline'));
  // ms per dispatch → ns per evaluation
  const perOp = (ms: readonly number[], minus: number): number[] => ms.map((v) => ((v - minus) * 1e6) / ops);
  const unit = median(perOp(need('baseline'), empty));
  return GPU_FUNCTIONS.filter((f) => t.samples[f.name]).map((f) => {
    const ms = need(f.name);
    let net: number[], gross: number[], expression: string;
    if (f.name === 'empty') {
      // per invocation: what a dispatch costs spread over its invocations
      net = gross = ms.map((v) => (v * 1e6) / t.invocations);
      expression = `${f.note}; per invocation, ${t.invocations} invocations`;
    } else if (f.name === 'baseline') {
      net = gross = perOp(ms, empty);
      expression = `${f.note}; ${t.reps * EVALUATIONS_PER_ITERATION} per invocation (${EVALUATIONS_PER_ITERATION} chains), ${t.invocations} invocations, empty kernel subtracted`;
    } else {
      net = perOp(ms, base);
      gross = perOp(ms, empty);
      expression = `WGSL ${t.precision} ${f.wgsl}${f.positive ? ' (x from |x| + 0.001)' : ''}; ${t.reps * EVALUATIONS_PER_ITERATION} per invocation (${EVALUATIONS_PER_ITERATION} chains), ${t.invocations} invocations`;
    }
    const s = stats(net);
    return {
      Function: f.name,
      'Relative Time': round6(s.median / unit),
      ns_per_op: round6(s.median),
      ns_min: round6(s.min),
      ns_max: round6(s.max),
      rounds: ms.length,
      kind: 'gpu',
      precision: t.precision,
      length: t.invocations,
      ns_gross: round6(median(gross)),
      expression,
      backend,
    };
  });
}

/** The CSV text of GPU rows (GPU_MATH_COLUMNS). */
export function gpuMathCsv(rows: readonly GpuMathRow[]): string {
  return toCsv(GPU_MATH_COLUMNS, rows as unknown as Record<string, string | number>[]);
}

/** The two cost ratios the study asks about: the activation and its ISRU counterpart. */
export const GPU_RATIO_PAIRS = [
  { pair: 'isru/tanh', numerator: 'isru', denominator: 'tanh' },
  { pair: 'isru_sigmoid/sigmoid', numerator: 'isru_sigmoid', denominator: 'sigmoid' },
] as const;

export interface GpuPairedRatio {
  precision: GpuPrecision;
  pair: (typeof GPU_RATIO_PAIRS)[number]['pair'];
  /** median over rounds of (numerator − baseline median) / (denominator − baseline median) */
  median: number;
  q25: number;
  q75: number;
}

/**
 * The ratios taken round by round: both kernels of a pair ran moments apart in every round, so their ratio
 * cancels what changed between rounds (another process, a clock that moved).
 */
export function gpuPairedRatios(t: GpuTimings): GpuPairedRatio[] {
  const base = median(t.samples.baseline ?? [NaN]);
  return GPU_RATIO_PAIRS.flatMap(({ pair, numerator, denominator }) => {
    const a = t.samples[numerator], b = t.samples[denominator];
    if (!a || !b) return [];
    const n = Math.min(a.length, b.length);
    const ratios = Array.from({ length: n }, (_, r) => (a[r] - base) / (b[r] - base));
    return [{ precision: t.precision, pair, median: round6(median(ratios)), q25: round6(quantile(ratios, 0.25)), q75: round6(quantile(ratios, 0.75)) }];
  });
}

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

/**
 * "Is ISRU cheaper than tanh on this GPU?", answered from the per-round ratios: yes when even the upper
 * quartile of ISRU/tanh is below 1, no when even the lower quartile is above 1, otherwise no clear difference.
 * A software adapter's answer says that it is about the CPU it runs on, not about any GPU.
 */
export function isruVsTanhSentence(label: string, software: boolean, ratios: readonly GpuPairedRatio[]): string {
  const parts = ratios.filter((r) => r.pair === 'isru/tanh').map((r) => {
    const verdict = r.q75 < 1 ? 'cheaper' : r.q25 > 1 ? 'dearer' : 'unclear';
    return { verdict, text: `in ${r.precision}, ISRU (x·inverseSqrt(1 + x²)) takes ${pct(r.median)} of tanh's time (per-round median; quartiles ${pct(r.q25)}–${pct(r.q75)})` };
  });
  if (parts.length === 0) return `Is ISRU cheaper than tanh on ${label}? Not measured: there are no tanh and ISRU timings.`;
  const verdicts = new Set(parts.map((p) => p.verdict));
  const answer = verdicts.size > 1 ? 'It depends on the precision' : parts[0].verdict === 'cheaper' ? 'Yes' : parts[0].verdict === 'dearer' ? 'No, tanh is cheaper' : 'Not clearly: the two cost about the same';
  const where = software ? `with ${label}, a renderer on the CPU standing in for a GPU` : `on this GPU (${label})`;
  const caveat = software ? ' This measures the CPU that runs the software renderer; it says nothing about a real GPU.' : '';
  return `Is ISRU cheaper than tanh ${where}? ${answer}: ${parts.map((p) => p.text).join('; ')}.${caveat}`;
}

/** How the GPU math-bench is set up per profile: rounds, and the duration each dispatch is calibrated to reach. */
export interface GpuBenchProfile {
  name: 'quick' | 'careful';
  rounds: number;
  /** the loop's iterations are doubled until one dispatch of the baseline kernel takes this long */
  targetMs: number;
  invocations: number;
}

export const GPU_PROFILES: Record<'quick' | 'careful', GpuBenchProfile> = {
  quick: { name: 'quick', rounds: 11, targetMs: 2, invocations: 65536 },
  careful: { name: 'careful', rounds: 51, targetMs: 8, invocations: 65536 },
};

export const GPU_UNIT = 'Relative Time = ns_per_op / (ns of one iteration of the baseline loop, empty kernel subtracted); ns_per_op is the median over rounds of (dispatch time − baseline median) per evaluation: throughput over all invocations, not one call\'s latency; the empty row is per invocation';
