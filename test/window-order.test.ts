/**
 * The order training reads its windows in: in order by default (unchanged), or shuffled per epoch from the
 * seed (opt-in), a permutation of the same windows that a checkpoint resumes exactly. The corpus here is
 * its own positions (id i at position i), so a window's first input names where it was read.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { decodeModel, encodeBinary } from '../src/lstm/modelfile';
import { shuffledWindows, windowCount } from '../src/lstm/window-order';
import { encodeSplit } from '../src/data/split';
import { newRun, trainIdentity } from '../src/studies/verdict/runs';
import { variant } from '../src/studies/variants';

const T = 5;
const LENGTH = 61;
const ids = Int32Array.from({ length: LENGTH }, (_, i) => i);
const vocab = Array.from({ length: LENGTH }, (_, i) => String.fromCharCode(0x100 + i));
const corpus = corpusIdentity('positions', ids);

function trainer(shuffle: boolean | undefined, seed = 3): Trainer {
  const net = new Lstm({ vocabSize: LENGTH, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: 'f64', seed });
  return new Trainer(net, vocab, corpus, { window: T, lr: 0.01, lrDecay: 0, clip: 5, clipMode: 'element', seed, ...(shuffle === undefined ? {} : { shuffle }) });
}

/** The first character of each of the next n windows the trainer reads. */
function starts(t: Trainer, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    t.step();
    out.push(t.ws.inputs[0]);
  }
  return out;
}

test('window count: the windows at 0, T, 2T, … whose targets stay inside the text', () => {
  assert.equal(windowCount(61, 5), 12); // 55 + 5 + 1 = 61 fits, 60 + 5 + 1 does not
  assert.equal(windowCount(60, 5), 11);
  assert.equal(windowCount(6, 5), 1);
  assert.equal(windowCount(5, 5), 0);
});

test('a shuffled order is a permutation, the same for the same seed and epoch, another for another', () => {
  const a = shuffledWindows(50, 7, 0);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(shuffledWindows(50, 7, 0), a);
  assert.notDeepEqual(shuffledWindows(50, 8, 0), a);
  assert.notDeepEqual(shuffledWindows(50, 7, 1), a);
  assert.notDeepEqual([...a], Array.from({ length: 50 }, (_, i) => i));
});

test('by default the windows are read in order and wrap into the next epoch', () => {
  const t = trainer(undefined);
  const inOrder = Array.from({ length: 12 }, (_, k) => k * T);
  assert.deepEqual(starts(t, 12), inOrder);
  assert.equal(t.epoch, 1);
  assert.deepEqual(starts(t, 2), [0, 5]);
  assert.equal(t.checkpoint().checkpoint!.state.shuffle, undefined);
  // shuffle: false is the default, bit for bit
  const a = trainer(undefined), b = trainer(false);
  starts(a, 15);
  starts(b, 15);
  assert.deepEqual([...b.net.params], [...a.net.params]);
});

test('shuffled, each epoch reads every window once in the order drawn from the seed and the epoch', () => {
  const t = trainer(true);
  const first = starts(t, 12);
  assert.deepEqual(first, [...shuffledWindows(12, 3, 0)].map((k) => k * T));
  assert.equal(t.epoch, 1);
  assert.deepEqual(starts(t, 12), [...shuffledWindows(12, 3, 1)].map((k) => k * T));
  assert.notDeepEqual(starts(trainer(true, 4), 12), first); // another seed, another order
});

test('a shuffled run resumed from its checkpoint equals the uninterrupted run bit for bit, across an epoch boundary', () => {
  const full = trainer(true);
  const fullStarts = starts(full, 30);
  const part = trainer(true);
  const partStarts = starts(part, 17);
  const ck = decodeModel(encodeBinary(part.checkpoint()));
  assert.equal(ck.checkpoint!.state.shuffle, true);
  const resumed = Trainer.resume(ck, corpus);
  assert.deepEqual([...partStarts, ...starts(resumed, 13)], fullStarts);
  assert.deepEqual([...resumed.net.params], [...full.net.params]);
  assert.equal(resumed.epoch, full.epoch);
});

test('the verdict sweeps hand --shuffle to the trainers of new runs, and leave it off by default', () => {
  const docs = Array.from({ length: 4 }, (_, k) => ({ id: `d${k}`, year: k, text: 'the quick brown fox jumps over the lazy dog '.repeat(4) }));
  const split = encodeSplit('docs', docs, 0.25);
  const identity = trainIdentity(split);
  const size = { layers: 1, neurons: 4 };
  assert.equal(newRun(split, identity, size, variant('isru', 'scalar'), 2, { shuffle: true }).trainer.options.shuffle, true);
  assert.equal(newRun(split, identity, size, variant('isru', 'scalar'), 2).trainer.options.shuffle, undefined);
});
