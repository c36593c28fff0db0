/**
 * The training loop around a Trainer: stop conditions (iterations or epochs), progress rows in the
 * study's schema, periodic samples and checkpoints, interruption and divergence, and the trainer's worker
 * threads for the length of the run. All I/O is left to the caller's hooks, so the CLI, experiments and
 * tests drive the same loop.
 */
import { kernelsColumn } from './blocking-choice';
import type { ActivationImpl, GateActivation } from './cell';
import { arraysProblem, healthyLoss, lossProblem } from './divergence';
import type { ModelData, PhaseTimes } from './modelfile';
import type { MtStrategy } from './parallel/partition';
import { generateIds } from './sample';
import type { Trainer } from './trainer';

/** The original study's progress CSV columns: first in every progress file, and all a reader may require. */
export const STUDY_PROGRESS_COLUMNS = [
  'func', 'type', 'layers', 'neurons', 'iteration', 'epoch', 'loss',
  'forward_cpu', 'forward_time', 'back_cpu', 'back_time', 'adam_cpu', 'adam_time',
] as const;

/**
 * The rest of the row's identity beside `func` (its cell activation): the gate activation and the
 * point-wise implementation, then `kernels`, the kernel set that computed the row's iterations
 * (./backend.ts KernelKind), since results are bit-reproducible only for one kernel set, followed by the
 * product blocking where it is not the default one (`wasm gemv-r8.gemmnt-2x4`; ./blocking-choice.ts). Files written
 * before these columns existed lack them and stay readable (./progress-file.ts reads and upgrades them).
 */
export const CELL_PROGRESS_COLUMNS = ['gate', 'impl'] as const;

/** The columns of the progress CSV this engine writes: the study's, then the cell's, then the kernel set. */
export const PROGRESS_COLUMNS = [...STUDY_PROGRESS_COLUMNS, ...CELL_PROGRESS_COLUMNS, 'kernels'] as const;

export type ProgressRow = {
  func: string; type: string; layers: number; neurons: number; iteration: number; epoch: number; loss: number;
  gate: GateActivation; impl: ActivationImpl; kernels: string;
} & PhaseTimes;

export interface RunOptions {
  /** stop when this many iterations have completed in total (counting those before a resume) */
  iterations?: number;
  /** stop when this many passes over the corpus have completed */
  epochs?: number;
  /** a progress row after iteration k (0-based) when k % progressEvery == 0, and after the last one */
  progressEvery: number;
  /** a generated sample every sampleEvery iterations; 0 = never */
  sampleEvery: number;
  sampleChars?: number;
  /** a checkpoint every storeEvery completed iterations; 0 = never */
  storeEvery: number;
  /**
   * Participants sharing each pass, the main thread included: the loop starts the trainer's worker
   * threads and stops them when it returns. Undefined: the trainer runs as started by the caller.
   */
  threads?: number;
  /** how threads share a layer (default 'rows') */
  strategy?: MtStrategy;
}

export interface RunHooks {
  onRow?(row: ProgressRow): void;
  onSample?(text: string, iteration: number): void;
  /**
   * a checkpoint of every storeEvery-th iteration, handed over one iteration late: only once the loss of
   * the window after it (computed from exactly its parameters) is healthy (./divergence.ts healthyLoss),
   * so a stored checkpoint does not resume into a divergence unless the settings stay the same. A pending
   * checkpoint is dropped when the run is interrupted (the caller saves the current state) or diverges.
   */
  onCheckpoint?(checkpoint: ModelData): void;
  onIteration?(trainer: Trainer): void;
  /** polled before every iteration (e.g. a Ctrl-C flag) */
  shouldStop?(): boolean;
}

export type StopReason = 'done' | 'interrupted' | 'diverged';

export interface RunResult {
  reason: StopReason;
  /** the last window's loss, when diverged */
  badLoss?: number;
  /** what diverged, one phrase (see ./divergence.ts), when diverged */
  problem?: string;
}

