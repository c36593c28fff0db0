/**
 * Analysis of the single- vs multi-thread sweep (notebook 06): per configuration the totals of the
 * single-thread and the multi-threaded run (the last progress row: times are cumulative), the speed-up,
 * the original study's normalized performance, and the size at which threads start to pay.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { resultsPath } from '../io/paths';
import { tryReadResults } from '../io/results';
import { STUDY_PROGRESS_COLUMNS } from '../lstm/training-loop';

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

/** The sweep's command (shown by the notebook when results are missing). */
export const MT_SWEEP_COMMAND = 'node bin/lstm-opt.js sweep mt';

/**
 * The sweep's two files for a machine (default: this one), paired into totals; prints which command
 * produces a missing file and returns undefined instead of throwing (for notebooks).
 */
export function loadMtResults(machine = machineSlug()): { machine: string; profile: 'full' | 'quick'; st: Row[]; mt: Row[]; totals: MtTotals[] } | undefined {
  const columns = [...STUDY_PROGRESS_COLUMNS];
  // the full run when there is one, else the quick profile of npm start
  const full = existsSync(resultsPath('mt', machine, 'progress-mt.csv')) || !existsSync(resultsPath('mt', machine, 'quick', 'progress-mt.csv'));
  const dir = full ? resultsPath('mt', machine) : resultsPath('mt', machine, 'quick');
  const command = full ? MT_SWEEP_COMMAND : `${MT_SWEEP_COMMAND} --quick`;
  const st = tryReadResults(join(dir, 'progress-st.csv'), { command, columns });
  const mt = tryReadResults(join(dir, 'progress-mt.csv'), { command, columns });
  if (!st || !mt) return undefined;
  return { machine, profile: full ? 'full' : 'quick', st, mt, totals: mtTotals(st, mt) };
}
