import { test } from 'node:test';
import { cellSpec } from '../src/lstm/cell-spec';
import assert from 'node:assert/strict';
import { loadCorpus, buildVocabulary, encode, decode } from '../src/data/corpus';
import { dataPath } from '../src/io/paths';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer, TrainerOptions } from '../src/lstm/trainer';
import { runTraining } from '../src/lstm/training-loop';
import { decodeBinary, decodeJson, decodeModel, encodeBinary, encodeJson, ModelFileError } from '../src/lstm/modelfile';
import { adamStepCoefficients, adamUpdate, clipNorm, decayedLr } from '../src/lstm/adam';
import { Rng } from '../src/lstm/rng';
import { crc32 } from '../src/lstm/crc32';
import { iterationFlops } from '../src/lstm/flops';
import type { Float, Precision } from '../src/lstm/buffers';

/** The bytes of the array itself (with 'wasm' kernels its buffer is the network's whole memory). */
const ownBytes = (a: Float): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const sample = loadCorpus(dataPath('sotu-sample.txt'));
const identity = corpusIdentity(sample.source, sample.ids);
const opts: TrainerOptions = { window: 25, lr: 0.002, lrDecay: 0, clip: 5, clipMode: 'element', seed: 11 };

function makeTrainer(precision: Precision = 'f64', activation: 'tanh' | 'isru' = 'tanh', o = opts): Trainer {
  const net = new Lstm({ vocabSize: sample.vocab.length, layers: 2, neurons: 16, cell: cellSpec(activation), precision, seed: o.seed });
  return new Trainer(net, sample.vocab, identity, o);
}

test('corpus: vocabulary is the sorted distinct characters; encode/decode round-trip', () => {
  assert.deepEqual(buildVocabulary('banana!'), ['!', 'a', 'b', 'n']);
  const vocab = sample.vocab;
  assert.equal(decode(sample.ids, vocab), sample.text);
  assert.deepEqual([...encode('ab', ['a', 'b'])], [0, 1]);
  assert.ok(vocab.length > 30 && vocab.length < 100);
});

test('crc32 of known strings', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('')), 0);
});

