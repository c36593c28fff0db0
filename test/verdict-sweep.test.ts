/**
 * The verdict sweeps through the real command line on the small corpus sample: files, columns, the split
 * record and resume; shards that merge into the unsharded result; and a verdict-long run killed after a
 * checkpoint that, resumed, ends with the losses of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, projectRoot } from '../src/io/paths';
import { readCsv } from '../src/io/csv';
import { PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { VALIDATION_COLUMNS } from '../src/studies/verdict/results';
import { planMerge } from '../src/sweep/merge';
import { readVerdictDir, verdictTable } from '../src/studies/verdict/analysis';
import { cliEnv, runCli } from './helpers/cli';

const corpus = dataPath('sotu-sample.txt');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'verdict-'));
const csvs = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();

test('sweep verdict --quick writes one CSV per variant and seed with the validation columns, a job summary and the split; a rerun skips', () => {
  const out = tmp();
  try {
    const args = ['sweep', 'verdict', '--quick', '--out', out, '--corpus', corpus, '--iterations', '30', '--sizes', '1x8', '--variants', 'tanh/scalar,isru/scalar'];
    const r = runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(csvs(out), ['1x8-s1-i30-isru-scalar.csv', '1x8-s1-i30-tanh-scalar.csv', '1x8-s2-i30-isru-scalar.csv', '1x8-s2-i30-tanh-scalar.csv']);
    const rows = readCsv(join(out, '1x8-s2-i30-isru-scalar.csv'));
    assert.deepEqual(Object.keys(rows[0]).slice(0, PROGRESS_COLUMNS.length), [...PROGRESS_COLUMNS]);
    for (const c of VALIDATION_COLUMNS) assert.ok(c in rows[0], c);
    assert.deepEqual(rows.map((x) => x.iteration), [0, 29]);
    assert.equal(rows[1].variant, 'isru/scalar');
    assert.equal(rows[1].seed, 2);
    assert.ok(Math.abs(Number(rows[1].val_bpc) - Number(rows[1].val_loss) / Math.LN2) < 1e-5);
    const summary = JSON.parse(readFileSync(join(out, '1x8-s2-i30.json'), 'utf8'));
    assert.deepEqual(summary.runs.map((x: { variant: string }) => x.variant), ['tanh/scalar', 'isru/scalar']);
    for (const k of ['load_before', 'load_after', 'wall_seconds', 'cpu_seconds']) assert.ok(Number.isFinite(summary.unit[k]), k);
    assert.ok(summary.runs[0].sample.length > 0);
    const split = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8'));
    assert.deepEqual({ train: split.train.documents, validation: split.validation.documents }, { train: 1, validation: 1 });
    const again = runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 of 2 configurations already complete/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('two shards merged with sweep merge hold the files of the unsharded sweep; a conflicting file is refused', () => {
  const base = tmp();
  try {
    const common = ['sweep', 'verdict', '--quick', '--corpus', corpus, '--iterations', '5', '--sizes', '1x4', '--variants', 'tanh/scalar', '--seeds', '3', '--quiet'];
    for (const shard of ['1/2', '2/2']) assert.equal(runCli([...common, '--out', join(base, `shard-${shard[0]}`, 'verdict'), '--shard', shard]).code, 0);
    const merged = runCli(['sweep', 'merge', '--from', join(base, 'shard-1'), join(base, 'shard-2'), '--out', join(base, 'merged')]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(csvs(join(base, 'merged', 'verdict')), ['1x4-s1-i5-tanh-scalar.csv', '1x4-s2-i5-tanh-scalar.csv', '1x4-s3-i5-tanh-scalar.csv']);
    assert.ok(existsSync(join(base, 'merged', 'verdict', 'split.json')));
    // a shard that claims a configuration with other contents
    writeFileSync(join(base, 'shard-2', 'verdict', '1x4-s1-i5-tanh-scalar.csv'), 'other\n');
    const plan = planMerge([join(base, 'shard-1'), join(base, 'shard-2')], join(base, 'fresh'));
    assert.deepEqual(plan.conflicts, ['verdict/1x4-s1-i5-tanh-scalar.csv']);
    const refused = runCli(['sweep', 'merge', '--from', join(base, 'shard-1'), join(base, 'shard-2'), '--out', join(base, 'fresh')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /differ .* nothing merged/);
    assert.deepEqual(existsSync(join(base, 'fresh')) ? readdirSync(join(base, 'fresh')) : [], []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('sweep verdict-long killed after a checkpoint resumes from it and ends with the losses of an uninterrupted run', { timeout: 180_000 }, async () => {
  const base = tmp();
  try {
    const args = (out: string): string[] => [join(projectRoot(), 'bin', 'lstm-opt.js'), 'sweep', 'verdict-long', '--quick', '--out', out, '--corpus', corpus, '--iterations', '600', '--variants', 'tanh/scalar,isru/scalar', '--quiet'];
    const manifest = join(base, 'a', 'checkpoints', 'long-2x48-i600.json');
    // run A: killed once its first checkpoint (iteration 100) exists
    const child = spawn(process.execPath, args(join(base, 'a')), { stdio: 'ignore', env: cliEnv() });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let killed = false;
    while (!killed) {
      if (existsSync(manifest)) {
        child.kill('SIGKILL');
        killed = true;
      } else if (child.exitCode !== null) break;
      else await new Promise((r) => setTimeout(r, 50));
    }
    await exited;
    assert.ok(killed, 'the run finished before its first checkpoint could be seen');
    const at = JSON.parse(readFileSync(manifest, 'utf8')).iteration;
    assert.ok(at >= 100 && at < 600, `checkpoint at ${at}`);
    const resumed = runCli(args(join(base, 'a')).slice(1).filter((x) => x !== '--quiet'));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming 2 runs at iteration ${at} of 600`));
    assert.equal(existsSync(join(base, 'a', 'checkpoints')), false);
    assert.equal(runCli(args(join(base, 'b')).slice(1)).code, 0);
    for (const f of ['long-2x48-i600-tanh-scalar.csv', 'long-2x48-i600-isru-scalar.csv']) {
      const pick = (dir: string) => readCsv(join(base, dir, f)).map((r) => [r.iteration, r.loss, r.val_loss, r.val_chars]);
      assert.deepEqual(pick('a'), pick('b'), f);
    }
    const summary = JSON.parse(readFileSync(join(base, 'a', 'long-2x48-i600.json'), 'utf8'));
    assert.equal(summary.segments.length, 2); // one measured block per session
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('verdict-long --per-variant: one job per variant, so shards split the variants; the analysis pairs them again', () => {
  const out = tmp();
  try {
    const common = ['sweep', 'verdict-long', '--quick', '--per-variant', '--out', out, '--corpus', corpus, '--iterations', '20', '--variants', 'tanh/scalar,isru/scalar', '--quiet'];
    assert.equal(runCli([...common, '--shard', '2/2']).code, 0);
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('long-')).sort(), ['long-2x48-i20-isru-scalar.csv', 'long-2x48-i20-isru-scalar.json']);
    assert.equal(runCli([...common, '--shard', '1/2']).code, 0);
    const { jobs } = readVerdictDir(out, 'test');
    const cells = verdictTable(jobs);
    assert.deepEqual(cells.map((c) => [c.variant, c.pairs]), [['tanh/scalar', 1], ['isru/scalar', 1]]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
