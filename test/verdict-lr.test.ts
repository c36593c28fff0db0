/**
 * The learning-rate sweep: `sweep verdict --lr` through the real command line on the small corpus sample,
 * with tiny runs (1x8, a few iterations). Another rate's runs land in lr-<rate>/ and never in the default's
 * files; a rerun resumes; shards split the rates; the verdict reads only the default rate, and the rate
 * table keeps the rates apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '../src/io/paths';
import { parseRates } from '../src/studies/verdict/sweep';
import { DEFAULT_LEARNING_RATE, folderRate, rateFolder } from '../src/studies/verdict/results';
import { readVerdictDir } from '../src/studies/verdict/analysis';
import { learningRateTable, readVerdictRates } from '../src/studies/verdict/learning-rates';
import { runCli } from './helpers/cli';

const corpus = dataPath('sotu-sample.txt');
const files = (dir: string): string[] => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const tiny = (out: string, ...more: string[]): string[] =>
  ['sweep', 'verdict', '--quick', '--out', out, '--corpus', corpus, '--iterations', '4', '--sizes', '1x8', '--seeds', '1', '--variants', 'tanh/scalar,isru/scalar', ...more];

test('--lr: rates parse to distinct positive numbers; another rate has its own folder, the default none', () => {
  assert.deepEqual(parseRates('3e-4, 0.001,1e-2'), [0.0003, 0.001, 0.01]);
  for (const bad of ['', 'fast', '0', '-1e-3', '1e-3,', 'Infinity']) assert.throws(() => parseRates(bad), /^UserError: --lr must be positive numbers separated by commas/, bad);
  assert.throws(() => parseRates('1e-3,0.001'), /the rate 0\.001 is given twice/);
  assert.equal(DEFAULT_LEARNING_RATE, 0.001);
  assert.equal(rateFolder('/r', DEFAULT_LEARNING_RATE), '/r');
  assert.equal(rateFolder('/r', 3e-4), join('/r', 'lr-0.0003'));
  assert.equal(folderRate('lr-0.0003'), 3e-4);
  for (const other of ['lr-3e-4x', 'lr-', 'lr-0', 'lr-3e-4', 'quick', 'checkpoints']) assert.equal(folderRate(other), undefined, other);
});

test('sweep verdict --lr refuses bad rates in one line, and is no option of the other sweeps', () => {
  const out = mkdtempSync(join(tmpdir(), 'verdict-lr-'));
  try {
    for (const [args, message] of [
      [tiny(out, '--lr', 'abc'), /^lstm-opt: --lr must be positive numbers separated by commas \(e\.g\. 3e-4,1e-3,3e-3\), got 'abc'$/],
      [tiny(out, '--lr', '1e-3,1e-3'), /the rate 0\.001 is given twice$/],
      [['sweep', 'verdict-long', '--quick', '--out', out, '--lr', '1e-2'], /--lr is not an option of 'sweep verdict-long' \(only verdict\)$/],
    ] as const) {
      const r = runCli([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
    assert.deepEqual(files(out), [], 'a refused sweep writes nothing');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('sweep verdict --lr: the default rate keeps its names, another rate goes to lr-<rate>/; reruns resume; the analysis separates the rates', { timeout: 180_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'verdict-lr-'));
  try {
    const first = runCli(tiny(out, '--lr', '0.001,0.01'));
    assert.equal(first.code, 0, first.stderr);
    const stems = ['1x8-s1-i4-isru-scalar.csv', '1x8-s1-i4-tanh-scalar.csv', '1x8-s1-i4.json', 'split.json'];
    assert.deepEqual(files(out), [...stems, 'lr-0.01'].sort());
    assert.deepEqual(files(join(out, 'lr-0.01')), stems);
    const rateOf = (dir: string): number => JSON.parse(readFileSync(join(dir, '1x8-s1-i4.json'), 'utf8')).learning_rate;
    assert.equal(rateOf(out), 0.001);
    assert.equal(rateOf(join(out, 'lr-0.01')), 0.01);

    const again = runCli(tiny(out, '--lr', '0.001,0.01'));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 of 2 configurations already complete/);
    // a third rate: only its job runs
    const more = runCli(tiny(out, '--lr', '1e-3,1e-2,0.1'));
    assert.equal(more.code, 0, more.stderr);
    assert.match(more.stderr, /2 of 3 configurations already complete/);
    assert.deepEqual(files(join(out, 'lr-0.1')), stems);

    // the verdict reads the default rate only; asked, another rate only
    const verdict = readVerdictDir(out, 'test');
    assert.deepEqual(verdict.jobs.map((j) => [j.file, j.learningRate]), [['1x8-s1-i4.json', 0.001]]);
    assert.deepEqual(readVerdictDir(join(out, 'lr-0.01'), 'test', 0.01).jobs.map((j) => j.learningRate), [0.01]);
    assert.throws(() => readVerdictDir(join(out, 'lr-0.01'), 'test'), /No results yet in/);

    const rates = readVerdictRates(out);
    assert.deepEqual(rates.map((r) => [r.rate, r.dir]), [[0.001, out], [0.01, join(out, 'lr-0.01')], [0.1, join(out, 'lr-0.1')]]);
    const table = learningRateTable(rates);
    assert.deepEqual(table.map((r) => [r.variant, r.rate, r.seeds]), [
      ['tanh/scalar', 0.001, 1], ['tanh/scalar', 0.01, 1], ['tanh/scalar', 0.1, 1],
      ['isru/scalar', 0.001, 1], ['isru/scalar', 0.01, 1], ['isru/scalar', 0.1, 1],
    ]);
    for (const row of table) {
      const summary = JSON.parse(readFileSync(join(rateFolder(out, row.rate), '1x8-s1-i4.json'), 'utf8'));
      const run = summary.runs.find((x: { variant: string }) => x.variant === row.variant);
      assert.equal(row.finalLoss.mean, run.val_loss, `${row.variant} at ${row.rate}: its own rate's loss`);
      assert.equal(row.equalTime === undefined, row.variant === 'tanh/scalar', 'tanh is the baseline, not compared with itself');
      if (row.equalTime) assert.equal(row.word, 'one seed');
    }
    const tanhLosses = table.filter((r) => r.variant === 'tanh/scalar').map((r) => r.finalLoss.mean);
    assert.equal(new Set(tanhLosses).size, 3, 'each rate trained its own networks');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('sweep verdict --lr --shard: jobs go size, seed, rate, so two shards split the rates of one seed', { timeout: 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'verdict-lr-'));
  try {
    const r = runCli(tiny(out, '--lr', '0.001,0.01', '--shard', '2/2', '--quiet'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(join(out, '1x8-s1-i4.json')), false);
    assert.ok(existsSync(join(out, 'lr-0.01', '1x8-s1-i4.json')));
    assert.throws(() => readVerdictDir(out, 'test'), /No results yet in/);
    assert.deepEqual(readVerdictRates(out).map((x) => x.rate), [0.01]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
