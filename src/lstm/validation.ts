/**
 * The held-out loss of a network: forward passes only, over consecutive windows of a validation text,
 * stateful across windows (the state leaving a window enters the next, as in training), each block read
 * from a zero state, so the number is the mean cross-entropy per character of reading the text.
 *
 * Which characters: the whole text when the budget covers it; otherwise blocks of `blockChars`
 * consecutive characters spread evenly over the text (the first block at its start, the last at its end),
 * so a small budget still samples every part of the held-out years instead of only the first address.
 * The blocks are the same at every evaluation, so the rows of a run and the runs of a sweep compare.
 *
 * It never touches training: the evaluator owns its workspace (allocated once, at construction, from the
 * network's backend but not the one Lstm.workspace(T) hands the trainer) and its own pass context; it
 * reads the parameters and writes nothing else, so a training run with evaluations between its
 * iterations is bit-identical to one without (test/verdict.test.ts checks that).
 *
 * Cost: evaluating a character costs about what the training forward pass spends on it (measured 0.9–1.1×
 * on the quick verdict profile), and the forward pass is about half an iteration at the sizes studied
 * here (45–60%), so evaluating C characters costs about C / (2 · window) iterations: the default cap of
 * 10 000 characters is ≈ 50 iterations of training per progress row.
 */
import type { Lstm } from './network';
import { makePartition } from './parallel/partition';
import { forwardShare, PassContext } from './passes';
import { Workspace } from './workspace';

/** Characters evaluated per progress row unless told otherwise. */
export const DEFAULT_VALIDATION_CHARS = 10_000;

/** Consecutive characters per block when the budget does not cover the whole text. */
export const DEFAULT_BLOCK_CHARS = 1_000;

/**
 * Where the blocks start: `count` blocks of `length` characters over `total` predictable characters,
 * evenly spaced from 0 to total − length (one block: at 0).
 */
export function blockStarts(total: number, length: number, count: number): number[] {
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, k) => Math.floor((k * (total - length)) / (count - 1)));
}

/** nats → bits: bits/char = nats/char / ln 2. */
export const natsToBits = (nats: number): number => nats / Math.LN2;

export interface ValidationResult {
  /** mean cross-entropy, nats per character */
  loss: number;
  /** characters predicted */
  chars: number;
  /** process CPU seconds and wall seconds the evaluation took */
  cpu: number;
  wall: number;
}

export class Validator {
  private readonly ws: Workspace;
  private readonly cx: PassContext;

  /** `ids`: the validation text; windows of `window` characters; blocks of `blockChars` when sampling. */
  constructor(readonly net: Lstm, readonly ids: Int32Array, readonly window = 100, readonly blockChars = DEFAULT_BLOCK_CHARS) {
    if (ids.length < 2) throw new RangeError('a validation text needs at least two characters');
    if (!(blockChars >= 1)) throw new RangeError('blockChars must be at least 1');
    const T = Math.min(window, ids.length - 1);
    const { layout, backend, params, grads } = net;
    this.ws = new Workspace(T, layout, backend, net.config.shared);
    const part = makePartition('rows', 1, { neurons: layout.neurons, window: T, vocab: layout.vocabSize });
    this.cx = { layout, params, grads, ws: this.ws, backend, cell: backend.cell(net.config.cell), part, sync: () => undefined };
  }

  /**
   * The mean loss over `maxChars` predicted characters (all of them when the text has no more): the whole
   * text from its start, or ⌈maxChars / blockChars⌉ evenly spaced blocks (see the header).
   */
  evaluate(maxChars = DEFAULT_VALIDATION_CHARS): ValidationResult {
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    const total = this.ids.length - 1;
    const budget = Math.min(Math.max(1, Math.floor(maxChars)), total);
    // the whole text in one block, or blocks of equal length that fit the budget
    const count = budget === total ? 1 : Math.ceil(budget / this.blockChars);
    const length = budget === total ? total : Math.floor(budget / count);
    let sum = 0;
    for (const at of blockStarts(total, length, count)) sum += this.readBlock(at, length);
    const chars = count * length;
    const c1 = process.cpuUsage();
    return {
      loss: sum / chars,
      chars,
      cpu: (c1.user - c0.user + c1.system - c0.system) / 1e6,
      wall: Number(process.hrtime.bigint() - w0) / 1e9,
    };
  }

  /**
   * The summed loss of predicting ids[from + 1 .. from + n] from a zero state: whole windows, then one
   * shorter last window evaluated in a window-sized buffer whose unused steps are not counted.
   */
  private readBlock(from: number, n: number): number {
    const ws = this.ws;
    const T = ws.T;
    const ids = this.ids;
    ws.resetState();
    let sum = 0;
    for (let at = 0; at < n; at += T) {
      const m = Math.min(T, n - at);
      for (let t = 0; t < T; t++) {
        // past the counted steps: repeat the last pair (computed, never summed)
        const k = from + at + Math.min(t, m - 1);
        ws.inputs[t] = ids[k];
        ws.targets[t] = ids[k + 1];
      }
      forwardShare(this.cx, 0);
      for (let t = 0; t < m; t++) sum += ws.stepLoss[t];
      ws.carryState(); // a short last window is never carried: nothing follows it
    }
    return sum;
  }
}
