/**
 * Float vs double per variant and the verdict's long runs as notebooks 05 and 07 read them: the precision
 * sweep's quick profile writes every chosen variant in f32 and f64 (tanh/scalar under the study's file
 * names, the others with their slug) plus the job's load record, and resumes; files from before the
 * variants still load; the verdict-long loader reads both of its layouts alike; and every saving, ratio
 * and difference matches hand computation on fixtures.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineRoots } from '../src/io/results-root';
import { loadCorpus } from '../src/data/corpus';
import { dataPath } from '../src/io/paths';
import { readCsv } from '../src/io/csv';
import { runTraining, ProgressRow } from '../src/lstm/training-loop';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, DEFAULT_TRAINER, Trainer } from '../src/lstm/trainer';
import { trainInterleaved } from '../src/sweep/interleaved-training';
import { runPrecisionSweep } from '../src/studies/precision/sweep';
import { precisionProfile } from '../src/studies/precision/results';
import { parseVariants } from '../src/studies/verdict/sweep';
import { comparePrecisions, loadPrecision, precisionConclusion, precisionSplit, readPrecisionDir, variantSavings } from '../src/studies/precision/analysis';
import { compareLong, loadLongResults, longConclusion, readLongDir } from '../src/studies/verdict/long-run';
import { intervalSavings, lossDifference, savingSummary } from '../src/stats/compare';
import { estimate } from '../src/stats/stats';
import { MissingResultsError } from '../src/io/results';
import { colors, longLossFigure, longSavingFigure, precisionLossFigure, precisionRatioFigure, precisionSavingFigure } from '../src/studies/charts';
import { runCli } from './helpers/cli';
import { PROGRESS_HEADER, STUDY_PROGRESS_HEADER } from './helpers/schemas';
import { withTempDir } from './helpers/temp';

const corpusFile = dataPath('sotu-sample.txt');

test('interleaved training gives the same rows and losses as an uninterrupted run', async () => {
  const corpus = loadCorpus(corpusFile);
  const spec = { layers: 1, neurons: 8, cell: cellSpec('isru'), precision: 'f64' as const, seed: 3 };
  const [a, b] = await trainInterleaved(corpus, [spec, { ...spec, cell: cellSpec('tanh') }], { iterations: 23, progressEvery: 5, chunk: 7 });
  const net = new Lstm({ vocabSize: corpus.vocab.length, ...spec });
  const trainer = new Trainer(net, corpus.vocab, corpusIdentity(corpus.source, corpus.ids), { ...DEFAULT_TRAINER, seed: 3 });
  const ref: ProgressRow[] = [];
  await runTraining(trainer, { iterations: 23, progressEvery: 5, sampleEvery: 0, storeEvery: 0 }, { onRow: (r) => ref.push(r) });
  assert.deepEqual(a.rows.map((r) => r.iteration), [0, 5, 10, 15, 20, 22]);
  assert.deepEqual(a.rows.map((r) => r.iteration), ref.map((r) => r.iteration));
  assert.deepEqual(a.rows.map((r) => r.loss), ref.map((r) => r.loss));
  assert.notDeepEqual(a.rows.map((r) => r.loss), b.rows.map((r) => r.loss), 'tanh and isru differ');
});

test('sweep precision --quick trains the chosen variants in f32 and f64, names the files, records the load, and resumes', async () => {
  const out = mkdtempSync(join(tmpdir(), 'precision-'));
  try {
    assert.throws(() => readPrecisionDir(out, true), MissingResultsError);
    const o = { quick: true, out, iterations: 25, quiet: true, corpus: corpusFile, extra: { variants: parseVariants('tanh/scalar,isru') } };
    await runPrecisionSweep(o);
    const p = precisionProfile(true);
    const size = `${p.layers}x${p.neurons}`;
    const expected: [string, string][] = [['', 'tanh/scalar'], ['-isru-scalar', 'isru/scalar'], ['-isru-simd', 'isru/simd']];
    for (const x of ['f32', 'f64']) {
      for (const [suffix, id] of expected) {
        const file = join(out, `progress-${x}-${size}${suffix}.csv`);
        assert.equal(readFileSync(file, 'utf8').split('\n')[0], `${PROGRESS_HEADER},variant`, file);
        const rows = readCsv(file);
        assert.deepEqual(rows.map((r) => Number(r.iteration)), [0, 20, 24]);
        assert.ok(rows.every((r) => r.variant === id && r.func === (id.startsWith('tanh') ? 'tanh' : 'isru') && r.impl === id.split('/')[1]), `${file}: ${JSON.stringify(rows[0])}`);
      }
    }
    const job = JSON.parse(readFileSync(join(out, `precision-${size}.json`), 'utf8'));
    assert.ok(Number.isFinite(job.unit.load_before) && Number.isFinite(job.unit.load_after) && job.unit.cpu_seconds > 0 && job.unit.wall_seconds > 0);
    assert.deepEqual(job.variants, ['tanh/scalar', 'isru/scalar', 'isru/simd']);
    const r = readPrecisionDir(out, true);
    assert.deepEqual(r.pairs.map((x) => x.variant), ['tanh/scalar', 'isru/scalar', 'isru/simd']);
    assert.equal(r.job?.load_before, job.unit.load_before);
    const tanh = r.pairs[0];
    // same seed and data: float rounding moves the loss only slightly, but it does move it
    const d = lossDifference(tanh.f64, tanh.f32);
    assert.ok(Math.abs(d.final) < 1e-2, `f32 − f64 = ${d.final}`);
    assert.ok(tanh.f32.some((row, k) => row.loss !== tanh.f64[k].loss), 'f32 and f64 losses are not identical');
    assert.notDeepEqual(r.pairs[1].f64.map((x) => x.loss), tanh.f64.map((x) => x.loss), 'isru and tanh differ');
    // resume: complete -> nothing rewritten; a missing file -> redone with the same losses
    const isruFile = join(out, `progress-f32-${size}-isru-scalar.csv`);
    const m0 = statSync(join(out, `progress-f64-${size}.csv`)).mtimeMs;
    const before = readCsv(isruFile).map((x) => x.loss);
    await runPrecisionSweep(o);
    assert.equal(statSync(join(out, `progress-f64-${size}.csv`)).mtimeMs, m0);
    rmSync(isruFile);
    await runPrecisionSweep(o);
    assert.deepEqual(readCsv(isruFile).map((x) => x.loss), before);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ fixtures

type Times = { f: number; b?: number; a?: number; fc?: number; bc?: number; ac?: number };
/** A progress row: cumulative seconds of each phase (wall and CPU), the smoothed loss. */
const row = (iteration: number, loss: number, t: Times): Record<string, string | number> => ({
  func: 'tanh', type: 'Single-threaded', layers: 5, neurons: 100, iteration, epoch: 0, loss,
  forward_cpu: t.fc ?? t.f, forward_time: t.f, back_cpu: t.bc ?? t.b ?? 0, back_time: t.b ?? 0, adam_cpu: t.ac ?? t.a ?? 0, adam_time: t.a ?? 0,
});
const csvText = (rows: readonly Record<string, string | number>[]): string => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';

