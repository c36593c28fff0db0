import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_COLUMNS, benchCsv, BenchRow, withRatios } from '../src/studies/bench/table';
import { benchComparisonSummary, benchComparisonTable, benchMachineName, benchPoints, benchRatios, loadBenchResults } from '../src/studies/bench/results';
import { cellLabel } from '../src/lstm/cell-spec';
import { benchRatioFigure, benchTimeFigure } from '../src/studies/bench/charts';
import { colors } from '../src/charts/colors';
import { parseCsv } from '../src/io/csv-text';
import { MissingResultsError } from '../src/io/results';
import { withTempDir } from './helpers/temp';

/**
 * The training benchmark's files across machines (src/studies/bench/analysis.ts, as notebook 02 reads them): the
 * web page's `<device>.bench.csv` and a command line's `<machine>.csv` (with and without the gate and
 * impl columns) are read from a folder, compared by hand-computed ratios.
 */
const row = (activation: string, precision: string, ms: number, gate = 'sigmoid', impl = 'scalar', cfg: [number, number] = [1, 32]): BenchRow => ({
  engine: 'lstm-opt', layers: cfg[0], neurons: cfg[1], activation, precision, ms_per_iter: ms, forward_ms: null, backward_ms: null, adam_ms: null,
  iterations: 18, version: 'chromium 156 (isolated)', kernels: 'wasm', threads: 1, gate, impl,
});

test('withRatios on the page\'s rows: ISRU against tanh of the same variant (gate, impl, kernels)', () => {
  const rows = withRatios([
    row('tanh', 'f64', 2), row('isru', 'f64', 1.6), row('isru', 'f64', 1.25, 'isru-sigmoid'),
    row('tanh', 'f64', 1, 'sigmoid', 'simd'), row('isru', 'f64', 0.8, 'sigmoid', 'simd'),
  ]);
  // all-ISRU has no tanh row with ISRU-sigmoid gates; notebook 02 compares it with tanh itself (benchRatios)
  assert.deepEqual(rows.map((r) => r.isru_speedup), [null, 1.25, null, null, 1.25]);
  assert.deepEqual(rows.map((r) => [r.gate, r.impl]).slice(2), [['isru-sigmoid', 'scalar'], ['sigmoid', 'simd'], ['sigmoid', 'simd']]);
  // a row from before the variant columns existed is the sigmoid/scalar variant
  const old = withRatios([{ ...row('tanh', 'f32', 3), gate: undefined, impl: undefined }, { ...row('isru', 'f32', 2), gate: undefined, impl: undefined }]);
  assert.deepEqual(old.map((r) => r.isru_speedup), [null, 1.5]);
  const csv = parseCsv(benchCsv([row('tanh', 'f64', 2), row('isru', 'f64', 1.6)]));
  assert.deepEqual(Object.keys(csv[0]), [...BENCH_COLUMNS]);
  assert.equal(csv[1].isru_speedup, 1.25);
});

test('variant labels and machine names of results/bench files', () => {
  assert.equal(cellLabel({ activation: 'tanh', gate: 'sigmoid', impl: 'scalar' }), 'tanh');
  assert.equal(cellLabel({ activation: 'isru', gate: 'sigmoid', impl: 'scalar' }), 'ISRU');
  assert.equal(cellLabel({ activation: 'isru', gate: 'isru-sigmoid', impl: 'simd' }), 'all-ISRU (SIMD)');
  assert.equal(benchMachineName('chromium-headless-156-linux-2c.bench.csv'), 'chromium-headless-156-linux-2c');
  assert.equal(benchMachineName('amd-epyc-2c-node20.csv'), 'amd-epyc-2c-node20');
});

