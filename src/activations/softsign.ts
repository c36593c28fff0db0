/**
 * softsign x/(1 + |x|): the other cheap bounded odd function (no exp, no sqrt — one division). It
 * saturates polynomially (1 − f ≈ 1/x), much more slowly than tanh or even ISRU (1 − f ≈ 1/(2x²)).
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

function f(x: number): number {
  const a = Math.abs(x);
  return a < Infinity ? x / (1 + a) : Math.sign(x); // ±∞ → ±1, NaN → NaN
}

function df(x: number): number {
  const d = 1 + Math.abs(x);
  return 1 / (d * d);
}

/** 1 − |y| = 1/(1 + |x|), so f′ = (1 − |y|)². */
function dfy(y: number): number {
  const u = 1 - Math.abs(y);
  return u * u;
}

/** |x| − ln(1 + |x|); a short series near 0, where the difference cancels. */
function integral(x: number): number {
  const a = Math.abs(x);
  if (a < 1e-2) {
    // Σ_{k≥2} (−1)ᵏ aᵏ/k, to a¹⁰ (the next term is below 1e-22 relative)
    let sum = 0;
    let p = a;
    for (let k = 2; k <= 10; k++) {
      p *= a;
      sum += (k % 2 === 0 ? p : -p) / k;
    }
    return sum;
  }
  return a < Infinity ? a - Math.log1p(a) : a;
}

function apply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('softsign.apply', out, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const a = Math.abs(v);
    out[i] = a < Infinity ? v / (1 + a) : Math.sign(v);
  }
  return out;
}

function backward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('softsign.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const u = 1 - Math.abs(y[i]);
    dx[i] = dy[i] * u * u;
  }
  return dx;
}

export const softsign: ActivationFunction = {
  meta: {
    name: 'softsign',
    displayName: 'softsign',
    expression: 'x / (1 + abs(x))',
    latex: '\\frac{x}{1 + |x|}',
    dfLatex: '\\frac{1}{(1 + |x|)^2} = (1 - |y|)^2',
    integralLatex: '|x| - \\ln(1 + |x|)',
  },
  f,
  df,
  dfy,
  integral,
  apply,
  backward,
};
