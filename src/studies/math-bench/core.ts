/**
 * The math micro-benchmark, every part that runs in any JavaScript engine: the benchmark set, the rows of
 * the CSV, the ISRU/tanh ratios and the description written beside the CSV. No Node-only import, so the
 * same code runs from the command line (./suite.ts adds the files and this machine's identity) and in a
 * browser's Web Worker (web/).
 *
 * The math micro-benchmark: what each math function and activation really costs in this JavaScript engine,
 * as a scalar call and as an array kernel over Float64Array / Float32Array of LSTM-like lengths.
 *
 * The original study timed 100M C++ calls per function and wrote `Function,Relative Time`. We keep those
 * two columns first and define the unit: **Relative Time = nanoseconds per operation (baseline subtracted)
 * divided by the nanoseconds of one iteration of the scalar baseline loop** — "how many empty loop
 * iterations does this function cost". The baseline rows themselves carry their gross time in that unit
 * (the scalar baseline is 1 by definition).
 *
 * Every loop is generated with `new Function`, so each benchmark has its own code and its own type feedback:
 * a shared loop calling `f(x)` for many different `f` would become megamorphic and measure the dispatch,
 * not the function. Library calls (`activations.tanh.f`, `activations.tanh.apply`) are timed as the rest of
 * the code calls them; the `*_inline` rows time the bare expressions (`Math.tanh(x)`, `x / Math.sqrt(1 + x*x)`)
 * to show what the call and the library's guards add.
 */
import { activations, fastTanh } from '../../activations';
import type { ActivationFunction, FloatArray } from '../../activations';
import { toCsv } from '../../io/csv-text';
import {
  Benchmark, CAREFUL_HARNESS, HarnessHooks, HarnessOptions, lstmLikeInputs, Measurement, QUICK_HARNESS, runBenchmarks, sinkValue,
} from './harness';
import { quantile } from '../../stats/stats';
import { startTimer } from './clock';

/** The CSV columns, in order; the first two are the original study's. */
export const MATH_BENCH_COLUMNS = [
  'Function', 'Relative Time', 'ns_per_op', 'ns_min', 'ns_max', 'rounds', 'kind', 'precision', 'length', 'ns_gross', 'expression',
] as const;

export type MathBenchKind = 'scalar' | 'array';
export type Precision = 'f64' | 'f32';

export interface MathBenchRow {
  Function: string;
  'Relative Time': number;
  /** median nanoseconds per operation (per element for arrays), baseline subtracted (gross for baselines) */
  ns_per_op: number;
  ns_min: number;
  ns_max: number;
  rounds: number;
  kind: MathBenchKind;
  precision: Precision;
  /** 1 for scalar calls, elements per kernel call for arrays */
  length: number;
  /** median nanoseconds per operation including the loop */
  ns_gross: number;
  /** what exactly was timed */
  expression: string;
}

/** Scalar operations: name → loop-body expression in `x` (LSTM-like input), `p` (positive input) and `c`. */
const SCALAR_OPS: readonly { name: string; expr: string }[] = [
  { name: 'plus', expr: 'x + c' },
  { name: 'minus', expr: 'x - c' },
  { name: 'mult', expr: 'x * c' },
  { name: 'div', expr: 'x / c' },
  { name: 'sqrt', expr: 'Math.sqrt(p)' },
  { name: 'log', expr: 'Math.log(p)' },
  { name: 'exp', expr: 'Math.exp(x)' },
];

/**
 * The activations, by the original study's snake_case names, with the library function behind each (`key`
 * names it in the row's expression: `activations.<key>`, or `call` when it lives elsewhere). `fast_tanh`
 * is a cheap alternative to tanh (src/activations/fast-tanh.ts), timed beside ISRU.
 */
