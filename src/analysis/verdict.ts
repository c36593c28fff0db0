/**
 * The verdict from results/verdict and results/verdict-long (src/experiments/verdict.ts): per size ×
 * variant × implementation, the training-time saving against tanh with scalar activations and the
 * validation-loss difference, each with a paired 95% confidence interval — paired seed by seed (the
 * variants of a seed were trained interleaved from the same initial parameters), or, for the single long
 * run, interval by interval for the time (src/analysis/compare.ts) and as one pair for the loss.
 *
 * Also: a computed conclusion paragraph, and the original study's published headline claims with what
 * this machine's data says about each. Everything here is pure over what the loaders read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SplitRecord } from '../data/split';
import { projectRoot } from '../io/paths';
import { MissingResultsError, readResults, ResultRow } from '../io/results';
import { firstLoadable, LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../io/results-root';
import { BASELINE_ID, parseVariantId, variantRank } from '../experiments/variants';
import { SPLIT_FILE, VERDICT_COMMAND, VERDICT_LONG_COMMAND } from '../experiments/verdict';
import { NET_SIZE_COMMAND } from '../experiments/net-size';
import { VALIDATION_COLUMNS } from '../experiments/verdict-runs';
import { savingSummary } from './compare';
import { Estimate, estimate, median, pairedEstimate } from './stats';

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
  unit?: { load_before: number; load_after: number };
  segments?: { load_before: number; load_after: number }[];
  /** each run's progress CSV, beside the JSON */
  runs: (Omit<VerdictRunResult, 'source' | 'size' | 'rows'> & { csv?: string })[];
  skipped?: { variant: string; reason: string }[];
}

/**
 * The job summaries of a verdict or verdict-long folder (their CSVs beside them); throws
 * MissingResultsError naming the command when there is none.
 */
