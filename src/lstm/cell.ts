/**
 * The point-wise part of one LSTM time step, forward and backward, specialised per activation.
 *
 * Gate rows of step t live in z[t*4N .. t*4N+4N) as blocks [f; i; g; o]. On entry to the forward they
 * hold pre-activations; the forward overwrites them with the activated gates (the backward only needs
 * those: every derivative below is written in terms of the output y):
 *
 *   f, i, o = gate(z_f, z_i, z_o)  g = act(z_g)
 *   c[t+1] = f ⊙ c[t] + i ⊙ g      tc[t] = act(c[t+1])      h[t+1] = o ⊙ tc[t]
 *
 *   cell act   tanh(x)                         tanh' = 1 - y²
 *              isru(x) = x / sqrt(1 + x²)      isru' = (1 + x²)^{-3/2} = (1 - y²)^{3/2}
 *   gate       σ(x) = 1 / (1 + e^{-x})         σ' = y(1 - y)
 *              isru-sigmoid(x) = (1 + isru(x/2)) / 2 = ½ + x / (2 sqrt(4 + x²))
 *                                              isru-sigmoid' = 2 (4 + x²)^{-3/2} = 2 (y(1 - y))^{3/2}
 *
 * ISRU here is the study's α = 1, and the ISRU-sigmoid is src/activations' isruSigmoid at α = 1: built
 * from isru as σ is built from tanh (σ(x) = (1 + tanh(x/2))/2), so it has σ's value ½ and slope ¼ at 0.
 * Its derivative from the output follows from 1 - (2y - 1)² = 4y(1 - y), which has no cancellation
 * where the gate is nearly shut or open. (In terms of r = 1/sqrt(1 + (x/2)²), the isru of the halved
 * input, it is r³/4; the r³/2 of the naive (1 + isru(x))/2 belongs to a gate twice as steep as σ.)
 *
 * c and h have T+1 rows: row 0 is the state entering the window. Each function handles neurons
 * [j0, j1) only, so a worker can run a slice. The activation is chosen once, at construction
 * (`cellKernels`), because an indirect call per element in this loop costs measurably.
 *
 * A cell is named by a CellSpec: the cell activation (candidate g and cell output), the gate activation
 * (f, i, o) and the implementation of the point-wise loop. `keep` (T, 5N per layer) is room for values a
 * forward keeps for its backward beyond the activated outputs (e.g. ISRU's 1/sqrt(1 + x²)); kernels that
 * need none ignore it.
 */
import type { Float } from './buffers';

/** The cell activation: candidate g and the cell output act(c). */
export type Activation = 'tanh' | 'isru';
/** The gate activation of f, i and o: the logistic sigmoid, or the ISRU-shaped sigmoid (1 + isru(x/2))/2. */
export type GateActivation = 'sigmoid' | 'isru-sigmoid';
/** 'scalar': one element at a time through Math (the reference); 'simd': WebAssembly SIMD vectors. */
export type ActivationImpl = 'scalar' | 'simd';

export interface CellSpec {
  activation: Activation;
  gate: GateActivation;
  impl: ActivationImpl;
}

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'isru'];
export const GATE_ACTIVATIONS: readonly GateActivation[] = ['sigmoid', 'isru-sigmoid'];
export const ACTIVATION_IMPLS: readonly ActivationImpl[] = ['scalar', 'simd'];

/**
 * A cell's choices beside its activation, under the names configurations use (LstmConfig, the sweeps,
 * the weather model); STUDY_VARIANT is the original study's, what every file without them means.
 */
export interface CellVariant {
  gate: GateActivation;
  activationImpl: ActivationImpl;
}

export const STUDY_VARIANT: Readonly<CellVariant> = { gate: 'sigmoid', activationImpl: 'scalar' };

/** The spec a configuration that names only its cell activation means (files and flags predating gates). */
export function cellSpec(activation: Activation, gate: GateActivation = 'sigmoid', impl: ActivationImpl = 'scalar'): CellSpec {
  return { activation, gate, impl };
}

/**
 * How a spec is named in file names, progress labels and sweep identities: the cell activation alone for
 * the original study's cell (sigmoid gates, scalar), so those names stay the study's ('tanh', 'isru');
 * otherwise the parts that differ, joined by '+': 'isru+isru-sigmoid', 'tanh+simd', 'isru+isru-sigmoid+simd'.
 */
export function cellName(spec: CellSpec): string {
  const parts: string[] = [spec.activation];
  if (spec.gate !== 'sigmoid') parts.push(spec.gate);
  if (spec.impl !== 'scalar') parts.push(spec.impl);
  return parts.join('+');
}

/** Rows of `keep` per time step, in units of N: one per gate block [f; i; g; o] and one for act(c). */
export const KEEP_ROWS = 5;

export type CellForward = (N: number, t: number, z: Float, c: Float, h: Float, tc: Float, keep: Float, j0: number, j1: number) => void;

/**
 * dh: (T, N) gradient w.r.t. h[t+1] (from above and from step t+1), dc: (N) gradient w.r.t. c[t+1]
 * from step t+1 (updated in place to the gradient w.r.t. c[t]); writes dz row t (gradient w.r.t.
 * the gate pre-activations).
 */
export type CellBackward = (
  N: number, t: number, z: Float, c: Float, tc: Float, keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
) => void;

