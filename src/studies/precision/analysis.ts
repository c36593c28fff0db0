/**
 * Float vs double per variant (notebook 07, the README answer), from a precision folder
 * (src/studies/precision/sweep.ts): every variant's f32 and f64 progress files, and the job's JSON when
 * there is one. Files written before the variants existed (tanh/scalar only, the study's columns, no JSON)
 * read as the tanh/scalar pair.
 *
 * Comparisons (all runs of a folder were trained interleaved from one seed, so they share the load):
 *  - per variant, the f32/f64 time ratio (wall and process CPU): whole run, and per progress interval
 *    with its 95% interval; and the loss difference f32 − f64;
 *  - per precision, every variant's time saving over tanh/scalar (1 − variant/tanh-scalar time), and its
 *    final loss difference.
 * Pure over what the loaders read, apart from the loaders themselves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../io/paths';
import { MissingResultsError, readResults, ResultRow } from '../../io/results';
import { LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../../io/results-root';
import type { Precision } from '../../lstm/buffers';
import { STUDY_PROGRESS_COLUMNS } from '../../lstm/training-loop';
import { allVariants, BASELINE_ID, parseVariantId } from '../variants';
import { PRECISION_COMMAND, PRECISIONS, precisionJobName, precisionProfile, precisionProgressName } from './results';
import { intervalSavings, lossDifference, LossDifference, TimePhase } from '../../stats/compare';
import { Estimate, estimate } from '../../stats/stats';
import { direction, pct, pctCi } from '../verdict/analysis';

export { PRECISION_COMMAND, PRECISIONS, precisionProfile } from './results';

/** One variant's pair of runs. */
export interface PrecisionPair {
  variant: string;
  f32: ResultRow[];
  f64: ResultRow[];
}

/** What the job's JSON records (absent for files written before it existed). */
export interface PrecisionJobInfo {
  load_before: number;
  load_after: number;
  wall_seconds: number;
  cpu_seconds: number;
  skipped: { variant: string; reason: string }[];
}

export interface PrecisionResults {
  dir: string;
  /** `dir` relative to the project root */
  label: string;
  quick: boolean;
  size: string;
  /** canonical variant order, tanh/scalar first when present */
  pairs: PrecisionPair[];
  job?: PrecisionJobInfo;
}

/**
 * Every variant of a precision folder that has both files; MissingResultsError (naming the command) when
 * none has, or a file is malformed.
 */
export function readPrecisionDir(dir: string, quick = false): PrecisionResults {
  const p = precisionProfile(quick);
  const command = `${PRECISION_COMMAND}${quick ? ' --quick' : ''}`;
  const file = (x: Precision, id: string): string => join(dir, precisionProgressName(x, p.layers, p.neurons, id));
  const pairs: PrecisionPair[] = [];
  for (const v of allVariants()) {
    if (!PRECISIONS.every((x) => existsSync(file(x, v.id)))) continue;
    const read = (x: Precision): ResultRow[] => readResults(file(x, v.id), { command, columns: STUDY_PROGRESS_COLUMNS });
    pairs.push({ variant: v.id, f32: read('f32'), f64: read('f64') });
  }
  if (pairs.length === 0) throw new MissingResultsError(file('f64', BASELINE_ID), 'No results yet at', command);
  const jobFile = join(dir, precisionJobName(p.layers, p.neurons));
  let job: PrecisionJobInfo | undefined;
  if (existsSync(jobFile)) {
    const j = JSON.parse(readFileSync(jobFile, 'utf8')) as { unit: Omit<PrecisionJobInfo, 'skipped'>; skipped?: PrecisionJobInfo['skipped'] };
    job = { ...j.unit, skipped: j.skipped ?? [] };
  }
  return { dir, label: relative(projectRoot(), dir) || dir, quick, size: `${p.layers}x${p.neurons}`, pairs, job };
}

