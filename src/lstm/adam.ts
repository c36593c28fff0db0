/**
 * Gradient clipping and the Adam update (Kingma & Ba 2015), over a row range [i0, i1) of the flat
 * arrays so a worker can update its own slice. p, g, m, v share the parameter layout.
 */
import type { Float } from './buffers';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export const DEFAULT_ADAM: AdamHyper = { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * Everything one Adam step needs besides the arrays, computed once per step (on the main thread; worker
 * threads receive these numbers): the bias corrections c1 = 1/(1-β1ᵗ), c2 = 1/(1-β2ᵗ), a1 = 1-β1,
 * a2 = 1-β2, and the element-wise clipping limit (Infinity for none).
 */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  c1: number;
  c2: number;
  a1: number;
  a2: number;
  limit: number;
}

/** The coefficients of Adam step t (1-based). */
export function adamStepCoefficients(h: AdamHyper, t: number, limit: number): AdamStep {
  const { lr, beta1, beta2, eps } = h;
  return { lr, beta1, beta2, eps, c1: 1 / (1 - Math.pow(beta1, t)), c2: 1 / (1 - Math.pow(beta2, t)), a1: 1 - beta1, a2: 1 - beta2, limit };
}

/**
 * One Adam step over elements [i0, i1) with bias correction, after clipping each gradient element to
 * [-limit, limit] (g itself is left unchanged):
 *   m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  p -= lr · (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)
 * The WebAssembly kernel uses the same operation order, so float64 results are identical.
 */
export function adamUpdate(p: Float, g: Float, m: Float, v: Float, k: AdamStep, i0 = 0, i1 = p.length): void {
  const { lr, beta1, beta2, eps, c1, c2, a1, a2, limit } = k;
  for (let i = i0; i < i1; i++) {
    let gi = g[i];
    if (gi > limit) gi = limit;
    else if (gi < -limit) gi = -limit;
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
  }
}

/** Euclidean norm of g. */
export function l2Norm(g: Float): number {
  let s = 0;
  for (let k = 0; k < g.length; k++) s += g[k] * g[k];
  return Math.sqrt(s);
}

/** Norm clipping: scales g so that its L2 norm is at most maxNorm; returns the norm before scaling. */
export function clipNorm(g: Float, maxNorm: number): number {
  const n = l2Norm(g);
  if (n > maxNorm) {
    const s = maxNorm / n;
    for (let k = 0; k < g.length; k++) g[k] *= s;
  }
  return n;
}

/** The learning rate after n iterations with decay constant k: lr / (1 + n/k); k = 0 means no decay. */
export function decayedLr(lr: number, n: number, k: number): number {
  return k > 0 ? lr / (1 + n / k) : lr;
}