test('precision files from before the variants (tanh only, the study columns, no job file) read as the tanh/scalar pair', () => withTempDir('precision-old-', (dir) => {
  // f64 forward seconds 1, 11, 21; f32 1, 9, 15: interval ratios 8/10 and 6/10, whole run 15/21
  writeFileSync(join(dir, 'progress-f64-5x100.csv'), csvText([row(0, 4.5, { f: 1 }), row(100, 3, { f: 11 }), row(200, 2.5, { f: 21 })]));
  writeFileSync(join(dir, 'progress-f32-5x100.csv'), csvText([row(0, 4.5, { f: 1 }), row(100, 3.000001, { f: 9 }), row(200, 2.500002, { f: 15 })]));
  assert.equal(readFileSync(join(dir, 'progress-f64-5x100.csv'), 'utf8').split('\n')[0], STUDY_PROGRESS_HEADER);
  const r = readPrecisionDir(dir);
  assert.deepEqual(r.pairs.map((p) => p.variant), ['tanh/scalar']);
  assert.equal(r.job, undefined);
  assert.equal(r.size, '5x100');
  const [c] = comparePrecisions(r.pairs);
  assert.ok(Math.abs(c.wall.overall - 15 / 21) < 1e-12);
  assert.ok(Math.abs(c.wall.mean - 0.7) < 1e-12);
  // t(0.975, 1) = 12.706204736, s = sqrt(0.02)
  assert.ok(Math.abs(c.wall.high - (0.7 + (12.706204736 * Math.sqrt(0.02)) / Math.sqrt(2))) < 1e-9);
  assert.ok(Math.abs(c.loss.final - 0.000002) < 1e-12);
  const zero = variantSavings(r.pairs);
  assert.deepEqual(zero.map((x) => [x.precision, x.variant, x.wall.overall, x.cpu.mean, x.lossDiff]), [['f32', 'tanh/scalar', 0, 0, 0], ['f64', 'tanh/scalar', 0, 0, 0]], 'the baseline against itself');
  assert.match(precisionConclusion(r), /tanh\/scalar: f32 takes 0\.714× f64's wall time \(per interval 0\.700 \[/);
  assert.match(precisionConclusion(r), /Only one variant has results here/);
}));

test('per-variant precision numbers: f32/f64 ratios and savings over tanh/scalar within a precision match hand computation', () => withTempDir('precision-new-', (dir) => {
  const w = (name: string, rows: Record<string, string | number>[]): void => writeFileSync(join(dir, name), csvText(rows));
  // tanh/scalar: f64 wall 1, 11, 21 (CPU 2, 12, 22); f32 wall 1, 6, 11 (CPU 2, 7, 12)
  w('progress-f64-5x100.csv', [row(0, 4, { f: 1, fc: 2 }), row(10, 3, { f: 11, fc: 12 }), row(20, 2, { f: 21, fc: 22 })]);
  w('progress-f32-5x100.csv', [row(0, 4, { f: 1, fc: 2 }), row(10, 3, { f: 6, fc: 7 }), row(20, 2, { f: 11, fc: 12 })]);
  // all-isru/simd: f64 wall 1, 9, 15 (the back phase carries part: totals the same), CPU 2, 10, 16; f32 wall 1, 5, 9
  w('progress-f64-5x100-all-isru-simd.csv', [row(0, 4, { f: 0.5, b: 0.5, fc: 2, bc: 0 }), row(10, 3.5, { f: 4.5, b: 4.5, fc: 10, bc: 0 }), row(20, 2.5, { f: 7.5, b: 7.5, fc: 16, bc: 0 })]);
  w('progress-f32-5x100-all-isru-simd.csv', [row(0, 4, { f: 1, fc: 2 }), row(10, 3.5, { f: 5, fc: 6 }), row(20, 2.5, { f: 9, fc: 10 })]);
  const r = readPrecisionDir(dir);
  assert.deepEqual(r.pairs.map((p) => p.variant), ['tanh/scalar', 'all-isru/simd']);
  const [t, a] = comparePrecisions(r.pairs);
  assert.ok(Math.abs(t.wall.overall - 11 / 21) < 1e-12 && Math.abs(t.wall.mean - 0.5) < 1e-12 && t.wall.std === 0);
  // all-isru f32/f64 wall intervals 4/8, 4/6
  assert.ok(Math.abs(a.wall.mean - (0.5 + 2 / 3) / 2) < 1e-12);
  assert.ok(Math.abs(a.wall.overall - 9 / 15) < 1e-12);
  assert.ok(Math.abs(a.cpu.overall - 10 / 16) < 1e-12);
  const s = variantSavings(r.pairs);
  assert.deepEqual(s.map((x) => `${x.precision} ${x.variant}`), ['f32 tanh/scalar', 'f32 all-isru/simd', 'f64 tanh/scalar', 'f64 all-isru/simd']);
  const f64 = s.find((x) => x.precision === 'f64' && x.variant === 'all-isru/simd')!;
  // f64 intervals: tanh 10, 10; all-isru 8, 6 -> savings 0.2, 0.4; whole run 1 − 15/21
  assert.ok(Math.abs(f64.wall.mean - 0.3) < 1e-12 && Math.abs(f64.wall.overall - (1 - 15 / 21)) < 1e-12);
  assert.ok(Math.abs(f64.wall.low - (0.3 - (12.706204736 * Math.sqrt(0.02)) / Math.sqrt(2))) < 1e-9, 'bounds swap with the sign');
  assert.ok(Math.abs(f64.cpu.overall - (1 - 16 / 22)) < 1e-12);
  assert.ok(Math.abs(f64.lossDiff - 0.5) < 1e-12);
  // an independent route: savingSummary is 1 − ratio
  assert.ok(Math.abs(savingSummary(r.pairs[0].f32, r.pairs[1].f32, 'total_time').mean - s[1].wall.mean) < 1e-12);
  const text = precisionConclusion(r);
  assert.match(text, /all-isru\/simd: f32 takes 0\.600× f64's wall time .* and 0\.625× f64's CPU time/);
  assert.match(text, /In f64, (no variant|faster)/);
}));

test('where f32 and f64 part: the first row beyond the threshold, the gap before it, and the f64 loss around it', () => {
  const times = { f: 1 };
  // f64 losses on a plateau (rows 0-3), then falling (rows 4-6); f32 within 3e-8 until row 4
  const f64Loss = [2.96, 2.95, 2.95, 2.948, 2.9, 2.8, 2.7];
  const gaps = [0, 1e-8, -3e-8, 2e-8, 5e-5, -4e-4, 1e-3];
  const f64 = f64Loss.map((l, k) => row(100 * k, l, times)) as never;
  const f32 = f64Loss.map((l, k) => row(100 * k, l + gaps[k], times)) as never;
  const s = precisionSplit({ variant: 'all-isru/simd', f32, f64 })!;
  assert.equal(s.iteration, 400);
  assert.equal(s.lastTogether, 300);
  assert.ok(Math.abs(s.gapBefore - 3e-8) < 1e-12);
  assert.deepEqual([s.lossAtSplit, s.lossAtEnd], [2.948, 2.7]);
  // three rows from the split to the end, so the window before starts three rows earlier: iteration 0
  assert.deepEqual([s.iterationWindowBefore, s.lossWindowBefore], [0, 2.96]);
  assert.equal(precisionSplit({ variant: 'tanh/scalar', f32: f64, f64 }), undefined, 'identical runs never part');
  assert.equal(precisionSplit({ variant: 'x', f32, f64 }, 1e-2), undefined, 'a threshold above every gap');
  // one row above the threshold that comes back below is rounding, not the split
  const blip = f64Loss.map((l, k) => row(100 * k, l + [0, 2e-7, 1e-8, 2e-8, 5e-5, -4e-4, 1e-3][k], times)) as never;
  const b = precisionSplit({ variant: 'isru/scalar', f32: blip, f64 })!;
  assert.deepEqual([b.iteration, b.lastTogether], [400, 300]);
  assert.ok(Math.abs(b.gapBefore - 2e-7) < 1e-12);

  const text = precisionConclusion({ pairs: [{ variant: 'tanh/scalar', f32: f64, f64 }, { variant: 'all-isru/simd', f32, f64 }], size: '5x100' });
  assert.match(text, /all-isru\/simd stays within 3\.00e-8 of f64 up to iteration 300 and parts from iteration 400, where f64's loss goes from 2\.948 to 2\.700 by the end \(and from 2\.960 at iteration 0 to 2\.948 before that\)/);
  assert.doesNotMatch(text, /tanh\/scalar stays within/);
});

/** A verdict-long progress row (progress + validation columns). */
const longRow = (variant: string, iteration: number, loss: number, val: number, t: Times): Record<string, string | number> => {
  const [name, impl] = variant.split('/');
  return {
    ...row(iteration, loss, t), func: name === 'tanh' ? 'tanh' : 'isru', layers: 4, neurons: 128,
    gate: name === 'all-isru' ? 'isru-sigmoid' : 'sigmoid', impl, kernels: 'wasm',
    variant, seed: 1, val_loss: val, val_bpc: val / Math.LN2, val_chars: 1000, val_cpu: 0.1, val_time: 0.1,
  };
};

/** Two variants' runs of 300 iterations: tanh/scalar and isru/simd, rows every 100. */
function longFixture(dir: string, layout: 'interleaved' | 'per-variant'): void {
  mkdirSync(dir, { recursive: true });
  const runs = {
    'tanh/scalar': [longRow('tanh/scalar', 0, 4.5, 4.6, { f: 1, fc: 1 }), longRow('tanh/scalar', 100, 3, 3.2, { f: 11, fc: 11 }), longRow('tanh/scalar', 200, 2.5, 2.9, { f: 21, fc: 21 }), longRow('tanh/scalar', 299, 2.2, 2.7, { f: 31, fc: 31 })],
    'isru/simd': [longRow('isru/simd', 0, 4.5, 4.6, { f: 1, fc: 1 }), longRow('isru/simd', 100, 3.1, 3.3, { f: 9, fc: 8 }), longRow('isru/simd', 200, 2.6, 2.95, { f: 15, fc: 15 }), longRow('isru/simd', 299, 2.3, 2.8, { f: 23, fc: 20 })],
  };
  const summary = (variant: keyof typeof runs, csv: string) => {
    const last = runs[variant][3];
    return { variant, description: '', seed: 1, csv, train_loss: last.loss, val_loss: last.val_loss, val_bpc: last.val_bpc, val_chars: 1000, train_time: last.forward_time, train_cpu: last.forward_cpu, sample: `text of ${variant}` };
  };
  const seg = (w: number) => ({ load_before: 0.5, load_after: 0.7, wall_seconds: w, cpu_seconds: w * 0.9 });
  const job = (variants: (keyof typeof runs)[], segments: object[]) => ({
    kind: 'verdict-long', size: '4x128', iterations: 300, progress_every: 100, checkpoint_every: 100, segments,
    runs: variants.map((v) => summary(v, `long-4x128-i300-${v.replace('/', '-')}.csv`)), skipped: [{ variant: 'all-isru/simd', reason: 'no kernels' }],
  });
  for (const [v, rows] of Object.entries(runs)) writeFileSync(join(dir, `long-4x128-i300-${v.replace('/', '-')}.csv`), csvText(rows));
  if (layout === 'interleaved') writeFileSync(join(dir, 'long-4x128-i300.json'), JSON.stringify(job(['tanh/scalar', 'isru/simd'], [seg(100), seg(50)])));
  else for (const v of Object.keys(runs) as (keyof typeof runs)[]) writeFileSync(join(dir, `long-4x128-i300-${v.replace('/', '-')}.json`), JSON.stringify(job([v], [seg(60)])));
  // a shorter trial run beside them is not part of the long run
  writeFileSync(join(dir, 'long-4x128-i20-tanh-scalar.csv'), csvText([longRow('tanh/scalar', 0, 4.5, 4.6, { f: 1 })]));
  writeFileSync(join(dir, 'long-4x128-i20.json'), JSON.stringify({ ...job(['tanh/scalar'], [seg(1)]), iterations: 20, runs: [summary('tanh/scalar', 'long-4x128-i20-tanh-scalar.csv')] }));
}

test('the verdict-long loader reads one job for all variants and one job per variant alike', () => {
  const root = mkdtempSync(join(tmpdir(), 'verdict-long-'));
  try {
    longFixture(join(root, 'one'), 'interleaved');
    longFixture(join(root, 'each'), 'per-variant');
    const one = readLongDir(join(root, 'one')), each = readLongDir(join(root, 'each'));
    for (const r of [one, each]) {
      assert.equal(r.iterations, 300);
      assert.equal(r.size, '4x128');
      assert.deepEqual(r.runs.map((x) => x.variant), ['tanh/scalar', 'isru/simd']);
      assert.deepEqual(r.runs.map((x) => x.rows.length), [4, 4]);
      assert.deepEqual(r.runs.map((x) => x.sample), ['text of tanh/scalar', 'text of isru/simd']);
      assert.deepEqual(r.skipped.map((s) => s.variant), ['all-isru/simd']);
    }
    assert.equal(one.layout, 'interleaved');
    assert.equal(each.layout, 'per-variant');
    assert.deepEqual(one.segments.map((s) => [s.job, s.session, s.wall_seconds, s.variants.length]), [['long-4x128-i300.json', 1, 100, 2], ['long-4x128-i300.json', 2, 50, 2]]);
    assert.deepEqual(each.segments.map((s) => [s.job, s.session, s.variants.join()]), [['long-4x128-i300-isru-simd.json', 1, 'isru/simd'], ['long-4x128-i300-tanh-scalar.json', 1, 'tanh/scalar']]);
    assert.deepEqual(compareLong(one.runs), compareLong(each.runs));
    assert.throws(() => readLongDir(join(root, 'none')), MissingResultsError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('long-run comparisons match hand computation: savings over tanh/scalar, validation-loss difference', () => {
  const root = mkdtempSync(join(tmpdir(), 'verdict-long-n-'));
  try {
    longFixture(root, 'interleaved');
    const r = readLongDir(root);
    const [c] = compareLong(r.runs);
    assert.equal(c.variant, 'isru/simd');
    // wall intervals: tanh 10, 10, 10; isru 8, 6, 8 -> savings 0.2, 0.4, 0.2; whole run 1 − 23/31
    const ws = [0.2, 0.4, 0.2];
    const m = (0.2 + 0.4 + 0.2) / 3;
    const sd = Math.sqrt(ws.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    assert.ok(Math.abs(c.wall.mean - m) < 1e-12 && Math.abs(c.wall.overall - (1 - 23 / 31)) < 1e-12);
    // t(0.975, 2) = 4.30265273
    assert.ok(Math.abs(c.wall.high - (m + (4.30265273 * sd) / Math.sqrt(3))) < 1e-7);
    // CPU intervals: tanh 10, 10, 10; isru 7, 7, 5 -> 0.3, 0.3, 0.5; whole run 1 − 20/31
    assert.ok(Math.abs(c.cpu.mean - 1.1 / 3) < 1e-12 && Math.abs(c.cpu.overall - (1 - 20 / 31)) < 1e-12);
    assert.deepEqual(c.cpuOverRun.map((s) => s.iteration), [100, 200, 299]);
    assert.ok(Math.abs(c.valDiff - 0.1) < 1e-12);
    // last 20% of 4 rows = 1 row: 2.8 − 2.7
    assert.ok(Math.abs(c.valTail.mean - 0.1) < 1e-12 && c.valTail.n === 1);
    assert.ok(Math.abs(c.trainDiff - 0.1) < 1e-12);
    assert.deepEqual(intervalSavings(r.runs[0].rows, r.runs[1].rows, 'total_time').map((s) => s.saving), c.wallOverRun.map((s) => s.saving));
    const text = longConclusion(r);
    assert.match(text, /isru\/simd saves 25\.8% of tanh\/scalar's training wall time/);
    assert.match(text, /validation loss ends \+0\.1000 nats\/char \(\+0\.1443 bits\/char\)/);
    assert.match(text, /all variants interleaved in one job/);
    assert.match(text, /Not measured in this build: all-isru\/simd/);
    // one seed: faster beyond the noise is stated, but the loss is not judged either way
    assert.match(text, /Faster in CPU time beyond the noise of the progress intervals: isru\/simd\./);
    assert.match(text, /On the loss this run decides nothing/);
    assert.doesNotMatch(text, /measurably behind|drop-in:/);
    // at equal time (23 s, isru's end): tanh/simd is missing, so no equal-time line for isru/simd
    assert.doesNotMatch(text, /at equal training time/);
    assert.equal(estimate(ws).mean, c.wall.mean);
    assert.match(longConclusion({ ...r, runs: r.runs.slice(1) }), /tanh\/scalar, the baseline, has no long run/);
  } finally {
    rmSync(root, { recursive: true, force: true });
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

test('lstm-opt sweep precision from the command line: files, resume message, bad --variants, shard 2/2 runs nothing', () => {
  const out = mkdtempSync(join(tmpdir(), 'sweep-cli-'));
  try {
    const base = ['--quick', '--out', out, '--iterations', '10', '--corpus', corpusFile, '--variants', 'tanh/scalar'];
    const r = runCli(['sweep', 'precision', ...base]);
    assert.equal(r.code, 0, r.stderr);
    const p = precisionProfile(true);
    assert.ok(existsSync(join(out, `progress-f32-${p.layers}x${p.neurons}.csv`)) && existsSync(join(out, `progress-f64-${p.layers}x${p.neurons}.csv`)));
    assert.ok(!existsSync(join(out, `progress-f32-${p.layers}x${p.neurons}-isru-scalar.csv`)), 'only the chosen variant');
    assert.match(runCli(['sweep', 'precision', ...base]).stderr, /already complete/);
    const bad = runCli(['sweep', 'precision', '--quick', '--out', join(out, 'bad'), '--variants', 'tanh,sinh', '--quiet']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal(bad.stderr.trimEnd().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /--variants: unknown variant 'sinh'/);
    assert.ok(!existsSync(join(out, 'bad')));
    const s = runCli(['sweep', 'precision', '--quick', '--out', join(out, 'shard'), '--iterations', '10', '--corpus', corpusFile, '--shard', '2/2']);
    assert.equal(s.code, 0, s.stderr);
    assert.ok(!existsSync(join(out, 'shard', `progress-f64-${p.layers}x${p.neurons}.csv`)), 'the one job belongs to shard 1/2');
    const gone = runCli(['sweep', 'long', '--quick']);
    assert.equal(gone.code, 2, 'the earlier long-run sweep is retired');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the notebook loaders print the command when no results exist (no exception)', () => {
  const logged: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void logged.push(a.join(' '));
  try {
    assert.equal(loadLongResults(machineRoots('no-such-machine')), undefined);
    assert.equal(loadPrecision(machineRoots('no-such-machine')), undefined);
  } finally {
    console.log = orig;
  }
  assert.equal(logged.length, 2);
  assert.match(logged[0], /^No long-run results for no-such-machine yet: `npx lstm-opt sweep verdict-long --quick` .*`npx lstm-opt sweep verdict-long` the full profile/);
  assert.match(logged[1], /^No float vs double results for no-such-machine yet: `npx lstm-opt sweep precision --quick` .*`npx lstm-opt sweep precision` the full profile/);
});

test('the figures of notebooks 05 and 07 draw every variant in its colour, with the intervals as error bars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'precision-fig-'));
  try {
    const w = (name: string, rows: Record<string, string | number>[]): void => writeFileSync(join(dir, name), csvText(rows));
    w('progress-f64-5x100.csv', [row(0, 4, { f: 1 }), row(10, 3, { f: 11 }), row(20, 2, { f: 21 }), row(30, 2, { f: 31 })]);
    w('progress-f32-5x100.csv', [row(0, 4, { f: 1 }), row(10, 3, { f: 6 }), row(20, 2, { f: 12 }), row(30, 2, { f: 16 })]);
    w('progress-f64-5x100-isru-simd.csv', [row(0, 4, { f: 1 }), row(10, 3, { f: 9 }), row(20, 2, { f: 15 }), row(30, 2, { f: 23 })]);
    w('progress-f32-5x100-isru-simd.csv', [row(0, 4, { f: 1 }), row(10, 3, { f: 5 }), row(20, 2, { f: 9 }), row(30, 2, { f: 13 })]);
    const r = readPrecisionDir(dir);
    const c = comparePrecisions(r.pairs);
    const fig = precisionRatioFigure(c);
    const wall = fig.data[0] as { x: string[]; y: number[]; marker: { color: string[] }; error_y: { array: number[]; arrayminus: number[] } };
    assert.deepEqual(wall.x, ['tanh/scalar', 'isru/simd']);
    assert.deepEqual(wall.marker.color, [colors.tanh, colors.isru]);
    // SIMD hatched, scalar plain; CPU time in a panel of its own rather than hatched
    assert.deepEqual((wall as unknown as { marker: { pattern: { shape: string[] } } }).marker.pattern.shape, ['', '/']);
    assert.deepEqual(fig.data.map((t) => t.xaxis), ['x', 'x2']);
    // tanh/scalar f32/f64 wall ratios per interval: 5/10, 6/10, 4/10 -> mean 0.5, s = 0.1, t(0.975, 2) = 4.30265273
    assert.ok(Math.abs(wall.y[0] - 0.5) < 1e-12);
    assert.ok(Math.abs(wall.error_y.array[0] - (4.30265273 * 0.1) / Math.sqrt(3)) < 1e-7 && Math.abs(wall.error_y.arrayminus[0] - wall.error_y.array[0]) < 1e-12);
    const saving = precisionSavingFigure(variantSavings(r.pairs));
    assert.deepEqual(saving.data.map((t) => t.name), ['f64 (double)', 'f32 (float)']);
    const f64 = saving.data[0] as { x: string[]; y: number[]; marker: { color: string[] } };
    assert.deepEqual(f64.marker.color, f64.x.map((v) => (v === 'isru/simd' ? colors.isru : colors.tanh)));
    // isru/simd in f64: intervals tanh 10, 10, 10; isru 8, 6, 8 -> CPU (= wall here) savings 20%, 40%, 20%
    assert.ok(Math.abs(f64.y[f64.x.indexOf('isru/simd')] - 80 / 3) < 1e-9);
    const loss = precisionLossFigure(c);
    assert.deepEqual(loss.data.map((t) => (t as { line: { color: string; dash: string } }).line), [{ color: colors.tanh, dash: 'solid' }, { color: colors.isru, dash: 'dot' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const root = mkdtempSync(join(tmpdir(), 'verdict-long-fig-'));
  try {
    longFixture(root, 'interleaved');
    const r = readLongDir(root);
    const val = longLossFigure(r.runs, 'val_bpc', 'v');
    assert.deepEqual(val.data.map((t) => t.name), ['tanh/scalar (1000 chars)', 'isru/simd (1000 chars)']);
    assert.ok(Math.abs(Number((val.data[1].y as number[])[3]) - 2.8 / Math.LN2) < 1e-12, 'bits/char = nats/char ÷ ln 2');
    const c = compareLong(r.runs);
    const s = longSavingFigure(c.map((x) => ({ variant: x.variant, wall: x.wallOverRun, cpu: x.cpuOverRun })));
    // wall time in the left panel, CPU time in the right, one legend entry for the variant
    assert.deepEqual(s.data.map((t) => [t.name, t.xaxis, t.showlegend]), [['isru/simd', 'x', true], ['isru/simd', 'x2', false]]);
    assert.ok(Math.abs(Number((s.data[0].y as number[])[2]) - 100 * (1 - 23 / 31)) < 1e-9);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
