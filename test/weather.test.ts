import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot, resultsPath } from '../src/io/paths';
import { machineRoots } from '../src/io/results-root';
import * as math from 'mathjs';
import { readCsv } from '../src/io/csv';
import { cellKernels, cellSpec } from '../src/lstm/cell';
import {
  accuracyPercent, buildDataset, confusion, D, defaultWeatherFile, featureStats, loadWeather, naiveBaseline, parseWeather, rawFeatures,
} from '../src/studies/weather/data';
import { parseCells, planRuns, QUICK_PROFILE, readRepeats } from '../src/studies/weather/sweep';
import { averageRows } from '../src/studies/weather/results';
import { MissingResultsError } from '../src/io/results';
import { allVariants, parseVariantId } from '../src/studies/variants';
import { parseShard, selectShard } from '../src/sweep/sweep';
import { weatherGradientCheck } from '../src/studies/weather/gradcheck';
import { WeatherNet } from '../src/studies/weather/model';
import { runWeather } from '../src/studies/weather/train';
import { compareVariants, loadWeatherResults, pairedDifferences, readWeatherRoot, cellCountSaving, cellCountDifference, variantSummaryRows, weatherConclusion, weatherTableRows } from '../src/studies/weather/analysis';
import { UserError } from '../src/errors';
import { colors } from '../src/charts/colors';
import { weatherAccuracyFigure, weatherConfusionFigure, weatherSavingFigure } from '../src/studies/weather/charts';
import { cliEnv, runCli } from './helpers/cli';
import { WEATHER_HEADER } from './helpers/schemas';
import { cellsMissingCharts, errorOutputs, executeNotebook, plotlyOutputs, printedText } from './helpers/notebook';
import { readReference, REFERENCE_FILE } from '../src/io/results-root';
import { figureOfOutput } from '../src/charts/show';
import { MACHINE_SPECIFIC } from '../src/charts/beside';
import type { Figure } from '../src/charts/figure';
import { withTempDir } from './helpers/temp';

const days = loadWeather();
const data = buildDataset(days);

test('weather data: 4 years of consecutive days; train windows end in 2012–2014, test labels are the 365 days of 2015', () => {
  assert.equal(days.length, 1461);
  assert.equal(days[0].date, '2012-01-01');
  assert.equal(days[days.length - 1].date, '2015-12-31');
  assert.equal(data.window, 7);
  // every training sample's whole window and label lie in 2012–2014
  assert.equal(data.train.count, 3 * 365 + 1 - 7); // 2012 is a leap year; the first label is day 8
  assert.ok(data.train.labelDates.every((d) => d >= '2012-01-08' && d <= '2014-12-31'));
  assert.deepEqual([data.test.labelDates[0], data.test.labelDates[364]], ['2015-01-01', '2015-12-31']);
  assert.equal(data.test.count, 365);
});

test('weather features: standardised with mean/std of the training years only (mathjs reference); labels are next-day rain', () => {
  const train = days.filter((d) => d.year <= 2014);
  const temps = train.map((d) => d.temp_max);
  const stats = featureStats(train);
  assert.ok(Math.abs(stats.mean[1] - Number(math.mean(temps))) < 1e-12);
  assert.ok(Math.abs(stats.std[1] - Number(math.std(temps, 'uncorrected'))) < 1e-12);
  assert.ok(Math.abs(stats.mean[0] - Number(math.mean(train.map((d) => Math.log1p(d.precipitation))))) < 1e-12);
  assert.deepEqual(data.stats, stats);
  // standardised training features have mean 0 / std 1 over the training days (season features are left as is)
  const firstDay = (f: number): number[] => Array.from({ length: data.train.count }, (_, s) => data.train.x[(s * 7) * D + f]);
  assert.ok(Math.abs(Number(math.mean(firstDay(2)))) < 0.05);
  // sample s: day W-1 of its window is the day before its label; label = precipitation > 0 on the label day
  const byDate = new Map(days.map((d, k) => [d.date, k]));
  for (const s of [0, 100, 364]) {
    const k = byDate.get(data.test.labelDates[s])!;
    const raw = rawFeatures(days[k - 1]);
    for (let f = 0; f < D; f++) assert.ok(Math.abs(data.test.x[(s * 7 + 6) * D + f] - (raw[f] - stats.mean[f]) / stats.std[f]) < 1e-12);
    assert.equal(data.test.y[s], days[k].precipitation > 0 ? 1 : 0);
    assert.equal(data.test.today[s], days[k - 1].precipitation > 0 ? 1 : 0);
  }
  // season: 1 January is angle 0
  const jan1 = rawFeatures(days[0]);
  assert.deepEqual([jan1[4], jan1[5]], [0, 1]);
});

