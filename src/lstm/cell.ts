/**
 * The point-wise part of one LSTM time step, forward and backward, specialised per activation.
 *
 * Gate rows of step t live in z[t*4N .. t*4N+4N) as blocks [f; i; g; o]. On entry to the forward they
 * hold pre-activations; the forward overwrites them with the activated gates (the backward only needs
 * those: σ' = s(1-s), tanh' = 1-y², isru' = (1-y²)^{3/2}, all from the output y).
 *
 *   f, i, o = σ(z_f, z_i, z_o)     g = act(z_g)
 *   c[t+1] = f ⊙ c[t] + i ⊙ g      tc[t] = act(c[t+1])      h[t+1] = o ⊙ tc[t]
 *
 * c and h have T+1 rows: row 0 is the state entering the window. Each function handles neurons
 * [j0, j1) only, so a worker can run a slice. The activation is chosen once, at construction
 * (`cellKernels`), because an indirect call per element in this loop costs measurably.
 *
 * ISRU here is the study's α = 1: isru(x) = x / sqrt(1 + x²).
 *
 * A cell is named by a CellSpec: the cell activation (candidate g and cell output), the gate activation
 * (f, i, o) and the implementation of the point-wise loop. `keep` (T, 5N per layer) is room for values a
 * forward keeps for its backward beyond the activated outputs (e.g. ISRU's 1/sqrt(1 + x²)); kernels that
 * need none ignore it.
 */
import type { Float } from './buffers';

/** The cell activation: candidate g and the cell output act(c). */
export type Activation = 'tanh' | 'isru';
/** The gate activation of f, i and o: the logistic sigmoid, or the ISRU-shaped sigmoid (1 + isru(x))/2. */
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

/** The spec a configuration that names only its cell activation means (files and flags predating gates). */
export function cellSpec(activation: Activation, gate: GateActivation = 'sigmoid', impl: ActivationImpl = 'scalar'): CellSpec {
  return { activation, gate, impl };
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

export interface CellKernels {
  forward: CellForward;
  backward: CellBackward;
}

/** The scalar kernels of a spec (the 'simd' ones are the WebAssembly backend's). */
export function cellKernels(spec: CellSpec): CellKernels {
  if (spec.gate !== 'sigmoid') throw new Error(`gate '${String(spec.gate)}' has no scalar kernels yet`);
  const activation = spec.activation;
  switch (activation) {
    case 'tanh':
      return { forward: cellForwardTanh, backward: cellBackwardTanh };
    case 'isru':
      return { forward: cellForwardIsru, backward: cellBackwardIsru };
    default:
      throw new Error(`unknown activation '${String(activation)}' (expected tanh or isru)`);
  }
}
