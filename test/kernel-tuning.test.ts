/**
 * The product blockings' selection: parsing a blocking, the autotuner's answer, the choice between the
 * configuration, LSTM_OPT_BLOCKING and a tuning store, the cache file in the user's cache folder, and the
 * command line (tuned at first use, remembered, forced, recorded in the progress file). That every
 * blocking gives the same bits is the engine fixture's test (./engine-reference.test.ts) and the kernels'
 * (./wasm-kernels.test.ts); here, only that a tuned or forced run trains exactly like a default one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../src/errors';
import { cacheDir, fileTuningStore, kernelTuningFile } from '../src/lstm/kernel-tuning-cache';
import { machineSlug } from '../src/io/machine';
import { dataPath } from '../src/io/paths';
import {
  chooseBlocking, chooseKernelSet, kernelsColumn, parseKernelsColumn, StoredTuning, TuningStore, tunable, tuningKey, useTuningStore,
} from '../src/lstm/blocking-choice';
import { Lstm } from '../src/lstm/network';
import { productFlops, productShapes } from '../src/lstm/product-shapes';
import { MARGIN, SetTiming, tuneKernels } from '../src/lstm/wasm/autotune';
import {
  allBlockings, Blocking, blockingLabel, DEFAULT_BLOCKING, GEMMNT_BLOCKINGS, GEMV_BLOCKINGS, parseBlocking,
} from '../src/lstm/wasm/blocking';
import { relaxedSimdAvailable } from '../src/lstm/wasm/relaxed-simd';
import { runCli } from './helpers/cli';
import { withEnv } from './helpers/env';
import { withTempDir } from './helpers/temp';

const DIMS = { layers: 1, neurons: 8, vocabSize: 20, window: 12 };

/** A timing that makes `b` the winner of `set` (every other blocking twice as slow). */
function timingFor(b: Blocking): SetTiming {
  const gemvMs = Object.fromEntries(GEMV_BLOCKINGS.map((k) => [k, k === b.gemv ? 1 : 2])) as SetTiming['gemvMs'];
  const gemmntMs = Object.fromEntries(GEMMNT_BLOCKINGS.map((k) => [k, k === b.gemmnt ? 1 : 2])) as SetTiming['gemmntMs'];
  return { blocking: b, gemvMs, gemmntMs, ms: 2, wallMs: { gemv: gemvMs, gemmnt: gemmntMs } };
}

/** A store in memory that counts its writes. */
function memoryStore(initial: Record<string, StoredTuning> = {}): TuningStore & { writes: number; data: Record<string, StoredTuning> } {
  const data = { ...initial };
  return {
    data, writes: 0,
    get(key) { return data[key]; },
    set(key, t) { this.writes++; data[key] = t; },
  };
}

test('blockings: labels parse back, either half alone keeps the other default, anything else is a UserError', () => {
  for (const b of allBlockings()) assert.deepEqual(parseBlocking(blockingLabel(b)), b);
  assert.equal(allBlockings().length, GEMV_BLOCKINGS.length * GEMMNT_BLOCKINGS.length);
  assert.deepEqual(parseBlocking('gemv-r8'), { gemv: 'r8', gemmnt: DEFAULT_BLOCKING.gemmnt });
  assert.deepEqual(parseBlocking('gemmnt-4x2'), { gemv: DEFAULT_BLOCKING.gemv, gemmnt: '4x2' });
  assert.equal(parseBlocking(' auto '), 'auto');
  assert.equal(parseBlocking('default'), 'default');
  for (const bad of ['', 'gemv-r3', 'gemmnt-8x8', 'gemv-r8.gemv-r4', 'gemv-r8,gemmnt-2x4', 'r8']) {
    assert.throws(() => parseBlocking(bad, 'LSTM_OPT_BLOCKING'), (e: unknown) => e instanceof UserError && /LSTM_OPT_BLOCKING must be 'auto', 'default', or gemv-/.test(e.message), bad);
  }
});

test('the kernels column: the set alone for the default blocking, then the blocking; read back either way', () => {
  assert.equal(kernelsColumn('wasm', DEFAULT_BLOCKING), 'wasm');
  assert.equal(kernelsColumn('js', undefined), 'js');
  assert.equal(kernelsColumn('wasm-fma', { gemv: 'r8', gemmnt: '4x2' }), 'wasm-fma gemv-r8.gemmnt-4x2');
  assert.deepEqual(parseKernelsColumn('wasm-fma gemv-r8.gemmnt-4x2'), { kernels: 'wasm-fma', blocking: { gemv: 'r8', gemmnt: '4x2' } });
  assert.deepEqual(parseKernelsColumn('wasm'), { kernels: 'wasm' });
});

