import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from '../src/io/paths';
import * as math from 'mathjs';
import { readCsv } from '../src/io/csv';
import { cellKernels, cellSpec } from '../src/lstm/cell';
import {
  accuracyPercent, buildDataset, confusion, D, defaultWeatherFile, featureStats, loadWeather, naiveBaseline, parseWeather, rawFeatures,
} from '../src/weather/data';
import { averageRows, parseCells, planRuns, QUICK_PROFILE } from '../src/experiments/weather';
import { parseShard, selectShard } from '../src/experiments/sweep';
import { weatherGradientCheck } from '../src/weather/gradcheck';
import { WeatherNet } from '../src/weather/model';
import { runWeather } from '../src/weather/train';
import { loadWeatherResults, pairedDifferences } from '../src/analysis/weather';
import { UserError } from '../src/errors';
import { colors } from '../src/charts/colors';
import { weatherAccuracyFigure, weatherConfusionFigure, weatherSavingFigure, weatherTimeDifferenceFigure } from '../src/charts/weather';
import { runCli } from './helpers/cli';
import { WEATHER_HEADER } from './helpers/schemas';
import { cellsMissingCharts, errorOutputs, executeNotebook, plotlyOutputs } from './helpers/notebook';

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
      const r = weatherGradientCheck({ activation, kernels, neurons: 5, window: 4, inputs: 3, count: 3 });
      assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError} at ${r.worstIndex}`);
      assert.ok(r.loss > 0.1);
    });
  }
}

test('weather gradient check can fail: the tanh backward under an ISRU forward is caught', () => {
  const r = weatherGradientCheck({
    activation: 'isru', kernels: 'js', neurons: 5,
    mutate: (net) => { (net as unknown as { cellBackward: unknown }).cellBackward = cellKernels(cellSpec('tanh')).backward; },
  });
  assert.ok(r.maxRelError > 1e-2, `expected a large error, got ${r.maxRelError}`);
});

test('weather model: WASM and JS kernels train to the same predictions; same seed, same result', () => {
  const a = runWeather(data, { cells: 12, activation: 'isru', seed: 5, epochs: 2, kernels: 'js' });
  const b = runWeather(data, { cells: 12, activation: 'isru', seed: 5, epochs: 2, kernels: 'wasm' });
  const c = runWeather(data, { cells: 12, activation: 'isru', seed: 5, epochs: 2, kernels: 'js' });
  assert.ok(Math.abs(a.loss - b.loss) < 1e-9, `${a.loss} vs ${b.loss}`);
  assert.deepEqual([a.TP, a.TN, a.FP, a.FN], [b.TP, b.TN, b.FP, b.FN]);
  assert.equal(a.loss, c.loss);
  assert.equal(a.TP + a.TN + a.FP + a.FN, 365);
  assert.ok(Math.abs(a.accuracy - accuracyPercent(a)) < 1e-12);
  assert.equal(new WeatherNet({ neurons: 12, activation: 'tanh', window: 7 }).layout.size, 4 * 12 * (6 + 12) + 4 * 12 + 12 + 1);
});

test('weather training learns: the loss falls and the test accuracy beats always-dry (60.5%)', () => {
  const r = runWeather(data, { cells: 10, activation: 'tanh', seed: 1, epochs: 6, kernels: 'js' });
  assert.ok(r.loss < 0.6, `loss ${r.loss}`);
  assert.ok(r.accuracy > 65, `accuracy ${r.accuracy}`);
});

test('weather sweep plan: same seed per pair, order alternates, shards partition the cell counts', () => {
  const plan = planRuns({ ...QUICK_PROFILE, cells: [10, 25], repeats: 2 });
  assert.deepEqual(plan.map((r) => `${r.cells}${r.func}${r.seed}`), ['10tanh1', '10isru1', '10isru2', '10tanh2', '25tanh1', '25isru1', '25isru2', '25tanh2']);
  const cells = [10, 25, 50, 75, 100];
  const shards = [1, 2, 3].map((i) => selectShard(cells, { index: i, count: 3 }));
  assert.deepEqual(shards, [[10, 75], [25, 100], [50]]);
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0']) assert.throws(() => parseShard(bad), UserError, bad);
  assert.deepEqual(parseCells('10, 25,50'), [10, 25, 50]);
  for (const bad of ['', '10,,25', '0', '-5', '1.5', 'ten', '10,10']) assert.equal(typeof parseCells(bad), 'string', bad);
});

test('weather averages and paired differences: means over repeats; mean/std/CI of tanh − isru match mathjs', () => {
  const rows = [
    { Cells: 10, Func: 'tanh', Repeat: 0, TrainTime: 2, PredictTime: 0.2, Accuracy: 70, TP: 1, TN: 2, FP: 3, FN: 4 },
    { Cells: 10, Func: 'isru', Repeat: 0, TrainTime: 1, PredictTime: 0.1, Accuracy: 71, TP: 2, TN: 2, FP: 3, FN: 4 },
    { Cells: 10, Func: 'tanh', Repeat: 1, TrainTime: 4, PredictTime: 0.4, Accuracy: 72, TP: 1, TN: 2, FP: 3, FN: 4 },
    { Cells: 10, Func: 'isru', Repeat: 1, TrainTime: 2, PredictTime: 0.3, Accuracy: 71, TP: 2, TN: 3, FP: 3, FN: 4 },
    { Cells: 10, Func: 'tanh', Repeat: 2, TrainTime: 3, PredictTime: 0.3, Accuracy: 71, TP: 1, TN: 2, FP: 3, FN: 4 },
    { Cells: 10, Func: 'isru', Repeat: 2, TrainTime: 2.5, PredictTime: 0.2, Accuracy: 71, TP: 2, TN: 4, FP: 3, FN: 4 },
  ];
  const avg = averageRows(rows);
  assert.deepEqual(avg.map((r) => [r.Cells, r.Func, r.TrainTime, r.TN]), [[10, 'tanh', 3, 2], [10, 'isru', Number((5.5 / 3).toFixed(6)), 3]]);
  const [d] = pairedDifferences(rows, 'TrainTime');
  const diffs = [1, 2, 0.5];
  assert.equal(d.n, 3);
  assert.ok(Math.abs(d.mean - Number(math.mean(diffs))) < 1e-12);
  assert.ok(Math.abs(d.std - Number(math.std(diffs))) < 1e-12);
  // 95% CI with Student's t, 2 degrees of freedom: t = 4.302652729911275
  const half = (4.302652729911275 * Number(math.std(diffs))) / Math.sqrt(3);
  assert.ok(Math.abs(d.low - (d.mean - half)) < 1e-9 && Math.abs(d.high - (d.mean + half)) < 1e-9);
  assert.ok(Math.abs(d.savingPercent - (100 * d.mean) / 3) < 1e-12);
});

test('lstm-opt weather --quick writes the schema, per-repeat rows and the baseline; a rerun resumes (measures nothing)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-'));
  try {
    const out = join(dir, 'lstm-test.csv');
    const r = runCli(['weather', '--quick', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8').split('\n')[0], WEATHER_HEADER);
    const rows = readCsv(out);
    assert.deepEqual(rows.map((x) => `${x.Cells}${x.Func}`), QUICK_PROFILE.cells.flatMap((c) => [`${c}tanh`, `${c}isru`]));
    for (const x of rows) {
      assert.ok(Number(x.TrainTime) > 0 && Number(x.PredictTime) > 0);
      assert.ok(Math.abs(Number(x.TP) + Number(x.TN) + Number(x.FP) + Number(x.FN) - 365) < 1e-9);
    }
    const repeats = readCsv(join(dir, 'lstm-test-repeats.csv'));
    assert.equal(repeats.length, QUICK_PROFILE.cells.length * 2 * QUICK_PROFILE.repeats);
    const baseline = readCsv(join(dir, 'baseline.csv'));
    assert.deepEqual(baseline.map((b) => [b.Split, b.Samples]), [['train', 1089], ['test', 365]]);
    const before = readFileSync(out, 'utf8');
    const again = runCli(['weather', '--quick', '--out', out, '--quiet']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 run\(s\) measured, 12 skipped/);
    assert.equal(readFileSync(out, 'utf8'), before);
    // a shard only adds its own cell count
    const shard = runCli(['weather', '--cells', '10,12', '--repeats', '1', '--epochs', '1', '--shard', '2/2', '--out', join(dir, 's.csv'), '--quiet']);
    assert.equal(shard.code, 0, shard.stderr);
    assert.deepEqual(readCsv(join(dir, 's.csv')).map((x) => x.Cells), [12, 12]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lstm-opt weather: bad input gets one line on stderr, a non-zero exit and no results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-bad-'));
  try {
    const out = join(dir, 'r.csv');
    mkdirSync(join(dir, 'folder'));
    const badData = join(dir, 'bad.csv');
    writeFileSync(badData, 'date,precipitation,temp_max,temp_min,wind\n2012-01-01,0,1,2,oops\n');
    const cases: [string[], RegExp][] = [
      [['weather', '--bogus'], /unknown option/],
      [['weather', '--cells', '10,abc', '--out', out], /--cells must be/],
      [['weather', '--cells', '0', '--out', out], /--cells must be/],
      [['weather', '--repeats', '-1', '--out', out], /--repeats must be a positive integer/],
      [['weather', '--shard', '3/2', '--out', out], /--shard 3\/2/],
      [['weather', '--out', join(dir, 'folder')], /--out must be a file/],
      [['weather', '--data', join(dir, 'missing.csv'), '--out', out], /no such file/],
      [['weather', '--data', badData, '--out', out], /wind must be a number/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['bad.csv', 'folder']);
    assert.ok(!existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('weather figures: one category per cell count, CI error bars from the paired differences, study colors, baseline line', () => {
  const rows = [10, 25].flatMap((c) => [0, 1, 2].flatMap((r) => [
    { Cells: c, Func: 'tanh', Repeat: r, TrainTime: 1 + c / 100 + r / 10, PredictTime: 0.01, Accuracy: 70 + r, TP: 80, TN: 180, FP: 40, FN: 65 },
    { Cells: c, Func: 'isru', Repeat: r, TrainTime: 0.8 + c / 100, PredictTime: 0.008, Accuracy: 71, TP: 81, TN: 179, FP: 41, FN: 64 },
  ]));
  const train = pairedDifferences(rows, 'TrainTime');
  const fig = weatherTimeDifferenceFigure(train, pairedDifferences(rows, 'PredictTime'));
  const bars = fig.data.filter((t) => t.type === 'bar');
  assert.equal(bars.length, 2);
  assert.deepEqual(bars[0].x, ['10', '25']);
  assert.ok(Math.abs((bars[0].y as number[])[0] - 1000 * train[0].mean) < 1e-9);
  const err = bars[0].error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(err.array[0] - 1000 * (train[0].high - train[0].mean)) < 1e-9);
  assert.equal((bars[0].marker as { color: string }).color, colors.isru);
  const acc = weatherAccuracyFigure(rows, 70.41);
  const tanh = acc.data.find((t) => t.name?.startsWith('tanh'))!;
  assert.equal((tanh.line as { color: string }).color, colors.tanh);
  assert.deepEqual(tanh.y, [71, 71]);
  assert.deepEqual(acc.data.find((t) => t.name?.startsWith('naive'))!.y, [70.41, 70.41]);
  const conf = weatherConfusionFigure(rows, { TP: 90, TN: 167, FP: 54, FN: 54 });
  assert.equal(conf.data.length, 4 * 3);
  const saving = weatherSavingFigure(train, train);
  assert.ok(Math.abs((saving.data[0].y as number[])[1] - train[1].savingPercent) < 1e-12);
  for (const f of [fig, acc, conf, saving]) assert.doesNotThrow(() => JSON.stringify(f));
});

test('weather results loader: prints the producing command when nothing is there, falls back to another machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-res-'));
  const log = console.log;
  const printed: string[] = [];
  console.log = (...a: unknown[]) => void printed.push(a.join(' '));
  try {
    assert.equal(loadWeatherResults('this-machine', dir), undefined);
    assert.match(printed.join('\n'), /run `node bin\/lstm-opt\.js weather`/);
    const r = runCli(['weather', '--cells', '10', '--repeats', '1', '--epochs', '1', '--out', join(dir, 'lstm-other-machine.csv'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const res = loadWeatherResults('this-machine', dir);
    assert.ok(res);
    assert.equal(res.machine, 'other-machine');
    assert.equal(res.local, false);
    assert.equal(res.repeats.length, 2);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lstm-opt weather: Ctrl-C stops after the current run with complete files (exit 130); the same command resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-weather-int-'));
  try {
    const out = join(dir, 'lstm-int.csv');
    const args = ['weather', '--cells', '10,200', '--repeats', '1', '--epochs', '3', '--out', out, '--quiet'];
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    // the 10-cell pair is written within a second; interrupt while the 200-cell pair trains
    const started = Date.now();
    while (!existsSync(out) || readCsv(out).length < 2) {
      assert.ok(Date.now() - started < 60_000, 'the first pair never appeared');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted after \d of 4 run\(s\)/);
    const rows = readCsv(join(dir, 'lstm-int-repeats.csv'));
    assert.ok(rows.length === 2 || rows.length === 4, `whole pairs only, got ${rows.length} rows`);
    const again = runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`${4 - rows.length} run\\(s\\) measured, ${rows.length} skipped`));
    assert.deepEqual(readCsv(out).map((x) => `${x.Cells}${x.Func}`), ['10tanh', '10isru', '200tanh', '200isru']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('notebook 03 executes headless with no error output and shows its four charts', () => {
  const nb = executeNotebook(join(projectRoot(), 'notebooks', '03-weather-predictor.ipynb'), { LSTM_OPT_NO_PNG: '1' });
  assert.ok(nb.ok, nb.log);
  assert.deepEqual(errorOutputs(nb), []);
  assert.deepEqual(cellsMissingCharts(nb), []);
  assert.equal(plotlyOutputs(nb).length, 4);
});
