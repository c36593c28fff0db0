/**
 * The long run of every variant (notebook 05, the README answer), from results/verdict-long
 * (src/studies/verdict/sweep.ts, `sweep verdict-long`): per variant its progress rows (training and
 * validation loss), final losses, generated sample, and the sessions (segments) its job ran in, with the
 * load, wall and CPU seconds of each.
 *
 * Both layouts of the folder read the same: one job JSON for all variants (trained interleaved), or one
 * JSON per variant (`--per-variant`, possibly on separate machines — their wall times then do not compare
 * fairly, their CPU times only on equal machines; `layout` says which). The job files are read by
 * src/studies/verdict/analysis.ts (readVerdictDir); this module adds the segments and the per-variant view.
 */
import { num, signed } from '../../analysis/format';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../io/paths';
import type { MeasuredUnit } from '../../io/load';
import { ResultRow } from '../../io/results';
import { LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection } from '../../io/results-root';
import { BASELINE_ID, parseVariantId, variantRank } from '../variants';
import { VERDICT_LONG_COMMAND, VERDICT_LONG_COMMANDS } from './results';
export { VERDICT_LONG_COMMANDS } from './results';
import { intervalSavings, IntervalSaving, lossDifference, savingSummary } from '../../stats/compare';
import { Estimate } from '../../stats/stats';
import { direction, pct, pctCi, readVerdictDir, VerdictRunResult } from './analysis';
import { measurePair } from './rule';

export { VERDICT_LONG_COMMAND } from './results';

/** One session of a job: where a resumed run stopped and started again, with its load and times. */
export interface LongSegment extends MeasuredUnit {
  /** the job's JSON file */
  job: string;
  /** 1-based session number within the job */
  session: number;
  variants: string[];
}

export interface LongResults {
  dir: string;
  label: string;
  quick: boolean;
  size: string;
  iterations: number;
  /** 'interleaved': all variants in one job (a fair wall-time comparison); 'per-variant': a job each */
  layout: 'interleaved' | 'per-variant';
  /** one per variant, canonical order (tanh/scalar first) */
  runs: VerdictRunResult[];
  segments: LongSegment[];
  skipped: { variant: string; reason: string }[];
}

/**
 * The long runs of a verdict-long folder: the jobs with the most iterations (a folder may also hold
 * shorter trial runs), one run per variant. MissingResultsError (naming the command) when there is none.
 */
export function readLongDir(dir: string, quick = false): LongResults {
  const { jobs: all } = readVerdictDir(dir, `${VERDICT_LONG_COMMAND}${quick ? ' --quick' : ''}`);
  const longJobs = all.filter((j) => j.source === 'verdict-long');
  const iterations = Math.max(...longJobs.map((j) => j.iterations));
  const jobs = longJobs.filter((j) => j.iterations === iterations);
  const runs: VerdictRunResult[] = [];
  for (const r of jobs.flatMap((j) => j.runs)) if (!runs.some((x) => x.variant === r.variant)) runs.push(r);
  runs.sort((a, b) => variantRank(a.variant) - variantRank(b.variant));
  const segments = jobs.flatMap((j) => {
    const json = JSON.parse(readFileSync(join(dir, j.file), 'utf8')) as { segments?: MeasuredUnit[]; unit?: MeasuredUnit };
    return (json.segments ?? (json.unit ? [json.unit] : [])).map((s, k): LongSegment => ({ ...s, job: j.file, session: k + 1, variants: j.runs.map((r) => r.variant) }));
  });
  return {
    dir, label: relative(projectRoot(), dir) || dir, quick, size: jobs[0].size, iterations,
    layout: jobs.some((j) => j.runs.length > 1) ? 'interleaved' : 'per-variant',
    runs, segments,
    skipped: jobs.flatMap((j) => j.skipped).filter((s, k, a) => !runs.some((r) => r.variant === s.variant) && a.findIndex((x) => x.variant === s.variant) === k),
  };
}

/** One root's long runs (results/verdict-long/<machine>[/quick]); MissingResultsError when there are none. */
export const readLongRoot = (root: ResultsRoot): LongResults => readLongDir(machineFolder(root, 'verdict-long'), root.profile === 'quick');

