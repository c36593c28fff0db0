/**
 * The verdict's decision rule on hand-built results whose answers are worked out here: loss at equal time
 * by interpolation, the verdict words at and around the margin, scalar and SIMD runs with identical losses
 * counted as one comparison, the signed-rank test against R's published values, and the original claim
 * judged in both halves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerdictRunResult } from '../src/studies/verdict/analysis';
import {
  comparisonUnits, decide, iterationTable, lossAtTime, marginEvidence, measurePair, NON_INFERIORITY_MARGIN, ruleTable, timeToLoss, validationCurve,
} from '../src/studies/verdict/rule';
import { iterationTableRows, judgeOriginalClaim, ORIGINAL_CLAIM, ruleConclusion } from '../src/studies/verdict/rule-report';
import { estimate, Estimate } from '../src/stats/stats';
import { signedRankTest } from '../src/stats/signed-rank';
import { verdictValidationFigure } from '../src/studies/verdict/charts';
import { colors } from '../src/charts/colors';
import { longLossFigure } from '../src/studies/verdict/long-run-charts';

/** A progress row: all training time in the forward phase, so the total is `t` on both clocks. */
const row = (iteration: number, t: number, valLoss: number, valChars = 5000) => ({
  iteration, loss: valLoss, val_loss: valLoss, val_bpc: valLoss / Math.LN2, val_chars: valChars,
  forward_time: t, back_time: 0, adam_time: 0, forward_cpu: t, back_cpu: 0, adam_cpu: 0,
});

/**
 * A run of three per-row points (iterations 0, 1000, 1999) plus the end-of-run row on a larger sample.
 * `scale` stretches its clock: 0.9 is a run 10% faster than one with scale 1.
 */
function run(variant: string, seed: number, losses: [number, number, number], scale: number, finalLoss = losses[2], size = '2x8'): VerdictRunResult {
  const ts = [0, 10 * scale, 20 * scale];
  const rows = [row(0, ts[0], losses[0]), row(1000, ts[1], losses[1]), row(1999, ts[2], losses[2]), row(1999, ts[2], finalLoss, 100000)];
  return { source: 'verdict', size, seed, variant, train_loss: losses[2], val_loss: finalLoss, val_bpc: finalLoss / Math.LN2, val_chars: 100000, train_time: ts[2], train_cpu: ts[2], sample: '', rows };
}

test('the validation curve leaves out the end-of-run row scored on a different sample', () => {
  const c = validationCurve(run('tanh/scalar', 1, [3, 2, 1.5], 1, 1.2).rows);
  assert.deepEqual(c.loss, [3, 2, 1.5]);
  assert.deepEqual(c.iteration, [0, 1000, 1999]);
  assert.equal(c.chars, 5000);
});

test('loss at a time interpolates linearly between rows; time to a loss follows the first crossing', () => {
  const c = validationCurve(run('tanh/scalar', 1, [3, 2, 1], 1).rows); // times 0, 10, 20
  assert.equal(lossAtTime(c, 'wall', 5), 2.5);
  assert.equal(lossAtTime(c, 'cpu', 16), 1.4);
  assert.equal(lossAtTime(c, 'wall', 20), 1);
  assert.ok(Number.isNaN(lossAtTime(c, 'wall', 21)));
  assert.equal(timeToLoss(c, 'wall', 1.5), 15);
  assert.equal(timeToLoss(c, 'wall', 2), 10);
  assert.ok(Number.isNaN(timeToLoss(c, 'wall', 0.9)));
  // a loss that dips below the target and comes back up has reached it at the dip (best so far)
  const bumpy = validationCurve(run('tanh/scalar', 1, [3, 1.8, 2.2], 1).rows);
  assert.equal(timeToLoss(bumpy, 'wall', 2), (1 / 1.2) * 10);
});

