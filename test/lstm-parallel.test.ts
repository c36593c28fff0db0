/**
 * Multi-threaded training (src/lstm/parallel): bit-identical to the single-thread engine, gradients
 * correct through the parallel path (finite differences), a throwing worker ends the run at once with
 * a clear message and no thread left behind, and the CLI's --threads/--mt-strategy flags. No timings.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from '../src/data/corpus';
import { dataPath, projectRoot } from '../src/io/paths';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { PROGRESS_COLUMNS, runTraining } from '../src/lstm/training-loop';
import { readModelFile } from '../src/lstm/modelfile';
import type { Precision } from '../src/lstm/buffers';
import type { Activation } from '../src/lstm/cell';
import { ParallelWorkerError, Team } from '../src/lstm/parallel/team';
import { compareWithFiniteDifferences } from '../src/lstm/gradcheck';
import { makePartition, MtStrategy, splitEven } from '../src/lstm/parallel/partition';
import { busyCores, chooseThreads, cores, parseThreads } from '../src/lstm/parallel/auto';
import { runMtSweep } from '../src/studies/mt/sweep';
import { partName } from '../src/studies/mt/results';
import { crossover, mtTotals, normalizedPerformance, speedup } from '../src/studies/mt/analysis';
import { cliEnv, runCli } from './helpers/cli';

const sample = loadCorpus(dataPath('sotu-sample.txt'));
const identity = corpusIdentity(sample.source, sample.ids);

function trainer(layers: number, neurons: number, activation: Activation, precision: Precision, window: number, clipMode: 'element' | 'norm' = 'element'): Trainer {
  const net = new Lstm({ vocabSize: sample.vocab.length, layers, neurons, cell: cellSpec(activation), precision, seed: 5 });
  return new Trainer(net, sample.vocab, identity, { window, lr: 0.003, lrDecay: 0, clip: 1, clipMode, seed: 5 });
}

test('partitions cover every row, neuron, step, vocabulary row and element exactly once', () => {
  for (const [strategy, threads] of [['rows', 2], ['rows', 3], ['rows', 4], ['gates', 2]] as [MtStrategy, number][]) {
    for (const [N, T, V] of [[16, 25, 58], [13, 7, 5], [256, 100, 98], [1, 1, 2]]) {
      const part = makePartition(strategy, threads, { neurons: N, window: T, vocab: V });
      const count = (n: number, ranges: (p: number) => readonly (readonly [number, number])[]): number[] => {
        const seen = new Array(n).fill(0);
        for (let p = 0; p < part.parties; p++) for (const [a, b] of ranges(p)) for (let i = a; i < b; i++) seen[i]++;
        return seen;
      };
      const once = (xs: number[], what: string): void => assert.ok(xs.every((x) => x === 1), `${strategy}/${threads} ${N}x${T}x${V}: ${what}`);
      once(count(4 * N, (p) => part.gateRows(p)), 'gate rows');
      once(count(N, (p) => [part.neurons(p)]), 'neurons');
      once(count(T, (p) => [part.time(p)]), 'time');
      once(count(V, (p) => [part.vocab(p)]), 'vocab');
      once(count(1001, (p) => [part.flat(p, 1001)]), 'flat');
      if (part.cellLocal) {
        // rows: a participant's gate rows are the four gates of its own neurons (no barrier before the cell)
        for (let p = 0; p < part.parties; p++) {
          const [j0, j1] = part.neurons(p);
          const want = [0, 1, 2, 3].flatMap((g) => Array.from({ length: j1 - j0 }, (_, j) => g * N + j0 + j));
          assert.deepEqual(part.gateRows(p).flatMap(([a, b]) => Array.from({ length: b - a }, (_, r) => a + r)), want);
        }
      }
    }
  }
  assert.deepEqual(splitEven(10, 3, 2), [7, 10]);
});

test('parallel training is bit-identical to single-thread (losses and parameters), shapes x activations x strategies x precisions', async () => {
  const cases: [number, number, Activation, Precision, number, MtStrategy, number][] = [
    [1, 16, 'tanh', 'f64', 25, 'rows', 2],
    [2, 16, 'isru', 'f64', 25, 'rows', 2],
    [3, 13, 'isru', 'f32', 17, 'rows', 3],
    [2, 10, 'tanh', 'f32', 9, 'rows', 4],
    [2, 20, 'tanh', 'f64', 12, 'gates', 2],
    [1, 7, 'isru', 'f64', 5, 'gates', 2],
  ];
  for (const [L, N, act, prec, T, strategy, threads] of cases) {
    const label = `${L}x${N} ${act} ${prec} T=${T} ${strategy}/${threads}`;
    const st = trainer(L, N, act, prec, T, L === 2 && N === 16 ? 'norm' : 'element');
    const mt = trainer(L, N, act, prec, T, L === 2 && N === 16 ? 'norm' : 'element');
    await mt.start({ threads, strategy });
    assert.equal(mt.threads, strategy === 'gates' ? 5 : threads);
    try {
      for (let i = 0; i < 12; i++) {
        const a = st.step();
        const b = mt.step();
        assert.ok(Object.is(a, b), `${label}: loss at iteration ${i}: ${a} vs ${b}`);
      }
      assert.deepEqual(mt.net.params, st.net.params, `${label}: parameters`);
      assert.deepEqual(mt.m, st.m, `${label}: Adam m`);
      assert.deepEqual(mt.net.grads, st.net.grads, `${label}: gradients`);
    } finally {
      await mt.close();
    }
    assert.equal(mt.threads, 1, `${label}: workers left running`);
  }
});

/** Seven-point central difference of the parallel engine's loss (as src/lstm/gradcheck.ts does for one thread). */
async function parallelGradCheck(activation: Activation, strategy: MtStrategy, threads: number, stride: number): Promise<number> {
  const V = 6, T = 5;
  const net = new Lstm({ vocabSize: V, layers: 2, neurons: 5, cell: cellSpec(activation), precision: 'f64', seed: 2 });
  const P = net.params;
  for (let k = 0; k < P.length; k++) P[k] = P[k] * 2 + Math.sin(k * 12.9898) * 0.05;
  const inputs = [1, 4, 0, 5, 2], targets = [3, 1, 5, 0, 4];
  const ws = net.workspace(T);
  const m = net.allocBuffer(P.length), v = net.allocBuffer(P.length);
  const team = await Team.start(net, ws, m, v, { threads, strategy });
  const lossAndGradients = (): number => {
    ws.inputs.set(inputs);
    ws.targets.set(targets);
    ws.resetState();
    const loss = team.forward();
    team.backward();
    return loss;
  };
  try {
    lossAndGradients();
    const analytic = Float64Array.from(net.grads);
    // the same gradient as one thread, bit for bit
    const ref = new Lstm({ vocabSize: V, layers: 2, neurons: 5, cell: cellSpec(activation), precision: 'f64', seed: 2 });
    ref.params.set(P);
    ref.lossAndGradients(inputs, targets);
    assert.deepEqual(analytic, Float64Array.from(ref.grads));
    return compareWithFiniteDifferences(P, analytic, lossAndGradients, { stride }).maxRelError;
  } finally {
    await team.close();
  }
}

