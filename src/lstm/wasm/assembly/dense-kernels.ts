/**
 * The engine's WebAssembly kernels, in AssemblyScript. One source, compiled once per precision
 * (asconfig.json): `Real` is f64 in kernels-f64.wasm (f64x2 vectors) and f32 in kernels-f32.wasm
 * (f32x4 vectors, so the f32 path really computes in single precision). Each module imports the
 * network's shared memory as env.memory and nothing else, so the workers instantiate the same module
 * over the same memory. Every pointer and stride is in BYTES; every operand lives in that memory.
 *
 * The summation order is part of each kernel's contract: vector accumulators over whole vectors, their
 * lanes added left to right, then a scalar tail, then one addition into the output. Callers (and the
 * tests) rely on it being the same in both precisions and across thread counts.
 *
 * Two kernel sets from this one source (asconfig.json): the targets 'f64' and 'f32' round every product
 * before it is added (the 'wasm' kernel set); 'f64-fma' and 'f32-fma' are compiled with relaxed SIMD
 * enabled, which turns every multiply-add below into one relaxed_madd (the 'wasm-fma' set). The summation
 * order is the same in both sets; only the rounding of each product differs. relaxed_madd is fused where
 * the CPU has FMA instructions and may round twice elsewhere, so the fma set is reproducible on one
 * machine (and across thread counts) but not necessarily across machines.
 */

/** Bytes per element, lanes per 128-bit vector, log2 of the element size. */
const ES: usize = sizeof<Real>();
const LANES: i32 = <i32>(16 / sizeof<Real>());
const LOG: usize = alignof<Real>();
/** Clears the low bits of a byte count: the part covered by whole vectors. */
const WHOLE_VECTORS: usize = ~(<usize>15);

/** The lanes of v added left to right: ((v0 + v1) + v2) + v3. */
// @ts-ignore: decorator
@inline function lanesSum(v: v128): Real {
  let s = v128.extract_lane<Real>(v, 0) + v128.extract_lane<Real>(v, 1);
  if (LANES == 4) {
    s += v128.extract_lane<Real>(v, 2);
    s += v128.extract_lane<Real>(v, 3);
  }
  return s;
}

/**
 * One vector accumulation step acc + a·b: the product rounded first in the plain set, fused (a·b + acc
 * rounded once, where the hardware fuses) in the fma set. ASC_FEATURE_RELAXED_SIMD is a compile-time
 * constant, so each module contains only one of the two.
 */
// @ts-ignore: decorator
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<Real>(a, b, acc);
  return v128.add<Real>(acc, v128.mul<Real>(a, b));
}

/** The scalar step s + a·b, rounded like madd (the fma set goes through lane 0 of a vector: wasm has no scalar fma). */
// @ts-ignore: decorator
@inline function smadd(s: Real, a: Real, b: Real): Real {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.extract_lane<Real>(v128.relaxed_madd<Real>(v128.splat<Real>(a), v128.splat<Real>(b), v128.splat<Real>(s)), 0);
  return s + a * b;
}

/** a·b + c for Adam's moments, rounded like madd (the plain set keeps Adam's TypeScript operand order). */
// @ts-ignore: decorator
@inline function muladd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<Real>(a, b, c);
  return v128.add<Real>(v128.mul<Real>(a, b), c);
}

/** Scalar muladd. */
// @ts-ignore: decorator
@inline function smuladd(a: Real, b: Real, c: Real): Real {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.extract_lane<Real>(v128.relaxed_madd<Real>(v128.splat<Real>(a), v128.splat<Real>(b), v128.splat<Real>(c)), 0);
  return a * b + c;
}

/** *p += s */
// @ts-ignore: decorator
@inline function addTo(p: usize, s: Real): void {
  store<Real>(p, load<Real>(p) + s);
}

/*
 * The products are made of register tiles. A tile sums P rows p0, p0 + ldp, ... against Q rows q0,
 * q0 + ldq, ... over K elements: out[p][q] += Σ_k P[p, k]·Q[q, k], the output element at c + p·cp + q·cq.
 * Every output element of every tile is summed alike: one vector accumulator over the whole vectors,
 * its lanes added left to right, then the scalar tail, then one addition into the output. So the tile
 * shape (the blocking) decides only which loads are shared and how many accumulators are in flight,
 * never the rounding: every blocking of a product gives the same bits. kb = K in bytes, kv = the bytes
 * covered by whole vectors.
 */