test('a seed pair: the faster run\'s end against the slower run at that time, savings, time to the common loss', () => {
  // baseline: 3 → 2 → 1 over 0, 10, 20 s; variant 10% faster: 3 → 2 → 1.5 over 0, 9, 18 s
  const b = run('tanh/scalar', 1, [3, 2, 1], 1, 1.1);
  const v = run('isru/scalar', 1, [3, 2, 1.5], 0.9, 1.3);
  const m = measurePair(v, b);
  // at 18 s the baseline is at 2 + 0.8·(1 − 2) = 1.2
  assert.ok(Math.abs(m.equalTime.wall - (1.5 - 1.2)) < 1e-12);
  assert.ok(Math.abs(m.saving.cpu - 0.1) < 1e-12);
  // the common loss is the variant's best, 1.5: the variant reaches it at 18 s, the baseline at 15 s
  assert.ok(Math.abs(m.toTarget.wall - (1 - 18 / 15)) < 1e-12);
  assert.ok(Math.abs(m.perIteration - 0.2) < 1e-12);
  assert.ok(Math.abs(m.savedMs.wall - (1000 * 2) / 2000) < 1e-12);
});

const est = (mean: number, low: number, high: number, n = 5): Estimate => ({ n, mean, median: mean, std: NaN, low, high });

test('the verdict words around the margin', () => {
  const faster = est(0.05, 0.04, 0.06), slower = est(-0.01, -0.03, 0.01);
  const d = NON_INFERIORITY_MARGIN;
  assert.equal(decide(est(0.002, -0.004, 0.008), faster), 'drop-in');
  // the mean is inside the margin, but the interval reaches past it: not a drop-in
  assert.equal(decide(est(0.005, -0.003, 0.013), faster), 'undecided');
  assert.equal(decide(est(0.03, 0.02, 0.04), faster), 'penalty');
  // a loss difference beyond the noise that is still smaller than the margin is no penalty
  assert.equal(decide(est(0.006, 0.003, 0.009), faster), 'drop-in');
  assert.equal(decide(est(0.0, -0.005, 0.005), slower), 'not faster');
  assert.equal(decide(est(0.0, NaN, NaN, 1), faster), 'one seed');
  assert.equal(decide(est(d, d - 0.001, d + 0.001), faster), 'undecided');
});

/** Seeds of a variant against tanh with `impl`: the variant 10% faster, ending `diffs[k]` above tanh at equal time. */
function seeds(diffs: readonly number[], impl: 'scalar' | 'simd', name = 'isru', scale = 0.9): VerdictRunResult[] {
  // the baseline is flat at 2 after 10 s, so at equal time it is at 2 and the difference is exactly diffs[k]
  return diffs.flatMap((x, k) => [run(`tanh/${impl}`, k + 1, [3, 2, 2], 1), run(`${name}/${impl}`, k + 1, [3, 2, 2 + x], scale, 2 + x)]);
}

test('a variant within the margin on average but with an interval crossing it is undecided, not a drop-in', () => {
  const diffs = [0.012, -0.004, 0.009, 0.001, 0.007]; // mean 0.005 < δ, upper bound > δ
  const e = estimate(diffs);
  assert.ok(e.mean < NON_INFERIORITY_MARGIN && e.high > NON_INFERIORITY_MARGIN && e.low < NON_INFERIORITY_MARGIN);
  const [r] = ruleTable(seeds(diffs, 'scalar'));
  assert.equal(r.variant, 'isru/scalar');
  assert.equal(r.baseline, 'tanh/scalar');
  assert.ok(Math.abs(r.equalTime.wall.mean - e.mean) < 1e-9 && Math.abs(r.equalTime.wall.high - e.high) < 1e-9);
  assert.equal(r.word, 'undecided');
  assert.equal(r.equalTime.wall.seedsBelow, 4);
});

test('a clear drop-in and a clear penalty', () => {
  const [good] = ruleTable(seeds([0.001, -0.002, 0.0, 0.002, -0.001], 'scalar'));
  assert.equal(good.word, 'drop-in');
  assert.ok(Math.abs(good.saving.wall.mean - 0.1) < 1e-12);
  const [bad] = ruleTable(seeds([0.05, 0.06, 0.04, 0.055, 0.045], 'scalar'));
  assert.equal(bad.word, 'penalty');
  // as fast as tanh and as good: not a reason to swap
  const [same] = ruleTable(seeds([0.001, -0.002, 0.0, 0.002, -0.001], 'scalar', 'isru', 1));
  assert.equal(same.word, 'not faster');
  // one seed, however clear, has no interval: nothing is decided
  const [single] = ruleTable(seeds([0.0], 'scalar'));
  assert.equal(single.word, 'one seed');
});

