/**
 * The spacing of floating-point numbers (one ulp) in the precisions the project measures: f64 and f32 on the
 * CPU, and f16, which a GPU may offer (WGSL's `shader-f16`). Pure arithmetic on doubles, so it runs in Node
 * and in a browser page alike.
 */
export type UlpPrecision = 'f64' | 'f32' | 'f16';

interface Format {
  /** bits of the stored mantissa */
  mant: number;
  /** exponent of the smallest subnormal */
  minExp: number;
  /** the smallest normal number */
  minNormal: number;
  /** the largest finite number */
  max: number;
}

const FORMATS: Record<UlpPrecision, Format> = {
  f64: { mant: 52, minExp: -1074, minNormal: 2 ** -1022, max: Number.MAX_VALUE },
  f32: { mant: 23, minExp: -149, minNormal: 2 ** -126, max: (2 - 2 ** -23) * 2 ** 127 },
  f16: { mant: 10, minExp: -24, minNormal: 2 ** -14, max: 65504 },
};

/** The spacing of `precision` numbers at |v| (v rounded to a double is close enough to pick the binade). */
export function ulpAt(v: number, precision: UlpPrecision): number {
  const { mant, minExp } = FORMATS[precision];
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return 2 ** minExp;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // log2 rounded up at the top of a binade
  return 2 ** Math.max(e - mant, minExp);
}

/** The smallest normal number of the precision: below it a GPU may flush results to zero. */
export function smallestNormal(precision: UlpPrecision): number {
  return FORMATS[precision].minNormal;
}

/** The largest finite number of the precision. */
export function largestFinite(precision: UlpPrecision): number {
  return FORMATS[precision].max;
}

/** x rounded to the nearest half-precision number (ties to even), as a double; ±Infinity past the range. */
export function roundToF16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  // halfway between the largest f16 (65504) and the next step (65536) rounds to even, i.e. overflows
  if (a >= 65520) return Math.sign(x) * Infinity;
  const q = ulpAt(a, 'f16');
  const scaled = a / q; // exact: q is a power of two
  let n = Math.floor(scaled);
  const rest = scaled - n;
  if (rest > 0.5 || (rest === 0.5 && n % 2 === 1)) n++;
  return Math.sign(x) * n * q;
}

/** x rounded to the precision (f64: unchanged). */
export function roundTo(x: number, precision: UlpPrecision): number {
  return precision === 'f16' ? roundToF16(x) : precision === 'f32' ? Math.fround(x) : x;
}
