/**
 * What a compute backend offers the engine (./backend.ts chooses and builds one; ./wasm/backend.ts is
 * the WebAssembly implementation). On its own so that an implementation depends on the interface, not
 * on the module that selects it.
 */
import type { AdamStep } from './adam';
import type { Float, Precision } from './buffers';
import type { CellKernels, CellSpec } from './cell';
import type { Blocking } from './wasm/blocking';

export type KernelKind = 'wasm' | 'wasm-fma' | 'js';
export const KERNEL_KINDS: readonly KernelKind[] = ['js', 'wasm', 'wasm-fma'];

export interface Backend {
  readonly kind: KernelKind;
  /** the WebAssembly kernels' product blocking (./wasm/blocking.ts); undefined for 'js' */
  readonly blocking?: Blocking;
  readonly precision: Precision;
  /** A zero-filled array of `length` elements in this backend's memory. */
  alloc(length: number): Float;
  /** y[j] += Σ_k W[j, k]·x[k] for j < R, k < K */
  gemv(R: number, K: number, W: Float, wOff: number, ldw: number, x: Float, xOff: number, y: Float, yOff: number): void;
  /** C[i, j] += Σ_k A[i, k]·B[j, k] for i < M, j < Nc, k < K ("A times B transposed") */
  gemmNT(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void;
  /** C[i, j] += Σ_k A[i, k]·B[k, j] for i < M, j < Nc, k < K */
  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void;
  /** dst[c, r] = src[r, c] for r < rows, c < cols */
  transpose(rows: number, cols: number, src: Float, sOff: number, lds: number, dst: Float, dOff: number, ldd: number): void;
  /** One Adam step over elements [i0, i1) of the parameters p (gradients g, moments m and v) */
  adam(p: Float, g: Float, m: Float, v: Float, k: AdamStep, i0: number, i1: number): void;
  /** The point-wise cell kernels (forward and backward of one time step) of a cell spec */
  cell(spec: CellSpec): CellKernels;
}