test('scalar and SIMD runs with identical losses are one comparison; one differing seed makes them two', () => {
  const diffs = [0.05, 0.06, 0.04];
  // the same losses, the SIMD runs faster on the clock
  const runs = [...seeds(diffs, 'scalar'), ...seeds(diffs, 'simd', 'isru', 0.9).map((r) => ({ ...r, train_time: r.train_time * 0.8, train_cpu: r.train_cpu * 0.8, rows: r.rows.map((x) => ({ ...x, forward_time: Number(x.forward_time) * 0.8, forward_cpu: Number(x.forward_cpu) * 0.8 })) }))];
  const isru = comparisonUnits(runs).find((u) => u.name === 'isru')!;
  assert.equal(isru.shared, true);
  assert.equal(isru.identicalSeeds, 3);
  const rows = ruleTable(runs);
  assert.equal(rows.length, 2); // both implementations are shown, with their own times
  assert.ok(rows.every((r) => r.shared && r.unit === rows[0].unit));
  const it = iterationTable(runs);
  assert.equal(it.length, 1);
  assert.deepEqual(it[0].implementations, ['scalar', 'simd']);
  assert.match(ruleConclusion(rows), /Independent comparisons[^:]*: 1, of which 1 penalty/);

  // one SIMD seed ends differently: two comparisons
  const differ = runs.map((r) => (r.variant === 'isru/simd' && r.seed === 2 ? { ...r, val_loss: r.val_loss + 1e-6 } : r));
  assert.equal(comparisonUnits(differ).find((u) => u.name === 'isru')!.shared, false);
  assert.equal(iterationTable(differ).length, 2);
});

test('the signed-rank test matches R\'s wilcox.test', () => {
  // R: x <- c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30); y <- c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29)
  // wilcox.test(x, y, paired = TRUE, alternative = "greater"): V = 40, p-value = 0.01953
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3], y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const t = signedRankTest(x.map((v, k) => v - y[k]), { alternative: 'greater' });
  assert.equal(t.statistic, 40);
  assert.ok(Math.abs(t.pValue - 0.01953125) < 1e-9); // 10 of the 512 sign patterns have V ≥ 40
  // five differences all on one side: exact p = 2/32 two-sided, 1/32 one-sided; never below 0.05 two-sided
  assert.ok(Math.abs(signedRankTest([0.3, 0.1, 0.5, 0.2, 0.4]).pValue - 2 / 32) < 1e-12);
  assert.ok(Math.abs(signedRankTest([0.3, 0.1, 0.5, 0.2, 0.4], { mu: 0.6, alternative: 'less' }).pValue - 1 / 32) < 1e-12);
  assert.ok(Number.isNaN(signedRankTest([0.1]).pValue));
});

