/**
 * SIMD versions of the engine's two dot-form kernels (gemvN, gemmNT; same signatures and meaning as
 * ../kernels.ts), written as WebAssembly with the 128-bit SIMD instructions: f64x2 for 'f64', f32x4
 * for 'f32' (so the f32 path really computes in single precision here). Our own code, assembled at
 * start-up by ./assemble.ts; no toolchain, no dependency.
 *
 * WebAssembly can only address its own linear memory, so every operand must live in the Arena of the
 * network that calls the kernel: the Arena is one shared WebAssembly.Memory (a SharedArrayBuffer, so
 * the multithreading issue's workers can instantiate the same module over the same memory), and all
 * of a network's parameters, gradients and window buffers are views into it.
 *
 * gemv(R, K, w, ldw, x, y)   y[j] += Σ_k W[j, k]·x[k] for j < R; addresses and ldw in BYTES.
 *   Four rows at a time, four vector accumulators, a scalar tail for K not a multiple of the lane
 *   count, then one row at a time for the remaining rows.
 * gemmnt(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k]: one gemv per row of A.
 */
import type { Float, Precision } from '../buffers';
import { assembleModule, F32, F64, FuncDef, I32, op, V128 } from './assemble';

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
/** Upper bound of one network's memory (shared memories need a maximum): 4 GiB. */
const MAX_PAGES = 65536;

