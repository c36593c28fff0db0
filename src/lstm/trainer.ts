/**
 * One training run's state and its iteration: truncated BPTT over consecutive windows of T characters,
 * stateful across windows (the hidden state leaving a window enters the next), gradient clipping, Adam.
 * Deterministic: by default no randomness enters training (windows are read in order; the RNG only drives
 * the generated samples), so the same seed gives bit-identical parameters and losses, and a checkpoint
 * (params, Adam moments, hidden state, cursor, RNG state) continues exactly where it stopped. With
 * `shuffle` each epoch reads the windows in a permutation drawn from the seed and the epoch
 * (./window-order.ts), still deterministic and resumable.
 *
 * Threads: `start({ threads, strategy })` starts the worker threads that share each pass with the main
 * thread, `close()` stops them (runTraining does both); without start() the main thread runs alone. The
 * arithmetic is the same bit for bit either way. The worker threads' module (./parallel/team.ts, Node's
 * worker_threads) is imported by start() alone, and the phases are timed with an injectable clock
 * (./clock.ts), so a single-threaded Trainer also runs in a browser (the web page's training benchmark).
 *
 * The data: inputs = ids[at .. at+T), targets = ids[at+1 .. at+T], where at = cursor in order, or the
 * (cursor/T)-th window of the epoch's permutation when shuffled. When the next window would run past the
 * end, the cursor returns to 0, the epoch count increases and the state is zeroed. Shuffled, the state is
 * zeroed before every window: the state left by the previous window belongs to another part of the text.
 */
import type { Blocking } from './wasm/blocking';
import { AdamHyper, adamStepCoefficients, clipNorm, decayedLr, DEFAULT_ADAM } from './adam';
import { allocFloat, Float } from './buffers';
import { defaultClock, PhaseClock } from './clock';
import { crc32 } from './crc32';
import { ModelConfig, modelConfigOf } from './model-config';
import type { ModelData, PhaseTimes, TrainingState } from './modelfile';
import type { KernelKind } from './backend';
import { Lstm } from './network';
import { PassRunner, SoloRunner } from './parallel/runner';
import type { TeamOptions } from './parallel/team';
import { Rng } from './rng';
import { shuffledWindows, windowCount } from './window-order';
import type { Workspace } from './workspace';

export type ClipMode = 'element' | 'norm' | 'none';

export interface TrainerOptions {
  window: number;
  lr: number;
  /** learning-rate decay constant k: lr/(1 + n/k); 0 = none */
  lrDecay: number;
  /** element-wise limit (clipMode 'element') or maximum L2 norm ('norm') */
  clip: number;
  clipMode: ClipMode;
  seed: number;
  /** read each epoch's windows in a seeded random order (default: in order, stateful across windows) */
  shuffle?: boolean;
}

export const DEFAULT_TRAINER: Omit<TrainerOptions, 'seed'> = { window: 100, lr: DEFAULT_ADAM.lr, lrDecay: 0, clip: 5, clipMode: 'element' };

/** Factor of the moving-average loss: smooth = (1 - 0.01)·smooth + 0.01·loss. */
export const SMOOTHING = 0.01;

export interface CorpusIdentity {
  source: string;
  ids: Int32Array;
  /** crc32 of the ids' bytes (computed once; resume refuses a different corpus) */
  crc32: number;
}

export function corpusIdentity(source: string, ids: Int32Array): CorpusIdentity {
  return { source, ids, crc32: crc32(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength)) };
}

function zeroTimes(): PhaseTimes {
  return { forward_cpu: 0, forward_time: 0, back_cpu: 0, back_time: 0, adam_cpu: 0, adam_time: 0 };
}

export class Trainer {
  readonly ws: Workspace;
  readonly m: Float;
  readonly v: Float;
  readonly rng: Rng;
  iteration = 0;
  epoch = 0;
  cursor = 0;
  smoothLoss: number;
  times: PhaseTimes = zeroTimes();
  private readonly hyper: AdamHyper = { ...DEFAULT_ADAM };
  /** who runs the passes: the main thread alone until start() */
  private runners: PassRunner;
  /** the shuffled epoch's window order, drawn when the epoch starts */
  private order?: { epoch: number; windows: Uint32Array };

