/**
 * Analysis of the network-size sweep (notebook 04): how much time every variant (src/studies/variants.ts)
 * saves over the baseline tanh/scalar per configuration, and how sure we are.
 *
 * Progress files hold cumulative times (docs/ARCHITECTURE.md, "Contracts"), so the time of one progress
 * interval is the difference of two consecutive rows. All variants of a configuration were interleaved
 * interval by interval (src/studies/net-size/sweep.ts), so each interval is one paired measurement of the
 * saving 1 − variant/baseline under the same machine load; the spread of those per-interval savings is
 * the noise of the measurement, summarised as a mean with a 95% t interval (src/stats/compare.ts,
 * src/stats/stats.ts), beside the whole-run saving (a ratio of the cumulative times of the last row).
 * Each is computed from wall-clock and from process CPU time.
 *
 * Folders from before the variant axis hold only the tanh/isru pairs and no config_<L>x<N>.json: they read
 * as the variants tanh/scalar and isru/scalar, with no load recorded.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingResultsError, readResults, ResultRow } from '../../io/results';
import { LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../../io/results-root';
import { STUDY_PROGRESS_COLUMNS } from '../../lstm/training-loop';
import { intervalSavings, IntervalSaving, lossDifference, phaseSeconds, savingSummary, TimePhase } from '../../stats/compare';
import { Estimate, estimate, loadLevel, median } from '../../stats/stats';
import { NET_SIZE_COMMAND, netSizeConfigFile, NetSizeConfigRecord, variantOfFilePart } from './results';
import { allVariants, BASELINE_ID, parseVariantId, variantRank } from '../variants';
import { SizeTrend } from '../verdict/analysis';
import { pct, pctCi as formatPctCi } from '../../analysis/format';

export { NET_SIZE_COMMAND, netSizeDir, netSizeProfile } from './results';
export { BASELINE_ID } from '../variants';
type Row = ResultRow;

/** The phases the notebook reports, by reader-facing name. */
export const SAVING_PHASES = { forward: 'forward_time', backward: 'back_time', adam: 'adam_time', total: 'total_time' } as const satisfies Record<string, TimePhase>;
export type SavingPhase = keyof typeof SAVING_PHASES;

/**
 * The same phases by process CPU time. A run that waits for a core (the machine is shared) gets a longer
 * wall clock but not more CPU time, so the CPU-time saving is the cross-check that load did not make it.
 */
export const CPU_PHASES = { forward: 'forward_cpu', backward: 'back_cpu', adam: 'adam_cpu', total: 'total_cpu' } as const satisfies Record<string, TimePhase>;

export interface IntervalTime {
  /** iteration of the row that ends the interval */
  iteration: number;
  /** iterations in the interval */
  iterations: number;
  /** seconds spent in the phase during the interval */
  seconds: number;
}

/**
 * Per-interval times from cumulative columns: interval k runs from row k−1 to row k (rows sorted by
 * iteration). The first row (iteration 0, one iteration with the warm-up) opens the first interval.
 */
export function intervalTimes(rows: readonly Row[], phase: TimePhase): IntervalTime[] {
  const r = rows.slice().sort((a, b) => Number(a.iteration) - Number(b.iteration));
  const out: IntervalTime[] = [];
  for (let k = 1; k < r.length; k++) {
    out.push({
      iteration: Number(r[k].iteration),
      iterations: Number(r[k].iteration) - Number(r[k - 1].iteration),
      seconds: phaseSeconds(r[k], phase) - phaseSeconds(r[k - 1], phase),
    });
  }
  return out;
}

// ------------------------------------------------------------------ reading

/** One configuration's runs, one per variant present, in the canonical variant order (baseline first). */
export interface NetSizeConfigRuns {
  /** "LxN" */
  config: string;
  layers: number;
  neurons: number;
  runs: { variant: string; rows: Row[] }[];
  /** config_<L>x<N>.json: load before/after, times, skipped variants (absent in folders from before it) */
  record?: NetSizeConfigRecord;
}

