import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confidence, intervalTimes, NetSizePair, pairSavings, readNetSizePairs, savingGrid, summarizeNetSize, summaryRecords } from '../src/analysis/net-size';
import { MissingResultsError } from '../src/io/results';
import { toCsv } from '../src/io/csv';
import { PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { robustRange, netSizeHeatmapFigure, netSizeLossFigure, netSizeNoiseFigure, netSizeSavingFigure, netSizeSummaryFigure } from '../src/charts/net-size';
import { colors } from '../src/charts/colors';

type Row = Record<string, string | number>;

/** Progress rows with the given cumulative forward times; backward = 2x forward, adam = 0.1 per row. */
function rows(func: string, layers: number, neurons: number, its: number[], forward: number[], loss: number[]): Row[] {
  return its.map((iteration, k) => ({
    func, type: 'Single-threaded', layers, neurons, iteration, epoch: 0, loss: loss[k],
    forward_cpu: forward[k], forward_time: forward[k], back_cpu: 2 * forward[k], back_time: 2 * forward[k], adam_cpu: 0.1 * (k + 1), adam_time: 0.1 * (k + 1),
  }));
}

const close = (a: number, b: number, tol = 1e-9, what = ''): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

// tanh intervals take 1.0, 1.0, 0.9 s; isru 0.8, 0.9, 0.7 s → savings 0.2, 0.1, 1 − 0.7/0.9
const its = [0, 10, 20, 29];
const tanh = rows('tanh', 2, 16, its, [0.1, 1.1, 2.1, 3.0], [4.6, 4.0, 3.5, 3.2]);
const isru = rows('isru', 2, 16, its, [0.1, 0.9, 1.8, 2.5], [4.6, 4.1, 3.4, 3.3]);
const pair: NetSizePair = { config: '2x16', layers: 2, neurons: 16, tanh, isru };

test('intervalTimes: differences of cumulative columns, in iteration order', () => {
  const t = intervalTimes(tanh.slice().reverse(), 'forward_time');
  assert.deepEqual(t.map((x) => x.iteration), [10, 20, 29]);
  assert.deepEqual(t.map((x) => x.iterations), [10, 10, 9]);
  [1.0, 1.0, 0.9].forEach((v, k) => close(t[k].seconds, v, 1e-12, `interval ${k}`));
  const total = intervalTimes(tanh, 'total_time');
  // total = forward + 2 forward + 0.1 per row
  [3.1, 3.1, 2.8].forEach((v, k) => close(total[k].seconds, v, 1e-12, `total ${k}`));
  assert.deepEqual(intervalTimes(tanh.slice(0, 1), 'forward_time'), []);
});

test('summarizePair: per-interval saving with a 95% t interval, whole-run saving, loss difference (hand-computed)', () => {
  const [s] = summarizeNetSize([pair]);
  assert.equal(s.config, '2x16');
  assert.equal(s.iterations, 30);
  // savings 0.2, 0.1, 0.22222…: mean 0.174074, sample std 0.0651052, t(0.975, 2) = 4.302653
  close(s.forward.mean, 0.1740740740740741, 1e-12, 'mean');
  close(s.forward.std, 0.0651051697453591, 1e-9, 'std');
  close(s.forward.low, 0.012343866673638626, 1e-6, 'low');
  close(s.forward.high, 0.3358042814745096, 1e-6, 'high');
  assert.equal(s.forward.n, 3);
  close(s.forward.overall, 1 - 2.5 / 3.0, 1e-12, 'overall');
  // backward is 2x forward in both runs: the same ratios
  close(s.backward.mean, s.forward.mean, 1e-12, 'backward');
  close(s.backward.overall, s.forward.overall, 1e-12, 'backward overall');
  // total: tanh (3.1, 3.1, 2.8) isru (2.5, 2.8, 2.2) per interval
  close(s.total.mean, (1 - 2.5 / 3.1 + 1 - 2.8 / 3.1 + 1 - 2.2 / 2.8) / 3, 1e-12, 'total');
  close(s.lossDifference, 3.3 - 3.2, 1e-12, 'loss');
  assert.equal(s.lossTanh, 3.2);
  // the CPU columns equal the wall columns here: the CPU-time summary must agree with the wall-clock one
  close(s.cpu.forward.mean, s.forward.mean, 1e-12, 'cpu mean');
  close(s.cpu.forward.low, s.forward.low, 1e-12, 'cpu low');
  close(s.cpu.total.overall, s.total.overall, 1e-12, 'cpu total');
  const savings = pairSavings(pair, 'forward');
  close(savings[2].cumulativeSaving, 1 - 2.5 / 3.0, 1e-12, 'cumulative');
  const rec = summaryRecords([s])[0];
  assert.equal(rec.forward_pct, 16.67);
  assert.equal(rec.forward_ci_low, 1.23);
});

test('savingGrid and confidence: layers x neurons layout, CI classes, pooled estimate', () => {
  const mk = (layers: number, neurons: number, isruForward: number[]): NetSizePair => ({
    config: `${layers}x${neurons}`, layers, neurons,
    tanh: rows('tanh', layers, neurons, its, [0.1, 1.1, 2.1, 3.1], [4, 4, 4, 4]),
    isru: rows('isru', layers, neurons, its, isruForward, [4, 4, 4, 4]),
  });
  const s = summarizeNetSize([
    mk(1, 8, [0.1, 0.9, 1.7, 2.5]), // saves 0.2 every interval: CI [0.2, 0.2] above 0 (std 0)
    mk(1, 16, [0.1, 1.3, 2.5, 3.7]), // loses 0.2 every interval: below 0
    mk(2, 8, [0.1, 0.9, 2.1, 2.9]), // 0.2, −0.2, 0.2: CI contains 0
  ]);
  const g = savingGrid(s, 'forward');
  assert.deepEqual(g.layers, [1, 2]);
  assert.deepEqual(g.neurons, [8, 16]);
  close(g.z[0][0]!, 1 - 2.5 / 3.1, 1e-12, '1x8');
  close(g.z[0][1]!, 1 - 3.7 / 3.1, 1e-12, '1x16');
  assert.equal(g.z[1][1], null);
  const c = confidence(s, 'forward');
  assert.deepEqual(c, { ...c, above: ['1x8'], below: ['1x16'], unsure: ['2x8'] });
  assert.equal(c.pooled.n, 3);
  close(c.pooled.mean, (g.z[0][0]! + g.z[0][1]! + g.z[1][0]!) / 3, 1e-12, 'pooled');
  close(c.medianHalfWidth, 0, 1e-12, 'median half-width (two of three have zero spread)');
});

test('readNetSizePairs: pairs only, sorted; missing or malformed files name the command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-netsize-'));
  assert.throws(() => readNetSizePairs(dir), (e: unknown) => e instanceof MissingResultsError && /sweep net-size/.test(e.message));
  const write = (name: string, r: Row[]): void => writeFileSync(join(dir, name), toCsv(PROGRESS_COLUMNS, r));
  write('progress_2x16_tanh.csv', tanh);
  write('progress_2x16_isru.csv', isru);
  write('progress_1x8_tanh.csv', rows('tanh', 1, 8, its, [0.1, 1.1, 2.1, 3.0], [4, 4, 4, 4]));
  write('progress_1x8_isru.csv', rows('isru', 1, 8, its, [0.1, 1.1, 2.1, 3.0], [4, 4, 4, 4]));
  write('progress_3x32_tanh.csv', tanh); // no isru partner: ignored
  writeFileSync(join(dir, 'notes.txt'), 'ignored\n');
  const p = readNetSizePairs(dir);
  assert.deepEqual(p.map((x) => x.config), ['1x8', '2x16']);
  assert.equal(p[1].isru.length, 4);
  writeFileSync(join(dir, 'progress_1x8_isru.csv'), 'func,loss\nisru,1\n');
  assert.throws(() => readNetSizePairs(dir, 'my command'), (e: unknown) => e instanceof MissingResultsError && /Columns .* are missing/.test(e.message) && /my command/.test(e.message));
});