/** One row against one row. */
// @ts-ignore: decorator
@inline function tile1x1(kb: usize, kv: usize, p0: usize, q0: usize, c: usize): void {
  let acc0 = v128.splat<Real>(0);
  let o: usize = 0;
  for (; o < kv; o += 16) acc0 = madd(acc0, v128.load(q0 + o), v128.load(p0 + o));
  let s0 = lanesSum(acc0);
  for (; o < kb; o += ES) s0 = smadd(s0, load<Real>(q0 + o), load<Real>(p0 + o));
  addTo(c, s0);
}

/** One row of P against two of Q (one load of P feeds two accumulators). */
// @ts-ignore: decorator
@inline function tile1x2(kb: usize, kv: usize, p0: usize, q0: usize, ldq: usize, c: usize, cq: usize): void {
  const q1 = q0 + ldq;
  let acc0 = v128.splat<Real>(0), acc1 = acc0;
  let o: usize = 0;
  for (; o < kv; o += 16) {
    const xp = v128.load(p0 + o);
    acc0 = madd(acc0, v128.load(q0 + o), xp);
    acc1 = madd(acc1, v128.load(q1 + o), xp);
  }
  let s0 = lanesSum(acc0), s1 = lanesSum(acc1);
  for (; o < kb; o += ES) {
    const xs = load<Real>(p0 + o);
    s0 = smadd(s0, load<Real>(q0 + o), xs);
    s1 = smadd(s1, load<Real>(q1 + o), xs);
  }
  addTo(c, s0);
  addTo(c + cq, s1);
}

