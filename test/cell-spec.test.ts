/**
 * The cell's gate and implementation beyond its activation, through everything that names a network:
 * files written before the gate existed load as sigmoid/scalar and resume bit for bit, files of the
 * ISRU-sigmoid cell keep it, progress and weather CSVs carry it after the study's columns (old ones are
 * still read and appended to), and bad flag values are one line and exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from '../src/data/corpus';
import { dataPath, resultsPath } from '../src/io/paths';
import { readCsv } from '../src/io/csv';
import type { Float } from '../src/lstm/buffers';
import { cellKernels, cellName, cellSpec, GateActivation, KEEP_ROWS } from '../src/lstm/cell';
import { isruSigmoid } from '../src/activations';
import { crc32 } from '../src/lstm/crc32';
import { decodeModel, encodeBinary, encodeJson, MAGIC, ModelData, ModelFileError } from '../src/lstm/modelfile';
import { Lstm } from '../src/lstm/network';
import { progressCell, upgradeProgressText } from '../src/lstm/progress-file';
import { corpusIdentity, Trainer, TrainerOptions } from '../src/lstm/trainer';
import { PROGRESS_COLUMNS, runTraining, STUDY_PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { readNetSizePairs } from '../src/studies/net-size/analysis';
import { runCli } from './helpers/cli';
import { weatherGradientCheck } from '../src/studies/weather/gradcheck';

const sample = loadCorpus(dataPath('sotu-sample.txt'));
const identity = corpusIdentity(sample.source, sample.ids);
const opts: TrainerOptions = { window: 25, lr: 0.002, lrDecay: 0, clip: 5, clipMode: 'element', seed: 11 };

function makeTrainer(activation: 'tanh' | 'isru', gate: GateActivation): Trainer {
  const net = new Lstm({ vocabSize: sample.vocab.length, layers: 2, neurons: 12, cell: cellSpec(activation, gate), precision: 'f64', seed: opts.seed });
  return new Trainer(net, sample.vocab, identity, opts);
}

const bytes = (a: Float): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The losses of `iterations` more iterations, one per iteration. */
async function train(t: Trainer, iterations: number): Promise<number[]> {
  const losses: number[] = [];
  await runTraining(t, { iterations, progressEvery: 1, sampleEvery: 0, storeEvery: 0 }, { onRow: (r) => losses.push(r.loss) });
  return losses;
}

function assertSameState(a: Trainer, b: Trainer, what: string): void {
  assert.ok(bytes(a.net.params).equals(bytes(b.net.params)), `${what}: parameters`);
  assert.ok(bytes(a.m).equals(bytes(b.m)) && bytes(a.v).equals(bytes(b.v)), `${what}: Adam moments`);
  assert.equal(a.cursor, b.cursor, `${what}: cursor`);
}

/**
 * A binary checkpoint written the way files were before the gate existed, straight from the format
 * description in src/lstm/modelfile.ts (not through its encoder): the config has exactly the five
 * members vocabSize, layers, neurons, activation, precision.
 */
function oldBinary(m: ModelData): Uint8Array {
  const c = m.config;
  const ck = m.checkpoint!;
  const arrays: [string, Float][] = [['params', m.params], ['m', ck.m], ['v', ck.v], ['hidden', ck.hidden]];
  const header = Buffer.from(JSON.stringify({
    kind: 'checkpoint',
    config: { vocabSize: c.vocabSize, layers: c.layers, neurons: c.neurons, activation: c.cell.activation, precision: c.precision },
    vocab: m.vocab,
    state: ck.state,
    arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
  }), 'utf8');
  const dataStart = (16 + header.length + 7) & ~7;
  const out = Buffer.alloc(dataStart + arrays.reduce((s, [, a]) => s + a.byteLength, 0) + 4);
  out.set(MAGIC, 0);
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(header.length, 12);
  out.set(header, 16);
  let at = dataStart;
  for (const [, a] of arrays) {
    out.set(bytes(a), at);
    at += a.byteLength;
  }
  out.writeUInt32LE(crc32(out.subarray(0, at)), at);
  return out;
}

/** The JSON checkpoint of version 1: no checksum, and no gate. */
function oldJson(m: ModelData): string {
  const c = m.config, ck = m.checkpoint!;
  return JSON.stringify({
    format: 'lstm-opt-model', version: 1, kind: 'checkpoint',
    config: { vocabSize: c.vocabSize, layers: c.layers, neurons: c.neurons, activation: c.cell.activation, precision: c.precision },
    vocab: m.vocab, params: Array.from(m.params),
    checkpoint: { state: ck.state, m: Array.from(ck.m), v: Array.from(ck.v), hidden: Array.from(ck.hidden) },
  });
}

