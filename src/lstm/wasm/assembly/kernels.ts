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

/**
 * gemv(R, K, w, ldw, x, y)   y[j] += Σ_k W[j, k]·x[k] for j < R.
 * Four rows at a time (one load of x feeds four accumulators), then one row at a time.
 */
export function gemv(R: i32, K: i32, w: usize, ldw: usize, x: usize, y: usize): void {
  const kb = <usize>K << LOG;
  const kv = kb & WHOLE_VECTORS;
  let j = 0;
  for (; j + 4 <= R; j += 4) {
    const w0 = w + <usize>j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
    let acc0 = v128.splat<Real>(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    let o: usize = 0;
    for (; o < kv; o += 16) {
      const xv = v128.load(x + o);
      acc0 = madd(acc0, v128.load(w0 + o), xv);
      acc1 = madd(acc1, v128.load(w1 + o), xv);
      acc2 = madd(acc2, v128.load(w2 + o), xv);
      acc3 = madd(acc3, v128.load(w3 + o), xv);
    }
    let s0 = lanesSum(acc0), s1 = lanesSum(acc1), s2 = lanesSum(acc2), s3 = lanesSum(acc3);
    for (; o < kb; o += ES) {
      const xs = load<Real>(x + o);
      s0 = smadd(s0, load<Real>(w0 + o), xs);
      s1 = smadd(s1, load<Real>(w1 + o), xs);
      s2 = smadd(s2, load<Real>(w2 + o), xs);
      s3 = smadd(s3, load<Real>(w3 + o), xs);
    }
    const yj = y + (<usize>j << LOG);
    addTo(yj, s0);
    addTo(yj + ES, s1);
    addTo(yj + 2 * ES, s2);
    addTo(yj + 3 * ES, s3);
  }
  for (; j < R; j++) {
    const w0 = w + <usize>j * ldw;
    let acc0 = v128.splat<Real>(0);
    let o: usize = 0;
    for (; o < kv; o += 16) acc0 = madd(acc0, v128.load(w0 + o), v128.load(x + o));
    let s0 = lanesSum(acc0);
    for (; o < kb; o += ES) s0 = smadd(s0, load<Real>(w0 + o), load<Real>(x + o));
    addTo(y + (<usize>j << LOG), s0);
  }
}

/**
 * gemmnt(M, Nc, K, a, lda, b, ldb, c, ldc)   C[i, j] += Σ_k A[i, k]·B[j, k].
 * 2x4 register blocks: two rows of A against four rows of B, 6 vector loads per 8 multiply-adds
 * (gemv needs 5 per 4). The last Nc % 4 rows of B and an odd last row of A go through gemv, whose
 * summation order is the same, so every element of C is summed alike.
 */
export function gemmnt(M: i32, Nc: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize): void {
  const kb = <usize>K << LOG;
  const kv = kb & WHOLE_VECTORS;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = a + <usize>i * lda, a1 = a0 + lda;
    const c0 = c + <usize>i * ldc, c1 = c0 + ldc;
    let j = 0;
    for (; j + 4 <= Nc; j += 4) {
      const b0 = b + <usize>j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      // acc<r><q>: row r of A against row q of B
      let acc00 = v128.splat<Real>(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
      let acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
      let o: usize = 0;
      for (; o < kv; o += 16) {
        const xa0 = v128.load(a0 + o), xa1 = v128.load(a1 + o);
        let xb = v128.load(b0 + o);
        acc00 = madd(acc00, xb, xa0);
        acc10 = madd(acc10, xb, xa1);
        xb = v128.load(b1 + o);
        acc01 = madd(acc01, xb, xa0);
        acc11 = madd(acc11, xb, xa1);
        xb = v128.load(b2 + o);
        acc02 = madd(acc02, xb, xa0);
        acc12 = madd(acc12, xb, xa1);
        xb = v128.load(b3 + o);
        acc03 = madd(acc03, xb, xa0);
        acc13 = madd(acc13, xb, xa1);
      }
      let s00 = lanesSum(acc00), s01 = lanesSum(acc01), s02 = lanesSum(acc02), s03 = lanesSum(acc03);
      let s10 = lanesSum(acc10), s11 = lanesSum(acc11), s12 = lanesSum(acc12), s13 = lanesSum(acc13);
      for (; o < kb; o += ES) {
        const ta0 = load<Real>(a0 + o), ta1 = load<Real>(a1 + o);
        const tb0 = load<Real>(b0 + o), tb1 = load<Real>(b1 + o), tb2 = load<Real>(b2 + o), tb3 = load<Real>(b3 + o);
        s00 = smadd(s00, tb0, ta0); s01 = smadd(s01, tb1, ta0); s02 = smadd(s02, tb2, ta0); s03 = smadd(s03, tb3, ta0);
        s10 = smadd(s10, tb0, ta1); s11 = smadd(s11, tb1, ta1); s12 = smadd(s12, tb2, ta1); s13 = smadd(s13, tb3, ta1);
      }
      const cj0 = c0 + (<usize>j << LOG), cj1 = c1 + (<usize>j << LOG);
      addTo(cj0, s00); addTo(cj0 + ES, s01); addTo(cj0 + 2 * ES, s02); addTo(cj0 + 3 * ES, s03);
      addTo(cj1, s10); addTo(cj1 + ES, s11); addTo(cj1 + 2 * ES, s12); addTo(cj1 + 3 * ES, s13);
    }
    const bj = b + <usize>j * ldb, cj = <usize>j << LOG;
    gemv(Nc - j, K, bj, ldb, a0, c0 + cj);
    gemv(Nc - j, K, bj, ldb, a1, c1 + cj);
  }
  if (i < M) gemv(Nc, K, b, ldb, a + <usize>i * lda, c + <usize>i * ldc);
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
