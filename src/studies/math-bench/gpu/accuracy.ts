/**
 * How accurate a GPU's math is: results read back from the accuracy kernels (./functions.ts) against the
 * 50-digit references (./references.json), per function and precision, in ulps and in absolute error. Pure,
 * so the page computes its table with it and the tests check it on known values.
 *
 * WGSL leaves much of the precision to the implementation, and states it as bounds this table holds each
 * device to. Where WGSL gives a number, the bound is WGSL's: exp within 3 + 2|x| ulp in f32 (1 + 2|x| in f16),
 * inverseSqrt within 2 ulp, sqrt "inherited from 1 / inverseSqrt(x)" — 2 ulp through an exact reciprocal are at
 * most 4 ulp of the result, plus the division's 2.5: 6.5 ulp. For tanh WGSL states only "inherited from
 * sinh(x)/cosh(x)", and the activations here are compositions; they are outputs in [−1, 1] that an LSTM adds
 * and multiplies, so their bound is absolute, in ulps of 1 (see GPU_ACCURACY_BOUNDS). Where the expression
 * WGSL inherits tanh from overflows (e^|x| past the precision's largest number: |x| > 88.7 in f32, 11.1 in f16)
 * WGSL promises nothing, and a device may return NaN there (SwiftShader does): such points are counted in the
 * table's non-finite column, with the smallest such input, but not held to the bound. ISRU written as a GPU
 * would, x·inverseSqrt(1 + x²), has no such excuse: in f16, x² overflows past |x| = 256, the result becomes 0
 * instead of ±1, and the table shows it.
 *
 * Where the exact result is smaller than the precision's smallest normal number, WGSL lets the device flush
 * it to zero: such points count in the absolute error, and meet an ulp bound when the error is below the
 * smallest normal, but are left out of the ulp column.
 */
import { largestFinite, smallestNormal, ulpAt } from '../../../activations/ulp';
import type { GpuFunction, GpuPrecision } from './functions';

/** The references of one precision: the sample points and, per function, the reference (null: left out). */
export interface GpuReferenceSet {
  xs: number[];
  refs: Record<string, (number | null)[]>;
}

export interface GpuReferences {
  description: string;
  count: number;
  f32: GpuReferenceSet;
  f16: GpuReferenceSet;
}

/** The inputs one function's accuracy kernel gets and the references of its results. */
export function gpuAccuracyCase(f: GpuFunction, set: GpuReferenceSet): { xs: number[]; refs: number[] } {
  const refs = set.refs[f.name];
  if (!refs) throw new RangeError(`no references for ${f.name}`);
  const xs: number[] = [];
  const ys: number[] = [];
  set.xs.forEach((x, i) => {
    const r = refs[i];
    if (r === null) return;
    xs.push(f.positive ? Math.abs(x) : x);
    ys.push(r);
  });
  return { xs, refs: ys };
}

export interface GpuAccuracyBound {
  /** a bound in ulps of the result, possibly depending on the input */
  ulp?: (x: number) => number;
  /** a bound on the absolute error, in ulps of 1 of the precision */
  absUlpOfOne?: number;
  /** the bound holds for |x| up to this (beyond, WGSL promises nothing) */
  maxAbsInput?: number;
  /** the bound as the table states it */
  text: string;
}

/**
 * The activations' absolute bound, in ulps of 1. Not WGSL's (it has none for them): the vectorized CPU kernels
 * of the 'simd' cells are held to 4 ulp of the result (src/activations/simd-accuracy.ts), i.e. at most 4 ulp
 * of 1 absolute for an output in [−1, 1]; a tanh computed as WGSL describes it, (e^x − e^−x)/(e^x + e^−x)
 * with exp within 3 + 2|x| ulp, loses a few ulps of 1 more where e^x − e^−x cancels near zero, so the bound
 * allows 32: 2^−18 ≈ 3.8·10⁻⁶ in f32. A hardware approximation much coarser than that (e.g. an 11-bit tanh)
 * fails it, and the table says so.
 */
export const ACTIVATION_ABS_BOUND_ULP_OF_ONE = 32;

const activationBound: GpuAccuracyBound = { absUlpOfOne: ACTIVATION_ABS_BOUND_ULP_OF_ONE, text: `${ACTIVATION_ABS_BOUND_ULP_OF_ONE} ulp of 1 (absolute)` };

/** tanh's bound, over the inputs where the expression WGSL inherits it from stays finite. */
const tanhBound = (largestExpInput: number): GpuAccuracyBound => ({
  ...activationBound,
  maxAbsInput: largestExpInput,
  text: `${activationBound.text} for |x| ≤ ${largestExpInput.toFixed(1)} (beyond, e^|x| overflows and WGSL promises nothing)`,
});