  /** `clock` times the phases (times): Node's wall and CPU clocks by default, performance.now() in a browser. */
  constructor(readonly net: Lstm, readonly vocab: string[], readonly corpus: CorpusIdentity, readonly options: TrainerOptions, private readonly clock: PhaseClock = defaultClock()) {
    const T = options.window;
    if (corpus.ids.length < T + 1) throw new RangeError(`window (${T}) must be smaller than the corpus (${corpus.ids.length} characters)`);
    this.ws = net.workspace(T);
    this.ws.resetState();
    this.m = net.allocBuffer(net.params.length);
    this.v = net.allocBuffer(net.params.length);
    this.rng = new Rng(options.seed);
    this.smoothLoss = Math.log(net.layout.vocabSize); // the loss of a uniform prediction
    this.runners = new SoloRunner(net, this.ws, this.m, this.v);
  }

  /** Who runs the passes: the main thread alone, or with the worker threads of start(). */
  get team(): PassRunner {
    return this.runners;
  }

  /** Participants running the passes (1 = the main thread alone). */
  get threads(): number {
    return this.runners.parties;
  }

  /** Starts worker threads for the next steps (replacing any started before); threads 1 = the main thread alone. */
  async start(o: TeamOptions): Promise<void> {
    await this.close();
    const { Team } = await import('./parallel/team');
    this.runners = await Team.start(this.net, this.ws, this.m, this.v, o);
  }

  /** Stops the worker threads, if any; later steps run on the main thread alone. */
  async close(): Promise<void> {
    const team = this.runners;
    this.runners = new SoloRunner(this.net, this.ws, this.m, this.v);
    await team.close();
  }

  /**
   * Runs one iteration (forward, backward, clipping, Adam) and returns the window's mean loss. If the
   * loss is not finite, nothing is updated (parameters, moments, counters stay at the last good step).
   */
  step(): number {
    const { net, ws, options } = this;
    const T = options.window;
    const ids = this.corpus.ids;
    const inputs = ws.inputs, targets = ws.targets;
    const at = options.shuffle ? this.shuffledStart() : this.cursor;
    if (options.shuffle) ws.resetState();
    for (let t = 0; t < T; t++) {
      inputs[t] = ids[at + t];
      targets[t] = ids[at + t + 1];
    }
    const times = this.times;
    const clock = this.clock;
    const c0 = clock.cpu();
    const w0 = clock.wall();
    const team = this.runners;
    const loss = team.forward();
    const c1 = clock.cpu();
    const w1 = clock.wall();
    times.forward_cpu += cpuSeconds(c0, c1);
    times.forward_time += w1 - w0;
    if (!Number.isFinite(loss)) return loss;

    team.backward();
    ws.carryState();
    const c2 = clock.cpu();
    const w2 = clock.wall();
    times.back_cpu += cpuSeconds(c1, c2);
    times.back_time += w2 - w1;

    let limit = Infinity;
    if (options.clipMode === 'element') limit = options.clip;
    else if (options.clipMode === 'norm') clipNorm(net.grads, options.clip);
    this.hyper.lr = decayedLr(options.lr, this.iteration, options.lrDecay);
    team.adam(adamStepCoefficients(this.hyper, this.iteration + 1, limit));
    const c3 = clock.cpu();
    const w3 = clock.wall();
    times.adam_cpu += cpuSeconds(c2, c3);
    times.adam_time += w3 - w2;

    this.iteration++;
    this.smoothLoss = (1 - SMOOTHING) * this.smoothLoss + SMOOTHING * loss;
    this.cursor += T;
    if (this.cursor + T + 1 > ids.length) {
      this.cursor = 0;
      this.epoch++;
      ws.resetState();
    }
    return loss;
  }