test('gradient check through the parallel path (both activations, both strategies)', async () => {
  // every parameter for the common case; a stride through all tensors for the others, to stay fast
  for (const [act, strategy, threads, stride] of [['tanh', 'rows', 2, 1], ['isru', 'rows', 2, 3], ['isru', 'rows', 3, 7], ['tanh', 'gates', 2, 7]] as [Activation, MtStrategy, number, number][]) {
    const worst = await parallelGradCheck(act, strategy, threads, stride);
    assert.ok(worst < 1e-6, `${act} ${strategy}/${threads}: max relative error ${worst}`);
  }
});

test('a worker that throws ends the run within a second, with a clear message and no thread left', async () => {
  for (const job of ['forward', 'backward', 'adam'] as const) {
    const t = trainer(2, 16, 'tanh', 'f64', 25);
    await t.start({ threads: 2, strategy: 'rows', fault: { participant: 1, job } });
    const team = t.team;
    assert.equal(team.liveWorkers, 1);
    const started = Date.now();
    // a hang check, not a performance measurement: without the abort protocol this never returns
    await assert.rejects(runTraining(t, { iterations: 50, progressEvery: 10, sampleEvery: 0, storeEvery: 0 }), (err: Error) => {
      assert.ok(err instanceof ParallelWorkerError);
      assert.match(err.message, new RegExp(`multi-threaded training stopped: worker 1 failed: injected fault in the ${job} job`));
      return true;
    });
    assert.ok(Date.now() - started < 1000, `${job}: took ${Date.now() - started} ms`);
    assert.throws(() => t.step(), /worker 1 failed/); // the team stays failed
    await t.close();
    assert.equal(team.liveWorkers, 0);
    assert.equal(t.threads, 1);
  }
});

