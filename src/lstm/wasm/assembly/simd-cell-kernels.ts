/**
 * The point-wise part of an LSTM time step in WebAssembly SIMD (f64x2 / f32x4): the 'simd' cell kernels
 * of ../../cell.ts, one forward and one backward per cell activation (tanh | isru) and gate activation
 * (sigmoid | isru-sigmoid), with the same arguments as CellForward / CellBackward except that every
 * buffer is a BYTE address in the shared memory and N, t, j0, j1 count elements.
 *
 * Exports are named cellForward_<cell>_<gate> and cellBackward_<cell>_<gate> (gate isruSigmoid for
 * 'isru-sigmoid').
 *
 * One formula per element, whatever its position: neurons [j0, j1) are walked in whole vectors from j0,
 * and the last, partial vector is loaded lane by lane into a zero-padded vector and computed by the same
 * vector code (`loadPart`/`storePart`). Every operation is lane-wise, so an element's result does not
 * depend on its lane or on where a thread's range starts: results are bit-identical across thread counts.
 *
 * Activations (no fused multiply-add, every operation rounded):
 *
 *   exp(x), x ≤ 0   Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, with ln2 split in a high part whose
 *                   product with k is exact and a low part; e^r − 1 by its Taylor series to degree 13
 *                   (f64) / 7 (f32), whose truncation is below 0.05 ulp on |r| ≤ ln2/2, evaluated by
 *                   Estrin's scheme (a short dependency chain); 2^k built in the
 *                   exponent bits in two factors, so results down to the subnormals round once.
 *   sigmoid(x)      e = exp(−|x|), σ = (x < 0 ? e : 1) / (1 + e): no overflow, relative accuracy on both
 *                   sides.
 *   tanh(x)         q = expm1(2|x|) = 2^k·p + (2^k − 1), tanh = sign(x)·q / (q + 2), |x| clamped at 20
 *                   (f64) / 9 (f32), beyond which tanh rounds to ±1. No cancellation near 0 (q ≈ 2|x|).
 *   isru(x)         r = 1/sqrt(1 + x²) (native sqrt and div), y = x·r; r is kept for the backward.
 *   isru-sigmoid(x) r = 1/sqrt(4 + x²), y = ½ + (½x)·r; r is kept for the backward.
 *
 * Measured errors against 50-digit references: src/activations/simd-accuracy.ts. The backward takes the
 * derivatives from the stored outputs as the scalar kernels do (σ' = s(1−s), tanh' = 1−y²) and, for the
 * ISRU family, from the kept r without a square root: isru' = r³, isru-sigmoid' = 2r³.
 *
 * keep (T, 5N per layer): row 5t + b holds r of gate block b ∈ [f; i; g; o] where that block is ISRU-shaped,
 * row 5t + 4 holds r of the cell output when the cell is ISRU.
 */

const ES: usize = sizeof<Real>();
const LANES: i32 = <i32>(16 / sizeof<Real>());
const LOG: usize = alignof<Real>();
const F64: bool = sizeof<Real>() == 8;

// ---------------------------------------------------------------- partial vectors

/** The first n (≥ 1) elements at p as a vector, zeros beyond. */
// @ts-ignore: decorator
@inline function loadPart(p: usize, n: i32): v128 {
  if (n >= LANES) return v128.load(p);
  let v = v128.splat<Real>(0);
  v = v128.replace_lane<Real>(v, 0, load<Real>(p));
  if (LANES == 4) {
    if (n > 1) v = v128.replace_lane<Real>(v, 1, load<Real>(p + ES));
    if (n > 2) v = v128.replace_lane<Real>(v, 2, load<Real>(p + 2 * ES));
  }
  return v;
}

/** Stores the first n (≥ 1) lanes of v at p. */
// @ts-ignore: decorator
@inline function storePart(p: usize, v: v128, n: i32): void {
  if (n >= LANES) {
    v128.store(p, v);
    return;
  }
  store<Real>(p, v128.extract_lane<Real>(v, 0));
  if (LANES == 4) {
    if (n > 1) store<Real>(p + ES, v128.extract_lane<Real>(v, 1));
    if (n > 2) store<Real>(p + 2 * ES, v128.extract_lane<Real>(v, 2));
  }
}

// ---------------------------------------------------------------- exp and friends

