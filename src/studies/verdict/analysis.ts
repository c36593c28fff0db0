/**
 * The verdict from results/verdict and results/verdict-long (src/studies/verdict/sweep.ts): per size ×
 * variant × implementation, the training-time saving against tanh with scalar activations and the
 * validation-loss difference, each with a paired 95% confidence interval — paired seed by seed (the
 * variants of a seed were trained interleaved from the same initial parameters), or, for the single long
 * run, interval by interval for the time (src/stats/compare.ts) and as one pair for the loss.
 *
 * The verdict itself — the decision rule, its conclusion and the original study's claim — is
 * src/studies/verdict/rule.ts and verdict-rule-report.ts. Everything here is pure over what the loaders read.
 */
import { sizeKey } from '../../lstm/size';
import { num, pct, withCi } from '../../analysis/format';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SplitRecord } from '../../data/split';
import { projectRoot } from '../../io/paths';
import { isAbsentResults, MissingResultsError, readResults, ResultRow } from '../../io/results';
import { firstLoadable, LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection } from '../../io/results-root';
import { BASELINE_ID, parseVariantId, variantRank } from '../variants';
import { corpusStudy, DEFAULT_LEARNING_RATE, SPLIT_FILE, VALIDATION_COLUMNS, VERDICT_COMMAND, VERDICT_COMMANDS, VERDICT_LONG_COMMAND } from './results';
import { DEFAULT_CORPUS, PackagedCorpus } from '../../data/corpus';
import { savingSummary } from '../../stats/compare';
import { Estimate, estimate, loadLevel, median, pairedEstimate } from '../../stats/stats';

export { VERDICT_COMMANDS } from './results';

// ------------------------------------------------------------------ reading

/** One trained network of a verdict job (the job JSON's `runs` entry), with its progress rows. */
export interface VerdictRunResult {
  source: 'verdict' | 'verdict-long';
  size: string;
  seed: number;
  variant: string;
  train_loss: number;
  val_loss: number;
  val_bpc: number;
  val_chars: number;
  /** wall and process-CPU seconds of forward + backward + Adam over the run */
  train_time: number;
  train_cpu: number;
  sample: string;
  rows: ResultRow[];
}

export interface VerdictJobResult {
  source: 'verdict' | 'verdict-long';
  file: string;
  size: string;
  iterations: number;
  /** the 1-minute load average before and after each measured block (a long run: one per session) */
  loads: { before: number; after: number }[];
  /** Adam's learning rate of the job's runs (a job that records none ran at the default) */
  learningRate?: number;
  runs: VerdictRunResult[];
  skipped: { variant: string; reason: string }[];
}

export interface VerdictResults {
  dir: string;
  /** `dir` relative to the project root, for printing */
  label: string;
  quick: boolean;
  split?: SplitRecord;
  jobs: VerdictJobResult[];
}

interface JobJson {
  kind: 'verdict' | 'verdict-long';
  size: string;
  iterations: number;
  learning_rate?: number;
  unit?: { load_before: number; load_after: number };
  segments?: { load_before: number; load_after: number }[];
  /** each run's progress CSV, beside the JSON */
  runs: (Omit<VerdictRunResult, 'source' | 'size' | 'rows'> & { csv?: string })[];
  skipped?: { variant: string; reason: string }[];
}

/**
 * The job summaries of a verdict or verdict-long folder (their CSVs beside them) whose runs trained at
 * `learningRate` (default: the default rate; a job that records none ran at it); throws
 * MissingResultsError naming the command when there is none. Only the folder's own files are read, not
 * the `lr-<rate>/` folders inside it (src/studies/verdict/learning-rates.ts reads those).
 */
export function readVerdictDir(dir: string, command: string, learningRate = DEFAULT_LEARNING_RATE): { split?: SplitRecord; jobs: VerdictJobResult[] } {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json') && n !== SPLIT_FILE).sort() : [];
  const parsed = names.map((name) => ({ name, j: JSON.parse(readFileSync(join(dir, name), 'utf8')) as JobJson }))
    .filter(({ j }) => (j.learning_rate ?? DEFAULT_LEARNING_RATE) === learningRate);
  if (parsed.length === 0) {
    throw new MissingResultsError(dir, learningRate === DEFAULT_LEARNING_RATE ? 'No results yet in' : `No results at learning rate ${learningRate} yet in`, command);
  }
  const jobs = parsed.map(({ name, j }): VerdictJobResult => {
    const stem = name.slice(0, -'.json'.length);
    const units = j.segments ?? (j.unit ? [j.unit] : []);
    return {
      source: j.kind, file: name, size: j.size, iterations: j.iterations,
      loads: units.map((u) => ({ before: u.load_before, after: u.load_after })),
      learningRate,
      skipped: j.skipped ?? [],
      runs: j.runs.map((r) => ({
        ...r, source: j.kind, size: j.size,
        rows: readResults(join(dir, r.csv ?? `${stem}-${r.variant.replace('/', '-')}.csv`), { command, columns: VALIDATION_COLUMNS }),
      })),
    };
  });
  const splitFile = join(dir, SPLIT_FILE);
  return { split: existsSync(splitFile) ? (JSON.parse(readFileSync(splitFile, 'utf8')) as SplitRecord) : undefined, jobs };
}

