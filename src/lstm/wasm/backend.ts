/**
 * The WebAssembly backend (../backend.ts): one shared WebAssembly.Memory per network, a bump allocator
 * over it, and the SIMD kernels of ./kernels.ts instantiated on it. The wrappers turn the engine's
 * (array, element offset, element stride) arguments into the byte addresses the kernels take.
 *
 * A worker thread attaches to the network's memory with the main thread's compiled module (`attach`):
 * a WebAssembly.Module posted to a worker shares its compiled code, so the worker runs the optimised
 * tier from its first call, on the very same bytes as the main thread. Memory is only ever added (a
 * network's buffers live as long as the network); growing a shared memory keeps existing views valid.
 */
import type { AdamStep } from '../adam';
import type { Backend } from '../backend-interface';
import type { Float, Precision } from '../buffers';
import { CellKernels, cellKernels, CellSpec } from '../cell';
import { MAX_PAGES, PAGE, WA, WasmMemory } from './api';
import { Blocking, blockingExport, DEFAULT_BLOCKING } from './blocking';
import { kernelModule } from './kernels';
import { simdCellKernels } from './pointwise';

type Product = (M: number, Nc: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
type Gemv = (R: number, K: number, w: number, ldw: number, x: number, y: number) => void;
type Transpose = (rows: number, cols: number, src: number, lds: number, dst: number, ldd: number) => void;
type Adam = (n: number, p: number, g: number, m: number, v: number, lr: number, c1: number, c2: number, b1: number, b2: number, eps: number, limit: number, a1: number, a2: number) => void;

/**
 * A shared memory reserves address space for its maximum up front, so each network asks for what it
 * plausibly needs: 8x its initial size (room for several windows), at least 1 GiB.
 */
function maximumPages(initialPages: number): number {
  return Math.min(MAX_PAGES, Math.max(16384, 8 * initialPages));
}

/**
 * Byte offsets travel through JavaScript bit operations and signed i32 arguments, so a network's memory
 * never grows past 2 GiB even though wasm32 could address 4.
 */
export const ARENA_MAX_BYTES = 2 ** 31;

function initialPagesFor(initialBytes: number): number {
  return Math.min(MAX_PAGES, Math.max(1, Math.ceil(initialBytes / PAGE) + 1));
}

/** How many bytes a backend created with `initialBytes` can hand out in total (for up-front memory checks). */
export function arenaCapacity(initialBytes: number): number {
  return Math.min(ARENA_MAX_BYTES, maximumPages(initialPagesFor(initialBytes)) * PAGE);
}

export class WasmBackend implements Backend {
  /** 'wasm-fma' when the module is the relaxed-SIMD set */
  readonly kind: 'wasm' | 'wasm-fma';
  private top = 0;
  private readonly es: number;
  private readonly gemvFn: Gemv;
  private readonly gemmntFn: Product;
  private readonly gemmnnFn: Product;
  private readonly adamFn: Adam;
  private readonly exports: Record<string, unknown>;
  private readonly transposeFn: Transpose;

  private constructor(
    readonly precision: Precision, readonly memory: WasmMemory, readonly module: object, private readonly maxPages: number, fma: boolean,
    /** which of the module's product blockings this backend calls (all give the same bits; ./blocking.ts) */
    readonly blocking: Blocking,
  ) {
    this.kind = fma ? 'wasm-fma' : 'wasm';
    const ex = new WA!.Instance(module, { env: { memory } }).exports;
    this.exports = ex;
    this.gemvFn = ex[blockingExport('gemv', blocking)] as Gemv;
    this.gemmntFn = ex[blockingExport('gemmnt', blocking)] as Product;
    this.gemmnnFn = ex.gemmnn as Product;
    this.adamFn = ex.adam as Adam;
    this.transposeFn = ex.transpose as Transpose;
    this.es = precision === 'f64' ? 8 : 4;
  }

  private static module(precision: Precision, fma: boolean): object {
    const mod = kernelModule(precision, fma);
    if (!mod) throw new Error(fma ? 'WebAssembly relaxed SIMD is not available in this runtime' : 'WebAssembly SIMD is not available in this runtime');
    return mod;
  }

  /** A new memory of at least `initialBytes`, with the plain or (fma) the relaxed-SIMD kernels. */
  static create(precision: Precision, initialBytes: number, fma = false, blocking: Blocking = DEFAULT_BLOCKING): WasmBackend {
    const module = WasmBackend.module(precision, fma);
    const pages = initialPagesFor(initialBytes);
    const maxPages = maximumPages(pages);
    return new WasmBackend(precision, new WA!.Memory({ initial: pages, maximum: maxPages, shared: true }), module, maxPages, fma, blocking);
  }

  /**
   * The kernels over an existing memory (a worker thread's view of its network; it never allocates), by
   * default the main thread's compiled module `module` of kernel set `kind`, with the main thread's blocking.
   */
  static attach(precision: Precision, memory: WasmMemory, module?: object, kind: 'wasm' | 'wasm-fma' = 'wasm', blocking: Blocking = DEFAULT_BLOCKING): WasmBackend {
    const fma = kind === 'wasm-fma';
    return new WasmBackend(precision, memory, module ?? WasmBackend.module(precision, fma), 0, fma, blocking);
  }

  /** A zero-filled view of `length` elements, 16-byte aligned. */
  alloc(length: number): Float {
    const start = Math.ceil(this.top / 16) * 16;
    const end = start + length * this.es;
    if (end > ARENA_MAX_BYTES) throw new RangeError(`network memory would exceed ${ARENA_MAX_BYTES / 2 ** 20} MiB (use kernels: 'js' for larger buffers)`);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > this.maxPages) throw new RangeError(`network memory would exceed ${this.maxPages / 16} MiB (use kernels: 'js' for larger buffers)`);
      this.memory.grow(pages);
    }
    this.top = end;
    const buf = this.memory.buffer;
    return this.precision === 'f64' ? new Float64Array(buf, start, length) : new Float32Array(buf, start, length);
  }

  gemv(R: number, K: number, W: Float, wOff: number, ldw: number, x: Float, xOff: number, y: Float, yOff: number): void {
    const es = this.es;
    if (R > 0) this.gemvFn(R, K, W.byteOffset + wOff * es, ldw * es, x.byteOffset + xOff * es, y.byteOffset + yOff * es);
  }

  gemmNT(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    const es = this.es;
    if (M > 0 && Nc > 0) this.gemmntFn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
  }

  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    const es = this.es;
    if (M > 0 && Nc > 0) this.gemmnnFn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
  }

  /** A copy, no arithmetic: the same bits as the TypeScript transpose, in SIMD register blocks. */
  transpose(rows: number, cols: number, src: Float, sOff: number, lds: number, dst: Float, dOff: number, ldd: number): void {
    const es = this.es;
    if (rows > 0 && cols > 0) this.transposeFn(rows, cols, src.byteOffset + sOff * es, lds * es, dst.byteOffset + dOff * es, ldd * es);
  }

  adam(p: Float, g: Float, m: Float, v: Float, k: AdamStep, i0: number, i1: number): void {
    if (i1 <= i0) return;
    const o = i0 * this.es;
    this.adamFn(i1 - i0, p.byteOffset + o, g.byteOffset + o, m.byteOffset + o, v.byteOffset + o, k.lr, k.c1, k.c2, k.beta1, k.beta2, k.eps, k.limit, k.a1, k.a2);
  }

  /**
   * 'scalar': the TypeScript kernels over the memory's views (as in the 'js' backend); 'simd': the
   * vectorized kernels of this module (./pointwise.ts), so worker threads attached to the same module run
   * the same code.
   */
  cell(spec: CellSpec): CellKernels {
    if (spec.impl === 'simd') return simdCellKernels(this.exports, spec);
    if (spec.impl !== 'scalar') throw new Error(`unknown cell implementation '${String(spec.impl)}' (expected scalar or simd)`);
    return cellKernels(spec);
  }
}