// @ts-ignore: decorator
@inline function splat(x: f64): v128 {
  return v128.splat<Real>(<Real>x);
}

/** k = nearest(x / ln2), as a float. */
// @ts-ignore: decorator
@inline function reduceK(x: v128): v128 {
  return v128.nearest<Real>(v128.mul<Real>(x, splat(1.4426950408889634)));
}

/** r = (x − k·ln2_hi) − k·ln2_lo; ln2_hi has few enough bits that k·ln2_hi is exact for every k used here. */
// @ts-ignore: decorator
@inline function reduceR(x: v128, k: v128): v128 {
  const hi = F64 ? 6.93147180369123816490e-01 : 6.93359375e-01;
  const lo = F64 ? 1.90821492927058770002e-10 : -2.12194440e-04;
  return v128.sub<Real>(v128.sub<Real>(x, v128.mul<Real>(k, splat(hi))), v128.mul<Real>(k, splat(lo)));
}

/** a + b·r */
// @ts-ignore: decorator
@inline function lin(a: f64, b: f64, r: v128): v128 {
  return v128.add<Real>(splat(a), v128.mul<Real>(splat(b), r));
}

/** a + b·x for vectors */
// @ts-ignore: decorator
@inline function linv(a: v128, b: v128, x: v128): v128 {
  return v128.add<Real>(a, v128.mul<Real>(b, x));
}

/**
 * e^r − 1 on |r| ≤ ln2/2: r + r²·P(r), P the Taylor series of (e^r − 1 − r)/r² to degree 11 (f64) or 5
 * (f32), evaluated by Estrin's scheme (pairs, then powers r², r⁴, r⁸): a dependency chain of about five
 * multiply-adds instead of Horner's twelve, which the cell loop (one chain per gate) is bound by.
 */
// @ts-ignore: decorator
@inline function expm1Reduced(r: v128): v128 {
  const r2 = v128.mul<Real>(r, r);
  const r4 = v128.mul<Real>(r2, r2);
  let p: v128;
  if (F64) {
    const a0 = lin(1.0 / 2.0, 1.0 / 6.0, r), a1 = lin(1.0 / 24.0, 1.0 / 120.0, r), a2 = lin(1.0 / 720.0, 1.0 / 5040.0, r);
    const a3 = lin(1.0 / 40320.0, 1.0 / 362880.0, r), a4 = lin(1.0 / 3628800.0, 1.0 / 39916800.0, r), a5 = lin(1.0 / 479001600.0, 1.0 / 6227020800.0, r);
    const b0 = linv(a0, a1, r2), b1 = linv(a2, a3, r2), b2 = linv(a4, a5, r2);
    p = linv(linv(b0, b1, r4), b2, v128.mul<Real>(r4, r4));
  } else {
    const a0 = lin(1.0 / 2.0, 1.0 / 6.0, r), a1 = lin(1.0 / 24.0, 1.0 / 120.0, r), a2 = lin(1.0 / 720.0, 1.0 / 5040.0, r);
    p = linv(linv(a0, a1, r2), a2, r4);
  }
  return v128.add<Real>(r, v128.mul<Real>(r2, p));
}

/** 2^k for integral k (as floats) in the normal exponent range, built in the exponent bits. */
// @ts-ignore: decorator
@inline function pow2(k: v128): v128 {
  if (F64) {
    const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
    return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  }
  return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
}

/** e^x for x ≤ 0 (NaN stays NaN), down to the subnormals and to 0. */
// @ts-ignore: decorator
@inline function expNonPositive(x: v128): v128 {
  const xc = v128.max<Real>(x, splat(F64 ? -746.0 : -104.0));
  const k = reduceK(xc);
  const r = reduceR(xc, k);
  const m = v128.add<Real>(splat(1), expm1Reduced(r));
  // 2^k in two normal factors: the first product is exact, the second rounds once (also into subnormals)
  const k1 = v128.trunc<Real>(v128.mul<Real>(k, splat(0.5)));
  const k2 = v128.sub<Real>(k, k1);
  return v128.mul<Real>(v128.mul<Real>(m, pow2(k1)), pow2(k2));
}

/** Only the sign bit set in every lane. */
// @ts-ignore: decorator
@inline function signBit(): v128 {
  return splat(-0.0);
}

