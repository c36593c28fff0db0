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
import { machineSlug } from '../io/machine';
import { projectRoot } from '../io/paths';
import { MissingResultsError, readFullElseQuick, readResults, ResultRow } from '../io/results';
import { BASELINE_ID, parseVariantId, VARIANT_DEFS } from '../experiments/variants';
import { SPLIT_FILE, VERDICT_COMMAND, VERDICT_LONG_COMMAND, verdictDir, verdictLongDir } from '../experiments/verdict';
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

/** This machine's verdict results: the full profile, else the quick one; the long run of the same profile beside them when present. */
export function loadVerdict(machine = machineSlug()): VerdictResults | undefined {
  const main = readFullElseQuick(
    (quick) => ({ quick, dir: verdictDir(quick, machine), label: relative(projectRoot(), verdictDir(quick, machine)), ...readVerdictDir(verdictDir(quick, machine), `${VERDICT_COMMAND}${quick ? ' --quick' : ''}`) }),
    (err) => `No verdict results for ${machine}: run \`${VERDICT_COMMAND}\` (full) or \`${VERDICT_COMMAND} --quick\`. ${err.message}`,
  );
  if (!main) return undefined;
  // the long run of the same profile only: a quick long run beside full seeds would mix two studies
  try {
    main.jobs.push(...readVerdictDir(verdictLongDir(main.quick, machine), VERDICT_LONG_COMMAND).jobs);
  } catch (err) {
    if (!(err instanceof MissingResultsError)) throw err;
  }
  return main;
}

/** Results from a results folder of any machine (the README answer): undefined when there are none. */
export function readVerdictResults(resultsDir: string, machine: string): VerdictResults | undefined {
  try {
    const dir = join(resultsDir, 'verdict', machine);
    const main = { dir, label: dir, quick: false, ...readVerdictDir(dir, VERDICT_COMMAND) };
    const long = join(resultsDir, 'verdict-long', machine);
    if (existsSync(long)) {
      try {
        main.jobs.push(...readVerdictDir(long, VERDICT_LONG_COMMAND).jobs);
      } catch (err) {
        if (!(err instanceof MissingResultsError)) throw err;
      }
    }
    return main;
  } catch (err) {
    if (err instanceof MissingResultsError) return undefined;
    throw err;
  }
}

// ------------------------------------------------------------------ the table

export interface VerdictCell {
  source: 'verdict' | 'verdict-long';
  size: string;
  variant: string;
  /** pairs with the baseline (seeds; 1 for the long run) */
  pairs: number;
  /** 1 − variant/baseline training time (wall), paired per seed (long run: per progress interval) */
  saving: Estimate;
  /** the same in process CPU time */
  cpuSaving: Estimate;
  /** how the time saving was paired */
  pairedBy: 'seed' | 'interval';
  /** mean final validation loss, nats/char */
  valLoss: number;
  /** variant − baseline final validation loss, paired per seed (nats/char) */
  lossDiff: Estimate;
}

const sizeKey = (s: string): number[] => s.split('x').map(Number);
const variantOrder = (id: string): number => {
  const v = parseVariantId(id);
  return v ? VARIANT_DEFS.findIndex((d) => d.name === v.name) * 2 + (v.impl === 'simd' ? 1 : 0) : 99;
};