test('--threads: parsing and auto (small nets stay single-threaded)', () => {
  assert.equal(parseThreads('auto'), 'auto');
  assert.equal(parseThreads('3'), 3);
  for (const bad of ['0', '-1', '1.5', 'x', '']) assert.equal(parseThreads(bad), undefined);
  const small = new Lstm({ vocabSize: 10, layers: 1, neurons: 16, cell: cellSpec('tanh'), precision: 'f64' });
  assert.equal(chooseThreads('auto', small).threads, 1);
  assert.equal(chooseThreads(3, small).threads, 3);
  const big = new Lstm({ vocabSize: 10, layers: 1, neurons: 256, cell: cellSpec('tanh'), precision: 'f64' });
  const saved = process.env.LSTM_OPT_LOAD;
  try {
    process.env.LSTM_OPT_LOAD = '0';
    assert.equal(chooseThreads('auto', big).threads, cores() >= 2 ? cores() : 1);
    process.env.LSTM_OPT_LOAD = String(cores()); // every core already busy
    assert.equal(chooseThreads('auto', big).threads, 1);
  } finally {
    if (saved === undefined) delete process.env.LSTM_OPT_LOAD;
    else process.env.LSTM_OPT_LOAD = saved;
  }
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'lstm-mt-'));
}

function rowsWithoutTimes(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 7).join(','));
}

test('busyCores sees another process that keeps a core busy', async () => {
  const saved = process.env.LSTM_OPT_LOAD;
  delete process.env.LSTM_OPT_LOAD;
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 5000; while (Date.now() < end);'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300)); // let it start spinning
    const busy = busyCores();
    assert.ok(busy >= 0.7 && busy <= cores() + 0.01, `busy cores ${busy} with one spinning child on ${cores()} cores`);
  } finally {
    child.kill();
    if (saved !== undefined) process.env.LSTM_OPT_LOAD = saved;
  }
});

test('CLI: --threads 2 (both strategies) writes Multi-threaded rows with the single-thread losses; auto at 1x16 is single-threaded; bad values', () => {
  const dir = tmp();
  const base = ['train', '--corpus', dataPath('sotu-sample.txt'), '--layers', '2', '--neurons', '12', '--window', '20', '--iterations', '40', '--progress-every', '10', '--quiet'];
  const run = (name: string, extra: string[]): string[] => {
    const r = runCli([...base, ...extra, '--progress', join(dir, name)]);
    assert.equal(r.code, 0, r.stderr);
    return rowsWithoutTimes(join(dir, name));
  };
  const st = run('st.csv', ['--threads', '1']);
  const rows = run('mt.csv', ['--threads', '2']);
  const gates = run('gates.csv', ['--threads', '2', '--mt-strategy', 'gates']);
  assert.ok(st.slice(1).every((l) => l.includes(',Single-threaded,')));
  assert.ok(rows.slice(1).every((l) => l.includes(',Multi-threaded,')));
  assert.deepEqual(rows.map((l) => l.replace('Multi', 'Single')), st);
  assert.deepEqual(gates, rows);
  const auto = run('auto.csv', ['--threads', 'auto', '--layers', '1', '--neurons', '16']);
  assert.ok(auto.slice(1).every((l) => l.includes(',Single-threaded,')));
  for (const [args, re] of [[['--threads', 'many'], /--threads must be a positive integer or 'auto'/], [['--mt-strategy', 'diagonal'], /--mt-strategy/]] as [string[], RegExp][]) {
    const r = runCli([...base, ...args]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const js = runCli([...base, '--threads', '2', '--progress', join(dir, 'js.csv')], { env: { LSTM_OPT_KERNELS: 'js' } });
  assert.equal(js.code, 2);
  assert.match(js.stderr, /needs the WebAssembly kernels/);
});

test('CLI: Ctrl-C during a multi-threaded run writes a checkpoint and exits 130 (workers do not keep it alive)', async () => {
  const dir = tmp();
  const args = ['train', '--corpus', dataPath('sotu-sample.txt'), '--layers', '1', '--neurons', '24', '--window', '20', '--iterations', '100000', '--progress-every', '50', '--threads', '2', '--save', dir];
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] , env: cliEnv() });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && (stderr.match(/iteration \d+/g) ?? []).length >= 2) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.ok(sent, 'the run ended before it could be interrupted');
  assert.equal(code, 130, stderr);
  const at = Number(/interrupted at iteration (\d+)/.exec(stderr)![1]);
  assert.equal(readModelFile(join(dir, 'checkpoint.bin')).checkpoint!.state.iteration, at);
});

