/**
 * The compute backend of a network: where its buffers live and the kernels that run over them. Every
 * numeric part of the engine that is not plain bookkeeping goes through this interface, so the passes
 * (./passes.ts), the worker threads and the weather model are written once for both implementations:
 *
 *   'js'    plain TypeScript loops (./dense.ts, ./adam.ts) over ordinary typed arrays (./js/backend.ts)
 *   'wasm'  WebAssembly SIMD kernels over one shared WebAssembly memory that holds every buffer of the
 *           network (./wasm/backend.ts); worker threads attach to the same memory
 *   'wasm-fma'  the same kernels and summation order with every multiply-add of the products and Adam a
 *           relaxed-SIMD fused multiply-add (where the runtime has relaxed SIMD; see resolveKernels)
 *
 * Contracts (both implementations): arrays are row-major, offsets and leading dimensions in elements,
 * products only ever ADD into their output, and every array passed to a backend comes from its alloc().
 * This module is the interface alone; the implementations are ./js/backend.ts and ./wasm/backend.ts, and
 * which one a network gets is decided in one place, ./backend-select.ts.
 */
import type { AdamStep } from './adam';
import type { Float, Precision } from './buffers';
import type { CellKernels } from './cell';
import type { CellSpec } from './cell-spec';
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

/** True for the kernel sets whose buffers live in one shared WebAssembly memory (threads need that). */
export function isWasmKernels(kind: KernelKind): boolean {
  return kind === 'wasm' || kind === 'wasm-fma';
}

export interface BackendOptions {
  /** 'js' only: back every buffer by a SharedArrayBuffer (the 'wasm' memory is always shared) */
  shared?: boolean;
  /** 'wasm' only: the memory's initial size (it grows when needed) */
  initialBytes?: number;
  /** 'wasm' only: the product blocking (default: the default blocking; every blocking gives the same bits) */
  blocking?: Blocking;
}
