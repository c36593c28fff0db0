/**
 * A training session: what one run of the trainer leaves on disk and how a later run continues it. It
 * owns the run record (target and file cadence, kept in every checkpoint so a resume needs no flags), the
 * progress file (rewritten atomically after every row, continuing the rows of an earlier run), the
 * checkpoints (every storeEvery iterations, and on an interruption), the final model files, and the
 * stop signals. The command line (../cli/train.ts) only turns flags into a session and prints.
 *
 * Resume policy: a checkpoint fixes the network (shape, cell, precision) and the data order (window, seed,
 * shuffle); the optimiser settings (RESUME_TUNABLE) may change, e.g. a smaller learning rate after a
 * divergence. A resume never goes back: its target must not be below the checkpoint's iteration, and
 * the progress rows written after the checkpoint by a run that was killed are cut and written again.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeFilesAtomic } from '../io/atomic';
import { listenForStop } from '../io/stop-signals';
import { arraysProblem } from './divergence';
import { encodeModel, ModelData, RunRecord, TrainingState, writeModelFile } from './modelfile';
import { formatProgressRow, progressCsv, progressRecords, upgradeProgressText } from './progress-file';
import type { MtStrategy } from './parallel/partition';
import type { Trainer } from './trainer';
import { ProgressRow, runTraining } from './training-loop';

/** The settings a checkpoint fixes, by the name the training options give them. */
export const RESUME_FIXED = ['layers', 'neurons', 'activation', 'gate', 'activationImpl', 'precision', 'window', 'seed', 'shuffle'] as const;
/** Optimiser settings a resumed run may change. */
export const RESUME_TUNABLE = ['lr', 'lrDecay', 'clip', 'clipMode'] as const;

/** What a checkpoint fixes, under RESUME_FIXED's names. */
export function fixedByCheckpoint(ck: ModelData): Record<(typeof RESUME_FIXED)[number], unknown> {
  const { cell, layers, neurons, precision } = ck.config;
  const state = ck.checkpoint!.state;
  return {
    layers, neurons, precision, activation: cell.activation, gate: cell.gate, activationImpl: cell.impl,
    window: state.window, seed: state.seed, shuffle: state.shuffle === true,
  };
}

/** What a run is asked for; anything absent comes from the checkpoint's record, else the defaults. */
export interface RunRequest {
  iterations?: number;
  epochs?: number;
  /** absent: the recorded cadence, else `defaultProgressEvery` */
  progressEvery?: number;
  defaultProgressEvery: number;
  storeEvery?: number;
  /** whether the run saves to a folder (a recorded storeEvery is kept only then) */
  saving: boolean;
}

/**
 * The run's target and cadence: the request, else what the checkpoint recorded, else one epoch with the
 * default cadence.
 */
export function runRecordOf(r: RunRequest, recorded?: RunRecord): RunRecord {
  const pick = (x: { iterations?: number; epochs?: number }): { iterations?: number; epochs?: number } => ({
    ...(x.iterations !== undefined ? { iterations: x.iterations } : {}), ...(x.epochs !== undefined ? { epochs: x.epochs } : {}),
  });
  const targetGiven = r.iterations !== undefined || r.epochs !== undefined;
  const storeEvery = r.storeEvery ?? (r.saving ? recorded?.storeEvery : undefined);
  return {
    ...(targetGiven ? pick(r) : recorded ? pick(recorded) : { epochs: 1 }),
    progressEvery: r.progressEvery ?? recorded?.progressEvery ?? r.defaultProgressEvery,
    ...(storeEvery !== undefined ? { storeEvery } : {}),
  };
}

/** The iteration a run record stops at, for a corpus of `corpusLength` characters read in windows of `window`. */
export function runTarget(run: RunRecord, corpusLength: number, window: number): number {
  const perEpoch = Math.floor((corpusLength - 1) / window);
  return Math.min(run.iterations ?? Infinity, run.epochs !== undefined ? run.epochs * perEpoch : Infinity);
}

/** A checkpoint that records the run it belongs to. */
export function withRun(ck: ModelData, run: RunRecord): ModelData {
  return { ...ck, checkpoint: { ...ck.checkpoint!, state: { ...ck.checkpoint!.state, run } } };
}

