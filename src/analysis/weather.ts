/**
 * Analysis of the weather sweep (notebook 03, the README answer): how sure is a tanh − ISRU difference?
 * Repeat r of a cell count ran tanh and ISRU with the same seed back to back, so the differences are
 * paired: per cell count we take d_r = tanh_r − isru_r and report its mean with a 95% Student-t interval
 * (src/analysis/stats.ts). And reading the sweep's files for the notebook.
 */
import { existsSync, readdirSync } from 'node:fs';
import { machineSlug } from '../io/machine';
import { resultsPath } from '../io/paths';
import { ResultRow, tryReadResults } from '../io/results';
import { BASELINE_COLUMNS, REPEAT_COLUMNS, WEATHER_COLUMNS } from '../experiments/weather';
import { Estimate, mean, pairedEstimate, sampleStd } from './stats';

/** The estimate (n, mean, std, 95% interval) is of the per-pair differences tanh − isru. */
export interface PairedDifference extends Estimate {
  cells: number;
  tanhMean: number;
  isruMean: number;
  /** per-pair tanh − isru, in repeat order */
  diffs: number[];
  /** mean difference as a percentage of the tanh mean: the time ISRU saves */
  savingPercent: number;
}

type Row = Record<string, string | number>;

/**
 * Paired tanh − isru differences of `metric` per cell count, from per-repeat rows (Cells, Func, Repeat,
 * metric). Pairs missing one side are ignored. Sorted by cells.
 */
export function pairedDifferences(rows: readonly Row[], metric: string): PairedDifference[] {
  const byCells = new Map<number, Map<number, { tanh?: number; isru?: number }>>();
  for (const r of rows) {
    const c = Number(r.Cells), rep = Number(r.Repeat), v = Number(r[metric]);
    if (!byCells.has(c)) byCells.set(c, new Map());
    const pairs = byCells.get(c)!;
    if (!pairs.has(rep)) pairs.set(rep, {});
    if (r.Func === 'tanh' || r.Func === 'isru') pairs.get(rep)![r.Func] = v;
  }
  const out: PairedDifference[] = [];
  for (const cells of [...byCells.keys()].sort((a, b) => a - b)) {
    const pairs = [...byCells.get(cells)!.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p).filter((p) => p.tanh !== undefined && p.isru !== undefined);
    if (pairs.length === 0) continue;
    const { aMean: tanhMean, bMean: isruMean, ...e } = pairedEstimate(pairs.map((p) => ({ a: p.tanh!, b: p.isru! })));
    out.push({ cells, tanhMean, isruMean, ...e, savingPercent: (100 * e.mean) / tanhMean });
  }
  return out;
}

export interface GroupSummary {
  cells: number;
  func: string;
  n: number;
  mean: number;
  /** sample standard deviation across repeats (0 with one repeat) */
  std: number;
  values: number[];
}

/** Mean and spread of `metric` per (cells, func) over per-repeat rows; cells ascending, tanh before isru. */
export function summarise(rows: readonly Row[], metric: string): GroupSummary[] {
  const groups = new Map<string, { cells: number; func: string; values: number[] }>();
  for (const r of rows) {
    const k = `${r.Cells}/${r.Func}`;
    if (!groups.has(k)) groups.set(k, { cells: Number(r.Cells), func: String(r.Func), values: [] });
    groups.get(k)!.values.push(Number(r[metric]));
  }
  const order = (f: string): number => (f === 'tanh' ? 0 : f === 'isru' ? 1 : 2);
  return [...groups.values()]
    .sort((a, b) => a.cells - b.cells || order(a.func) - order(b.func))
    .map((g) => ({ ...g, n: g.values.length, mean: mean(g.values), std: sampleStd(g.values) }));
}

// ------------------------------------------------------------------ reading (notebook 03)

export interface WeatherResults {
  machine: string;
  /** this machine's results (false: another machine's, see `machine`) */
  local: boolean;
  table: ResultRow[];
  repeats: ResultRow[];
  baseline: ResultRow[];
  files: { table: string; repeats: string; baseline: string };
}

export const WEATHER_COMMAND = 'node bin/lstm-opt.js weather';

/**
 * The weather sweep's results for a notebook: the averaged table, the per-repeat rows and
 * the naive baseline of one machine. This machine's files are preferred; when they do not exist yet the
 * committed results of another machine are used (and named), so the notebook shows findings the moment
 * it is opened. When nothing usable exists it prints the command that produces it and returns undefined.
 */
export function loadWeatherResults(machine = machineSlug(), dir = resultsPath('weather')): WeatherResults | undefined {
  let chosen = machine;
  const local = existsSync(`${dir}/lstm-${machine}.csv`);
  if (!local && existsSync(dir)) {
    const other = readdirSync(dir).map((f) => /^lstm-(.+)-repeats\.csv$/.exec(f)?.[1]).find((m) => m && !m.includes('-shard-') && existsSync(`${dir}/lstm-${m}.csv`));
    if (other) {
      console.log(`No weather results for this machine (${machine}) yet: showing ${other}'s. Run \`${WEATHER_COMMAND}\` for your own.`);
      chosen = other;
    }
  }
  const files = { table: `${dir}/lstm-${chosen}.csv`, repeats: `${dir}/lstm-${chosen}-repeats.csv`, baseline: `${dir}/baseline.csv` };
  const table = tryReadResults(files.table, { command: WEATHER_COMMAND, columns: WEATHER_COLUMNS });
  const repeats = table && tryReadResults(files.repeats, { command: WEATHER_COMMAND, columns: REPEAT_COLUMNS });
  const baseline = repeats && tryReadResults(files.baseline, { command: WEATHER_COMMAND, columns: BASELINE_COLUMNS });
  if (!table || !repeats || !baseline) return undefined;
  return { machine: chosen, local: chosen === machine, table, repeats, baseline, files };
}
