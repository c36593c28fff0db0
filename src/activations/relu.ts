/**
 * The rectifier family: relu, leakyRelu (slope α below 0, default 0.01) and elu (α(eˣ − 1) below 0,
 * default α = 1). At the kink x = 0 the derivative is the left one (relu 0, leakyRelu α, elu α), the
 * value dfy(f(0)) = dfy(0) also gives, so the scalar and kernel paths agree. NaN propagates (comparisons
 * with NaN are false, so every branch is written to fall through to an arithmetic expression of x).
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

// ---------------------------------------------------------------- relu

function reluF(x: number): number {
  return x > 0 || Number.isNaN(x) ? x : 0;
}

function reluDf(x: number): number {
  return x > 0 ? 1 : Number.isNaN(x) ? NaN : 0;
}

function reluDfy(y: number): number {
  return y > 0 ? 1 : Number.isNaN(y) ? NaN : 0;
}

function reluIntegral(x: number): number {
  return x > 0 || Number.isNaN(x) ? 0.5 * x * x : 0;
}

function reluApply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('relu.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return out;
}

function reluBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('relu.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = v > 0 ? dy[i] : v !== v ? NaN : 0;
  }
  return dx;
}

export const relu: ActivationFunction = {
  meta: {
    name: 'relu',
    displayName: 'ReLU',
    expression: '(x + abs(x)) / 2',
    pieces: [
      { domain: 'negative', expression: '0 * x' },
      { domain: 'positive', expression: 'x' },
    ],
    latex: '\\max(0, x)',
    dfLatex: '\\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}',
    integralLatex: '\\tfrac{1}{2}\\max(0, x)^2',
  },
  f: reluF,
  df: reluDf,
  dfy: reluDfy,
  integral: reluIntegral,
  apply: reluApply,
  backward: reluBackward,
};

// ---------------------------------------------------------------- leakyRelu

const LEAK = 0.01;

function leakyF(x: number, alpha = LEAK): number {
  return x > 0 ? x : alpha * x;
}

function leakyDf(x: number, alpha = LEAK): number {
  return x > 0 ? 1 : Number.isNaN(x) ? NaN : alpha;
}

/** Valid for α > 0 (then y > 0 exactly when x > 0). */
function leakyDfy(y: number, alpha = LEAK): number {
  return y > 0 ? 1 : Number.isNaN(y) ? NaN : alpha;
}

function leakyIntegral(x: number, alpha = LEAK): number {
  return x > 0 ? 0.5 * x * x : 0.5 * alpha * x * x;
}

function leakyApply<T extends FloatArray>(out: T, x: FloatArray, alpha = LEAK): T {
  checkLengths('leakyRelu.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? v : alpha * v;
  }
  return out;
}

function leakyBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha = LEAK): T {
  checkLengths('leakyRelu.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = v > 0 ? dy[i] : v !== v ? NaN : alpha * dy[i];
  }
  return dx;
}

export const leakyRelu: ActivationFunction = {
  meta: {
    name: 'leakyRelu',
    displayName: 'leaky ReLU',
    expression: 'x > 0 ? x : alpha * x',
    pieces: [
      { domain: 'negative', expression: 'alpha * x' },
      { domain: 'positive', expression: 'x' },
    ],
    latex: '\\begin{cases} x & x > 0 \\\\ \\alpha x & x \\le 0 \\end{cases}',
    dfLatex: '\\begin{cases} 1 & x > 0 \\\\ \\alpha & x \\le 0 \\end{cases}',
    integralLatex: '\\begin{cases} x^2/2 & x > 0 \\\\ \\alpha x^2/2 & x \\le 0 \\end{cases}',
    parameter: { name: 'alpha', default: LEAK, description: 'slope for x < 0' },
  },
  f: leakyF,
  df: leakyDf,
  dfy: leakyDfy,
  integral: leakyIntegral,
  apply: leakyApply,
  backward: leakyBackward,
};

// ---------------------------------------------------------------- elu

const ELU_ALPHA = 1;

function eluF(x: number, alpha = ELU_ALPHA): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

function eluDf(x: number, alpha = ELU_ALPHA): number {
  return x > 0 ? 1 : alpha * Math.exp(x);
}

/** Below 0, f′ = αeˣ = y + α. */
function eluDfy(y: number, alpha = ELU_ALPHA): number {
  return y > 0 ? 1 : y + alpha;
}

/** Below 0, α(eˣ − 1 − x); a series near 0, where expm1(x) − x cancels. */
function eluIntegral(x: number, alpha = ELU_ALPHA): number {
  if (x > 0) return 0.5 * x * x;
  if (x > -1e-2) {
    // Σ_{k≥2} xᵏ/k!, to x¹⁰
    let sum = 0;
    let p = x;
    let fact = 1;
    for (let k = 2; k <= 10; k++) {
      p *= x;
      fact *= k;
      sum += p / fact;
    }
    return alpha * sum;
  }
  return alpha * (Math.expm1(x) - x); // NaN stays NaN
}

function eluApply<T extends FloatArray>(out: T, x: FloatArray, alpha = ELU_ALPHA): T {
  checkLengths('elu.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
  return out;
}

function eluBackward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha = ELU_ALPHA): T {
  checkLengths('elu.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = v > 0 ? dy[i] : dy[i] * (v + alpha);
  }
  return dx;
}

export const elu: ActivationFunction = {
  meta: {
    name: 'elu',
    displayName: 'ELU',
    expression: 'x > 0 ? x : alpha * (exp(x) - 1)',
    pieces: [
      { domain: 'negative', expression: 'alpha * (exp(x) - 1)' },
      { domain: 'positive', expression: 'x' },
    ],
    latex: '\\begin{cases} x & x > 0 \\\\ \\alpha (e^x - 1) & x \\le 0 \\end{cases}',
    dfLatex: '\\begin{cases} 1 & x > 0 \\\\ \\alpha e^x = y + \\alpha & x \\le 0 \\end{cases}',
    integralLatex: '\\begin{cases} x^2/2 & x > 0 \\\\ \\alpha (e^x - 1 - x) & x \\le 0 \\end{cases}',
    parameter: { name: 'alpha', default: ELU_ALPHA, description: 'negative values saturate at −α' },
  },
  f: eluF,
  df: eluDf,
  dfy: eluDfy,
  integral: eluIntegral,
  apply: eluApply,
  backward: eluBackward,
};
