/**
 * How accurate the vectorized activations of the 'simd' cell kernels are (src/lstm/wasm/assembly/
 * pointwise.ts): each is evaluated over the whole input range and compared with a 50-digit mathjs
 * BigNumber reference; the scalar formulas the 'scalar' kernels use (Math.tanh, 1/(1 + Math.exp(−x)),
 * x/Math.sqrt(1 + x²), ...) are measured on the same points beside them, for scale.
 *
 * An error in ulps is |y − ref| divided by the spacing of the precision's numbers at ref (2^(e − 52) in f64,
 * 2^(e − 23) in f32, with e = floor(log2 |ref|), and never below the smallest subnormal). The f32 inputs
 * are the f32 numbers nearest to the sample points, and the reference is taken at exactly that input.
 *
 * Sample points: a uniform grid over [−40, 40] (everything an LSTM pre-activation or cell state plausibly
 * reaches, and past saturation), magnitudes spaced evenly in log2 from 2^−60 to past the point where
 * exp underflows (both signs), and the edges of every branch of the kernels.
 */
import type { MathJsInstance, BigNumber } from 'mathjs';
import type { Precision } from '../lstm/buffers';
import { SIMD_ACTIVATIONS, SimdActivation, SimdActivations } from '../lstm/wasm/pointwise';
import { ulpAt } from './ulp';

export { ulpAt };

type MathJs = typeof import('mathjs');
let big: MathJsInstance | undefined;

/** mathjs with 50 significant digits, loaded on first use (loading it takes about a third of a second). */
export function bigMath(): MathJsInstance {
  if (!big) {
    const lib = require('mathjs') as MathJs;
    big = lib.create(lib.all, { number: 'BigNumber', precision: 50 });
  }
  return big;
}

export interface AccuracyRow {
  function: SimdActivation;
  /** 'simd': the vector kernels; 'scalar': the Math formulas of the scalar kernels (in f32: computed in double, then rounded) */
  impl: 'simd' | 'scalar';
  precision: Precision;
  maxAbsError: number;
  maxUlpError: number;
  /** the input of the largest ulp error */
  worstInput: number;
  points: number;
}

/** The scalar formulas of the 'scalar' cell kernels (src/lstm/cell.ts) and of src/activations. */
const SCALAR: Record<SimdActivation, (x: number) => number> = {
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  isru: (x) => x / Math.sqrt(1 + x * x),
  'isru-sigmoid': (x) => 0.5 + x / (2 * Math.sqrt(4 + x * x)),
};

/** The activation at x in 50-digit BigNumber arithmetic (the reference every accuracy check compares with). */
export function bigReference(act: SimdActivation, x: BigNumber): BigNumber {
  switch (act) {
    case 'tanh':
      return x.tanh();
    case 'sigmoid':
      return x.neg().exp().plus(1).pow(-1);
    case 'isru':
      return x.div(x.times(x).plus(1).sqrt());
    case 'isru-sigmoid':
      return x.div(x.times(x).plus(4).sqrt().times(2)).plus(0.5);
  }
}

/**
 * The exact value of a double as a BigNumber (mathjs's bignumber(x) reads the shortest decimal that rounds
 * to x, which is off by up to half an ulp of x: far too much for e^x at x = −500): x = mant·2^e with an
 * integer |mant| < 2^53, whose decimal digits are exact.
 */
export function exactBig(m: MathJsInstance, x: number): BigNumber {
  if (x === 0 || !Number.isFinite(x)) return m.bignumber(x);
  let e = Math.max(Math.floor(Math.log2(Math.abs(x))) - 52, -1074);
  if (Math.abs(x / 2 ** e) >= 2 ** 53) e++;
  return m.bignumber(x / 2 ** e).times(m.bignumber(2).pow(e));
}

