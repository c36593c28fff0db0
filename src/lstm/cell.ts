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
 * A cell is named by a CellSpec (./cell-spec.ts, where every activation and gate is registered); the
 * kernels themselves are generated from one template (./cell-kernel-template.ts, into ./cell-kernels.ts). `keep` (T, 5N per layer) is room for values a
 * forward keeps for its backward beyond the activated outputs (e.g. ISRU's 1/sqrt(1 + x²)); kernels that
 * need none ignore it.
 */
import { CellSpec, cellSpecFieldProblem } from './cell-spec';
import { SCALAR_CELL_KERNELS } from './cell-kernels';
import type { CellKernels } from './cell-kernel-types';

export type { CellBackward, CellForward, CellKernels } from './cell-kernel-types';

export {
  Activation, GateActivation, ActivationImpl, CellSpec, ACTIVATIONS, GATE_ACTIVATIONS, ACTIVATION_IMPLS, STUDY_CELL, cellSpec, cellName,
} from './cell-spec';

/** Rows of `keep` per time step, in units of N: one per gate block [f; i; g; o] and one for act(c). */
export const KEEP_ROWS = 5;


/*
 * The ISRU-sigmoid gates. The forward is ½ + ½·x/sqrt(4 + x²): one square root and one division per
 * gate, against one exp and one division for σ. The backward takes the derivative from the stored gate,
 * 2·u·sqrt(u) with u = y(1 - y), the way the ISRU cell takes (1 - y²)^{3/2} from its output. The gate is
 * accurate to about one ulp of 1 in absolute terms (what f·c and i·g need), not relatively in its far
 * lower tail (y ≈ 1/x² below x ≈ -1e3), where src/activations' cancellation-free branch would cost a
 * branch per gate for values that no longer matter.
 */

/*
 * Derivatives from the stored outputs, not from a kept 1/sqrt(·): in the network keeping r and q saves
 * within the noise, and the stored-output form keeps the ISRU cell with sigmoid gates bit-identical to the
 * original study's arithmetic (measurements: docs/decisions/005-isru-derivatives-from-outputs.md).
 */


/** The scalar kernels of a spec (the 'simd' ones are the WebAssembly backend's). */
export function cellKernels(spec: CellSpec): CellKernels {
  const problem = cellSpecFieldProblem({ ...spec, impl: 'scalar' });
  if (problem) throw new Error(`unknown ${problem.field} activation: ${problem.message}`);
  return SCALAR_CELL_KERNELS[spec.activation][spec.gate];
}
