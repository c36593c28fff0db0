/**
 * Analysis of the single- vs multi-thread sweep (notebook 06): per configuration the totals of the
 * single-thread and the multi-threaded run (the last progress row: times are cumulative), the speed-up,
 * the original study's normalized performance, and the size at which threads start to pay.
 */
import { LoadOptions, loadFirst, ResultsRoot, ResultsSelection } from '../../io/results-root';
import { MT_COMMANDS, readMtFiles } from './results';

export { MT_COMMANDS, MT_SWEEP_COMMAND } from './results';

/** The six timed quantities of a progress row. */
export const MT_PHASES = ['forward_time', 'back_time', 'adam_time', 'forward_cpu', 'back_cpu', 'adam_cpu'] as const;
export type MtPhase = (typeof MT_PHASES)[number];

/** One configuration's totals over the run (the last progress row: times are cumulative). */
export interface MtTotals {
  layers: number;
  neurons: number;
  iterations: number;
  st: Record<MtPhase | 'wall' | 'cpu', number>;
  mt: Record<MtPhase | 'wall' | 'cpu', number>;
}

type Row = Record<string, string | number>;

function lastRows(rows: Row[]): Map<string, Row> {
  const last = new Map<string, Row>();
  for (const r of rows) {
    const key = `${r.layers}x${r.neurons}`;
    const prev = last.get(key);
    if (!prev || Number(r.iteration) >= Number(prev.iteration)) last.set(key, r);
  }
  return last;
}

function totals(r: Row): MtTotals['st'] {
  const t = Object.fromEntries(MT_PHASES.map((p) => [p, Number(r[p])])) as Record<MtPhase, number>;
  return { ...t, wall: t.forward_time + t.back_time + t.adam_time, cpu: t.forward_cpu + t.back_cpu + t.adam_cpu };
}

/** Pairs the st and mt runs of every configuration present in both files, sorted by layers, neurons. */
export function mtTotals(st: Row[], mt: Row[]): MtTotals[] {
  const a = lastRows(st), b = lastRows(mt);
  const out: MtTotals[] = [];
  for (const [key, rs] of a) {
    const rm = b.get(key);
    if (!rm || Number(rm.iteration) !== Number(rs.iteration)) continue;
    out.push({ layers: Number(rs.layers), neurons: Number(rs.neurons), iterations: Number(rs.iteration) + 1, st: totals(rs), mt: totals(rm) });
  }
  return out.sort((x, y) => x.layers - y.layers || x.neurons - y.neurons);
}

/**
 * The original study's normalized performance: (st − mt) / max(st, mt), in (−1, 1). Positive: the
 * multi-threaded run took less; +0.5 = half the time (2x faster); −0.5 = twice the time.
 */
export function normalizedPerformance(st: number, mt: number): number {
  const m = Math.max(st, mt);
  return m > 0 ? (st - mt) / m : 0;
}

/** Speed-up st / mt of the wall time of a whole iteration. */
export function speedup(t: MtTotals): number {
  return t.st.wall / t.mt.wall;
}

/**
 * The neurons per layer at which the speed-up crosses 1 (threads start to pay): linear interpolation in
 * log2(neurons) between the last configuration below 1 and the next one at or above it, for points sorted by
 * neurons. null when it never crosses (always slower, or faster already at the smallest size: then
 * `below`/`above` tell which).
 */
export function crossover(points: { neurons: number; speedup: number }[]): { neurons: number | null; always: 'slower' | 'faster' | null } {
  const p = points.slice().sort((a, b) => a.neurons - b.neurons);
  if (p.length === 0) return { neurons: null, always: null };
  // the last point below 1 that is followed by points at or above 1 only
  let k = p.length - 1;
  while (k >= 0 && p[k].speedup >= 1) k--;
  if (k === p.length - 1) return { neurons: null, always: 'slower' };
  if (k < 0) return { neurons: null, always: 'faster' };
  const a = p[k], b = p[k + 1];
  const la = Math.log2(a.neurons), lb = Math.log2(b.neurons);
  const f = (1 - a.speedup) / (b.speedup - a.speedup);
  return { neurons: Math.round(2 ** (la + f * (lb - la))), always: null };
}

export interface MtResults {
  machine: string;
  profile: 'full' | 'quick';
  st: Row[];
  mt: Row[];
  totals: MtTotals[];
  /** the measuring machine's core count (the speed-up's ceiling), from its slug's `<n>c` part; undefined for a slug without one */
  cores?: number;
}

/** The core count a hardware slug names (`amd-epyc-2c-node20` → 2), or undefined. */
export function coresOfSlug(machine: string): number | undefined {
  const m = /-(\d+)c-node\d+$/.exec(machine);
  return m ? Number(m[1]) : undefined;
}

/** One root's two files (results/mt/<machine>[/quick]), paired into totals; MissingResultsError when either is missing. */
export function readMtRoot(root: ResultsRoot): MtResults {
  const { st, mt } = readMtFiles(root);
  return { machine: root.machine, profile: root.profile, st, mt, totals: mtTotals(st, mt), cores: coresOfSlug(root.machine) };
}

/** The notebook's loader: the first root of the selection with both files; else prints the commands that produce them. */
export function loadMtResults(selection: ResultsSelection, options?: LoadOptions): (MtResults & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readMtRoot, MT_COMMANDS, options);
}