export const GPU_ACCURACY_BOUNDS: Record<GpuPrecision, Record<string, GpuAccuracyBound>> = {
  f32: {
    tanh: tanhBound(Math.log(largestFinite('f32'))), sigmoid: activationBound, isru: activationBound, isru_sigmoid: activationBound,
    exp: { ulp: (x) => 3 + 2 * Math.abs(x), text: '3 + 2|x| ulp (WGSL)' },
    inverse_sqrt: { ulp: () => 2, text: '2 ulp (WGSL)' },
    sqrt: { ulp: () => 6.5, text: '6.5 ulp (WGSL: as 1 / inverseSqrt)' },
  },
  f16: {
    tanh: tanhBound(Math.log(largestFinite('f16'))), sigmoid: activationBound, isru: activationBound, isru_sigmoid: activationBound,
    exp: { ulp: (x) => 1 + 2 * Math.abs(x), text: '1 + 2|x| ulp (WGSL)' },
    inverse_sqrt: { ulp: () => 2, text: '2 ulp (WGSL)' },
    sqrt: { ulp: () => 6.5, text: '6.5 ulp (WGSL: as 1 / inverseSqrt)' },
  },
};

export interface GpuAccuracyRow {
  function: string;
  precision: GpuPrecision;
  points: number;
  /** largest |result − reference| */
  maxAbsError: number;
  /** largest error in ulps of the reference (references below the smallest normal left out) */
  maxUlpError: number;
  /** the input of the largest ulp error (of the largest absolute error when no point has an ulp error) */
  worstInput: number;
  /** results that are NaN or infinite (each fails the bound where it applies) */
  nonFinite: number;
  /** the smallest |input| with a non-finite result (NaN when there is none) */
  firstNonFinite: number;
  bound: string;
  /** every point within the bound */
  withinBound: boolean;
}

/** The accuracy of one function from its inputs, the results read back and the references. */
export function gpuAccuracyRow(name: string, precision: GpuPrecision, xs: ArrayLike<number>, ys: ArrayLike<number>, refs: ArrayLike<number>): GpuAccuracyRow {
  if (xs.length !== ys.length || xs.length !== refs.length) throw new RangeError(`${name}: ${xs.length} inputs, ${ys.length} results, ${refs.length} references`);
  const bound = GPU_ACCURACY_BOUNDS[precision][name];
  if (!bound) throw new RangeError(`no accuracy bound for ${name} in ${precision}`);
  const tiny = smallestNormal(precision);
  const one = ulpAt(1, precision);
  let maxAbs = 0, maxUlp = 0, worst = NaN, worstAbs = NaN, nonFinite = 0, firstNonFinite = NaN, within = true;
  for (let i = 0; i < xs.length; i++) {
    const err = Math.abs(ys[i] - refs[i]);
    const bounded = bound.maxAbsInput === undefined || Math.abs(xs[i]) <= bound.maxAbsInput;
    if (!Number.isFinite(err)) {
      nonFinite++;
      if (!(Math.abs(xs[i]) >= firstNonFinite)) firstNonFinite = Math.abs(xs[i]);
      if (bounded) within = false;
      continue;
    }
    if (err > maxAbs || Number.isNaN(worstAbs)) { maxAbs = Math.max(maxAbs, err); worstAbs = xs[i]; }
    const normal = Math.abs(refs[i]) >= tiny;
    const ulps = err / ulpAt(refs[i], precision);
    if (normal && (ulps > maxUlp || Number.isNaN(worst))) { maxUlp = Math.max(maxUlp, ulps); worst = xs[i]; }
    if (!bounded) continue;
    if (bound.absUlpOfOne !== undefined && err > bound.absUlpOfOne * one) within = false;
    if (bound.ulp && (normal ? ulps > bound.ulp(xs[i]) : err > tiny)) within = false;
  }
  return {
    function: name, precision, points: xs.length, maxAbsError: maxAbs, maxUlpError: maxUlp,
    worstInput: Number.isNaN(worst) ? worstAbs : worst, nonFinite, firstNonFinite, bound: bound.text, withinBound: within,
  };
}

/** The table's rows as the page and the notebook show them (three significant digits). */
export function gpuAccuracyTableRows(rows: readonly GpuAccuracyRow[]): Record<string, string | number>[] {
  return rows.map((r) => ({
    function: r.function,
    precision: r.precision,
    'max abs error': Number(r.maxAbsError.toPrecision(3)),
    'max ulp error': Number(r.maxUlpError.toPrecision(3)),
    'worst input': Number(r.worstInput.toPrecision(6)),
    'non-finite results': r.nonFinite === 0 ? 0 : `${r.nonFinite} (from |x| = ${Number(r.firstNonFinite.toPrecision(4))})`,
    'stated bound': r.bound,
    'within the bound': r.withinBound ? 'yes' : 'no',
    points: r.points,
  }));
}
