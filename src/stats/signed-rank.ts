/**
 * Wilcoxon's signed-rank test, beside the t intervals of ./stats.ts: it drops the normality assumption of
 * the t interval. A module of its own so that the web page, which takes the order statistics of stats.ts,
 * does not bundle it.
 */
import wilcoxon from '@stdlib/stats-wilcoxon';

/** A Wilcoxon signed-rank test of paired differences: the statistic V (sum of positive ranks) and its p-value. */
export interface SignedRankTest {
  /** non-zero differences ranked (zeros are dropped, as R's wilcox.test does) */
  n: number;
  statistic: number;
  pValue: number;
  alternative: 'two-sided' | 'less' | 'greater';
  /** the location tested against */
  mu: number;
}

/**
 * Wilcoxon's signed-rank test of `diffs − mu` (stdlib-js @stdlib/stats-wilcoxon: exact distribution below
 * 50 values, R's conventions). Beside the t interval it drops the normality assumption; the price is
 * resolution: with n differences the smallest one-sided p is 2^−n (1/32 with five seeds), so with five
 * seeds no two-sided test reaches 0.05. NaN p with fewer than two values (stdlib refuses them) or without a
 * non-zero difference.
 */
export function signedRankTest(diffs: readonly number[], options: { mu?: number; alternative?: SignedRankTest['alternative'] } = {}): SignedRankTest {
  const mu = options.mu ?? 0;
  const alternative = options.alternative ?? 'two-sided';
  const v = diffs.filter(Number.isFinite);
  const n = v.filter((x) => x - mu !== 0).length;
  if (n === 0 || v.length < 2) return { n, statistic: NaN, pValue: NaN, alternative, mu };
  const r = wilcoxon([...v], { mu, alternative });
  return { n, statistic: r.statistic, pValue: r.pValue, alternative, mu };
}