/** The logistic sigmoid 1 / (1 + e^−x). */
// @ts-ignore: decorator
@inline function sigmoidV(x: v128): v128 {
  const ax = v128.andnot(x, signBit());
  const e = expNonPositive(v128.xor(ax, signBit())); // e^−|x|
  const num = v128.bitselect(e, splat(1), v128.lt<Real>(x, splat(0)));
  return v128.div<Real>(num, v128.add<Real>(splat(1), e));
}

/** tanh(x) = sign(x)·q/(q + 2), q = e^{2|x|} − 1. */
// @ts-ignore: decorator
@inline function tanhV(x: v128): v128 {
  const ax = v128.min<Real>(v128.andnot(x, signBit()), splat(F64 ? 20.0 : 9.0));
  const a2 = v128.add<Real>(ax, ax);
  const k = reduceK(a2);
  const r = reduceR(a2, k);
  const s = pow2(k);
  const q = v128.add<Real>(v128.mul<Real>(s, expm1Reduced(r)), v128.sub<Real>(s, splat(1)));
  const y = v128.div<Real>(q, v128.add<Real>(q, splat(2)));
  return v128.or(y, v128.and(x, signBit()));
}

/** 1/sqrt(c + x²): the factor ISRU (c = 1) and the ISRU-sigmoid (c = 4) keep. */
// @ts-ignore: decorator
@inline function invSqrt(x: v128, c: f64): v128 {
  return v128.div<Real>(splat(1), v128.sqrt<Real>(v128.add<Real>(splat(c), v128.mul<Real>(x, x))));
}

/** isru(x) = x·r from r = 1/sqrt(1 + x²). */
// @ts-ignore: decorator
@inline function isruOf(x: v128, r: v128): v128 {
  return v128.mul<Real>(x, r);
}

/** isru-sigmoid(x) = ½ + (½x)·r from r = 1/sqrt(4 + x²). */
// @ts-ignore: decorator
@inline function isruSigmoidOf(x: v128, r: v128): v128 {
  return v128.add<Real>(splat(0.5), v128.mul<Real>(v128.mul<Real>(splat(0.5), x), r));
}

/** The cell activation of x; for ISRU stores r at keep. */
// @ts-ignore: decorator
@inline function cellAct(isru: bool, x: v128, keep: usize, n: i32): v128 {
  if (!isru) return tanhV(x);
  const r = invSqrt(x, 1);
  storePart(keep, r, n);
  return isruOf(x, r);
}

/** The gate activation of x; for the ISRU-sigmoid stores r at keep. */
// @ts-ignore: decorator
@inline function gateAct(isru: bool, x: v128, keep: usize, n: i32): v128 {
  if (!isru) return sigmoidV(x);
  const r = invSqrt(x, 4);
  storePart(keep, r, n);
  return isruSigmoidOf(x, r);
}

/** The derivative of the cell activation: 1 − y² (tanh) or r³ from keep (ISRU). */
// @ts-ignore: decorator
@inline function cellDeriv(isru: bool, y: v128, keep: usize, n: i32): v128 {
  if (!isru) return v128.sub<Real>(splat(1), v128.mul<Real>(y, y));
  const r = loadPart(keep, n);
  return v128.mul<Real>(v128.mul<Real>(r, r), r);
}

/** v times the derivative of the gate activation: (v·s)·(1 − s) (sigmoid, the scalar kernels' order) or v·2r³ from keep (ISRU-sigmoid). */
// @ts-ignore: decorator
@inline function timesGateDeriv(isru: bool, v: v128, s: v128, keep: usize, n: i32): v128 {
  if (!isru) return v128.mul<Real>(v128.mul<Real>(v, s), v128.sub<Real>(splat(1), s));
  const r = loadPart(keep, n);
  return v128.mul<Real>(v, v128.mul<Real>(splat(2), v128.mul<Real>(v128.mul<Real>(r, r), r)));
}

// ---------------------------------------------------------------- cell kernels

