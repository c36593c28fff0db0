/**
 * Analysis of the network-size sweep (notebook 04): how much time ISRU saves over tanh per configuration,
 * and how sure we are.
 *
 * Progress files hold cumulative times (docs/ARCHITECTURE.md, "Results"), so the time of one progress interval is the
 * difference of two consecutive rows. The tanh and ISRU runs of a configuration were interleaved
 * interval by interval (src/experiments/net-size.ts), so each interval is one paired measurement of the
 * saving 1 − isru/tanh under the same machine load; the spread of those per-interval savings is the noise
 * of the measurement, summarised as a mean with a 95% t interval (src/analysis/compare.ts, src/analysis/stats.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { MissingResultsError, readFullElseQuick, readResults, ResultRow } from '../io/results';
import { STUDY_PROGRESS_COLUMNS } from '../lstm/training-loop';
import { intervalSavings, IntervalSaving, lossDifference, phaseSeconds, savingSummary, TimePhase } from './compare';
import { Estimate, estimate, median } from './stats';
import { NET_SIZE_COMMAND, netSizeDir, netSizeFileName } from '../experiments/net-size';

export { NET_SIZE_COMMAND, netSizeDir, netSizeProfile } from '../experiments/net-size';

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

/** One configuration's pair of runs. */
export interface NetSizePair {
  /** "LxN" */
  config: string;
  layers: number;
  neurons: number;
  tanh: Row[];
  isru: Row[];
}

/**
 * The configurations of a net-size folder that have both files, sorted by layers then neurons. Throws
 * MissingResultsError (naming the command) when there is none, or a file is malformed.
 */
export function readNetSizePairs(dir: string, command = NET_SIZE_COMMAND): NetSizePair[] {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const configs = new Map<string, { layers: number; neurons: number }>();
  for (const n of names) {
    const m = /^progress_(\d+)x(\d+)_(tanh|isru)\.csv$/.exec(n);
    if (m) configs.set(`${m[1]}x${m[2]}`, { layers: Number(m[1]), neurons: Number(m[2]) });
  }
  const pairs: NetSizePair[] = [];
  for (const [config, c] of configs) {
    const files = { tanh: join(dir, netSizeFileName(c, 'tanh')), isru: join(dir, netSizeFileName(c, 'isru')) };
    if (!existsSync(files.tanh) || !existsSync(files.isru)) continue;
    const read = (f: string): Row[] => readResults(f, { command, columns: STUDY_PROGRESS_COLUMNS });
    pairs.push({ config, ...c, tanh: read(files.tanh), isru: read(files.isru) });
  }
  if (pairs.length === 0) throw new MissingResultsError(join(dir, 'progress_<L>x<N>_<tanh|isru>.csv'), 'No tanh/isru pairs yet at', command);
  return pairs.sort((a, b) => a.layers - b.layers || a.neurons - b.neurons);
}

/**
 * The notebook's loader: this machine's full sweep, else the quick one (`npm start`), else it prints which
 * command produces them and returns undefined.
 */
export function loadNetSize(machine = machineSlug()): { machine: string; dir: string; quick: boolean; pairs: NetSizePair[] } | undefined {
  return readFullElseQuick(
    (quick) => {
      const dir = netSizeDir(quick, machine);
      return { machine, dir, quick, pairs: readNetSizePairs(dir, `${NET_SIZE_COMMAND}${quick ? ' --quick' : ''}`) };
    },
    (err) => `No network-size results for ${machine}: run \`${NET_SIZE_COMMAND}\` (full, ~15 min) or \`${NET_SIZE_COMMAND} --quick\` (~1 min). ${err.message}`,
  );
}

// ------------------------------------------------------------------ summaries

export type PhaseSaving = Estimate & { overall: number };

/** One configuration's result. */
export interface NetSizeSummary {
  config: string;
  layers: number;
  neurons: number;
  /** iterations of each run (last row's iteration + 1) */
  iterations: number;
  /** per-interval saving estimate (mean, CI over intervals) and the whole-run saving (cumulative, last row) */
  forward: PhaseSaving;
  backward: PhaseSaving;
  total: PhaseSaving;
  /** the same by process CPU time (cross-check against machine load) */
  cpu: { forward: PhaseSaving; backward: PhaseSaving; total: PhaseSaving };
  /** smoothed loss at the last common row */
  lossTanh: number;
  lossIsru: number;
  /** isru − tanh at the last common row */
  lossDifference: number;
}

