import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCli } from './helpers/cli';
import { PROGRESS_HEADER } from './helpers/schemas';
import { dataPath, projectRoot } from '../src/io/paths';
import { UserError } from '../src/errors';
import { LOCK_NAME } from '../src/io/lock';
import { inShard, isComplete, parseShard, runJobs, selectShard, SweepJob } from '../src/sweep/sweep';
import { SWEEP_KINDS, sweepKind } from '../src/studies/registry';
import { netSizeConfigFile, NetSizeConfigRecord, netSizeFileName, netSizeProfile, netSizeVariantFile } from '../src/studies/net-size/results';
import { allVariants, parseVariantId } from '../src/studies/variants';
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

test('the registry names each kind once, net-size among them; its full profile is layers 1-4 x the ten neuron counts', () => {
  const names = SWEEP_KINDS.map((k) => k.name);
  assert.deepEqual([...new Set(names)], names);
  assert.deepEqual([...names].sort(), ['framework', 'framework-ops', 'merge', 'mt', 'net-size', 'precision', 'verdict', 'verdict-long', 'weather']);
  assert.equal(sweepKind('net-size')?.name, 'net-size');
  const full = netSizeProfile(false);
  assert.equal(full.configs.length, 40);
  assert.deepEqual(full.configs.slice(0, 3), [{ layers: 1, neurons: 8 }, { layers: 1, neurons: 16 }, { layers: 1, neurons: 24 }]);
  assert.deepEqual(full.configs[39], { layers: 4, neurons: 256 });
  assert.ok(full.iterations % full.progressEvery === 0);
  assert.equal(netSizeFileName({ layers: 3, neurons: 48 }, 'isru'), 'progress_3x48_isru.csv');
});

/** The files of one configuration: a progress CSV per variant, then the configuration's JSON. */
const configFiles = (c: { layers: number; neurons: number }, ids: readonly string[]): string[] => [...ids.map((id) => netSizeVariantFile(c, { id })), netSizeConfigFile(c)];
const ALL_IDS = allVariants().map((v) => v.id);

test('sweep net-size --quick writes a progress file per variant and the load per configuration; a rerun skips them; --shard runs its part', () => {
  const out = join(tmp(), 'net-size');
  const args = ['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '12'];
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const quick = netSizeProfile(true);
  const expected = quick.configs.flatMap((c) => configFiles(c, ALL_IDS)).sort();
  assert.deepEqual(readdirSync(out).sort(), expected);
  for (const c of quick.configs) {
    const first: Record<string, number> = {};
    for (const id of ALL_IDS) {
      const v = parseVariantId(id)!;
      const lines = readFileSync(join(out, netSizeVariantFile(c, v)), 'utf8').trim().split('\n');
      assert.equal(lines[0], PROGRESS_HEADER);
      const rows = lines.slice(1).map((l) => l.split(','));
      // a row at 0, every progressEvery, and the last iteration (11)
      assert.deepEqual(rows.map((x) => Number(x[4])), [0, ...(quick.progressEvery < 11 ? [quick.progressEvery] : []), 11]);
      for (const x of rows) {
        // func + gate + impl name the variant
        assert.deepEqual(x.slice(0, 4), [v.spec.activation, 'Single-threaded', String(c.layers), String(c.neurons)]);
        for (const val of x.slice(6, 13)) assert.ok(Number.isFinite(Number(val)) && Number(val) >= 0, val);
        assert.deepEqual(x.slice(13, 15), [v.spec.gate, v.impl], `${id}: gate and impl columns`);
      }
      // cumulative times never decrease
      for (let k = 1; k < rows.length; k++) for (const col of [8, 10, 12]) assert.ok(Number(rows[k][col]) >= Number(rows[k - 1][col]));
      first[id] = Number(rows[0][6]);
    }
    // same seed: every variant starts from the same weights, so the first losses are close
    for (const id of ALL_IDS) assert.ok(Math.abs(first[id] - first['tanh/scalar']) < 0.1, id);
    const rec = JSON.parse(readFileSync(join(out, netSizeConfigFile(c)), 'utf8')) as NetSizeConfigRecord;
    assert.equal(rec.config, `${c.layers}x${c.neurons}`);
    assert.equal(rec.iterations, 12);
    assert.deepEqual(rec.variants.map((x) => x.variant), ALL_IDS);
    for (const x of [rec.load_before, rec.load_after, rec.wall_seconds, rec.cpu_seconds]) assert.ok(Number.isFinite(x) && x >= 0, String(x));
    assert.deepEqual(rec.skipped, []);
  }
  const mtimes = expected.map((f) => statSync(join(out, f)).mtimeMs);
  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`${quick.configs.length} of ${quick.configs.length} configurations already complete`));
  assert.deepEqual(expected.map((f) => statSync(join(out, f)).mtimeMs), mtimes, 'a rerun rewrote complete files');

  const sharded = join(tmp(), 'shard');
  const s = runCli(['sweep', 'net-size', '--quick', '--out', sharded, '--corpus', corpus, '--iterations', '3', '--shard', '2/4', '--variants', 'all-isru/simd', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stderr, '');
  const part = selectShard(quick.configs, { index: 2, count: 4 });
  assert.deepEqual(readdirSync(sharded).sort(), part.flatMap((c) => configFiles(c, ['tanh/scalar', 'all-isru/simd'])).sort(), 'the baseline is always trained');
});

