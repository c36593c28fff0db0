import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as math from 'mathjs';
import {
  Benchmark, calibrate, finishMeasurements, lastSpread, lstmLikeInputs, runBenchmarks, subtractBaseline, summarize,
} from '../src/studies/math-bench/harness';
import { seededRandom } from '../src/stats/random';
import {
  BENCH_ACTIVATIONS, isruTanhRatios, pairedIsruTanhRatios, kindLabel, mathBenchCsv, mathBenchmarks, mathBenchRows, MathBenchRow,
  VECTOR_ACTIVATIONS, vectorCostTable, vectorSummary,
} from '../src/studies/math-bench/suite';
import { simdActivationKernels } from '../src/studies/math-bench/vector';
import { SIMD_ACCURACY_BOUNDS, ulpAt } from '../src/activations/simd-accuracy';
import { machineSlug } from '../src/io/machine';
import { median, quantile } from '../src/stats/stats';
import { readCsv } from '../src/io/csv';
import { mathBenchBarFigure, mathBenchCrossMachineFigure, mathBenchRatioFigure, mathBenchVectorFigure } from '../src/studies/math-bench/charts';
import { colors } from '../src/charts/colors';
import { runCli } from './helpers/cli';
import { withTempDir } from './helpers/temp';

test('median, min and max agree with mathjs on odd, even and unsorted samples', () => {
  for (const xs of [[3], [5, 1, 4], [10, 2, 8, 4], [1.5, -2, 7, 7, 0.25, 3]]) {
    assert.equal(median(xs), Number(math.median(xs)));
    const s = summarize(xs);
    assert.deepEqual([s.min, s.max], [Number(math.min(xs)), Number(math.max(xs))]);
  }
  assert.throws(() => median([]), RangeError);
});

test('baseline subtraction on synthetic timings: net = gross − baseline median, for the median, min and max', () => {
  // the baseline loop takes 2, 2.2, 1.8, 2, 9 ns (one descheduled round); f takes 12 ... 13 ns
  const samples = new Map([
    ['base', [2, 2.2, 1.8, 2, 9]],
    ['f', [12, 12.5, 13, 12.2, 30]],
    ['g', [2.1, 1.9, 2, 2, 2.05]],
  ]);
  const benches = [{ id: 'base' }, { id: 'f', baseline: 'base' }, { id: 'g', baseline: 'base' }];
  const [base, f, g] = finishMeasurements(benches, samples);
  assert.deepEqual(base.net, base.gross); // no baseline: net is gross
  assert.equal(base.gross.median, 2); // the outlier 9 does not move the median
  assert.equal(f.gross.median, 12.5);
  assert.ok(Math.abs(f.net.median - 10.5) < 1e-12);
  assert.ok(Math.abs(f.net.min - 10) < 1e-12);
  assert.ok(Math.abs(f.net.max - 28) < 1e-12);
  // an operation the loop hides entirely comes out near 0 (and may be negative): reported, not clamped
  assert.equal(g.net.median, 0);
  assert.deepEqual(subtractBaseline({ median: 5, min: 4, max: 9 }, 1), { median: 4, min: 3, max: 8 });
  assert.throws(() => finishMeasurements([{ id: 'f', baseline: 'missing' }], new Map([['f', [1]]])), /baseline missing/);
});

test('paired ISRU/tanh ratios: per round against the baseline median, then median and quartiles (mathjs quantiles)', () => {
  assert.equal(quantile([4, 1, 3, 2], 0.5), Number(math.median([4, 1, 3, 2])));
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), Number(math.quantileSeq([1, 2, 3, 4, 5], 0.25)));
  const { benchmarks, specs } = mathBenchmarks();
  const samples = new Map<string, number[]>(benchmarks.map((b) => [b.id, [2, 2, 2, 2]]));
  // baseline 1 ns; tanh 11, 21, 11, 11 (a loaded round in which isru was slowed alike); isru 3, 5, 3, 4
  samples.set('baseline|scalar|f64|1', [1, 1, 1, 1]);
  samples.set('tanh|scalar|f64|1', [11, 21, 11, 11]);
  samples.set('isru|scalar|f64|1', [3, 5, 3, 4]);
  const ratios = pairedIsruTanhRatios(finishMeasurements(benchmarks, samples), specs);
  assert.equal(ratios.length, 10);
  const s = ratios.find((r) => r.kind === 'scalar' && r.impl === 'library')!;
  // per round: 2/10, 4/20, 2/10, 3/10 → median 0.2, quartiles 0.2 and 0.225
  assert.ok(Math.abs(s.median - 0.2) < 1e-12);
  assert.ok(Math.abs(s.q25 - 0.2) < 1e-12 && Math.abs(s.q75 - 0.225) < 1e-12);
});

