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
 * gemmnt(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k]: 2x4 register blocks
 *   (two rows of A against four rows of B: 6 vector loads per 8 vector multiply-adds, against 5 per 4
 *   for gemv), with gemv for the edges.
 */
import type { AdamHyper } from '../adam';
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
/** Upper bound of any network's memory (4 GiB, the wasm32 limit). */
const MAX_PAGES = 65536;
/**
 * A shared memory reserves address space for its maximum up front, so each network asks for what it
 * plausibly needs: 8x its initial size (room for several windows), at least 1 GiB.
 */
function maximumPages(initialPages: number): number {
  return Math.min(MAX_PAGES, Math.max(16384, 8 * initialPages));
}

/**
 * Byte offsets travel through JavaScript bit operations and signed i32 arguments, so an arena never
 * grows past 2 GiB even though wasm32 could address 4.
 */
export const ARENA_MAX_BYTES = 2 ** 31;

function initialPagesFor(initialBytes: number): number {
  return Math.min(MAX_PAGES, Math.max(1, Math.ceil(initialBytes / PAGE) + 1));
}

/** How many bytes an Arena created with `initialBytes` can hand out in total (for up-front memory checks). */
export function arenaCapacity(initialBytes: number): number {
  return Math.min(ARENA_MAX_BYTES, maximumPages(initialPagesFor(initialBytes)) * PAGE);
}

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