test('the autotuner times every blocking of every set asked for and keeps the default unless another beats it by the margin', () => {
  const sets = relaxedSimdAvailable() ? (['wasm', 'wasm-fma'] as const) : (['wasm'] as const);
  const shapes = productShapes(DIMS);
  const got = tuneKernels('f32', sets, shapes, { batchMs: 0.2, rounds: 3 });
  assert.deepEqual(Object.keys(got).sort(), [...sets].sort());
  for (const set of sets) {
    const t = got[set];
    assert.deepEqual(Object.keys(t.gemvMs).sort(), [...GEMV_BLOCKINGS].sort());
    assert.deepEqual(Object.keys(t.gemmntMs).sort(), [...GEMMNT_BLOCKINGS].sort());
    for (const ms of [...Object.values(t.gemvMs), ...Object.values(t.gemmntMs)]) assert.ok(Number.isFinite(ms) && ms > 0, `${set}: ${ms}`);
    for (const [kernel, ms] of [['gemv', t.gemvMs], ['gemmnt', t.gemmntMs]] as const) {
      const chosen = t.blocking[kernel], fallback = DEFAULT_BLOCKING[kernel];
      const times = ms as Record<string, number>;
      assert.ok(chosen === fallback || times[chosen] < times[fallback] * (1 - MARGIN), `${set} ${kernel}: ${chosen} over ${fallback}`);
      assert.ok(times[chosen] <= Math.min(...Object.values(times)) * (1 + MARGIN / (1 - MARGIN)) + 1e-12, `${set} ${kernel}: ${chosen} is not the fastest`);
    }
    assert.equal(t.ms, t.gemvMs[t.blocking.gemv] + t.gemmntMs[t.blocking.gemmnt]);
  }
});

test('product shapes: one iteration\'s calls of the passes (2 layers: recurrences, projections, weight gradients)', () => {
  const s = productShapes({ layers: 2, neurons: 10, vocabSize: 7, window: 5 });
  assert.deepEqual(s.gemv, [{ R: 40, K: 10, calls: 10 }, { R: 10, K: 40, calls: 8 }]);
  assert.deepEqual(s.gemmnt, [
    { M: 5, Nc: 7, K: 10, calls: 1 }, { M: 7, Nc: 10, K: 5, calls: 1 }, { M: 40, Nc: 10, K: 5, calls: 3 },
    { M: 5, Nc: 40, K: 10, calls: 1 }, { M: 5, Nc: 10, K: 40, calls: 1 },
  ]);
  assert.deepEqual(productShapes({ ...DIMS, layers: 1 }).gemmnt.map((g) => g.calls), [1, 1, 1]);
  // 2 FLOPs per multiply-add: 2·(40·10·10 + 10·40·8) + 2·(5·7·10 + 7·10·5 + 3·40·10·5 + 5·40·10 + 5·10·40)
  assert.equal(productFlops(s), 2 * (4000 + 3200) + 2 * (350 + 350 + 6000 + 2000 + 2000));
});