export const BENCH_ACTIVATIONS: readonly { name: string; fn: ActivationFunction; key: string; call?: string }[] = [
  { name: 'relu', fn: activations.relu, key: 'relu' },
  { name: 'leaky_relu', fn: activations.leakyRelu, key: 'leakyRelu' },
  { name: 'elu', fn: activations.elu, key: 'elu' },
  { name: 'sigmoid', fn: activations.sigmoid, key: 'sigmoid' },
  { name: 'softsign', fn: activations.softsign, key: 'softsign' },
  { name: 'softplus', fn: activations.softplus, key: 'softplus' },
  { name: 'tanh', fn: activations.tanh, key: 'tanh' },
  { name: 'isru', fn: activations.isru, key: 'isru' },
  { name: 'isru_sigmoid', fn: activations.isruSigmoid, key: 'isruSigmoid' },
  { name: 'isrlu', fn: activations.isrlu, key: 'isrlu' },
  { name: 'fast_tanh', fn: fastTanh, key: 'fastTanh', call: 'fastTanh' },
];

const callOf = (a: (typeof BENCH_ACTIVATIONS)[number]): string => a.call ?? `activations.${a.key}`;

/** Bare expressions, timed beside the library calls (what the call and the guards cost). */
export const INLINE_EXPRESSIONS: readonly { name: string; expr: string }[] = [
  { name: 'tanh_inline', expr: 'Math.tanh(x)' },
  { name: 'isru_inline', expr: 'x / Math.sqrt(1 + x * x)' },
  { name: 'sigmoid_inline', expr: '1 / (1 + Math.exp(-x))' },
  { name: 'sigmoid_tanh_inline', expr: '0.5 + 0.5 * Math.tanh(0.5 * x)' },
];

/**
 * The vectorized activations of the 'simd' cell kernels, timed beside the JavaScript ones as array rows
 * named `<activation>_simd`. They live in WebAssembly memory, so the caller provides them (the command
 * line does, from src/lstm/wasm/pointwise.ts; a browser page without them has no such rows).
 */
export interface VectorActivationKernels {
  /** what runs, e.g. 'WebAssembly SIMD f64x2' */
  label(precision: Precision): string;
  /** n-element input and output arrays in the kernels' memory, and one kernel call over them */
  make(precision: Precision, activation: VectorActivation, n: number): { x: FloatArray; out: FloatArray; run(): void };
}

export type VectorActivation = 'tanh' | 'sigmoid' | 'isru' | 'isru-sigmoid' | 'fast-tanh' | 'sigmoid-via-tanh';

/**
 * The vectorized activations by the math-bench's row names: the cell kernels' four, then the cheap
 * alternatives (the minimax rational tanh, and the sigmoid through the vector tanh, ½ + ½·tanh(x/2)).
 */
export const VECTOR_ACTIVATIONS: readonly { name: string; activation: VectorActivation }[] = [
  { name: 'tanh_simd', activation: 'tanh' },
  { name: 'sigmoid_simd', activation: 'sigmoid' },
  { name: 'isru_simd', activation: 'isru' },
  { name: 'isru_sigmoid_simd', activation: 'isru-sigmoid' },
  { name: 'fast_tanh_simd', activation: 'fast-tanh' },
  { name: 'sigmoid_tanh_simd', activation: 'sigmoid-via-tanh' },
];

export const ARRAY_LENGTHS = [128, 4096] as const;
export const PRECISIONS: readonly Precision[] = ['f64', 'f32'];

/** Number of distinct inputs the scalar loops cycle through (a power of two: the index is `i & mask`). */
const INPUTS = 4096;

export interface MathBenchProfile {
  name: 'quick' | 'careful';
  harness: HarnessOptions;
}

export const QUICK_MATH_BENCH: MathBenchProfile = { name: 'quick', harness: QUICK_HARNESS };
export const CAREFUL_MATH_BENCH: MathBenchProfile = { name: 'careful', harness: CAREFUL_HARNESS };

/** What a benchmark id means (ids are `name|kind|precision|length`). */
export interface Spec {
  name: string;
  kind: MathBenchKind;
  precision: Precision;
  length: number;
  expression: string;
}

const idOf = (s: Pick<Spec, 'name' | 'kind' | 'precision' | 'length'>): string => `${s.name}|${s.kind}|${s.precision}|${s.length}`;

// ---------------------------------------------------------------- loop generators

/**
 * Source text must differ per benchmark: V8 caches compiled code by source, so two `new Function` calls with
 * the same text share one SharedFunctionInfo — and their loops' call feedback. All `f(x)` loops then turned
 * polymorphic ("wrong call target" deopts) and timed a non-inlined call. A unique tag comment prevents that.
 */
