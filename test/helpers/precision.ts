/**
 * The float32 criterion of the engine: on the same seed and data, a float32 net's loss and gradients
 * track the float64 net's (float32 has no finite-difference check of its own: its rounding noise would
 * swamp the differences).
 */
import assert from 'node:assert/strict';
import { createLstm, LstmConfig } from '../../src/lstm/network';

export function assertF32TracksF64(cfg: Omit<LstmConfig, 'precision' | 'vocabSize'> & { vocabSize: number }): void {
  const V = cfg.vocabSize;
  const a = createLstm({ ...cfg, precision: 'f64' });
  const b = createLstm({ ...cfg, precision: 'f32' });
  assert.ok(b.params instanceof Float32Array);
  const inputs = Array.from({ length: 30 }, (_, t) => (t * 5) % V);
  const targets = Array.from({ length: 30 }, (_, t) => (t * 3 + 1) % V);
  const la = a.lossAndGradients(inputs, targets);
  const lb = b.lossAndGradients(inputs, targets);
  assert.ok(Math.abs(la - lb) < 1e-5, `${la} vs ${lb}`);
  let maxErr = 0, maxG = 0;
  for (let k = 0; k < a.grads.length; k++) {
    maxErr = Math.max(maxErr, Math.abs(a.grads[k] - b.grads[k]));
    maxG = Math.max(maxG, Math.abs(a.grads[k]));
  }
  assert.ok(maxErr < 1e-4 * maxG, `max grad diff ${maxErr} vs max grad ${maxG}`);
}
