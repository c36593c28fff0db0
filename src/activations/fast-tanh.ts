/**
 * A fast tanh: the odd minimax rational of degrees 13/6 that Eigen, XLA and ONNX Runtime (MLAS) use for
 * float tanh, with the argument clamped to [−9, 9] as XLA and MLAS do (docs/decisions/030-fast-tanh-baseline.md).
 *
 *   g(x) = x·P(x²) / Q(x²),  P of degree 6, Q of degree 3 (the coefficients below, Eigen's `ptanh_float`)
 *
 * Seven multiply-adds, one multiply and one division, no exponential: the cheap competitor ISRU has to beat if
 * ISRU's case is its price. It is a timing baseline, not an activation of the study's cells.
 *
 * In double arithmetic |g − tanh| ≤ 2.6e-8 on the whole line (relative 1.3e-7 near 0, where P(0)/Q(0) is
 * 1 − 1.3e-7): about one float32 ulp, far from double precision. On [−9, 9] g is increasing and |g| < 1;
 * beyond, it stays at g(±9) = ±(1 − 2.5e-8). The error table against 50-digit references:
 * ./fast-tanh-accuracy.ts.
 */
import { ActivationFunction, FloatArray, checkLengths } from './types';

/** Where the argument is clamped: g is increasing up to here (it rises above 1 past 9.4). */
export const FAST_TANH_CLAMP = 9;

/** P's coefficients, constant term first (Eigen's alpha_1 … alpha_13). */
export const FAST_TANH_P: readonly number[] = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
];
/** Q's coefficients, constant term first (Eigen's beta_0 … beta_6). */
export const FAST_TANH_Q: readonly number[] = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** c[0] + c[1]·u + … by Horner's rule, highest coefficient first (the order of the vector kernel). */
function horner(c: readonly number[], u: number): number {
  let s = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) s = c[k] + s * u;
  return s;
}

const clamp = (x: number): number => Math.min(Math.max(x, -FAST_TANH_CLAMP), FAST_TANH_CLAMP);

/** g(x): the vector kernel's operations in its order (clamp, x², Horner, x·P, ÷ Q), so both give the same double. */
function f(x: number): number {
  const xc = clamp(x);
  const u = xc * xc;
  return (xc * horner(FAST_TANH_P, u)) / horner(FAST_TANH_Q, u);
}

const derivative = (c: readonly number[]): number[] => c.slice(1).map((ck, k) => (k + 1) * ck);
const dP = derivative(FAST_TANH_P), dQ = derivative(FAST_TANH_Q);

/**
 * g′ = (P·Q + 2u·(P′Q − P·Q′)) / Q² inside the clamp, 0 outside (g is constant there). The numerator's terms
 * are of order Q² while g′ falls to 1e-7 at the clamp, so the error is a few ulps of 1 (absolute), relative
 * only where g′ is not small (|x| ≲ 2).
 */
function df(x: number): number {
  if (!(Math.abs(x) <= FAST_TANH_CLAMP)) return Number.isNaN(x) ? NaN : 0;
  const u = x * x;
  const p = horner(FAST_TANH_P, u), q = horner(FAST_TANH_Q, u);
  return (p * q + 2 * u * (horner(dP, u) * q - p * horner(dQ, u))) / (q * q);
}

/**
 * tanh's identity 1 − y², what a training engine uses with this forward: g satisfies it within 1.3e-7 (the
 * most at 0, where g′(0) = P(0)/Q(0) = 1 − 1.3e-7), and it needs no division.
 */
function dfy(y: number): number {
  return 1 - y * y;
}

// ------------------------------------------------------------------ the antiderivative

/**
 * ∫₀ˣ g = ½∫₀^{x²} P(u)/Q(u) du, with P/Q = S + Σᵢ Aᵢ/(u − rᵢ): S the quotient of the polynomial division,
 * rᵢ the three (real, negative) roots of Q, Aᵢ = R(rᵢ)/Q′(rᵢ) for the remainder R. Computed once, at load.
 */