  /** The first character of the next window in this epoch's shuffled order. */
  private shuffledStart(): number {
    const T = this.options.window;
    if (this.order?.epoch !== this.epoch) this.order = { epoch: this.epoch, windows: shuffledWindows(windowCount(this.corpus.ids.length, T), this.options.seed, this.epoch) };
    return this.order.windows[this.cursor / T] * T;
  }

  modelConfig(): ModelConfig {
    return modelConfigOf(this.net.config);
  }

  /** The trained model alone (for generate). Arrays are copies. */
  model(): ModelData {
    return { config: this.modelConfig(), vocab: this.vocab, params: this.net.params.slice() };
  }

  /** Everything a resumed run needs. Arrays are copies. */
  checkpoint(): ModelData {
    const o = this.options;
    const state: TrainingState = {
      iteration: this.iteration,
      epoch: this.epoch,
      cursor: this.cursor,
      smoothLoss: this.smoothLoss,
      rng: this.rng.getState(),
      seed: o.seed,
      window: o.window,
      lr: o.lr,
      lrDecay: o.lrDecay,
      clip: o.clip,
      clipMode: o.clipMode,
      corpus: { source: this.corpus.source, length: this.corpus.ids.length, crc32: this.corpus.crc32 },
      times: { ...this.times },
      kernels: this.net.config.kernels,
      ...(o.shuffle ? { shuffle: true } : {}),
    };
    const N = this.net.layout.neurons;
    const L = this.net.layout.layers;
    const hidden = allocFloat(this.net.config.precision, 2 * L * N);
    for (let l = 0; l < L; l++) {
      hidden.set(this.ws.h[l].subarray(0, N), l * N);
      hidden.set(this.ws.c[l].subarray(0, N), (L + l) * N);
    }
    return { ...this.model(), checkpoint: { state, m: this.m.slice(), v: this.v.slice(), hidden } };
  }

  /**
   * Rebuilds a trainer from a checkpoint; the corpus must be the one it was trained on. `kernels`: the
   * kernel set to continue with (default: the network's default, see ./backend-select.ts); it may differ from the
   * checkpoint's state.kernels, which only records what computed the iterations so far. `blocking`: the
   * product blocking (default: the network's default; any gives the same bits).
   */
  static resume(data: ModelData, corpus: CorpusIdentity, kernels?: KernelKind, blocking?: Blocking): Trainer {
    const ck = data.checkpoint;
    if (!ck) throw new RangeError('this file is a model, not a checkpoint (it has no training state)');
    const s = ck.state;
    if (s.corpus.length !== corpus.ids.length || s.corpus.crc32 !== corpus.crc32) {
      throw new RangeError(`the checkpoint was trained on a different corpus (${s.corpus.source}, ${s.corpus.length} characters)`);
    }
    if (s.cursor + s.window + 1 > corpus.ids.length) throw new RangeError('checkpoint data cursor is outside the corpus');
    const net = new Lstm({ ...data.config, seed: s.seed, kernels, blocking });
    net.params.set(data.params);
    const t = new Trainer(net, data.vocab, corpus, { window: s.window, lr: s.lr, lrDecay: s.lrDecay, clip: s.clip, clipMode: s.clipMode, seed: s.seed, ...(s.shuffle ? { shuffle: true } : {}) });
    t.m.set(ck.m);
    t.v.set(ck.v);
    const N = data.config.neurons;
    const L = data.config.layers;
    for (let l = 0; l < L; l++) {
      t.ws.h[l].set(ck.hidden.subarray(l * N, (l + 1) * N));
      t.ws.c[l].set(ck.hidden.subarray((L + l) * N, (L + l + 1) * N));
    }
    t.rng.setState(s.rng);
    t.iteration = s.iteration;
    t.epoch = s.epoch;
    t.cursor = s.cursor;
    t.smoothLoss = s.smoothLoss;
    t.times = { ...s.times };
    return t;
  }
}

/** CPU seconds between two readings; 0 where the clock has no CPU time (the *_cpu times then stay 0). */
function cpuSeconds(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined ? 0 : b - a;
}