/** One row of P against four of Q: 5 vector loads per 4 multiply-adds. */
// @ts-ignore: decorator
@inline function tile1x4(kb: usize, kv: usize, p0: usize, q0: usize, ldq: usize, c: usize, cq: usize): void {
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq;
  let acc0 = v128.splat<Real>(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  let o: usize = 0;
  for (; o < kv; o += 16) {
    const xp = v128.load(p0 + o);
    acc0 = madd(acc0, v128.load(q0 + o), xp);
    acc1 = madd(acc1, v128.load(q1 + o), xp);
    acc2 = madd(acc2, v128.load(q2 + o), xp);
    acc3 = madd(acc3, v128.load(q3 + o), xp);
  }
  let s0 = lanesSum(acc0), s1 = lanesSum(acc1), s2 = lanesSum(acc2), s3 = lanesSum(acc3);
  for (; o < kb; o += ES) {
    const xs = load<Real>(p0 + o);
    s0 = smadd(s0, load<Real>(q0 + o), xs);
    s1 = smadd(s1, load<Real>(q1 + o), xs);
    s2 = smadd(s2, load<Real>(q2 + o), xs);
    s3 = smadd(s3, load<Real>(q3 + o), xs);
  }
  addTo(c, s0);
  addTo(c + cq, s1);
  addTo(c + 2 * cq, s2);
  addTo(c + 3 * cq, s3);
}

/**
 * tile1x4 with the vector loop unrolled twice: two steps per iteration, each accumulator still
 * updated in k order (the second step waits for the first), so only the loop overhead changes.
 */
// @ts-ignore: decorator
@inline function tile1x4u2(kb: usize, kv: usize, p0: usize, q0: usize, ldq: usize, c: usize, cq: usize): void {
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq;
  let acc0 = v128.splat<Real>(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  let o: usize = 0;
  for (; o + 32 <= kv; o += 32) {
    let xp = v128.load(p0 + o);
    acc0 = madd(acc0, v128.load(q0 + o), xp);
    acc1 = madd(acc1, v128.load(q1 + o), xp);
    acc2 = madd(acc2, v128.load(q2 + o), xp);
    acc3 = madd(acc3, v128.load(q3 + o), xp);
    xp = v128.load(p0 + o + 16);
    acc0 = madd(acc0, v128.load(q0 + o + 16), xp);
    acc1 = madd(acc1, v128.load(q1 + o + 16), xp);
    acc2 = madd(acc2, v128.load(q2 + o + 16), xp);
    acc3 = madd(acc3, v128.load(q3 + o + 16), xp);
  }
  for (; o < kv; o += 16) {
    const xp = v128.load(p0 + o);
    acc0 = madd(acc0, v128.load(q0 + o), xp);
    acc1 = madd(acc1, v128.load(q1 + o), xp);
    acc2 = madd(acc2, v128.load(q2 + o), xp);
    acc3 = madd(acc3, v128.load(q3 + o), xp);
  }
  let s0 = lanesSum(acc0), s1 = lanesSum(acc1), s2 = lanesSum(acc2), s3 = lanesSum(acc3);
  for (; o < kb; o += ES) {
    const xs = load<Real>(p0 + o);
    s0 = smadd(s0, load<Real>(q0 + o), xs);
    s1 = smadd(s1, load<Real>(q1 + o), xs);
    s2 = smadd(s2, load<Real>(q2 + o), xs);
    s3 = smadd(s3, load<Real>(q3 + o), xs);
  }
  addTo(c, s0);
  addTo(c + cq, s1);
  addTo(c + 2 * cq, s2);
  addTo(c + 3 * cq, s3);
}

/** One row of P against eight of Q: eight accumulators in flight, 9 loads per 8 multiply-adds. */
// @ts-ignore: decorator
@inline function tile1x8(kb: usize, kv: usize, p0: usize, q0: usize, ldq: usize, c: usize, cq: usize): void {
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq, q4 = q3 + ldq, q5 = q4 + ldq, q6 = q5 + ldq, q7 = q6 + ldq;
  let acc0 = v128.splat<Real>(0), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
  let o: usize = 0;
  for (; o < kv; o += 16) {
    const xp = v128.load(p0 + o);
    acc0 = madd(acc0, v128.load(q0 + o), xp);
    acc1 = madd(acc1, v128.load(q1 + o), xp);
    acc2 = madd(acc2, v128.load(q2 + o), xp);
    acc3 = madd(acc3, v128.load(q3 + o), xp);
    acc4 = madd(acc4, v128.load(q4 + o), xp);
    acc5 = madd(acc5, v128.load(q5 + o), xp);
    acc6 = madd(acc6, v128.load(q6 + o), xp);
    acc7 = madd(acc7, v128.load(q7 + o), xp);
  }
  let s0 = lanesSum(acc0), s1 = lanesSum(acc1), s2 = lanesSum(acc2), s3 = lanesSum(acc3);
  let s4 = lanesSum(acc4), s5 = lanesSum(acc5), s6 = lanesSum(acc6), s7 = lanesSum(acc7);
  for (; o < kb; o += ES) {
    const xs = load<Real>(p0 + o);
    s0 = smadd(s0, load<Real>(q0 + o), xs); s1 = smadd(s1, load<Real>(q1 + o), xs);
    s2 = smadd(s2, load<Real>(q2 + o), xs); s3 = smadd(s3, load<Real>(q3 + o), xs);
    s4 = smadd(s4, load<Real>(q4 + o), xs); s5 = smadd(s5, load<Real>(q5 + o), xs);
    s6 = smadd(s6, load<Real>(q6 + o), xs); s7 = smadd(s7, load<Real>(q7 + o), xs);
  }
  addTo(c, s0); addTo(c + cq, s1); addTo(c + 2 * cq, s2); addTo(c + 3 * cq, s3);
  addTo(c + 4 * cq, s4); addTo(c + 5 * cq, s5); addTo(c + 6 * cq, s6); addTo(c + 7 * cq, s7);
}

/** Two rows of P against four of Q: 6 vector loads per 8 multiply-adds. */
// @ts-ignore: decorator
@inline function tile2x4(kb: usize, kv: usize, p0: usize, ldp: usize, q0: usize, ldq: usize, c: usize, cp: usize, cq: usize): void {
  const p1 = p0 + ldp;
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq;
  // acc<r><s>: row r of P against row s of Q
  let acc00 = v128.splat<Real>(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
  let acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
  let o: usize = 0;
  for (; o < kv; o += 16) {
    const xp0 = v128.load(p0 + o), xp1 = v128.load(p1 + o);
    let xq = v128.load(q0 + o);
    acc00 = madd(acc00, xq, xp0);
    acc10 = madd(acc10, xq, xp1);
    xq = v128.load(q1 + o);
    acc01 = madd(acc01, xq, xp0);
    acc11 = madd(acc11, xq, xp1);
    xq = v128.load(q2 + o);
    acc02 = madd(acc02, xq, xp0);
    acc12 = madd(acc12, xq, xp1);
    xq = v128.load(q3 + o);
    acc03 = madd(acc03, xq, xp0);
    acc13 = madd(acc13, xq, xp1);
  }
  let s00 = lanesSum(acc00), s01 = lanesSum(acc01), s02 = lanesSum(acc02), s03 = lanesSum(acc03);
  let s10 = lanesSum(acc10), s11 = lanesSum(acc11), s12 = lanesSum(acc12), s13 = lanesSum(acc13);
  for (; o < kb; o += ES) {
    const tp0 = load<Real>(p0 + o), tp1 = load<Real>(p1 + o);
    const tq0 = load<Real>(q0 + o), tq1 = load<Real>(q1 + o), tq2 = load<Real>(q2 + o), tq3 = load<Real>(q3 + o);
    s00 = smadd(s00, tq0, tp0); s01 = smadd(s01, tq1, tp0); s02 = smadd(s02, tq2, tp0); s03 = smadd(s03, tq3, tp0);
    s10 = smadd(s10, tq0, tp1); s11 = smadd(s11, tq1, tp1); s12 = smadd(s12, tq2, tp1); s13 = smadd(s13, tq3, tp1);
  }
  const c1 = c + cp;
  addTo(c, s00); addTo(c + cq, s01); addTo(c + 2 * cq, s02); addTo(c + 3 * cq, s03);
  addTo(c1, s10); addTo(c1 + cq, s11); addTo(c1 + 2 * cq, s12); addTo(c1 + 3 * cq, s13);
}

/** tile2x4 with the vector loop unrolled twice (each accumulator still updated in k order). */
// @ts-ignore: decorator
@inline function tile2x4u2(kb: usize, kv: usize, p0: usize, ldp: usize, q0: usize, ldq: usize, c: usize, cp: usize, cq: usize): void {
  const p1 = p0 + ldp;
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq;
  let acc00 = v128.splat<Real>(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
  let acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
  let o: usize = 0;
  for (; o + 32 <= kv; o += 32) {
    let xp0 = v128.load(p0 + o), xp1 = v128.load(p1 + o);
    let xq = v128.load(q0 + o);
    acc00 = madd(acc00, xq, xp0); acc10 = madd(acc10, xq, xp1);
    xq = v128.load(q1 + o);
    acc01 = madd(acc01, xq, xp0); acc11 = madd(acc11, xq, xp1);
    xq = v128.load(q2 + o);
    acc02 = madd(acc02, xq, xp0); acc12 = madd(acc12, xq, xp1);
    xq = v128.load(q3 + o);
    acc03 = madd(acc03, xq, xp0); acc13 = madd(acc13, xq, xp1);
    xp0 = v128.load(p0 + o + 16); xp1 = v128.load(p1 + o + 16);
    xq = v128.load(q0 + o + 16);
    acc00 = madd(acc00, xq, xp0); acc10 = madd(acc10, xq, xp1);
    xq = v128.load(q1 + o + 16);
    acc01 = madd(acc01, xq, xp0); acc11 = madd(acc11, xq, xp1);
    xq = v128.load(q2 + o + 16);
    acc02 = madd(acc02, xq, xp0); acc12 = madd(acc12, xq, xp1);
    xq = v128.load(q3 + o + 16);
    acc03 = madd(acc03, xq, xp0); acc13 = madd(acc13, xq, xp1);
  }
  for (; o < kv; o += 16) {
    const xp0 = v128.load(p0 + o), xp1 = v128.load(p1 + o);
    let xq = v128.load(q0 + o);
    acc00 = madd(acc00, xq, xp0); acc10 = madd(acc10, xq, xp1);
    xq = v128.load(q1 + o);
    acc01 = madd(acc01, xq, xp0); acc11 = madd(acc11, xq, xp1);
    xq = v128.load(q2 + o);
    acc02 = madd(acc02, xq, xp0); acc12 = madd(acc12, xq, xp1);
    xq = v128.load(q3 + o);
    acc03 = madd(acc03, xq, xp0); acc13 = madd(acc13, xq, xp1);
  }
  let s00 = lanesSum(acc00), s01 = lanesSum(acc01), s02 = lanesSum(acc02), s03 = lanesSum(acc03);
  let s10 = lanesSum(acc10), s11 = lanesSum(acc11), s12 = lanesSum(acc12), s13 = lanesSum(acc13);
  for (; o < kb; o += ES) {
    const tp0 = load<Real>(p0 + o), tp1 = load<Real>(p1 + o);
    const tq0 = load<Real>(q0 + o), tq1 = load<Real>(q1 + o), tq2 = load<Real>(q2 + o), tq3 = load<Real>(q3 + o);
    s00 = smadd(s00, tq0, tp0); s01 = smadd(s01, tq1, tp0); s02 = smadd(s02, tq2, tp0); s03 = smadd(s03, tq3, tp0);
    s10 = smadd(s10, tq0, tp1); s11 = smadd(s11, tq1, tp1); s12 = smadd(s12, tq2, tp1); s13 = smadd(s13, tq3, tp1);
  }
  const c1 = c + cp;
  addTo(c, s00); addTo(c + cq, s01); addTo(c + 2 * cq, s02); addTo(c + 3 * cq, s03);
  addTo(c1, s10); addTo(c1 + cq, s11); addTo(c1 + 2 * cq, s12); addTo(c1 + 3 * cq, s13);
}

/**
 * Four rows of P against four of Q: 8 loads per 16 multiply-adds, but 16 accumulators plus the operands
 * are more vectors than x64 has registers for V8 to keep them in, so some live in memory.
 */
// @ts-ignore: decorator
@inline function tile4x4(kb: usize, kv: usize, p0: usize, ldp: usize, q0: usize, ldq: usize, c: usize, cp: usize, cq: usize): void {
  const p1 = p0 + ldp, p2 = p1 + ldp, p3 = p2 + ldp;
  const q1 = q0 + ldq, q2 = q1 + ldq, q3 = q2 + ldq;
  let acc00 = v128.splat<Real>(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
  let acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
  let acc20 = acc00, acc21 = acc00, acc22 = acc00, acc23 = acc00;
  let acc30 = acc00, acc31 = acc00, acc32 = acc00, acc33 = acc00;
  let o: usize = 0;
  for (; o < kv; o += 16) {
    const xp0 = v128.load(p0 + o), xp1 = v128.load(p1 + o), xp2 = v128.load(p2 + o), xp3 = v128.load(p3 + o);
    let xq = v128.load(q0 + o);
    acc00 = madd(acc00, xq, xp0); acc10 = madd(acc10, xq, xp1); acc20 = madd(acc20, xq, xp2); acc30 = madd(acc30, xq, xp3);
    xq = v128.load(q1 + o);
    acc01 = madd(acc01, xq, xp0); acc11 = madd(acc11, xq, xp1); acc21 = madd(acc21, xq, xp2); acc31 = madd(acc31, xq, xp3);
    xq = v128.load(q2 + o);
    acc02 = madd(acc02, xq, xp0); acc12 = madd(acc12, xq, xp1); acc22 = madd(acc22, xq, xp2); acc32 = madd(acc32, xq, xp3);
    xq = v128.load(q3 + o);
    acc03 = madd(acc03, xq, xp0); acc13 = madd(acc13, xq, xp1); acc23 = madd(acc23, xq, xp2); acc33 = madd(acc33, xq, xp3);
  }
  let s00 = lanesSum(acc00), s01 = lanesSum(acc01), s02 = lanesSum(acc02), s03 = lanesSum(acc03);
  let s10 = lanesSum(acc10), s11 = lanesSum(acc11), s12 = lanesSum(acc12), s13 = lanesSum(acc13);
  let s20 = lanesSum(acc20), s21 = lanesSum(acc21), s22 = lanesSum(acc22), s23 = lanesSum(acc23);
  let s30 = lanesSum(acc30), s31 = lanesSum(acc31), s32 = lanesSum(acc32), s33 = lanesSum(acc33);
  for (; o < kb; o += ES) {
    const tp0 = load<Real>(p0 + o), tp1 = load<Real>(p1 + o), tp2 = load<Real>(p2 + o), tp3 = load<Real>(p3 + o);
    const tq0 = load<Real>(q0 + o), tq1 = load<Real>(q1 + o), tq2 = load<Real>(q2 + o), tq3 = load<Real>(q3 + o);
    s00 = smadd(s00, tq0, tp0); s01 = smadd(s01, tq1, tp0); s02 = smadd(s02, tq2, tp0); s03 = smadd(s03, tq3, tp0);
    s10 = smadd(s10, tq0, tp1); s11 = smadd(s11, tq1, tp1); s12 = smadd(s12, tq2, tp1); s13 = smadd(s13, tq3, tp1);
    s20 = smadd(s20, tq0, tp2); s21 = smadd(s21, tq1, tp2); s22 = smadd(s22, tq2, tp2); s23 = smadd(s23, tq3, tp2);
    s30 = smadd(s30, tq0, tp3); s31 = smadd(s31, tq1, tp3); s32 = smadd(s32, tq2, tp3); s33 = smadd(s33, tq3, tp3);
  }
  const c1 = c + cp, c2 = c1 + cp, c3 = c2 + cp;
  addTo(c, s00); addTo(c + cq, s01); addTo(c + 2 * cq, s02); addTo(c + 3 * cq, s03);
  addTo(c1, s10); addTo(c1 + cq, s11); addTo(c1 + 2 * cq, s12); addTo(c1 + 3 * cq, s13);
  addTo(c2, s20); addTo(c2 + cq, s21); addTo(c2 + 2 * cq, s22); addTo(c2 + 3 * cq, s23);
  addTo(c3, s30); addTo(c3 + cq, s31); addTo(c3 + 2 * cq, s32); addTo(c3 + 3 * cq, s33);
}

/*
 * gemv_<blocking>(R, K, w, ldw, x, y)   y[j] += Σ_k W[j, k]·x[k] for j < R: x is the tile's one row of P,
 * the rows of W its rows of Q. r1, r2, r4, r8: that many rows of W per step (r4u2: four, the vector loop
 * unrolled twice); the rows left over go four, then one at a time. `gemv` is r4, the blocking of every
 * build before these existed.
 */

export function gemv_r1(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  for (let j = 0; j < R; j++) tile1x1(kb, kv, x, w + <usize>j * ldw, y + (<usize>j << LOG));
}

export function gemv_r2(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let j = 0;
  for (; j + 2 <= R; j += 2) tile1x2(kb, kv, x, w + <usize>j * ldw, ldw, y + (<usize>j << LOG), ES);
  if (j < R) tile1x1(kb, kv, x, w + <usize>j * ldw, y + (<usize>j << LOG));
}

export function gemv_r4(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let j = 0;
  for (; j + 4 <= R; j += 4) tile1x4(kb, kv, x, w + <usize>j * ldw, ldw, y + (<usize>j << LOG), ES);
  for (; j < R; j++) tile1x1(kb, kv, x, w + <usize>j * ldw, y + (<usize>j << LOG));
}

export function gemv_r4u2(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let j = 0;
  for (; j + 4 <= R; j += 4) tile1x4u2(kb, kv, x, w + <usize>j * ldw, ldw, y + (<usize>j << LOG), ES);
  for (; j < R; j++) tile1x1(kb, kv, x, w + <usize>j * ldw, y + (<usize>j << LOG));
}

export function gemv_r8(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let j = 0;
  for (; j + 8 <= R; j += 8) tile1x8(kb, kv, x, w + <usize>j * ldw, ldw, y + (<usize>j << LOG), ES);
  if (j < R) gemv_r4(R - j, K, w + <usize>j * ldw, ldw, x, y + (<usize>j << LOG));
}

export function gemv(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  gemv_r4(R, K, w, ldw, x, y);
}

/*
 * gemmnt_<blocking>(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k].
 * <rows of A>x<rows of B> per register tile: 2x4 (rows of A as P; 2x4u2 with its vector loop unrolled
 * twice), 4x2 (the 2x4 tile with B as P, so two loads of B feed four rows of A), 4x4, and 1x8 (a gemv_r8
 * per row of A). The columns left over (Nc mod
 * the tile's width) and the rows left over go through gemv_r4. `gemmnt` is 2x4, the blocking of every
 * build before these existed.
 */

export function gemmnt_2x4(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = a + <usize>i * lda, c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 4 <= Nc; j += 4) tile2x4(kb, kv, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc, ES);
    gemmntEdge(2, Nc - j, K, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc);
  }
  gemmntEdge(M - i, Nc, K, a + <usize>i * lda, lda, b, ldb, c + <usize>i * ldc, ldc);
}

export function gemmnt_2x4u2(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = a + <usize>i * lda, c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 4 <= Nc; j += 4) tile2x4u2(kb, kv, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc, ES);
    gemmntEdge(2, Nc - j, K, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc);
  }
  gemmntEdge(M - i, Nc, K, a + <usize>i * lda, lda, b, ldb, c + <usize>i * ldc, ldc);
}

export function gemmnt_4x2(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * lda, c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 2 <= Nc; j += 2) tile2x4(kb, kv, b + <usize>j * ldb, ldb, a0, lda, c0 + (<usize>j << LOG), ES, ldc);
    gemmntEdge(4, Nc - j, K, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc);
  }
  gemmntEdge(M - i, Nc, K, a + <usize>i * lda, lda, b, ldb, c + <usize>i * ldc, ldc);
}