// @ts-ignore: decorator
@inline function forward(isruCell: bool, isruGate: bool, N: i32, t: i32, z: usize, c: usize, h: usize, tc: usize, keep: usize, j0: i32, j1: i32): void {
  const nb = <usize>N << LOG;
  const zf = z + (<usize>(t * 4 * N) << LOG), zi = zf + nb, zg = zi + nb, zo = zg + nb;
  const cp = c + (<usize>(t * N) << LOG), cn = cp + nb;
  const kf = keep + (<usize>(t * 5 * N) << LOG), ki = kf + nb, kg = ki + nb, ko = kg + nb, kc = ko + nb;
  const hn = h + (<usize>((t + 1) * N) << LOG), tp = tc + (<usize>(t * N) << LOG);
  for (let j = j0; j < j1; j += LANES) {
    const n = j1 - j;
    const o = <usize>j << LOG;
    const F = gateAct(isruGate, loadPart(zf + o, n), kf + o, n);
    const I = gateAct(isruGate, loadPart(zi + o, n), ki + o, n);
    const G = cellAct(isruCell, loadPart(zg + o, n), kg + o, n);
    const O = gateAct(isruGate, loadPart(zo + o, n), ko + o, n);
    storePart(zf + o, F, n); storePart(zi + o, I, n); storePart(zg + o, G, n); storePart(zo + o, O, n);
    const C = v128.add<Real>(v128.mul<Real>(F, loadPart(cp + o, n)), v128.mul<Real>(I, G));
    storePart(cn + o, C, n);
    const Y = cellAct(isruCell, C, kc + o, n);
    storePart(tp + o, Y, n);
    storePart(hn + o, v128.mul<Real>(O, Y), n);
  }
}

// @ts-ignore: decorator
@inline function backward(
  isruCell: bool, isruGate: bool, N: i32, t: i32, z: usize, c: usize, tc: usize, keep: usize, dh: usize, dc: usize, dz: usize, j0: i32, j1: i32,
): void {
  const nb = <usize>N << LOG;
  const row = <usize>(t * N) << LOG;
  const zo4 = <usize>(t * 4 * N) << LOG;
  const zf = z + zo4, zi = zf + nb, zg = zi + nb, zo = zg + nb;
  const df = dz + zo4, di = df + nb, dg = di + nb, dO = dg + nb;
  const kf = keep + (<usize>(t * 5 * N) << LOG), ki = kf + nb, kg = ki + nb, ko = kg + nb, kc = ko + nb;
  for (let j = j0; j < j1; j += LANES) {
    const n = j1 - j;
    const o = <usize>j << LOG;
    const F = loadPart(zf + o, n), I = loadPart(zi + o, n), G = loadPart(zg + o, n), O = loadPart(zo + o, n);
    const Y = loadPart(tc + row + o, n);
    const D = loadPart(dh + row + o, n);
    // the operation order of the scalar kernels: dcv = dc + (d·o)·act'(c)
    const dcv = v128.add<Real>(loadPart(dc + o, n), v128.mul<Real>(v128.mul<Real>(D, O), cellDeriv(isruCell, Y, kc + o, n)));
    storePart(df + o, timesGateDeriv(isruGate, v128.mul<Real>(dcv, loadPart(c + row + o, n)), F, kf + o, n), n);
    storePart(di + o, timesGateDeriv(isruGate, v128.mul<Real>(dcv, G), I, ki + o, n), n);
    storePart(dg + o, v128.mul<Real>(v128.mul<Real>(dcv, I), cellDeriv(isruCell, G, kg + o, n)), n);
    storePart(dO + o, timesGateDeriv(isruGate, v128.mul<Real>(D, Y), O, ko + o, n), n);
    storePart(dc + o, v128.mul<Real>(dcv, F), n);
  }
}

export function cellForward_tanh_sigmoid(N: i32, t: i32, z: usize, c: usize, h: usize, tc: usize, keep: usize, j0: i32, j1: i32): void {
  forward(false, false, N, t, z, c, h, tc, keep, j0, j1);
}
export function cellForward_tanh_isruSigmoid(N: i32, t: i32, z: usize, c: usize, h: usize, tc: usize, keep: usize, j0: i32, j1: i32): void {
  forward(false, true, N, t, z, c, h, tc, keep, j0, j1);
}
export function cellForward_isru_sigmoid(N: i32, t: i32, z: usize, c: usize, h: usize, tc: usize, keep: usize, j0: i32, j1: i32): void {
  forward(true, false, N, t, z, c, h, tc, keep, j0, j1);
}
export function cellForward_isru_isruSigmoid(N: i32, t: i32, z: usize, c: usize, h: usize, tc: usize, keep: usize, j0: i32, j1: i32): void {
  forward(true, true, N, t, z, c, h, tc, keep, j0, j1);
}