export const PRECISION_COMMANDS: StudyCommands = {
  what: 'float vs double', full: PRECISION_COMMAND, fullTime: 'about 20 minutes', quick: `${PRECISION_COMMAND} --quick`, quickTime: 'about 20 seconds',
};

/** One root's runs (results/precision/<machine>[/quick]); MissingResultsError when it has none. */
export const readPrecisionRoot = (root: ResultsRoot): PrecisionResults => readPrecisionDir(machineFolder(root, 'precision'), root.profile === 'quick');

/** The notebook's loader: the first root of the selection with runs; else prints the commands that produce them. */
export function loadPrecision(selection: ResultsSelection, options?: LoadOptions): (PrecisionResults & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readPrecisionRoot, PRECISION_COMMANDS, options);
}

// ------------------------------------------------------------------ comparisons

/** Time of run b relative to run a in a phase: whole run (last row) and per progress interval with its 95% CI. */
export interface TimeRatio extends Estimate {
  overall: number;
}

/** b/a time ratio: each interval's b time / a time, and the cumulative ratio at the last row. */
export function timeRatio(a: readonly ResultRow[], b: readonly ResultRow[], phase: TimePhase): TimeRatio {
  const iv = intervalSavings(a, b, phase);
  return { ...estimate(iv.map((s) => 1 - s.saving)), overall: iv.length ? 1 - iv[iv.length - 1].cumulativeSaving : NaN };
}

export interface PrecisionComparison {
  variant: string;
  /** f32 time / f64 time (< 1: float faster), wall and process CPU (forward + backward + Adam) */
  wall: TimeRatio;
  cpu: TimeRatio;
  /** loss f32 − f64 over the run */
  loss: LossDifference;
  /** final smoothed training loss of each precision */
  finalLoss: Record<Precision, number>;
}

const lastLoss = (rows: readonly ResultRow[]): number => Number(rows[rows.length - 1].loss);

/** Per variant: f32 against f64. */
export function comparePrecisions(pairs: readonly PrecisionPair[]): PrecisionComparison[] {
  return pairs.map((p) => ({
    variant: p.variant,
    wall: timeRatio(p.f64, p.f32, 'total_time'),
    cpu: timeRatio(p.f64, p.f32, 'total_cpu'),
    loss: lossDifference(p.f64, p.f32),
    finalLoss: { f32: lastLoss(p.f32), f64: lastLoss(p.f64) },
  }));
}

export interface VariantSaving {
  precision: Precision;
  variant: string;
  /** 1 − variant time / tanh-scalar time in the same precision (> 0: the variant is faster) */
  wall: TimeRatio;
  cpu: TimeRatio;
  /** final smoothed training loss, variant − tanh/scalar (nats/char) */
  lossDiff: number;
}

/** A ratio r as the saving 1 − r (interval bounds swap). */
const asSaving = (r: TimeRatio): TimeRatio => ({ ...r, mean: 1 - r.mean, median: 1 - r.median, low: 1 - r.high, high: 1 - r.low, overall: 1 - r.overall });

/** Within each precision, every variant against tanh/scalar (the baseline included: zero by construction); empty without tanh/scalar. */
export function variantSavings(pairs: readonly PrecisionPair[]): VariantSaving[] {
  const base = pairs.find((p) => p.variant === BASELINE_ID);
  if (!base) return [];
  return PRECISIONS.flatMap((x) =>
    pairs.map((p) => ({
      precision: x, variant: p.variant,
      wall: asSaving(timeRatio(base[x], p[x], 'total_time')),
      cpu: asSaving(timeRatio(base[x], p[x], 'total_cpu')),
      lossDiff: lastLoss(p[x]) - lastLoss(base[x]),
    })),
  );
}

/**
 * Where f32 and f64 part: the first progress row from which the loss gap stays above a threshold (a
 * single row above it, followed by rows back below, is rounding, not a split), the largest gap before
 * it, and what the f64 run's loss did around it. Two runs of one trajectory stay within float's
 * rounding (~1e-7 nats/char here) while training is stable, on a plateau or a steady descent; at an
 * unstable point, where a run leaves a plateau, any difference is amplified.
 */