export function readVerdictDir(dir: string, command: string): { split?: SplitRecord; jobs: VerdictJobResult[] } {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json') && n !== SPLIT_FILE).sort() : [];
  if (names.length === 0) throw new MissingResultsError(dir, 'No results yet in', command);
  const jobs = names.map((name): VerdictJobResult => {
    const j = JSON.parse(readFileSync(join(dir, name), 'utf8')) as JobJson;
    const stem = name.slice(0, -'.json'.length);
    const units = j.segments ?? (j.unit ? [j.unit] : []);
    return {
      source: j.kind, file: name, size: j.size, iterations: j.iterations,
      loads: units.map((u) => ({ before: u.load_before, after: u.load_after })),
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

/** Where the verdict comes from, for the line a reader sees when it is missing. */
export const VERDICT_COMMANDS: StudyCommands = {
  what: 'verdict', full: VERDICT_COMMAND, fullTime: 'about 15 minutes per seed and size at 2x128 on a 2-core machine', quick: `${VERDICT_COMMAND} --quick`, quickTime: 'about a minute',
};

/**
 * The verdict results of one root: the main sweep (results/verdict/<machine>[/quick]) and, beside it, the
 * long run of the same profile (a quick long run beside full seeds would mix two studies). Throws
 * MissingResultsError when the main sweep has none.
 */
export function readVerdictRoot(root: ResultsRoot): VerdictResults {
  const dir = machineFolder(root, 'verdict');
  const quick = root.profile === 'quick';
  const main: VerdictResults = { dir, label: relative(projectRoot(), dir) || dir, quick, ...readVerdictDir(dir, `${VERDICT_COMMAND}${quick ? ' --quick' : ''}`) };
  try {
    main.jobs.push(...readVerdictDir(machineFolder(root, 'verdict-long'), VERDICT_LONG_COMMAND).jobs);
  } catch (err) {
    if (!(err instanceof MissingResultsError)) throw err;
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

const sizeKey = (s: string): number[] => s.split('x').map(Number);

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

/** "12.3%" (n/a for a missing value) */
export const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const nats = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
/** "12.3% [10.1%, 14.5%]", or the mean alone without a spread. */
export const pctCi = (e: Estimate): string => (e.n > 1 && Number.isFinite(e.low) ? `${pct(e.mean)} [${pct(e.low)}, ${pct(e.high)}]` : `${pct(e.mean)} (n = ${e.n}, no CI)`);
export const natsCi = (e: Estimate): string => (e.n > 1 && Number.isFinite(e.low) ? `${nats(e.mean)} [${nats(e.low)}, ${nats(e.high)}]` : `${nats(e.mean)} (n = ${e.n}, no CI)`);

/** The table as display rows (notebook 08): one line per size × variant, CIs in brackets. */
export function verdictTableRows(cells: readonly VerdictCell[]): Record<string, string | number>[] {
  return cells.map((c) => {
    const v = parseVariantId(c.variant);
    const base = c.variant === BASELINE_ID;
    return {
      run: c.source === 'verdict' ? `${c.size}, ${c.pairs} seed${c.pairs === 1 ? '' : 's'}` : `${c.size} long run`,
      variant: v ? v.name : c.variant,
      activations: v ? v.def.description : '',
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

/** "+0.0123 [-0.0040, +0.0286]": a loss difference with its sign. */
const signedNatsCi = (e: Estimate): string => {
  const sgn = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : 'n/a');
  return e.n > 1 && Number.isFinite(e.low) ? `${sgn(e.mean)} [${sgn(e.low)}, ${sgn(e.high)}]` : `${sgn(e.mean)} (n = ${e.n}, no CI)`;
};

/** Whether the loss difference has an interval: one seed (the long run) has none, so its loss cannot be judged. */
const lossJudged = (c: VerdictCell): boolean => c.lossDiff.n > 1 && Number.isFinite(c.lossDiff.low);

/**
 * An ISRU variant is a faster drop-in where it beats the equally implemented tanh beyond the noise and its
 * loss difference has an interval that does not lie above zero.
 */
const isDropIn = (c: VerdictCell): boolean => !!c.fair && direction(c.fair.saving) === 'higher' && lossJudged(c) && direction(c.lossDiff) !== 'higher';

/**
 * For runs of one seed, the scale of trajectory noise that one can still see: per variant with both
 * implementations, how far apart the final validation losses of its scalar and SIMD runs are. Both
 * compute the same function and differ only in rounding, so the gap is noise by construction.
 */
function implementationGaps(here: readonly VerdictCell[]): { name: string; gap: number }[] {
  const names = [...new Set(here.map((c) => parseVariantId(c.variant)?.name).filter((x): x is NonNullable<typeof x> => !!x))];
  return names.flatMap((name) => {
    const runs = here.filter((c) => parseVariantId(c.variant)?.name === name);
    const scalar = runs.find((c) => parseVariantId(c.variant)?.impl === 'scalar');
    const simd = runs.find((c) => parseVariantId(c.variant)?.impl === 'simd');
    return scalar && simd && Number.isFinite(scalar.valLoss) && Number.isFinite(simd.valLoss) ? [{ name, gap: Math.abs(scalar.valLoss - simd.valLoss) }] : [];
  });
}

/** One size's paragraph: the fair time comparison, the one against tanh+scalar, and the loss differences. */
function sizeParagraph(source: string, size: string, here: readonly VerdictCell[]): string {
  const n = here[0].pairs;
  const label = source === 'verdict' ? `At ${size} (${n} seed${n === 1 ? '' : 's'}, every variant paired with tanh seed by seed)` : `In the ${size} long run (one seed; time paired per progress interval)`;
  const isru = here.filter((c) => c.fair);
  const fair = isru.map((c) => `${c.variant} ${pctCi(c.fair!.saving)} (CPU ${pctCi(c.fair!.cpuSaving)})`).join(', ');
  const scalar = here.map((c) => `${c.variant} ${pctCi(c.saving)}`).join(', ');
  const loss = here.map((c) => `${c.variant} ${signedNatsCi(c.lossDiff)}`).join(', ');
  const parts = [
    isru.length ? `training time saved against tanh computed the same way (scalar against scalar, SIMD against SIMD; the fair comparison): ${fair}` : '',
    `against tanh+scalar: ${scalar}`,
    `final validation loss minus tanh+scalar's, nats/char: ${loss}`,
  ].filter(Boolean);
  return `${label}: ${parts.join('; ')}.`;
}

/**
 * The conclusion paragraph: per size the fair comparison (each ISRU variant against tanh with the same
 * implementation), the comparison with tanh+scalar and the loss differences, then the verdict — which
 * ISRU variants are faster drop-ins, and the largest loss penalty their 95% intervals leave possible.
 */
export function verdictConclusion(cells: readonly VerdictCell[], skipped: readonly { variant: string; reason: string }[] = []): string {
  const { sizes, verdict } = verdictConclusionParts(cells, skipped);
  return [...sizes, verdict].join(' ');
}

/** The conclusion in its parts: one paragraph per size, then the verdict (the README lists them as bullets). */
export function verdictConclusionParts(cells: readonly VerdictCell[], skipped: readonly { variant: string; reason: string }[] = []): { sizes: string[]; verdict: string } {
  const others = cells.filter((c) => c.variant !== BASELINE_ID);
  if (others.length === 0) return { sizes: [], verdict: 'No variant besides the baseline has results yet: nothing to conclude.' };
  const keys = [...new Set(others.map((c) => `${c.source}|${c.size}`))].map((k) => k.split('|'));
  const parts = keys.map(([source, size]) => sizeParagraph(source, size, others.filter((c) => c.source === source && c.size === size)));
  const where = (c: VerdictCell): string => `${c.variant} at ${c.size}${c.source === 'verdict-long' ? ' (long run)' : ''}`;
  const dropIns = others.filter(isDropIn);
  const penalised = others.filter((c) => c.fair && direction(c.lossDiff) === 'higher');
  const notFaster = others.filter((c) => c.fair && direction(c.fair.saving) !== 'higher');
  const unjudged = others.filter((c) => c.fair && direction(c.fair.saving) === 'higher' && !lossJudged(c));
  const bound = dropIns.map((c) => c.lossDiff.high);
  const unjudgedWords = (): string => {
    const gaps = [...new Set(unjudged.map((c) => `${c.source}|${c.size}`))].flatMap((k) =>
      implementationGaps(cells.filter((c) => `${c.source}|${c.size}` === k)).map((g) => `${g.name} ${g.gap.toFixed(4)}`));
    return `Faster than an equally implemented tanh beyond the noise, but with one seed the loss cannot be judged: ` +
      `${unjudged.map((c) => `${where(c)} (${signedNatsCi(c.lossDiff)})`).join(', ')}` +
      `${gaps.length ? `; for scale, the scalar and SIMD runs of one variant, the same function rounded differently, end this far apart in validation loss: ${gaps.join(', ')} nats/char` : ''}.`;
  };
  const verdict = [
    dropIns.length
      ? `Verdict: ISRU is a faster drop-in for tanh in ${dropIns.map(where).join(', ')}: faster than an equally implemented tanh beyond the noise, with no validation-loss penalty beyond the noise (the 95% intervals allow at most +${Math.max(...bound).toFixed(4)} nats/char).`
      : 'Verdict: no ISRU variant is both faster than an equally implemented tanh beyond the noise and free of a validation-loss penalty beyond the noise in these results.',
    penalised.length ? `A validation-loss penalty beyond the noise: ${penalised.map((c) => `${where(c)} (${signedNatsCi(c.lossDiff)})`).join(', ')}.` : '',
    unjudged.length ? unjudgedWords() : '',
    notFaster.length ? `Not faster than the equally implemented tanh beyond the noise: ${notFaster.map(where).join(', ')}.` : '',
  ].filter(Boolean);
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  const missing = skipped.length ? ` Not measured in this build: ${[...new Set(skipped.map((s) => s.variant))].join(', ')} (${reasons[0]}${reasons.length > 1 ? `, and ${reasons.length - 1} similar reason${reasons.length > 2 ? 's' : ''}` : ''}).` : '';
  return { sizes: parts, verdict: `${verdict.join(' ')}${missing}` };
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

/**
 * The original's two headline claims, judged on this machine's cell-only swap (isru with the scalar
 * implementation against tanh+scalar: the swap the original made):
 *  1. "1–2% acceleration … on small networks": confirmed when the smallest verdict size's saving is above 0
 *     beyond the noise (exceeded when even its lower bound is above 2%), refuted when its interval lies
 *     below 1%, inconclusive otherwise;
 *  2. "expect even better results with larger LSTM RNNs": confirmed when the larger network's saving
 *     interval lies above the smaller one's, refuted when it lies below, inconclusive when they overlap —
 *     compared over `trend` when given (the network-size sweep's narrowest and widest networks), else over
 *     the verdict's smallest and largest sizes; not measured with a single size.
 */
export function checkClaims(cells: readonly VerdictCell[], variant = 'isru/scalar', trend?: SizeTrend): ClaimCheck[] {
  const own = cells.filter((c) => c.variant === variant && c.saving.n > 0);
  const params = (c: VerdictCell): number => sizeKey(c.size)[0] * sizeKey(c.size)[1] ** 2;
  const sorted = [...own].sort((a, b) => params(a) - params(b) || (a.source === 'verdict' ? -1 : 1));
  const small = sorted[0], large = sorted[sorted.length - 1];
  const label = (c: VerdictCell): string => `${c.size}${c.source === 'verdict-long' ? ' (long run)' : ''}`;
  const claim = (text: string, evidence: string, status: ClaimCheck['status'], explanation: string): ClaimCheck => ({ claim: text, source: ORIGINAL_SOURCE, evidence, status, explanation });
  const claim1 = '1–2% acceleration … on small networks';
  const claim2 = 'expect even better results with larger LSTM RNNs';
  const out: ClaimCheck[] = [];
  if (!small) {
    out.push(claim(claim1, `no ${variant} results`, 'not measured', `run \`${VERDICT_COMMAND}\``));
  } else {
    const s = small.saving;
    const ev1 = `${variant} vs tanh+scalar at ${label(small)}: saving ${pctCi(s)}`;
    if (s.n > 1 && s.low > 0.02) out.push(claim(claim1, ev1, 'confirmed', 'an acceleration beyond the noise, larger than the claimed 1–2%'));
    else if (s.n > 1 && s.low > 0) out.push(claim(claim1, ev1, 'confirmed', 'an acceleration beyond the noise, of the claimed order'));
    else if (s.n > 1 && s.high < 0.01) out.push(claim(claim1, ev1, 'refuted', 'the whole 95% interval lies below a 1% acceleration'));
    else out.push(claim(claim1, ev1, 'inconclusive', 'the 95% interval includes no acceleration as well as 1–2%'));
  }
  const pair = trend
    ? { s: trend.small.saving, l: trend.large.saving, evidence: `${variant} vs tanh+scalar in the ${trend.source}: saving at ${trend.large.label} ${pctCi(trend.large.saving)} vs at ${trend.small.label} ${pctCi(trend.small.saving)}` }
    : small && large !== small && params(large) !== params(small)
      ? { s: small.saving, l: large.saving, evidence: `saving at ${label(large)} ${pctCi(large.saving)} vs at ${label(small)} ${pctCi(small.saving)}` }
      : undefined;
  if (!pair) {
    const why = small ? `only one network size (${small.size}) measured` : `no ${variant} results`;
    out.push(claim(claim2, why, 'not measured', `run \`${NET_SIZE_COMMAND}\` or \`${VERDICT_LONG_COMMAND}\` for larger networks`));
    return out;
  }
  const { s, l, evidence } = pair;
  if (l.n > 1 && s.n > 1 && l.low > s.high) out.push(claim(claim2, evidence, 'confirmed', 'the larger networks save more, beyond both intervals'));
  else if (l.n > 1 && s.n > 1 && l.high < s.low) out.push(claim(claim2, evidence, 'refuted', 'the larger networks save less, beyond both intervals'));
  else out.push(claim(claim2, evidence, 'inconclusive', 'the intervals overlap'));
  return out;
}

/** The load the measurements ran under: the 1-minute load average before and after every block. */
export function loadSummary(jobs: readonly VerdictJobResult[]): { blocks: number; median: number; max: number } {
  const all = jobs.flatMap((j) => j.loads.flatMap((l) => [l.before, l.after])).filter(Number.isFinite);
  if (all.length === 0) return { blocks: 0, median: NaN, max: NaN };
  return { blocks: all.length / 2, median: median(all), max: Math.max(...all) };
}