test('warm-up settling measure: relative spread of the last three rounds', () => {
  assert.equal(lastSpread([1, 2]), Infinity);
  assert.ok(Math.abs(lastSpread([50, 10, 10.5, 10]) - 0.05) < 1e-12);
});

test('harness: per-op times are per element for array benchmarks; work is consumed; calibration reaches the round length', () => {
  let calls = 0;
  const spin = (ops: number): number => {
    calls += ops;
    let acc = 0;
    for (let i = 0; i < ops; i++) acc += Math.sqrt(i);
    return acc;
  };
  const ops = calibrate(spin, 1);
  assert.ok(ops >= 1 && Number.isInteger(Math.log2(ops)));
  const benches: Benchmark[] = [
    { id: 'a', run: spin },
    { id: 'b', run: (n) => spin(n * 8), elementsPerOp: 8, baseline: 'a' },
  ];
  const m = runBenchmarks(benches, { roundMs: 1, rounds: 3, minWarmupRounds: 1, maxWarmupMs: 5, settleTolerance: 1 });
  assert.equal(m.length, 2);
  assert.equal(m[0].samples.length, 3);
  // b does the same work per element as a, so its per-element gross time is of the same order (not 8x)
  assert.ok(m[1].gross.median > 0 && Number.isFinite(m[1].gross.median));
  assert.ok(calls > 0);
  assert.throws(() => runBenchmarks([benches[0], benches[0]], { roundMs: 1, rounds: 1, minWarmupRounds: 1, maxWarmupMs: 1, settleTolerance: 1 }), /duplicate/);
});

test('inputs: seeded, reproducible, LSTM-like (mostly |x| < 4, a saturated tail up to 20)', () => {
  assert.deepEqual(lstmLikeInputs(64, 7), lstmLikeInputs(64, 7));
  assert.notDeepEqual(lstmLikeInputs(64, 7), lstmLikeInputs(64, 8));
  const x = Array.from(lstmLikeInputs(20000, 1));
  const inside = x.filter((v) => Math.abs(v) < 4).length / x.length;
  assert.ok(inside > 0.9 && inside < 0.97, `share with |x| < 4: ${inside}`);
  assert.ok(x.every((v) => Math.abs(v) <= 20));
  assert.ok(x.some((v) => v > 10) && x.some((v) => v < -10));
  assert.ok(Math.abs(Number(math.mean(x))) < 0.1);
  const r = seededRandom(3);
  for (let i = 0; i < 1000; i++) {
    const u = r();
    assert.ok(u >= 0 && u < 1);
  }
});

