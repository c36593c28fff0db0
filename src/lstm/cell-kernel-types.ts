/**
 * The shape of one time step's point-wise cell kernels, apart from the kernels themselves: the generated
 * scalar kernels (./cell-kernels.ts) and ./cell.ts both need it, and neither may import the other.
 */
import type { Float } from './buffers';

export type CellForward = (N: number, t: number, z: Float, c: Float, h: Float, tc: Float, keep: Float, j0: number, j1: number) => void;

/**
 * dh: (T, N) gradient w.r.t. h[t+1] (from above and from step t+1), dc: (N) gradient w.r.t. c[t+1]
 * from step t+1 (updated in place to the gradient w.r.t. c[t]); writes dz row t (gradient w.r.t.
 * the gate pre-activations).
 */
export type CellBackward = (
  N: number, t: number, z: Float, c: Float, tc: Float, keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
) => void;

export interface CellKernels {
  forward: CellForward;
  backward: CellBackward;
}
