/**
 * The signatures of the kernel module's exports (./assembly/kernels.ts, ./assembly/pointwise.ts),
 * declared once for the backend, the tests and the benchmarks. Every address and leading dimension is
 * in BYTES of the module's memory; counts (rows, columns, N, t, the neuron range) are elements.
 */

/** y[j] += Σ_k W[j, k]·x[k] for j < R */
export type GemvExport = (R: number, K: number, w: number, ldw: number, x: number, y: number) => void;
/** gemmnt: C[i, j] += Σ_k A[i, k]·B[j, k]; gemmnn: C[i, j] += Σ_k A[i, k]·B[k, j] */
export type ProductExport = (M: number, Nc: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
/** dst[c, r] = src[r, c] */
export type TransposeExport = (rows: number, cols: number, src: number, lds: number, dst: number, ldd: number) => void;
/** One Adam step over n elements (the coefficients of ../adam.ts AdamStep) */
export type AdamExport = (n: number, p: number, g: number, m: number, v: number, lr: number, c1: number, c2: number, b1: number, b2: number, eps: number, limit: number, a1: number, a2: number) => void;
/** cellForward_<cell>_<gate> (../cell.ts CellForward, over addresses) */
export type CellForwardExport = (N: number, t: number, z: number, c: number, h: number, tc: number, keep: number, j0: number, j1: number) => void;
/** cellBackward_<cell>_<gate> (../cell.ts CellBackward, over addresses) */
export type CellBackwardExport = (
  N: number, t: number, z: number, c: number, tc: number, keep: number, dh: number, dc: number, dz: number, j0: number, j1: number,
) => void;
/** y[0, n) = act(x[0, n)), `which` indexing ./pointwise.ts SIMD_ACTIVATIONS */
export type ActivateExport = (which: number, n: number, x: number, y: number) => void;

/**
 * The exports every kernel module has under a fixed name (gemv and gemmnt in the default blocking; the
 * other blockings as gemv_<b> and gemmnt_<b>, ./blocking.ts blockingExport; the cell kernels under
 * ../cell-spec.ts simdKernelNames).
 */
export interface KernelExports {
  gemv: GemvExport;
  gemmnt: ProductExport;
  gemmnn: ProductExport;
  adam: AdamExport;
  transpose: TransposeExport;
  activate: ActivateExport;
}

/** An instance's exports as the kernel module declares them, with the named ones (blockings, cells) beside. */
export function kernelExports(exports: Record<string, unknown>): KernelExports & Readonly<Record<string, unknown>> {
  return exports as unknown as KernelExports & Readonly<Record<string, unknown>>;
}