let uniqueTag = 0;
const tag = (what: string): string => `/* math-bench ${what} #${++uniqueTag} */`;

/** A fresh scalar loop `acc += <expr>` over the inputs; `f` is bound for library calls. */
function scalarLoop(expr: string, x: Float64Array, p: Float64Array, c: number, f?: (x: number) => number): (ops: number) => number {
  const make = new Function(
    'X', 'P', 'mask', 'c', 'f',
    `"use strict"; ${tag(expr)}
     return function scalarLoop(ops) {
       let acc = 0;
       for (let i = 0; i < ops; i++) {
         const j = i & mask;
         const x = X[j];
         const p = P[j];
         acc += ${expr};
       }
       return acc;
     };`,
  );
  return make(x, p, INPUTS - 1, c, f);
}

/** A fresh loop of `ops` kernel calls; the result depends on every call's output. */
function kernelLoop(kernel: (out: FloatArray, x: FloatArray) => unknown, out: FloatArray, x: FloatArray): (ops: number) => number {
  const make = new Function(
    'kernel', 'out', 'x', 'mask',
    `"use strict"; ${tag('kernel loop')}
     return function kernelLoop(ops) {
       let acc = 0;
       for (let r = 0; r < ops; r++) {
         kernel(out, x);
         acc += out[r & mask];
       }
       return acc;
     };`,
  );
  return make(kernel, out, x, out.length - 1);
}

/** A fresh element loop `out[i] = <expr in v>` (one per array type, so it stays monomorphic). */
function inlineKernel(expr: string): (out: FloatArray, x: FloatArray) => void {
  return new Function(
    `"use strict"; ${tag(expr)}
     return function inlineKernel(out, x) {
       const n = x.length;
       for (let i = 0; i < n; i++) {
         const v = x[i];
         out[i] = ${expr.replace(/\bx\b/g, 'v')};
       }
     };`,
  )();
}

// ---------------------------------------------------------------- the benchmark set

/** Every benchmark of the math-bench with what it means. Inputs come from a seeded generator. */
export function mathBenchmarks(seed = 1, vector?: VectorActivationKernels): { benchmarks: Benchmark[]; specs: Map<string, Spec> } {
  const x = lstmLikeInputs(INPUTS, seed);
  const p = x.map((v) => Math.abs(v) + 1e-3);
  const c = 1.0001 + x[0] * 0; // a runtime value, not a literal the compiler could fold
  const benchmarks: Benchmark[] = [];
  const specs = new Map<string, Spec>();
  const add = (spec: Spec, b: Omit<Benchmark, 'id'>): void => {
    const id = idOf(spec);
    specs.set(id, spec);
    benchmarks.push({ id, ...b });
  };

  const scalarBase = idOf({ name: 'baseline', kind: 'scalar', precision: 'f64', length: 1 });
  add({ name: 'baseline', kind: 'scalar', precision: 'f64', length: 1, expression: 'acc += x (the loop alone)' }, { run: scalarLoop('x', x, p, c) });
  for (const op of SCALAR_OPS) {
    add({ name: op.name, kind: 'scalar', precision: 'f64', length: 1, expression: op.expr }, { run: scalarLoop(op.expr, x, p, c), baseline: scalarBase });
  }
  for (const a of BENCH_ACTIVATIONS) {
    add({ name: a.name, kind: 'scalar', precision: 'f64', length: 1, expression: `${callOf(a)}.f(x)` }, { run: scalarLoop('f(x)', x, p, c, a.fn.f), baseline: scalarBase });
  }
  for (const e of INLINE_EXPRESSIONS) {
    add({ name: e.name, kind: 'scalar', precision: 'f64', length: 1, expression: e.expr }, { run: scalarLoop(e.expr, x, p, c), baseline: scalarBase });
  }

  for (const precision of PRECISIONS) {
    for (const n of ARRAY_LENGTHS) {
      const input = precision === 'f64' ? x.slice(0, n) : Float32Array.from(x.subarray(0, n));
      const out = precision === 'f64' ? new Float64Array(n) : new Float32Array(n);
      const type = precision === 'f64' ? 'Float64Array' : 'Float32Array';
      const base = idOf({ name: 'baseline', kind: 'array', precision, length: n });
      add({ name: 'baseline', kind: 'array', precision, length: n, expression: `copy loop out[i] = x[i] over ${type}(${n})` }, { run: kernelLoop(inlineKernel('x'), out, input), elementsPerOp: n });
      for (const a of BENCH_ACTIVATIONS) {
        add({ name: a.name, kind: 'array', precision, length: n, expression: `${callOf(a)}.apply(out, x) over ${type}(${n})` }, { run: kernelLoop(a.fn.apply as (o: FloatArray, v: FloatArray) => unknown, out, input), elementsPerOp: n, baseline: base });
      }
      for (const e of INLINE_EXPRESSIONS) {
        add({ name: e.name, kind: 'array', precision, length: n, expression: `out[i] = ${e.expr} over ${type}(${n})` }, { run: kernelLoop(inlineKernel(e.expr), out, input), elementsPerOp: n, baseline: base });
      }
      for (const v of vector ? VECTOR_ACTIVATIONS : []) {
        const k = vector!.make(precision, v.activation, n);
        k.x.set(input);
        const expression = `${vector!.label(precision)} ${v.activation} over ${type}(${n}) in WebAssembly memory`;
        add({ name: v.name, kind: 'array', precision, length: n, expression }, { run: kernelLoop(() => k.run(), k.out, k.x), elementsPerOp: n, baseline: base });
      }
    }
  }
  return { benchmarks, specs };
}

