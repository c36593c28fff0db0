/**
 * SIMD versions of the engine's dense kernels (gemvN, gemmNT; same meaning as ../dense.ts; plus gemmnn
 * and adam), with the 128-bit SIMD instructions: f64x2 for 'f64', f32x4 for 'f32' (so the f32 path
 * really computes in single precision here). Written in AssemblyScript (./assembly/dense-kernels.ts) and
 * compiled at build time, one module per precision (./binaries.ts).
 *
 * WebAssembly can only address its own linear memory, so every operand must live in the memory of the
 * network that calls the kernel: one shared WebAssembly.Memory (a SharedArrayBuffer, so worker threads
 * instantiate the same module over the same memory), of which all of a network's parameters,
 * gradients and window buffers are views (./backend.ts allocates them and wraps these exports).
 *
 * gemv(R, K, w, ldw, x, y)   y[j] += Σ_k W[j, k]·x[k] for j < R; addresses and ldw in BYTES.
 *   Four rows at a time, four vector accumulators, a scalar tail for K not a multiple of the lane
 *   count, then one row at a time for the remaining rows.
 * gemmnt(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k]: 2x4 register blocks
 *   (two rows of A against four rows of B: 6 vector loads per 8 vector multiply-adds, against 5 per 4
 *   for gemv), with gemv for the edges.
 *
 * Two sets of modules: the plain ones (every product rounded, then added) and the fma ones (the same
 * source and summation order with every multiply-add a relaxed-SIMD relaxed_madd), which compile only
 * where relaxed SIMD is available (./relaxed-simd.ts).
 */
import type { Precision } from '../buffers';
import { WA } from './api';
import { readKernelBytes } from './binaries';
import { relaxedSimdAvailable } from './relaxed-simd';

const modules = new Map<string, object | null>();

/** The asconfig.json target of a precision's plain or fma module. */
export function kernelTarget(p: Precision, fma = false): string {
  return fma ? `${p}-fma` : p;
}

/**
 * The compiled kernel module for a precision (fma: the relaxed-SIMD set), or null when this runtime lacks
 * WebAssembly SIMD, shared memory or, for fma, relaxed SIMD. The modules are built from
 * ./assembly/dense-kernels.ts at `npm run build` (./binaries.ts).
 */
export function kernelModule(p: Precision, fma = false): object | null {
  if (fma && !relaxedSimdAvailable()) return null;
  const target = kernelTarget(p, fma);
  if (modules.has(target)) return modules.get(target)!;
  if (!WA) return null;
  const bytes = readKernelBytes(target);
  let mod: object | null = null;
  try {
    mod = new WA.Module(bytes);
  } catch {
    mod = null;
  }
  modules.set(target, mod);
  return mod;
}

export function wasmSimdAvailable(p: Precision = 'f64', fma = false): boolean {
  return WA !== undefined && typeof SharedArrayBuffer === 'function' && kernelModule(p, fma) !== null;
}