export function gemmnt_4x4(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const kb = <usize>K << LOG, kv = kb & WHOLE_VECTORS;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * lda, c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 4 <= Nc; j += 4) tile4x4(kb, kv, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc, ES);
    gemmntEdge(4, Nc - j, K, a0, lda, b + <usize>j * ldb, ldb, c0 + (<usize>j << LOG), ldc);
  }
  gemmntEdge(M - i, Nc, K, a + <usize>i * lda, lda, b, ldb, c + <usize>i * ldc, ldc);
}

export function gemmnt_1x8(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  for (let i = 0; i < M; i++) gemv_r8(Nc, K, b, ldb, a + <usize>i * lda, c + <usize>i * ldc);
}

export function gemmnt(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  gemmnt_2x4(M, Nc, K, a, lda, b, ldb, c, ldc);
}

/** The M x Nc corner a tiling leaves (M rows of A against Nc rows of B), one gemv_r4 per row of A. */
// @ts-ignore: decorator
@inline function gemmntEdge(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  if (Nc > 0) for (let i = 0; i < M; i++) gemv_r4(Nc, K, b, ldb, a + <usize>i * lda, c + <usize>i * ldc);
}

/**
 * gemmnn(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[k, j].
 * The axpy form: for each row i of C, four scaled rows of B at a time are added along j in vectors,
 * C = (((C + A[i,k]·B[k]) + A[i,k+1]·B[k+1]) + ...), so no operand needs transposing (used for
 * dH_top = dY·Wy, whose B is small). It loads and stores C once per four rows of B, which is why the
 * larger products use gemmnt over a transposed copy instead.
 */