test('net-size figures: ids, tanh blue / ISRU red loss curves, CI error bars, heatmap values in percent', () => {
  const s = summarizeNetSize([pair]);
  const series = [{ config: '2x16', layers: 2, neurons: 16, forward: pairSavings(pair, 'forward'), backward: pairSavings(pair, 'backward') }];
  const sv = netSizeSavingFigure(series);
  assert.equal(sv.layout.meta?.id, 'saving-over-iterations');
  assert.equal(sv.data.length, 2);
  close(Number((sv.data[0].y as number[])[2]), 100 * (1 - 2.5 / 3.0), 1e-9, 'cumulative %');
  const bars = netSizeSummaryFigure(s);
  assert.equal(bars.layout.meta?.id, 'saving-per-config');
  const fw = bars.data.find((t) => t.type === 'bar' && String(t.name).startsWith('forward'))!;
  close(Number((fw.y as number[])[0]), 100 * s[0].forward.mean, 1e-9, 'bar');
  const err = fw.error_y as { array: number[]; arrayminus: number[] };
  close(err.array[0], 100 * (s[0].forward.high - s[0].forward.mean), 1e-9, 'error +');
  close(err.arrayminus[0], 100 * (s[0].forward.mean - s[0].forward.low), 1e-9, 'error −');
  const loss = netSizeLossFigure([pair], [16, 999]);
  assert.equal(loss.layout.meta?.id, 'loss');
  assert.deepEqual(loss.data.map((t) => (t.line as { color: string }).color), [colors.tanh, colors.isru]);
  assert.deepEqual(loss.data[1].y, [4.6, 4.1, 3.4, 3.3]);
  assert.equal(netSizeHeatmapFigure({ forward: savingGrid(s, 'forward', 'overall', 'cpu'), backward: savingGrid(s, 'backward') }, 'cpu', 'heatmap-cpu').layout.meta?.id, 'heatmap-cpu');
  const heat = netSizeHeatmapFigure({ forward: savingGrid(s, 'forward'), backward: savingGrid(s, 'backward') });
  assert.equal(heat.layout.meta?.id, 'heatmap');
  close((heat.data[0].z as number[][])[0][0], 100 * (1 - 2.5 / 3.0), 1e-9, 'heatmap');
  assert.deepEqual(heat.data[0].x, ['16']);
  const noise = netSizeNoiseFigure(series);
  assert.equal(noise.layout.meta?.id, 'noise');
  assert.equal((noise.data[0].y as number[]).length, 3);
  // pure: JSON round-trip keeps everything
  for (const f of [sv, bars, loss, heat, noise]) assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
});

test('robustRange: ignores the extreme 2% on each side, pads, never narrower than the floor range', () => {
  const v = [-300, ...Array.from({ length: 98 }, (_, k) => k - 20), 400]; // -20..77 plus two outliers
  const [lo, hi] = robustRange(v, -10, 10);
  assert.ok(lo > -300 && lo < -20, `lo ${lo}`);
  assert.ok(hi < 400 && hi > 77, `hi ${hi}`);
  assert.deepEqual(robustRange([1, 2, 3]), [-20, 50]);
  assert.deepEqual(robustRange([]), [-20, 50]);
});
