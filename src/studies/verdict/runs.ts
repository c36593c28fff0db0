/**
 * What the two verdict sweeps (src/studies/verdict/sweep.ts) share: one training run per variant on the
 * training part of the held-out split, interleaved in chunks of iterations (as src/sweep/interleaved-training.ts
 * does, so that every variant sees the same machine load), with the validation loss evaluated at every
 * progress row into extra columns after the progress columns.
 *
 * Result columns: PROGRESS_COLUMNS, then VALIDATION_COLUMNS:
 *   variant    `<name>/<impl>` (src/studies/variants.ts)
 *   seed       initialisation seed of the run
 *   val_loss   mean cross-entropy on the validation text, nats/char (bits/char = val_loss / ln 2)
 *   val_bpc    the same in bits/char
 *   val_chars  validation characters evaluated for this row (blocks spread over the validation text, src/lstm/validation.ts)
 *   val_cpu, val_time  process CPU and wall seconds of that evaluation (not part of the training times)
 */
import type { SplitCorpus } from '../../data/split';
import type { Precision } from '../../lstm/buffers';
import type { CsvRow } from '../../io/csv-text';
import { Lstm } from '../../lstm/network';
import { ProgressRow, PROGRESS_COLUMNS, runTraining, sampleText } from '../../lstm/training-loop';
import { corpusIdentity, CorpusIdentity, DEFAULT_TRAINER, Trainer } from '../../lstm/trainer';
import { natsToBits, ValidationResult, Validator } from '../../lstm/validation';
import { formatProgressRow } from '../../lstm/progress-file';
import { Variant, variantConfig } from '../variants';

export const VALIDATION_COLUMNS = ['variant', 'seed', 'val_loss', 'val_bpc', 'val_chars', 'val_cpu', 'val_time'] as const;

/** The verdict's CSV columns: the progress schema, then the validation columns. */
export const verdictColumns = (): string[] => [...PROGRESS_COLUMNS, ...VALIDATION_COLUMNS];

export interface NetSize {
  layers: number;
  neurons: number;
}

export const sizeLabel = (s: NetSize): string => `${s.layers}x${s.neurons}`;

/** Parses `2x128,4x128`; throws a RangeError naming the bad item. */
export function parseSizes(text: string): NetSize[] {
  return text.split(',').map((item) => {
    const m = /^\s*(\d+)x(\d+)\s*$/.exec(item);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new RangeError(`a size looks like <layers>x<neurons>, e.g. 2x128, got '${item}'`);
    return { layers: Number(m[1]), neurons: Number(m[2]) };
  });
}

export interface ValidationPolicy {
  /** validation characters evaluated at every progress row */
  rowChars: number;
  /** validation characters evaluated at the last row (the number the verdict compares) */
  finalChars: number;
}

/** One variant's run: its trainer, its evaluator and the rows so far. */
export interface VerdictRun {
  variant: Variant;
  seed: number;
  trainer: Trainer;
  validator: Validator;
  rows: CsvRow[];
}

/** The training-part identity every run of a split shares (resume refuses another corpus). */
export function trainIdentity(split: SplitCorpus): CorpusIdentity {
  return corpusIdentity(`${split.source} (training part)`, split.trainIds);
}

/**
 * A fresh run of a variant: seed, size and the default trainer settings (window 100, Adam, clipping 5);
 * `shuffle` reads the windows in a seeded order per epoch (default: in order).
 */
export function newRun(split: SplitCorpus, identity: CorpusIdentity, size: NetSize, v: Variant, seed: number, o: { precision?: Precision; shuffle?: boolean } = {}): VerdictRun {
  const net = new Lstm({ vocabSize: split.vocab.length, layers: size.layers, neurons: size.neurons, precision: o.precision ?? 'f64', seed, ...variantConfig(v) });
  const trainer = new Trainer(net, split.vocab, identity, { ...DEFAULT_TRAINER, seed, ...(o.shuffle ? { shuffle: true } : {}) });
  return { variant: v, seed, trainer, validator: new Validator(net, split.validationIds, DEFAULT_TRAINER.window), rows: [] };
}

/** A progress row with its validation columns. */
export function verdictRow(row: ProgressRow, v: Variant, seed: number, val: ValidationResult): CsvRow {
  return {
    ...formatProgressRow(row),
    variant: v.id, seed,
    val_loss: val.loss.toFixed(6), val_bpc: natsToBits(val.loss).toFixed(6), val_chars: val.chars,
    val_cpu: val.cpu.toFixed(6), val_time: val.wall.toFixed(6),
  };
}

export interface ChunkOptions {
  /** the run's total iterations (the last row is iteration iterations − 1) */
  iterations: number;
  progressEvery: number;
  validation: ValidationPolicy;
  onIteration?: () => void;
}

/**
 * Advances every run to `target` iterations (one turn each, in order). Rows are those of an uninterrupted
 * run: iteration k with k % progressEvery == 0, and the last one; each gets its validation loss.
 * Throws when a run diverges.
 */
export async function advanceRuns(runs: readonly VerdictRun[], target: number, o: ChunkOptions): Promise<void> {
  for (const r of runs) {
    const res = await runTraining(
      r.trainer,
      { iterations: target, progressEvery: o.progressEvery, sampleEvery: 0, storeEvery: 0 },
      {
        onRow: (row) => {
          const last = row.iteration === o.iterations - 1;
          if (row.iteration % o.progressEvery !== 0 && !last) return; // a chunk's end, not a progress row
          r.rows.push(verdictRow(row, r.variant, r.seed, r.validator.evaluate(last ? o.validation.finalChars : o.validation.rowChars)));
        },
        onIteration: o.onIteration,
      },
    );
    if (res.reason !== 'done') {
      const net = r.trainer.net.config;
      throw new Error(`${net.layers}x${net.neurons} ${r.variant.id} seed ${r.seed}: training ${res.reason} at iteration ${r.trainer.iteration}${res.problem ? ` (${res.problem})` : ''}`);
    }
  }
}

/** Text generated by a run's network (its own state and RNG: training is not disturbed). */
export const runSample = (r: VerdictRun, chars: number): string => (chars > 0 ? sampleText(r.trainer, chars) : '');


