/**
 * Long-run and precision sweeps: the quick profiles write complete CSVs with the study's progress columns into a
 * temporary folder, a rerun resumes (skips what exists, redoes what is missing with identical results),
 * interleaving leaves the arithmetic and the progress rows of each run unchanged, and the paired
 * comparison (saving, loss difference) matches hand computation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from '../src/data/corpus';
import { dataPath } from '../src/io/paths';
import { readCsv } from '../src/io/csv';
import { PROGRESS_COLUMNS, runTraining, ProgressRow } from '../src/lstm/training-loop';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, DEFAULT_TRAINER, Trainer } from '../src/lstm/trainer';
import { trainInterleaved } from '../src/experiments/interleave';
import { longProfile, runLongSweep } from '../src/experiments/long';
import { precisionProfile, runPrecisionSweep } from '../src/experiments/precision';
import { loadLongRuns, readLongRuns } from '../src/analysis/long';
import { loadPrecisionRuns, readPrecisionRuns } from '../src/analysis/precision';
import { intervalSavings, lossDifference, savingSummary } from '../src/analysis/compare';
import { estimate } from '../src/analysis/stats';
import { MissingResultsError } from '../src/io/results';
import { runCli } from './helpers/cli';
import { STUDY_PROGRESS_HEADER } from './helpers/schemas';

const corpusFile = dataPath('sotu-sample.txt');
const header = PROGRESS_COLUMNS.join(',');

test('interleaved training gives the same rows and losses as an uninterrupted run', async () => {
  const corpus = loadCorpus(corpusFile);
  const spec = { layers: 1, neurons: 8, activation: 'isru' as const, precision: 'f64' as const, seed: 3 };
  const [a, b] = await trainInterleaved(corpus, [spec, { ...spec, activation: 'tanh' }], { iterations: 23, progressEvery: 5, chunk: 7 });
  const net = new Lstm({ vocabSize: corpus.vocab.length, ...spec });
  const trainer = new Trainer(net, corpus.vocab, corpusIdentity(corpus.source, corpus.ids), { ...DEFAULT_TRAINER, seed: 3 });
  const ref: ProgressRow[] = [];
  await runTraining(trainer, { iterations: 23, progressEvery: 5, sampleEvery: 0, storeEvery: 0 }, { onRow: (r) => ref.push(r) });
  assert.deepEqual(a.rows.map((r) => r.iteration), [0, 5, 10, 15, 20, 22]);
  assert.deepEqual(a.rows.map((r) => r.iteration), ref.map((r) => r.iteration));
  assert.deepEqual(a.rows.map((r) => r.loss), ref.map((r) => r.loss));
  assert.notDeepEqual(a.rows.map((r) => r.loss), b.rows.map((r) => r.loss), 'tanh and isru differ');
});

test('sweep long --quick writes both runs with the study progress columns and samples, and resumes', async () => {
  const out = mkdtempSync(join(tmpdir(), 'long-'));
  try {
    const iterations = 30;
    await runLongSweep({ quick: true, out, iterations, quiet: true, corpus: corpusFile });
    const p = longProfile(true);
    for (const f of ['tanh', 'isru']) {
      const file = join(out, `progress-${f}-${iterations}.csv`);
      assert.equal(readFileSync(file, 'utf8').split('\n')[0], header);
      const rows = readCsv(file);
      assert.deepEqual(rows.map((r) => Number(r.iteration)), [0, 29]);
      assert.ok(rows.every((r) => r.func === f && Number(r.layers) === p.layers && Number(r.neurons) === p.neurons && r.type === 'Single-threaded'));
      assert.ok(readFileSync(join(out, `sample-${f}.txt`), 'utf8').length > 50);
    }
    const runs = readLongRuns(out, true);
    assert.equal(runs.isru.iterations, iterations);
    // resume: complete pair -> nothing rewritten
    const tanhFile = join(out, `progress-tanh-${iterations}.csv`), isruFile = join(out, `progress-isru-${iterations}.csv`);
    const m0 = statSync(tanhFile).mtimeMs;
    const isruBefore = readCsv(isruFile).map((r) => r.loss);
    await runLongSweep({ quick: true, out, iterations, quiet: true, corpus: corpusFile });
    assert.equal(statSync(tanhFile).mtimeMs, m0);
    // a missing file is redone, with the same losses (training is deterministic)
    rmSync(isruFile);
    await runLongSweep({ quick: true, out, iterations, quiet: true, corpus: corpusFile });
    assert.deepEqual(readCsv(isruFile).map((r) => r.loss), isruBefore);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('sweep precision --quick writes f32 and f64 runs of the same network', async () => {
  const out = mkdtempSync(join(tmpdir(), 'precision-'));
  try {
    assert.throws(() => readPrecisionRuns(out, true), MissingResultsError);
    await runPrecisionSweep({ quick: true, out, iterations: 25, quiet: true, corpus: corpusFile });
    const p = precisionProfile(true);
    const runs = readPrecisionRuns(out, true);
    for (const x of ['f32', 'f64'] as const) {
      assert.ok(existsSync(join(out, `progress-${x}-${p.layers}x${p.neurons}.csv`)));
      assert.deepEqual(Object.keys(runs[x][0]), [...STUDY_PROGRESS_HEADER.split(','), 'kernels']);
    }
    const d = lossDifference(runs.f64, runs.f32);
    // same seed and data: float rounding moves the loss only slightly, but it does move it
    assert.ok(Math.abs(d.final) < 1e-2, `f32 − f64 = ${d.final}`);
    assert.ok(runs.f32.some((r, k) => r.loss !== runs.f64[k].loss), 'f32 and f64 losses are not identical');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('paired savings and loss difference match hand computation', () => {
  const row = (iteration: number, loss: number, f: number, b: number, a: number) => ({ iteration, loss, forward_time: f, back_time: b, adam_time: a });
  const tanh = [row(0, 4, 1, 1, 1), row(10, 3, 11, 21, 2), row(20, 2, 21, 41, 3)];
  const isru = [row(0, 4, 1, 1, 1), row(10, 3.5, 9, 16, 2), row(20, 2.5, 15, 31, 3)];
  const fw = intervalSavings(tanh, isru, 'forward_time');
  // intervals: tanh 10, 10; isru 8, 6 -> savings 0.2, 0.4; cumulative 1 - 9/11, 1 - 15/21
  assert.deepEqual(fw.map((s) => s.iteration), [10, 20]);
  assert.ok(Math.abs(fw[0].saving - 0.2) < 1e-12 && Math.abs(fw[1].saving - 0.4) < 1e-12);
  assert.ok(Math.abs(fw[1].cumulativeSaving - (1 - 15 / 21)) < 1e-12);
  const s = savingSummary(tanh, isru, 'forward_time');
  // mean 0.3, std sqrt(0.02) = 0.141421, t(0.975, 1) = 12.706
  assert.ok(Math.abs(s.mean - 0.3) < 1e-12);
  assert.ok(Math.abs(s.high - (0.3 + 12.706204736 * Math.sqrt(0.02) / Math.sqrt(2))) < 1e-9);
  const total = intervalSavings(tanh, isru, 'total_time');
  // total interval 1: tanh 10+20+1 = 31, isru 8+15+1 = 24
  assert.ok(Math.abs(total[0].saving - (1 - 24 / 31)) < 1e-12);
  const ld = lossDifference(tanh, isru, 0.5);
  assert.deepEqual(ld.differences, [0, 0.5, 0.5]);
  assert.equal(ld.final, 0.5);
  assert.equal(estimate([]).n, 0);
});

test('lstm-opt sweep precision/long from the command line: files, resume message, shard 2/2 runs nothing', () => {
  const out = mkdtempSync(join(tmpdir(), 'sweep-cli-'));
  try {
    const base = ['--quick', '--out', out, '--iterations', '10', '--corpus', corpusFile];
    const r = runCli(['sweep', 'precision', ...base]);
    assert.equal(r.code, 0, r.stderr);
    const p = precisionProfile(true);
    assert.ok(existsSync(join(out, `progress-f32-${p.layers}x${p.neurons}.csv`)) && existsSync(join(out, `progress-f64-${p.layers}x${p.neurons}.csv`)));
    assert.match(runCli(['sweep', 'precision', ...base]).stderr, /already complete/);
    const s = runCli(['sweep', 'long', ...base, '--shard', '2/2']);
    assert.equal(s.code, 0, s.stderr);
    assert.ok(!existsSync(join(out, 'progress-tanh-10.csv')), 'the one job belongs to shard 1/2');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the notebook loaders print the command when no results exist (no exception)', () => {
  const logged: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void logged.push(a.join(' '));
  try {
    assert.equal(loadLongRuns('no-such-machine'), undefined);
    assert.equal(loadPrecisionRuns('no-such-machine'), undefined);
  } finally {
    console.log = orig;
  }
  assert.equal(logged.length, 2);
  assert.match(logged[0], /`lstm-opt sweep long`.*`lstm-opt sweep long --quick`/);
  assert.match(logged[1], /`lstm-opt sweep precision`.*`lstm-opt sweep precision --quick`/);
});