/** The rows of the CSV from measurements (pure; the unit is the scalar baseline's gross median). */
export function mathBenchRows(measurements: readonly Measurement[], specs: ReadonlyMap<string, Spec>, rounds: number): MathBenchRow[] {
  const unitM = measurements.find((m) => specs.get(m.id)?.name === 'baseline' && specs.get(m.id)?.kind === 'scalar');
  if (!unitM) throw new RangeError('math-bench: the scalar baseline is missing, so there is no unit');
  const unit = unitM.gross.median;
  return measurements.map((m) => {
    const s = specs.get(m.id);
    if (!s) throw new RangeError(`math-bench: no spec for ${m.id}`);
    const stat = s.name === 'baseline' ? m.gross : m.net;
    return {
      Function: s.name,
      'Relative Time': round(stat.median / unit),
      ns_per_op: round(stat.median),
      ns_min: round(stat.min),
      ns_max: round(stat.max),
      rounds,
      kind: s.kind,
      precision: s.precision,
      length: s.length,
      ns_gross: round(m.gross.median),
      expression: s.expression,
    };
  });
}

/** How tanh and ISRU are called: the library functions, the bare expressions, or the vectorized kernels (`*_simd` rows). */
export type RatioImpl = 'library' | 'inline' | 'simd';
export const RATIO_IMPLS: readonly RatioImpl[] = ['library', 'inline', 'simd'];
const RATIO_SUFFIX: Record<RatioImpl, string> = { library: '', inline: '_inline', simd: '_simd' };

export interface PairedRatio {
  kind: string;
  impl: RatioImpl;
  /** median over rounds of (isru − baseline median) / (tanh − baseline median) */
  median: number;
  q25: number;
  q75: number;
}

/**
 * ISRU/tanh estimated round by round: in each interleaved round tanh and isru ran seconds apart under the same
 * load, so the ratio of the two samples of one round cancels most of a shared machine's slow drift. The
 * median of those paired ratios is a second, more load-robust estimate beside the ratio of the two medians.
 */
export function pairedIsruTanhRatios(measurements: readonly Measurement[], specs: ReadonlyMap<string, Spec>): PairedRatio[] {
  const by = new Map(measurements.map((m) => [m.id, m]));
  const out: PairedRatio[] = [];
  const kinds: { kind: MathBenchKind; precision: Precision; length: number }[] = [{ kind: 'scalar', precision: 'f64', length: 1 }];
  for (const precision of PRECISIONS) for (const length of ARRAY_LENGTHS) kinds.push({ kind: 'array', precision, length });
  for (const k of kinds) {
    const base = by.get(idOf({ name: 'baseline', ...k }));
    for (const impl of RATIO_IMPLS) {
      const suffix = RATIO_SUFFIX[impl];
      const t = by.get(idOf({ name: `tanh${suffix}`, ...k }));
      const i = by.get(idOf({ name: `isru${suffix}`, ...k }));
      if (!base || !t || !i || !specs.has(t.id)) continue;
      const b = base.gross.median;
      const n = Math.min(t.samples.length, i.samples.length);
      const ratios = Array.from({ length: n }, (_, r) => (i.samples[r] - b) / (t.samples[r] - b));
      out.push({ kind: kindLabel(k), impl, median: round(quantile(ratios, 0.5)), q25: round(quantile(ratios, 0.25)), q75: round(quantile(ratios, 0.75)) });
    }
  }
  return out;
}