/** The sample points (before rounding to the precision). */
export function accuracyPoints(count: number): number[] {
  const xs: number[] = [];
  for (let i = 0; i <= count; i++) xs.push(-40 + (80 * i) / count);
  const logMin = -60, logMax = Math.log2(800);
  for (let i = 0; i <= count; i++) {
    const m = 2 ** (logMin + ((logMax - logMin) * i) / count);
    xs.push(m, -m);
  }
  // branch edges: tanh's clamps (9 in f32, 20 in f64), exp's reduction steps, underflow of e^−|x|; and
  // where e^{−x} overflows in double while σ(x) is still a subnormal (the scalar formula's weak spot)
  xs.push(0, -0, 9, -9, 20, -20, Math.LN2 / 2, -Math.LN2 / 2, 87.3, -87.3, 103.9, -103.9, 708.4, -708.4, 745.1, -745.1, -720, -740);
  return xs;
}

/** The error table of the vectorized activations (and the scalar formulas) in one precision. */
export function simdAccuracy(precision: Precision, count = 2000): AccuracyRow[] {
  const m = bigMath();
  const round = precision === 'f32' ? Math.fround : (x: number): number => x;
  const xs = accuracyPoints(count).map(round);
  const refs = new Map<SimdActivation, BigNumber[]>();
  for (const act of SIMD_ACTIVATIONS) refs.set(act, xs.map((x) => bigReference(act, exactBig(m, x))));
  const simd = new SimdActivations(precision, 4096);
  const rows: AccuracyRow[] = [];
  for (const impl of ['simd', 'scalar'] as const) {
    for (const act of SIMD_ACTIVATIONS) {
      const ys = impl === 'simd' ? simd.apply(act, xs) : xs.map((x) => round(SCALAR[act](x)));
      const ref = refs.get(act)!;
      let maxAbs = 0, maxUlp = 0, worst = xs[0];
      for (let i = 0; i < xs.length; i++) {
        const err = exactBig(m, ys[i]).minus(ref[i]).abs().toNumber();
        const ulps = err / ulpAt(ref[i].toNumber(), precision);
        if (Number.isNaN(err)) throw new Error(`${act} (${impl}, ${precision}) gave ${ys[i]} at ${xs[i]}`);
        if (err > maxAbs) maxAbs = err;
        if (ulps > maxUlp) { maxUlp = ulps; worst = xs[i]; }
      }
      rows.push({ function: act, impl, precision, maxAbsError: maxAbs, maxUlpError: maxUlp, worstInput: worst, points: xs.length });
    }
  }
  return rows;
}

/**
 * The bounds the vectorized activations are held to (the test asserts them; docs/decisions/002-simd-cell-kernels.md
 * states them): in ulps of the result, except for the ISRU-sigmoid, whose ½ + (½x)·r cancels for x ≪ 0 (the
 * scalar formula does too): there the bound is absolute, in ulps of 1 — what matters for a gate value in
 * [0, 1] that multiplies a cell state and is added to another product.
 */
export interface AccuracyBound {
  ulp?: number;
  /** in units of ulp(1) of the precision */
  absUlpOfOne?: number;
}

export const SIMD_ACCURACY_BOUNDS: Record<Precision, Record<SimdActivation, AccuracyBound>> = {
  f64: { tanh: { ulp: 4 }, sigmoid: { ulp: 4 }, isru: { ulp: 3 }, 'isru-sigmoid': { absUlpOfOne: 1 } },
  f32: { tanh: { ulp: 4 }, sigmoid: { ulp: 4 }, isru: { ulp: 3 }, 'isru-sigmoid': { absUlpOfOne: 1 } },
};

/** The error table of both precisions as rows for an HTML table (notebook 02): bounds beside the measurements. */
export function accuracyTable(count = 2000): Record<string, string | number>[] {
  return (['f64', 'f32'] as const).flatMap((p) =>
    simdAccuracy(p, count).map((r) => {
      const bound = r.impl === 'simd' ? SIMD_ACCURACY_BOUNDS[p][r.function] : undefined;
      return {
        function: r.function,
        implementation: r.impl === 'simd' ? 'WebAssembly SIMD' : 'scalar (Math)',
        precision: p,
        'max abs error': Number(r.maxAbsError.toPrecision(3)),
        'max ulp error': Number(r.maxUlpError.toPrecision(3)),
        'worst input': Number(r.worstInput.toPrecision(6)),
        'stated bound': bound?.ulp !== undefined ? `${bound.ulp} ulp` : bound?.absUlpOfOne !== undefined ? `${bound.absUlpOfOne} ulp of 1 (absolute)` : '',
        points: r.points,
      };
    }));
}