/**
 * The configurations of a net-size folder that have a baseline (tanh/scalar) run, sorted by layers then
 * neurons, with every variant's progress rows and the configuration's record when there is one. Throws
 * MissingResultsError (naming the command) when there is none, or a file is malformed.
 */
export function readNetSizeConfigs(dir: string, command = NET_SIZE_COMMAND): NetSizeConfigRuns[] {
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  const configs = new Map<string, NetSizeConfigRuns>();
  for (const n of names) {
    const m = /^progress_(\d+)x(\d+)_(.+)\.csv$/.exec(n);
    const v = m ? variantOfFilePart(m[3]) : undefined;
    if (!m || !v) continue;
    const config = `${m[1]}x${m[2]}`;
    const c = configs.get(config) ?? { config, layers: Number(m[1]), neurons: Number(m[2]), runs: [] };
    c.runs.push({ variant: v.id, rows: readResults(join(dir, n), { command, columns: STUDY_PROGRESS_COLUMNS }) });
    configs.set(config, c);
  }
  const out = [...configs.values()].filter((c) => c.runs.some((r) => r.variant === BASELINE_ID));
  if (out.length === 0) throw new MissingResultsError(join(dir, 'progress_<L>x<N>_tanh.csv'), 'No network-size results (a tanh/scalar run per configuration) yet at', command);
  for (const c of out) {
    c.runs.sort((a, b) => variantRank(a.variant) - variantRank(b.variant));
    const file = join(dir, netSizeConfigFile(c));
    if (existsSync(file)) c.record = JSON.parse(readFileSync(file, 'utf8')) as NetSizeConfigRecord;
  }
  return out.sort((a, b) => a.layers - b.layers || a.neurons - b.neurons);
}

/** One configuration's baseline run beside one variant's run. */
export interface NetSizePair {
  config: string;
  layers: number;
  neurons: number;
  /** the candidate's variant id, e.g. 'all-isru/simd' */
  variant: string;
  /** tanh/scalar rows */
  baseline: Row[];
  /** the variant's rows */
  candidate: Row[];
}

/**
 * The configurations that ran `variant`, each as a pair with its baseline run (tanh/scalar, or another
 * variant: `tanh/simd` for the comparison with a vectorised tanh).
 */
export function pairsOf(configs: readonly NetSizeConfigRuns[], variant: string, baseline = BASELINE_ID): NetSizePair[] {
  const out: NetSizePair[] = [];
  for (const c of configs) {
    const base = c.runs.find((r) => r.variant === baseline), cand = c.runs.find((r) => r.variant === variant);
    if (base && cand) out.push({ config: c.config, layers: c.layers, neurons: c.neurons, variant, baseline: base.rows, candidate: cand.rows });
  }
  return out;
}

/** The variants present besides the baseline, in canonical order. */
export function candidateVariants(configs: readonly NetSizeConfigRuns[]): string[] {
  const ids = new Set(configs.flatMap((c) => c.runs.map((r) => r.variant)));
  return allVariants().map((v) => v.id).filter((id) => id !== BASELINE_ID && ids.has(id));
}

/** A folder's pairs for one variant (default isru/scalar, the original study's comparison). */
export function readNetSizePairs(dir: string, command = NET_SIZE_COMMAND, variant = 'isru/scalar'): NetSizePair[] {
  if (!parseVariantId(variant)) throw new RangeError(`unknown variant '${variant}'`);
  const pairs = pairsOf(readNetSizeConfigs(dir, command), variant);
  if (pairs.length === 0) throw new MissingResultsError(join(dir, 'progress_<L>x<N>_<variant>.csv'), `No ${variant} runs beside tanh/scalar yet at`, command);
  return pairs;
}

export interface LoadedNetSize {
  machine: string;
  dir: string;
  quick: boolean;
  configs: NetSizeConfigRuns[];
  /** the variants compared with the baseline */
  variants: string[];
}