export interface PrecisionSplit {
  /** the first iteration from which |f32 − f64| stays above the threshold */
  iteration: number;
  /** the last iteration before it, and the largest |f32 − f64| up to there */
  lastTogether: number;
  gapBefore: number;
  /** f64 loss at lastTogether and at the last row */
  lossAtSplit: number;
  lossAtEnd: number;
  /** f64 loss as many rows before lastTogether as there are after it (the first row when there are fewer) */
  lossWindowBefore: number;
  iterationWindowBefore: number;
}

/**
 * Just above the rounding level: at 5x100 over 10 000 iterations, f32 and f64 losses differ by 4e-8 to
 * 9e-8 nats/char while a run stays on its starting plateau (one row of the ISRU cell touched 1.2e-7 and
 * came back), and every run that parts goes from there to 1e-5 or more within two progress rows.
 */
export const SPLIT_THRESHOLD = 1e-7;

/** Where a variant's f32 and f64 runs part; undefined when the gap is within the threshold at the last row. */
export function precisionSplit(pair: PrecisionPair, threshold = SPLIT_THRESHOLD): PrecisionSplit | undefined {
  const d = lossDifference(pair.f64, pair.f32);
  let together = -1;
  d.differences.forEach((x, i) => {
    if (Math.abs(x) <= threshold) together = i;
  });
  const k = together + 1;
  if (together < 0 || k >= d.differences.length) return undefined;
  const loss = new Map(pair.f64.map((r) => [Number(r.iteration), Number(r.loss)]));
  const at = (i: number): number => loss.get(d.iterations[i]) ?? NaN;
  const last = d.iterations.length - 1;
  const before = Math.max(0, (k - 1) - (last - (k - 1)));
  return {
    iteration: d.iterations[k],
    lastTogether: d.iterations[k - 1],
    gapBefore: Math.max(...d.differences.slice(0, k).map(Math.abs)),
    lossAtSplit: at(k - 1),
    lossAtEnd: at(last),
    lossWindowBefore: at(before),
    iterationWindowBefore: d.iterations[before],
  };
}

// ------------------------------------------------------------------ display

const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratioCi = (r: TimeRatio): string => (r.n > 1 && Number.isFinite(r.low) ? `${fix(r.mean, 3)} [${fix(r.low, 3)}, ${fix(r.high, 3)}]` : `${fix(r.mean, 3)} (n = ${r.n}, no CI)`);
const exp = (x: number): string => (Number.isFinite(x) ? x.toExponential(2) : 'n/a');

/** Notebook 07's first table: one row per variant. */
export function precisionTableRows(c: readonly PrecisionComparison[]): Record<string, string>[] {
  return c.map((x) => ({
    variant: x.variant,
    activations: parseVariantId(x.variant)?.description ?? '',
    'f32/f64 wall time, whole run': fix(x.wall.overall, 3),
    'f32/f64 wall per interval (95% CI)': ratioCi(x.wall),
    'f32/f64 CPU time, whole run': fix(x.cpu.overall, 3),
    'f32/f64 CPU per interval (95% CI)': ratioCi(x.cpu),
    'final loss f64 (nats/char)': fix(x.finalLoss.f64, 6),
    'loss f32 − f64 at the end': exp(x.loss.final),
    'largest |f32 − f64|': exp(Math.max(...x.loss.differences.map(Math.abs))),
  }));
}

/** Notebook 07's second table: one row per precision × variant. */
export function variantSavingRows(s: readonly VariantSaving[]): Record<string, string>[] {
  return s.map((x) => ({
    precision: x.precision,
    variant: x.variant,
    'wall saved, whole run': pct(x.wall.overall),
    'wall saved per interval (95% CI)': pctCi(x.wall),
    'CPU saved, whole run': pct(x.cpu.overall),
    'CPU saved per interval (95% CI)': pctCi(x.cpu),
    'final loss − tanh/scalar (nats/char)': fix(x.lossDiff, 4),
  }));
}