/** One cell per source × size × variant (the baseline included: zero by construction), in reading order. */
export function verdictTable(jobs: readonly VerdictJobResult[]): VerdictCell[] {
  const runs = jobs.flatMap((j) => j.runs);
  const groups = new Map<string, VerdictRunResult[]>();
  for (const r of runs) {
    const k = `${r.source}|${r.size}|${r.variant}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const baseline = (r: VerdictRunResult): VerdictRunResult | undefined => runs.find((b) => b.source === r.source && b.size === r.size && b.seed === r.seed && b.variant === BASELINE_ID);
  const cells: VerdictCell[] = [];
  for (const group of groups.values()) {
    const pairs = group.map((r) => ({ r, b: baseline(r) })).filter((p): p is { r: VerdictRunResult; b: VerdictRunResult } => !!p.b);
    if (pairs.length === 0) continue;
    const { source, size, variant } = group[0];
    const byInterval = pairs.length === 1 && source === 'verdict-long';
    const saving = byInterval ? savingSummary(pairs[0].b.rows, pairs[0].r.rows, 'total_time') : estimate(pairs.map((p) => 1 - p.r.train_time / p.b.train_time));
    const cpuSaving = byInterval ? savingSummary(pairs[0].b.rows, pairs[0].r.rows, 'total_cpu') : estimate(pairs.map((p) => 1 - p.r.train_cpu / p.b.train_cpu));
    cells.push({
      source, size, variant, pairs: pairs.length, saving, cpuSaving, pairedBy: byInterval ? 'interval' : 'seed',
      valLoss: estimate(pairs.map((p) => p.r.val_loss)).mean,
      lossDiff: pairedEstimate(pairs.map((p) => ({ a: p.r.val_loss, b: p.b.val_loss }))),
    });
  }
  return cells.sort((a, b) => (a.source === b.source ? 0 : a.source === 'verdict' ? -1 : 1) || sizeKey(a.size)[0] - sizeKey(b.size)[0] || sizeKey(a.size)[1] - sizeKey(b.size)[1] || variantOrder(a.variant) - variantOrder(b.variant));
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const nats = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
/** "12.3% [10.1%, 14.5%]", or the mean alone without a spread. */
export const pctCi = (e: Estimate): string => (e.n > 1 && Number.isFinite(e.low) ? `${pct(e.mean)} [${pct(e.low)}, ${pct(e.high)}]` : `${pct(e.mean)} (n = ${e.n}, no CI)`);
export const natsCi = (e: Estimate): string => (e.n > 1 && Number.isFinite(e.low) ? `${nats(e.mean)} [${nats(e.low)}, ${nats(e.high)}]` : `${nats(e.mean)} (n = ${e.n}, no CI)`);

/** The table as display rows (notebook 08): one line per size × variant, CIs in brackets. */
export function verdictTableRows(cells: readonly VerdictCell[]): Record<string, string | number>[] {
  return cells.map((c) => {
    const v = parseVariantId(c.variant);
    return {
      run: c.source === 'verdict' ? `${c.size}, ${c.pairs} seed${c.pairs === 1 ? '' : 's'}` : `${c.size} long run`,
      variant: v ? v.name : c.variant,
      activations: v ? v.def.description : '',
      implementation: v ? v.impl : '',
      'time saved vs tanh+scalar (95% CI)': c.variant === BASELINE_ID ? 'baseline' : `${pctCi(c.saving)}${c.pairedBy === 'interval' ? ' per interval' : ''}`,
      'CPU time saved (95% CI)': c.variant === BASELINE_ID ? 'baseline' : pctCi(c.cpuSaving),
      'validation loss (nats/char)': nats(c.valLoss),
      'validation bits/char': nats(c.valLoss / Math.LN2),
      'loss difference vs tanh+scalar (95% CI)': c.variant === BASELINE_ID ? 'baseline' : natsCi(c.lossDiff),
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

function cellSentence(c: VerdictCell): string {
  const v = parseVariantId(c.variant);
  const name = v ? `${v.name} (${v.def.description}, ${v.impl})` : c.variant;
  const time = direction(c.saving);
  const loss = direction(c.lossDiff);
  const cpu = `in process CPU time ${pctCi(c.cpuSaving)}`;
  const timeText = time === 'higher' ? `is faster than tanh+scalar by ${pctCi(c.saving)} (${cpu})` : time === 'lower' ? `is slower than tanh+scalar (saving ${pctCi(c.saving)}; ${cpu})` : `is not measurably faster or slower than tanh+scalar (saving ${pctCi(c.saving)}; ${cpu})`;
  const lossText = loss === 'higher' ? `loses accuracy: validation loss +${natsCi(c.lossDiff)} nats/char` : loss === 'lower' ? `learns better: validation loss ${natsCi(c.lossDiff)} nats/char` : `shows no validation-loss difference beyond the noise (${natsCi(c.lossDiff)} nats/char)`;
  return `${name} ${timeText} and ${lossText}`;
}

/** The conclusion paragraph: one sentence per variant of every size, then the overall verdict. */
export function verdictConclusion(cells: readonly VerdictCell[], skipped: readonly { variant: string; reason: string }[] = []): string {
  const others = cells.filter((c) => c.variant !== BASELINE_ID);
  if (others.length === 0) return 'No variant besides the baseline has results yet: nothing to conclude.';
  const parts: string[] = [];
  for (const [source, size] of [...new Set(others.map((c) => `${c.source}|${c.size}`))].map((k) => k.split('|'))) {
    const here = others.filter((c) => c.source === source && c.size === size);
    const label = source === 'verdict' ? `At ${size} (${here[0].pairs} seed${here[0].pairs === 1 ? '' : 's'}, paired with tanh+scalar seed by seed)` : `In the ${size} long run (one seed; time paired per interval)`;
    parts.push(`${label}: ${here.map(cellSentence).join('; ')}.`);
  }
  const good = others.filter((c) => direction(c.saving) === 'higher' && direction(c.lossDiff) !== 'higher');
  const goodIds = [...new Set(good.map((c) => c.variant))];
  const verdict = good.length
    ? `Verdict: ${goodIds.join(', ')} ${goodIds.length === 1 ? 'is' : 'are'} faster than tanh+scalar beyond the noise without a validation-loss penalty beyond the noise${good.some((c) => c.lossDiff.n < 2) ? ' (where there is a single seed, the loss comparison has no interval)' : ''}.`
    : 'Verdict: no variant is both faster than tanh+scalar beyond the noise and free of a validation-loss penalty beyond the noise in these results.';
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  const missing = skipped.length ? ` Not measured in this build: ${[...new Set(skipped.map((s) => s.variant))].join(', ')} (${reasons[0]}${reasons.length > 1 ? `, and ${reasons.length - 1} similar reason${reasons.length > 2 ? 's' : ''}` : ''}).` : '';
  return `${parts.join(' ')} ${verdict}${missing}`;
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
 * The original's two headline claims, judged on this machine's cell-only swap (isru with the scalar
 * implementation against tanh+scalar: the swap the original made):
 *  1. "1–2% acceleration … on small networks": confirmed when the smallest size's saving is above 0
 *     beyond the noise (exceeded when even its lower bound is above 2%), refuted when its interval lies
 *     below 1%, inconclusive otherwise;
 *  2. "expect even better results with larger LSTM RNNs": confirmed when the largest size's saving
 *     interval lies above the smallest size's, refuted when it lies below, inconclusive when they overlap,
 *     not measured with a single size.
 */
export function checkClaims(cells: readonly VerdictCell[], variant = 'isru/scalar'): ClaimCheck[] {
  const own = cells.filter((c) => c.variant === variant && c.saving.n > 0);
  const params = (c: VerdictCell): number => sizeKey(c.size)[0] * sizeKey(c.size)[1] ** 2;
  const sorted = [...own].sort((a, b) => params(a) - params(b) || (a.source === 'verdict' ? -1 : 1));
  const small = sorted[0], large = sorted[sorted.length - 1];
  const claim1 = '1–2% acceleration … on small networks';
  const claim2 = 'expect even better results with larger LSTM RNNs';
  const out: ClaimCheck[] = [];
  if (!small) {
    out.push({ claim: claim1, source: ORIGINAL_SOURCE, evidence: `no ${variant} results`, status: 'not measured', explanation: `run \`${VERDICT_COMMAND}\`` });
    out.push({ claim: claim2, source: ORIGINAL_SOURCE, evidence: `no ${variant} results`, status: 'not measured', explanation: `run \`${VERDICT_COMMAND}\`` });
    return out;
  }
  const s = small.saving;
  const ev1 = `${variant} vs tanh+scalar at ${small.size}${small.source === 'verdict-long' ? ' (long run)' : ''}: saving ${pctCi(s)}`;
  if (s.n > 1 && s.low > 0.02) out.push({ claim: claim1, source: ORIGINAL_SOURCE, evidence: ev1, status: 'confirmed', explanation: 'an acceleration beyond the noise, larger than the claimed 1–2%' });
  else if (s.n > 1 && s.low > 0) out.push({ claim: claim1, source: ORIGINAL_SOURCE, evidence: ev1, status: 'confirmed', explanation: 'an acceleration beyond the noise, of the claimed order' });
  else if (s.n > 1 && s.high < 0.01) out.push({ claim: claim1, source: ORIGINAL_SOURCE, evidence: ev1, status: 'refuted', explanation: 'the whole 95% interval lies below a 1% acceleration' });
  else out.push({ claim: claim1, source: ORIGINAL_SOURCE, evidence: ev1, status: 'inconclusive', explanation: 'the 95% interval includes no acceleration as well as 1–2%' });
  if (large === small || params(large) === params(small)) {
    out.push({ claim: claim2, source: ORIGINAL_SOURCE, evidence: `only one network size (${small.size}) measured`, status: 'not measured', explanation: `run \`${VERDICT_COMMAND} --sizes ...\` or \`${VERDICT_LONG_COMMAND}\` for a larger network` });
    return out;
  }
  const l = large.saving;
  const ev2 = `saving at ${large.size}${large.source === 'verdict-long' ? ' (long run)' : ''} ${pctCi(l)} vs at ${small.size} ${pctCi(s)}`;
  if (l.n > 1 && s.n > 1 && l.low > s.high) out.push({ claim: claim2, source: ORIGINAL_SOURCE, evidence: ev2, status: 'confirmed', explanation: 'the larger network saves more, beyond both intervals' });
  else if (l.n > 1 && s.n > 1 && l.high < s.low) out.push({ claim: claim2, source: ORIGINAL_SOURCE, evidence: ev2, status: 'refuted', explanation: 'the larger network saves less, beyond both intervals' });
  else out.push({ claim: claim2, source: ORIGINAL_SOURCE, evidence: ev2, status: 'inconclusive', explanation: 'the intervals overlap' });
  return out;
}

/** The load the measurements ran under: the 1-minute load average before and after every block. */
export function loadSummary(jobs: readonly VerdictJobResult[]): { blocks: number; median: number; max: number } {
  const all = jobs.flatMap((j) => j.loads.flatMap((l) => [l.before, l.after])).filter(Number.isFinite);
  if (all.length === 0) return { blocks: 0, median: NaN, max: NaN };
  return { blocks: all.length / 2, median: median(all), max: Math.max(...all) };
}