test('cell names: the study\'s cells keep their one-word names, the others list what differs', () => {
  assert.equal(cellName({ activation: 'tanh', gate: 'sigmoid', impl: 'scalar' }), 'tanh');
  assert.equal(cellName({ activation: 'isru', gate: 'sigmoid', impl: 'scalar' }), 'isru');
  assert.equal(cellName({ activation: 'isru', gate: 'isru-sigmoid', impl: 'scalar' }), 'isru+isru-sigmoid');
  assert.equal(cellName({ activation: 'tanh', gate: 'sigmoid', impl: 'simd' }), 'tanh+simd');
  assert.equal(cellName({ activation: 'isru', gate: 'isru-sigmoid', impl: 'simd' }), 'isru+isru-sigmoid+simd');
});

test('a checkpoint written before the gate existed loads as sigmoid/scalar and resumes bit for bit (binary and JSON v1)', async () => {
  for (const activation of ['tanh', 'isru'] as const) {
    const whole = makeTrainer(activation, 'sigmoid');
    const wholeLosses = await train(whole, 8);
    const first = makeTrainer(activation, 'sigmoid');
    const firstLosses = await train(first, 4);
    const ck = first.checkpoint();
    const old = oldBinary(ck);
    // the encoder omits the defaults, so today's file of this cell is the old file byte for byte
    assert.ok(Buffer.from(encodeBinary(ck)).equals(Buffer.from(old)), `${activation}: today's binary differs from the old layout`);
    for (const [form, file] of [['binary', old], ['json v1', Buffer.from(oldJson(ck), 'utf8')]] as const) {
      const data = decodeModel(file);
      assert.equal(data.config.cell.gate, 'sigmoid', form);
      const resumed = Trainer.resume(data, identity);
      assert.deepEqual(resumed.net.config.cell, { activation, gate: 'sigmoid', impl: 'scalar' }, form);
      const rest = await train(resumed, 8);
      const what = `${activation} ${form}`;
      assert.equal(firstLosses.length + rest.length, wholeLosses.length, what);
      [...firstLosses, ...rest].forEach((l, k) => assert.ok(Object.is(l, wholeLosses[k]), `${what}: loss ${k}: ${l} vs ${wholeLosses[k]}`));
      assertSameState(resumed, whole, what);
    }
  }
});

test('ISRU-sigmoid files record the gate in both formats, and its checkpoints resume bit for bit', async () => {
  const whole = makeTrainer('isru', 'isru-sigmoid');
  const wholeLosses = await train(whole, 8);
  const first = makeTrainer('isru', 'isru-sigmoid');
  const firstLosses = await train(first, 5);
  const ck = first.checkpoint();
  const header = Buffer.from(encodeBinary(ck)).subarray(16).toString('utf8');
  assert.match(header, /"config":\{"vocabSize":\d+,"layers":2,"neurons":12,"activation":"isru","precision":"f64","gate":"isru-sigmoid"\}/);
  assert.doesNotMatch(header, /activationImpl/, 'the default implementation is not written');
  for (const [form, file] of [['binary', encodeBinary(ck)], ['json', Buffer.from(encodeJson(ck), 'utf8')]] as const) {
    const data = decodeModel(file);
    assert.equal(data.config.cell.gate, 'isru-sigmoid', form);
    const resumed = Trainer.resume(data, identity);
    assert.equal(resumed.net.config.cell.gate, 'isru-sigmoid', form);
    const rest = await train(resumed, 8);
    assert.equal(firstLosses.length + rest.length, wholeLosses.length, form);
    [...firstLosses, ...rest].forEach((l, k) => assert.ok(Object.is(l, wholeLosses[k]), `${form}: loss ${k}`));
    assertSameState(resumed, whole, form);
  }
  // the gate changes the arithmetic: the same seed with sigmoid gates trains differently
  const sigmoid = makeTrainer('isru', 'sigmoid');
  const sigmoidLosses = await train(sigmoid, 8);
  assert.notDeepEqual(sigmoidLosses, wholeLosses);
});

test('a model file with an unknown gate or implementation is refused with one clear line', () => {
  const m = makeTrainer('tanh', 'isru-sigmoid').model();
  for (const [member, value] of [['gate', 'softsign'], ['activationImpl', 'avx']] as const) {
    const doc = JSON.parse(encodeJson(m).replace(/,"crc32":\d+\}\s*$/, '}'));
    doc.config[member] = value;
    doc.version = 1; // no checksum to recompute
    assert.throws(() => decodeModel(Buffer.from(JSON.stringify(doc), 'utf8')), (e: unknown) => e instanceof ModelFileError && new RegExp(`${member} must be .* got ${value}`).test(e.message));
  }
});