export const NET_SIZE_COMMANDS: StudyCommands = {
  what: 'network-size', full: NET_SIZE_COMMAND, fullTime: 'about 15 minutes', quick: `${NET_SIZE_COMMAND} --quick`, quickTime: 'about 20 seconds',
};

/** One root's sweep (results/net-size/<machine>[/quick]); MissingResultsError when it has none. */
export function readNetSizeRoot(root: ResultsRoot): LoadedNetSize {
  const dir = machineFolder(root, 'net-size');
  const quick = root.profile === 'quick';
  const configs = readNetSizeConfigs(dir, `${NET_SIZE_COMMAND}${quick ? ' --quick' : ''}`);
  return { machine: root.machine, dir, quick, configs, variants: candidateVariants(configs) };
}

/** The notebook's loader: the first root of the selection with a sweep; else prints the commands that produce one. */
export function loadNetSize(selection: ResultsSelection, options?: LoadOptions): (LoadedNetSize & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readNetSizeRoot, NET_SIZE_COMMANDS, options);
}

// ------------------------------------------------------------------ summaries

export type PhaseSaving = Estimate & { overall: number };
export type SavingClock = 'wall' | 'cpu';

/** One configuration's result for one variant against the baseline. */
export interface NetSizeSummary {
  config: string;
  layers: number;
  neurons: number;
  variant: string;
  /** iterations of each run (last row's iteration + 1) */
  iterations: number;
  /** per-interval saving estimate (mean, CI over intervals) and the whole-run saving (cumulative, last row) */
  forward: PhaseSaving;
  backward: PhaseSaving;
  total: PhaseSaving;
  /** the same by process CPU time (cross-check against machine load) */
  cpu: { forward: PhaseSaving; backward: PhaseSaving; total: PhaseSaving };
  /** smoothed training loss at the last rows (these runs are short: the start of training only) */
  lossBaseline: number;
  lossCandidate: number;
  /** candidate − baseline at the last common row */
  lossDifference: number;
}

export function summarizePair(p: NetSizePair): NetSizeSummary {
  const ld = lossDifference(p.baseline, p.candidate);
  const lastB = p.baseline[p.baseline.length - 1], lastC = p.candidate[p.candidate.length - 1];
  const saving = (phase: TimePhase): PhaseSaving => savingSummary(p.baseline, p.candidate, phase);
  return {
    config: p.config,
    layers: p.layers,
    neurons: p.neurons,
    variant: p.variant,
    iterations: Number(lastB.iteration) + 1,
    forward: saving(SAVING_PHASES.forward),
    backward: saving(SAVING_PHASES.backward),
    total: saving(SAVING_PHASES.total),
    cpu: { forward: saving(CPU_PHASES.forward), backward: saving(CPU_PHASES.backward), total: saving(CPU_PHASES.total) },
    lossBaseline: Number(lastB.loss),
    lossCandidate: Number(lastC.loss),
    lossDifference: ld.final,
  };
}

export function summarizeNetSize(pairs: readonly NetSizePair[]): NetSizeSummary[] {
  return pairs.map(summarizePair);
}

/** Every variant's summaries against the baseline, variant-major (canonical order), then layers, neurons. */
export function variantSummaries(configs: readonly NetSizeConfigRuns[]): NetSizeSummary[] {
  return candidateVariants(configs).flatMap((v) => summarizeNetSize(pairsOf(configs, v)));
}

/** The summaries of one variant. */
export const ofVariant = (s: readonly NetSizeSummary[], variant: string): NetSizeSummary[] => s.filter((c) => c.variant === variant);

/** Per-interval and cumulative saving of the candidate over the baseline for one configuration and phase. */
export function pairSavings(p: NetSizePair, phase: SavingPhase, clock: SavingClock = 'wall'): IntervalSaving[] {
  return intervalSavings(p.baseline, p.candidate, clock === 'cpu' ? CPU_PHASES[phase] : SAVING_PHASES[phase]);
}

const phaseOf = (c: NetSizeSummary, phase: 'forward' | 'backward' | 'total', clock: SavingClock): PhaseSaving => (clock === 'cpu' ? c.cpu : c)[phase];

