import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as math from 'mathjs';
import { estimate, mean, median, pairedEstimate, quantile, sampleStd, tCritical95, tQuantile } from '../src/stats/stats';
import { seededRandom } from '../src/stats/random';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('median and quantiles agree with mathjs on odd, even, unsorted and random samples', () => {
  const rnd = seededRandom(7);
  const samples = [[3], [5, 1, 4], [10, 2, 8, 4], [1.5, -2, 7, 7, 0.25, 3], Array.from({ length: 37 }, () => rnd() * 100 - 50)];
  for (const xs of samples) {
    assert.equal(median(xs), Number(math.median(xs)));
    for (const q of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) close(quantile(xs, q), Number(math.quantileSeq(xs, q)), 1e-12, `q${q} of ${xs.length}`);
  }
  assert.throws(() => median([]), RangeError);
  assert.throws(() => quantile([1, 2], 1.5), RangeError);
});

test("Student's t quantiles match published tables", () => {
  // two-sided 95% critical values t(0.975, df), from the standard t table (6+ significant digits)
  const t975: [number, number][] = [[1, 12.7062], [2, 4.30265], [3, 3.18245], [4, 2.77645], [5, 2.57058], [9, 2.26216], [10, 2.22814], [20, 2.08596], [30, 2.04227], [60, 2.00030], [120, 1.97993]];
  for (const [df, t] of t975) close(tCritical95(df), t, 1e-5 * t, `t(0.975, ${df})`);
  // other levels: t(0.95, 5), t(0.995, 2), t(0.9, 10)
  close(tQuantile(0.95, 5), 2.01505, 1e-5, 't(0.95, 5)');
  close(tQuantile(0.995, 2), 9.92484, 1e-5, 't(0.995, 2)');
  close(tQuantile(0.9, 10), 1.37218, 1e-5, 't(0.9, 10)');
  // symmetry and the normal limit
  close(tQuantile(0.025, 7), -tQuantile(0.975, 7), 1e-12, 'symmetric');
  assert.equal(tQuantile(0.5, 3), 0);
  close(tCritical95(1e7), 1.959964, 1e-6, 'normal limit');
  assert.ok(Number.isNaN(tCritical95(0)));
});

test('estimate: mean, sample std and the t interval by hand; non-finite values are left out', () => {
  const e = estimate([1, 2, 3, 4, 5, NaN, Infinity]);
  assert.equal(e.n, 5);
  assert.equal(e.mean, 3);
  assert.equal(e.median, 3);
  close(e.std, Math.sqrt(2.5), 1e-12, 'std');
  const half = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
  close(e.low, 3 - half, 1e-6, 'low');
  close(e.high, 3 + half, 1e-6, 'high');
  const one = estimate([4]);
  assert.equal(one.std, 0);
  assert.ok(Number.isNaN(one.low) && Number.isNaN(one.high));
  assert.ok(Number.isNaN(estimate([]).mean));
  assert.throws(() => mean([]), RangeError);
  assert.equal(sampleStd([2]), 0);
});

test('paired estimate: differences a − b, both means, and pairs with a missing side dropped', () => {
  const p = pairedEstimate([{ a: 10, b: 7 }, { a: 12, b: 8 }, { a: 11, b: 9 }, { a: 5, b: NaN }]);
  assert.deepEqual(p.diffs, [3, 4, 2]);
  assert.equal(p.n, 3);
  assert.equal(p.mean, 3);
  assert.equal(p.aMean, 11);
  assert.equal(p.bMean, 8);
  // s = 1, t(0.975, 2) = 4.302653 → half-width 4.302653 / √3
  close(p.high - p.mean, 4.302653 / Math.sqrt(3), 1e-6, 'half-width');
  // the interval of a paired design is narrower than that of the unpaired difference when sides co-vary
  const shared = [100, 140, 90, 160, 120].map((base, k) => ({ a: base + 5 + (k % 2), b: base }));
  const paired = pairedEstimate(shared);
  const unpaired = estimate(shared.map((s) => s.a)).high - estimate(shared.map((s) => s.a)).mean;
  assert.ok(paired.high - paired.mean < unpaired / 10, 'pairing cancels the shared part');
});
