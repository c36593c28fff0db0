/**
 * The engine's arithmetic is pinned: the reference matrix of scripts/engine-reference.ts (shapes x
 * activations x precisions x thread counts x kernel sets, plus the weather predictor) re-run here must
 * give the recorded losses, model-file bytes, Adam moments, hidden state and samples bit for bit.
 * A restructuring of the engine that changes any rounding fails this test.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  caseName, EngineOutcome, engineCases, readReference, runEngineCase, runWeatherCase, weatherCaseName, weatherCases, WeatherOutcome,
} from '../scripts/engine-reference';
import { Lstm } from '../src/lstm/network';
import { Blocking, blockingLabel, GEMMNT_BLOCKINGS, GEMV_BLOCKINGS } from '../src/lstm/wasm/blocking';
import { WeatherNet } from '../src/studies/weather/model';
import { withEnv } from './helpers/env';

const reference = readReference();

/** `got` against the reference's case `key`; `name` (the key, with what was forced) labels the failures. */
function assertEngineCase(key: string, got: EngineOutcome, name = key): void {
  const want = reference.engine[key];
  assert.ok(want, `${name}: not in the reference`);
  assert.equal(got.losses.length, want.losses.length, `${name}: progress rows`);
  got.losses.forEach((loss, k) => assert.ok(Object.is(loss, want.losses[k]), `${name}: loss after iteration ${k}: ${loss} vs ${want.losses[k]}`));
  assert.equal(got.model, want.model, `${name}: model file bytes`);
  assert.equal(got.adamM, want.adamM, `${name}: Adam m`);
  assert.equal(got.adamV, want.adamV, `${name}: Adam v`);
  assert.equal(got.hidden, want.hidden, `${name}: hidden state`);
  assert.equal(got.sample, want.sample, `${name}: generated sample`);
}

function assertWeatherCase(key: string, got: WeatherOutcome, name = key): void {
  const want = reference.weather[key];
  assert.ok(want, `${name}: not in the reference`);
  got.losses.forEach((loss, k) => assert.ok(Object.is(loss, want.losses[k]), `${name}: loss at step ${k}: ${loss} vs ${want.losses[k]}`));
  assert.equal(got.params, want.params, `${name}: parameters`);
}

test('the reference covers the whole matrix', () => {
  assert.deepEqual(Object.keys(reference.engine).sort(), engineCases().map(caseName).sort());
  assert.deepEqual(Object.keys(reference.weather).sort(), weatherCases().map(weatherCaseName).sort());
});

test('training is bit-identical to the reference: losses, model bytes, Adam moments, hidden state, samples', async () => {
  for (const c of engineCases()) assertEngineCase(caseName(c), await runEngineCase(c));
});

test('the weather predictor is bit-identical to the reference', () => {
  for (const c of weatherCases()) assertWeatherCase(weatherCaseName(c), runWeatherCase(c));
});

/**
 * Every blocking of each product kernel once. gemv's and gemmnt's blockings are separate kernels that
 * never share an accumulator, so pairing them up (rather than all 20 combinations) forces each one in turn.
 */
function blockingsCoveringEach(): Blocking[] {
  const n = Math.max(GEMV_BLOCKINGS.length, GEMMNT_BLOCKINGS.length);
  return Array.from({ length: n }, (_, i) => ({ gemv: GEMV_BLOCKINGS[i % GEMV_BLOCKINGS.length], gemmnt: GEMMNT_BLOCKINGS[i % GEMMNT_BLOCKINGS.length] }));
}

test('every product blocking forced in turn (LSTM_OPT_BLOCKING) trains bit-identically to the reference', async () => {
  const covered = blockingsCoveringEach();
  assert.deepEqual(new Set(covered.map((b) => b.gemv)), new Set(GEMV_BLOCKINGS));
  assert.deepEqual(new Set(covered.map((b) => b.gemmnt)), new Set(GEMMNT_BLOCKINGS));
  for (const b of covered) {
    await withEnv({ LSTM_OPT_BLOCKING: blockingLabel(b) }, async () => {
      // the forced blocking is the one that runs, in the network and the weather predictor
      assert.deepEqual(new Lstm({ vocabSize: 5, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: 'f32', kernels: 'wasm' }).backend.blocking, b);
      assert.deepEqual(new WeatherNet({ neurons: 4, cell: cellSpec('tanh'), window: 2, kernels: 'wasm' }).backend.blocking, b);
      for (const c of engineCases().filter((e) => e.kernels !== 'js')) assertEngineCase(caseName(c), await runEngineCase(c), `${caseName(c)} ${blockingLabel(b)}`);
      for (const c of weatherCases().filter((e) => e.kernels !== 'js')) assertWeatherCase(weatherCaseName(c), runWeatherCase(c), `${weatherCaseName(c)} ${blockingLabel(b)}`);
    });
  }
});