/** Saving over the layers × neurons grid (rows: layers, columns: neurons; null where a config is missing). */
export interface SavingGrid {
  layers: number[];
  neurons: number[];
  /** z[i][j]: saving (fraction) of layers[i] × neurons[j] */
  z: (number | null)[][];
}

/** The grid of one variant's summaries (pass ofVariant(...) when the list holds several). */
export function savingGrid(s: readonly NetSizeSummary[], phase: 'forward' | 'backward' | 'total', stat: 'overall' | 'mean' | 'median' = 'overall', clock: SavingClock = 'wall'): SavingGrid {
  if (new Set(s.map((c) => c.variant)).size > 1) throw new RangeError('savingGrid: summaries of several variants; select one with ofVariant');
  const layers = [...new Set(s.map((c) => c.layers))].sort((a, b) => a - b);
  const neurons = [...new Set(s.map((c) => c.neurons))].sort((a, b) => a - b);
  const z = layers.map((l) => neurons.map((n) => {
    const c = s.find((x) => x.layers === l && x.neurons === n);
    return c ? phaseOf(c, phase, clock)[stat] : null;
  }));
  return { layers, neurons, z };
}

/** How sure the sweep is, per phase: configurations whose 95% CI lies above 0, below 0, or contains 0. */
export interface Confidence {
  above: string[];
  below: string[];
  unsure: string[];
  /** mean over configurations of the whole-run saving, with its 95% CI (configurations as samples) */
  pooled: Estimate;
  /** median over configurations of the CI half-width: the typical per-configuration uncertainty */
  medianHalfWidth: number;
}

/** The confidence of one variant's summaries (pass ofVariant(...) when the list holds several). */
export function confidence(s: readonly NetSizeSummary[], phase: 'forward' | 'backward' | 'total', clock: SavingClock = 'wall'): Confidence {
  const above: string[] = [], below: string[] = [], unsure: string[] = [];
  for (const c of s) {
    const e = phaseOf(c, phase, clock);
    if (e.low > 0) above.push(c.config);
    else if (e.high < 0) below.push(c.config);
    else unsure.push(c.config);
  }
  const halves = s.map((c) => (phaseOf(c, phase, clock).high - phaseOf(c, phase, clock).low) / 2).filter(Number.isFinite);
  const medianHalfWidth = halves.length ? median(halves) : NaN;
  return { above, below, unsure, pooled: estimate(s.map((c) => phaseOf(c, phase, clock).overall)), medianHalfWidth };
}

/** One configuration's per-interval savings, wall and CPU (the over-iterations and noise figures' input). */
export function savingSeries(pairs: readonly NetSizePair[]): { config: string; layers: number; neurons: number; forward: IntervalSaving[]; backward: IntervalSaving[]; forwardCpu: IntervalSaving[]; backwardCpu: IntervalSaving[] }[] {
  return pairs.map((p) => ({
    config: p.config, layers: p.layers, neurons: p.neurons,
    forward: pairSavings(p, 'forward'), backward: pairSavings(p, 'backward'),
    forwardCpu: pairSavings(p, 'forward', 'cpu'), backwardCpu: pairSavings(p, 'backward', 'cpu'),
  }));
}

// ------------------------------------------------------------------ per variant

/**
 * The variants the notebook looks at closely, in order of preference: all-isru/simd (every activation
 * replaced, vectorised: the most a swap can save) and isru/scalar (the original study's comparison).
 */
export const KEY_VARIANTS = ['all-isru/simd', 'isru/scalar'] as const;

/** The tanh a vectorised ISRU is fairly compared with: the same kernels, tanh's function. */
export const FAIR_TANH_ID = 'tanh/simd';

/** The first key variant present (folders from before the variant axis have isru/scalar only). */
export function keyVariant(variants: readonly string[]): string | undefined {
  return KEY_VARIANTS.find((v) => variants.includes(v)) ?? variants[0];
}