test('the benchmark set: every function the study compares, scalar and as Float64Array/Float32Array kernels of 128 and 4096', () => {
  const { benchmarks, specs } = mathBenchmarks();
  const scalar = [...specs.values()].filter((s) => s.kind === 'scalar').map((s) => s.name);
  const wanted = ['baseline', 'plus', 'minus', 'mult', 'div', 'sqrt', 'log', 'exp', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'softsign', 'softplus', 'tanh', 'isru', 'isru_sigmoid'];
  for (const w of wanted) assert.ok(scalar.includes(w), `scalar ${w}`);
  for (const precision of ['f64', 'f32']) {
    for (const length of [128, 4096]) {
      const names = [...specs.values()].filter((s) => s.kind === 'array' && s.precision === precision && s.length === length).map((s) => s.name);
      for (const a of BENCH_ACTIVATIONS) assert.ok(names.includes(a.name), `${a.name} ${precision}[${length}]`);
      assert.ok(names.includes('baseline'));
    }
  }
  // each loop computes what it claims: one op of the isru scalar loop = isru of the first input
  const x0 = lstmLikeInputs(1, 1)[0];
  const isru = benchmarks.find((b) => b.id === 'isru|scalar|f64|1')!;
  assert.ok(Math.abs(isru.run(1) - x0 / Math.sqrt(1 + x0 * x0)) < 1e-15);
  const tanhInline = benchmarks.find((b) => b.id === 'tanh_inline|scalar|f64|1')!;
  assert.ok(Math.abs(tanhInline.run(1) - Math.tanh(x0)) < 1e-15);
  // one kernel call over Float32Array(128) returns out[0] = f(x[0]) rounded to float32
  const k = benchmarks.find((b) => b.id === 'tanh|array|f32|128')!;
  assert.equal(k.elementsPerOp, 128);
  assert.equal(k.run(1), Math.fround(Math.tanh(Math.fround(x0))));
});

test('the vectorized rows: every SIMD activation as f64 and f32 kernels of 128 and 4096, computing what they claim', () => {
  const vector = simdActivationKernels();
  assert.ok(vector, 'this Node has WebAssembly SIMD');
  const { benchmarks, specs } = mathBenchmarks(1, vector);
  const plain = mathBenchmarks().specs;
  assert.equal(specs.size, plain.size + VECTOR_ACTIVATIONS.length * 4);
  const x0 = lstmLikeInputs(1, 1)[0];
  for (const precision of ['f64', 'f32'] as const) {
    const round = precision === 'f32' ? Math.fround : (v: number): number => v;
    const bound = 4 * ulpAt(Math.tanh(x0), precision);
    assert.equal(SIMD_ACCURACY_BOUNDS[precision].tanh.ulp, 4);
    for (const length of [128, 4096]) {
      const k = benchmarks.find((b) => b.id === `tanh_simd|array|${precision}|${length}`)!;
      assert.equal(k.elementsPerOp, length);
      assert.equal(k.baseline, `baseline|array|${precision}|${length}`);
      // one kernel call: out[0] = tanh(x[0]) of the input rounded to the precision, within the stated bound
      assert.ok(Math.abs(k.run(1) - Math.tanh(round(x0))) <= bound, `${precision}[${length}]`);
    }
  }
});

/** Synthetic measurements in → rows out: the unit is the scalar baseline's gross median. */
function syntheticRows(): MathBenchRow[] {
  const { benchmarks, specs } = mathBenchmarks();
  const samples = new Map<string, number[]>();
  benchmarks.forEach((b, k) => samples.set(b.id, b.id.startsWith('baseline|scalar') ? [2, 2, 2] : [2 + k, 3 + k, 4 + k]));
  return mathBenchRows(finishMeasurements(benchmarks, samples), specs, 3);
}