export function summarizePair(p: NetSizePair): NetSizeSummary {
  const ld = lossDifference(p.tanh, p.isru);
  const lastT = p.tanh[p.tanh.length - 1], lastI = p.isru[p.isru.length - 1];
  return {
    config: p.config,
    layers: p.layers,
    neurons: p.neurons,
    iterations: Number(lastT.iteration) + 1,
    forward: savingSummary(p.tanh, p.isru, SAVING_PHASES.forward),
    backward: savingSummary(p.tanh, p.isru, SAVING_PHASES.backward),
    total: savingSummary(p.tanh, p.isru, SAVING_PHASES.total),
    cpu: {
      forward: savingSummary(p.tanh, p.isru, CPU_PHASES.forward),
      backward: savingSummary(p.tanh, p.isru, CPU_PHASES.backward),
      total: savingSummary(p.tanh, p.isru, CPU_PHASES.total),
    },
    lossTanh: Number(lastT.loss),
    lossIsru: Number(lastI.loss),
    lossDifference: ld.final,
  };
}

export function summarizeNetSize(pairs: readonly NetSizePair[]): NetSizeSummary[] {
  return pairs.map(summarizePair);
}

/** Per-interval and cumulative saving of ISRU over tanh for one configuration and phase. */
export function pairSavings(p: NetSizePair, phase: SavingPhase, clock: 'wall' | 'cpu' = 'wall'): IntervalSaving[] {
  return intervalSavings(p.tanh, p.isru, clock === 'cpu' ? CPU_PHASES[phase] : SAVING_PHASES[phase]);
}

/** A flat record per configuration (for a danfo DataFrame / printing); savings in percent. */
export function summaryRecords(s: readonly NetSizeSummary[]): Record<string, string | number>[] {
  const r2 = (x: number): number => Math.round(100 * x * 100) / 100;
  return s.map((c) => ({
    config: c.config,
    layers: c.layers,
    neurons: c.neurons,
    forward_pct: r2(c.forward.overall),
    forward_ci_low: r2(c.forward.low),
    forward_ci_high: r2(c.forward.high),
    backward_pct: r2(c.backward.overall),
    backward_ci_low: r2(c.backward.low),
    backward_ci_high: r2(c.backward.high),
    total_pct: r2(c.total.overall),
    forward_cpu_pct: r2(c.cpu.forward.overall),
    backward_cpu_pct: r2(c.cpu.backward.overall),
    total_cpu_pct: r2(c.cpu.total.overall),
    loss_tanh: Number(c.lossTanh.toFixed(4)),
    loss_isru: Number(c.lossIsru.toFixed(4)),
  }));
}

/** Saving over the layers × neurons grid (rows: layers, columns: neurons; null where a config is missing). */
export interface SavingGrid {
  layers: number[];
  neurons: number[];
  /** z[i][j]: saving (fraction) of layers[i] × neurons[j] */
  z: (number | null)[][];
}

export function savingGrid(s: readonly NetSizeSummary[], phase: 'forward' | 'backward' | 'total', stat: 'overall' | 'mean' | 'median' = 'overall', clock: 'wall' | 'cpu' = 'wall'): SavingGrid {
  const layers = [...new Set(s.map((c) => c.layers))].sort((a, b) => a - b);
  const neurons = [...new Set(s.map((c) => c.neurons))].sort((a, b) => a - b);
  const z = layers.map((l) => neurons.map((n) => {
    const c = s.find((x) => x.layers === l && x.neurons === n);
    return c ? (clock === 'cpu' ? c.cpu : c)[phase][stat] : null;
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

export function confidence(s: readonly NetSizeSummary[], phase: 'forward' | 'backward' | 'total', clock: 'wall' | 'cpu' = 'wall'): Confidence {
  const above: string[] = [], below: string[] = [], unsure: string[] = [];
  const pick = (c: NetSizeSummary): PhaseSaving => (clock === 'cpu' ? c.cpu : c)[phase];
  for (const c of s) {
    const e = pick(c);
    if (e.low > 0) above.push(c.config);
    else if (e.high < 0) below.push(c.config);
    else unsure.push(c.config);
  }
  const halves = s.map((c) => (pick(c).high - pick(c).low) / 2).filter(Number.isFinite);
  const medianHalfWidth = halves.length ? median(halves) : NaN;
  return { above, below, unsure, pooled: estimate(s.map((c) => pick(c).overall)), medianHalfWidth };
}