test('Adam step equals a hand computation; element and norm clipping; lr decay', () => {
  const p = Float64Array.of(1, -2), g = Float64Array.of(0.5, 10), m = new Float64Array(2), v = new Float64Array(2);
  const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  adamUpdate(p, g, m, v, adamStepCoefficients(h, 1, 5));
  // t = 1: m̂ = g, v̂ = g², step = lr·g/(|g| + eps) (g clipped to 5)
  assert.ok(Math.abs(p[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-15);
  assert.ok(Math.abs(p[1] - (-2 - 0.1 * 5 / (5 + 1e-8))) < 1e-15);
  assert.equal(g[1], 10); // the stored gradient is not modified by element clipping
  assert.ok(Math.abs(m[1] - 0.5) < 1e-15 && Math.abs(v[1] - 0.025) < 1e-15);
  adamUpdate(p, g, m, v, adamStepCoefficients(h, 2, Infinity));
  const m2 = 0.9 * 0.5 + 0.1 * 10, v2 = 0.999 * 0.025 + 0.001 * 100;
  assert.ok(Math.abs(m[1] - m2) < 1e-14 && Math.abs(v[1] - v2) < 1e-14);
  const gn = Float64Array.of(3, 4);
  assert.equal(clipNorm(gn, 1), 5);
  assert.ok(Math.abs(gn[0] - 0.6) < 1e-15 && Math.abs(gn[1] - 0.8) < 1e-15);
  assert.equal(decayedLr(0.001, 100, 100), 0.0005);
  assert.equal(decayedLr(0.001, 100, 0), 0.001);
});

test('training on the sample reduces the loss, and the same seed gives bit-identical runs', () => {
  const a = makeTrainer();
  const b = makeTrainer();
  const la: number[] = [], lb: number[] = [];
  for (let i = 0; i < 150; i++) {
    la.push(a.step());
    lb.push(b.step());
  }
  assert.deepEqual(la, lb);
  assert.deepEqual(Array.from(a.net.params), Array.from(b.net.params));
  assert.ok(a.smoothLoss < Math.log(sample.vocab.length) - 0.5, `smoothed loss ${a.smoothLoss}`);
  const first = la.slice(0, 10).reduce((s, x) => s + x) / 10;
  const last = la.slice(-10).reduce((s, x) => s + x) / 10;
  assert.ok(last < first - 0.8, `window loss ${first} -> ${last}`);
});

test('float32 training follows the float64 loss curve on the same seed', () => {
  for (const act of ['tanh', 'isru'] as const) {
    const a = makeTrainer('f64', act);
    const b = makeTrainer('f32', act);
    let maxDiff = 0;
    for (let i = 0; i < 200; i++) {
      a.step();
      b.step();
      maxDiff = Math.max(maxDiff, Math.abs(a.smoothLoss - b.smoothLoss));
    }
    assert.ok(maxDiff < 0.01, `${act}: smoothed losses differ by up to ${maxDiff}`);
  }
});

test('an interrupted-then-resumed run equals an uninterrupted one bit for bit (rows, params, moments)', async () => {
  for (const precision of ['f64', 'f32'] as const) {
    const N = 120;
    const run = { iterations: N, progressEvery: 10, sampleEvery: 25, storeEvery: 0 };
    const full = makeTrainer(precision, 'isru');
    const rowsFull: unknown[] = [];
    const samplesFull: string[] = [];
    await runTraining(full, run, { onRow: (r) => rowsFull.push(strip(r)), onSample: (s) => samplesFull.push(s) });

    const part = makeTrainer(precision, 'isru');
    const rowsPart: unknown[] = [];
    const samplesPart: string[] = [];
    // the corpus wraps after 479 windows of 25: also cross an epoch boundary in a second case below
    const r1 = await runTraining(part, run, { onRow: (r) => rowsPart.push(strip(r)), onSample: (s) => samplesPart.push(s), shouldStop: () => part.iteration >= 47 });
    assert.equal(r1.reason, 'interrupted');
    for (const bytes of [encodeBinary(part.checkpoint()), Buffer.from(encodeJson(part.checkpoint()))]) {
      const resumed = Trainer.resume(decodeModel(bytes), identity);
      const rows = rowsPart.slice();
      const samples = samplesPart.slice();
      const r2 = await runTraining(resumed, run, { onRow: (r) => rows.push(strip(r)), onSample: (s) => samples.push(s) });
      assert.equal(r2.reason, 'done');
      assert.deepEqual(rows, rowsFull);
      assert.deepEqual(samples, samplesFull);
      assert.deepEqual(ownBytes(resumed.net.params), ownBytes(full.net.params));
      assert.deepEqual(ownBytes(resumed.m), ownBytes(full.m));
      assert.deepEqual(ownBytes(resumed.v), ownBytes(full.v));
    }
  }
});

test('resume across an epoch boundary (cursor wrap and state reset) is exact too', async () => {
  const small = { ...opts, window: 200 }; // 59 windows per epoch
  const run = { iterations: 80, progressEvery: 5, sampleEvery: 0, storeEvery: 0 };
  const full = makeTrainer('f64', 'tanh', small);
  await runTraining(full, run);
  assert.equal(full.epoch, 1);
  const part = makeTrainer('f64', 'tanh', small);
  await runTraining(part, run, { shouldStop: () => part.iteration >= 58 });
  const resumed = Trainer.resume(decodeBinary(encodeBinary(part.checkpoint())), identity);
  await runTraining(resumed, run);
  assert.deepEqual(ownBytes(resumed.net.params), ownBytes(full.net.params));
  assert.equal(resumed.smoothLoss, full.smoothLoss);
});

test('resume refuses a different corpus', () => {
  const t = makeTrainer();
  t.step();
  const other = corpusIdentity('x', sample.ids.slice(0, 5000));
  assert.throws(() => Trainer.resume(t.checkpoint(), other), /different corpus/);
});

test('model files round-trip exactly in both formats and both precisions', () => {
  for (const precision of ['f64', 'f32'] as const) {
    const t = makeTrainer(precision);
    for (let i = 0; i < 3; i++) t.step();
    for (const data of [t.model(), t.checkpoint()]) {
      for (const back of [decodeBinary(encodeBinary(data)), decodeJson(encodeJson(data))]) {
        assert.deepEqual(back.config, data.config);
        assert.deepEqual(back.vocab, data.vocab);
        assert.equal(back.params.constructor, data.params.constructor);
        assert.deepEqual(ownBytes(back.params), ownBytes(data.params));
        assert.deepEqual(back.checkpoint?.state, data.checkpoint?.state);
        if (data.checkpoint) assert.deepEqual(ownBytes(back.checkpoint!.m), ownBytes(data.checkpoint.m));
      }
    }
  }
});

test('fuzz: random byte flips and truncations of a model file are refused cleanly, never crash or hang', () => {
  const t = makeTrainer('f32');
  t.step();
  const good = encodeBinary(t.checkpoint());
  const goodJson = Buffer.from(encodeJson(t.model()));
  const rng = new Rng(2024);
  let refused = 0;
  const started = Date.now();
  for (let trial = 0; trial < 600; trial++) {
    const json = trial % 3 === 2;
    const src = json ? goodJson : good;
    let bytes: Uint8Array;
    if (trial % 2 === 0) {
      bytes = src.slice(0, rng.nextU32() % src.length); // truncation
    } else {
      bytes = src.slice();
      const flips = 1 + (rng.nextU32() % 3);
      for (let f = 0; f < flips; f++) bytes[rng.nextU32() % bytes.length] ^= 1 + (rng.nextU32() % 255);
    }
    try {
      const m = decodeModel(bytes);
      // both forms carry a checksum: only an unchanged file (a no-op flip) may load
      assert.ok(Buffer.compare(Buffer.from(bytes), src) === 0, `a corrupted ${json ? 'JSON' : 'binary'} file was accepted`);
      assert.ok(m.params.every(Number.isFinite));
    } catch (err) {
      assert.ok(err instanceof ModelFileError, `unexpected ${(err as Error).name}: ${(err as Error).message}`);
      assert.ok(!(err as Error).message.includes('\n'));
      refused++;
    }
  }
  assert.ok(refused > 500, `only ${refused} refused`);
  assert.ok(Date.now() - started < 60_000);
  // a NaN written by a buggy producer is refused too
  const bad = t.model();
  bad.params[3] = NaN;
  assert.throws(() => decodeBinary(encodeBinary(bad)), /non-finite/);
});

test('FLOP count of one iteration matches a hand count for 1x2, V=3, T=2', () => {
  // forward: recurrent 2·8·2·2 = 64, output 2·3·2·2 = 24; backward: Whᵀ 2·8·2·1 = 32, dWh 64, output 2·24 = 48
  const f = iterationFlops(3, 1, 2, 2);
  assert.equal(f.forward, 88);
  assert.equal(f.backward, 144);
  assert.equal(f.adam, 10 * (8 * 3 + 8 * 2 + 8 + 3 * 2 + 3));
});

function strip(r: object): object {
  // times are measurements, not results: everything else must match
  const { forward_cpu, forward_time, back_cpu, back_time, adam_cpu, adam_time, ...rest } = r as Record<string, number>;
  void forward_cpu, forward_time, back_cpu, back_time, adam_cpu, adam_time;
  return rest;
}

test('Trainer times its phases with the clock it is given; the clock never changes the arithmetic', () => {
  // a clock that advances 1 s per reading, with no CPU time (as in a browser)
  let now = 0;
  const stepping = { wall: () => now++, cpu: () => undefined };
  const a = new Trainer(new Lstm({ vocabSize: sample.vocab.length, layers: 2, neurons: 16, cell: cellSpec('isru'), precision: 'f64', seed: opts.seed }), sample.vocab, identity, opts, stepping);
  const b = makeTrainer('f64', 'isru');
  for (let i = 0; i < 3; i++) assert.equal(a.step(), b.step());
  assert.deepEqual(ownBytes(a.net.params), ownBytes(b.net.params));
  // per step: readings at start, after forward, after backward, after Adam: 1 s per phase
  assert.deepEqual(a.times, { forward_cpu: 0, forward_time: 3, back_cpu: 0, back_time: 3, adam_cpu: 0, adam_time: 3 });
  assert.ok(b.times.forward_time > 0 && b.times.forward_cpu >= 0, 'the default clock on Node measures wall and CPU time');
});
