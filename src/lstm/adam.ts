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
 * One Adam step t (1-based) with bias correction, after clipping each gradient element to [-limit, limit]
 * (pass Infinity for no element-wise clipping; g itself is left unchanged):
 *   m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  p -= lr · (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)
 */
export function adamStep(
  p: Float, g: Float, m: Float, v: Float, t: number, h: AdamHyper, limit: number, i0 = 0, i1 = p.length,
): void {
  const { lr, beta1, beta2, eps } = h;
  const c1 = 1 / (1 - Math.pow(beta1, t));
  const c2 = 1 / (1 - Math.pow(beta2, t));
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  for (let k = i0; k < i1; k++) {
    let gk = g[k];
    if (gk > limit) gk = limit;
    else if (gk < -limit) gk = -limit;
    const mk = beta1 * m[k] + a1 * gk;
    const vk = beta2 * v[k] + a2 * gk * gk;
    m[k] = mk;
    v[k] = vk;
    p[k] -= (lr * mk * c1) / (Math.sqrt(vk * c2) + eps);
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