function gemvBody(p: Precision): number[] {
  const es = p === 'f64' ? 8 : 4;
  const lg = p === 'f64' ? 3 : 2;
  const lanes = 16 / es;
  const vadd = p === 'f64' ? op.f64x2add : op.f32x4add;
  const vmul = p === 'f64' ? op.f64x2mul : op.f32x4mul;
  const lane = p === 'f64' ? op.f64x2lane : op.f32x4lane;
  const fload = p === 'f64' ? op.f64load : op.f32load;
  const fstore = p === 'f64' ? op.f64store : op.f32store;
  const fadd = p === 'f64' ? op.f64add : op.f32add;
  const fmul = p === 'f64' ? op.f64mul : op.f32mul;
  // params 0 R, 1 K, 2 w, 3 ldw, 4 x, 5 y; locals 6 j, 7 Kb, 8 Kv, 9 o, 10..13 w0..w3,
  // 14..17 acc0..acc3 (v128), 18 xv (v128), 19..22 s0..s3, 23 xs
  const R = 0, w = 2, ldw = 3, x = 4, y = 5, j = 6, Kb = 7, Kv = 8, o = 9, W0 = 10, ACC = 14, XV = 18, S = 19, XS = 23;
  const hsum = (r: number): number[] => {
    const out = [...op.get(ACC + r), ...lane(0)];
    for (let l = 1; l < lanes; l++) out.push(...op.get(ACC + r), ...lane(l), ...fadd);
    return [...out, ...op.set(S + r)];
  };
  const rowsBlock = (n: number, step: number): number[] => [
    // w_r = w + j*ldw + r*ldw
    ...op.get(w), ...op.get(j), ...op.get(ldw), ...op.mul, ...op.add, ...op.set(W0),
    ...Array.from({ length: n - 1 }, (_, r) => [...op.get(W0 + r), ...op.get(ldw), ...op.add, ...op.set(W0 + r + 1)]).flat(),
    ...Array.from({ length: n }, (_, r) => [...op.v128zero, ...op.set(ACC + r)]).flat(),
    ...op.i32(0), ...op.set(o),
    // vector part
    ...op.block, ...op.loop,
    ...op.get(o), ...op.get(Kv), ...op.geS, ...op.brIf(1),
    ...op.get(x), ...op.get(o), ...op.add, ...op.v128load, ...op.set(XV),
    ...Array.from({ length: n }, (_, r) => [
      ...op.get(ACC + r), ...op.get(W0 + r), ...op.get(o), ...op.add, ...op.v128load, ...op.get(XV), ...vmul, ...vadd, ...op.set(ACC + r),
    ]).flat(),
    ...op.get(o), ...op.i32(16), ...op.add, ...op.set(o),
    ...op.br(0), ...op.end, ...op.end,
    ...Array.from({ length: n }, (_, r) => hsum(r)).flat(),
    // scalar tail
    ...op.block, ...op.loop,
    ...op.get(o), ...op.get(Kb), ...op.geS, ...op.brIf(1),
    ...op.get(x), ...op.get(o), ...op.add, ...fload, ...op.set(XS),
    ...Array.from({ length: n }, (_, r) => [
      ...op.get(S + r), ...op.get(W0 + r), ...op.get(o), ...op.add, ...fload, ...op.get(XS), ...fmul, ...fadd, ...op.set(S + r),
    ]).flat(),
    ...op.get(o), ...op.i32(es), ...op.add, ...op.set(o),
    ...op.br(0), ...op.end, ...op.end,
    // y[j + r] += s_r
    ...Array.from({ length: n }, (_, r) => {
      const addr = [...op.get(y), ...op.get(j), ...op.i32(r), ...op.add, ...op.i32(lg), ...op.shl, ...op.add];
      return [...addr, ...addr, ...fload, ...op.get(S + r), ...fadd, ...fstore];
    }).flat(),
    ...op.get(j), ...op.i32(step), ...op.add, ...op.set(j),
  ];
  return [
    ...op.get(1), ...op.i32(lg), ...op.shl, ...op.set(Kb),
    ...op.get(Kb), ...op.i32(-16), ...op.and, ...op.set(Kv),
    ...op.i32(0), ...op.set(j),
    // four rows at a time while j + 4 <= R
    ...op.block, ...op.loop,
    ...op.get(j), ...op.i32(4), ...op.add, ...op.get(R), ...op.gtS, ...op.brIf(1),
    ...rowsBlock(4, 4),
    ...op.br(0), ...op.end, ...op.end,
    // then one row at a time
    ...op.block, ...op.loop,
    ...op.get(j), ...op.get(R), ...op.geS, ...op.brIf(1),
    ...rowsBlock(1, 1),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

function gemmntBody(): number[] {
  // params 0 M, 1 Nc, 2 K, 3 a, 4 lda, 5 b, 6 ldb, 7 c, 8 ldc; local 9 i
  const i = 9;
  return [
    ...op.i32(0), ...op.set(i),
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(0), ...op.geS, ...op.brIf(1),
    ...op.get(1), ...op.get(2), ...op.get(5), ...op.get(6),
    ...op.get(3), ...op.get(i), ...op.get(4), ...op.mul, ...op.add,
    ...op.get(7), ...op.get(i), ...op.get(8), ...op.mul, ...op.add,
    ...op.call(0),
    ...op.get(i), ...op.i32(1), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

const modules = new Map<Precision, object | null>();

/** The compiled kernel module for a precision, or null when this runtime lacks WebAssembly SIMD. */
export function kernelModule(p: Precision): object | null {
  if (modules.has(p)) return modules.get(p)!;
  let mod: object | null = null;
  try {
    if (!WA) return null;
    const F = p === 'f64' ? F64 : F32;
    const funcs: FuncDef[] = [
      { name: 'gemv', params: [I32, I32, I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, F, F, F, F, F], body: gemvBody(p) },
      { name: 'gemmnt', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], locals: [I32], body: gemmntBody() },
    ];
    const bytes = assembleModule(funcs, 1, MAX_PAGES);
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
  readonly es: number;

  constructor(readonly precision: Precision, initialBytes: number) {
    const mod = kernelModule(precision);
    if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
    const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(initialBytes / PAGE) + 1));
    this.memory = new WA!.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const inst = new WA!.Instance(mod, { env: { memory: this.memory } });
    this.gemvFn = inst.exports.gemv as Arena['gemvFn'];
    this.gemmntFn = inst.exports.gemmnt as Arena['gemmntFn'];
    this.es = precision === 'f64' ? 8 : 4;
  }

  /** A zero-filled view of `length` elements, 16-byte aligned. */
  alloc(length: number): Float {
    const start = (this.top + 15) & ~15;
    const end = start + length * this.es;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    const buf = this.memory.buffer;
    return this.precision === 'f64' ? new Float64Array(buf, start, length) : new Float32Array(buf, start, length);
  }

  /** Same contract as ../kernels.ts gemvN; every array must come from this arena. */
  gemvN(R: number, K: number, W: Float, wOff: number, ldw: number, x: Float, xOff: number, y: Float, yOff: number): void {
    const es = this.es;
    this.gemvFn(R, K, W.byteOffset + wOff * es, ldw * es, x.byteOffset + xOff * es, y.byteOffset + yOff * es);
  }

  /** Same contract as ../kernels.ts gemmNT; every array must come from this arena. */
  gemmNT(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    const es = this.es;
    this.gemmntFn(M, Nc, K, A.byteOffset + aOff * es, lda * es, B.byteOffset + bOff * es, ldb * es, C.byteOffset + cOff * es, ldc * es);
  }
}
