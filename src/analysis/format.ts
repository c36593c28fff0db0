/**
 * How the reports write numbers: percentages, signed differences and estimates with their 95% interval.
 * Two forms of an interval: the compact one of tables and verdict lines, `12.3% [10.1%, 14.5%]`, and the
 * prose one of the README answer, `12.3% (95% CI 10.1% to 14.5%, n = 9)`. Pure.
 */
import type { Estimate } from '../stats/stats';

/** An estimate as far as its formatting needs; without `n`, an interval is there when its bounds are. */
export type CiEstimate = Pick<Estimate, 'mean' | 'low' | 'high'> & { n?: number };

/** A share as a percentage with one decimal: 0.1234 → '12.3%'; 'n/a' when there is none. */
export const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

/** A number with `digits` decimals ('n/a' when there is none). */
export const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** A difference with its sign: '+0.0123', '-0.0045' ('n/a' when there is none). */
export const signed = (x: number, digits = 4): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(digits)}` : 'n/a');

/** Whether an estimate has a 95% interval (more than one value and finite bounds). */
export const hasCi = (e: CiEstimate): boolean => (e.n ?? 2) > 1 && Number.isFinite(e.low);

/** `mean [low, high]` in `format`; without an interval the mean, then `noCi` when given ('(1 seed, no CI)'). */
export function withCi(e: CiEstimate, format: (x: number) => string, noCi = ''): string {
  if (hasCi(e)) return `${format(e.mean)} [${format(e.low)}, ${format(e.high)}]`;
  return noCi ? `${format(e.mean)} ${noCi}` : format(e.mean);
}

/** `12.3% [10.1%, 14.5%]`, or the mean and `noCi`. */
export const pctCi = (e: CiEstimate, noCi = ''): string => withCi(e, pct, noCi);

/** `+0.0123 [+0.0045, +0.0201]`, or the mean and `noCi`. */
export const signedCi = (e: CiEstimate, digits = 4, noCi = ''): string => withCi(e, (x) => signed(x, digits), noCi);

/** The prose form: `mean (95% CI low to high, n = N)` in `format`, `mean (n = 1, no spread)` for one value. */
export function proseCi(e: Estimate, format: (x: number) => string, unit = ''): string {
  return e.n > 1 ? `${format(e.mean)}${unit} (95% CI ${format(e.low)} to ${format(e.high)}, n = ${e.n})` : `${format(e.mean)}${unit} (n = ${e.n}, no spread)`;
}