export function gemmnn(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const nb = <usize>Nc << LOG;
  const nv = nb & WHOLE_VECTORS;
  const k4 = K & ~3;
  for (let i = 0; i < M; i++) {
    const arow = a + <usize>i * lda, crow = c + <usize>i * ldc;
    let k = 0;
    for (; k < k4; k += 4) {
      const ak = arow + (<usize>k << LOG);
      const sa0 = load<Real>(ak), sa1 = load<Real>(ak + ES), sa2 = load<Real>(ak + 2 * ES), sa3 = load<Real>(ak + 3 * ES);
      const va0 = v128.splat<Real>(sa0), va1 = v128.splat<Real>(sa1), va2 = v128.splat<Real>(sa2), va3 = v128.splat<Real>(sa3);
      const b0 = b + <usize>k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let jb: usize = 0;
      for (; jb < nv; jb += 16) {
        let cv = v128.load(crow + jb);
        cv = madd(cv, va0, v128.load(b0 + jb));
        cv = madd(cv, va1, v128.load(b1 + jb));
        cv = madd(cv, va2, v128.load(b2 + jb));
        cv = madd(cv, va3, v128.load(b3 + jb));
        v128.store(crow + jb, cv);
      }
      for (; jb < nb; jb += ES) {
        let cs = load<Real>(crow + jb);
        cs = smadd(cs, sa0, load<Real>(b0 + jb));
        cs = smadd(cs, sa1, load<Real>(b1 + jb));
        cs = smadd(cs, sa2, load<Real>(b2 + jb));
        cs = smadd(cs, sa3, load<Real>(b3 + jb));
        store<Real>(crow + jb, cs);
      }
    }
    for (; k < K; k++) {
      const sa0 = load<Real>(arow + (<usize>k << LOG));
      const va0 = v128.splat<Real>(sa0);
      const b0 = b + <usize>k * ldb;
      let jb: usize = 0;
      for (; jb < nv; jb += 16) v128.store(crow + jb, madd(v128.load(crow + jb), va0, v128.load(b0 + jb)));
      for (; jb < nb; jb += ES) store<Real>(crow + jb, smadd(load<Real>(crow + jb), sa0, load<Real>(b0 + jb)));
    }
  }
}