/** The notebook's loader: the first root of the selection with long runs; else prints the commands that produce them. */
export function loadLongResults(selection: ResultsSelection, options?: LoadOptions): (LongResults & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readLongRoot, VERDICT_LONG_COMMANDS, options);
}

// ------------------------------------------------------------------ comparisons

export interface LongComparison {
  variant: string;
  /** 1 − variant/tanh-scalar training time (forward + backward + Adam): whole run and per interval */
  wall: Estimate & { overall: number };
  cpu: Estimate & { overall: number };
  wallOverRun: IntervalSaving[];
  cpuOverRun: IntervalSaving[];
  /** final validation loss, variant − tanh/scalar, nats/char (one seed: no interval) */
  valDiff: number;
  /** the same difference averaged over the last 20% of progress rows, with its spread over those rows */
  valTail: Estimate;
  /** final smoothed training loss, variant − tanh/scalar, nats/char */
  trainDiff: number;
}

/** The validation loss as the `loss` column, so compare.lossDifference can align and difference it. */
const asValidationLoss = (rows: readonly ResultRow[]): ResultRow[] => rows.map((r) => ({ ...r, loss: r.val_loss }));

/** Every variant other than tanh/scalar against it; empty without tanh/scalar. */
export function compareLong(runs: readonly VerdictRunResult[]): LongComparison[] {
  const base = runs.find((r) => r.variant === BASELINE_ID);
  if (!base) return [];
  return runs.filter((r) => r !== base).map((r) => ({
    variant: r.variant,
    wall: savingSummary(base.rows, r.rows, 'total_time'),
    cpu: savingSummary(base.rows, r.rows, 'total_cpu'),
    wallOverRun: intervalSavings(base.rows, r.rows, 'total_time'),
    cpuOverRun: intervalSavings(base.rows, r.rows, 'total_cpu'),
    valDiff: r.val_loss - base.val_loss,
    valTail: lossDifference(asValidationLoss(base.rows), asValidationLoss(r.rows)).tail,
    trainDiff: Number(r.rows[r.rows.length - 1].loss) - Number(base.rows[base.rows.length - 1].loss),
  }));
}

// ------------------------------------------------------------------ display

const fix = num;

/** Final losses per variant, in nats/char and bits/char. */
export function longLossRows(runs: readonly VerdictRunResult[]): Record<string, string>[] {
  const base = runs.find((r) => r.variant === BASELINE_ID);
  return runs.map((r) => ({
    variant: r.variant,
    activations: parseVariantId(r.variant)?.description ?? '',
    'training loss (nats/char)': fix(r.train_loss, 4),
    'training bits/char': fix(r.train_loss / Math.LN2, 4),
    'validation loss (nats/char)': fix(r.val_loss, 4),
    'validation bits/char': fix(r.val_bpc, 4),
    'validation − tanh/scalar (nats/char)': base ? (r === base ? 'baseline' : signed(r.val_loss - base.val_loss, 4)) : 'n/a',
    'validation − tanh/scalar (bits/char)': base ? (r === base ? 'baseline' : signed(r.val_bpc - base.val_bpc, 4)) : 'n/a',
    'validation characters': String(r.val_chars),
  }));
}

/** Time savings against tanh/scalar per variant: whole run and per-interval mean with its 95% CI. */
export function longSavingRows(c: readonly LongComparison[]): Record<string, string>[] {
  return c.map((x) => ({
    variant: x.variant,
    'wall time saved, whole run': pct(x.wall.overall),
    'wall saved per interval (95% CI)': pctCi(x.wall),
    'CPU time saved, whole run': pct(x.cpu.overall),
    'CPU saved per interval (95% CI)': pctCi(x.cpu),
    intervals: String(x.wall.n),
  }));
}

/** The sessions every job ran in: load before and after, wall and CPU seconds. */
export function longSegmentRows(segments: readonly LongSegment[]): Record<string, string>[] {
  return segments.map((s) => ({
    job: s.job, session: String(s.session), variants: s.variants.join(', '),
    'load before': fix(s.load_before, 2), 'load after': fix(s.load_after, 2),
    'wall s': fix(s.wall_seconds, 1), 'CPU s': fix(s.cpu_seconds, 1),
  }));
}

// ------------------------------------------------------------------ conclusion

