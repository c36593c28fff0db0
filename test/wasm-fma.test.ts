/**
 * The 'wasm-fma' kernel set in the engine (its kernels alone: ./wasm-kernels.test.ts): the exact
 * fused multiply-add the kernel tests model it with, against 60-digit mathjs arithmetic; the runtime
 * detection and the fallback to 'wasm' with a message (detection forced off through forceRelaxedSimd,
 * in this process and, via a preloaded module, in the CLI); bit-identical training across thread counts
 * and strategies; the gradient check; checkpoints and progress rows recording the set. No timings.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, all } from 'mathjs';
import { loadCorpus } from '../src/data/corpus';
import { dataPath } from '../src/io/paths';
import { defaultKernels, kernelsLine, resolveKernels } from '../src/lstm/backend-select';
import type { Precision } from '../src/lstm/buffers';
import { gradientCheck } from '../src/lstm/gradcheck';
import { readModelFile } from '../src/lstm/modelfile';
import { Lstm } from '../src/lstm/network';
import type { MtStrategy } from '../src/lstm/parallel/partition';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { Rng } from '../src/lstm/rng';
import { forceRelaxedSimd, relaxedMaddFuses, relaxedSimdAvailable } from '../src/lstm/wasm/relaxed-simd';
import { fmaExact } from './helpers/exact-fma';
import { runCli } from './helpers/cli';

const needsRelaxedSimd = relaxedSimdAvailable() ? false : 'this runtime has no WebAssembly relaxed SIMD';
const sample = loadCorpus(dataPath('sotu-sample.txt'));
const identity = corpusIdentity(sample.source, sample.ids);

test('fmaExact: a·b + c rounded once, against 250-digit decimal arithmetic and known cases', () => {
  const big = create(all, { number: 'BigNumber', precision: 250 });
  // a double of magnitude ≥ 2^-30 has at most 30 + 52 fractional binary digits, so its exact decimal
  // expansion has fewer than 100 significant digits: toPrecision(100) writes it exactly
  const rng = new Rng(7);
  for (let i = 0; i < 2000; i++) {
    // magnitudes over 40 binades (2^-20 .. 2^20), both signs, so cancellation and alignment both occur
    const r = (): number => (0.5 + Math.abs(rng.uniform(0.5))) * Math.sign(rng.uniform(1)) * 2 ** Math.floor(rng.uniform(20));
    const a = r(), b = r();
    const c = i % 4 === 0 ? -a * b : r(); // every fourth: the rounded product cancelled, the error term left
    // the sum is exact in 250 digits, and JavaScript parses a decimal string to the nearest double
    const exact = Number(String(big.evaluate(`${a.toPrecision(100)} * ${b.toPrecision(100)} + ${c.toPrecision(100)}`)));
    assert.ok(Object.is(fmaExact(a, b, c, 'f64'), exact), `fma(${a}, ${b}, ${c}) = ${fmaExact(a, b, c, 'f64')}, want ${exact}`);
  }
  // the error term of a rounded product, which only a fused multiply-add keeps
  const x = 1 + 2 ** -30;
  assert.equal(fmaExact(x, x, -(1 + 2 ** -29), 'f64'), 2 ** -60);
  assert.equal((x * x) - (1 + 2 ** -29), 0);
  const y = Math.fround(1 + 2 ** -12);
  assert.equal(fmaExact(y, y, -Math.fround(1 + 2 ** -11), 'f32'), 2 ** -24);
  // ties to even in float32: 1 + 2^-24 is halfway between 1 and 1 + 2^-23
  assert.equal(fmaExact(2 ** -12, 2 ** -12, 1, 'f32'), 1);
  assert.equal(fmaExact(3 * 2 ** -13, 2 ** -11, 1, 'f32'), 1 + 2 ** -22);
  assert.ok(Object.is(fmaExact(-0, 1, -0, 'f64'), -0));
});

test('detection: relaxed SIMD is found on this Node (enabled by flag on Node 20), and relaxed_madd fuses on x64 with FMA or arm64', { skip: needsRelaxedSimd }, () => {
  assert.equal(relaxedSimdAvailable(), true);
  const fuses = relaxedMaddFuses();
  assert.equal(typeof fuses, 'boolean');
  assert.match(kernelsLine('wasm-fma'), fuses ? /fused on this CPU/ : /NOT fused/);
  assert.deepEqual(resolveKernels('wasm-fma', 'f32'), { kernels: 'wasm-fma' });
  assert.equal(new Lstm({ vocabSize: 5, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: 'f64', kernels: 'wasm-fma' }).backend.kind, 'wasm-fma');
});

test('no relaxed SIMD: wasm-fma falls back to wasm, says so, and the network records the set that runs', () => {
  forceRelaxedSimd(false);
  try {
    for (const p of ['f64', 'f32'] as Precision[]) {
      const choice = resolveKernels('wasm-fma', p);
      assert.equal(choice.kernels, 'wasm');
      assert.match(choice.fallback ?? '', /no WebAssembly relaxed SIMD; running the 'wasm' kernels/);
      const net = new Lstm({ vocabSize: 5, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: p, kernels: 'wasm-fma' });
      assert.equal(net.config.kernels, 'wasm');
      assert.equal(net.backend.kind, 'wasm');
    }
    const saved = process.env.LSTM_OPT_KERNELS;
    process.env.LSTM_OPT_KERNELS = 'wasm-fma';
    try {
      assert.equal(defaultKernels('f64'), 'wasm');
    } finally {
      if (saved === undefined) delete process.env.LSTM_OPT_KERNELS;
      else process.env.LSTM_OPT_KERNELS = saved;
    }
  } finally {
    forceRelaxedSimd(undefined);
  }
  // the default set is always the plain one, with or without relaxed SIMD
  assert.deepEqual(resolveKernels('wasm', 'f64'), { kernels: 'wasm' });
});

function trainer(layers: number, neurons: number, precision: Precision, window: number): Trainer {
  const net = new Lstm({ vocabSize: sample.vocab.length, layers, neurons, cell: cellSpec('tanh'), precision, seed: 4, kernels: 'wasm-fma' });
  assert.equal(net.config.kernels, 'wasm-fma');
  return new Trainer(net, sample.vocab, identity, { window, lr: 0.003, lrDecay: 0, clip: 1, clipMode: 'element', seed: 4 });
}

test('wasm-fma training is bit-identical across thread counts and strategies, and differs from wasm', { skip: needsRelaxedSimd }, async () => {
  const cases: [number, number, Precision, number, MtStrategy, number][] = [
    [2, 16, 'f64', 21, 'rows', 2],
    [2, 12, 'f32', 13, 'rows', 2],
    [2, 20, 'f64', 12, 'gates', 2],
    [1, 9, 'f32', 7, 'gates', 2],
  ];
  for (const [L, N, precision, T, strategy, threads] of cases) {
    const label = `${L}x${N} ${precision} T=${T} ${strategy}/${threads}`;
    const st = trainer(L, N, precision, T);
    const mt = trainer(L, N, precision, T);
    await mt.start({ threads, strategy });
    try {
      for (let i = 0; i < 10; i++) {
        const a = st.step();
        const b = mt.step();
        assert.ok(Object.is(a, b), `${label}: loss at iteration ${i}: ${a} vs ${b}`);
      }
      assert.deepEqual(mt.net.params, st.net.params, `${label}: parameters`);
      assert.deepEqual(mt.m, st.m, `${label}: Adam m`);
      assert.deepEqual(mt.v, st.v, `${label}: Adam v`);
    } finally {
      await mt.close();
    }
  }
  // the fused set really computes something else (where relaxed_madd fuses), so the above is not vacuous
  if (relaxedMaddFuses()) {
    const fused = trainer(2, 16, 'f64', 21);
    const plain = new Trainer(new Lstm({ vocabSize: sample.vocab.length, layers: 2, neurons: 16, cell: cellSpec('tanh'), precision: 'f64', seed: 4, kernels: 'wasm' }), sample.vocab, identity, { window: 21, lr: 0.003, lrDecay: 0, clip: 1, clipMode: 'element', seed: 4 });
    for (let i = 0; i < 3; i++) {
      fused.step();
      plain.step();
    }
    assert.notDeepEqual(fused.net.params, plain.net.params);
  }
});

test('gradient check (float64, seven-point finite differences) with the wasm-fma kernels, both activations', { skip: needsRelaxedSimd }, () => {
  for (const activation of ['tanh', 'isru'] as const) {
    for (const [vocabSize, layers, neurons, steps] of [[5, 1, 3, 4], [7, 3, 5, 12], [11, 2, 9, 10]]) {
      let kernelsRan = '';
      const r = gradientCheck({ vocabSize, layers, neurons, cell: cellSpec(activation), steps, seed: 3, kernels: 'wasm-fma', mutate: (net) => (kernelsRan = net.backend.kind) });
      assert.equal(kernelsRan, 'wasm-fma');
      assert.ok(r.maxRelError < 1e-6, `${activation} ${layers}x${neurons}: max rel error ${r.maxRelError} at ${r.worstIndex}`);
    }
  }
});

const tiny = ['--corpus', dataPath('sotu-sample.txt'), '--layers', '1', '--neurons', '8', '--window', '12', '--quiet'];

function kernelsColumn(path: string): string[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const at = lines[0].split(',').indexOf('kernels');
  return lines.slice(1).map((l) => l.split(',')[at]);
}

test('CLI: --kernels wasm-fma is recorded in progress rows and checkpoints; a resume keeps the set, or records the change', { skip: needsRelaxedSimd }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-fma-'));
  const save = join(dir, 'run');
  const r = runCli(['train', ...tiny, '--iterations', '4', '--progress-every', '2', '--kernels', 'wasm-fma', '--save', save]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(kernelsColumn(join(save, 'progress.csv')), ['wasm-fma', 'wasm-fma', 'wasm-fma']);
  assert.equal(readModelFile(join(save, 'checkpoint.bin')).checkpoint!.state.kernels, 'wasm-fma');
  // resuming without --kernels continues with the checkpoint's set
  const more = runCli(['train', '--corpus', dataPath('sotu-sample.txt'), '--resume', join(save, 'checkpoint.bin'), '--iterations', '6', '--progress-every', '2', '--save', save, '--append', '--quiet']);
  assert.equal(more.code, 0, more.stderr);
  assert.deepEqual(kernelsColumn(join(save, 'progress.csv')), ['wasm-fma', 'wasm-fma', 'wasm-fma', 'wasm-fma', 'wasm-fma']);
  // another set: allowed, said on stderr, and recorded in the rows and the new checkpoint
  const other = runCli(['train', '--corpus', dataPath('sotu-sample.txt'), '--resume', join(save, 'checkpoint.bin'), '--iterations', '8', '--progress-every', '2', '--save', save, '--append', '--quiet', '--kernels', 'wasm']);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stderr, /computed with the 'wasm-fma' kernels; this run continues with 'wasm'/);
  assert.deepEqual(kernelsColumn(join(save, 'progress.csv')).slice(-2), ['wasm', 'wasm']);
  assert.equal(readModelFile(join(save, 'checkpoint.bin')).checkpoint!.state.kernels, 'wasm');
  // gradcheck takes the same flag and names the set it checked
  const g = runCli(['gradcheck', '--kernels', 'wasm-fma', '--layers', '2', '--neurons', '5', '--steps', '6', '--activation', 'isru']);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /tolerance 0\.000001; wasm-fma kernels\)/);
});

test('CLI: without relaxed SIMD, --kernels wasm-fma runs wasm and says so in one line; a bad --kernels exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-fma-'));
  const progress = join(dir, 'p.csv');
  // a preloaded module forces detection off in the CLI's process, as on a runtime without relaxed SIMD
  const preload = join(__dirname, 'helpers', 'no-relaxed-simd.js');
  const r = runCli(['train', ...tiny, '--iterations', '2', '--kernels', 'wasm-fma', '--progress', progress], { nodeArgs: ['--require', preload] });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.trim().split('\n'), ["lstm-opt: kernels wasm-fma: this runtime has no WebAssembly relaxed SIMD; running the 'wasm' kernels (products rounded before they are added) instead"]);
  assert.deepEqual(kernelsColumn(progress), ['wasm', 'wasm']);
  const bad = runCli(['train', ...tiny, '--iterations', '2', '--kernels', 'fma', '--progress', progress]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--kernels <set>' argument 'fma' is invalid/);
});
