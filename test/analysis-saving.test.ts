import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  confidence, configRows, intervalTimes, loadSummary, NetSizePair, netSizeConclusion, ofVariant, pairSavings, readNetSizeConfigs, readNetSizePairs, savingByNeurons, savingGrid, summarizeNetSize,
  summaryRecords, variantOverview, variantOverviewRows, variantSummaries,
} from '../src/studies/net-size/analysis';
import { netSizeConfigFile, NetSizeConfigRecord, netSizeVariantFile, variantFilePart, variantOfFilePart } from '../src/studies/net-size/results';
import { allVariants } from '../src/studies/variants';
import { MissingResultsError } from '../src/io/results';
import { toCsv } from '../src/io/csv';
import { PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { robustRange, netSizeGridsFigure, netSizeHeatmapFigure, netSizeNoiseFigure, netSizeSummaryFigure, netSizeVariantFigure, netSizeVariantHeatmapFigure } from '../src/studies/net-size/charts';
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
const pair: NetSizePair = { config: '2x16', layers: 2, neurons: 16, variant: 'isru/scalar', baseline: tanh, candidate: isru };

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
  assert.equal(s.lossBaseline, 3.2);
  assert.equal(s.variant, 'isru/scalar');
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
    config: `${layers}x${neurons}`, layers, neurons, variant: 'isru/scalar',
    baseline: rows('tanh', layers, neurons, its, [0.1, 1.1, 2.1, 3.1], [4, 4, 4, 4]),
    candidate: rows('isru', layers, neurons, its, isruForward, [4, 4, 4, 4]),
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

test('readNetSizePairs: the baseline beside one variant, sorted; missing or malformed files name the command', () => {
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
  assert.equal(p[1].candidate.length, 4);
  writeFileSync(join(dir, 'progress_1x8_isru.csv'), 'func,loss\nisru,1\n');
  assert.throws(() => readNetSizePairs(dir, 'my command'), (e: unknown) => e instanceof MissingResultsError && /Columns .* are missing/.test(e.message) && /my command/.test(e.message));
});

test('net-size figures: ids, CI error bars, heatmap values in percent', () => {
  const s = summarizeNetSize([pair]);
  const series = [{ config: '2x16', layers: 2, neurons: 16, forward: pairSavings(pair, 'forward'), backward: pairSavings(pair, 'backward') }];
  const bars = netSizeSummaryFigure(s);
  assert.equal(bars.layout.meta?.id, 'saving-per-config');
  const fw = bars.data.find((t) => t.type === 'bar' && String(t.name).startsWith('forward'))!;
  close(Number((fw.y as number[])[0]), 100 * s[0].forward.mean, 1e-9, 'bar');
  const err = fw.error_y as { array: number[]; arrayminus: number[] };
  close(err.array[0], 100 * (s[0].forward.high - s[0].forward.mean), 1e-9, 'error +');
  close(err.arrayminus[0], 100 * (s[0].forward.mean - s[0].forward.low), 1e-9, 'error −');
  assert.equal(netSizeHeatmapFigure({ forward: savingGrid(s, 'forward', 'overall', 'cpu'), backward: savingGrid(s, 'backward') }, 'cpu', 'heatmap-cpu').layout.meta?.id, 'heatmap-cpu');
  const heat = netSizeHeatmapFigure({ forward: savingGrid(s, 'forward'), backward: savingGrid(s, 'backward') });
  assert.equal(heat.layout.meta?.id, 'heatmap');
  close((heat.data[0].z as number[][])[0][0], 100 * (1 - 2.5 / 3.0), 1e-9, 'heatmap');
  assert.deepEqual(heat.data[0].x, ['16']);
  const noise = netSizeNoiseFigure(series);
  assert.equal(noise.layout.meta?.id, 'noise');
  assert.equal((noise.data[0].y as number[]).length, 3);
  // pure: JSON round-trip keeps everything
  for (const f of [bars, heat, noise]) assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
});

test('robustRange: ignores the extreme 2% on each side, pads, never narrower than the floor range', () => {
  const v = [-300, ...Array.from({ length: 98 }, (_, k) => k - 20), 400]; // -20..77 plus two outliers
  const [lo, hi] = robustRange(v, -10, 10);
  assert.ok(lo > -300 && lo < -20, `lo ${lo}`);
  assert.ok(hi < 400 && hi > 77, `hi ${hi}`);
  assert.deepEqual(robustRange([1, 2, 3]), [-20, 50]);
  assert.deepEqual(robustRange([]), [-20, 50]);
});

test('net-size file names: the study\'s names for tanh/scalar and isru/scalar, the slug for the others; the names read back', () => {
  const c = { layers: 3, neurons: 48 };
  assert.deepEqual(allVariants().map((v) => netSizeVariantFile(c, v)), [
    'progress_3x48_tanh.csv', 'progress_3x48_tanh-simd.csv', 'progress_3x48_isru.csv', 'progress_3x48_isru-simd.csv', 'progress_3x48_all-isru-scalar.csv', 'progress_3x48_all-isru-simd.csv',
  ]);
  for (const v of allVariants()) assert.equal(variantOfFilePart(variantFilePart(v))?.id, v.id);
  for (const other of ['tanh-scalar', 'isru-scalar', 'tanh+isru-sigmoid', 'all-isru', 'relu-simd', '']) assert.equal(variantOfFilePart(other), undefined, other);
  assert.equal(netSizeConfigFile(c), 'config_3x48.json');
});

/**
 * A fixture folder: two configurations, the baseline and three variants, with per-interval wall and CPU
 * times chosen by hand; every number the analysis reports is recomputed below from these arrays alone.
 */
function variantFixture(): { dir: string; spec: Record<string, { forward: number[]; cpuScale: number }> } {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-netsize-variants-'));
  // per-interval forward seconds (the first row, iteration 0, holds 0.1); backward = 2x forward; adam 0.1 per row
  const spec: Record<string, { forward: number[]; cpuScale: number }> = {
    'tanh/scalar': { forward: [1.0, 1.0, 0.9], cpuScale: 1 },
    'tanh/simd': { forward: [0.9, 0.95, 0.8], cpuScale: 0.9 },
    'isru/scalar': { forward: [0.8, 0.9, 0.7], cpuScale: 1 },
    'all-isru/simd': { forward: [0.7, 0.6, 0.65], cpuScale: 0.8 },
  };
  for (const [layers, neurons] of [[1, 8], [2, 16]]) {
    for (const [id, sp] of Object.entries(spec)) {
      const cum = [0.1];
      for (const f of sp.forward) cum.push(cum[cum.length - 1] + f * layers);
      const r = rows(id.split('/')[0] === 'all-isru' ? 'isru' : id.split('/')[0], layers, neurons, its, cum, [4, 3.9, 3.8, 3.7]).map((row, k) => ({
        ...row, forward_cpu: sp.cpuScale * cum[k], back_cpu: 2 * sp.cpuScale * cum[k],
      }));
      writeFileSync(join(dir, netSizeVariantFile({ layers, neurons }, { id })), toCsv(PROGRESS_COLUMNS, r));
    }
  }
  const record: Partial<NetSizeConfigRecord> = {
    kind: 'net-size', config: '2x16', layers: 2, neurons: 16, iterations: 30, progress_every: 10, seed: 1,
    load_before: 0.5, load_after: 1.5, wall_seconds: 12, cpu_seconds: 11, variants: [], skipped: [{ variant: 'isru/simd', reason: 'no kernels here' }],
  };
  writeFileSync(join(dir, netSizeConfigFile({ layers: 2, neurons: 16 })), JSON.stringify(record));
  return { dir, spec };
}

test('variant savings of a fixture folder match an independent computation (per-interval mean, 95% CI, whole run, wall and CPU)', () => {
  const { dir, spec } = variantFixture();
  const configs = readNetSizeConfigs(dir);
  assert.deepEqual(configs.map((c) => c.config), ['1x8', '2x16']);
  assert.deepEqual(configs[0].runs.map((r) => r.variant), ['tanh/scalar', 'tanh/simd', 'isru/scalar', 'all-isru/simd']);
  assert.equal(configs[0].record, undefined);
  assert.equal(configs[1].record?.load_after, 1.5);
  const s = variantSummaries(configs);
  assert.deepEqual(s.map((x) => `${x.variant} ${x.config}`), ['tanh/simd 1x8', 'tanh/simd 2x16', 'isru/scalar 1x8', 'isru/scalar 2x16', 'all-isru/simd 1x8', 'all-isru/simd 2x16']);
  const T975_2 = 4.302652729749464; // Student's t, 97.5% quantile, 2 degrees of freedom
  const base = spec['tanh/scalar'];
  for (const x of s) {
    const v = spec[x.variant];
    // total per interval = forward + backward (2x) + adam (0.1): 3·f·layers + 0.1
    const tot = (f: number[]): number[] => f.map((y) => 3 * y * x.layers + 0.1);
    const ratios = tot(base.forward).map((b, k) => 1 - tot(v.forward)[k] / b);
    const m = ratios.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
    close(x.total.mean, m, 1e-12, `${x.variant} ${x.config} total mean`);
    close(x.total.low, m - (T975_2 * sd) / Math.sqrt(3), 1e-9, `${x.variant} ${x.config} total low`);
    close(x.total.high, m + (T975_2 * sd) / Math.sqrt(3), 1e-9, `${x.variant} ${x.config} total high`);
    const sum = (a: number[]): number => a.reduce((p, q) => p + q, 0);
    // whole run: cumulative at the last row, including the first row's 0.1 + 0.2 + 0.1
    const whole = (f: number[]): number => 3 * (0.1 + sum(f) * x.layers) + 0.4;
    close(x.total.overall, 1 - whole(v.forward) / whole(base.forward), 1e-12, `${x.variant} ${x.config} total whole run`);
    close(x.forward.overall, 1 - (0.1 + sum(v.forward) * x.layers) / (0.1 + sum(base.forward) * x.layers), 1e-12, 'forward whole run');
    // CPU: forward and backward scaled by cpuScale, adam unchanged
    const wholeCpu = (f: number[], k: number): number => 3 * k * (0.1 + sum(f) * x.layers) + 0.4;
    close(x.cpu.total.overall, 1 - wholeCpu(v.forward, v.cpuScale) / wholeCpu(base.forward, base.cpuScale), 1e-12, 'cpu whole run');
    close(x.cpu.forward.mean, v.forward.map((f, k) => 1 - (v.cpuScale * f) / (base.cpuScale * base.forward[k])).reduce((p, q) => p + q, 0) / 3, 1e-12, 'cpu forward mean');
  }
  // pooled over configurations: the mean of the two whole-run savings, t(0.975, 1) = 12.7062
  const o = variantOverview(s);
  assert.deepEqual(o.map((v) => v.variant), ['tanh/simd', 'isru/scalar', 'all-isru/simd']);
  const a = ofVariant(s, 'all-isru/simd').map((x) => x.cpu.total.overall);
  const m = (a[0] + a[1]) / 2, half = (12.706204736174698 * Math.abs(a[0] - a[1]) / Math.SQRT2) / Math.SQRT2;
  close(o[2].cpu.total.pooled.mean, m, 1e-12, 'pooled mean');
  close(o[2].cpu.total.pooled.high, m + half, 1e-9, 'pooled high');
  assert.equal(o[2].wall.total.above.length, 2, 'all-isru/simd saves in every interval of both configurations');
  const rowsOut = variantOverviewRows(o);
  assert.equal(rowsOut[2].variant, 'all-isru/simd');
  assert.match(String(rowsOut[2]['total, CPU']), new RegExp(`^${(100 * m).toFixed(1)}% \\[`));
  assert.equal(configRows(ofVariant(s, 'isru/scalar')).length, 2);
  // the grid of one variant; several variants at once are refused
  const g = savingGrid(ofVariant(s, 'tanh/simd'), 'total', 'overall', 'cpu');
  assert.deepEqual([g.layers, g.neurons], [[1, 2], [8, 16]]);
  assert.equal(g.z[0][1], null);
  close(g.z[1][1]!, ofVariant(s, 'tanh/simd')[1].cpu.total.overall, 0, 'grid cell');
  assert.throws(() => savingGrid(s, 'total'), /several variants/);
  // savings against width: the mean over layer counts at each neuron count
  const byN = savingByNeurons(s);
  assert.deepEqual(byN[0].neurons, [8, 16]);
  close(byN[0].wall[1], ofVariant(s, 'tanh/simd')[1].total.overall, 1e-12, 'by neurons');
  // load: the one recorded configuration, the other from before records
  const load = loadSummary(configs);
  assert.deepEqual({ ...load, skipped: undefined }, { recorded: 1, unrecorded: 1, median: 1, max: 1.5, wallSeconds: 12, cpuSeconds: 11, skipped: undefined });
  assert.deepEqual(load.skipped, [{ variant: 'isru/simd', reason: 'no kernels here' }]);
  const text = netSizeConclusion({ machine: 'fixture', quick: false, configs }, s);
  assert.match(text, /2 network sizes × 30 iterations/);
  assert.match(text, new RegExp(`all-isru/simd: ${(100 * o[2].wall.total.pooled.mean).toFixed(1)}% \\[`));
  assert.match(text, /largest saving by CPU time is all-isru\/simd's/);
  // against tanh/simd: per configuration 1 − all-isru/simd CPU total / tanh/simd CPU total (whole run), then the mean
  const cpuTotal = (id: string, layers: number): number => 3 * spec[id].cpuScale * (0.1 + spec[id].forward.reduce((p, q) => p + q, 0) * layers) + 0.4;
  const fair = [1, 2].map((l) => 1 - cpuTotal('all-isru/simd', l) / cpuTotal('tanh/simd', l));
  assert.match(text, new RegExp(`Against the vectorised tanh \\(tanh/simd\\) instead, by CPU time: all-isru/simd ${(100 * (fair[0] + fair[1]) / 2).toFixed(1)}% \\[`));
  assert.match(text, /median 1\.00, max 1\.50/);
  assert.match(text, /1 configurations come from a sweep that recorded no load/);
  assert.match(text, /Skipped: isru\/simd \(no kernels here\)/);
});

test('net-size variant figures: one line per variant in the verdict palette, wall beside CPU; grids side by side', () => {
  const { dir } = variantFixture();
  const s = variantSummaries(readNetSizeConfigs(dir));
  const f = netSizeVariantFigure(savingByNeurons(s));
  assert.equal(f.layout.meta?.id, 'variant-saving');
  assert.equal(f.data.length, 6);
  const simd = f.data.find((t) => t.name === 'all-isru/simd' && t.xaxis === 'x2')!;
  assert.deepEqual(simd.line, { color: colors.isruSigmoid, dash: 'dot', width: 2 });
  close((simd.y as number[])[0], 100 * ofVariant(s, 'all-isru/simd')[0].cpu.total.overall, 1e-9, 'cpu point');
  assert.equal((f.data.find((t) => t.name === 'isru/scalar')!.line as { color: string }).color, colors.isru);
  const [lo, hi] = (f.layout.yaxis as { range: [number, number] }).range;
  const ys = f.data.flatMap((t) => t.y as number[]);
  assert.ok(lo < Math.min(...ys) && hi > Math.max(...ys), 'every point inside the y range');
  // fitted to the data and the zero line, padded by 8% of the span: no empty band down to −10
  close(lo, Math.min(0, ...ys) - 0.08 * (Math.max(0, ...ys) - Math.min(0, ...ys)), 1e-9, 'lower end of the y range');
  // widths as evenly spaced categories, so 100 and 128 get their own room
  assert.equal((f.layout.xaxis as { type: string }).type, 'category');
  assert.deepEqual(simd.x, savingByNeurons(s)[0].neurons.map(String));
  const v = ofVariant(s, 'all-isru/simd');
  const grids = netSizeGridsFigure([{ label: 'wall clock', grid: savingGrid(v, 'total') }, { label: 'process CPU time', grid: savingGrid(v, 'total', 'overall', 'cpu') }], 't', 'heatmap-all-isru-simd');
  assert.equal(grids.layout.meta?.id, 'heatmap-all-isru-simd');
  assert.deepEqual(grids.data.map((t) => [t.xaxis, t.yaxis]), [['x', 'y'], ['x2', 'y2']]);
  close((grids.data[1].z as number[][])[1][1], 100 * v[1].cpu.total.overall, 1e-9, 'grid %');
  assert.deepEqual(netSizeVariantHeatmapFigure(s, 'all-isru/simd'), { ...grids, layout: { ...grids.layout, title: { text: 'Whole-iteration time saving of all-isru/simd over tanh/scalar by layers × neurons (whole run)' } } });
  for (const fig of [f, grids]) assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});