test('CSV rows: Relative Time is net ns over the scalar baseline ns; the CSV header is exactly the schema', () => {
  const rows = syntheticRows();
  const base = rows.find((r) => r.Function === 'baseline' && r.kind === 'scalar')!;
  assert.equal(base['Relative Time'], 1);
  assert.equal(base.ns_per_op, 2);
  const plus = rows[1];
  assert.equal(plus.Function, 'plus');
  assert.equal(plus.ns_per_op, 4 - 2); // median 3 + 1 = 4, minus the baseline's 2
  assert.equal(plus['Relative Time'], 1);
  assert.equal(plus.ns_gross, 4);
  assert.deepEqual([plus.ns_min, plus.ns_max], [1, 3]);
  const csv = mathBenchCsv(rows);
  // the study's two columns first (its math-bench CSVs are Function,Relative Time), then ours
  assert.ok(csv.startsWith('Function,Relative Time,ns_per_op,ns_min,ns_max,rounds,kind,precision,'));
  const dir = mkdtempSync(join(tmpdir(), 'mb-'));
  try {
    writeFileSync(join(dir, 'x.csv'), csv);
    const back = readCsv(join(dir, 'x.csv'));
    assert.equal(back.length, rows.length);
    assert.equal(back[1].ns_per_op, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ISRU/tanh ratios per kind and the figures built from rows', () => {
  const rows = syntheticRows();
  const ratios = isruTanhRatios(rows);
  assert.equal(ratios.length, 10); // scalar + 4 array kinds, library and inline each
  const s = ratios.find((r) => r.kind === 'scalar' && r.impl === 'library')!;
  const t = rows.find((r) => r.Function === 'tanh' && r.kind === 'scalar')!;
  const i = rows.find((r) => r.Function === 'isru' && r.kind === 'scalar')!;
  assert.equal(s.ratio, i.ns_per_op / t.ns_per_op);
  assert.equal(kindLabel({ kind: 'array', precision: 'f32', length: 128 }), 'Float32Array[128]');

  const bar = mathBenchBarFigure(rows, 'test-machine');
  const y = bar.data[0].x as number[]; // horizontal bars: values on x
  const names = bar.data[0].y as string[];
  assert.equal(names.length, rows.filter((r) => r.kind === 'scalar').length);
  for (let k = 1; k < y.length; k++) assert.ok(y[k - 1] <= y[k], 'sorted by cost');
  const colorsOf = bar.data[0].marker as { color: string[] };
  // the project palette (tanh blue, ISRU red), not a chart-local one
  assert.equal(colorsOf.color[names.indexOf('tanh')], colors.tanh);
  assert.equal(colorsOf.color[names.indexOf('isru')], colors.isru);
  assert.equal(colorsOf.color[names.indexOf('exp')], colors.other);
  const ratio = mathBenchRatioFigure([{ machine: 'm', rows }]);
  assert.equal(ratio.data.length, 2);
  assert.deepEqual(ratio.data[0].y, ratios.filter((r) => r.impl === 'library').map((r) => r.ratio));
  const withPaired = mathBenchRatioFigure([{ machine: 'm', rows, paired: [{ kind: 'scalar', impl: 'library', median: 0.3, q25: 0.25, q75: 0.4 }] }]);
  assert.equal(withPaired.data.length, 3);
  assert.deepEqual(withPaired.data[2].y, [0.3]);
  const err = withPaired.data[2].error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(err.array[0] - 0.1) < 1e-12 && Math.abs(err.arrayminus[0] - 0.05) < 1e-12);
  const cross = mathBenchCrossMachineFigure([{ machine: 'a', rows }, { machine: 'b', rows }]);
  assert.equal(cross.data.length, 2);
  // rows without vectorized kernels (a browser's, the committed CSVs of before) draw no vector figure bars
  assert.deepEqual(vectorCostTable(rows), []);
  assert.deepEqual(mathBenchVectorFigure(rows, 'm').data[0].x, []);
});

test('the vectorized rows in the ratios, the cost table and the scalar-vs-vector figure', () => {
  const { benchmarks, specs } = mathBenchmarks(1, simdActivationKernels());
  const samples = new Map<string, number[]>();
  benchmarks.forEach((b, k) => samples.set(b.id, b.id.startsWith('baseline|') ? [2, 2, 2] : [3 + k, 3 + k, 3 + k]));
  const rows = mathBenchRows(finishMeasurements(benchmarks, samples), specs, 3);
  const ratios = isruTanhRatios(rows);
  assert.equal(ratios.filter((r) => r.impl === 'simd').length, 4); // the 4 array kinds
  const simd = ratios.find((r) => r.kind === 'Float32Array[128]' && r.impl === 'simd')!;
  const at = (name: string): number => rows.find((r) => r.Function === name && r.precision === 'f32' && r.length === 128 && r.kind === 'array')!.ns_per_op;
  assert.equal(simd.ratio, at('isru_simd') / at('tanh_simd'));
  const table = vectorCostTable(rows);
  assert.deepEqual(table.map((r) => r.kind), ['Float64Array[128]', 'Float64Array[4096]', 'Float32Array[128]', 'Float32Array[4096]']);
  assert.equal(table[2]['tanh SIMD'], Number(at('tanh_simd').toFixed(2)));
  assert.equal(table[2]['ISRU JS'], Number(at('isru').toFixed(2)));
  const fig = mathBenchVectorFigure(rows, 'm');
  assert.deepEqual(fig.data.map((t) => t.name), ['tanh, JavaScript (Math.tanh)', 'tanh, WebAssembly SIMD', 'ISRU, JavaScript', 'ISRU, WebAssembly SIMD']);
  assert.deepEqual((fig.data[1].marker as { color: string }).color, colors.tanh);
  assert.deepEqual((fig.data[3].marker as { color: string }).color, colors.isru);
  assert.equal((fig.data[1].y as number[])[2], at('tanh_simd'));
  assert.equal(mathBenchRatioFigure([{ machine: 'm', rows }]).data.length, 3);
  // the notebook's conclusion: computed from the same rows, one line per precision
  const f32 = (name: string): number => rows.find((r) => r.Function === name && r.precision === 'f32' && r.length === 4096 && r.kind === 'array')!.ns_per_op;
  const summary = vectorSummary(rows, 'm');
  assert.equal(summary.split('\n').length, 3);
  assert.ok(summary.includes(`Float32Array[4096]: tanh costs ${f32('tanh').toFixed(2)} ns per element through Math.tanh and ${f32('tanh_simd').toFixed(2)} ns vectorized`), summary);
  assert.ok(summary.includes(`ISRU takes ${(100 * f32('isru_simd') / f32('tanh_simd')).toFixed(0)}% of tanh's time`), summary);
  assert.equal(vectorSummary(syntheticRows(), 'm'), '');
});

test('lstm-opt math-bench --quick writes one row per function with finite numbers and a machine description', () => withTempDir('mb-cli-', (dir) => {
  const out = join(dir, 'nested', 'bench');
  const r = runCli(['math-bench', '--quick', '--out', out], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ISRU\/tanh scalar/);
  const slug = machineSlug();
  const rows = readCsv(join(out, `${slug}.csv`));
  const { specs } = mathBenchmarks(1, simdActivationKernels());
  assert.equal(rows.length, specs.size);
  assert.ok(rows.some((row) => row.Function === 'tanh_simd'), 'the vectorized rows');
  const ids = new Set(rows.map((row) => `${row.Function}|${row.kind}|${row.precision}|${row.length}`));
  assert.equal(ids.size, specs.size, 'one row per function and kind');
  for (const row of rows) {
    for (const c of ['Relative Time', 'ns_per_op', 'ns_min', 'ns_max', 'ns_gross']) assert.ok(Number.isFinite(row[c]), `${row.Function} ${c} = ${row[c]}`);
    assert.ok(Number(row.ns_gross) > 0, `${row.Function}: gross time positive`);
    assert.ok(Number(row.ns_min) <= Number(row.ns_per_op) && Number(row.ns_per_op) <= Number(row.ns_max));
    assert.ok(Number.isInteger(row.rounds) && Number(row.rounds) > 0);
  }
  const description = JSON.parse(readFileSync(join(out, `${slug}.json`), 'utf8'));
  assert.equal(description.machine.slug, slug);
  assert.equal(description.profile, 'quick');
  assert.ok(Number.isFinite(description.sink));
  assert.deepEqual(readdirSync(out).sort(), [`${slug}.csv`, `${slug}.json`]); // no temp files left
}));

test('lstm-opt math-bench: bad --out (a file, an unwritable place) and unknown flags fail with one line and no CSV', () => withTempDir('mb-bad-', (dir) => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cases: [string[], RegExp][] = [
    [['math-bench', '--quick', '--out', file], /is a file, not a folder/],
    [['math-bench', '--quick', '--out', join(file, 'sub')], /cannot be created: a part of the path is a file/],
    [['math-bench', '--quick', '--out', '/proc/lstm-opt-math-bench'], /cannot be created|is not writable/],
    [['math-bench', '--quick', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
  assert.equal(readFileSync(file, 'utf8'), 'x');
  assert.ok(!existsSync('/proc/lstm-opt-math-bench'));
  assert.deepEqual(readdirSync(dir), ['a-file']);
}));
