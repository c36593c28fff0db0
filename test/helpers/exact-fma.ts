/**
 * A fused multiply-add computed exactly: a·b + c as an integer times a power of two (BigInt), rounded
 * once to float64 or float32, to nearest with ties to even. The model of what a fusing relaxed_madd
 * returns, for the tests of the 'wasm-fma' kernels. Inputs must be finite and the result in the normal
 * range (it throws otherwise, instead of modelling gradual underflow).
 */
import type { Precision } from '../../src/lstm/buffers';

const view = new DataView(new ArrayBuffer(8));

/** x = m · 2^e exactly, with m a BigInt (x finite). */
function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const field = Number((bits >> 52n) & 0x7ffn);
  if (field === 0x7ff) throw new RangeError(`fmaExact: ${x} is not finite`);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = field === 0 ? fraction : fraction | (1n << 52n);
  return [bits >> 63n ? -m : m, (field === 0 ? 1 : field) - 1075];
}

/** m · 2^e rounded to `bits` significant bits (ties to even). */
function roundTo(m: bigint, e: number, bits: number): number {
  const negative = m < 0n;
  let mag = negative ? -m : m;
  const length = mag.toString(2).length;
  if (length > bits) {
    const shift = BigInt(length - bits);
    const kept = mag >> shift;
    const rest = mag - (kept << shift);
    const half = 1n << (shift - 1n);
    mag = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
    e += length - bits;
  }
  // mag has at most bits + 1 ≤ 54 bits, so Number(mag) is exact; the power of two is split in two so
  // that neither factor underflows while the product is normal
  const half = Math.trunc(e / 2);
  const v = Number(mag) * 2 ** half * 2 ** (e - half);
  const smallest = bits === 53 ? 2 ** -1022 : 2 ** -126;
  const largest = bits === 53 ? Number.MAX_VALUE : 3.4028234663852886e38;
  if (Math.abs(v) < smallest || Math.abs(v) > largest) throw new RangeError('fmaExact: the result is outside the normal range');
  return negative ? -v : v;
}

/** a·b + c rounded once to precision p (a, b, c must be representable in p). */
export function fmaExact(a: number, b: number, c: number, p: Precision): number {
  if (a * b === 0 && c === 0) return a * b + c; // exact zero: IEEE's sign rules, which JavaScript follows
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b), [mc, ec] = decompose(c);
  const mp = ma * mb, ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return 0; // an exact cancellation is +0 when rounding to nearest
  return roundTo(sum, e, p === 'f64' ? 53 : 24);
}