export function cellForwardTanh(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const f = 1 / (1 + Math.exp(-z[zf + j]));
    const i = 1 / (1 + Math.exp(-z[zi + j]));
    const g = Math.tanh(z[zg + j]);
    const o = 1 / (1 + Math.exp(-z[zo + j]));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = Math.tanh(cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellForwardIsru(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const f = 1 / (1 + Math.exp(-z[zf + j]));
    const i = 1 / (1 + Math.exp(-z[zi + j]));
    const xg = z[zg + j];
    const g = xg / Math.sqrt(1 + xg * xg);
    const o = 1 / (1 + Math.exp(-z[zo + j]));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = cv / Math.sqrt(1 + cv * cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardTanh(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const dcv = dc[j] + d * o * (1 - y * y);
    dz[zf + j] = dcv * c[row + j] * f * (1 - f);
    dz[zi + j] = dcv * g * i * (1 - i);
    dz[zg + j] = dcv * i * (1 - g * g);
    dz[zo + j] = d * y * o * (1 - o);
    dc[j] = dcv * f;
  }
}

export function cellBackwardIsru(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const uy = 1 - y * y; // = 1/(1+c²), so isru'(c) = uy^{3/2}
    const dcv = dc[j] + d * o * uy * Math.sqrt(uy);
    dz[zf + j] = dcv * c[row + j] * f * (1 - f);
    dz[zi + j] = dcv * g * i * (1 - i);
    const ug = 1 - g * g;
    dz[zg + j] = dcv * i * ug * Math.sqrt(ug);
    dz[zo + j] = d * y * o * (1 - o);
    dc[j] = dcv * f;
  }
}

/*
 * The ISRU-sigmoid gates. The forward is ½ + ½·x/sqrt(4 + x²): one square root and one division per
 * gate, against one exp and one division for σ. The backward takes the derivative from the stored gate,
 * 2·u·sqrt(u) with u = y(1 - y), the way the ISRU cell takes (1 - y²)^{3/2} from its output. The gate is
 * accurate to about one ulp of 1 in absolute terms (what f·c and i·g need), not relatively in its far
 * lower tail (y ≈ 1/x² below x ≈ -1e3), where src/activations' cancellation-free branch would cost a
 * branch per gate for values that no longer matter.
 */

export function cellForwardTanhIsruSigmoid(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xo = z[zo + j];
    const f = 0.5 + 0.5 * (xf / Math.sqrt(4 + xf * xf));
    const i = 0.5 + 0.5 * (xi / Math.sqrt(4 + xi * xi));
    const g = Math.tanh(z[zg + j]);
    const o = 0.5 + 0.5 * (xo / Math.sqrt(4 + xo * xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = Math.tanh(cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellForwardIsruIsruSigmoid(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = 0.5 + 0.5 * (xf / Math.sqrt(4 + xf * xf));
    const i = 0.5 + 0.5 * (xi / Math.sqrt(4 + xi * xi));
    const g = xg / Math.sqrt(1 + xg * xg);
    const o = 0.5 + 0.5 * (xo / Math.sqrt(4 + xo * xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = cv / Math.sqrt(1 + cv * cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardTanhIsruSigmoid(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const dcv = dc[j] + d * o * (1 - y * y);
    const uf = f * (1 - f), ui = i * (1 - i), uo = o * (1 - o); // isru-sigmoid' = 2·u^{3/2}
    dz[zf + j] = dcv * c[row + j] * 2 * uf * Math.sqrt(uf);
    dz[zi + j] = dcv * g * 2 * ui * Math.sqrt(ui);
    dz[zg + j] = dcv * i * (1 - g * g);
    dz[zo + j] = d * y * 2 * uo * Math.sqrt(uo);
    dc[j] = dcv * f;
  }
}

export function cellBackwardIsruIsruSigmoid(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const uy = 1 - y * y;
    const dcv = dc[j] + d * o * uy * Math.sqrt(uy);
    const uf = f * (1 - f), ui = i * (1 - i), uo = o * (1 - o);
    dz[zf + j] = dcv * c[row + j] * 2 * uf * Math.sqrt(uf);
    dz[zi + j] = dcv * g * 2 * ui * Math.sqrt(ui);
    const ug = 1 - g * g;
    dz[zg + j] = dcv * i * ug * Math.sqrt(ug);
    dz[zo + j] = d * y * 2 * uo * Math.sqrt(uo);
    dc[j] = dcv * f;
  }
}

/*
 * Derivatives from the stored outputs, not from a kept 1/sqrt(·): in the network keeping r and q saves
 * within the noise, and the stored-output form keeps the ISRU cell with sigmoid gates bit-identical to the
 * original study's arithmetic (measurements: docs/decisions/005-isru-derivatives-from-outputs.md).
 */

export interface CellKernels {
  forward: CellForward;
  backward: CellBackward;
}

/** The scalar kernels of a spec (the 'simd' ones are the WebAssembly backend's). */
export function cellKernels(spec: CellSpec): CellKernels {
  const { activation, gate } = spec;
  if (activation !== 'tanh' && activation !== 'isru') throw new Error(`unknown activation '${String(activation)}' (expected tanh or isru)`);
  if (gate !== 'sigmoid' && gate !== 'isru-sigmoid') throw new Error(`unknown gate activation '${String(gate)}' (expected sigmoid or isru-sigmoid)`);
  return SCALAR_KERNELS[activation][gate];
}

const SCALAR_KERNELS: Record<Activation, Record<GateActivation, CellKernels>> = {
  tanh: {
    sigmoid: { forward: cellForwardTanh, backward: cellBackwardTanh },
    'isru-sigmoid': { forward: cellForwardTanhIsruSigmoid, backward: cellBackwardTanhIsruSigmoid },
  },
  isru: {
    sigmoid: { forward: cellForwardIsru, backward: cellBackwardIsru },
    'isru-sigmoid': { forward: cellForwardIsruIsruSigmoid, backward: cellBackwardIsruIsruSigmoid },
  },
};