export function cellBackward_tanh_sigmoid(N: i32, t: i32, z: usize, c: usize, tc: usize, keep: usize, dh: usize, dc: usize, dz: usize, j0: i32, j1: i32): void {
  backward(false, false, N, t, z, c, tc, keep, dh, dc, dz, j0, j1);
}
export function cellBackward_tanh_isruSigmoid(N: i32, t: i32, z: usize, c: usize, tc: usize, keep: usize, dh: usize, dc: usize, dz: usize, j0: i32, j1: i32): void {
  backward(false, true, N, t, z, c, tc, keep, dh, dc, dz, j0, j1);
}
export function cellBackward_isru_sigmoid(N: i32, t: i32, z: usize, c: usize, tc: usize, keep: usize, dh: usize, dc: usize, dz: usize, j0: i32, j1: i32): void {
  backward(true, false, N, t, z, c, tc, keep, dh, dc, dz, j0, j1);
}
export function cellBackward_isru_isruSigmoid(N: i32, t: i32, z: usize, c: usize, tc: usize, keep: usize, dh: usize, dc: usize, dz: usize, j0: i32, j1: i32): void {
  backward(true, true, N, t, z, c, tc, keep, dh, dc, dz, j0, j1);
}

// ---------------------------------------------------------------- activations over arrays

// ---------------------------------------------------------------- baselines (not used by the cell kernels)

/**
 * The clamped minimax rational tanh of src/activations/fast-tanh.ts (Eigen's float coefficients, clamp ±9):
 * x·P(x²)/Q(x²) by Horner's rule in x², in the scalar function's order, so f64 lanes give its doubles.
 */
// @ts-ignore: decorator
@inline function fastTanhV(x: v128): v128 {
  const xc = v128.max<Real>(v128.min<Real>(x, splat(9.0)), splat(-9.0));
  const u = v128.mul<Real>(xc, xc);
  let p = lin(2.00018790482477e-13, -2.76076847742355e-16, u);
  p = linv(splat(-8.60467152213735e-11), p, u);
  p = linv(splat(5.12229709037114e-8), p, u);
  p = linv(splat(1.48572235717979e-5), p, u);
  p = linv(splat(6.37261928875436e-4), p, u);
  p = linv(splat(4.89352455891786e-3), p, u);
  let q = lin(1.18534705686654e-4, 1.19825839466702e-6, u);
  q = linv(splat(2.268434632439e-3), q, u);
  q = linv(splat(4.89352518554385e-3), q, u);
  return v128.div<Real>(v128.mul<Real>(xc, p), q);
}

/** σ(x) = ½ + ½·tanh(x/2) through the vector tanh: one exponential-based tanh instead of exp and a guarded quotient. */
// @ts-ignore: decorator
@inline function sigmoidViaTanhV(x: v128): v128 {
  return lin(0.5, 0.5, tanhV(v128.mul<Real>(splat(0.5), x)));
}

/**
 * y[i] = act(x[i]) for i < n with the cell kernels' vector code (`which`: 0 tanh, 1 sigmoid, 2 isru,
 * 3 isru-sigmoid) or a baseline (4 fast tanh, 5 sigmoid through tanh), for the accuracy tables and the
 * math-bench. x and y may be the same array.
 */
export function activate(which: i32, n: i32, x: usize, y: usize): void {
  // one loop per activation (the constant argument folds the selection out of each)
  if (which == 0) activateAll(0, n, x, y);
  else if (which == 1) activateAll(1, n, x, y);
  else if (which == 2) activateAll(2, n, x, y);
  else if (which == 3) activateAll(3, n, x, y);
  else if (which == 4) activateAll(4, n, x, y);
  else activateAll(5, n, x, y);
}

// @ts-ignore: decorator
@inline function activateAll(which: i32, n: i32, x: usize, y: usize): void {
  for (let i = 0; i < n; i += LANES) {
    const o = <usize>i << LOG;
    const v = loadPart(x + o, n - i);
    let a: v128;
    if (which == 0) a = tanhV(v);
    else if (which == 1) a = sigmoidV(v);
    else if (which == 2) a = isruOf(v, invSqrt(v, 1));
    else if (which == 3) a = isruSigmoidOf(v, invSqrt(v, 4));
    else if (which == 4) a = fastTanhV(v);
    else a = sigmoidViaTanhV(v);
    storePart(y + o, a, n - i);
  }
}
