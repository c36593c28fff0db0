/**
 * The statistics every measurement of the project goes through: order statistics (median, quantiles)
 * for timings, and a mean with a 95% Student-t confidence interval for repeated or paired measurements.
 *
 * One module so that the benchmarks, the experiments, the weather predictor and the notebooks quote the
 * same numbers the same way. Mean and standard deviation come from mathjs, the t quantile from stdlib-js
 * (@stdlib/stats-base-dists-t-quantile); only the order statistics are ours, since they are two lines. The
 * signed-rank test beside the t interval is ./signed-rank.ts.
 *
 * Why a t interval: the spreads come from a handful of repeats (the weather sweep has 5 per cell count),
 * where the normal 1.96 would understate the uncertainty; with 5 values the half-width is 2.78 standard
 * errors.
 */
import studentTQuantile from '@stdlib/stats-base-dists-t-quantile';

/** mathjs on first use: loading it costs about a third of a second, which every command-line start would pay. */
let mathjs: typeof import('mathjs') | undefined;
function math(): typeof import('mathjs') {
  return (mathjs ??= require('mathjs') as typeof import('mathjs'));
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of a non-empty sample, linear between order statistics (the "type 7"
 * definition of R, numpy and mathjs' quantileSeq): q = 0.5 is the median.
 */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The median of a non-empty sample (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty sample');
  return quantile(xs, 0.5);
}

/**
 * The level of the load averages read around a measurement: their median and their maximum, over the
 * finite readings (NaN for both when there is none).
 */
export function loadLevel(readings: readonly number[]): { median: number; max: number } {
  const finite = readings.filter(Number.isFinite);
  return finite.length ? { median: median(finite), max: Math.max(...finite) } : { median: NaN, max: NaN };
}

/** Arithmetic mean of a non-empty sample. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean of an empty sample');
  return Number(math().mean([...xs]));
}

/** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('standard deviation of an empty sample');
  return xs.length > 1 ? Number(math().std([...xs])) : 0;
}

/** The p-quantile of Student's t distribution with `df` degrees of freedom (NaN for df ≤ 0). */
export function tQuantile(p: number, df: number): number {
  return studentTQuantile(p, df);
}

/** The two-sided 95% critical value t(0.975, df): the half-width of a 95% interval in standard errors. */
export function tCritical95(df: number): number {
  return tQuantile(0.975, df);
}

export interface Estimate {
  /** finite values used */
  n: number;
  mean: number;
  median: number;
  /** sample standard deviation (0 with one value) */
  std: number;
  /** 95% confidence interval of the mean (Student's t; NaN with fewer than two values) */
  low: number;
  high: number;
}

/**
 * Mean, median, standard deviation and a 95% t confidence interval of the mean, mean ± t(0.975, n−1)·s/√n.
 * Non-finite values (a failed interval, a division by zero) are left out; no values give NaNs.
 */
export function estimate(values: readonly number[]): Estimate {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { n, mean: NaN, median: NaN, std: NaN, low: NaN, high: NaN };
  const m = mean(v);
  const s = sampleStd(v);
  const half = n > 1 ? (tCritical95(n - 1) * s) / Math.sqrt(n) : NaN;
  return { n, mean: m, median: median(v), std: s, low: m - half, high: m + half };
}

/** A paired comparison: the estimate of the per-pair differences a − b, with both sides' means. */
export interface PairedEstimate extends Estimate {
  /** per-pair a − b, in pair order */
  diffs: number[];
  aMean: number;
  bMean: number;
}

/**
 * The mean difference a − b of paired measurements (pair k ran a and b under the same conditions, so the
 * difference cancels what they share) with its 95% t interval. Pairs with a non-finite side are dropped.
 */
export function pairedEstimate(pairs: readonly { a: number; b: number }[]): PairedEstimate {
  const kept = pairs.filter((p) => Number.isFinite(p.a) && Number.isFinite(p.b));
  const diffs = kept.map((p) => p.a - p.b);
  const side = (xs: number[]): number => (xs.length ? mean(xs) : NaN);
  return { ...estimate(diffs), diffs, aMean: side(kept.map((p) => p.a)), bMean: side(kept.map((p) => p.b)) };
}
