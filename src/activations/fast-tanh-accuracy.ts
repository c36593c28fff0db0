/**
 * The error tables of the cheap alternatives (./fast-tanh.ts, and the SIMD sigmoid through tanh): per range
 * of inputs, the largest absolute error and the largest error in ulps of the result against a 50-digit mathjs
 * BigNumber reference (the references of ./simd-accuracy.ts), for the scalar function (computed in double,
 * then rounded to the precision) and for the vector kernel in that precision.
 *
 * The fast tanh is odd to the bit (x·P(x²)/Q(x²)), so its ranges cover x ≥ 0; the sigmoid is not, so its
 * ranges cover both sides.
 */
import type { Precision } from '../lstm/buffers';
import { SimdActivations, SimdBaseline } from '../lstm/wasm/pointwise';
import { bigMath, bigReference, exactBig } from './simd-accuracy';
import { fastTanh, sigmoidViaTanh } from './fast-tanh';
import { ulpAt } from './ulp';

/** A closed range of inputs [from, to]. */
export interface InputRange {
  from: number;
  to: number;
}

export const FAST_TANH_RANGES: readonly InputRange[] = [
  { from: 0, to: 0.25 }, { from: 0.25, to: 1 }, { from: 1, to: 3 }, { from: 3, to: 9 }, { from: 9, to: 40 },
];
export const SIGMOID_VIA_TANH_RANGES: readonly InputRange[] = [
  { from: -40, to: -9 }, { from: -9, to: -1 }, { from: -1, to: 1 }, { from: 1, to: 9 }, { from: 9, to: 40 },
];

export interface BaselineErrorRow {
  function: SimdBaseline;
  impl: 'scalar' | 'simd';
  precision: Precision;
  range: InputRange;
  maxAbsError: number;
  maxUlpError: number;
  /** the input of the largest ulp error */
  worstInput: number;
  points: number;
}

/** `count` + 1 evenly spaced points of a range, and, from 0, magnitudes down to 2^−40 (where relative error shows). */
export function rangePoints(r: InputRange, count: number): number[] {
  const xs = Array.from({ length: count + 1 }, (_, i) => r.from + ((r.to - r.from) * i) / count);
  if (r.from === 0) for (let k = 1; k <= 40; k++) xs.push(2 ** -k);
  return xs;
}

const SCALAR: Record<SimdBaseline, (x: number) => number> = { 'fast-tanh': fastTanh.f, 'sigmoid-via-tanh': sigmoidViaTanh };
const REFERENCE = { 'fast-tanh': 'tanh', 'sigmoid-via-tanh': 'sigmoid' } as const;

/**
 * The error table of one baseline: per range, implementation (scalar, and SIMD unless `simd` is false) and
 * precision, the largest absolute and ulp errors against 50-digit references.
 */
export function baselineErrorTable(fn: SimdBaseline, ranges: readonly InputRange[], o: { count?: number; simd?: boolean } = {}): BaselineErrorRow[] {
  const m = bigMath();
  const rows: BaselineErrorRow[] = [];
  for (const precision of ['f64', 'f32'] as const) {
    const round = precision === 'f32' ? Math.fround : (x: number): number => x;
    const vector = o.simd === false ? undefined : new SimdActivations(precision, 4096);
    for (const range of ranges) {
      const xs = rangePoints(range, o.count ?? 2000).map(round);
      const refs = xs.map((x) => bigReference(REFERENCE[fn], exactBig(m, x)));
      for (const impl of vector ? (['scalar', 'simd'] as const) : (['scalar'] as const)) {
        const ys = impl === 'simd' ? vector!.apply(fn, xs) : xs.map((x) => round(SCALAR[fn](x)));
        let maxAbs = 0, maxUlp = 0, worst = xs[0];
        for (let i = 0; i < xs.length; i++) {
          const err = exactBig(m, ys[i]).minus(refs[i]).abs().toNumber();
          if (Number.isNaN(err)) throw new Error(`${fn} (${impl}, ${precision}) gave ${ys[i]} at ${xs[i]}`);
          const ulps = err / ulpAt(refs[i].toNumber(), precision);
          if (err > maxAbs) maxAbs = err;
          if (ulps > maxUlp) {
            maxUlp = ulps;
            worst = xs[i];
          }
        }
        rows.push({ function: fn, impl, precision, range, maxAbsError: maxAbs, maxUlpError: maxUlp, worstInput: worst, points: xs.length });
      }
    }
  }
  return rows;
}

/** Both baselines' tables as rows for an HTML table (notebook 02). */
export function baselineErrorRows(count = 2000): Record<string, string | number>[] {
  const tables = [...baselineErrorTable('fast-tanh', FAST_TANH_RANGES, { count }), ...baselineErrorTable('sigmoid-via-tanh', SIGMOID_VIA_TANH_RANGES, { count })];
  return tables.map((r) => ({
    function: r.function === 'fast-tanh' ? 'fast tanh (minimax 13/6, clamp ±9) vs tanh' : 'σ(x) = ½ + ½·tanh(x/2) vs sigmoid',
    implementation: r.impl === 'simd' ? 'WebAssembly SIMD' : 'scalar (double, rounded)',
    precision: r.precision,
    inputs: `[${r.range.from}, ${r.range.to}]`,
    'max abs error': Number(r.maxAbsError.toPrecision(3)),
    'max ulp error': Number(r.maxUlpError.toPrecision(3)),
    'worst input': Number(r.worstInput.toPrecision(6)),
    points: r.points,
  }));
}
