/**
 * The second hostile-user pass: outputs that are inputs or files of another kind, resumes that would
 * drop rows or go back, corpora that are no text or too large, sweep sizes beyond train's limits, broken
 * README markers, truncated results handed to `sweep merge`, and outputs another run is writing. Each
 * case must end with its documented exit code and ONE line on stderr without a stack trace, and leave
 * every file that existed before exactly as it was. Then the runs that share an output: two trains into
 * one --save and two weather sweeps into one --out lose no rows and mix no files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { withTempDir } from './helpers/temp';
import { dataPath, projectRoot } from '../src/io/paths';
import { LOCK_NAME, lockName, lockOutput, unlockOutput } from '../src/io/lock';
import { MAX_CORPUS_BYTES } from '../src/data/corpus';
import { ANSWER_BEGIN, ANSWER_END } from '../src/analysis/answer';
import { EXIT_BUSY, UserError } from '../src/errors';
import { parseCsv } from '../src/io/csv';
import { rowProblems } from '../src/io/results';
import { WEATHER_REPEAT_CHECKS } from '../src/studies/weather/analysis';
import { runJobs, SweepJob } from '../src/sweep/sweep';
import { readModelFile } from '../src/lstm/modelfile';
import { snapshot, assertOneLine, rowsWithoutTimes } from './helpers/snapshot';

const sample = dataPath('sotu-sample.txt');
const cli = join(projectRoot(), 'bin', 'lstm-opt.js');
const small = ['--layers', '1', '--neurons', '12', '--window', '20'];

test('table: every refusal of the second pass exits with its code and one line, and changes no existing file', () => {
  withTempDir('lstm-opt-refuse-', (dir) => {
    const corpus = join(dir, 'c.txt');
    copyFileSync(sample, corpus);
    const m = join(dir, 'm');
    assert.equal(runCli(['train', '--corpus', corpus, ...small, '--iterations', '3', '--save', m, '--quiet']).code, 0);
    const ck = join(m, 'checkpoint.bin');
    // a --save folder whose model.json is a folder
    mkdirSync(join(dir, 'blocked', 'model.json'), { recursive: true });
    // corpora that are no text, and one larger than a string can hold (sparse: takes no disk)
    writeFileSync(join(dir, 'nul.txt'), Buffer.concat([Buffer.from('some text '.repeat(50)), Buffer.from([0]), Buffer.from(' more text')]));
    writeFileSync(join(dir, 'latin1.txt'), Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e '.repeat(40), 'latin1'));
    const huge = join(dir, 'huge.txt');
    assert.equal(spawnSync('truncate', ['-s', String(MAX_CORPUS_BYTES + 1), huge]).status, 0);
    // README copies with broken markers
    const readmes = {
      none: '# x\n\nno markers\n',
      'no-end': `# x\n\n${ANSWER_BEGIN}\nold answer\n\nprose that must stay\n`,
      'no-begin': `# x\n\nold answer\n${ANSWER_END}\n`,
      reversed: `# x\n\n${ANSWER_END}\nprose\n${ANSWER_BEGIN}\n`,
      duplicated: `# x\n\n${ANSWER_BEGIN}\na\n${ANSWER_END}\n\n${ANSWER_BEGIN}\nb\n${ANSWER_END}\n`,
    };
    for (const [name, text] of Object.entries(readmes)) writeFileSync(join(dir, `README-${name}.md`), text);
    // a shard whose CSV was cut mid-row (a full disk, a bad copy), beside a good file
    mkdirSync(join(dir, 'shard', 'net-size', 'x'), { recursive: true });
    writeFileSync(join(dir, 'shard', 'net-size', 'x', 'config_1x8.json'), '{"kind":"net-size"}\n');
    writeFileSync(join(dir, 'shard', 'net-size', 'x', 'progress_1x8_tanh.csv'), 'func,type,layers,neurons,iteration\ntanh,Single-threaded,1,8,0\ntanh,Single-thr');
    writeFileSync(join(dir, 'shard', 'net-size', 'x', 'progress_1x8_isru.csv'), '{"not":"csv"\n');
    // a folder another live run is writing (this test's own process holds its lock)
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', LOCK_NAME), JSON.stringify({ pid: process.pid, host: hostname(), command: 'train --save busy' }) + '\n');
    const before = snapshot(dir);

    const train = (...args: string[]): string[] => ['train', ...args, '--quiet'];
    const cases: { args: string[]; code: number; error: RegExp }[] = [
      // outputs that are inputs, or files of another kind
      { args: train('--corpus', corpus, ...small, '--iterations', '2', '--progress', corpus), code: 2, error: /--progress .*c\.txt is the input --corpus .*c\.txt/ },
      { args: train('--corpus', corpus, ...small, '--iterations', '2', '--progress', join(m, 'model.bin')), code: 2, error: /--progress .*model\.bin exists and is not a progress CSV/ },
      { args: train('--corpus', corpus, '--resume', ck, '--append', '--progress', ck), code: 2, error: /--progress .*checkpoint\.bin is the input --resume/ },
      { args: train('--corpus', corpus, ...small, '--iterations', '2', '--save', join(dir, 'blocked')), code: 2, error: /model\.json is a folder, not an lstm-opt model file/ },
      // resumes that would drop rows or go back
      { args: train('--corpus', corpus, '--resume', ck, '--save', m), code: 2, error: /--resume without --append would replace the 2 progress row\(s\) in .*progress\.csv; add --append/ },
      { args: train('--corpus', corpus, '--resume', ck, '--append', '--save', m, '--iterations', '2'), code: 2, error: /--iterations 2 is below the checkpoint's iteration 3/ },
      { args: train('--resume', ck, '--append', '--save', m), code: 2, error: new RegExp(`was trained on the corpus ${corpus.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; pass it again with --corpus`) },
      { args: train('--corpus', join(dir, 'gone.txt'), '--resume', ck, '--append', '--save', m), code: 2, error: /corpus file not found: .*gone\.txt \(the checkpoint .* was trained on .*c\.txt; pass that file with --corpus\)/ },
      // corpora
      { args: train('--corpus', join(dir, 'nul.txt'), ...small, '--iterations', '2', '--progress', join(dir, 'x.csv')), code: 2, error: /nul\.txt does not look like text: it holds a NUL byte .*--allow-binary/ },
      { args: train('--corpus', join(dir, 'latin1.txt'), ...small, '--iterations', '2', '--progress', join(dir, 'x.csv')), code: 2, error: /latin1\.txt does not look like text: it is not valid UTF-8/ },
      { args: train('--corpus', huge, ...small, '--iterations', '2', '--progress', join(dir, 'x.csv')), code: 2, error: new RegExp(`huge\\.txt is ${MAX_CORPUS_BYTES + 1} bytes; the largest corpus this engine can hold is ${MAX_CORPUS_BYTES} bytes`) },
      // the verdict's sizes pass train's limits
      { args: ['sweep', 'verdict', '--quick', '--sizes', '65x8', '--out', join(dir, 'v1'), '--quiet'], code: 2, error: /--sizes 65x8: --layers must be an integer in \[1, 64\]/ },
      { args: ['sweep', 'verdict', '--quick', '--sizes', '1x9000', '--out', join(dir, 'v2'), '--quiet'], code: 2, error: /--sizes 1x9000: --neurons must be an integer in \[1, 8192\]/ },
      { args: ['sweep', 'verdict', '--quick', '--sizes', '64x8192', '--corpus', corpus, '--out', join(dir, 'v3'), '--quiet'], code: 2, error: /--sizes 64x8192: a 64x8192 f64 network .* needs about .* GiB, more than/ },
      // the README's markers
      ...Object.keys(readmes).map((name) => ({ args: ['answer', '--readme', join(dir, `README-${name}.md`)], code: 2, error: /--readme .*: (it has|its) .*; nothing was changed$/ })),
      // results validated where they are trusted
      { args: ['sweep', 'merge', '--from', join(dir, 'shard'), '--out', join(dir, 'merged'), '--quiet'], code: 2, error: /sweep merge: 2 source file\(s\) are no complete result: .*(its last row is cut|not valid CSV).* — nothing merged/ },
      // one writer per output
      { args: train('--corpus', corpus, ...small, '--iterations', '2', '--save', join(dir, 'busy')), code: EXIT_BUSY, error: new RegExp(`--save .*busy is being written by another lstm-opt run \\(process ${process.pid}: lstm-opt train --save busy\\)`) },
      { args: ['weather', '--quick', '--cells', '10', '--repeats', '1', '--epochs', '1', '--variants', 'tanh', '--out', join(dir, 'busy', 'w.csv'), '--quiet'], code: EXIT_BUSY, error: /--out .*busy\/w\.csv is being written by another lstm-opt run/ },
    ];
    for (const c of cases) {
      const r = runCli(c.args, { cwd: dir, timeoutMs: 60_000 });
      const context = c.args.join(' ');
      assert.equal(r.code, c.code, `${context}: exit ${r.code}\n${r.stderr}`);
      assertOneLine(r.stderr, context);
      assert.match(r.stderr.trim(), c.error, context);
      const after = snapshot(dir);
      for (const [file, state] of before) assert.equal(after.get(file), state, `${context} changed or removed ${file}`);
    }
    // the verdict's refused sizes leave no split.json (nor anything else) behind
    for (const v of ['v1', 'v2', 'v3']) assert.deepEqual(existsSync(join(dir, v)) ? readdirSync(join(dir, v)) : [], [], v);
  });
});

test('a flag that does nothing in its combination says so, and the run goes on', () => {
  withTempDir('lstm-opt-note-', (dir) => {
    const r = runCli(['train', '--corpus', sample, ...small, '--iterations', '2', '--mt-strategy', 'gates', '--progress', join(dir, 'p.csv'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), 'lstm-opt: note: --mt-strategy gates does nothing without --threads (the run is single-threaded)');
  });
});

test('a sweep rerun with other settings refuses, naming them, or measures again with --remeasure', async () => {
  await withTempDir('lstm-opt-settings-', async (dir) => {
    const file = join(dir, 'a.json');
    const job = (iterations: number): SweepJob => ({
      label: 'a', files: [file], work: 1, settings: { iterations, corpus: 'c.txt (10 bytes)' },
      run: async () => [JSON.stringify({ measured: iterations, settings: { iterations, corpus: 'c.txt (10 bytes)' } }) + '\n'],
    });
    assert.deepEqual((await runJobs([job(100)], { name: 't', quiet: true })).ran, ['a']);
    assert.deepEqual((await runJobs([job(100)], { name: 't', quiet: true })).skipped, ['a']);
    await assert.rejects(runJobs([job(300)], { name: 't', quiet: true }), /sweep t: 1 finished configuration\(s\) were measured with other settings \(a: iterations 100 → 300\); pass --remeasure/);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).measured, 100, 'the refusal changed nothing');
    assert.deepEqual((await runJobs([job(300)], { name: 't', quiet: true, remeasure: true })).ran, ['a']);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).measured, 300);
    // an unparsable result is no result: its job runs again
    writeFileSync(file, '{"measured": 3');
    assert.deepEqual((await runJobs([job(300)], { name: 't', quiet: true })).ran, ['a']);
    assert.deepEqual(readdirSync(dir), ['a.json'], 'the lock is gone once the sweep is done');
  });
});

test('locks: a folder lock excludes every writer of the folder, a file set lock only writers of that set, a dead owner\'s lock is taken over', () => {
  withTempDir('lstm-opt-locks-', (dir) => {
    const owner = (pid: number): string => JSON.stringify({ pid, host: hostname(), command: 'weather --out w.csv' }) + '\n';
    // another live run (this process's id, not taken through lockOutput) holds the folder
    writeFileSync(join(dir, LOCK_NAME), owner(process.pid));
    assert.throws(() => lockOutput(dir, '--out w.csv', 'w.csv'), (e: unknown) => e instanceof UserError && e.exitCode === EXIT_BUSY && /being written by another lstm-opt run/.test(e.message));
    assert.throws(() => lockOutput(dir, '--save d'), /being written by another/);
    rmSync(join(dir, LOCK_NAME));
    // a run holding one file set: another set in the same folder goes on, the same set does not
    writeFileSync(join(dir, lockName('a.csv')), owner(process.pid));
    assert.equal(lockOutput(dir, '--out b.csv', 'b.csv'), true);
    assert.throws(() => lockOutput(dir, '--out a.csv', 'a.csv'), /being written by another/);
    unlockOutput(dir, 'b.csv');
    assert.ok(!existsSync(join(dir, lockName('b.csv'))));
    // the owner is gone (a hard kill): its lock is stale and taken over
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, lockName('a.csv')), owner(gone));
    assert.equal(lockOutput(dir, '--out a.csv', 'a.csv'), true);
    assert.equal(JSON.parse(readFileSync(join(dir, lockName('a.csv')), 'utf8')).pid, process.pid);
    unlockOutput(dir, 'a.csv');
  });
});

test('results readers count malformed and duplicated rows instead of dropping or double-counting them', () => {
  const rows = parseCsv('Cells,Repeat,Variant,TrainTime,Accuracy\n10,0,tanh/scalar,1.5,80\n10,0,isru/scalar,abc,81\n10,0,tanh/scalar,1.4,80\n10,1,tanh/scalar,,80\n');
  assert.equal(
    rowProblems(rows, WEATHER_REPEAT_CHECKS),
    "2 malformed rows (first line 3: TrainTime 'abc') and 1 duplicated row (first line 4: Cells 10, Repeat 0, Variant tanh/scalar)",
  );
  assert.equal(rowProblems(rows.slice(0, 1), WEATHER_REPEAT_CHECKS), undefined);
});

function spawnCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('two train runs into one --save: one writes, the other refuses or follows; no file mixes the two', async () => {
  await withTempDir('lstm-opt-two-trains-', async (dir) => {
    const args = (seed: number, save: string): string[] => ['train', '--corpus', sample, ...small, '--iterations', '400', '--progress-every', '50', '--seed', String(seed), '--save', save, '--quiet'];
    // references: each seed alone
    for (const seed of [1, 2]) assert.equal(runCli(args(seed, join(dir, `ref${seed}`))).code, 0);
    const shared = join(dir, 'shared');
    const results = await Promise.all([spawnCli(args(1, shared)), spawnCli(args(2, shared))]);
    for (const r of results) {
      assert.ok(r.code === 0 || r.code === EXIT_BUSY, `exit ${r.code}: ${r.stderr}`);
      if (r.code === EXIT_BUSY) assertOneLine(r.stderr, 'the second train');
    }
    assert.ok(results.some((r) => r.code === 0));
    // every file of the folder comes from one and the same run
    const winner = [1, 2].find((seed) => readFileSync(join(shared, 'model.bin')).equals(readFileSync(join(dir, `ref${seed}`, 'model.bin'))));
    assert.ok(winner, 'model.bin is one reference run\'s');
    assert.deepEqual(readFileSync(join(shared, 'model.json')), readFileSync(join(dir, `ref${winner}`, 'model.json')));
    // a checkpoint records the run's measured times too: its state, not its bytes, is the run's
    const [a, b] = [shared, join(dir, `ref${winner}`)].map((d) => readModelFile(join(d, 'checkpoint.bin')));
    assert.deepEqual(a.params, b.params);
    assert.equal(a.checkpoint!.state.iteration, b.checkpoint!.state.iteration);
    assert.deepEqual(rowsWithoutTimes(join(shared, 'progress.csv')), rowsWithoutTimes(join(dir, `ref${winner}`, 'progress.csv')));
    assert.ok(!existsSync(join(shared, LOCK_NAME)));
  });
});

test('two weather runs into one --out: no row is lost, none is doubled', async () => {
  await withTempDir('lstm-opt-two-weathers-', async (dir) => {
    const out = join(dir, 'w.csv');
    const args = ['weather', '--quick', '--cells', '10,12', '--repeats', '1', '--epochs', '1', '--variants', 'tanh/scalar,isru/scalar', '--out', out, '--quiet'];
    const results = await Promise.all([spawnCli(args), spawnCli(args)]);
    for (const r of results) {
      assert.ok(r.code === 0 || r.code === EXIT_BUSY, `exit ${r.code}: ${r.stderr}`);
      if (r.code === EXIT_BUSY) assertOneLine(r.stderr, 'the second weather run');
    }
    assert.ok(results.some((r) => r.code === 0));
    const repeats = parseCsv(readFileSync(join(dir, 'w-repeats.csv'), 'utf8'));
    assert.equal(repeats.length, 4, '2 cell counts × 1 repeat × 2 variants'); // (a loser leaves none, a follower skips)
    assert.equal(rowProblems(repeats, WEATHER_REPEAT_CHECKS), undefined);
    assert.equal(parseCsv(readFileSync(out, 'utf8')).length, 4);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no lock or temporary file is left');
  });
});
