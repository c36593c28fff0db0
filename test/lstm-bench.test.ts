import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRatios, formatTable, BenchRow } from '../scripts/bench';
import { parseConfig } from '../bench/lstm';

const row = (engine: string, activation: string, precision: string, ms: number, cfg = '2x100'): BenchRow => {
  const [layers, neurons] = parseConfig(cfg);
  return { engine, layers, neurons, activation, precision, ms_per_iter: ms, forward_ms: null, backward_ms: null, adam_ms: null, iterations: 5, version: 'x' };
};

test('bench merge: ISRU speed-up, ratio to our engine, ratio to the C reference', () => {
  const rows = withRatios([
    row('lstm-opt', 'tanh', 'f64', 20),
    row('lstm-opt', 'isru', 'f64', 16),
    row('lstm-opt', 'tanh', 'f32', 25),
    row('pytorch', 'tanh', 'f64', 30),
    row('pytorch', 'tanh', 'f32', 5),
    row('tfjs', 'isru', 'f32', 400), // no lstm-opt isru f32 row: no ratio
    row('lstm-opt', 'tanh', 'f64', 108, '2x256'),
  ]);
  assert.equal(rows[1].isru_speedup, 1.25);
  assert.equal(rows[0].isru_speedup, null);
  assert.equal(rows[3].vs_lstm_opt, 1.5);
  assert.equal(rows[4].vs_lstm_opt, 0.2);
  assert.equal(rows[5].vs_lstm_opt, null);
  assert.equal(rows[0].c_ref_ms, 20); // the C implementation's published 2x100 time
  assert.equal(rows[0].vs_c_ref, 1);
  assert.equal(rows[6].vs_c_ref, 0.5);
  assert.equal(rows[2].vs_c_ref, null); // the C reference is double precision only
  const table = formatTable(rows).split('\n');
  assert.equal(table.length, 2 + rows.length);
  assert.match(table[2], /^lstm-opt\s+2x100\s+tanh\s+f64\s+20\b/);
  assert.throws(() => parseConfig('2by100'), /bad config/);
});