/**
 * adam(n, p, g, m, v, lr, c1, c2, b1, b2, eps, limit, a1, a2) over n elements:
 *   g' = clamp(g, ±limit); m = b1·m + a1·g'; v = b2·v + (a2·g')·g'; p -= ((lr·m)·c1) / (sqrt(v·c2) + eps)
 * with c1, c2 the bias corrections and a1 = 1 - b1, a2 = 1 - b2 computed by the caller: the operation
 * order of ../../adam.ts, so float64 results of the plain set are identical to the TypeScript loop. The
 * fma set fuses the first product of each moment into its sum: m = fma(b1, m, a1·g'), v = fma(b2, v, (a2·g')·g').
 */
export function adam(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: Real, c1: Real, c2: Real, b1: Real, b2: Real, eps: Real, limit: Real, a1: Real, a2: Real,
): void {
  const nb = <usize>n << LOG;
  const nv = nb & WHOLE_VECTORS;
  const LR = v128.splat<Real>(lr), C1 = v128.splat<Real>(c1), C2 = v128.splat<Real>(c2);
  const B1 = v128.splat<Real>(b1), B2 = v128.splat<Real>(b2), EPS = v128.splat<Real>(eps);
  const A1 = v128.splat<Real>(a1), A2 = v128.splat<Real>(a2);
  const LIMIT = v128.splat<Real>(limit), NLIMIT = v128.neg<Real>(LIMIT);
  const nlimit = -limit;
  let o: usize = 0;
  for (; o < nv; o += 16) {
    const G = v128.max<Real>(v128.min<Real>(v128.load(g + o), LIMIT), NLIMIT);
    const Mo = muladd(B1, v128.load(m + o), v128.mul<Real>(A1, G));
    v128.store(m + o, Mo);
    const Vo = muladd(B2, v128.load(v + o), v128.mul<Real>(v128.mul<Real>(A2, G), G));
    v128.store(v + o, Vo);
    const step = v128.div<Real>(
      v128.mul<Real>(v128.mul<Real>(LR, Mo), C1),
      v128.add<Real>(v128.sqrt<Real>(v128.mul<Real>(Vo, C2)), EPS),
    );
    v128.store(p + o, v128.sub<Real>(v128.load(p + o), step));
  }
  for (; o < nb; o += ES) {
    const G = max<Real>(min<Real>(load<Real>(g + o), limit), nlimit);
    const Mo = smuladd(b1, load<Real>(m + o), a1 * G);
    store<Real>(m + o, Mo);
    const Vo = smuladd(b2, load<Real>(v + o), (a2 * G) * G);
    store<Real>(v + o, Vo);
    store<Real>(p + o, load<Real>(p + o) - ((lr * Mo) * c1) / (sqrt<Real>(Vo * c2) + eps));
  }
}