/**
 * The verdict results of one root: the main sweep (results/verdict/<machine>[/quick]) and, beside it, the
 * long run of the same profile (a quick long run beside full seeds would mix two studies). `corpus` names
 * a packaged corpus other than the default (results/verdict-<corpus>/…). Throws MissingResultsError when
 * the main sweep has none.
 */
export function readVerdictRoot(root: ResultsRoot, corpus?: PackagedCorpus): VerdictResults {
  const dir = machineFolder(root, corpusStudy('verdict', corpus));
  const quick = root.profile === 'quick';
  const corpusFlag = corpus === undefined || corpus === DEFAULT_CORPUS ? '' : ` --corpus ${corpus}`;
  const main: VerdictResults = { dir, label: relative(projectRoot(), dir) || dir, quick, ...readVerdictDir(dir, `${VERDICT_COMMAND}${quick ? ' --quick' : ''}${corpusFlag}`) };
  try {
    main.jobs.push(...readVerdictDir(machineFolder(root, corpusStudy('verdict-long', corpus)), `${VERDICT_LONG_COMMAND}${corpusFlag}`).jobs);
  } catch (err) {
    if (!isAbsentResults(err)) throw err;
  }
  return main;
}

/** The notebook's loader: the first root of the selection with verdict results; else prints the commands that produce them. */
export function loadVerdict(selection: ResultsSelection, options?: LoadOptions): (VerdictResults & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readVerdictRoot, VERDICT_COMMANDS, options);
}

/** One root's verdict results, or undefined when it has none (the README answer). */
export function readVerdictResults(root: ResultsRoot): VerdictResults | undefined {
  return firstLoadable(root, readVerdictRoot)?.value;
}

// ------------------------------------------------------------------ the table

/** A variant against one baseline: training-time saving (wall and CPU) and validation-loss difference, paired. */
export interface Comparison {
  /** the baseline's variant id */
  baseline: string;
  /** pairs with the baseline (seeds; 1 for the long run) */
  pairs: number;
  /** 1 − variant/baseline training time (wall), paired per seed (long run: per progress interval) */
  saving: Estimate;
  /** the same in process CPU time */
  cpuSaving: Estimate;
  /** how the time saving was paired */
  pairedBy: 'seed' | 'interval';
  /** variant − baseline final validation loss, paired per seed (nats/char) */
  lossDiff: Estimate;
}

/** One size × variant: its comparison with tanh+scalar (the table's main columns) and with the fair tanh. */
export interface VerdictCell extends Comparison {
  source: 'verdict' | 'verdict-long';
  size: string;
  variant: string;
  /** mean final validation loss, nats/char */
  valLoss: number;
  /**
   * Against tanh with the same activation implementation (scalar with scalar, SIMD with SIMD): what the
   * activation itself saves once tanh is computed as well as ISRU is. Undefined for the tanh variants.
   */
  fair?: Comparison;
}


interface RunPair {
  r: VerdictRunResult;
  b: VerdictRunResult;
}

/** The runs of one source × size × variant, each with `baseline`'s run of the same seed (runs without one dropped). */
function pairsWith(runs: readonly VerdictRunResult[], group: readonly VerdictRunResult[], baseline: string): RunPair[] {
  return group
    .map((r) => ({ r, b: runs.find((b) => b.source === r.source && b.size === r.size && b.seed === r.seed && b.variant === baseline) }))
    .filter((p): p is RunPair => !!p.b);
}

/** Time savings and loss difference of paired runs against their baseline; undefined without a pair. */
function compareWith(pairs: readonly RunPair[], baseline: string): Comparison | undefined {
  if (pairs.length === 0) return undefined;
  // a single long run has one pair: its time is paired interval by interval instead
  const byInterval = pairs.length === 1 && pairs[0].r.source === 'verdict-long';
  return {
    baseline, pairs: pairs.length, pairedBy: byInterval ? 'interval' : 'seed',
    saving: byInterval ? savingSummary(pairs[0].b.rows, pairs[0].r.rows, 'total_time') : estimate(pairs.map((p) => 1 - p.r.train_time / p.b.train_time)),
    cpuSaving: byInterval ? savingSummary(pairs[0].b.rows, pairs[0].r.rows, 'total_cpu') : estimate(pairs.map((p) => 1 - p.r.train_cpu / p.b.train_cpu)),
    lossDiff: pairedEstimate(pairs.map((p) => ({ a: p.r.val_loss, b: p.b.val_loss }))),
  };
}