// ------------------------------------------------------------------ conclusion

function ratioWords(r: TimeRatio, what: string): string {
  // a ratio below 1 beyond its interval: float is faster
  const d = direction({ ...r, mean: r.mean - 1, low: r.low - 1, high: r.high - 1 });
  const verb = d === 'lower' ? 'faster' : d === 'higher' ? 'slower' : 'neither faster nor slower beyond the noise';
  return `${fix(r.overall, 3)}× f64's ${what} (per interval ${ratioCi(r)}: ${verb})`;
}

/**
 * The conclusion paragraph: per variant, f32's time relative to f64 (wall and CPU) and how far the loss
 * moved; then which variants save time over tanh/scalar in each precision. A difference counts when its
 * 95% interval excludes zero (for ratios: excludes 1).
 */
export function precisionConclusion(r: Pick<PrecisionResults, 'pairs' | 'size' | 'job'>): string {
  const c = comparePrecisions(r.pairs);
  const iterations = Number(r.pairs[0].f64[r.pairs[0].f64.length - 1].iteration) + 1;
  const parts = c.map((x) => {
    const moved = Math.max(...x.loss.differences.map(Math.abs));
    return `${x.variant}: f32 takes ${ratioWords(x.wall, 'wall time')} and ${ratioWords(x.cpu, 'CPU time')}, and its loss ends ${exp(x.loss.final)} nats/char from f64's (largest gap ${exp(moved)}${moved < 1e-3 ? ', far below anything that matters for training' : ''})`;
  });
  const splits = r.pairs.flatMap((p) => {
    const s = precisionSplit(p);
    return s ? [{ variant: p.variant, s }] : [];
  });
  const splitWords = splits.map(({ variant, s }) =>
    `${variant} stays within ${exp(s.gapBefore)} of f64 up to iteration ${s.lastTogether} and parts from iteration ${s.iteration}, ` +
    `where f64's loss goes from ${fix(s.lossAtSplit, 3)} to ${fix(s.lossAtEnd, 3)} by the end ` +
    `(and from ${fix(s.lossWindowBefore, 3)} at iteration ${s.iterationWindowBefore} to ${fix(s.lossAtSplit, 3)} before that)`);
  const split = splits.length
    ? `Where the precisions part (a gap above ${exp(SPLIT_THRESHOLD)}): ${splitWords.join('; ')}. A rounding difference grows where the trajectory is unstable, as when a run leaves a plateau, ` +
      'and stays tiny while training is stable; compare the final losses, not the gap, to judge whether f32 trains as well.'
    : '';
  const head = `At ${r.size}, ${iterations} iterations, one seed, all runs interleaved: ${parts.join('; ')}.`;
  const s = variantSavings(r.pairs);
  const per = PRECISIONS.map((x) => {
    const here = s.filter((v) => v.precision === x && v.variant !== BASELINE_ID);
    if (here.length === 0) return '';
    const faster = here.filter((v) => direction(v.cpu) === 'higher').map((v) => `${v.variant} ${pct(v.cpu.overall)}`);
    return `In ${x}, ${faster.length ? `faster than tanh/scalar in CPU time beyond the noise: ${faster.join(', ')}` : 'no variant is faster than tanh/scalar in CPU time beyond the noise'}.`;
  }).filter(Boolean);
  const missing = r.pairs.length === 1 ? 'Only one variant has results here (files written before the variants were part of this sweep, or a --variants subset).' : '';
  const skipped = r.job?.skipped.length ? `Not measured in this build: ${r.job.skipped.map((k) => k.variant).join(', ')}.` : '';
  return [head, split, ...per, missing, skipped].filter(Boolean).join(' ');
}