/** Tiles of a transpose: TILE_R source rows by TILE_C source columns, walked in LANES x LANES vector blocks. */
const TILE_R: i32 = 32;
const TILE_C: i32 = 8;

/**
 * transpose(rows, cols, src, lds, dst, ldd)   dst[c, r] = src[r, c] for r < rows, c < cols (strides in bytes).
 * A copy, no arithmetic, so both kernel sets share it bit for bit. In tiles (a plain row loop writes down
 * a column of dst, one cache line per element, and evicts those lines before their neighbours are
 * written once dst outgrows L1), each made of LANES x LANES register blocks: LANES rows loaded as
 * vectors, transposed with shuffles, stored as LANES columns; edges element by element. A tile spans
 * only TILE_C = 8 destination rows: with 16, a destination stride of 4 KiB (1024 float32) put 16 lines
 * in one 8-way L1 set and measured 4x slower on 1024x256; 32 source rows keep the stores long.
 */
export function transpose(rows: i32, cols: i32, src: usize, lds: usize, dst: usize, ldd: usize): void {
  for (let r0 = 0; r0 < rows; r0 += TILE_R) {
    const r1 = min(rows, r0 + TILE_R);
    const rv = r0 + ((r1 - r0) & ~(LANES - 1)); // rows of this tile in whole blocks
    for (let c0 = 0; c0 < cols; c0 += TILE_C) {
      const c1 = min(cols, c0 + TILE_C);
      const cv = c0 + ((c1 - c0) & ~(LANES - 1));
      for (let r = r0; r < rv; r += LANES) {
        const s = src + <usize>r * lds, d = dst + (<usize>r << LOG);
        for (let c = c0; c < cv; c += LANES) transposeBlock(s + (<usize>c << LOG), lds, d + <usize>c * ldd, ldd);
        for (let c = cv; c < c1; c++) {
          for (let q = 0; q < LANES; q++) store<Real>(d + <usize>c * ldd + (<usize>q << LOG), load<Real>(s + <usize>q * lds + (<usize>c << LOG)));
        }
      }
      for (let r = rv; r < r1; r++) {
        const s = src + <usize>r * lds, d = dst + (<usize>r << LOG);
        for (let c = c0; c < c1; c++) store<Real>(d + <usize>c * ldd, load<Real>(s + (<usize>c << LOG)));
      }
    }
  }
}

