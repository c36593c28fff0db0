/**
 * What the verdict sweeps leave on disk: folders, file names, columns and the commands that make them.
 * The sweeps (./sweep.ts) write these files; the analyses (./analysis.ts, ./long-run.ts) read them.
 *
 * Output (results/verdict[-long]/<machine>[/quick]; results/verdict[-long]-<corpus>/… for another packaged corpus):
 *   split.json                          the held-out split (documents, years, characters, checksums)
 *   <L>x<N>-s<seed>-i<it>-<variant>.csv progress + validation columns (below)
 *   <L>x<N>-s<seed>-i<it>.json          per job: load before/after, wall and CPU seconds, final losses,
 *                                       generated samples, variants skipped and why, the learning rate
 *   lr-<rate>/                          the same files for runs at a learning rate other than the default
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
import { join } from 'node:path';
import { command } from '../../command-name';
import { DEFAULT_CORPUS, packagedCorpus } from '../../data/corpus';
import { DEFAULT_TRAINER } from '../../lstm/trainer';
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

/**
 * The study a verdict sweep's results belong to: the study itself for the default corpus (and for a file,
 * whose split the folder's split.json guards), `<study>-<name>` for another packaged corpus
 * (`verdict-moby-dick`), so its runs never mix with the default corpus's.
 */
export function corpusStudy(study: string, corpus?: string): string {
  const named = packagedCorpus(corpus);
  return named === undefined || named === DEFAULT_CORPUS ? study : `${study}-${named}`;
}

/** Where this machine's sweep writes (a sweep measures the machine it runs on). */
export function verdictDir(quick: boolean, machine = machineSlug(), corpus?: string): string {
  return sweepFolder(corpusStudy('verdict', corpus), quick, machine);
}

export function verdictLongDir(quick: boolean, machine = machineSlug(), corpus?: string): string {
  return sweepFolder(corpusStudy('verdict-long', corpus), quick, machine);
}

export const jobStem = (size: NetSize, seed: number, iterations: number): string => `${sizeLabel(size)}-s${seed}-i${iterations}`;

// ------------------------------------------------------------------ learning rates

/** Adam's learning rate of the verdict's runs unless told otherwise: the rate of every run before rates could be chosen. */
export const DEFAULT_LEARNING_RATE = DEFAULT_TRAINER.lr;
export const RATE_FOLDER_PREFIX = 'lr-';

/**
 * Where the runs at a learning rate go inside a verdict folder: the folder itself for the default rate (so
 * its file names are those of every earlier sweep), `lr-<rate>/` for any other. The verdict reads only
 * the folder's own files, so runs at other rates never mix into it, and no rate writes over another's.
 */
export function rateFolder(dir: string, rate: number): string {
  return rate === DEFAULT_LEARNING_RATE ? dir : join(dir, `${RATE_FOLDER_PREFIX}${rate}`);
}

/** The learning rate a `lr-<rate>` folder name stands for; undefined for any other name. */
export function folderRate(name: string): number | undefined {
  if (!name.startsWith(RATE_FOLDER_PREFIX)) return undefined;
  const text = name.slice(RATE_FOLDER_PREFIX.length);
  const rate = Number(text);
  // only the spelling rateFolder writes, so a folder is never read as two rates
  return Number.isFinite(rate) && rate > 0 && String(rate) === text ? rate : undefined;
}

export const longStem = (size: NetSize, iterations: number): string => `long-${sizeLabel(size)}-i${iterations}`;
export const SPLIT_FILE = 'split.json';

export const VALIDATION_COLUMNS = ['variant', 'seed', 'val_loss', 'val_bpc', 'val_chars', 'val_cpu', 'val_time'] as const;

/** The verdict's CSV columns: the progress schema, then the validation columns. */
export const verdictColumns = (): string[] => [...PROGRESS_COLUMNS, ...VALIDATION_COLUMNS];

import { NetSize, sizeLabel } from '../../lstm/size';

export { NetSize, sizeLabel } from '../../lstm/size';