/** One cell per source × size × variant (the baseline included: zero by construction), in reading order. */
export function verdictTable(jobs: readonly VerdictJobResult[]): VerdictCell[] {
  const runs = jobs.flatMap((j) => j.runs);
  const groups = new Map<string, VerdictRunResult[]>();
  for (const r of runs) {
    const k = `${r.source}|${r.size}|${r.variant}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const cells: VerdictCell[] = [];
  for (const group of groups.values()) {
    const { source, size, variant } = group[0];
    const paired = pairsWith(runs, group, BASELINE_ID);
    const main = compareWith(paired, BASELINE_ID);
    if (!main) continue;
    const v = parseVariantId(variant);
    const fairId = v && v.name !== 'tanh' ? `tanh/${v.impl}` : undefined;
    const fair = fairId ? compareWith(pairsWith(runs, group, fairId), fairId) : undefined;
    cells.push({ source, size, variant, ...main, fair, valLoss: estimate(paired.map((p) => p.r.val_loss)).mean });
  }
  return cells.sort((a, b) => (a.source === b.source ? 0 : a.source === 'verdict' ? -1 : 1) || sizeKey(a.size)[0] - sizeKey(b.size)[0] || sizeKey(a.size)[1] - sizeKey(b.size)[1] || variantRank(a.variant) - variantRank(b.variant));
}

export { pct } from '../../analysis/format';
const nats = (x: number): string => num(x, 4);
const noCi = (e: Estimate): string => `(n = ${e.n}, no CI)`;
/** "12.3% [10.1%, 14.5%]", or the mean and its count without a spread. */
export const pctCi = (e: Estimate): string => withCi(e, pct, noCi(e));
export const natsCi = (e: Estimate): string => withCi(e, nats, noCi(e));

/** The table as display rows (notebook 08): one line per size × variant, CIs in brackets. */
export function verdictTableRows(cells: readonly VerdictCell[]): Record<string, string | number>[] {
  return cells.map((c) => {
    const v = parseVariantId(c.variant);
    const base = c.variant === BASELINE_ID;
    return {
      run: c.source === 'verdict' ? `${c.size}, ${c.pairs} seed${c.pairs === 1 ? '' : 's'}` : `${c.size} long run`,
      variant: v ? v.name : c.variant,
      activations: v ? v.description : '',
      implementation: v ? v.impl : '',
      'time saved vs tanh+scalar (95% CI)': base ? 'baseline' : `${pctCi(c.saving)}${c.pairedBy === 'interval' ? ' per interval' : ''}`,
      'CPU time saved (95% CI)': base ? 'baseline' : pctCi(c.cpuSaving),
      'time saved vs tanh, same implementation (95% CI)': c.fair ? pctCi(c.fair.saving) : '—',
      'validation loss (nats/char)': nats(c.valLoss),
      'validation bits/char': nats(c.valLoss / Math.LN2),
      'loss difference vs tanh+scalar (95% CI)': base ? 'baseline' : natsCi(c.lossDiff),
    };
  });
}

// ------------------------------------------------------------------ judgements

export type Direction = 'higher' | 'lower' | 'unclear';

/** Whether an estimate is above or below zero beyond its 95% interval (no interval: 'unclear'). */
export function direction(e: Estimate): Direction {
  if (!(e.n > 1) || !Number.isFinite(e.low)) return 'unclear';
  return e.low > 0 ? 'higher' : e.high < 0 ? 'lower' : 'unclear';
}

// ------------------------------------------------------------------ the original study's claims

/** Where the quoted claims come from. */
export const ORIGINAL_SOURCE = 'the original study, "LSTM networks optimization for embedded devices" (its published README)';

export interface ClaimCheck {
  claim: string;
  source: string;
  /** what was compared */
  evidence: string;
  status: 'confirmed' | 'refuted' | 'inconclusive' | 'not measured';
  explanation: string;
}

/**
 * The saving of one variant at the smallest and the largest networks of an experiment with more sizes than
 * the verdict's (the network-size sweep): the better evidence on how the saving changes with size.
 */
export interface SizeTrend {
  /** where the numbers come from, for the evidence text */
  source: string;
  small: { label: string; saving: Estimate };
  large: { label: string; saving: Estimate };
}

/** The load the measurements ran under: the 1-minute load average before and after every block. */
export function loadSummary(jobs: readonly VerdictJobResult[]): { blocks: number; median: number; max: number } {
  const all = jobs.flatMap((j) => j.loads.flatMap((l) => [l.before, l.after])).filter(Number.isFinite);
  return { blocks: all.length / 2, ...loadLevel(all) };
}
