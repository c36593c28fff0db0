/**
 * The ISRU family (Carlile et al., 2017, "Improving deep learning by inverse square root linear units"):
 *
 *   isru(x; α)        = x / √(1 + αx²)              odd, bounded by ±1/√α, slope 1 at 0 — a tanh look-alike
 *   isruSigmoid(x; α) = (1 + isru(x/2; α)) / 2       the sigmoid look-alike, = ½ + x / (2√(4 + αx²))
 *   isrlu(x; α)       = x for x ≥ 0, isru(x; α) below  the ELU look-alike
 *
 * isruSigmoid is built from isru exactly as the logistic sigmoid is built from tanh
 * (σ(x) = (1 + tanh(x/2))/2), so at α = 1 it matches σ where it matters for a gate: σ(0) = ½, σ′(0) = ¼,
 * range (0, 1). The naive (1 + isru(x))/2 would have slope ½ at 0, twice the sigmoid's.
 *
 * Numerics: αx² overflows for |x| ≳ 1e154, after which x/√(1+αx²) would be ±0 (or NaN at ±∞); there
 * the value is the limit ±1/√α to double precision, so we return it. Derivatives are written as
 * u·√u with u = 1/(1 + αx²), which underflows gracefully to 0.
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

const ALPHA = 1;

// ---------------------------------------------------------------- isru

function isruF(x: number, alpha = ALPHA): number {
  const t = alpha * x * x;
  if (t < Infinity) return x / Math.sqrt(1 + t);
  return Math.sign(x) / Math.sqrt(alpha); // |x| ≥ ~1e154 or ±∞ (NaN stays NaN through sign)
}

/** (1 + αx²)^{-3/2} */
function isruDf(x: number, alpha = ALPHA): number {
  const u = 1 / (1 + alpha * x * x);
  return u * Math.sqrt(u);
}

/** (1 − αy²)^{3/2}; clamped at 0 where rounding pushes αy² just above 1. */
function isruDfy(y: number, alpha = ALPHA): number {
  const u = Math.max(0, 1 - alpha * y * y);
  return u * Math.sqrt(u);
}

/**
 * (√(1 + αx²) − 1)/α, written as x²/(√(1 + αx²) + 1) so small x keeps its relative accuracy, and as
 * |x|·(|x|/(…)) so x² does not overflow before the division.
 */
function isruIntegral(x: number, alpha = ALPHA): number {
  const a = Math.abs(x);
  const t = alpha * a * a;
  if (t < Infinity) return a * (a / (Math.sqrt(1 + t) + 1));
  return a / Math.sqrt(alpha) - 1 / alpha; // NaN stays NaN, ∞ stays ∞
}

function isruApply<T extends FloatArray>(out: T, x: FloatArray, alpha = ALPHA): T {
  checkLengths('isru.apply', out, x);
  const limit = 1 / Math.sqrt(alpha);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = alpha * v * v;
    out[i] = t < Infinity ? v / Math.sqrt(1 + t) : Math.sign(v) * limit;
  }
  return out;
}

function isruBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha = ALPHA): T {
  checkLengths('isru.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const u = Math.max(0, 1 - alpha * v * v);
    dx[i] = dy[i] * u * Math.sqrt(u);
  }
  return dx;
}

export const isru: ActivationFunction = {
  meta: {
    name: 'isru',
    displayName: 'ISRU',
    expression: 'x / sqrt(1 + alpha * x^2)',
    latex: '\\frac{x}{\\sqrt{1 + \\alpha x^2}}',
    dfLatex: '\\left(\\frac{1}{\\sqrt{1 + \\alpha x^2}}\\right)^{3} = \\left(1 - \\alpha y^2\\right)^{3/2}',
    integralLatex: '\\frac{\\sqrt{1 + \\alpha x^2} - 1}{\\alpha}',
    parameter: { name: 'alpha', default: ALPHA, description: 'the curve saturates at ±1/√α; α = 1 is the study\'s tanh replacement' },
  },
  f: isruF,
  df: isruDf,
  dfy: isruDfy,
  integral: isruIntegral,
  apply: isruApply,
  backward: isruBackward,
};

// ---------------------------------------------------------------- isruSigmoid

/**
 * ½(1 + x/r) with r = √(4 + αx²). For x < 0 the bracket is computed as (4 + (α−1)x²)/(r(r + |x|)),
 * which has no cancellation near the lower limit (at α = 1 the value tends to 0 like 1/x²).
 */
function sigF(x: number, alpha = ALPHA): number {
  const x2 = x * x;
  const r2 = 4 + alpha * x2;
  if (!(r2 < Infinity)) return Number.isNaN(x) ? NaN : 0.5 * (1 + Math.sign(x) / Math.sqrt(alpha));
  const r = Math.sqrt(r2);
  if (x >= 0) return 0.5 * (1 + x / r);
  return (0.5 * (4 + (alpha - 1) * x2)) / (r * (r - x));
}

/** 2 / (4 + αx²)^{3/2} */
function sigDf(x: number, alpha = ALPHA): number {
  const u = 1 / (4 + alpha * x * x);
  return 2 * u * Math.sqrt(u);
}