function gemmntBody(p: Precision): number[] {
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
  // params 0 M, 1 Nc, 2 K, 3 a, 4 lda, 5 b, 6 ldb, 7 c, 8 ldc
  // locals 9 i, 10 j, 11 Kb, 12 Kv, 13 o, 14 a0, 15 a1, 16..19 b0..b3, 20 c0, 21 c1,
  //        22..29 acc (v128; acc(r, q): row r of A against row q of B), 30 xa0, 31 xa1, 32 xb (v128),
  //        33..40 s (scalars), 41 ta0, 42 ta1
  const M = 0, Nc = 1, K = 2, a = 3, lda = 4, b = 5, ldb = 6, c = 7, ldc = 8;
  const i = 9, j = 10, Kb = 11, Kv = 12, o = 13, A0 = 14, B0 = 16, C0 = 20, ACC = 22, XA = 30, S = 33, TA = 41;
  const acc = (r: number, q: number): number => ACC + 4 * r + q; // r: row of A (0..1), q: row of B (0..3)
  const sum = (r: number, q: number): number => S + 4 * r + q;
  const gemvCall = (rowA: number, jFrom: number[]): number[] => [
    // gemv(Nc - j, K, b + j*ldb, ldb, a_row, c_row + j*es)
    ...op.get(Nc), ...jFrom, ...op.sub, ...op.get(K),
    ...op.get(b), ...jFrom, ...op.get(ldb), ...op.mul, ...op.add, ...op.get(ldb),
    ...op.get(A0 + rowA),
    ...op.get(C0 + rowA), ...jFrom, ...op.i32(lg), ...op.shl, ...op.add,
    ...op.call(0),
  ];
  const block2x4: number[] = [
    ...op.get(b), ...op.get(j), ...op.get(ldb), ...op.mul, ...op.add, ...op.set(B0),
    ...[0, 1, 2].map((q) => [...op.get(B0 + q), ...op.get(ldb), ...op.add, ...op.set(B0 + q + 1)]).flat(),
    ...Array.from({ length: 8 }, (_, x) => [...op.v128zero, ...op.set(ACC + x)]).flat(),
    ...op.i32(0), ...op.set(o),
    ...op.block, ...op.loop,
    ...op.get(o), ...op.get(Kv), ...op.geS, ...op.brIf(1),
    ...op.get(A0), ...op.get(o), ...op.add, ...op.v128load, ...op.set(XA),
    ...op.get(A0 + 1), ...op.get(o), ...op.add, ...op.v128load, ...op.set(XA + 1),
    ...[0, 1, 2, 3].map((q) => [
      ...op.get(B0 + q), ...op.get(o), ...op.add, ...op.v128load, // one vector of row q of B, used for both rows of A
      ...op.tee(XA + 2),
      ...op.get(XA), ...vmul, ...op.get(acc(0, q)), ...vadd, ...op.set(acc(0, q)),
      ...op.get(XA + 2), ...op.get(XA + 1), ...vmul, ...op.get(acc(1, q)), ...vadd, ...op.set(acc(1, q)),
    ]).flat(),
    ...op.get(o), ...op.i32(16), ...op.add, ...op.set(o),
    ...op.br(0), ...op.end, ...op.end,
    // horizontal sums
    ...[0, 1].map((r) => [0, 1, 2, 3].map((q) => {
      const out = [...op.get(acc(r, q)), ...lane(0)];
      for (let l = 1; l < lanes; l++) out.push(...op.get(acc(r, q)), ...lane(l), ...fadd);
      return [...out, ...op.set(sum(r, q))];
    }).flat()).flat(),
    // scalar tail over k
    ...op.block, ...op.loop,
    ...op.get(o), ...op.get(Kb), ...op.geS, ...op.brIf(1),
    ...op.get(A0), ...op.get(o), ...op.add, ...fload, ...op.set(TA),
    ...op.get(A0 + 1), ...op.get(o), ...op.add, ...fload, ...op.set(TA + 1),
    ...[0, 1].map((r) => [0, 1, 2, 3].map((q) => [
      ...op.get(sum(r, q)), ...op.get(B0 + q), ...op.get(o), ...op.add, ...fload, ...op.get(TA + r), ...fmul, ...fadd, ...op.set(sum(r, q)),
    ]).flat()).flat(),
    ...op.get(o), ...op.i32(es), ...op.add, ...op.set(o),
    ...op.br(0), ...op.end, ...op.end,
    // C[i + r, j + q] += s
    ...[0, 1].map((r) => [0, 1, 2, 3].map((q) => {
      const addr = [...op.get(C0 + r), ...op.get(j), ...op.i32(q), ...op.add, ...op.i32(lg), ...op.shl, ...op.add];
      return [...addr, ...addr, ...fload, ...op.get(sum(r, q)), ...fadd, ...fstore];
    }).flat()).flat(),
  ];
  return [
    ...op.get(K), ...op.i32(lg), ...op.shl, ...op.set(Kb),
    ...op.get(Kb), ...op.i32(-16), ...op.and, ...op.set(Kv),
    ...op.i32(0), ...op.set(i),
    // pairs of rows of A
    ...op.block, ...op.loop,
    ...op.get(i), ...op.i32(2), ...op.add, ...op.get(M), ...op.gtS, ...op.brIf(1),
    ...op.get(a), ...op.get(i), ...op.get(lda), ...op.mul, ...op.add, ...op.set(A0),
    ...op.get(A0), ...op.get(lda), ...op.add, ...op.set(A0 + 1),
    ...op.get(c), ...op.get(i), ...op.get(ldc), ...op.mul, ...op.add, ...op.set(C0),
    ...op.get(C0), ...op.get(ldc), ...op.add, ...op.set(C0 + 1),
    ...op.i32(0), ...op.set(j),
    ...op.block, ...op.loop,
    ...op.get(j), ...op.i32(4), ...op.add, ...op.get(Nc), ...op.gtS, ...op.brIf(1),
    ...block2x4,
    ...op.get(j), ...op.i32(4), ...op.add, ...op.set(j),
    ...op.br(0), ...op.end, ...op.end,
    // the last Nc % 4 rows of B, by gemv
    ...gemvCall(0, op.get(j)),
    ...gemvCall(1, op.get(j)),
    ...op.get(i), ...op.i32(2), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
    // an odd last row of A
    ...op.block,
    ...op.get(i), ...op.get(M), ...op.geS, ...op.brIf(0),
    ...op.get(a), ...op.get(i), ...op.get(lda), ...op.mul, ...op.add, ...op.set(A0),
    ...op.get(c), ...op.get(i), ...op.get(ldc), ...op.mul, ...op.add, ...op.set(C0),
    ...gemvCall(0, op.i32(0)),
    ...op.end,
  ];
}

