/**
 * The held-out loss of a network: forward passes only, over consecutive windows of a validation text,
 * stateful across windows (the state leaving a window enters the next, as in training) and starting from
 * a zero state, so the number is the mean cross-entropy per character of reading the text from its start.
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

/** Characters evaluated per progress row unless told otherwise (the first ones of the validation text). */
export const DEFAULT_VALIDATION_CHARS = 10_000;

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

  /** `ids`: the validation text; windows of `window` characters. */
  constructor(readonly net: Lstm, readonly ids: Int32Array, readonly window = 100) {
    if (ids.length < 2) throw new RangeError('a validation text needs at least two characters');
    const T = Math.min(window, ids.length - 1);
    const { layout, backend, params, grads } = net;
    this.ws = new Workspace(T, layout, backend, net.config.shared);
    const part = makePartition('rows', 1, { neurons: layout.neurons, window: T, vocab: layout.vocabSize });
    this.cx = { layout, params, grads, ws: this.ws, backend, cell: backend.cell(net.cellSpec), part, sync: () => undefined };
  }

  /**
   * The mean loss over the first `maxChars` predicted characters (all of them when larger than the
   * text): whole windows, then one shorter last window evaluated in a window-sized buffer whose unused
   * steps are not counted.
   */
  evaluate(maxChars = DEFAULT_VALIDATION_CHARS): ValidationResult {
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    const ws = this.ws;
    const T = ws.T;
    const ids = this.ids;
    const total = Math.min(Math.max(1, Math.floor(maxChars)), ids.length - 1);
    ws.resetState();
    let sum = 0;
    for (let at = 0; at < total; at += T) {
      const n = Math.min(T, total - at);
      for (let t = 0; t < T; t++) {
        // past the counted steps: repeat the last pair (computed, never summed)
        const k = at + Math.min(t, n - 1);
        ws.inputs[t] = ids[k];
        ws.targets[t] = ids[k + 1];
      }
      forwardShare(this.cx, 0);
      for (let t = 0; t < n; t++) sum += ws.stepLoss[t];
      ws.carryState(); // a short last window is never carried: nothing follows it
    }
    const c1 = process.cpuUsage();
    return {
      loss: sum / total,
      chars: total,
      cpu: (c1.user - c0.user + c1.system - c0.system) / 1e6,
      wall: Number(process.hrtime.bigint() - w0) / 1e9,
    };
  }
}