/** Data rows of an existing progress file (0 when there is none). */
export function progressRowCount(path: string): number {
  try {
    if (!statSync(path).isFile()) return 0;
    return readFileSync(path, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

/** The progress text with only the rows of iterations before `iteration` (header kept, every line as it was). */
export function rowsBefore(text: string, iteration: number): string {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const records = progressRecords(text);
  const kept = lines.filter((_, k) => k === 0 || Number(records[k - 1]?.iteration) < iteration);
  return kept.length ? kept.join('\n') + '\n' : '';
}

/**
 * The rows of an existing progress file a run continues, as the prefix of its own: upgraded to the current
 * columns (a file from before the cell columns gets their defaults), ending in a newline, and without the
 * rows at or after `resumeAt` (written after the checkpoint by a run that was killed, so written again by
 * this one). Undefined when the text is not a progress file.
 */
export function continuedProgress(text: string, resumeAt?: number): string | undefined {
  let prefix = upgradeProgressText(text);
  if (prefix === undefined) return undefined;
  if (prefix.length > 0 && !prefix.endsWith('\n')) prefix += '\n';
  return resumeAt === undefined ? prefix : rowsBefore(prefix, resumeAt);
}

/**
 * A progress file a run writes: the rows of this run after `prefix` (the rows kept from an earlier run,
 * with their header; empty for a new file), the whole file replaced atomically after every row.
 */
export class ProgressFile {
  private readonly rows: ProgressRow[] = [];

  constructor(readonly path: string, private readonly prefix = '') {}

  add(row: ProgressRow): void {
    this.rows.push(row);
    const body = progressCsv(this.rows.map((r) => formatProgressRow(r)), { header: this.prefix.length === 0 });
    writeFileAtomic(this.path, this.prefix + body);
  }
}

/** Where the session's files go: the progress file, the checkpoint, and the folder of the final model (if any). */
export interface SessionFiles {
  progress: ProgressFile;
  checkpoint: string;
  saveDir?: string;
}

export interface SessionOptions {
  run: RunRecord;
  files: SessionFiles;
  threads: number;
  strategy: MtStrategy;
  /** a generated sample every sampleEvery iterations (0: none) */
  sampleEvery: number;
}

export interface SessionHooks {
  onRow?: (row: ProgressRow) => void;
  onSample?: (text: string, iteration: number) => void;
  onIteration?: (t: { iteration: number; smoothLoss: number }) => void;
}

export type SessionResult =
  | { reason: 'done' }
  /** stopped by a signal after a whole iteration; the checkpoint is written */
  | { reason: 'interrupted'; signal: NodeJS.Signals }
  /** nothing more was written; `lastStored` is the iteration of the last checkpoint this session wrote */
  | { reason: 'diverged'; problem: string; lastStored?: number };

/**
 * Trains until the run's target, a stop signal or a divergence, writing the progress rows, checkpoints
 * and (when done, with a save folder) the model files. Interrupted: a checkpoint of the last whole
 * iteration, unless its parameters are no longer finite (then it counts as diverged).
 */
export async function runSession(trainer: Trainer, o: SessionOptions, hooks: SessionHooks = {}): Promise<SessionResult> {
  const { run, files } = o;
  let lastStored: number | undefined;
  const stop = listenForStop();
  let result;
  try {
    result = await runTraining(
      trainer,
      { iterations: run.iterations, epochs: run.epochs, progressEvery: run.progressEvery, sampleEvery: o.sampleEvery, storeEvery: run.storeEvery ?? 0, threads: o.threads, strategy: o.strategy },
      {
        onRow: (row) => {
          files.progress.add(row);
          hooks.onRow?.(row);
        },
        onSample: hooks.onSample,
        onCheckpoint: (ck) => {
          writeModelFile(files.checkpoint, withRun(ck, run));
          lastStored = ck.checkpoint!.state.iteration;
        },
        onIteration: hooks.onIteration,
        shouldStop: () => stop.signal !== undefined,
      },
    );
  } finally {
    stop.release();
  }
  if (result.reason === 'interrupted') {
    const bad = arraysProblem(trainer.net.params, [trainer.m, trainer.v]);
    if (bad) return { reason: 'diverged', problem: bad, lastStored };
    writeModelFile(files.checkpoint, withRun(trainer.checkpoint(), run));
    return { reason: 'interrupted', signal: stop.signal ?? 'SIGINT' };
  }
  if (result.reason === 'diverged') return { reason: 'diverged', problem: result.problem ?? 'diverged', lastStored };
  if (files.saveDir !== undefined) saveModelFiles(files.saveDir, files.checkpoint, trainer, run);
  return { reason: 'done' };
}

/** model.json, model.bin and the checkpoint together: a full disk leaves all three as they were. */
export function saveModelFiles(dir: string, checkpoint: string, trainer: Trainer, run: RunRecord): void {
  const model = trainer.model();
  writeFilesAtomic([
    { path: join(dir, 'model.json'), data: encodeModel(join(dir, 'model.json'), model) },
    { path: join(dir, 'model.bin'), data: encodeModel(join(dir, 'model.bin'), model) },
    { path: checkpoint, data: encodeModel(checkpoint, withRun(trainer.checkpoint(), run)) },
  ]);
}

/** The checkpoint state a session resumes from, with the optimiser settings the new run changes. */
export function retunedCheckpoint(ck: ModelData, tuned: Partial<Pick<TrainingState, (typeof RESUME_TUNABLE)[number]>>): ModelData {
  return { ...ck, checkpoint: { ...ck.checkpoint!, state: { ...ck.checkpoint!.state, ...tuned } } };
}