test('mt analysis: normalized performance, totals from cumulative rows, crossover (hand-computed values)', () => {
  assert.equal(normalizedPerformance(10, 5), 0.5); // twice as fast
  assert.equal(normalizedPerformance(5, 10), -0.5); // twice as slow
  assert.equal(normalizedPerformance(3, 3), 0);
  const row = (type: string, layers: number, neurons: number, iteration: number, f: number, b: number, a: number): Record<string, string | number> => ({
    func: 'tanh', type, layers, neurons, iteration, epoch: 0, loss: 4, forward_cpu: 2 * f, forward_time: f, back_cpu: 2 * b, back_time: b, adam_cpu: 2 * a, adam_time: a,
  });
  const st = [row('Single-threaded', 1, 16, 0, 1, 1, 1), row('Single-threaded', 1, 16, 9, 4, 5, 1), row('Single-threaded', 2, 8, 9, 1, 1, 1)];
  const mtRows = [row('Multi-threaded', 1, 16, 0, 1, 1, 1), row('Multi-threaded', 1, 16, 9, 2, 2, 1)];
  const t = mtTotals(st, mtRows);
  assert.equal(t.length, 1); // 2x8 has no multi-threaded run
  assert.deepEqual([t[0].layers, t[0].neurons, t[0].iterations], [1, 16, 10]);
  assert.equal(t[0].st.wall, 10);
  assert.equal(t[0].mt.wall, 5);
  assert.equal(t[0].mt.cpu, 10);
  assert.equal(speedup(t[0]), 2);
  // crossing between 64 (0.8x) and 256 (1.2x): halfway in log2 -> 128
  assert.deepEqual(crossover([{ neurons: 256, speedup: 1.2 }, { neurons: 16, speedup: 0.5 }, { neurons: 64, speedup: 0.8 }]), { neurons: 128, always: null });
  assert.deepEqual(crossover([{ neurons: 16, speedup: 0.5 }, { neurons: 32, speedup: 0.9 }]), { neurons: null, always: 'slower' });
  assert.deepEqual(crossover([{ neurons: 16, speedup: 1.1 }]), { neurons: null, always: 'faster' });
  // a dip below 1 after a crossing: the crossover is the last one
  assert.equal(crossover([{ neurons: 16, speedup: 1.1 }, { neurons: 32, speedup: 0.9 }, { neurons: 64, speedup: 1.1 }]).neurons, 45);
});

test('sweep mt: both files in the progress schema, one run per config and mode, resume skips complete parts, shards', async () => {
  const out = tmp();
  const corpus = dataPath('sotu-sample.txt');
  await runMtSweep({ quick: true, out, iterations: 3, quiet: true, corpus, shard: { index: 2, count: 3 } });
  const header = PROGRESS_COLUMNS.join(',');
  for (const mode of ['st', 'mt']) {
    const lines = readFileSync(join(out, `progress-${mode}.csv`), 'utf8').trim().split('\n');
    assert.equal(lines[0], header);
    const cfgs = new Set(lines.slice(1).map((l) => l.split(',').slice(2, 4).join('x')));
    assert.deepEqual([...cfgs], ['1x64']); // shard 2/3 of the quick profile (1x16, 1x64, 2x128)
    assert.ok(lines.slice(1).every((l) => l.split(',')[1] === (mode === 'st' ? 'Single-threaded' : 'Multi-threaded')));
  }
  const st = readFileSync(join(out, 'progress-st.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 7).join(','));
  const mtl = readFileSync(join(out, 'progress-mt.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 7).join(','));
  assert.deepEqual(mtl.slice(1).map((l) => l.replace('Multi', 'Single')), st.slice(1)); // same losses
  const before = statSync(join(out, 'parts', partName({ layers: 1, neurons: 64 }, 3, 'st'))).mtimeMs;
  await runMtSweep({ quick: true, out, iterations: 3, quiet: true, corpus, shard: { index: 2, count: 3 } });
  assert.equal(statSync(join(out, 'parts', partName({ layers: 1, neurons: 64 }, 3, 'st'))).mtimeMs, before, 'a complete part is not recomputed');
});
