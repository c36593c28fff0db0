/**
 * tanh, the activation the study replaces. f′ is computed from e^{-2|x|} rather than 1 − tanh²(x), which
 * rounds to 0 once tanh(x) rounds to ±1 (|x| > 19) although the true slope is 4e^{-2|x|} > 0.
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

const LN2 = Math.LN2;

function f(x: number): number {
  return Math.tanh(x);
}

/** sech²x = 4e^{-2|x|} / (1 + e^{-2|x|})², exact in relative terms for every x. */
function df(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const d = 1 + e;
  return (4 * e) / (d * d);
}

function dfy(y: number): number {
  return 1 - y * y;
}

/**
 * ln cosh x. Near 0 as ½·ln(1 + sinh²x) (keeps relative accuracy where ln cosh x ≈ x²/2); beyond as
 * |x| + ln(1 + e^{-2|x|}) − ln 2, which never overflows (cosh does for |x| > 710).
 */
function integral(x: number): number {
  const a = Math.abs(x);
  if (a < 1) {
    const s = Math.sinh(a);
    return 0.5 * Math.log1p(s * s);
  }
  return a + Math.log1p(Math.exp(-2 * a)) - LN2;
}

function apply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('tanh.apply', out, x);
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  return out;
}

function backward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('tanh.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = dy[i] * (1 - v * v);
  }
  return dx;
}

export const tanh: ActivationFunction = {
  meta: {
    name: 'tanh',
    displayName: 'tanh',
    expression: 'tanh(x)',
    latex: '\\tanh x',
    dfLatex: '1 - \\tanh^2 x',
    integralLatex: '\\ln\\cosh x',
  },
  f,
  df,
  dfy,
  integral,
  apply,
  backward,
};