/** One variant over all configurations: the pooled whole-run saving per phase and clock, and its sureness. */
export interface VariantOverview {
  variant: string;
  configs: number;
  wall: Record<'forward' | 'backward' | 'total', Confidence>;
  cpu: Record<'forward' | 'backward' | 'total', Confidence>;
}

export function variantOverview(s: readonly NetSizeSummary[]): VariantOverview[] {
  const ids = [...new Set(s.map((c) => c.variant))].sort((a, b) => variantRank(a) - variantRank(b));
  const phases = ['forward', 'backward', 'total'] as const;
  return ids.map((variant) => {
    const v = ofVariant(s, variant);
    const by = (clock: SavingClock) => Object.fromEntries(phases.map((p) => [p, confidence(v, p, clock)])) as VariantOverview['wall'];
    return { variant, configs: v.length, wall: by('wall'), cpu: by('cpu') };
  });
}

/** "12.3% [10.1%, 14.5%]" (a 95% CI; the bare value when there is none) */
export const pctCi = (e: Pick<Estimate, 'mean' | 'low' | 'high'>): string => formatPctCi(e);

/** The overview as table rows (HTML table in the notebook): pooled whole-run savings with their 95% CI. */
export function variantOverviewRows(o: readonly VariantOverview[]): Record<string, string | number>[] {
  return o.map((v) => ({
    variant: v.variant,
    configurations: v.configs,
    'forward, wall': pctCi(v.wall.forward.pooled),
    'backward, wall': pctCi(v.wall.backward.pooled),
    'total, wall': pctCi(v.wall.total.pooled),
    'forward, CPU': pctCi(v.cpu.forward.pooled),
    'backward, CPU': pctCi(v.cpu.backward.pooled),
    'total, CPU': pctCi(v.cpu.total.pooled),
    'total CI > 0 (wall / CPU)': `${v.wall.total.above.length} / ${v.cpu.total.above.length}`,
    'total CI < 0 (wall / CPU)': `${v.wall.total.below.length} / ${v.cpu.total.below.length}`,
  }));
}

/**
 * One variant per configuration as table rows: the whole-run saving and the mean of the per-interval
 * savings with its 95% CI, per phase, wall clock beside CPU time.
 */
export function configRows(s: readonly NetSizeSummary[]): Record<string, string | number>[] {
  const cell = (e: PhaseSaving): string => `${pct(e.overall)} (${pctCi(e)})`;
  return s.map((c) => ({
    config: c.config,
    variant: c.variant,
    'forward, wall': cell(c.forward),
    'backward, wall': cell(c.backward),
    'total, wall': cell(c.total),
    'forward, CPU': cell(c.cpu.forward),
    'backward, CPU': cell(c.cpu.backward),
    'total, CPU': cell(c.cpu.total),
  }));
}

/** A flat record per configuration and variant (for a DataFrame); savings in percent. */
export function summaryRecords(s: readonly NetSizeSummary[]): Record<string, string | number>[] {
  const r2 = (x: number): number => Math.round(100 * x * 100) / 100;
  return s.map((c) => ({
    config: c.config,
    layers: c.layers,
    neurons: c.neurons,
    variant: c.variant,
    forward_pct: r2(c.forward.overall),
    forward_ci_low: r2(c.forward.low),
    forward_ci_high: r2(c.forward.high),
    backward_pct: r2(c.backward.overall),
    backward_ci_low: r2(c.backward.low),
    backward_ci_high: r2(c.backward.high),
    total_pct: r2(c.total.overall),
    total_ci_low: r2(c.total.low),
    total_ci_high: r2(c.total.high),
    forward_cpu_pct: r2(c.cpu.forward.overall),
    backward_cpu_pct: r2(c.cpu.backward.overall),
    total_cpu_pct: r2(c.cpu.total.overall),
    loss_baseline: Number(c.lossBaseline.toFixed(4)),
    loss_variant: Number(c.lossCandidate.toFixed(4)),
  }));
}

/** One variant's whole-run saving against the neuron count: the mean over the layer counts that ran it. */
export interface NeuronSeries {
  variant: string;
  neurons: number[];
  wall: number[];
  cpu: number[];
}