test('a page download and a command-line file side by side, read from a results/bench folder', () => withTempDir('bench-results-', (dir) => {
  writeFileSync(join(dir, 'phone.bench.csv'), benchCsv([
    row('tanh', 'f64', 4, 'sigmoid', 'scalar', [1, 128]), row('isru', 'f64', 3, 'sigmoid', 'scalar', [1, 128]), row('isru', 'f64', 2, 'isru-sigmoid', 'scalar', [1, 128]),
    row('tanh', 'f64', 1, 'sigmoid', 'scalar', [1, 32]), row('isru', 'f64', 0.9, 'sigmoid', 'scalar', [1, 32]),
  ]));
  // the command line's older schema: no gate/impl columns, other engines and threads
  writeFileSync(join(dir, 'desk-2c-node20.csv'), [
    'engine,layers,neurons,activation,precision,ms_per_iter,forward_ms,backward_ms,adam_ms,iterations,kernels,version,threads',
    'lstm-opt,1,128,tanh,f64,2,,,,400,wasm,node v20.20.2,1',
    'lstm-opt,1,128,isru,f64,1.5,,,,400,wasm,node v20.20.2,1',
    'pytorch,1,128,tanh,f64,9,,,,400,,torch 2,1',
    'lstm-opt-mt-rows,1,128,tanh,f64,1,,,,400,wasm,node v20.20.2,2',
    'lstm-opt,1,128,tanh,f64,1.8,,,,400,wasm-fma,node v20.20.2,1',
    'lstm-opt,1,128,isru,f64,0.9,,,,400,wasm-fma,node v20.20.2,1',
  ].join('\n') + '\n');
  const machines = loadBenchResults(dir);
  assert.deepEqual(machines.map((m) => [m.machine, m.browser, m.points.length]), [['desk-2c-node20', false, 4], ['phone', true, 5]]);
  const table = benchComparisonTable(machines);
  assert.deepEqual(table.map((r) => [r['layers x neurons'], r.cell, r['desk-2c-node20 ms/iter'], r['phone ms/iter']]), [
    ['1x32', 'tanh', '', 1], ['1x32', 'ISRU', '', 0.9], ['1x128', 'tanh', 2, 4], ['1x128', 'ISRU', 1.5, 3], ['1x128', 'tanh +FMA', 1.8, ''], ['1x128', 'ISRU +FMA', 0.9, ''],
    ['1x128', 'all-ISRU', '', 2],
  ]);
  const ratios = benchRatios(machines);
  assert.deepEqual(ratios.map((r) => [r.machine, r.config, r.variant, r.ratio]), [
    ['desk-2c-node20', '1x128', 'ISRU', 0.75], ['desk-2c-node20', '1x128', 'ISRU +FMA', 0.5], ['phone', '1x32', 'ISRU', 0.9], ['phone', '1x128', 'ISRU', 0.75], ['phone', '1x128', 'all-ISRU', 0.5],
  ]);
  const summary = benchComparisonSummary(machines);
  assert.match(summary[0], /^desk-2c-node20 \(command line: node v20\.20\.2\): ISRU takes 75% of tanh's time.*; ISRU \+FMA takes 50% of tanh \+FMA's time/);
  assert.match(summary[1], /ISRU takes 83% of tanh's time per iteration \(median of 2 size × precision cases, 75–90%\); all-ISRU takes 50%/);
  writeFileSync(join(dir, 'broken.csv'), 'engine,layers\nlstm-opt,1\n');
  assert.throws(() => loadBenchResults(dir), MissingResultsError);
}));

test('bench figures: variants in the palette (tanh blue, ISRU red, all-ISRU orange, SIMD hatched), ratios as computed', () => {
  const points = benchPoints([
    row('tanh', 'f64', 2), row('isru', 'f64', 1.5), row('isru', 'f64', 1, 'isru-sigmoid'), row('tanh', 'f64', 1, 'sigmoid', 'simd'), row('isru', 'f64', 0.5, 'sigmoid', 'simd'),
  ] as unknown as Record<string, string | number>[]);
  const time = benchTimeFigure(points, 'phone');
  const traces = time.data as { name: string; y: number[]; marker: { color: string; pattern?: { shape: string } } }[];
  assert.deepEqual(traces.map((t) => [t.name, t.marker.color, t.marker.pattern?.shape || 'solid', t.y[0]]), [
    ['tanh', colors.tanh, 'solid', 2], ['ISRU', colors.isru, 'solid', 1.5], ['all-ISRU', colors.allIsru, 'solid', 1], ['tanh (SIMD)', colors.tanh, '/', 1], ['ISRU (SIMD)', colors.isru, '/', 0.5],
  ]);
  const ratios = benchRatioFigure(benchRatios([{ machine: 'phone', browser: true, points }]));
  const drawn = ratios.data as { name: string; y: number[]; marker: { color: string; symbol: string } }[];
  assert.deepEqual(drawn.map((t) => [t.name, t.y, t.marker.color, t.marker.symbol]), [
    ['ISRU', [0.75], colors.isru, 'circle'], ['all-ISRU', [0.5], colors.allIsru, 'circle'], ['ISRU (SIMD)', [0.5], colors.isru, 'diamond'],
  ]);
  assert.match(String((ratios.layout.annotations as { text: string }[])[0].text), /phone, plain products/);
});