test('choosing: the configuration, else LSTM_OPT_BLOCKING, else the store\'s tuning (measured once, then read), else the default', async () => {
  const cfg = { vocabSize: DIMS.vocabSize, layers: DIMS.layers, neurons: DIMS.neurons, activation: 'tanh' as const, precision: 'f32' as const, kernels: 'wasm' as const };
  await withEnv({ LSTM_OPT_BLOCKING: undefined }, async () => {
    try {
      // no store: the default, nothing measured
      assert.deepEqual(new Lstm(cfg).backend.blocking, DEFAULT_BLOCKING);
      assert.equal(new Lstm({ ...cfg, kernels: 'js' }).config.blocking, undefined);
      // a store that knows this shape: its blocking, no measurement
      const known: Blocking = { gemv: 'r1', gemmnt: '1x8' };
      const key = tuningKey('f32', ['wasm'], { ...DIMS, window: 100 });
      const store = memoryStore({ [key]: { measured: 'then', sets: { wasm: timingFor(known) } } });
      useTuningStore(store);
      assert.deepEqual(new Lstm(cfg).backend.blocking, known);
      assert.equal(new Lstm(cfg).config.blocking, new Lstm(cfg).backend.blocking);
      assert.equal(store.writes, 0);
      // the configuration wins over the store
      assert.deepEqual(new Lstm({ ...cfg, blocking: { gemv: 'r2', gemmnt: '4x4' } }).backend.blocking, { gemv: 'r2', gemmnt: '4x4' });
      // another shape: measured once, stored, then read back
      const other = { ...DIMS, neurons: 12 };
      const b = chooseBlocking('f32', 'wasm', other);
      assert.equal(store.writes, 1);
      assert.deepEqual(store.data[tuningKey('f32', ['wasm'], other)].sets.wasm.blocking, b);
      assert.deepEqual(chooseBlocking('f32', 'wasm', other), b);
      assert.equal(store.writes, 1);
      // too large to time quickly: the default, nothing measured or stored
      const huge = { layers: 4, neurons: 1024, vocabSize: 98, window: 100 };
      assert.ok(tunable({ layers: 2, neurons: 256, vocabSize: 98, window: 100 }) && !tunable(huge));
      assert.deepEqual(chooseBlocking('f32', 'wasm', huge), DEFAULT_BLOCKING);
      assert.deepEqual(chooseKernelSet('f32', ['wasm', 'wasm-fma'], huge), { kernels: 'wasm', blocking: DEFAULT_BLOCKING });
      assert.equal(store.writes, 1);
      // LSTM_OPT_BLOCKING over the store: a blocking, or the default
      await withEnv({ LSTM_OPT_BLOCKING: 'gemv-r8.gemmnt-4x2' }, () => assert.deepEqual(new Lstm(cfg).backend.blocking, { gemv: 'r8', gemmnt: '4x2' }));
      await withEnv({ LSTM_OPT_BLOCKING: 'default' }, () => assert.deepEqual(new Lstm(cfg).backend.blocking, DEFAULT_BLOCKING));
      await withEnv({ LSTM_OPT_BLOCKING: 'gemv-r5' }, () => assert.throws(() => new Lstm(cfg), /LSTM_OPT_BLOCKING must be/));
      // the kernel set, only when asked: the faster one by its stored product time
      const both = tuningKey('f32', ['wasm', 'wasm-fma'], DIMS);
      useTuningStore(memoryStore({ [both]: { measured: 'then', sets: { wasm: { ...timingFor(known), ms: 3 }, 'wasm-fma': { ...timingFor(DEFAULT_BLOCKING), ms: 2 } } } }));
      assert.deepEqual({ ...chooseKernelSet('f32', ['wasm', 'wasm-fma'], DIMS), timing: undefined }, { kernels: 'wasm-fma', blocking: DEFAULT_BLOCKING, timing: undefined });
    } finally {
      useTuningStore(undefined);
    }
  });
});

test('the cache file: $XDG_CACHE_HOME/lstm-opt (else ~/.cache/lstm-opt), per machine and kernel build, unreadable = empty', () => {
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x/y' }), join('/x/y', 'lstm-opt'));
  assert.equal(cacheDir({}), join(homedir(), '.cache', 'lstm-opt'));
  assert.equal(kernelTuningFile({ XDG_CACHE_HOME: '/x/y' }), join('/x/y', 'lstm-opt', 'kernel-tuning.json'));
  withTempDir('lstm-opt-tuning-', (dir) => {
    const file = join(dir, 'sub', 'kernel-tuning.json');
    const t: StoredTuning = { measured: '2026-01-01T00:00:00.000Z', sets: { wasm: timingFor({ gemv: 'r8', gemmnt: '4x2' }) } };
    const here = fileTuningStore(file, 'machine-a');
    assert.equal(here.get('k'), undefined); // no file yet
    here.set('k', t);
    assert.deepEqual(here.get('k'), t);
    assert.deepEqual(fileTuningStore(file, 'machine-a').get('k'), t); // another process reads it back
    assert.equal(fileTuningStore(file, 'machine-b').get('k'), undefined); // another machine does not
    fileTuningStore(file, 'machine-b').set('k2', t);
    assert.deepEqual(fileTuningStore(file, 'machine-a').get('k'), t); // writes keep the other machines' entries
    // an entry of another kernel build is not used
    const data = JSON.parse(readFileSync(file, 'utf8')) as { machines: Record<string, Record<string, { kernels: string }>> };
    data.machines['machine-a'].k.kernels = 'another build';
    writeFileSync(file, JSON.stringify(data));
    assert.equal(fileTuningStore(file, 'machine-a').get('k'), undefined);
    writeFileSync(file, '{ not json');
    assert.equal(fileTuningStore(file, 'machine-a').get('k'), undefined);
    fileTuningStore(file, 'machine-a').set('k', t); // and is replaced
    assert.deepEqual(fileTuningStore(file, 'machine-a').get('k'), t);
  });
});

const corpus = dataPath('sotu-sample.txt');
const tiny = ['train', '--corpus', corpus, '--layers', '1', '--neurons', '8', '--window', '12', '--iterations', '4', '--progress-every', '2', '--quiet'];