interface PartialFractions {
  quotient: number[];
  roots: number[];
  residues: number[];
}

function partialFractions(): PartialFractions {
  const rest = [...FAST_TANH_P];
  const n = FAST_TANH_Q.length - 1;
  const quotient = new Array<number>(rest.length - n).fill(0);
  for (let k = quotient.length - 1; k >= 0; k--) {
    const c = rest[k + n] / FAST_TANH_Q[n];
    quotient[k] = c;
    for (let j = 0; j <= n; j++) rest[k + j] -= c * FAST_TANH_Q[j];
  }
  const remainder = rest.slice(0, n);
  // Q's roots approximate tanh's poles x = ±i(k + ½)π, i.e. u = −((k + ½)π)²: Newton's method from there
  const roots = [1, 3, 5].map((k) => {
    let r = -(((k * Math.PI) / 2) ** 2);
    for (let it = 0; it < 60; it++) {
      const step = horner(FAST_TANH_Q, r) / horner(dQ, r);
      r -= step;
      if (Math.abs(step) <= 1e-16 * Math.abs(r)) break;
    }
    return r;
  });
  return { quotient, roots, residues: roots.map((r) => horner(remainder, r) / horner(dQ, r)) };
}

const PF = partialFractions();

/** ½∫₀^U P/Q du for 0 ≤ U ≤ clamp²; log1p keeps the relative accuracy of the small-U end (F ≈ x²/2). */
function halfIntegral(U: number): number {
  let s = 0;
  for (let k = PF.quotient.length - 1; k >= 0; k--) s = (s + PF.quotient[k] / (k + 1)) * U;
  for (let i = 0; i < PF.roots.length; i++) s += PF.residues[i] * Math.log1p(U / -PF.roots[i]);
  return s / 2;
}

const AT_CLAMP = { integral: halfIntegral(FAST_TANH_CLAMP * FAST_TANH_CLAMP), value: f(FAST_TANH_CLAMP) };

/** F(x) = ∫₀ˣ g(t) dt: even; past the clamp F(9) + g(9)·(|x| − 9). */
function integral(x: number): number {
  const a = Math.abs(x);
  if (Number.isNaN(a)) return NaN;
  if (a <= FAST_TANH_CLAMP) return halfIntegral(a * a);
  return AT_CLAMP.integral + AT_CLAMP.value * (a - FAST_TANH_CLAMP);
}

// ------------------------------------------------------------------ kernels

function apply<T extends FloatArray>(out: T, x: FloatArray): T {
  checkLengths('fastTanh.apply', out, x);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

function backward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray): T {
  checkLengths('fastTanh.backward', dx, y, dy);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = dy[i] * (1 - v * v);
  }
  return dx;
}

export const fastTanh: ActivationFunction = {
  meta: {
    name: 'fastTanh',
    displayName: 'fast tanh (minimax 13/6)',
    // the rational inside the clamp; mathjs differentiates it, and the clamp is checked separately
    expression: `x * (${FAST_TANH_P.map((c, k) => `${c} * x^${2 * k}`).join(' + ')}) / (${FAST_TANH_Q.map((c, k) => `${c} * x^${2 * k}`).join(' + ')})`,
    latex: '\\frac{x\\,P(x^2)}{Q(x^2)},\\ |x| \\le 9',
    dfLatex: '\\frac{P Q + 2x^2 (P\'Q - P Q\')}{Q^2}',
    integralLatex: '\\tfrac12 \\int_0^{x^2} \\frac{P(u)}{Q(u)}\\,du',
  },
  f,
  df,
  dfy,
  integral,
  apply,
  backward,
};

/** The logistic sigmoid through tanh, σ(x) = (1 + tanh(x/2))/2: what the SIMD baseline computes, as a scalar reference. */
export function sigmoidViaTanh(x: number): number {
  return 0.5 + 0.5 * Math.tanh(0.5 * x);
}