export function savingByNeurons(s: readonly NetSizeSummary[], phase: 'forward' | 'backward' | 'total' = 'total'): NeuronSeries[] {
  return variantOverview(s).map(({ variant }) => {
    const v = ofVariant(s, variant);
    const neurons = [...new Set(v.map((c) => c.neurons))].sort((a, b) => a - b);
    const meanAt = (n: number, clock: SavingClock): number => estimate(v.filter((c) => c.neurons === n).map((c) => phaseOf(c, phase, clock).overall)).mean;
    return { variant, neurons, wall: neurons.map((n) => meanAt(n, 'wall')), cpu: neurons.map((n) => meanAt(n, 'cpu')) };
  });
}

/**
 * One variant's whole-iteration saving (whole run, process CPU time) at the sweep's narrowest and widest
 * networks, each pooled over the layer counts (a t interval over the configurations of that width): how the
 * saving changes with size, for the original study's "larger networks" claim. Undefined with one width.
 */
export function widthTrend(s: readonly NetSizeSummary[], variant = 'isru/scalar'): SizeTrend | undefined {
  const v = ofVariant(s, variant);
  const neurons = [...new Set(v.map((c) => c.neurons))].sort((a, b) => a - b);
  if (neurons.length < 2) return undefined;
  const at = (n: number): { label: string; saving: Estimate } => {
    const here = v.filter((c) => c.neurons === n);
    const layers = here.map((c) => c.layers).sort((a, b) => a - b);
    return { label: `${n} neurons (${layers.length > 1 ? `${layers[0]}–${layers[layers.length - 1]} layers` : `${layers[0]} layer${layers[0] === 1 ? '' : 's'}`})`, saving: estimate(here.map((c) => c.cpu.total.overall)) };
  };
  return { source: 'network-size sweep (whole iteration, process CPU time, pooled over layer counts)', small: at(neurons[0]), large: at(neurons[neurons.length - 1]) };
}

// ------------------------------------------------------------------ load

/** The load recorded around each configuration (config_<L>x<N>.json), as table rows, and its summary. */
export interface LoadSummary {
  /** configurations with a record */
  recorded: number;
  /** configurations without one (folders from before the variant axis) */
  unrecorded: number;
  /** over the readings before and after every recorded configuration */
  median: number;
  max: number;
  /** wall and process CPU seconds over the recorded configurations */
  wallSeconds: number;
  cpuSeconds: number;
  /** variants skipped by the sweep, with the reason (from the records) */
  skipped: { variant: string; reason: string }[];
}

export function loadSummary(configs: readonly NetSizeConfigRuns[]): LoadSummary {
  const recs = configs.map((c) => c.record).filter((r): r is NetSizeConfigRecord => !!r);
  const skipped = new Map<string, string>();
  for (const r of recs) for (const k of r.skipped) skipped.set(k.variant, k.reason);
  return {
    recorded: recs.length,
    unrecorded: configs.length - recs.length,
    ...loadLevel(recs.flatMap((r) => [r.load_before, r.load_after])),
    wallSeconds: recs.reduce((a, r) => a + r.wall_seconds, 0),
    cpuSeconds: recs.reduce((a, r) => a + r.cpu_seconds, 0),
    skipped: [...skipped].map(([variant, reason]) => ({ variant, reason })),
  };
}

export function loadRows(configs: readonly NetSizeConfigRuns[]): Record<string, string | number>[] {
  return configs.map((c) => {
    const r = c.record;
    return {
      config: c.config,
      variants: c.runs.length,
      'load before': r ? r.load_before.toFixed(2) : 'not recorded',
      'load after': r ? r.load_after.toFixed(2) : 'not recorded',
      'wall s': r ? r.wall_seconds.toFixed(1) : '',
      'CPU s': r ? r.cpu_seconds.toFixed(1) : '',
    };
  });
}

// ------------------------------------------------------------------ conclusion

