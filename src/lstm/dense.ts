/**
 * The dense linear-algebra kernels of the engine: plain loops over flat row-major typed arrays with
 * explicit offsets and leading dimensions (so callers address sub-blocks and row slices without copies,
 * and a worker thread can run a slice of the same call). They only ever ADD into C.
 *
 * Why blocked loops: V8 does not vectorise, so speed comes from fewer loads per multiply-add and
 * independent accumulators that keep the FP pipeline busy. gemmNT computes a 2x4 block of dot
 * products at once (6 loads per 8 multiply-adds instead of 16). Measured (Node 20, x64, double,
 * N = 100): gemmNT ≈ 5.6 GFLOP/s on the weight-gradient shapes against ≈ 4.2 for the axpy form
 * (four scaled rows of B added to a row of C), so the backward pass transposes its small operands
 * (O(T·N)) to compute the O(T·N²) weight gradients with gemmNT (see passes.ts). Bigger register blocks
 * (1x8, 2x2 k-unrolled) measured slower: V8 spills, and every typed-array access carries a bounds check.
 */
import type { Float } from './buffers';

/**
 * C[i, j] += sum_k A[i, k] * B[j, k]     for i < M, j < Nc, k < K   ("A times B transposed")
 * A (M, K) at aOff with row stride lda; B (Nc, K) at bOff with row stride ldb; C (M, Nc) at cOff, stride ldc.
 */
export function gemmNT(
  M: number, Nc: number, K: number,
  A: Float, aOff: number, lda: number,
  B: Float, bOff: number, ldb: number,
  C: Float, cOff: number, ldc: number,
): void {
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    let j = 0;
    for (; j + 4 <= Nc; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const w0 = B[b0 + k];
        const w1 = B[b1 + k];
        const w2 = B[b2 + k];
        const w3 = B[b3 + k];
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
      }
      C[c0 + j] += s00; C[c0 + j + 1] += s01; C[c0 + j + 2] += s02; C[c0 + j + 3] += s03;
      C[c1 + j] += s10; C[c1 + j + 1] += s11; C[c1 + j + 2] += s12; C[c1 + j + 3] += s13;
    }
    for (; j < Nc; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k];
        s0 += A[a0 + k] * w;
        s1 += A[a1 + k] * w;
      }
      C[c0 + j] += s0;
      C[c1 + j] += s1;
    }
  }
  if (i < M) gemvN(Nc, K, B, bOff, ldb, A, aOff + i * lda, C, cOff + i * ldc);
}

/**
 * y[j] += sum_k W[j, k] * x[k]   for j < R, k < K: a matrix-vector product over R rows of W
 * (row stride ldw), four rows at a time with 4 accumulators.
 */
export function gemvN(
  R: number, K: number,
  W: Float, wOff: number, ldw: number,
  x: Float, xOff: number,
  y: Float, yOff: number,
): void {
  let j = 0;
  for (; j + 4 <= R; j += 4) {
    const w0 = wOff + j * ldw;
    const w1 = w0 + ldw;
    const w2 = w1 + ldw;
    const w3 = w2 + ldw;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < K; k++) {
      const v = x[xOff + k];
      s0 += W[w0 + k] * v;
      s1 += W[w1 + k] * v;
      s2 += W[w2 + k] * v;
      s3 += W[w3 + k] * v;
    }
    y[yOff + j] += s0;
    y[yOff + j + 1] += s1;
    y[yOff + j + 2] += s2;
    y[yOff + j + 3] += s3;
  }
  for (; j < R; j++) {
    const w0 = wOff + j * ldw;
    let s0 = 0, s1 = 0;
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      s0 += W[w0 + k] * x[xOff + k];
      s1 += W[w0 + k + 1] * x[xOff + k + 1];
    }
    if (k < K) s0 += W[w0 + k] * x[xOff + k];
    y[yOff + j] += s0 + s1;
  }
}

/**
 * dst[c, r] = src[r, c] for r < rows, c < cols (src row stride lds, dst row stride ldd).
 * In 8x8 tiles: a plain row-by-row loop writes down a column of dst, one cache line per element, and
 * evicts those lines before their neighbours are written once dst is larger than L1 (measured 1.5 ms
 * for a 1024x256 float64 matrix plain, 0.34 ms tiled; 4x4 and 16x16 tiles measured slower).
 */
export function transpose(
  rows: number, cols: number,
  src: Float, sOff: number, lds: number,
  dst: Float, dOff: number, ldd: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const s0 = sOff + r * lds;
        let d = dOff + c0 * ldd + r;
        for (let c = c0; c < c1; c++, d += ldd) dst[d] = src[s0 + c];
      }
    }
  }
}

const TILE = 8;