/**
 * adam(n, p, g, m, v, lr, c1, c2, b1, b2, eps, limit, a1, a2) over n elements at byte addresses p, g, m, v:
 *   g' = clamp(g, ±limit); m = b1·m + a1·g'; v = b2·v + (a2·g')·g'; p -= ((lr·m)·c1) / (sqrt(v·c2) + eps)
 * (the operation order of ../adam.ts, so float64 results are identical to the TypeScript loop).
 */
function adamBody(p: Precision): number[] {
  const f = p === 'f64';
  const es = f ? 8 : 4;
  const v = f
    ? { add: op.f64x2add, sub: op.f64x2sub, mul: op.f64x2mul, div: op.f64x2div, min: op.f64x2min, max: op.f64x2max, sqrt: op.f64x2sqrt, splat: op.f64x2splat }
    : { add: op.f32x4add, sub: op.f32x4sub, mul: op.f32x4mul, div: op.f32x4div, min: op.f32x4min, max: op.f32x4max, sqrt: op.f32x4sqrt, splat: op.f32x4splat };
  const sc = f
    ? { add: op.f64add, sub: op.f64sub, mul: op.f64mul, div: op.f64div, min: op.f64min, max: op.f64max, sqrt: op.f64sqrt, load: op.f64load, store: op.f64store }
    : { add: op.f32add, sub: op.f32sub, mul: op.f32mul, div: op.f32div, min: op.f32min, max: op.f32max, sqrt: op.f32sqrt, load: op.f32load, store: op.f32store };
  // params 0 n, 1 p, 2 g, 3 m, 4 v, 5 lr, 6 c1, 7 c2, 8 b1, 9 b2, 10 eps, 11 limit, 12 a1, 13 a2
  // locals 14 o, 15 nb, 16 nv (i32); 17 G, 18 M, 19 V (v128); 20..28 splats of params 5..13 (v128);
  //        29 NLIM (v128); 30 g, 31 m, 32 v, 33 nlim (scalars)
  const P = 1, Gp = 2, Mp = 3, Vp = 4, O = 14, NB = 15, NV = 16, G = 17, M = 18, V = 19, SPL = 20, NLIM = 29, g = 30, m = 31, vv = 32, nlim = 33;
  const spl = (param: number): number => SPL + (param - 5);
  const addr = (base: number): number[] => [...op.get(base), ...op.get(O), ...op.add];
  const vec = [
    // G = max(min(g, limit), -limit)
    ...addr(Gp), ...op.v128load, ...op.get(spl(11)), ...v.min, ...op.get(NLIM), ...v.max, ...op.set(G),
    // M = b1·m + a1·G
    ...op.get(spl(8)), ...addr(Mp), ...op.v128load, ...v.mul, ...op.get(spl(12)), ...op.get(G), ...v.mul, ...v.add, ...op.set(M),
    ...addr(Mp), ...op.get(M), ...op.v128store,
    // V = b2·v + (a2·G)·G
    ...op.get(spl(9)), ...addr(Vp), ...op.v128load, ...v.mul, ...op.get(spl(13)), ...op.get(G), ...v.mul, ...op.get(G), ...v.mul, ...v.add, ...op.set(V),
    ...addr(Vp), ...op.get(V), ...op.v128store,
    // p -= ((lr·M)·c1) / (sqrt(V·c2) + eps)
    ...addr(P),
    ...addr(P), ...op.v128load,
    ...op.get(spl(5)), ...op.get(M), ...v.mul, ...op.get(spl(6)), ...v.mul,
    ...op.get(V), ...op.get(spl(7)), ...v.mul, ...v.sqrt, ...op.get(spl(10)), ...v.add,
    ...v.div, ...v.sub, ...op.v128store,
  ];
  const scalar = [
    ...addr(Gp), ...sc.load, ...op.get(11), ...sc.min, ...op.get(nlim), ...sc.max, ...op.set(g),
    ...op.get(8), ...addr(Mp), ...sc.load, ...sc.mul, ...op.get(12), ...op.get(g), ...sc.mul, ...sc.add, ...op.set(m),
    ...addr(Mp), ...op.get(m), ...sc.store,
    ...op.get(9), ...addr(Vp), ...sc.load, ...sc.mul, ...op.get(13), ...op.get(g), ...sc.mul, ...op.get(g), ...sc.mul, ...sc.add, ...op.set(vv),
    ...addr(Vp), ...op.get(vv), ...sc.store,
    ...addr(P),
    ...addr(P), ...sc.load,
    ...op.get(5), ...op.get(m), ...sc.mul, ...op.get(6), ...sc.mul,
    ...op.get(vv), ...op.get(7), ...sc.mul, ...sc.sqrt, ...op.get(10), ...sc.add,
    ...sc.div, ...sc.sub, ...sc.store,
  ];
  return [
    ...op.get(0), ...op.i32(f ? 3 : 2), ...op.shl, ...op.set(NB),
    ...op.get(NB), ...op.i32(-16), ...op.and, ...op.set(NV),
    ...Array.from({ length: 9 }, (_, k) => [...op.get(5 + k), ...v.splat, ...op.set(SPL + k)]).flat(),
    ...op.get(spl(11)), ...(f ? op.f64x2neg : op.f32x4neg), ...op.set(NLIM),
    ...op.get(11), ...(f ? op.f64neg : op.f32neg), ...op.set(nlim),
    ...op.i32(0), ...op.set(O),
    ...op.block, ...op.loop,
    ...op.get(O), ...op.get(NV), ...op.geS, ...op.brIf(1),
    ...vec,
    ...op.get(O), ...op.i32(16), ...op.add, ...op.set(O),
    ...op.br(0), ...op.end, ...op.end,
    ...op.block, ...op.loop,
    ...op.get(O), ...op.get(NB), ...op.geS, ...op.brIf(1),
    ...scalar,
    ...op.get(O), ...op.i32(es), ...op.add, ...op.set(O),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/**
 * gemmnn(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[k, j]  (addresses, strides in bytes)
 * The axpy form: for each row i of C, four scaled rows of B at a time are added along j in vectors, so
 * no operand needs transposing (used for dH_top = dY·Wy, whose B is small). dh_next and dH_below use the
 * dot form over a transposed copy instead: this form loads and stores C once per four rows of B, which
 * cost 1.3-1.5x with two threads at 2x256 (network.ts, wT).
 */
function gemmnnBody(p: Precision): number[] {
  const f = p === 'f64';
  const es = f ? 8 : 4;
  const lg = f ? 3 : 2;
  const vadd = f ? op.f64x2add : op.f32x4add;
  const vmul = f ? op.f64x2mul : op.f32x4mul;
  const splat = f ? op.f64x2splat : op.f32x4splat;
  const fload = f ? op.f64load : op.f32load;
  const fstore = f ? op.f64store : op.f32store;
  const fadd = f ? op.f64add : op.f32add;
  const fmul = f ? op.f64mul : op.f32mul;
  // params 0 M, 1 Nc, 2 K, 3 a, 4 lda, 5 b, 6 ldb, 7 c, 8 ldc
  // locals i32: 9 i, 10 k, 11 jb, 12 Nb, 13 Nv, 14 arow, 15 crow, 16..19 b0..b3, 20 K4
  //        v128: 21..24 splats of A(i, k..k+3); scalars: 25..28 A(i, k..k+3)
  const M = 0, Nc = 1, K = 2, a = 3, lda = 4, b = 5, ldb = 6, c = 7, ldc = 8;
  const i = 9, k = 10, jb = 11, Nb = 12, Nv = 13, AROW = 14, CROW = 15, B0 = 16, K4 = 20, SPL = 21, SA = 25;
  const kBlock = (n: number): number[] => [
    ...Array.from({ length: n }, (_, q) => [
      ...op.get(AROW), ...op.get(k), ...op.i32(q), ...op.add, ...op.i32(lg), ...op.shl, ...op.add, ...fload, ...op.set(SA + q),
      ...op.get(SA + q), ...splat, ...op.set(SPL + q),
    ]).flat(),
    ...op.get(b), ...op.get(k), ...op.get(ldb), ...op.mul, ...op.add, ...op.set(B0),
    ...Array.from({ length: n - 1 }, (_, q) => [...op.get(B0 + q), ...op.get(ldb), ...op.add, ...op.set(B0 + q + 1)]).flat(),
    ...op.i32(0), ...op.set(jb),
    // vectors along j: C = (((C + A0·B0) + A1·B1) + ...)
    ...op.block, ...op.loop,
    ...op.get(jb), ...op.get(Nv), ...op.geS, ...op.brIf(1),
    ...op.get(CROW), ...op.get(jb), ...op.add,
    ...op.get(CROW), ...op.get(jb), ...op.add, ...op.v128load,
    ...Array.from({ length: n }, (_, q) => [...op.get(SPL + q), ...op.get(B0 + q), ...op.get(jb), ...op.add, ...op.v128load, ...vmul, ...vadd]).flat(),
    ...op.v128store,
    ...op.get(jb), ...op.i32(16), ...op.add, ...op.set(jb),
    ...op.br(0), ...op.end, ...op.end,
    // scalar tail along j
    ...op.block, ...op.loop,
    ...op.get(jb), ...op.get(Nb), ...op.geS, ...op.brIf(1),
    ...op.get(CROW), ...op.get(jb), ...op.add,
    ...op.get(CROW), ...op.get(jb), ...op.add, ...fload,
    ...Array.from({ length: n }, (_, q) => [...op.get(SA + q), ...op.get(B0 + q), ...op.get(jb), ...op.add, ...fload, ...fmul, ...fadd]).flat(),
    ...fstore,
    ...op.get(jb), ...op.i32(es), ...op.add, ...op.set(jb),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(k), ...op.i32(n), ...op.add, ...op.set(k),
  ];
  return [
    ...op.get(Nc), ...op.i32(lg), ...op.shl, ...op.set(Nb),
    ...op.get(Nb), ...op.i32(-16), ...op.and, ...op.set(Nv),
    ...op.get(K), ...op.i32(-4), ...op.and, ...op.set(K4),
    ...op.i32(0), ...op.set(i),
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(M), ...op.geS, ...op.brIf(1),
    ...op.get(a), ...op.get(i), ...op.get(lda), ...op.mul, ...op.add, ...op.set(AROW),
    ...op.get(c), ...op.get(i), ...op.get(ldc), ...op.mul, ...op.add, ...op.set(CROW),
    ...op.i32(0), ...op.set(k),
    ...op.block, ...op.loop,
    ...op.get(k), ...op.get(K4), ...op.geS, ...op.brIf(1),
    ...kBlock(4),
    ...op.br(0), ...op.end, ...op.end,
    ...op.block, ...op.loop,
    ...op.get(k), ...op.get(K), ...op.geS, ...op.brIf(1),
    ...kBlock(1),
    ...op.br(0), ...op.end, ...op.end,
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
      {
        name: 'gemmnt', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [],
        locals: [...new Array(13).fill(I32), ...new Array(11).fill(V128), ...new Array(10).fill(F)],
        body: gemmntBody(p),
      },
      {
        name: 'gemmnn', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [],
        locals: [...new Array(12).fill(I32), V128, V128, V128, V128, F, F, F, F],
        body: gemmnnBody(p),
      },
      {
        name: 'adam', params: [I32, I32, I32, I32, I32, F, F, F, F, F, F, F, F, F], results: [],
        locals: [I32, I32, I32, ...new Array(13).fill(V128), F, F, F, F],
        body: adamBody(p),
      },
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
  private readonly gemmnnFn: Arena['gemmntFn'];
  private readonly adamFn: (n: number, p: number, g: number, m: number, v: number, lr: number, c1: number, c2: number, b1: number, b2: number, eps: number, limit: number, a1: number, a2: number) => void;
  readonly es: number;
  private readonly maxPages: number;

  constructor(readonly precision: Precision, initialBytes: number) {
    const mod = kernelModule(precision);
    if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime');
    const pages = initialPagesFor(initialBytes);
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