/**
 * The notebook's closing paragraph, computed: per variant the pooled whole-run saving of the whole
 * iteration (wall and CPU time) and in how many configurations its CI is clear of zero, the best variant,
 * how the key variants' savings change from small to large networks, and the load the sweep ran under.
 */
export function netSizeConclusion(ns: Pick<LoadedNetSize, 'machine' | 'quick' | 'configs'>, s: readonly NetSizeSummary[]): string {
  const o = variantOverview(s);
  if (o.length === 0) return `No variant besides tanh/scalar ran on ${ns.machine}: nothing to compare.`;
  const load = loadSummary(ns.configs);
  const iterations = s[0]?.iterations ?? 0;
  const out: string[] = [];
  out.push(
    `${ns.quick ? 'QUICK profile (a mechanics check, not a measurement): ' : ''}on ${ns.machine}, ${ns.configs.length} network sizes × ${iterations} iterations, ` +
      `every variant interleaved with tanh/scalar from the same seed. Savings are 1 − variant/baseline time of the whole iteration (forward + backward + Adam), ` +
      `the mean over configurations of the whole-run saving with its 95% CI.`,
  );
  for (const v of o) {
    const t = v.wall.total, c = v.cpu.total;
    out.push(
      `${v.variant}: ${pctCi(t.pooled)} by wall clock, ${pctCi(c.pooled)} by CPU time; forward ${pctCi(v.wall.forward.pooled)}, backward ${pctCi(v.wall.backward.pooled)}. ` +
        `Its per-configuration CI is above zero in ${t.above.length} of ${v.configs} configurations and below zero in ${t.below.length} (CPU time: ${c.above.length} above, ${c.below.length} below).`,
    );
  }
  if (o.length > 1) {
    const best = o.reduce((a, b) => (b.cpu.total.pooled.mean > a.cpu.total.pooled.mean ? b : a));
    const sure = best.cpu.total.pooled.low > 0 ? 'its pooled CI is clear of zero' : 'but its pooled CI includes zero';
    out.push(`The largest saving by CPU time is ${best.variant}'s (${pctCi(best.cpu.total.pooled)}); ${sure}.`);
  }
  // the fair comparison for a vectorised ISRU: against the vectorised tanh, not the scalar one
  const fair = ['isru/simd', 'all-isru/simd'].map((v) => ({ v, s: summarizeNetSize(pairsOf(ns.configs, v, FAIR_TANH_ID)) })).filter((x) => x.s.length > 0);
  if (fair.length) {
    out.push(`Against the vectorised tanh (${FAIR_TANH_ID}) instead, by CPU time: ${fair.map((x) => `${x.v} ${pctCi(confidence(x.s, 'total', 'cpu').pooled)}`).join('; ')}.`);
  }
  const neurons = [...new Set(s.map((c) => c.neurons))].sort((a, b) => a - b);
  if (neurons.length > 1) {
    const small = neurons[0], large = neurons[neurons.length - 1];
    const trend = savingByNeurons(s).map((n) => {
      const first = n.cpu[n.neurons.indexOf(small)], last = n.cpu[n.neurons.indexOf(large)];
      return Number.isFinite(first) && Number.isFinite(last) ? `${n.variant} ${pct(first)} → ${pct(last)}` : undefined;
    }).filter((x): x is string => !!x);
    out.push(`From ${small} to ${large} neurons (CPU time, mean over layer counts): ${trend.join('; ')}.`);
  }
  if (load.recorded > 0) {
    out.push(`The load average around the ${load.recorded} recorded configurations: median ${load.median.toFixed(2)}, max ${load.max.toFixed(2)} (${load.wallSeconds.toFixed(0)} s wall, ${load.cpuSeconds.toFixed(0)} s CPU).`);
  }
  if (load.unrecorded > 0) out.push(`${load.unrecorded} configurations come from a sweep that recorded no load (an earlier engine, tanh/isru pairs only).`);
  for (const k of load.skipped) out.push(`Skipped: ${k.variant} (${k.reason}).`);
  return out.join(' ');
}
