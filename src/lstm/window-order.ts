/**
 * The order in which training reads its windows. In order (the default) the windows follow the text and
 * the hidden state runs on from one to the next. Shuffled (opt-in), each epoch visits every window once in
 * a permutation drawn from the run's seed and the epoch number, so seeds vary the data order as well as
 * the initial weights, and a checkpoint needs nothing more than the epoch and the position within it.
 */
import { Rng } from './rng';

/** Windows of T characters (plus the one-character target shift) that fit in `length` characters, read at 0, T, 2T, … */
export function windowCount(length: number, T: number): number {
  return length < T + 1 ? 0 : Math.floor((length - T - 1) / T) + 1;
}

/**
 * A seeded permutation of 0 … count−1 for one epoch (Fisher–Yates over xoshiro128**). The stream is its own,
 * seeded from seed and epoch, so the sampling RNG of the run draws the same numbers with or without shuffling.
 */
export function shuffledWindows(count: number, seed: number, epoch: number): Uint32Array {
  // one stream per (seed, epoch); the odd multiplier spreads nearby epochs apart before splitmix32 does the rest
  const rng = new Rng((Math.imul(epoch + 1, 0x9e3779b1) ^ seed) >>> 0);
  const order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  for (let k = count - 1; k > 0; k--) {
    const j = rng.nextU32() % (k + 1);
    const t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  return order;
}