test('weather split: changing the test year changes no training input (no leakage of test statistics)', () => {
  const altered = days.map((d) => (d.year === 2015 ? { ...d, temp_max: d.temp_max + 40, wind: 0, precipitation: 99 } : d));
  const other = buildDataset(altered);
  assert.deepEqual(other.stats, data.stats);
  assert.deepEqual(other.train.x, data.train.x);
  assert.deepEqual(other.train.y, data.train.y);
  assert.notDeepEqual(other.test.x, data.test.x);
});

test('weather data: bad CSVs are rejected with the line (bad number, gap in dates, bad date)', () => {
  const head = 'date,precipitation,temp_max,temp_min,wind,weather\n';
  assert.throws(() => parseWeather(head + '2012-01-01,0,1,2,x,rain\n'), /:2: wind must be a number/);
  assert.throws(() => parseWeather(head + '2012-01-01,0,1,2,3,rain\n2012-01-03,0,1,2,3,rain\n'), /:3: 2012-01-03 does not follow 2012-01-01/);
  assert.throws(() => parseWeather(head + '1/1/2012,0,1,2,3,rain\n'), /bad date/);
  assert.throws(() => parseWeather(head), /no rows/);
});

test('confusion counts: hand example, consistent with the labels, and the naive baseline recomputed from the raw CSV', () => {
  assert.deepEqual(confusion([1, 1, 0, 0, 1], [1, 0, 0, 1, 1]), { TP: 2, TN: 1, FP: 1, FN: 1 });
  assert.equal(accuracyPercent({ TP: 2, TN: 1, FP: 1, FN: 1 }), 60);
  const b = naiveBaseline(data.test);
  const rainy = data.test.y.reduce((s, v) => s + v, 0);
  assert.equal(b.TP + b.FN, rainy);
  assert.equal(b.TP + b.TN + b.FP + b.FN, 365);
  // independent: straight from the CSV text
  const lines = readFileSync(defaultWeatherFile(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  let correct = 0, n = 0;
  for (let k = 1; k < lines.length; k++) {
    if (!lines[k][0].startsWith('2015')) continue;
    n++;
    if ((Number(lines[k][1]) > 0) === (Number(lines[k - 1][1]) > 0)) correct++;
  }
  assert.equal(n, 365);
  assert.ok(Math.abs(accuracyPercent(b) - (100 * correct) / n) < 1e-12);
});

for (const activation of ['tanh', 'isru'] as const) {
  for (const kernels of ['js', 'wasm'] as const) {
    test(`weather gradient check (${activation}, ${kernels} kernels): analytic = 7-point finite differences`, () => {
      const r = weatherGradientCheck({ cell: cellSpec(activation), kernels, neurons: 5, window: 4, inputs: 3, count: 3 });
      assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError} at ${r.worstIndex}`);
      assert.ok(r.loss > 0.1);
    });
  }
}

test('weather gradient check can fail: the tanh backward under an ISRU forward is caught', () => {
  const r = weatherGradientCheck({
    cell: cellSpec('isru'), kernels: 'js', neurons: 5,
    mutate: (net) => { (net as unknown as { cellBackward: unknown }).cellBackward = cellKernels(cellSpec('tanh')).backward; },
  });
  assert.ok(r.maxRelError > 1e-2, `expected a large error, got ${r.maxRelError}`);
});

test('weather model: WASM and JS kernels train to the same predictions; same seed, same result', () => {
  const a = runWeather(data, { cells: 12, cell: cellSpec('isru'), seed: 5, epochs: 2, kernels: 'js' });
  const b = runWeather(data, { cells: 12, cell: cellSpec('isru'), seed: 5, epochs: 2, kernels: 'wasm' });
  const c = runWeather(data, { cells: 12, cell: cellSpec('isru'), seed: 5, epochs: 2, kernels: 'js' });
  assert.ok(Math.abs(a.loss - b.loss) < 1e-9, `${a.loss} vs ${b.loss}`);
  assert.deepEqual([a.TP, a.TN, a.FP, a.FN], [b.TP, b.TN, b.FP, b.FN]);
  assert.equal(a.loss, c.loss);
  assert.equal(a.TP + a.TN + a.FP + a.FN, 365);
  assert.ok(Math.abs(a.accuracy - accuracyPercent(a)) < 1e-12);
  assert.equal(new WeatherNet({ neurons: 12, cell: cellSpec('tanh'), window: 7 }).layout.size, 4 * 12 * (6 + 12) + 4 * 12 + 12 + 1);
});

test('weather training learns: the loss falls and the test accuracy beats always-dry (60.5%)', () => {
  const r = runWeather(data, { cells: 10, cell: cellSpec('tanh'), seed: 1, epochs: 6, kernels: 'js' });
  assert.ok(r.loss < 0.6, `loss ${r.loss}`);
  assert.ok(r.accuracy > 65, `accuracy ${r.accuracy}`);
});

test('weather sweep plan: every variant per (cells, repeat) from one seed, the order rotated per repeat; shards partition the cell counts', () => {
  const variants = allVariants();
  const plan = planRuns({ ...QUICK_PROFILE, cells: [10, 25], repeats: 2 }, variants);
  assert.equal(plan.length, 2 * 2 * variants.length);
  for (const cells of [10, 25]) {
    for (const repeat of [0, 1]) {
      const group = plan.filter((r) => r.cells === cells && r.repeat === repeat);
      assert.deepEqual(group.map((r) => r.variant.id).sort(), variants.map((v) => v.id).sort());
      assert.ok(group.every((r) => r.seed === QUICK_PROFILE.seed + repeat));
      // a group's runs are adjacent in the plan
      const first = plan.indexOf(group[0]);
      assert.deepEqual(plan.slice(first, first + group.length), group);
    }
  }
  assert.deepEqual(plan.filter((r) => r.cells === 10).map((r) => r.variant.id).slice(0, 7),
    ['tanh/scalar', 'tanh/simd', 'isru/scalar', 'isru/simd', 'all-isru/scalar', 'all-isru/simd', 'tanh/simd']);
  const cells = [10, 25, 50, 75, 100];
  const shards = [1, 2, 3].map((i) => selectShard(cells, { index: i, count: 3 }));
  assert.deepEqual(shards, [[10, 75], [25, 100], [50]]);
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0']) assert.throws(() => parseShard(bad), UserError, bad);
  assert.deepEqual(parseCells('10, 25,50'), [10, 25, 50]);
  for (const bad of ['', '10,,25', '0', '-5', '1.5', 'ten', '10,10']) assert.equal(typeof parseCells(bad), 'string', bad);
});

test('a weather file from before the variants (no Gate, Impl, Variant) is refused by the notebook reader and the sweep, naming the columns', () => {
  const results = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-old-'));
  try {
    const dir = join(results, 'weather');
    mkdirSync(dir);
    writeFileSync(join(dir, 'lstm-m.csv'), 'Cells,Func,TrainTime,PredictTime,Accuracy,TP,TN,FP,FN\n10,tanh,1.5,0.01,80,1,2,3,4\n10,isru,1.2,0.01,79,1,2,3,4\n');
    const repeats = join(dir, 'lstm-m-repeats.csv');
    writeFileSync(repeats, 'Cells,Func,Repeat,Seed,Epochs,Batch,Window,LR,Kernels,TrainTime,PredictTime,Accuracy,TP,TN,FP,FN,Loss,TrainCpu,PredictCpu\n10,tanh,0,1,20,32,7,0.01,wasm,1.5,0.01,80,1,2,3,4,0.5,1.5,0.01\n');
    writeFileSync(join(dir, 'baseline.csv'), 'Split,Samples,Accuracy,TP,TN,FP,FN\ntest,365,70,1,2,3,4\n');
    assert.throws(() => readWeatherRoot({ dir: results, machine: 'm', profile: 'full' }), (e: unknown) => e instanceof MissingResultsError && /Columns Gate, Impl, Variant are missing/.test(e.message) && /weather/.test(e.message));
    assert.throws(() => readRepeats(repeats), /no column Gate, Impl, Variant/);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});

/** Per-repeat rows of three variants at one cell count (a fixture with hand-picked numbers). */
function fixtureRows(): Record<string, string | number>[] {
  const t = [2, 4, 3], isru = [1, 2, 2.5], all = [1.5, 3, 2.5];
  const acc = [[70, 71, 72], [72, 71, 70], [71, 71, 71]];
  return [0, 1, 2].flatMap((r) => [
    { Cells: 10, Func: 'tanh', Variant: 'tanh/scalar', Repeat: r, TrainTime: t[r], TrainCpu: t[r] / 2, PredictTime: 0.2, PredictCpu: 0.1, Accuracy: acc[0][r], TP: 1, TN: 2, FP: 3, FN: 4 },
    { Cells: 10, Func: 'isru', Variant: 'isru/scalar', Repeat: r, TrainTime: isru[r], TrainCpu: isru[r] / 2, PredictTime: 0.1, PredictCpu: 0.05, Accuracy: acc[1][r], TP: 2, TN: 2 + r, FP: 3, FN: 4 },
    { Cells: 10, Func: 'isru', Variant: 'all-isru/simd', Repeat: r, TrainTime: all[r], TrainCpu: all[r] / 2, PredictTime: 0.1, PredictCpu: 0.05, Accuracy: acc[2][r], TP: 2, TN: 2, FP: 3, FN: 4 },
  ]);
}

test('weather averages and paired differences per variant: mean/std/CI of tanh/scalar − variant match mathjs and the t table', () => {
  const rows = fixtureRows();
  const avg = averageRows(rows);
  assert.deepEqual(avg.map((r) => [r.Cells, r.Variant, r.Func, r.TrainTime, r.TN]), [
    [10, 'tanh/scalar', 'tanh', 3, 2], [10, 'isru/scalar', 'isru', Number((5.5 / 3).toFixed(6)), 3], [10, 'all-isru/simd', 'isru', Number((7 / 3).toFixed(6)), 2],
  ]);
  // t(0.975, 2) from a printed t table, not from the library stats.ts uses
  const t975df2 = 4.302652729911275;
  for (const [variant, values] of [['isru/scalar', [1, 2, 2.5]], ['all-isru/simd', [1.5, 3, 2.5]]] as const) {
    const [d] = pairedDifferences(rows, 'TrainTime', variant);
    const diffs = [2, 4, 3].map((x, k) => x - values[k]);
    assert.equal(d.n, 3);
    assert.deepEqual(d.diffs, diffs);
    assert.ok(Math.abs(d.mean - Number(math.mean(diffs))) < 1e-12);
    assert.ok(Math.abs(d.std - Number(math.std(diffs))) < 1e-12);
    const half = (t975df2 * Number(math.std(diffs))) / Math.sqrt(3);
    assert.ok(Math.abs(d.low - (d.mean - half)) < 1e-9 && Math.abs(d.high - (d.mean + half)) < 1e-9, variant);
    assert.ok(Math.abs(d.savingPercent - (100 * d.mean) / 3) < 1e-12);
    // one cell count: its repeats are the units — mean of 1 − variant/tanh over the pairs, with its own t interval
    const rel = [2, 4, 3].map((x, k) => 1 - values[k] / x);
    const s = cellCountSaving([d]);
    assert.ok(Math.abs(s.mean - Number(math.mean(rel))) < 1e-12);
    assert.ok(Math.abs(s.high - s.mean - (t975df2 * Number(math.std(rel))) / Math.sqrt(3)) < 1e-9);
  }
  const cmp = compareVariants(rows);
  assert.deepEqual(cmp.map((c) => c.variant), ['isru/scalar', 'all-isru/simd']);
  assert.deepEqual(cmp[0].differences.Accuracy[0].diffs, [-2, 0, 2]);
  assert.deepEqual(cmp[1].differences.TrainCpu[0].diffs, [0.25, 0.5, 0.25]);
});

test('with several cell counts the interval is over cell counts, each the mean of its repeats', () => {
  // cell count 10: savings 0.30, 0.34, 0.38 (mean 0.34); 300: 0.08, 0.09, 0.10 (mean 0.09); accuracy 1, 3 and −1, 1
  const d = [
    { cells: 10, diffs: [3, 3.4, 3.8], baselineValues: [10, 10, 10] },
    { cells: 300, diffs: [8, 9, 10], baselineValues: [100, 100, 100] },
  ] as unknown as Parameters<typeof cellCountSaving>[0];
  const s = cellCountSaving(d);
  assert.equal(s.n, 2);
  assert.ok(Math.abs(s.mean - (0.34 + 0.09) / 2) < 1e-12);
  // two units: t(0.975, 1) = 12.7062, std of 0.34, 0.09 = 0.25/√2
  assert.ok(Math.abs(s.high - s.mean - (12.706204736174707 * (0.25 / Math.SQRT2)) / Math.SQRT2) < 1e-9);
  const a = cellCountDifference([{ cells: 10, diffs: [1, 3], baselineValues: [70, 70] }, { cells: 50, diffs: [-1, 1], baselineValues: [70, 70] }] as unknown as Parameters<typeof cellCountSaving>[0]);
  assert.deepEqual([a.n, a.mean], [2, 1]);
});

test('weather conclusion: computed per variant from the paired results, naming a clear saving, no accuracy difference and the naive forecast', () => {
  const rows = fixtureRows();
  const res = { machine: 'm', local: true, quick: false, table: averageRows(rows), repeats: rows, baseline: [{ Split: 'test', Accuracy: 70.411 }], files: { table: '', repeats: '', baseline: '' } };
  const text = weatherConclusion(res);
  assert.match(text, /3 variants \(tanh\/scalar, isru\/scalar, all-isru\/simd\) trained on 1 cell count × 3 paired repeats/);
  assert.match(text, /files predate the load record/);
  assert.match(text, /all-isru\/simd trains faster than tanh\/scalar/);
  assert.match(text, /isru\/scalar .*shows no accuracy difference beyond the noise/);
  assert.match(text, /Not in these results: tanh\/simd, isru\/simd, all-isru\/scalar/);
  assert.match(text, /naive forecast .* the LSTMs are 0\.6 points better/);
  const loaded = rows.map((r) => ({ ...r, LoadBefore: Number(r.Repeat) + 0.5, LoadAfter: 1 }));
  assert.match(weatherConclusion({ ...res, repeats: loaded }), /median of 1\.50 \(max 2\.50\)/);
  assert.match(weatherConclusion({ ...res, repeats: rows.filter((r) => r.Variant !== 'tanh/scalar') }), /no tanh\/scalar baseline/);
  const table = weatherTableRows(rows);
  assert.deepEqual(table.map((r) => [r.Variant, r.TrainCpu]), [['tanh/scalar', 1.5], ['isru/scalar', Number((5.5 / 6).toPrecision(4))], ['all-isru/simd', Number((7 / 6).toPrecision(4))]]);
  const summary = variantSummaryRows(compareVariants(rows));
  assert.equal(summary.length, 2);
  assert.equal(summary[0].pairs, 3);
});

test('lstm-opt weather writes one row per variant × cells × repeat with its Variant id and load; a rerun resumes; an incomplete group is measured again', () => withTempDir('lstm-opt-weather-', (dir) => {
  const out = join(dir, 'lstm-test.csv');
  const args = ['weather', '--cells', '10,12', '--repeats', '2', '--epochs', '1', '--out', out];
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8').split('\n')[0], WEATHER_HEADER);
  const ids = allVariants().map((v) => v.id);
  const rows = readCsv(out);
  assert.deepEqual(rows.map((x) => `${x.Cells} ${x.Variant}`), [10, 12].flatMap((c) => ids.map((id) => `${c} ${id}`)));
  for (const x of rows) {
    assert.ok(Number(x.TrainTime) > 0 && Number(x.PredictTime) > 0 && Number(x.TrainCpu) > 0);
    assert.equal(`${x.Func}`, parseVariantId(String(x.Variant))!.spec.activation);
    assert.ok(Math.abs(Number(x.TP) + Number(x.TN) + Number(x.FP) + Number(x.FN) - 365) < 1e-9);
  }
  const repeatsFile = join(dir, 'lstm-test-repeats.csv');
  const repeats = readCsv(repeatsFile);
  assert.deepEqual(repeats.map((x) => `${x.Cells} ${x.Repeat} ${x.Variant}`).sort(), [10, 12].flatMap((c) => [0, 1].flatMap((k) => ids.map((id) => `${c} ${k} ${id}`))).sort());
  for (const x of repeats) {
    assert.equal(Number(x.Seed), 1 + Number(x.Repeat));
    assert.ok(Number.isFinite(Number(x.LoadBefore)) && Number.isFinite(Number(x.LoadAfter)) && x.LoadBefore !== '');
    const v = parseVariantId(String(x.Variant))!;
    assert.deepEqual([x.Gate, x.Impl], [v.spec.gate, v.impl]);
  }
  const baseline = readCsv(join(dir, 'baseline.csv'));
  assert.deepEqual(baseline.map((b) => [b.Split, b.Samples]), [['train', 1089], ['test', 365]]);
  const before = readFileSync(out, 'utf8');
  const again = runCli([...args, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 run\(s\) measured, 24 skipped/);
  assert.equal(readFileSync(out, 'utf8'), before);
  // a subset of the variants is complete already
  const subset = runCli([...args, '--variants', 'tanh,isru/simd', '--quiet']);
  assert.match(subset.stdout, /3 variant\(s\), 0 run\(s\) measured, 12 skipped/);
  // a group missing one variant is measured again as a whole (rows measured apart are no pair)
  const text = readFileSync(repeatsFile, 'utf8').split('\n');
  writeFileSync(repeatsFile, text.filter((l) => !/^12,isru,1,.*,isru\/simd,/.test(l)).join('\n'));
  const fill = runCli([...args, '--quiet']);
  assert.equal(fill.code, 0, fill.stderr);
  assert.match(fill.stdout, /6 run\(s\) measured, 18 skipped/);
  assert.equal(readCsv(repeatsFile).length, 24);
  // `sweep weather` is the same sweep, into a folder
  const sw = runCli(['sweep', 'weather', '--cells', '10', '--repeats', '1', '--epochs', '1', '--variants', 'tanh/scalar,all-isru', '--out', join(dir, 'sw'), '--quiet']);
  assert.equal(sw.code, 0, sw.stderr);
  const swFile = readdirSync(join(dir, 'sw')).find((f) => /^lstm-.+-repeats\.csv$/.test(f))!;
  assert.deepEqual(readCsv(join(dir, 'sw', swFile)).map((x) => x.Variant), ['tanh/scalar', 'all-isru/scalar', 'all-isru/simd']);
  // a shard only adds its own cell count
  const shard = runCli(['weather', '--cells', '10,12', '--repeats', '1', '--epochs', '1', '--variants', 'tanh/scalar,isru/scalar', '--shard', '2/2', '--out', join(dir, 's.csv'), '--quiet']);
  assert.equal(shard.code, 0, shard.stderr);
  assert.deepEqual(readCsv(join(dir, 's.csv')).map((x) => `${x.Cells} ${x.Variant}`), ['12 tanh/scalar', '12 isru/scalar']);
}));

test('lstm-opt weather: variants whose kernels the build lacks are skipped with the reason', () => withTempDir('lstm-opt-weather-js-', (dir) => {
  const out = join(dir, 'lstm-js.csv');
  const r = runCli(['weather', '--cells', '10', '--repeats', '1', '--epochs', '1', '--out', out], { env: { LSTM_OPT_KERNELS: 'js' } });
  assert.equal(r.code, 0, r.stderr);
  for (const id of ['tanh/simd', 'isru/simd', 'all-isru/simd']) assert.match(r.stderr, new RegExp(`skipping ${id}: .*simd`));
  assert.deepEqual(readCsv(out).map((x) => x.Variant), ['tanh/scalar', 'isru/scalar', 'all-isru/scalar']);
  assert.match(r.stdout, /3 variant\(s\), 3 run\(s\) measured/);
  // nothing left to run is bad input, not an empty result
  const none = runCli(['weather', '--cells', '10', '--variants', 'tanh/simd', '--out', join(dir, 'none.csv')], { env: { LSTM_OPT_KERNELS: 'js' } });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /no variant to run: tanh\/simd \(/);
  assert.equal(none.stderr.trim().split('\n').length, 1, none.stderr);
  assert.ok(!existsSync(join(dir, 'none.csv')));
}));

test('lstm-opt weather: bad input gets one line on stderr, a non-zero exit and no results file', () => withTempDir('lstm-opt-weather-bad-', (dir) => {
  const out = join(dir, 'r.csv');
  mkdirSync(join(dir, 'folder'));
  const badData = join(dir, 'bad.csv');
  writeFileSync(badData, 'date,precipitation,temp_max,temp_min,wind\n2012-01-01,0,1,2,oops\n');
  const cases: [string[], RegExp, number?][] = [
    [['weather', '--bogus'], /unknown option/],
    [['weather', '--cells', '10,abc', '--out', out], /--cells must be/],
    [['weather', '--cells', '0', '--out', out], /--cells must be/],
    [['weather', '--repeats', '-1', '--out', out], /--repeats must be a positive integer/],
    [['weather', '--shard', '3/2', '--out', out], /--shard 3\/2/],
    [['weather', '--out', join(dir, 'folder')], /--out must be a file/],
    [['weather', '--out', join(dir, 'runs', 'weather')], /--out must name a \.csv file .*`npx lstm-opt sweep weather --out` is the form that takes a folder/],
    [['weather', '--data', join(dir, 'missing.csv'), '--out', out], /no such file/],
    [['weather', '--data', badData, '--out', out], /wind must be a number/],
    [['weather', '--variants', 'tanh,softsign', '--out', out], /--variants: unknown variant 'softsign'/, 2],
    [['weather', '--variants', 'isru/avx', '--out', out], /--variants: unknown variant 'isru\/avx'/, 2],
    [['weather', '--variants', ',', '--out', out], /--variants: give at least one variant/, 2],
    [['weather', '--wait-idle', 'busy', '--out', out], /--wait-idle must be a load average ≥ 0, got 'busy'/, 2],
    [['weather', '--wait-idle', '-1', '--out', out], /--wait-idle must be a load average ≥ 0, got '-1'/, 2],
    [['weather', '--gate', 'isru-sigmoid', '--out', out], /unknown option '--gate'/],
    [['sweep', 'weather', '--variants', 'tanh/vector', '--out', join(dir, 'sw')], /--variants: unknown variant 'tanh\/vector'/, 2],
    [['sweep', 'weather', '--iterations', '5', '--out', join(dir, 'sw')], /use --epochs, not --iterations/, 2],
  ];
  for (const [args, message, code] of cases) {
    const r = runCli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    if (code !== undefined) assert.equal(r.code, code, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f !== 'sw').sort(), ['bad.csv', 'folder']);
  assert.ok(!existsSync(out));
  assert.ok(!existsSync(join(dir, 'sw')) || readdirSync(join(dir, 'sw')).length === 0);
}));

test('weather figures: one category per cell count, a line per variant with CI error bars from the paired differences, verdict colours, baseline line', () => {
  const rows = [10, 25].flatMap((c) => [0, 1, 2].flatMap((r) => allVariants().map((v, k) => ({
    Cells: c, Func: v.spec.activation, Variant: v.id, Repeat: r, TrainTime: 1 + c / 100 + (k === 0 ? r / 10 : -k / 20), TrainCpu: 1 + c / 100 - k / 30 + r / 50,
    PredictTime: 0.01 - k / 1000, PredictCpu: 0.01 - k / 2000, Accuracy: k === 0 ? 70 + r : 71, TP: 80, TN: 180, FP: 40, FN: 65,
  }))));
  const cmp = compareVariants(rows);
  assert.equal(cmp.length, 5);
  const fig = weatherSavingFigure(cmp);
  assert.equal(fig.data.length, 2 * 5);
  const isru = fig.data.find((t) => t.name === 'isru/scalar' && t.xaxis === 'x')!;
  const d = cmp.find((c) => c.variant === 'isru/scalar')!.differences.TrainTime;
  assert.deepEqual(isru.x, ['10', '25']);
  assert.ok(Math.abs((isru.y as number[])[1] - d[1].savingPercent) < 1e-12);
  const err = isru.error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(err.array[0] - (100 * (d[0].high - d[0].mean)) / d[0].baselineMean) < 1e-9);
  assert.equal((isru.line as { color: string }).color, colors.isru);
  const allSimd = fig.data.find((t) => t.name === 'all-isru/simd' && t.xaxis === 'x2')!;
  assert.deepEqual([(allSimd.line as { color: string; dash: string }).color, (allSimd.line as { dash: string }).dash], [colors.isruSigmoid, 'dot']);
  const cpu = cmp.find((c) => c.variant === 'isru/simd')!.differences.TrainCpu;
  assert.ok(Math.abs((fig.data.find((t) => t.name === 'isru/simd' && t.xaxis === 'x2')!.y as number[])[0] - cpu[0].savingPercent) < 1e-12);
  const predict = weatherSavingFigure(cmp, 'predict');
  assert.match(String((predict.layout.title as { text: string }).text), /prediction/);
  const acc = weatherAccuracyFigure(rows, 70.41);
  const tanh = acc.data.find((t) => t.name?.startsWith('tanh/scalar'))!;
  assert.equal((tanh.line as { color: string }).color, colors.tanh);
  assert.deepEqual(tanh.y, [71, 71]);
  assert.deepEqual(acc.data.find((t) => t.name?.startsWith('naive'))!.y, [70.41, 70.41]);
  const conf = weatherConfusionFigure(rows, { TP: 90, TN: 167, FP: 54, FN: 54 });
  assert.equal(conf.data.length, 4 * 7);
  for (const f of [fig, predict, acc, conf]) assert.doesNotThrow(() => JSON.stringify(f));
});

test('weather results loader: prints the producing commands when nothing is there, reads the full profile before the quick one, and never another machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-res-'));
  const log = console.log;
  const printed: string[] = [];
  console.log = (...a: unknown[]) => void printed.push(a.join(' '));
  try {
    assert.equal(loadWeatherResults(machineRoots('this-machine', dir)), undefined);
    assert.match(printed.join('\n'), /No weather results for this-machine yet: `npx lstm-opt weather --quick` measures a quick mechanics check \(about 20 seconds\), `npx lstm-opt weather` the full profile/);
    const base = ['weather', '--cells', '10', '--repeats', '1', '--epochs', '1', '--variants', 'tanh/scalar,isru/scalar', '--quiet'];
    assert.equal(runCli([...base, '--out', join(dir, 'weather', 'quick', 'lstm-this-machine.csv')]).code, 0);
    const quick = loadWeatherResults(machineRoots('this-machine', dir));
    assert.ok(quick);
    assert.deepEqual([quick.machine, quick.quick, quick.repeats.length, quick.root.profile], ['this-machine', true, 2, 'quick']);
    // another machine's results are never shown as this one's
    const r = runCli([...base, '--out', join(dir, 'weather', 'lstm-other-machine.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(loadWeatherResults(machineRoots('this-machine', dir))?.machine, 'this-machine');
    const other = loadWeatherResults(machineRoots('other-machine', dir));
    assert.deepEqual([other?.machine, other?.quick], ['other-machine', false]);
    // the full profile wins over the quick one of the same machine
    assert.equal(runCli([...base, '--out', join(dir, 'weather', 'lstm-this-machine.csv')]).code, 0);
    assert.equal(loadWeatherResults(machineRoots('this-machine', dir))?.root.profile, 'full');
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lstm-opt weather: Ctrl-C stops after the current run with complete files (exit 130); the same command resumes', async () => withTempDir('lstm-opt-weather-int-', async (dir) => {
  const out = join(dir, 'lstm-int.csv');
  const args = ['weather', '--cells', '10,200', '--repeats', '1', '--epochs', '3', '--variants', 'tanh/scalar,isru/scalar', '--out', out, '--quiet'];
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] , env: cliEnv() });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  // the 10-cell group is written within a second; interrupt while the 200-cell group trains
  const started = Date.now();
  while (!existsSync(out) || readCsv(out).length < 2) {
    assert.ok(Date.now() - started < 60_000, 'the first group never appeared');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted after \d of 4 run\(s\)/);
  const rows = readCsv(join(dir, 'lstm-int-repeats.csv'));
  assert.ok(rows.length === 2 || rows.length === 4, `whole groups only, got ${rows.length} rows`);
  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`${4 - rows.length} run\\(s\\) measured, ${rows.length} skipped`));
  assert.deepEqual(readCsv(out).map((x) => `${x.Cells} ${x.Variant}`), ['10 tanh/scalar', '10 isru/scalar', '200 tanh/scalar', '200 isru/scalar']);
}));

test('notebook 03 shows the reference study and, beside it, this machine\'s quick results, each labelled', () => withTempDir('lstm-opt-nb-beside-', (results) => {
  // a results folder holding the committed reference study (linked) and this machine's quick run (made here)
  const committed = resultsPath();
  const reference = readReference(committed);
  copyFileSync(join(committed, REFERENCE_FILE), join(results, REFERENCE_FILE));
  mkdirSync(join(results, 'weather', 'quick'), { recursive: true });
  for (const f of ['baseline.csv', `lstm-${reference.machine}.csv`, `lstm-${reference.machine}-repeats.csv`]) symlinkSync(join(committed, 'weather', f), join(results, 'weather', f));
  const env = { LSTM_OPT_MACHINE: 'nb-test-2c', LSTM_OPT_RESULTS: results, LSTM_OPT_NO_PNG: '1' };
  const measured = runCli(['weather', '--cells', '10', '--repeats', '2', '--epochs', '1', '--variants', 'tanh/scalar,isru/scalar', '--quiet', '--out', join(results, 'weather', 'quick', 'lstm-nb-test-2c.csv')], { env });
  assert.equal(measured.code, 0, measured.stderr);

  const nb = executeNotebook(join(projectRoot(), 'notebooks', '03-weather-predictor.ipynb'), env);
  assert.ok(nb.ok, nb.log);
  assert.deepEqual(errorOutputs(nb), []);
  assert.deepEqual(cellsMissingCharts(nb), []);
  const text = printedText(nb);
  assert.match(text, new RegExp(`results of ${reference.machine}, full profile \\(the reference study\\)`));
  assert.match(text, /nb-test-2c, quick profile \(this machine: a mechanics check, not for conclusions\)/);
  // the study's four charts, then one more: this machine's headline beside the reference's
  const figures = plotlyOutputs(nb).map((o) => figureOfOutput(o.data)!);
  assert.equal(figures.length, 5);
  const beside = figures[4];
  assert.equal(beside.layout.meta?.[MACHINE_SPECIFIC], true);
  assert.deepEqual(beside.data.map((t) => t.name), [`${reference.machine}, full profile (the reference study)`, 'nb-test-2c, quick profile (this machine: a mechanics check, not for conclusions)']);
  // the reference ran every variant, this quick run two: only isru/scalar has a bar of both machines
  const y = beside.data[1].y as string[], x = beside.data[1].x as number[];
  assert.deepEqual(y.filter((_, k) => Number.isFinite(x[k])), ['isru/scalar']);
  // the table names both machines' columns
  assert.match(text, new RegExp(`<th>${reference.machine}</th><th>nb-test-2c \\(quick\\)</th>`));
}));
