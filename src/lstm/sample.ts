/**
 * Text generation from a trained network: feed the prime text one character at a time, then sample each
 * next character from softmax(logits / temperature) with a seeded RNG. Uses the net's 1-step workspace,
 * so it never disturbs a training window's state.
 */
import type { Lstm } from './network';
import type { Rng } from './rng';

export interface GenerateOptions {
  chars: number;
  temperature: number;
  /** token ids to condition on (may be empty) */
  prime: ArrayLike<number>;
  rng: Rng;
  /** id fed first when prime is empty (e.g. the id of '\n' or ' ') */
  startId?: number;
}

/** Returns `chars` sampled token ids. */
export function generateIds(net: Lstm, o: GenerateOptions): Int32Array {
  if (!(o.temperature > 0) || !Number.isFinite(o.temperature)) throw new RangeError('temperature must be a positive number');
  const V = net.layout.vocabSize;
  const ws = net.workspace(1);
  ws.resetState();
  const feed = (id: number): void => {
    ws.inputs[0] = id;
    net.forward(ws);
    ws.carryState();
  };
  if (o.prime.length === 0) feed(o.startId ?? 0);
  for (let i = 0; i < o.prime.length; i++) feed(o.prime[i]);
  const out = new Int32Array(o.chars);
  const weights = new Float64Array(V);
  const invT = 1 / o.temperature;
  for (let n = 0; n < o.chars; n++) {
    // p^(1/τ) renormalised = softmax(logits/τ); computed relative to the largest p to avoid underflow.
    // The largest gets weight 1 exactly: for a τ so small that 1/τ is infinite (1e-320), 0·∞ would be
    // NaN; this way such a τ is the greedy limit (the most likely character) it tends to.
    let max = 0;
    for (let v = 0; v < V; v++) if (ws.probs[v] > max) max = ws.probs[v];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const r = ws.probs[v] / max;
      const w = r === 1 ? 1 : r > 0 ? Math.exp(Math.log(r) * invT) : 0;
      weights[v] = w;
      sum += w;
    }
    let u = o.rng.nextFloat() * sum;
    let id = V - 1;
    for (let v = 0; v < V; v++) {
      u -= weights[v];
      if (u < 0) {
        id = v;
        break;
      }
    }
    out[n] = id;
    if (n + 1 < o.chars) feed(id);
  }
  return out;
}
