/**
 * The compute backend of a network: where its buffers live and the kernels that run over them. Every
 * numeric part of the engine that is not plain bookkeeping goes through this interface, so the passes
 * (./passes.ts), the worker threads and the weather model are written once for both implementations:
 *
 *   'js'    plain TypeScript loops (./dense.ts, ./adam.ts) over ordinary typed arrays
 *   'wasm'  WebAssembly SIMD kernels over one shared WebAssembly memory that holds every buffer of the
 *           network (./wasm/backend.ts); worker threads attach to the same memory
 *
 * Contracts (both implementations): arrays are row-major, offsets and leading dimensions in elements,
 * products only ever ADD into their output, and every array passed to a backend comes from its alloc().
 * Which backend a network gets is decided in one place, `defaultKernels` (see docs/ARCHITECTURE.md).
 */
import { UserError } from '../errors';
import { AdamStep, adamUpdate } from './adam';
import { allocFloat, Float, Precision } from './buffers';
import { CellKernels, cellKernels, CellSpec } from './cell';
import { gemmNT, gemvN, transpose } from './dense';
import { WasmBackend } from './wasm/backend';
import { wasmSimdAvailable } from './wasm/kernels';

export type KernelKind = 'wasm' | 'js';

export interface Backend {
  readonly kind: KernelKind;
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

/**
 * The kernels a network runs with unless its configuration names them: LSTM_OPT_KERNELS=js|wasm, else
 * WebAssembly SIMD where this runtime has it (and 'js' where it has not, even when wasm was asked for).
 */
export function defaultKernels(precision: Precision): KernelKind {
  const env = process.env.LSTM_OPT_KERNELS;
  if (env === 'js') return 'js';
  // a misspelt override silently running the other kernels would measure the wrong thing
  if (env !== undefined && env !== '' && env !== 'wasm') throw new UserError(`LSTM_OPT_KERNELS must be 'wasm' or 'js' (or unset), got '${env}'`);
  return wasmSimdAvailable(precision) ? 'wasm' : 'js';
}

export interface BackendOptions {
  /** 'js' only: back every buffer by a SharedArrayBuffer (the 'wasm' memory is always shared) */
  shared?: boolean;
  /** 'wasm' only: the memory's initial size (it grows when needed) */
  initialBytes?: number;
}

export function createBackend(precision: Precision, kind: KernelKind, o: BackendOptions = {}): Backend {
  return kind === 'wasm' ? WasmBackend.create(precision, o.initialBytes ?? 1 << 20) : new JsBackend(precision, o.shared ?? false);
}

class JsBackend implements Backend {
  readonly kind = 'js';
  /** Bᵀ for gemmNN, grown on demand */
  private scratch: Float | undefined;

  constructor(readonly precision: Precision, private readonly shared: boolean) {}

  alloc(length: number): Float {
    return allocFloat(this.precision, length, this.shared);
  }

  readonly gemv = gemvN;
  readonly gemmNT = gemmNT;
  readonly transpose = transpose;

  /**
   * In the dot form over a transposed copy of B: V8 does not vectorise, and the axpy form re-loads and
   * re-stores C once per four rows of B, which measured slower (./dense.ts).
   */
  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    if (!this.scratch || this.scratch.length < K * Nc) this.scratch = allocFloat(this.precision, K * Nc);
    transpose(K, Nc, B, bOff, ldb, this.scratch, 0, K);
    gemmNT(M, Nc, K, A, aOff, lda, this.scratch, 0, K, C, cOff, ldc);
  }

  adam(p: Float, g: Float, m: Float, v: Float, k: AdamStep, i0: number, i1: number): void {
    adamUpdate(p, g, m, v, k, i0, i1);
  }

  cell(spec: CellSpec): CellKernels {
    if (spec.impl !== 'scalar') throw new UserError(`activation implementation '${spec.impl}' needs the WebAssembly kernels; the 'js' kernels have only 'scalar'`);
    return cellKernels(spec);
  }
}
