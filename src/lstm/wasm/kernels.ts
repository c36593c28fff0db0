/**
 * SIMD versions of the engine's two dot-form kernels (gemvN, gemmNT; same signatures and meaning as
 * ../kernels.ts), written as WebAssembly with the 128-bit SIMD instructions: f64x2 for 'f64', f32x4
 * for 'f32' (so the f32 path really computes in single precision here). Written in AssemblyScript
 * (./assembly/kernels.ts) and compiled at build time, one module per precision (./binaries.ts).
 *
 * WebAssembly can only address its own linear memory, so every operand must live in the Arena of the
 * network that calls the kernel: the Arena is one shared WebAssembly.Memory (a SharedArrayBuffer, so
 * the multithreading issue's workers can instantiate the same module over the same memory), and all
 * of a network's parameters, gradients and window buffers are views into it.
 *
 * gemv(R, K, w, ldw, x, y)   y[j] += Σ_k W[j, k]·x[k] for j < R; addresses and ldw in BYTES.
 *   Four rows at a time, four vector accumulators, a scalar tail for K not a multiple of the lane
 *   count, then one row at a time for the remaining rows.
 * gemmnt(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k]: 2x4 register blocks
 *   (two rows of A against four rows of B: 6 vector loads per 8 vector multiply-adds, against 5 per 4
 *   for gemv), with gemv for the edges.
 */
import type { AdamHyper } from '../adam';
import type { Float, Precision } from '../buffers';
import { readKernelBytes } from './binaries';

/** The slice of the WebAssembly JS API used here (tsconfig has no DOM lib, where its types live). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** Upper bound of any network's memory (4 GiB, the wasm32 limit). */
const MAX_PAGES = 65536;
/**
 * A shared memory reserves address space for its maximum up front, so each network asks for what it
 * plausibly needs: 8x its initial size (room for several windows), at least 1 GiB.
 */
function maximumPages(initialPages: number): number {
  return Math.min(MAX_PAGES, Math.max(16384, 8 * initialPages));
}

const modules = new Map<Precision, object | null>();

/**
 * The compiled kernel module for a precision, or null when this runtime lacks WebAssembly SIMD or shared
 * memory. The module is built from ./assembly/kernels.ts at `npm run build` (./binaries.ts).
 */
export function kernelModule(p: Precision): object | null {
  if (modules.has(p)) return modules.get(p)!;
  if (!WA) return null;
  const bytes = readKernelBytes(p);
  let mod: object | null = null;
  try {
    mod = new WA.Module(bytes);
  } catch {
    mod = null;
  }
  modules.set(p, mod);
  return mod;
}

export function wasmSimdAvailable(p: Precision = 'f64'): boolean {
  return WA !== undefined && typeof SharedArrayBuffer === 'function' && kernelModule(p) !== null;
}

/**
 * A bump allocator over one shared WebAssembly.Memory, plus the kernels instantiated on it. Memory is
 * only ever added (a network's buffers live as long as the network); growing a shared memory keeps
 * existing views valid.
 */
export class Arena {
  readonly memory: WasmMemory;
  private top = 0;
  private readonly gemvFn: (R: number, K: number, w: number, ldw: number, x: number, y: number) => void;
  private readonly gemmntFn: (M: number, Nc: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
  private readonly gemmnnFn: Arena['gemmntFn'];
  private readonly adamFn: (n: number, p: number, g: number, m: number, v: number, lr: number, c1: number, c2: number, b1: number, b2: number, eps: number, limit: number, a1: number, a2: number) => void;
  readonly es: number;
  private readonly maxPages: number;

  constructor(readonly precision: Precision, initialBytes: number) {
    const mod = kernelModule(precision);
    if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
    const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(initialBytes / PAGE) + 1));
    this.maxPages = maximumPages(pages);
    this.memory = new WA!.Memory({ initial: pages, maximum: this.maxPages, shared: true });
    const inst = new WA!.Instance(mod, { env: { memory: this.memory } });
    this.gemvFn = inst.exports.gemv as Arena['gemvFn'];
    this.gemmntFn = inst.exports.gemmnt as Arena['gemmntFn'];
    this.adamFn = inst.exports.adam as Arena['adamFn'];
    this.gemmnnFn = inst.exports.gemmnn as Arena['gemmntFn'];
    this.es = precision === 'f64' ? 8 : 4;
  }

  /** A zero-filled view of `length` elements, 16-byte aligned. */
  alloc(length: number): Float {
    const start = (this.top + 15) & ~15;
    const end = start + length * this.es;
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

  /** Same contract as ../kernels.ts gemvN; every array must come from this arena. */
  gemvN(R: number, K: number, W: Float, wOff: number, ldw: number, x: Float, xOff: number, y: Float, yOff: number): void {
    const es = this.es;
    this.gemvFn(R, K, W.byteOffset + wOff * es, ldw * es, x.byteOffset + xOff * es, y.byteOffset + yOff * es);
  }

  /** Same contract as ../adam.ts adamStep; every array must come from this arena. */
  adamStep(p: Float, g: Float, m: Float, v: Float, t: number, h: AdamHyper, limit: number, i0 = 0, i1 = p.length): void {
    const es = this.es;
    const c1 = 1 / (1 - Math.pow(h.beta1, t));
    const c2 = 1 / (1 - Math.pow(h.beta2, t));
    const o = i0 * es;
    this.adamFn(i1 - i0, p.byteOffset + o, g.byteOffset + o, m.byteOffset + o, v.byteOffset + o, h.lr, c1, c2, h.beta1, h.beta2, h.eps, limit, 1 - h.beta1, 1 - h.beta2);
  }

  /** C[i, j] += Σ_k A[i, k]·B[k, j] (row-major, strides in elements); every array must come from this arena. */
  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    const es = this.es;
    this.gemmnnFn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
  }

  /** Same contract as ../kernels.ts gemmNT; every array must come from this arena. */
  gemmNT(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    const es = this.es;
    this.gemmntFn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
  }
}
