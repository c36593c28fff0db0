/**
 * The logistic family: sigmoid σ(x) = 1/(1 + e^{-x}) and its antiderivative's relative softplus
 * ln(1 + eˣ) (softplus′ = σ). Every formula takes e^{-|x|}, which is in (0, 1], so nothing overflows:
 * softplus(1000) is 1000 (not ∞), softplus(−1000) is 0 (never negative).
 *
 * ∫softplus is the dilogarithm: ∫₀ˣ ln(1 + eᵗ) dt = −Li₂(−eˣ) − π²/12. We evaluate Li₂ on [−1, 0) with
 * Landen's identity Li₂(−u) = −Li₂(u/(1+u)) − ½ln²(1+u), whose series Σ wᵏ/k² has w ≤ ½, and use
 * F(x) = x²/2 − F(−x) (from softplus(x) − softplus(−x) = x) for x > 0.
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

const PI2_12 = (Math.PI * Math.PI) / 12;

// ---------------------------------------------------------------- sigmoid

function sigmoidF(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x); // x < 0 or NaN
  return e / (1 + e);
}

/** e^{-|x|}/(1 + e^{-|x|})²: no 1 − σ cancellation for large x. */
function sigmoidDf(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const d = 1 + e;
  return e / (d * d);
}

function sigmoidDfy(y: number): number {
  return y * (1 - y);
}

/** softplus(x) − ln 2, as ln(1 + (eˣ − 1)/2) near 0 where the subtraction would cancel. */
function sigmoidIntegral(x: number): number {
  return Math.abs(x) < 1 ? Math.log1p(0.5 * Math.expm1(x)) : softplusF(x) - Math.LN2;
}

function sigmoidApply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('sigmoid.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= 0) {
      out[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
  return out;
}

function sigmoidBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('sigmoid.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = dy[i] * v * (1 - v);
  }
  return dx;
}

export const sigmoid: ActivationFunction = {
  meta: {
    name: 'sigmoid',
    displayName: 'sigmoid',
    expression: '1 / (1 + exp(-x))',
    latex: '\\sigma(x) = \\frac{1}{1 + e^{-x}}',
    dfLatex: '\\sigma(x)\\,(1 - \\sigma(x)) = y(1 - y)',
    integralLatex: '\\ln(1 + e^x) - \\ln 2',
  },
  f: sigmoidF,
  df: sigmoidDf,
  dfy: sigmoidDfy,
  integral: sigmoidIntegral,
  apply: sigmoidApply,
  backward: sigmoidBackward,
};

// ---------------------------------------------------------------- softplus

/** max(x, 0) + ln(1 + e^{-|x|}) */
function softplusF(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** softplus′ = σ, and through the output: σ(x) = 1 − e^{-y}. */
function softplusDfy(y: number): number {
  return -Math.expm1(-y);
}

/** Li₂(w) = Σ wᵏ/k² for 0 ≤ w ≤ ½ (terms shrink at least by half each step). */
function li2Small(w: number): number {
  let sum = 0;
  let p = w;
  for (let k = 1; k < 100; k++) {
    const term = p / (k * k);
    sum += term;
    if (term <= sum * 1e-17) break;
    p *= w;
  }
  return sum;
}

/** −Li₂(−eˣ) for x ≤ 0, via Landen: Li₂(σ(x)) + ½ln²(1 + eˣ). */
function negLi2NegExp(x: number): number {
  const e = Math.exp(x);
  const l = Math.log1p(e);
  return li2Small(e / (1 + e)) + 0.5 * l * l;
}

/**
 * Near 0 the dilogarithm form cancels (both terms ≈ π²/12), so there we integrate the Taylor series
 * softplus(x) = ln2 + x/2 + x²/8 − x⁴/192 + x⁶/2880 − 17x⁸/645120 + 31x¹⁰/14515200 − …
 */
function softplusSeries(x: number): number {
  const x2 = x * x;
  return x * (Math.LN2 + x * (1 / 4 + x * (1 / 24 + x2 * (-1 / 960 + x2 * (1 / 20160 + x2 * (-17 / 5806080 + x2 * (31 / 159667200)))))));
}

function softplusIntegral(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 0.125) return softplusSeries(x);
  if (x <= 0) return negLi2NegExp(x) - PI2_12;
  return 0.5 * x * x + PI2_12 - negLi2NegExp(-x);
}

function softplusApply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('softplus.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return out;
}

function softplusBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('softplus.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) dx[i] = -dy[i] * Math.expm1(-y[i]);
  return dx;
}

export const softplus: ActivationFunction = {
  meta: {
    name: 'softplus',
    displayName: 'softplus',
    expression: 'log(1 + exp(x))',
    latex: '\\ln(1 + e^x)',
    dfLatex: '\\sigma(x) = 1 - e^{-y}',
    integralLatex: '-\\operatorname{Li}_2(-e^x) - \\frac{\\pi^2}{12}',
  },
  f: softplusF,
  df: sigmoidF,
  dfy: softplusDfy,
  integral: softplusIntegral,
  apply: softplusApply,
  backward: softplusBackward,
};
