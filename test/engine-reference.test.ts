/**
 * The engine's arithmetic is pinned: the reference matrix of scripts/engine-reference.ts (shapes x
 * activations x precisions x thread counts x kernel sets, plus the weather predictor) re-run here must
 * give the recorded losses, model-file bytes, Adam moments, hidden state and samples bit for bit.
 * A restructuring of the engine that changes any rounding fails this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  caseName, engineCases, readReference, runEngineCase, runWeatherCase, weatherCaseName, weatherCases,
} from '../scripts/engine-reference';

const reference = readReference();

test('the reference covers the whole matrix', () => {
  assert.deepEqual(Object.keys(reference.engine).sort(), engineCases().map(caseName).sort());
  assert.deepEqual(Object.keys(reference.weather).sort(), weatherCases().map(weatherCaseName).sort());
});

test('training is bit-identical to the reference: losses, model bytes, Adam moments, hidden state, samples', async () => {
  for (const c of engineCases()) {
    const name = caseName(c);
    const got = await runEngineCase(c);
    const want = reference.engine[name];
    assert.ok(want, `${name}: not in the reference`);
    assert.equal(got.losses.length, want.losses.length, `${name}: progress rows`);
    got.losses.forEach((loss, k) => assert.ok(Object.is(loss, want.losses[k]), `${name}: loss after iteration ${k}: ${loss} vs ${want.losses[k]}`));
    assert.equal(got.model, want.model, `${name}: model file bytes`);
    assert.equal(got.adamM, want.adamM, `${name}: Adam m`);
    assert.equal(got.adamV, want.adamV, `${name}: Adam v`);
    assert.equal(got.hidden, want.hidden, `${name}: hidden state`);
    assert.equal(got.sample, want.sample, `${name}: generated sample`);
  }
});

test('the weather predictor is bit-identical to the reference', () => {
  for (const c of weatherCases()) {
    const name = weatherCaseName(c);
    const got = runWeatherCase(c);
    const want = reference.weather[name];
    assert.ok(want, `${name}: not in the reference`);
    got.losses.forEach((loss, k) => assert.ok(Object.is(loss, want.losses[k]), `${name}: loss at step ${k}: ${loss} vs ${want.losses[k]}`));
    assert.equal(got.params, want.params, `${name}: parameters`);
  }
});