test('progress files: the study\'s columns first, then gate, impl and kernels; old files read as sigmoid/scalar and upgrade', () => {
  assert.deepEqual(PROGRESS_COLUMNS.slice(0, STUDY_PROGRESS_COLUMNS.length), [...STUDY_PROGRESS_COLUMNS]);
  assert.deepEqual(PROGRESS_COLUMNS.slice(STUDY_PROGRESS_COLUMNS.length), ['gate', 'impl', 'kernels']);
  const old = `${STUDY_PROGRESS_COLUMNS.join(',')}\ntanh,Single-threaded,1,8,0,0,4.4,0.1,0.1,0.2,0.2,0.01,0.01\n`;
  const upgraded = upgradeProgressText(old)!;
  assert.equal(upgraded, `${PROGRESS_COLUMNS.join(',')}\ntanh,Single-threaded,1,8,0,0,4.4,0.1,0.1,0.2,0.2,0.01,0.01,sigmoid,scalar,\n`, 'the kernel set of an old run is unknown: left empty');
  assert.equal(upgradeProgressText(upgraded), upgraded, 'a current file is unchanged');
  assert.equal(upgradeProgressText('a,b,c\n1,2,3\n'), undefined, 'not a progress file');
  assert.deepEqual(progressCell({ func: 'tanh' }), { gate: 'sigmoid', impl: 'scalar' });
  assert.deepEqual(progressCell({ gate: 'isru-sigmoid', impl: 'simd' }), { gate: 'isru-sigmoid', impl: 'simd' });
  assert.throws(() => progressCell({ gate: 'relu' }), /gate must be sigmoid or isru-sigmoid/);
  // the committed results: the study's pair (tanh/scalar, isru/scalar) reads as sigmoid gates and scalar kernels
  const pairs = readNetSizePairs(resultsPath('net-size', 'amd-epyc-2c-node20'));
  assert.ok(pairs.length > 0);
  for (const p of pairs) for (const r of [...p.baseline, ...p.candidate]) assert.deepEqual(progressCell(r), { gate: 'sigmoid', impl: 'scalar' });
});