/** One LANES x LANES block: s = its first source element (rows lds apart), d = its first destination element. */
// @ts-ignore: decorator
@inline function transposeBlock(s: usize, lds: usize, d: usize, ldd: usize): void {
  if (LANES == 2) {
    const a = v128.load(s), b = v128.load(s + lds);
    v128.store(d, v128.shuffle<i64>(a, b, 0, 2));
    v128.store(d + ldd, v128.shuffle<i64>(a, b, 1, 3));
  } else {
    const a = v128.load(s), b = v128.load(s + lds), c = v128.load(s + 2 * lds), e = v128.load(s + 3 * lds);
    // pairs of 32-bit lanes interleaved, then 64-bit halves: the classic 4x4 shuffle transpose
    const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
    const ce01 = v128.shuffle<i32>(c, e, 0, 4, 1, 5), ce23 = v128.shuffle<i32>(c, e, 2, 6, 3, 7);
    v128.store(d, v128.shuffle<i64>(ab01, ce01, 0, 2));
    v128.store(d + ldd, v128.shuffle<i64>(ab01, ce01, 1, 3));
    v128.store(d + 2 * ldd, v128.shuffle<i64>(ab23, ce23, 0, 2));
    v128.store(d + 3 * ldd, v128.shuffle<i64>(ab23, ce23, 1, 3));
  }
}