const savingWords = (e: Estimate & { overall: number }, what: string): string => {
  const d = direction(e);
  return `${pct(e.overall)} of tanh/scalar's ${what} (per interval ${pctCi(e)}${d === 'higher' ? ', a saving beyond the noise' : d === 'lower' ? ', slower beyond the noise' : ', not distinguishable from zero'})`;
};

/** Per activation run with both implementations: how far apart their final validation losses end (the same function rounded differently). */
function implementationGaps(runs: readonly VerdictRunResult[]): string[] {
  const names = [...new Set(runs.map((r) => parseVariantId(r.variant)?.name).filter((x): x is NonNullable<typeof x> => !!x))];
  return names.flatMap((name) => {
    const sc = runs.find((r) => r.variant === `${name}/scalar`), si = runs.find((r) => r.variant === `${name}/simd`);
    return sc && si ? [`${name} ${Math.abs(sc.val_loss - si.val_loss).toFixed(4)}`] : [];
  });
}

/**
 * The conclusion paragraph of the long runs: per variant the time saved against tanh/scalar (wall and
 * CPU) and the validation-loss difference at the end (nats and bits per character), which variants save
 * CPU time beyond the noise of the progress intervals, and — by notebook 08's rule — no judgement of the
 * loss: one seed gives no interval over seeds, and the progress rows of one run are correlated, not
 * replicates. The scalar/SIMD gap of one function and the loss at equal time give the scale instead.
 */
export function longConclusion(r: Pick<LongResults, 'runs' | 'size' | 'iterations' | 'layout' | 'quick' | 'skipped'>): string {
  const c = compareLong(r.runs);
  if (c.length === 0) return `No comparison: ${r.runs.some((x) => x.variant === BASELINE_ID) ? 'only the baseline tanh/scalar has a long run' : 'tanh/scalar, the baseline, has no long run'} in these results.`;
  const head = `${r.quick ? 'Quick profile (a few hundred iterations: the mechanics, not a result). ' : ''}One run per variant at ${r.size}, ${r.iterations} iterations, seed 1, ${r.layout === 'interleaved' ? 'all variants interleaved in one job' : 'one job per variant (wall times compare only if the jobs shared one machine and its load; CPU times only on equal machines)'}.`;
  const parts = c.map((x) =>
    `${x.variant} saves ${savingWords(x.wall, 'training wall time')} and ${savingWords(x.cpu, 'process CPU time')}; its validation loss ends ${signed(x.valDiff, 4)} nats/char (${signed(x.valDiff / Math.LN2, 4)} bits/char) from tanh/scalar's, ` +
    `${signed(x.valTail.mean, 4)} on average over the last 20% of the progress rows`);
  const equalTime = r.runs.filter((x) => { const v = parseVariantId(x.variant); return v && v.name !== 'tanh'; }).flatMap((x) => {
    const b = r.runs.find((y) => y.variant === `tanh/${parseVariantId(x.variant)!.impl}`);
    return b ? [`${x.variant} ${signed(measurePair(x, b).equalTime.wall, 4)} vs ${b.variant}`] : [];
  });
  const faster = c.filter((x) => direction(x.cpu) === 'higher').map((x) => x.variant);
  const gaps = implementationGaps(r.runs);
  const verdict = [
    faster.length ? `Faster in CPU time beyond the noise of the progress intervals: ${faster.join(', ')}.` : 'No variant is faster in CPU time beyond the noise of the progress intervals.',
    `On the loss this run decides nothing: with one seed there is no interval over seeds, and the progress rows of one run are correlated, not replicates — by notebook 08's rule (docs/decisions/025-verdict-rule.md) a single run is neither a drop-in nor a penalty.`,
    equalTime.length ? `For the record, validation loss at equal training time (wall clock, per-row sample): ${equalTime.join(', ')} nats/char.` : '',
    gaps.length ? `For scale, the scalar and SIMD runs of one function, which differ only in rounding, end this far apart: ${gaps.join(', ')} nats/char.` : '',
  ].filter(Boolean).join(' ');
  const skipped = r.skipped.length ? ` Not measured in this build: ${r.skipped.map((s) => s.variant).join(', ')}.` : '';
  return `${head} ${parts.join('; ')}. ${verdict} Notebook 08 pairs 5 seeds at 2x128 for a decision.${skipped}`;
}