function progressColumns(path: string): { loss: string[]; kernels: string[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const col = (name: string): string[] => lines.slice(1).map((l) => l.split(',')[header.indexOf(name)]);
  return { loss: col('loss'), kernels: col('kernels') };
}

test('CLI: tuned at first use and remembered in the cache folder, forced by --blocking or LSTM_OPT_BLOCKING, recorded in the kernels column; the losses never change', () => {
  withTempDir('lstm-opt-tune-cli-', (dir) => {
    const env = { XDG_CACHE_HOME: join(dir, 'cache'), LSTM_OPT_BLOCKING: '' };
    const run = (name: string, extra: string[] = [], more: NodeJS.ProcessEnv = {}): { loss: string[]; kernels: string[]; stderr: string } => {
      const progress = join(dir, `${name}.csv`);
      const r = runCli([...tiny, '--progress', progress, ...extra], { env: { ...env, ...more } });
      assert.equal(r.code, 0, r.stderr);
      return { ...progressColumns(progress), stderr: r.stderr };
    };
    const reference = run('default', [], { LSTM_OPT_BLOCKING: 'default' });
    assert.deepEqual(reference.kernels, ['wasm', 'wasm', 'wasm']);
    // first use: tuned, and the choice is in the cache file under this machine and shape
    const tuned = run('tuned');
    const cache = JSON.parse(readFileSync(join(dir, 'cache', 'lstm-opt', 'kernel-tuning.json'), 'utf8')) as { machines: Record<string, Record<string, StoredTuning>> };
    const entries = cache.machines[machineSlug()];
    assert.ok(entries, `no entry for ${machineSlug()}`);
    // one entry, keyed by this run's shape (its window is known: the flag's)
    const vocabSize = Number(Object.keys(entries)[0].split(' ')[3].slice(1));
    assert.deepEqual(Object.keys(entries), [tuningKey('f64', ['wasm'], { layers: 1, neurons: 8, vocabSize, window: 12 })]);
    const entry = Object.values(entries)[0];
    assert.deepEqual(tuned.kernels, tuned.kernels.map(() => kernelsColumn('wasm', entry.sets.wasm.blocking)));
    assert.deepEqual(tuned.loss, reference.loss);
    // a remembered choice is used as it is: an edited entry shows in the next run's kernels column
    const forcedByCache: Blocking = { gemv: 'r2', gemmnt: '4x4' };
    entries[Object.keys(entries)[0]].sets.wasm.blocking = forcedByCache;
    writeFileSync(join(dir, 'cache', 'lstm-opt', 'kernel-tuning.json'), JSON.stringify(cache));
    assert.deepEqual(run('cached').kernels, ['wasm gemv-r2.gemmnt-4x4', 'wasm gemv-r2.gemmnt-4x4', 'wasm gemv-r2.gemmnt-4x4']);
    // forced: the flag over the environment over the cache
    const flag = run('flag', ['--blocking', 'gemv-r8.gemmnt-4x2'], { LSTM_OPT_BLOCKING: 'gemv-r1' });
    assert.deepEqual(flag.kernels, ['wasm gemv-r8.gemmnt-4x2', 'wasm gemv-r8.gemmnt-4x2', 'wasm gemv-r8.gemmnt-4x2']);
    assert.deepEqual(flag.loss, reference.loss);
    assert.deepEqual(run('env', [], { LSTM_OPT_BLOCKING: 'gemv-r1' }).kernels[0], 'wasm gemv-r1.gemmnt-2x4');
    // bad requests: one line, exit 2, before any training
    const bad = runCli([...tiny, '--progress', join(dir, 'bad.csv'), '--blocking', 'gemv-r3'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lstm-opt: --blocking must be 'auto', 'default', or gemv-<r1\|r2\|r4\|r4u2\|r8>\.gemmnt-<2x4\|2x4u2\|4x2\|4x4\|1x8> \(either half alone\), got 'gemv-r3'\n$/);
    const badEnv = runCli([...tiny, '--progress', join(dir, 'bad.csv')], { env: { ...env, LSTM_OPT_BLOCKING: 'fast' } });
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.stderr, /^lstm-opt: LSTM_OPT_BLOCKING must be .*got 'fast'\n$/);
  });
});

test('CLI: --kernels auto picks a set by its measured product time, says which in one line, and records it', () => {
  withTempDir('lstm-opt-tune-auto-', (dir) => {
    const progress = join(dir, 'auto.csv');
    const r = runCli([...tiny.filter((a) => a !== '--quiet'), '--progress', progress, '--kernels', 'auto'], { env: { XDG_CACHE_HOME: join(dir, 'cache'), LSTM_OPT_BLOCKING: '' } });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stderr.split('\n').find((l) => l.startsWith('lstm-opt: --kernels auto: '));
    assert.ok(line, r.stderr);
    const sets = relaxedSimdAvailable() ? ['wasm', 'wasm-fma'] : ['wasm'];
    for (const s of sets) assert.match(line, new RegExp(`${s} [0-9.]+ ms`));
    const { kernels } = progressColumns(progress);
    const chosen = parseKernelsColumn(kernels[0]).kernels;
    assert.ok(sets.includes(chosen), kernels[0]);
    assert.ok(line.includes(`--kernels auto: ${chosen}, `), line);
  });
});