/** Six significant digits: more than the measurement supports, fewer than float noise. */
function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** What one math-bench run measured, without any machine identity (the caller adds its own). */
export interface MathBenchMeasurement {
  rows: MathBenchRow[];
  /** ISRU/tanh per round (paired: both ran in the same interleaved round), median and quartiles */
  pairedRatios: PairedRatio[];
  profile: MathBenchProfile;
  seconds: number;
  sink: number;
}

/** Runs the whole math-bench (minutes for the careful profile; seconds for quick). */
export function measureMathBench(profile: MathBenchProfile, hooks: HarnessHooks = {}, vector?: VectorActivationKernels): MathBenchMeasurement {
  const elapsed = startTimer();
  const { benchmarks, specs } = mathBenchmarks(1, vector);
  const measurements = runBenchmarks(benchmarks, profile.harness, hooks);
  const rows = mathBenchRows(measurements, specs, profile.harness.rounds);
  const pairedRatios = pairedIsruTanhRatios(measurements, specs);
  return { rows, pairedRatios, profile, seconds: elapsed() / 1e9, sink: sinkValue() };
}

/** The CSV text of rows (the schema: MATH_BENCH_COLUMNS). */
export function mathBenchCsv(rows: readonly MathBenchRow[]): string {
  return toCsv(MATH_BENCH_COLUMNS, rows as unknown as Record<string, string | number>[]);
}

/**
 * The description written beside the CSV as `<machine>.json`: who measured (any object with a `slug`: this
 * machine from the command line, the browser and its device from the web page), how and under what load.
 */
export function mathBenchDescription(
  run: MathBenchMeasurement,
  machine: { slug: string },
  context: { date: Date; loadAverage?: { before: number; after: number }; execArgv?: readonly string[] },
): Record<string, unknown> {
  return {
    machine,
    date: context.date.toISOString(),
    profile: run.profile.name,
    harness: run.profile.harness,
    seconds: Number(run.seconds.toFixed(1)),
    ...(context.loadAverage ? { loadAverage1min: context.loadAverage } : {}),
    unit: 'Relative Time = ns_per_op / (gross ns of one scalar baseline loop iteration); ns_per_op is the median over rounds with the baseline median subtracted (per element for arrays, against the copy loop of the same type and length)',
    inputs: 'seeded (mulberry32, seed 1): 95% normal(0, 1.5), 5% uniform ±[4, 20]; sqrt/log get |x| + 1e-3',
    isruTanhPairedRatios: run.pairedRatios,
    sink: run.sink,
    ...(context.execArgv ? { execArgv: context.execArgv } : {}),
  };
}

// ---------------------------------------------------------------- reading (notebook 02, the web page)

/** A label for a row's kind: `scalar`, `Float64Array[128]`, ... */
export function kindLabel(row: Pick<MathBenchRow, 'kind' | 'precision' | 'length'>): string {
  if (row.kind === 'scalar') return 'scalar';
  return `${row.precision === 'f64' ? 'Float64Array' : 'Float32Array'}[${row.length}]`;
}

export interface IsruTanhRatio {
  kind: string;
  /** 'library' (activations.*.f / apply), 'inline' (the bare expressions) or 'simd' (the vectorized kernels) */
  impl: RatioImpl;
  tanh: number;
  isru: number;
  /** isru ns / tanh ns (< 1: ISRU is cheaper) */
  ratio: number;
}

