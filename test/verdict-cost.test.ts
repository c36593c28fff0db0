/**
 * The verdict's cost from its own records, on hand-built jobs: milliseconds per iteration per variant and
 * minutes per seed, training and validation together, worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerdictJobResult, VerdictRunResult } from '../src/studies/verdict/analysis';
import { costSentence, verdictCost } from '../src/studies/verdict/cost';

const run = (variant: string, seed: number, train: number, val: number[]): VerdictRunResult => ({
  source: 'verdict', size: '2x8', seed, variant, train_loss: 2, val_loss: 2, val_bpc: 3, val_chars: 100, train_time: train, train_cpu: train / 2, sample: '',
  rows: val.map((v, k) => ({ iteration: k, val_time: v, val_cpu: v / 2 })),
});
const job = (seed: number, runs: VerdictRunResult[]): VerdictJobResult => ({ source: 'verdict', file: `s${seed}.json`, size: '2x8', iterations: 1000, loads: [], runs, skipped: [] });

test('cost per iteration and per seed: medians over seeds of the records', () => {
  const jobs = [
    job(1, [run('tanh/scalar', 1, 10, [1, 2]), run('isru/simd', 1, 8, [1, 1])]), // seed total 10 + 3 + 8 + 2 = 23 s
    job(2, [run('tanh/scalar', 2, 12, [1, 2]), run('isru/simd', 2, 9, [1, 1])]), // 12 + 3 + 9 + 2 = 26 s
    job(3, [run('tanh/scalar', 3, 11, [0, 1]), run('isru/simd', 3, 7, [0, 1])]), // 11 + 1 + 7 + 1 = 20 s
  ];
  const [c] = verdictCost(jobs);
  assert.equal(c.seeds, 3);
  assert.equal(c.variants, 2);
  assert.deepEqual(c.msPerIteration, [{ variant: 'tanh/scalar', ms: 11 }, { variant: 'isru/simd', ms: 8 }]); // medians of 10, 12, 11 and 8, 9, 7 s over 1000 iterations
  assert.ok(Math.abs(c.wallMinutesPerSeed - 23 / 60) < 1e-12);
  assert.ok(Math.abs(c.cpuMinutesPerSeed - 23 / 120) < 1e-12);
  assert.equal(costSentence([c]), '2x8 (1000 iterations): 0.4 min per seed for 2 variants (CPU 0.2 min; median of 3 seeds), 8.0–11.0 ms of training per iteration (isru/simd to tanh/scalar)');
});
