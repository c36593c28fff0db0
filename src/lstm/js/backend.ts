/**
 * The 'js' backend (../backend.ts): plain TypeScript loops (../dense.ts, ../adam.ts) over ordinary typed
 * arrays, optionally backed by SharedArrayBuffer for worker threads.
 */
import { UserError } from '../../errors';
import { AdamStep, adamUpdate } from '../adam';
import type { Backend } from '../backend';
import { allocFloat, Float, Precision } from '../buffers';
import { CellKernels, cellKernels } from '../cell';
import type { CellSpec } from '../cell-spec';
import { gemmNT, gemvN, transpose } from '../dense';

export class JsBackend implements Backend {
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