/** ¼(1 − α(2y − 1)²)^{3/2} */
function sigDfy(y: number, alpha = ALPHA): number {
  const s = 2 * y - 1;
  const u = Math.max(0, 1 - alpha * s * s);
  return 0.25 * u * Math.sqrt(u);
}

/**
 * ∫₀ˣ = x/2 + (r − 2)/(2α) = x(2 + q)/(2(r + 2)) with q = r + x, computed without cancellation for
 * x < 0 as q = (4 + (α−1)x²)/(r + |x|). At α = 1 it tends to −1 as x → −∞.
 */
function sigIntegral(x: number, alpha = ALPHA): number {
  const x2 = x * x;
  const r2 = 4 + alpha * x2;
  if (!(r2 < Infinity)) {
    if (Number.isNaN(x)) return NaN;
    if (x < 0 && alpha === 1) return -1;
    return 0.5 * x * (1 + Math.sign(x) / Math.sqrt(alpha));
  }
  const r = Math.sqrt(r2);
  const q = x >= 0 ? r + x : (4 + (alpha - 1) * x2) / (r - x);
  return x * ((2 + q) / (2 * (r + 2)));
}

function sigApply<T extends FloatArray>(out: T, x: FloatArray, alpha = ALPHA): T {
  checkLengths('isruSigmoid.apply', out, x);
  for (let i = 0; i < x.length; i++) out[i] = sigF(x[i], alpha);
  return out;
}

function sigBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha = ALPHA): T {
  checkLengths('isruSigmoid.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const s = 2 * y[i] - 1;
    const u = Math.max(0, 1 - alpha * s * s);
    dx[i] = dy[i] * 0.25 * u * Math.sqrt(u);
  }
  return dx;
}

export const isruSigmoid: ActivationFunction = {
  meta: {
    name: 'isruSigmoid',
    displayName: 'ISRU-sigmoid',
    expression: '(1 + x / sqrt(4 + alpha * x^2)) / 2',
    latex: '\\frac{1}{2}\\left(1 + \\mathrm{isru}\\left(\\tfrac{x}{2}\\right)\\right) = \\frac{1}{2} + \\frac{x}{2\\sqrt{4 + \\alpha x^2}}',
    dfLatex: '\\frac{2}{(4 + \\alpha x^2)^{3/2}} = \\tfrac{1}{4}\\left(1 - \\alpha (2y - 1)^2\\right)^{3/2}',
    integralLatex: '\\frac{x}{2} + \\frac{\\sqrt{4 + \\alpha x^2} - 2}{2\\alpha}',
    parameter: { name: 'alpha', default: ALPHA, description: 'range (1 ± 1/√α)/2; α = 1 gives (0, 1) like the sigmoid' },
  },
  f: sigF,
  df: sigDf,
  dfy: sigDfy,
  integral: sigIntegral,
  apply: sigApply,
  backward: sigBackward,
};

// ---------------------------------------------------------------- isrlu

function isrluF(x: number, alpha = ALPHA): number {
  return x >= 0 ? x : isruF(x, alpha);
}

function isrluDf(x: number, alpha = ALPHA): number {
  return x >= 0 ? 1 : isruDf(x, alpha);
}

function isrluDfy(y: number, alpha = ALPHA): number {
  return y >= 0 ? 1 : isruDfy(y, alpha);
}

function isrluIntegral(x: number, alpha = ALPHA): number {
  return x >= 0 ? 0.5 * x * x : isruIntegral(x, alpha);
}

function isrluApply<T extends FloatArray>(out: T, x: FloatArray, alpha = ALPHA): T {
  checkLengths('isrlu.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v >= 0 ? v : isruF(v, alpha);
  }
  return out;
}

function isrluBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha = ALPHA): T {
  checkLengths('isrlu.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = v >= 0 ? dy[i] : dy[i] * isruDfy(v, alpha);
  }
  return dx;
}

export const isrlu: ActivationFunction = {
  meta: {
    name: 'isrlu',
    displayName: 'ISRLU',
    expression: 'x >= 0 ? x : x / sqrt(1 + alpha * x^2)',
    pieces: [
      { domain: 'negative', expression: 'x / sqrt(1 + alpha * x^2)' },
      { domain: 'positive', expression: 'x' },
    ],
    latex: '\\begin{cases} x & x \\ge 0 \\\\ \\frac{x}{\\sqrt{1 + \\alpha x^2}} & x < 0 \\end{cases}',
    dfLatex: '\\begin{cases} 1 & x \\ge 0 \\\\ (1 + \\alpha x^2)^{-3/2} & x < 0 \\end{cases}',
    integralLatex: '\\begin{cases} x^2/2 & x \\ge 0 \\\\ (\\sqrt{1 + \\alpha x^2} - 1)/\\alpha & x < 0 \\end{cases}',
    parameter: { name: 'alpha', default: ALPHA, description: 'negative values saturate at −1/√α' },
  },
  f: isrluF,
  df: isrluDf,
  dfy: isrluDfy,
  integral: isrluIntegral,
  apply: isrluApply,
  backward: isrluBackward,
};