test('the original claim is judged in both halves: a faster but worse small network refutes it', () => {
  // small: 10% faster, 0.08 worse at equal iterations and at equal time; larger: 5% faster, within the margin
  const small = seeds([0.08, 0.09, 0.085], 'scalar', 'isru', 0.9).map((r) => ({ ...r, size: '1x4' }));
  const large = seeds([0.0, 0.001, -0.001], 'scalar', 'isru', 0.95).map((r) => ({ ...r, size: '2x64', train_time: r.train_time * 100, train_cpu: r.train_cpu * 100 }));
  const runs = [...small, ...large];
  const claims = judgeOriginalClaim(ruleTable(runs), iterationTable(runs));
  assert.equal(claims[0].claim, ORIGINAL_CLAIM);
  assert.equal(claims[0].status, 'refuted');
  assert.equal(claims.find((c) => c.claim.startsWith('1-2% acceleration'))!.status, 'confirmed');
  assert.equal(claims.find((c) => c.claim.startsWith('no notable decrease'))!.status, 'refuted');
  // the larger network saves a smaller fraction (5% < 10%) but more milliseconds: the two readings disagree
  const size = claims.find((c) => c.claim.includes('larger'))!;
  assert.equal(size.status, 'inconclusive');
  assert.match(size.explanation, /relative saving the larger network saves less \(refutes/);
  assert.match(size.explanation, /absolute saving per iteration it saves more \(supports/);
});

test('the validation charts do not join the end-of-run sample to the per-row line', () => {
  const r = run('isru/simd', 2, [3, 2, 1.5], 1, 1.2);
  for (const f of [verdictValidationFigure([r]), longLossFigure([r], 'val_bpc', 't')]) {
    const [line, end] = f.data as { mode: string; x: number[]; y: number[] }[];
    assert.equal(f.data.length, 2);
    assert.equal(line.mode, 'lines');
    assert.deepEqual(line.x, [0, 1000, 1999]);
    assert.ok(Math.abs(line.y[2] - 1.5 / Math.LN2) < 1e-12);
    assert.equal(end.mode, 'markers');
    assert.deepEqual(end.x, [1999]);
    assert.ok(Math.abs(end.y[0] - 1.2 / Math.LN2) < 1e-12);
  }
  // the training loss is one sample: one joined line
  assert.equal(longLossFigure([r], 'loss', 't').data.length, 1);
});

test('the verdict\'s validation chart: a panel per variant, seeds in its colour, the baseline\'s mean of seeds in every panel, no legend', () => {
  const runs = [run('tanh/scalar', 1, [3, 2, 1.5], 1), run('tanh/scalar', 2, [3, 2.2, 1.7], 1), run('isru/simd', 1, [3, 2.1, 1.6], 1), run('isru/simd', 2, [3, 2.1, 1.6], 1)];
  const f = verdictValidationFigure(runs);
  assert.equal(f.layout.showlegend, false);
  const lines = f.data.filter((t) => t.mode === 'lines' && !String(t.name).startsWith('mean'));
  // rows: scalar then simd; columns: tanh then isru — tanh/scalar top left (x), isru/simd bottom right (x4)
  assert.deepEqual(lines.map((t) => [t.name, t.xaxis]), [['tanh/scalar seed 1 (5000 chars)', 'x'], ['tanh/scalar seed 2 (5000 chars)', 'x'], ['isru/simd seed 1 (5000 chars)', 'x4'], ['isru/simd seed 2 (5000 chars)', 'x4']]);
  assert.deepEqual(lines.map((t) => (t.line as { color: string }).color), [colors.tanh, colors.tanh, colors.isru, colors.isru]);
  const mean = f.data.filter((t) => String(t.name).startsWith('mean'));
  assert.deepEqual(mean.map((t) => t.xaxis), ['x', 'x4']);
  // the per-row sample only (the end-of-run row is another text): (2 + 2.2)/2 at 1000, (1.5 + 1.7)/2 at 1999, in bits
  assert.deepEqual(mean[0].x, [0, 1000, 1999]);
  assert.ok(Math.abs((mean[0].y as number[])[1] - 2.1 / Math.LN2) < 1e-12 && Math.abs((mean[0].y as number[])[2] - 1.6 / Math.LN2) < 1e-12);
});

test('the margin\'s evidence comes from tanh alone: its late gain per 1 000 iterations and its scalar/SIMD rounding gap', () => {
  const rows = (losses: number[], final: number) => [row(0, 0, 3), ...losses.map((l, k) => row(1000 + 250 * k, 10 + k, l)), row(2000, 14, final, 100000)];
  const mk = (variant: string, seed: number, losses: number[], final: number): VerdictRunResult => ({ ...run(variant, seed, [3, 2, 2], 1, final), rows: rows(losses, final) });
  // per-row losses at 1000, 1250, 1500, 1750, 2000: the last quarter (iterations ≥ 1500) falls 0.005 per 250 = 0.02 per 1 000;
  // the end-of-run row (another sample) and the ISRU run do not enter
  const runs = [mk('tanh/scalar', 1, [2.1, 2.095, 2.09, 2.085, 2.08], 2.0), mk('tanh/simd', 1, [2.1, 2.095, 2.09, 2.085, 2.08], 2.0003), mk('isru/scalar', 1, [9, 9, 9, 9, 9], 9)];
  const [e] = marginEvidence(runs);
  assert.ok(Math.abs(e.gainPer1000.mean - 0.02) < 1e-9, String(e.gainPer1000.mean));
  assert.ok(Math.abs(e.roundingGap - 0.0003) < 1e-12);
});

test('the per-iteration table names the implementations one row stands for', () => {
  const diffs = [0.05, 0.06, 0.04];
  const runs = [...seeds(diffs, 'scalar'), ...seeds(diffs, 'simd')];
  const [r] = iterationTableRows(iterationTable(runs));
  assert.equal(r.variant, 'isru (scalar = simd)');
  assert.equal(r['seeds behind tanh'], '3 of 3');
  assert.equal(r['at equal iterations'], 'penalty');
});
