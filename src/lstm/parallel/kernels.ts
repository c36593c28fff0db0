/**
 * The engine's WebAssembly SIMD kernels instantiated over an EXISTING shared memory (the network's
 * Arena memory), so that every thread — main and workers — runs the very same compiled code on the very
 * same bytes. Same contracts as ../wasm/kernels.ts Arena (arrays are views into that memory, offsets and
 * strides in elements).
 */
import type { AdamHyper } from '../adam';
import type { Float, Precision } from '../buffers';
import { kernelModule } from '../wasm/kernels';

export interface ThreadKernels {
  gemvN(R: number, K: number, W: Float, wOff: number, ldw: number, x: Float, xOff: number, y: Float, yOff: number): void;
  gemmNT(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void;
  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void;
  adamStep(p: Float, g: Float, m: Float, v: Float, t: number, h: AdamHyper, limit: number, i0: number, i1: number): void;
}

type Fn = (...a: number[]) => void;

interface WasmInstanceApi {
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * `module`: the compiled kernel module to instantiate; workers receive the main thread's (a
 * WebAssembly.Module posted to a worker shares its compiled code), so they run the optimised tier from
 * the first call instead of compiling their own copy and starting in the baseline tier.
 */
export function attachKernels(precision: Precision, memory: object, module?: object): ThreadKernels {
  const mod = module ?? kernelModule(precision);
  if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
  const WA = (globalThis as unknown as { WebAssembly: WasmInstanceApi }).WebAssembly;
  const ex = new WA.Instance(mod, { env: { memory } }).exports;
  const gemv = ex.gemv as Fn, gemmnt = ex.gemmnt as Fn, gemmnn = ex.gemmnn as Fn, adam = ex.adam as Fn;
  const es = precision === 'f64' ? 8 : 4;
  return {
    gemvN(R, K, W, wOff, ldw, x, xOff, y, yOff) {
      if (R > 0) gemv(R, K, W.byteOffset + wOff * es, ldw * es, x.byteOffset + xOff * es, y.byteOffset + yOff * es);
    },
    gemmNT(M, Nc, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc) {
      if (M > 0 && Nc > 0) gemmnt(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
    },
    gemmNN(M, Nc, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc) {
      if (M > 0 && Nc > 0) gemmnn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
    },
    adamStep(p, g, m, v, t, h, limit, i0, i1) {
      if (i1 <= i0) return;
      const c1 = 1 / (1 - Math.pow(h.beta1, t));
      const c2 = 1 / (1 - Math.pow(h.beta2, t));
      const o = i0 * es;
      adam(i1 - i0, p.byteOffset + o, g.byteOffset + o, m.byteOffset + o, v.byteOffset + o, h.lr, c1, c2, h.beta1, h.beta2, h.eps, limit, 1 - h.beta1, 1 - h.beta2);
    },
  };
}