test('sweep net-size resumes: complete configurations are skipped, a configuration missing a variant file is rerun whole', () => {
  const out = join(tmp(), 'resume');
  const args = ['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '3', '--variants', 'tanh,isru/scalar'];
  assert.equal(runCli(args).code, 0);
  const [c0, c1] = netSizeProfile(true).configs;
  const kept = configFiles(c1, ['tanh/scalar', 'tanh/simd', 'isru/scalar']);
  const mtimes = kept.map((f) => statSync(join(out, f)).mtimeMs);
  // an interrupted configuration: one variant's file is gone
  rmSync(join(out, netSizeVariantFile(c0, { id: 'tanh/simd' })));
  const oldRecord = readFileSync(join(out, netSizeConfigFile(c0)), 'utf8');
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const n = netSizeProfile(true).configs.length;
  assert.match(r.stderr, new RegExp(`${n - 1} of ${n} configurations already complete`));
  assert.match(r.stderr, new RegExp(`${c0.layers}x${c0.neurons}: tanh/scalar .* s, tanh/simd .* s, isru/scalar .* s of training`));
  assert.deepEqual(kept.map((f) => statSync(join(out, f)).mtimeMs), mtimes, 'a complete configuration was rewritten');
  assert.ok(existsSync(join(out, netSizeVariantFile(c0, { id: 'tanh/simd' }))));
  assert.notEqual(readFileSync(join(out, netSizeConfigFile(c0)), 'utf8'), oldRecord, 'the rerun configuration records its own load');
});

test('sweep net-size without the WebAssembly kernels skips the simd variants, says why, and records them in each configuration', () => {
  const out = join(tmp(), 'no-simd');
  const r = runCli(['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '3', '--shard', '1/6'], { env: { LSTM_OPT_KERNELS: 'js' } });
  assert.equal(r.code, 0, r.stderr);
  const simd = ALL_IDS.filter((id) => id.endsWith('/simd'));
  for (const id of simd) assert.match(r.stderr, new RegExp(`skipping ${id}: .*WebAssembly`), id);
  const [c] = netSizeProfile(true).configs;
  const scalar = ALL_IDS.filter((id) => id.endsWith('/scalar'));
  assert.deepEqual(readdirSync(out).sort(), configFiles(c, scalar).sort());
  const rec = JSON.parse(readFileSync(join(out, netSizeConfigFile(c)), 'utf8')) as NetSizeConfigRecord;
  assert.deepEqual(rec.variants.map((v) => v.variant), scalar);
  assert.deepEqual(rec.skipped.map((k) => k.variant), simd);
  for (const k of rec.skipped) assert.match(k.reason, /WebAssembly/);
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
    [['sweep', 'net-size', '--quick', '--variants', 'tanh,gelu', '--out', out], /--variants: unknown variant 'gelu' \(known: tanh, isru, all-isru, optionally \/scalar or \/simd\)/],
    [['sweep', 'net-size', '--quick', '--variants', ',', '--out', out], /--variants: give at least one variant/],
    [['sweep', 'net-size', '--quick', '--variants', 'isru/avx', '--out', out], /--variants: unknown variant 'isru\/avx'/],
    [['sweep', 'net-size', '--quick', '--wait-idle', 'busy', '--out', out], /--wait-idle must be a load average/],
    [['sweep', 'net-size', '--quick', '--gate', 'isru-sigmoid', '--out', out], /--gate is not an option of 'sweep net-size': it trains every variant .*--variants/],
    [['sweep'], /missing required argument 'kind'/],
  ];
  for (const [args, pattern] of cases) {
    assertOneLineError(runCli(args), pattern);
    assert.equal(existsSync(out), false, `${args.join(' ')} created ${out}`);
  }
});

test('sweep net-size killed mid-sweep leaves only complete configurations; the rerun finishes the rest', async () => {
  const out = join(tmp(), 'killed');
  const args = ['sweep', 'net-size', '--quick', '--out', out, '--corpus', corpus, '--iterations', '100', '--quiet'];
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], { stdio: 'ignore' , env: cliEnv() });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const first = join(out, netSizeConfigFile(netSizeProfile(true).configs[0]));
  for (let k = 0; k < 600 && !existsSync(first) && child.exitCode === null; k++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL'); // the harshest interruption: no handler runs
  await exited;
  const complete = (f: string): boolean => {
    if (f.endsWith('.json')) return (JSON.parse(readFileSync(join(out, f), 'utf8')) as NetSizeConfigRecord).iterations === 100;
    const lines = readFileSync(join(out, f), 'utf8').trim().split('\n');
    return lines[0] === PROGRESS_COLUMNS.join(',') && Number(lines[lines.length - 1].split(',')[4]) === 99;
  };
  // the kill leaves the sweep's lock behind (no handler ran); its process is gone, so the rerun takes it over
  assert.ok(existsSync(join(out, LOCK_NAME)), 'the killed sweep held the folder');
  const files = readdirSync(out).filter((f) => f !== LOCK_NAME);
  const perConfig = ALL_IDS.length + 1;
  assert.ok(files.length >= perConfig, 'the first configuration finished before the kill');
  assert.equal(files.length % perConfig, 0, `a partial configuration: ${files.join(', ')}`);
  for (const f of files) {
    assert.match(f, /^(progress_\d+x\d+_[a-z-]+\.csv|config_\d+x\d+\.json)$/, `stray file ${f}`);
    assert.ok(complete(f), `${f} is incomplete`);
  }
  const before = files.length;
  const r = runCli(args.filter((a) => a !== '--quiet'));
  assert.equal(r.code, 0, r.stderr);
  const n = netSizeProfile(true).configs.length;
  if (before < n * perConfig) assert.match(r.stderr, new RegExp(`${before / perConfig} of ${n} configurations already complete`));
  assert.equal(readdirSync(out).length, n * perConfig);
  assert.ok(readdirSync(out).every(complete));
});