/** ISRU/tanh cost ratio per kind (scalar, each array type and length), for the library and the inline forms. */
export function isruTanhRatios(rows: readonly MathBenchRow[]): IsruTanhRatio[] {
  const out: IsruTanhRatio[] = [];
  const kinds = [...new Set(rows.map(kindLabel))];
  for (const kind of kinds) {
    for (const impl of RATIO_IMPLS) {
      const suffix = RATIO_SUFFIX[impl];
      const t = rows.find((r) => kindLabel(r) === kind && r.Function === `tanh${suffix}`);
      const i = rows.find((r) => kindLabel(r) === kind && r.Function === `isru${suffix}`);
      if (t && i) out.push({ kind, impl, tanh: Number(t.ns_per_op), isru: Number(i.ns_per_op), ratio: Number(i.ns_per_op) / Number(t.ns_per_op) });
    }
  }
  return out;
}

/** The row of `name` in kind `kind` (`scalar`, `Float64Array[4096]`, ...), or undefined. */
export function findRow(rows: readonly MathBenchRow[], name: string, kind = 'scalar'): MathBenchRow | undefined {
  return rows.find((r) => r.Function === name && kindLabel(r) === kind);
}

/** One array kind's cost per element of the cell's activations, in JavaScript and vectorized (notebook 02). */
export interface VectorCostRow {
  kind: string;
  [column: string]: string | number;
}

/**
 * ns per element of tanh, ISRU, the sigmoid and the ISRU-sigmoid as JavaScript array kernels (`activations.*.apply`)
 * and as the vectorized kernels (`*_simd`), per array kind; kinds without vectorized rows are left out.
 */
export function vectorCostTable(rows: readonly MathBenchRow[]): VectorCostRow[] {
  const names: [string, string][] = [
    ['tanh', 'tanh JS'], ['tanh_simd', 'tanh SIMD'], ['isru', 'ISRU JS'], ['isru_simd', 'ISRU SIMD'],
    ['sigmoid', 'sigmoid JS'], ['sigmoid_simd', 'sigmoid SIMD'], ['isru_sigmoid', 'ISRU-sigmoid JS'], ['isru_sigmoid_simd', 'ISRU-sigmoid SIMD'],
  ];
  const kinds = [...new Set(rows.filter((r) => r.kind === 'array').map(kindLabel))];
  const out: VectorCostRow[] = [];
  for (const kind of kinds) {
    if (!findRow(rows, 'tanh_simd', kind)) continue;
    const row: VectorCostRow = { kind };
    for (const [name, column] of names) {
      const r = findRow(rows, name, kind);
      row[column] = r ? Number(Number(r.ns_per_op).toFixed(2)) : NaN;
    }
    out.push(row);
  }
  return out;
}

/**
 * The notebook's conclusion on the vectorized kernels, from one machine's rows: per element over the largest
 * arrays, tanh in JavaScript against tanh vectorized against ISRU vectorized, in both precisions. Empty when
 * the rows have no vectorized kernels.
 */
export function vectorSummary(rows: readonly MathBenchRow[], machine: string): string {
  const parts: string[] = [];
  for (const precision of PRECISIONS) {
    const kind = kindLabel({ kind: 'array', precision, length: ARRAY_LENGTHS[ARRAY_LENGTHS.length - 1] });
    const ns = (name: string): number => Number(findRow(rows, name, kind)?.ns_per_op ?? NaN);
    const [tanhJs, tanhV, isruJs, isruV] = [ns('tanh'), ns('tanh_simd'), ns('isru'), ns('isru_simd')];
    if (!Number.isFinite(tanhV)) continue;
    parts.push(
      `${kind}: tanh costs ${tanhJs.toFixed(2)} ns per element through Math.tanh and ${tanhV.toFixed(2)} ns vectorized ` +
      `(${(tanhJs / tanhV).toFixed(1)}x faster); ISRU costs ${isruJs.toFixed(2)} ns in JavaScript and ${isruV.toFixed(2)} ns vectorized, ` +
      `so against a vectorized tanh ISRU takes ${(100 * isruV / tanhV).toFixed(0)}% of tanh's time (against Math.tanh: ${(100 * isruJs / tanhJs).toFixed(0)}%).`,
    );
  }
  if (parts.length === 0) return '';
  return [`On ${machine}, per element over the largest arrays (copy loop subtracted):`, ...parts.map((p) => `- ${p}`)].join('\n');
}
