/**
 * Finite-difference check of Lstm.lossAndGradients: every parameter of a small float64 net is nudged by
 * ±h, ±2h, ±3h and the seven-point central difference
 *   (45(L(p+h) - L(p-h)) - 9(L(p+2h) - L(p-2h)) + (L(p+3h) - L(p-3h))) / 60h
 * is compared with the analytic gradient. Its truncation error is O(h⁶), so h = 1e-2 is affordable and
 * the rounding noise (≈ eps_mach·loss/h ≈ 1e-14 absolute) is ~1000x smaller than that of the plain
 * central difference at h = 1e-5 (measured: the plain form tops out near 4e-4 relative error on
 * 1e-8-sized gradients, purely from that noise).
 *
 * Relative error per parameter: |analytic - numeric| / max(|analytic|, |numeric|, floor). The floor
 * (default 1e-6; typical gradients here are 1e-4..1e-1) keeps parameters whose true gradient is ~0 from
 * dividing the remaining noise by ~0. maxAbsError is reported too.
 *
 * A float32 net is checked against the float64 truth: its analytic gradient (float32 kernels) is compared
 * with the finite differences of a float64 twin holding the same (float32-representable) parameters.
 * Finite differences taken in float32 would measure float32's rounding noise (≈ 6e-8·loss/h), not the
 * gradient. Its relative error per parameter then carries float32 rounding of the whole pass, so float32
 * is judged by maxAbsError against maxGradient (the largest analytic component), as in the tests.
 */
import type { Float, Precision } from './buffers';
import type { CellSpec } from './cell-spec';
import type { KernelKind } from './backend';
import { createLstm, Lstm } from './network';
import { Rng } from './rng';

export interface GradCheckOptions {
  vocabSize: number;
  layers: number;
  neurons: number;
  /** the cell checked (default: the original study's, tanh with sigmoid gates, scalar) */
  cell?: CellSpec;
  /** precision of the net whose analytic gradient is checked (default 'f64'; see above for 'f32') */
  precision?: Precision;
  steps: number;
  seed?: number;
  /** called after every checked parameter with the count done and the total (a long check shows progress) */
  onProgress?: (done: number, total: number) => void;
  h?: number;
  floor?: number;
  /** scale the initial weights (larger weights exercise the nonlinearities beyond their linear part) */
  weightScale?: number;
  /** kernel implementation (default: the runtime's default, see backend-select.ts) */
  kernels?: KernelKind;
  /** called on the fresh net before the check (tests use it to plant a bug and see the check catch it) */
  mutate?: (net: Lstm) => void;
}

export interface GradCheckResult extends FiniteDifferenceComparison {
  parameters: number;
  loss: number;
  /** the largest |analytic gradient| component */
  maxGradient: number;
}

export function gradientCheck(o: GradCheckOptions): GradCheckResult {
  const seed = o.seed ?? 1;
  const h = o.h ?? 1e-2;
  const floor = o.floor ?? 1e-6;
  const precision = o.precision ?? 'f64';
  const config = { vocabSize: o.vocabSize, layers: o.layers, neurons: o.neurons, cell: o.cell, seed, kernels: o.kernels };
  const net = createLstm({ ...config, precision });
  const rng = new Rng(seed + 1000);
  o.mutate?.(net);
  const P = net.params;
  if (o.weightScale !== undefined) for (let k = 0; k < P.length; k++) P[k] *= o.weightScale;
  // perturb the biases too, so that no gradient is trivially tied to the initial constants
  for (let k = 0; k < P.length; k++) P[k] += rng.uniform(0.05);
  const inputs = Array.from({ length: o.steps }, () => rng.nextU32() % o.vocabSize);
  const targets = Array.from({ length: o.steps }, () => rng.nextU32() % o.vocabSize);
  const loss = net.lossAndGradients(inputs, targets);
  const analytic = Float64Array.from(net.grads);
  const truth = precision === 'f64' ? net : createLstm({ ...config, precision: 'f64' });
  if (truth !== net) truth.params.set(P);
  const r = compareWithFiniteDifferences(truth.params, analytic, () => truth.lossAndGradients(inputs, targets), { h, floor, onProgress: o.onProgress });
  net.grads.set(analytic);
  const maxGradient = analytic.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  return { parameters: P.length, loss, maxGradient, ...r };
}

export interface FiniteDifferenceComparison {
  maxRelError: number;
  maxAbsError: number;
  worstIndex: number;
  analyticAtWorst: number;
  numericAtWorst: number;
}

/**
 * Compares `analytic` with the seven-point central difference of `loss()` with respect to each parameter
 * in `params` (every `stride`-th one), nudging the parameter in place and restoring it. `loss` must
 * recompute from `params` (it may overwrite any gradient buffer; `analytic` must be a copy).
 */
export function compareWithFiniteDifferences(
  params: Float, analytic: Float64Array, loss: () => number,
  { h = 1e-2, floor = 1e-6, stride = 1, onProgress }: { h?: number; floor?: number; stride?: number; onProgress?: (done: number, total: number) => void } = {},
): FiniteDifferenceComparison {
  const total = Math.ceil(params.length / stride);
  let maxRelError = 0;
  let maxAbsError = 0;
  let worstIndex = -1;
  let numericAtWorst = 0;
  for (let k = 0; k < params.length; k += stride) {
    const saved = params[k];
    const at = (d: number): number => {
      params[k] = saved + d;
      return loss();
    };
    // seven-point stencil: truncation error O(h⁶), so h can be large enough that rounding noise is small
    const numeric = (45 * (at(h) - at(-h)) - 9 * (at(2 * h) - at(-2 * h)) + (at(3 * h) - at(-3 * h))) / (60 * h);
    params[k] = saved;
    const a = analytic[k];
    maxAbsError = Math.max(maxAbsError, Math.abs(a - numeric));
    const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
    if (!(rel <= maxRelError)) {
      maxRelError = rel;
      worstIndex = k;
      numericAtWorst = numeric;
    }
    onProgress?.(k / stride + 1, total);
  }
  return { maxRelError, maxAbsError, worstIndex, analyticAtWorst: worstIndex >= 0 ? analytic[worstIndex] : 0, numericAtWorst };
}
