/**
 * The benchmark page's answer (src/analysis/device-answer.ts) on hand-made rows: the cost ratio and the
 * training saving equal hand computation, a cost the timer cannot resolve is said to be so (never a
 * negative ratio, and no such bar reaches the chart), and the noise warning appears exactly when the
 * rounds of a comparison spread wider than the threshold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceAnswer, noiseWarning, ratioRows, resolvedRows, RoundTimes, TrainRow, trainSavings } from '../src/analysis/device-answer';
import { isruTanhRatios, MathBenchRow } from '../src/studies/math-bench/core';

const row = (Function: string, ns: number, kind: 'scalar' | 'array' = 'scalar', precision: 'f64' | 'f32' = 'f64', length = 1): MathBenchRow =>
  ({ Function, 'Relative Time': ns, ns_per_op: ns, ns_min: ns, ns_max: ns, rounds: 11, kind, precision, length, ns_gross: ns + 1, expression: Function }) as MathBenchRow;

const math: MathBenchRow[] = [
  row('tanh', 10), row('isru', 2),
  row('tanh', 8, 'array', 'f64', 4096), row('isru', 2, 'array', 'f64', 4096),
  // the vectorised ISRU over Float32Array[4096] costs less than the timer resolves: a negative net time
  row('tanh_simd', 0.5, 'array', 'f32', 4096), row('isru_simd', -0.2, 'array', 'f32', 4096),
];

const train = (activation: string, gate: string, impl: string, ms: number, neurons: number, precision = 'f64'): TrainRow => ({ layers: 1, neurons, precision, activation, gate, impl, ms_per_iter: ms });

test('the sentence: ISRU/tanh per scalar call and per element of the largest array, training saving with its interval', () => {
  // 1 − 8/10 = 20% at all three sizes: no spread, interval [20%, 20%]
  const rows = [32, 64, 128].flatMap((n) => [train('tanh', 'sigmoid', 'scalar', 10, n), train('isru', 'sigmoid', 'scalar', 8, n)]);
  const s = trainSavings(rows);
  assert.equal(s.length, 1);
  assert.equal(s[0].saving.n, 3);
  assert.ok(Math.abs(s[0].saving.mean - 0.2) < 1e-12);
  const text = deviceAnswer(math, rows);
  assert.equal(text, 'On this device ISRU costs 0.20× a tanh per scalar call and 0.25× a tanh per element of a Float64Array[4096]; ' +
    'training is 20% faster [20%, 20%] with ISRU in the cell than with tanh (scalar kernels on both sides), over 3 sizes and precisions.');
});

test('a saving whose interval spans zero is neither faster nor slower; SIMD is compared with the SIMD tanh', () => {
  // savings 1 − 9/10 = 10% and 1 − 11/10 = −10%: mean 0, the interval spans zero
  const rows = [train('tanh', 'sigmoid', 'simd', 10, 32), train('isru', 'isru-sigmoid', 'simd', 9, 32), train('tanh', 'sigmoid', 'simd', 10, 64), train('isru', 'isru-sigmoid', 'simd', 11, 64),
    train('tanh', 'sigmoid', 'scalar', 100, 32)];
  const text = deviceAnswer(undefined, rows);
  assert.match(text, /^Training is not clearly faster or slower \(0% saved \[-\d+%, \d+%\]\) with all-ISRU than with tanh \(vectorised \(SIMD\) kernels on both sides\), over 2 sizes/);
});

test('a cost below the timer\'s resolution is named, never a negative ratio, and kept off the chart', () => {
  const ratios = ratioRows(math);
  const simd = ratios.find((r) => r.kind === 'Float32Array[4096]' && r.implementation === 'simd');
  assert.equal(simd?.['ISRU / tanh'], "below the timer's resolution");
  assert.ok(ratios.every((r) => !r['ISRU / tanh'].startsWith('-')));
  const drawn = isruTanhRatios(resolvedRows(math));
  assert.deepEqual(drawn.map((r) => `${r.kind}|${r.impl}`), ['scalar|library', 'Float64Array[4096]|library']);
  assert.ok(drawn.every((r) => r.ratio > 0));
});

test('the noise warning: rounds spreading wider than 20 points warn, agreeing rounds do not', () => {
  const rounds = (isru: number[]): RoundTimes[] => [
    { layers: 1, neurons: 32, precision: 'f64', activation: 'tanh', gate: 'sigmoid', impl: 'scalar', ms: [10, 10, 10] },
    { layers: 1, neurons: 32, precision: 'f64', activation: 'isru', gate: 'sigmoid', impl: 'scalar', ms: isru },
  ];
  // savings 20%, 50%, 10%: a 40-point spread
  const w = noiseWarning(rounds([8, 5, 9]));
  assert.ok(w);
  assert.match(w, /In 1 of 1 comparisons the saving against tanh moved by more than 20% between rounds \(the widest, ISRU at 1x32 f64: from 10% to 50%\)/);
  // savings 20%, 15%, 10%: a 10-point spread
  assert.equal(noiseWarning(rounds([8, 8.5, 9])), undefined);
});