test('train --append onto a progress file from before the cell columns rewrites it with them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cell-spec-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, sample.text.slice(0, 4000));
  const progress = join(dir, 'progress.csv');
  const oldRow = 'isru,Single-threaded,1,8,0,0,4.400000,0.1,0.1,0.2,0.2,0.01,0.01';
  writeFileSync(progress, `${STUDY_PROGRESS_COLUMNS.join(',')}\n${oldRow}\n`);
  const r = runCli(['train', '--corpus', corpus, '--layers', '1', '--neurons', '8', '--window', '20', '--iterations', '2', '--progress-every', '1',
    '--gate', 'isru-sigmoid', '--activation', 'isru', '--progress', progress, '--append', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(progress, 'utf8');
  assert.equal(text.split('\n')[0], PROGRESS_COLUMNS.join(','));
  const rows = readCsv(progress);
  assert.equal(rows.length, 3);
  assert.deepEqual(progressCell(rows[0]), { gate: 'sigmoid', impl: 'scalar' });
  assert.deepEqual(rows.slice(1).map((x) => [x.func, x.gate, x.impl]), [['isru', 'isru-sigmoid', 'scalar'], ['isru', 'isru-sigmoid', 'scalar']]);
});

test('bad --gate and --activation-impl values: one line on stderr, exit 2, on every command that builds a network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cell-flags-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, sample.text.slice(0, 4000));
  const trainArgs = ['train', '--corpus', corpus, '--layers', '1', '--neurons', '8', '--window', '20', '--iterations', '2', '--quiet', '--progress', join(dir, 'p.csv')];
  const model = join(dir, 'm');
  assert.equal(runCli([...trainArgs, '--save', model]).code, 0);
  const cases: { args: string[]; error: RegExp; env?: NodeJS.ProcessEnv }[] = [
    { args: [...trainArgs, '--gate', 'tanh'], error: /--gate <name>' argument 'tanh' is invalid\. Allowed choices are sigmoid, isru-sigmoid/ },
    { args: [...trainArgs, '--activation-impl', 'avx'], error: /--activation-impl <impl>' argument 'avx' is invalid\. Allowed choices are scalar, simd/ },
    { args: [...trainArgs, '--activation-impl', 'simd'], error: /--activation-impl simd needs the WebAssembly kernels/, env: { LSTM_OPT_KERNELS: 'js' } },
    { args: ['train', '--corpus', corpus, '--resume', join(model, 'checkpoint.bin'), '--gate', 'isru-sigmoid', '--quiet'], error: /--gate isru-sigmoid conflicts with the checkpoint \(sigmoid\)/ },
    { args: ['gradcheck', '--gate', 'x'], error: /argument 'x' is invalid\. Allowed choices are sigmoid, isru-sigmoid, both/ },
    { args: ['gradcheck', '--activation-impl', 'simd'], error: /--activation-impl simd needs the WebAssembly kernels/, env: { LSTM_OPT_KERNELS: 'js' } },
    { args: ['generate', '--model', join(model, 'model.bin'), '--activation-impl', 'vector'], error: /argument 'vector' is invalid/ },
    { args: ['generate', '--model', join(model, 'model.bin'), '--activation-impl', 'simd'], error: /--activation-impl simd needs the WebAssembly kernels/, env: { LSTM_OPT_KERNELS: 'js' } },
    { args: ['sweep', 'net-size', '--quick', '--activation-impl', 'simd'], error: /--activation-impl is not an option of 'sweep net-size': it trains every variant/ },
    { args: ['sweep', 'precision', '--quick', '--gate', 'isru-sigmoid'], error: /--gate is not an option of 'sweep precision': it trains every variant/ },
    { args: ['sweep', 'mt', '--quick', '--gate', 'isru-sigmoid'], error: /--gate is not an option of 'sweep mt': it trains the study's cell/ },
  ];
  for (const c of cases) {
    const r = runCli(c.args, { cwd: dir, env: c.env, timeoutMs: 60_000 });
    const context = c.args.join(' ');
    assert.equal(r.code, 2, `${context}: exit ${r.code}\n${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${context}: more than one line:\n${r.stderr}`);
    assert.match(r.stderr, c.error, context);
  }
});

test('the weather predictor takes the gate: its gradient check passes with ISRU-sigmoid gates and fails with the sigmoid backward', () => {
  for (const activation of ['tanh', 'isru'] as const) {
    const r = weatherGradientCheck({ cell: cellSpec(activation, 'isru-sigmoid'), neurons: 5, window: 4, inputs: 3, count: 3 });
    assert.ok(r.maxRelError < 1e-6, `${activation}: max relative error ${r.maxRelError} at ${r.worstIndex}`);
    const wrong = weatherGradientCheck({
      cell: cellSpec(activation, 'isru-sigmoid'), neurons: 5, window: 4, inputs: 3, count: 3,
      mutate: (net) => { (net as unknown as { cellBackward: unknown }).cellBackward = new Lstm({ vocabSize: 2, layers: 1, neurons: 1, cell: cellSpec(activation), precision: 'f64' }).backend.cell({ activation, gate: 'sigmoid', impl: 'scalar' }).backward; },
    });
    assert.ok(wrong.maxRelError > 1e-3, `${activation}: the sigmoid backward under ISRU-sigmoid gates was not caught (${wrong.maxRelError})`);
  }
});

test('ISRU-sigmoid gates far into saturation: the kernels\' gates and slopes match src/activations to the last few ulp of 1', () => {
  const xs = [-1e6, -1e3, -60, -8, -1, -1e-9, 0, 1e-9, 1, 8, 60, 1e3, 1e6];
  const N = xs.length;
  for (const activation of ['tanh', 'isru'] as const) {
    const { forward, backward } = cellKernels(cellSpec(activation, 'isru-sigmoid'));
    const z = new Float64Array(4 * N);
    for (let j = 0; j < N; j++) { z[j] = xs[j]; z[N + j] = xs[j]; z[2 * N + j] = 0.3; z[3 * N + j] = xs[j]; }
    const c = new Float64Array(2 * N).fill(0.5), h = new Float64Array(2 * N), tc = new Float64Array(N), keep = new Float64Array(KEEP_ROWS * N);
    forward(N, 0, z, c, h, tc, keep, 0, N);
    const dh = new Float64Array(N).fill(1), dc = new Float64Array(N), dz = new Float64Array(4 * N);
    backward(N, 0, z, c, tc, keep, dh, dc, dz, 0, N);
    for (let j = 0; j < N; j++) {
      const x = xs[j];
      for (const row of [0, 1, 3]) assert.ok(Math.abs(z[row * N + j] - isruSigmoid.f(x, 1)) <= 4e-16, `${activation} gate ${row} at x = ${x}: ${z[row * N + j]} vs ${isruSigmoid.f(x, 1)}`);
      // dz of the output gate = dh·act(c)·gate'(x): the slope taken from the stored gate
      const want = tc[j] * isruSigmoid.df(x, 1);
      assert.ok(Math.abs(dz[3 * N + j] - want) <= 1e-12 * Math.abs(want) + 1e-18, `${activation} slope at x = ${x}: ${dz[3 * N + j]} vs ${want}`);
    }
  }
});
