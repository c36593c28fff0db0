/**
 * What the verdict sweeps leave on disk: folders, file names, columns and the commands that make them.
 * The sweeps (./sweep.ts) write these files; the analyses (./analysis.ts, ./long-run.ts) read them.
 *
 * Output (results/verdict[-long]/<machine>[/quick]):
 *   split.json                          the held-out split (documents, years, characters, checksums)
 *   <L>x<N>-s<seed>-i<it>-<variant>.csv progress + validation columns (below)
 *   <L>x<N>-s<seed>-i<it>.json          per job: load before/after, wall and CPU seconds, final losses,
 *                                       generated samples, variants skipped and why
 *   (verdict-long: long-<L>x<N>-i<it>-<variant>.csv and long-<L>x<N>-i<it>.json — with --per-variant one
 *   JSON per variant, long-<L>x<N>-i<it>-<variant>.json — and checkpoints/ while running)
 *
 * Result columns: PROGRESS_COLUMNS, then VALIDATION_COLUMNS:
 *   variant    `<name>/<impl>` (src/studies/variants.ts)
 *   seed       initialisation seed of the run
 *   val_loss   mean cross-entropy on the validation text, nats/char (bits/char = val_loss / ln 2)
 *   val_bpc    the same in bits/char
 *   val_chars  validation characters evaluated for this row (blocks spread over the validation text, src/lstm/validation.ts)
 *   val_cpu, val_time  process CPU and wall seconds of that evaluation (not part of the training times)
 */
import { command } from '../../command-name';
import { machineSlug } from '../../io/machine';
import { StudyCommands, sweepFolder } from '../../io/results-root';
import { PROGRESS_COLUMNS } from '../../lstm/training-loop';

export const VERDICT_COMMAND = command('sweep', 'verdict');
export const VERDICT_LONG_COMMAND = command('sweep', 'verdict-long');

/** Where the verdict comes from, for the line a reader sees when it is missing. */
export const VERDICT_COMMANDS: StudyCommands = {
  what: 'verdict', full: VERDICT_COMMAND, fullTime: 'about 15 minutes per seed and size at 2x128 on a 2-core machine', quick: `${VERDICT_COMMAND} --quick`, quickTime: 'about a minute',
};

export const VERDICT_LONG_COMMANDS: StudyCommands = {
  what: 'long-run', full: VERDICT_LONG_COMMAND, fullTime: 'about 2.5 hours of CPU for all six variants, resumable', quick: `${VERDICT_LONG_COMMAND} --quick`, quickTime: 'about 20 seconds',
};

/** Where this machine's sweep writes (a sweep measures the machine it runs on). */
export function verdictDir(quick: boolean, machine = machineSlug()): string {
  return sweepFolder('verdict', quick, machine);
}

export function verdictLongDir(quick: boolean, machine = machineSlug()): string {
  return sweepFolder('verdict-long', quick, machine);
}

export const jobStem = (size: NetSize, seed: number, iterations: number): string => `${sizeLabel(size)}-s${seed}-i${iterations}`;
export const longStem = (size: NetSize, iterations: number): string => `long-${sizeLabel(size)}-i${iterations}`;
export const SPLIT_FILE = 'split.json';

export const VALIDATION_COLUMNS = ['variant', 'seed', 'val_loss', 'val_bpc', 'val_chars', 'val_cpu', 'val_time'] as const;

/** The verdict's CSV columns: the progress schema, then the validation columns. */
export const verdictColumns = (): string[] => [...PROGRESS_COLUMNS, ...VALIDATION_COLUMNS];

export interface NetSize {
  layers: number;
  neurons: number;
}

export const sizeLabel = (s: NetSize): string => `${s.layers}x${s.neurons}`;
