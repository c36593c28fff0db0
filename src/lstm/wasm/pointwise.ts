/**
 * The 'simd' cell kernels (../cell.ts CellSpec impl 'simd') and the vectorized activations, from the
 * exports of ./assembly/simd-cell-kernels.ts in a kernel module instance. The wrappers turn the engine's arrays
 * (views of the module's memory) into the byte addresses the exports take; N, t and the neuron range
 * stay element counts.
 *
 * `SimdActivations` runs the same vector code over arrays of its own small memory, for the accuracy table
 * (../../activations/simd-accuracy.ts) and the math-bench.
 */
import { ActivateExport, CellBackwardExport, CellForwardExport, kernelExports } from './exports';
import type { Float, Precision } from '../buffers';
import type { CellKernels } from '../cell';
import { CellSpec, simdKernelNames } from '../cell-spec';
import { PAGE, WA } from './api';
import { kernelModule } from './kernels';


/** The SIMD cell kernels of a spec over an instance's exports. */
export function simdCellKernels(exports: Record<string, unknown>, spec: CellSpec): CellKernels {
  const names = simdKernelNames(spec);
  const fwd = exports[names.forward] as CellForwardExport | undefined;
  const bwd = exports[names.backward] as CellBackwardExport | undefined;
  if (!fwd || !bwd) throw new Error(`no SIMD cell kernels for cell '${spec.activation}' with gate '${spec.gate}'`);
  return {
    forward: (N, t, z, c, h, tc, keep, j0, j1) => fwd(N, t, z.byteOffset, c.byteOffset, h.byteOffset, tc.byteOffset, keep.byteOffset, j0, j1),
    backward: (N, t, z, c, tc, keep, dh, dc, dz, j0, j1) =>
      bwd(N, t, z.byteOffset, c.byteOffset, tc.byteOffset, keep.byteOffset, dh.byteOffset, dc.byteOffset, dz.byteOffset, j0, j1),
  };
}

/** The activations the vector code of the cell kernels provides, in the order of the `activate` export's selector. */
export const SIMD_ACTIVATIONS = ['tanh', 'sigmoid', 'isru', 'isru-sigmoid'] as const;
export type SimdActivation = (typeof SIMD_ACTIVATIONS)[number];

/**
 * Cheap alternatives the cell kernels do not use, vectorized beside them for the math-bench and their error
 * tables (selectors after SIMD_ACTIVATIONS'): the clamped minimax rational tanh of
 * src/activations/fast-tanh.ts, and the sigmoid through the vector tanh, σ(x) = ½ + ½·tanh(x/2).
 */
export const SIMD_BASELINES = ['fast-tanh', 'sigmoid-via-tanh'] as const;
export type SimdBaseline = (typeof SIMD_BASELINES)[number];
export type SimdFunction = SimdActivation | SimdBaseline;
const SIMD_SELECTORS: readonly SimdFunction[] = [...SIMD_ACTIVATIONS, ...SIMD_BASELINES];

/** The vectorized activations over arrays up to `capacity` elements, in their own memory. */
export class SimdActivations {
  private readonly run: ActivateExport;
  /** input and output, views of the module's memory */
  readonly x: Float;
  readonly y: Float;

  constructor(readonly precision: Precision, readonly capacity: number) {
    const mod = kernelModule(precision);
    if (!mod || !WA) throw new Error('WebAssembly SIMD is not available in this runtime');
    const es = precision === 'f64' ? 8 : 4;
    const bytes = 2 * capacity * es + 32;
    const pages = Math.ceil(bytes / PAGE) + 1;
    const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    this.run = kernelExports(new WA.Instance(mod, { env: { memory } }).exports).activate;
    const Ctor = precision === 'f64' ? Float64Array : Float32Array;
    this.x = new Ctor(memory.buffer, 0, capacity);
    this.y = new Ctor(memory.buffer, Math.ceil((capacity * es) / 16) * 16, capacity);
  }

  /** y[0, n) = act(x[0, n)) with the values already in `x`. */
  applyInPlace(act: SimdFunction, n: number): void {
    if (n > this.capacity) throw new RangeError(`at most ${this.capacity} elements, got ${n}`);
    this.run(SIMD_SELECTORS.indexOf(act), n, this.x.byteOffset, this.y.byteOffset);
  }

  /** act(xs) as plain numbers (xs rounded to this precision first). */
  apply(act: SimdFunction, xs: ArrayLike<number>): number[] {
    const out: number[] = [];
    for (let i0 = 0; i0 < xs.length; i0 += this.capacity) {
      const n = Math.min(this.capacity, xs.length - i0);
      for (let i = 0; i < n; i++) this.x[i] = xs[i0 + i];
      this.applyInPlace(act, n);
      for (let i = 0; i < n; i++) out.push(this.y[i]);
    }
    return out;
  }
}
