import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { PROGRESS_HEADER } from './helpers/schemas';
import { dataPath, projectRoot } from '../src/io/paths';
import { UserError } from '../src/errors';
import { inShard, isComplete, parseShard, runJobs, selectShard, SweepJob, sweepKind } from '../src/experiments/sweep';
import { netSizeFileName, netSizeProfile } from '../src/experiments/net-size';
import { PROGRESS_COLUMNS } from '../src/lstm/training-loop';

const corpus = dataPath('sotu-sample.txt');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'lstm-opt-sweep-'));

function assertOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, `expected one line, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** A job that records whether it ran and writes fixed contents; `fail` makes it throw half-way. */
function fakeJob(dir: string, label: string, ran: string[], fail = false): SweepJob {
  return {
    label,
    files: [join(dir, `${label}-a.csv`), join(dir, `${label}-b.csv`)],
    work: 4,
    async run(tick) {
      ran.push(label);
      tick(2);
      if (fail) throw new Error(`${label} interrupted`);
      tick(2);
      return [`a,${label}\n`, `b,${label}\n`];
    },
  };
}

test('parseShard accepts i/n with 1 <= i <= n and refuses everything else with a UserError', () => {
  assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
  assert.deepEqual(parseShard(' 4 / 4 '), { index: 4, count: 4 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '1/0', '3', 'a/b', '-1/4', '1/4/2', '1.5/4', '']) {
    assert.throws(() => parseShard(bad), (e: unknown) => e instanceof UserError && /--shard/.test(e.message), bad);
  }
});

test('shards 1/n .. n/n partition the configurations exactly once, every n-th from the i-th', () => {
  const items = Array.from({ length: 11 }, (_, k) => k);
  for (const n of [1, 2, 3, 4, 11, 13]) {
    const seen: number[] = [];
    for (let i = 1; i <= n; i++) {
      const part = selectShard(items, { index: i, count: n });
      assert.deepEqual(part, items.filter((k) => k % n === i - 1), `${i}/${n}`);
      seen.push(...part);
    }
    assert.deepEqual(seen.sort((a, b) => a - b), items, `n = ${n}`);
  }
  assert.deepEqual(selectShard(items, undefined), items);
  assert.deepEqual(selectShard(['a', 'b', 'c', 'd', 'e'], parseShard('2/2')), ['b', 'd']);
  assert.equal(inShard(7, { index: 2, count: 3 }), true);
  assert.equal(inShard(7, { index: 1, count: 3 }), false);
});

test('runJobs: resume skips complete jobs, reruns incomplete ones, writes both files of a job', async () => {
  const dir = tmp();
  const ran: string[] = [];
  const jobs = ['j1', 'j2', 'j3'].map((l) => fakeJob(dir, l, ran));
  // j1 complete, j2 half there (one of two files): only j2 and j3 run
  writeFileSync(jobs[0].files[0], 'done a\n');
  writeFileSync(jobs[0].files[1], 'done b\n');
  writeFileSync(jobs[1].files[0], 'stale\n');
  const r = await runJobs(jobs, { name: 'test', quiet: true });
  assert.deepEqual(ran, ['j2', 'j3']);
  assert.deepEqual(r, { ran: ['j2', 'j3'], skipped: ['j1'] });
  assert.equal(readFileSync(jobs[0].files[0], 'utf8'), 'done a\n', 'a complete job is not rewritten');
  assert.equal(readFileSync(jobs[1].files[0], 'utf8'), 'a,j2\n', 'an incomplete job is redone');
  assert.equal(readFileSync(jobs[2].files[1], 'utf8'), 'b,j3\n');
  assert.ok(jobs.every(isComplete));
  ran.length = 0;
  const again = await runJobs(jobs, { name: 'test', quiet: true });
  assert.deepEqual(ran, []);
  assert.deepEqual(again.skipped, ['j1', 'j2', 'j3']);
});

test('runJobs: a job that says whether it is complete overrides the files test (jobs sharing files)', async () => {
  const dir = tmp();
  const ran: string[] = [];
  const done = new Set(['p1']);
  // both jobs write the same shared file, which exists from the start: only `complete` tells them apart
  const shared = join(dir, 'shared.csv');
  writeFileSync(shared, 'header\n');
  const jobs: SweepJob[] = ['p1', 'p2'].map((label) => ({
    label,
    files: [shared],
    complete: () => done.has(label),
    work: 1,
    async run(tick) {
      ran.push(label);
      done.add(label);
      tick();
      return [`header\n${[...done].sort().join('\n')}\n`];
    },
  }));
  const r = await runJobs(jobs, { name: 'test', quiet: true });
  assert.deepEqual(r, { ran: ['p2'], skipped: ['p1'] });
  assert.equal(readFileSync(shared, 'utf8'), 'header\np1\np2\n');
  assert.ok(jobs.every(isComplete));
});

test('runJobs: a job interrupted half-way leaves no file (not even a temp file) and stops the sweep', async () => {
  const dir = tmp();
  const ran: string[] = [];
  const jobs = [fakeJob(dir, 'ok', ran), fakeJob(dir, 'broken', ran, true), fakeJob(dir, 'later', ran)];
  await assert.rejects(runJobs(jobs, { name: 'test', quiet: true }), /broken interrupted/);
  assert.deepEqual(ran, ['ok', 'broken']);
  assert.deepEqual(readdirSync(dir).sort(), ['ok-a.csv', 'ok-b.csv']);
  // the rerun picks up where it stopped
  ran.length = 0;
  await runJobs([jobs[0], fakeJob(dir, 'broken', ran), jobs[2]], { name: 'test', quiet: true });
  assert.deepEqual(ran, ['broken', 'later']);
});

test('runJobs logs one line per finished job without a terminal, nothing with quiet', async () => {
  const dir = tmp();
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  await runJobs([fakeJob(dir, 'x', [])], { name: 'demo', stream });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^sweep demo: x done in /);
  lines.length = 0;
  await runJobs([fakeJob(dir, 'y', [])], { name: 'demo', stream, quiet: true });
  assert.deepEqual(lines, []);
});

test('net-size is a registered kind; the full profile is layers 1-4 x the ten neuron counts', () => {
  assert.ok(sweepKind('net-size'));
  const full = netSizeProfile(false);
  assert.equal(full.configs.length, 40);
  assert.deepEqual(full.configs.slice(0, 3), [{ layers: 1, neurons: 8 }, { layers: 1, neurons: 16 }, { layers: 1, neurons: 24 }]);
  assert.deepEqual(full.configs[39], { layers: 4, neurons: 256 });
  assert.ok(full.iterations % full.progressEvery === 0);
  assert.equal(netSizeFileName({ layers: 3, neurons: 48 }, 'isru'), 'progress_3x48_isru.csv');
});

test('sweep net-size --quick writes tanh/isru progress files in the schema; a rerun skips them; --shard runs its part', () => {
  const out = join(tmp(), 'net-size');
  const args = ['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '12'];
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const quick = netSizeProfile(true);
  const expected = quick.configs.flatMap((c) => ['tanh', 'isru'].map((f) => netSizeFileName(c, f))).sort();
  assert.deepEqual(readdirSync(out).sort(), expected);
  for (const c of quick.configs) {
    const byFunc: Record<string, string[][]> = {};
    for (const func of ['tanh', 'isru']) {
      const lines = readFileSync(join(out, netSizeFileName(c, func)), 'utf8').trim().split('\n');
      assert.equal(lines[0], PROGRESS_HEADER);
      const rows = lines.slice(1).map((l) => l.split(','));
      // a row at 0, every progressEvery, and the last iteration (11)
      assert.deepEqual(rows.map((x) => Number(x[4])), [0, ...(quick.progressEvery < 11 ? [quick.progressEvery] : []), 11]);
      for (const x of rows) {
        assert.deepEqual(x.slice(0, 4), [func, 'Single-threaded', String(c.layers), String(c.neurons)]);
        for (const v of x.slice(6, 13)) assert.ok(Number.isFinite(Number(v)) && Number(v) >= 0, v);
        assert.deepEqual(x.slice(13), ['sigmoid', 'scalar', 'wasm']);
      }
      // cumulative times never decrease
      for (let k = 1; k < rows.length; k++) for (const col of [8, 10, 12]) assert.ok(Number(rows[k][col]) >= Number(rows[k - 1][col]));
      byFunc[func] = rows;
    }
    // same seed: the pair starts from the same weights, so the first losses are close but the activations differ
    assert.ok(Math.abs(Number(byFunc.tanh[0][6]) - Number(byFunc.isru[0][6])) < 0.1);
  }
  const mtimes = expected.map((f) => statSync(join(out, f)).mtimeMs);
  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /6 of 6 configurations already complete/);
  assert.deepEqual(expected.map((f) => statSync(join(out, f)).mtimeMs), mtimes, 'a rerun rewrote complete files');

  const sharded = join(tmp(), 'shard');
  const s = runCli(['sweep', 'net-size', '--quick', '--out', sharded, '--corpus', corpus, '--iterations', '3', '--shard', '2/4', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stderr, '');
  const part = selectShard(quick.configs, { index: 2, count: 4 });
  assert.deepEqual(readdirSync(sharded).sort(), part.flatMap((c) => ['tanh', 'isru'].map((f) => netSizeFileName(c, f))).sort());
});

test('sweep: bad input gets one line, a non-zero exit and writes nothing', () => {
  const out = join(tmp(), 'out');
  const cases: [string[], RegExp][] = [
    [['sweep', 'nonsense', '--out', out], /unknown sweep 'nonsense' \(known: .*net-size/],
    [['sweep', 'net-size', '--shard', '0/3', '--out', out], /--shard 0\/3: i must be between 1 and 3/],
    [['sweep', 'net-size', '--shard', '4/3', '--out', out], /--shard 4\/3: i must be between 1 and 3/],
    [['sweep', 'net-size', '--shard', 'half', '--out', out], /--shard must look like i\/n/],
    [['sweep', 'net-size', '--shard', '1/0', '--out', out], /--shard 1\/0: n must be a positive integer/],
    [['sweep', 'net-size', '--iterations', '0', '--out', out], /--iterations must be a positive integer/],
    [['sweep', 'net-size', '--quick', '--corpus', join(out, 'missing.txt'), '--out', out], /corpus file not found/],
    [['sweep', 'net-size', '--bogus', '--out', out], /unknown option '--bogus'/],
    [['sweep'], /missing required argument 'kind'/],
  ];
  for (const [args, pattern] of cases) {
    assertOneLineError(runCli(args), pattern);
    assert.equal(existsSync(out), false, `${args.join(' ')} created ${out}`);
  }
});

test('sweep net-size killed mid-sweep leaves only complete pairs; the rerun finishes the rest', async () => {
  const out = join(tmp(), 'killed');
  const args = ['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '100', '--quiet'];
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const first = join(out, netSizeFileName(netSizeProfile(true).configs[0], 'isru'));
  for (let k = 0; k < 600 && !existsSync(first) && child.exitCode === null; k++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL'); // the harshest interruption: no handler runs
  await exited;
  const complete = (f: string): boolean => {
    const lines = readFileSync(join(out, f), 'utf8').trim().split('\n');
    return lines[0] === PROGRESS_COLUMNS.join(',') && Number(lines[lines.length - 1].split(',')[4]) === 99;
  };
  const files = readdirSync(out);
  assert.ok(files.length >= 2, 'the first configuration finished before the kill');
  for (const f of files) {
    assert.match(f, /^progress_\d+x\d+_(tanh|isru)\.csv$/, `stray file ${f}`);
    assert.ok(complete(f), `${f} is incomplete`);
  }
  const before = files.length;
  const r = runCli(args.filter((a) => a !== '--quiet'));
  assert.equal(r.code, 0, r.stderr);
  if (before < 12) assert.match(r.stderr, new RegExp(`${Math.floor(before / 2)} of 6 configurations already complete`));
  assert.equal(readdirSync(out).length, 12);
  assert.ok(readdirSync(out).every(complete));
});