export function progressRow(trainer: Trainer, iteration: number, type: ProgressRow['type']): ProgressRow {
  const c = trainer.net.config;
  return {
    func: c.cell.activation, type, layers: c.layers, neurons: c.neurons, iteration, epoch: trainer.epoch, loss: trainer.smoothLoss, ...trainer.times,
    gate: c.cell.gate, impl: c.cell.impl, kernels: kernelsColumn(c.kernels, c.blocking),
  };
}

/** Text sampled from the current parameters (does not disturb training: own state, trainer's RNG). */
export function sampleText(trainer: Trainer, chars: number, temperature = 1): string {
  const vocab = trainer.vocab;
  const nl = vocab.indexOf('\n');
  const ids = generateIds(trainer.net, { chars, temperature, prime: [], rng: trainer.rng, startId: nl >= 0 ? nl : vocab.indexOf(' ') >= 0 ? vocab.indexOf(' ') : 0 });
  let s = '';
  for (const id of ids) s += vocab[id];
  return s;
}

export function isFinished(trainer: Trainer, o: Pick<RunOptions, 'iterations' | 'epochs'>): boolean {
  return (o.iterations !== undefined && trainer.iteration >= o.iterations) || (o.epochs !== undefined && trainer.epoch >= o.epochs);
}

/**
 * Runs iterations until the target is reached, the caller asks to stop, or training diverges (see
 * ./divergence.ts: the loss every iteration, the parameters and moments before each checkpoint and at
 * the end, so that nothing diverged is ever handed to the hooks to be saved).
 * Returns to the event loop about every 50 ms so that signal handlers (Ctrl-C) and progress-bar timers
 * run; that does not change the arithmetic, so results stay deterministic.
 */
export async function runTraining(trainer: Trainer, o: RunOptions, hooks: RunHooks = {}): Promise<RunResult> {
  if (o.iterations === undefined && o.epochs === undefined) throw new RangeError('give iterations or epochs');
  if (o.threads === undefined) return trainingLoop(trainer, o, hooks);
  await trainer.start({ threads: o.threads, strategy: o.strategy ?? 'rows' });
  try {
    return await trainingLoop(trainer, o, hooks);
  } finally {
    await trainer.close();
  }
}

async function trainingLoop(trainer: Trainer, o: RunOptions, hooks: RunHooks): Promise<RunResult> {
  const type = trainer.threads > 1 ? 'Multi-threaded' : 'Single-threaded';
  let lastYield = Date.now();
  let pending: ModelData | undefined;
  while (!isFinished(trainer, o)) {
    if (Date.now() - lastYield >= 50) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    if (hooks.shouldStop?.()) return { reason: 'interrupted' };
    const loss = trainer.step();
    const badLoss = lossProblem(loss, trainer.net.layout.vocabSize);
    if (badLoss) return { reason: 'diverged', badLoss: loss, problem: badLoss };
    if (pending && healthyLoss(loss, trainer.net.layout.vocabSize)) hooks.onCheckpoint!(pending);
    pending = undefined;
    const k = trainer.iteration - 1; // 0-based index of the iteration just completed
    const store = o.storeEvery > 0 && trainer.iteration % o.storeEvery === 0 && hooks.onCheckpoint !== undefined;
    if (store || isFinished(trainer, o)) {
      const bad = arraysProblem(trainer.net.params, [trainer.m, trainer.v]);
      if (bad) return { reason: 'diverged', badLoss: loss, problem: bad };
    }
    if (k % o.progressEvery === 0 || isFinished(trainer, o)) hooks.onRow?.(progressRow(trainer, k, type));
    if (o.sampleEvery > 0 && k % o.sampleEvery === 0 && hooks.onSample) hooks.onSample(sampleText(trainer, o.sampleChars ?? 120), k);
    if (store) pending = trainer.checkpoint();
    hooks.onIteration?.(trainer);
  }
  // the last iteration has no successor to vouch for it; its arrays were checked above
  if (pending) hooks.onCheckpoint!(pending);
  return { reason: 'done' };
}
