/**
 * The weather sweep (`lstm-opt weather`): cells × {tanh, isru} × repeats of the weather predictor
 * (src/weather), written as the original study's table.
 *
 * Files (all rewritten atomically after every finished tanh/isru pair, so an interrupted run leaves
 * complete CSVs holding every pair measured so far):
 *   <out>                  Cells,Func,TrainTime,PredictTime,Accuracy,TP,TN,FP,FN — means over repeats
 *   <out stem>-repeats.csv  one row per run, with its settings (for the spread across repeats) and the
 *                           process CPU time beside the wall clock (TrainCpu, PredictCpu)
 *   <out dir>/baseline.csv  the naive forecast "rain tomorrow = rain today" on each split
 *
 * The cell: --gate and --activation-impl (default sigmoid, scalar: the study's) apply to both activations.
 * The repeats file and the table carry them as columns Gate and Impl after the study's (a file from
 * before they existed means sigmoid, scalar); rows of another gate or implementation count as other
 * settings, so each variant gets a file of its own (the command line names it after the variant).
 *
 * Pairing and order: repeat r of every cell count uses seed `seed + r` for both activations (same
 * initial weights, same shuffling), and the two runs of a pair follow each other — tanh first on even
 * repeats, isru first on odd ones — so slow drifts of a shared machine hit both sides alike.
 *
 * It runs on the sweep framework (src/experiments/sweep.ts) with one job per pair (cell count, repeat).
 * Unlike the other sweeps, a pair's results are rows of shared files, not files of its own, so:
 *  - resume: a pair is complete when the repeats file holds both its runs with the same settings (epochs,
 *    batch, window, lr, seed, kernels); the averaged table is recomputed from every matching row. An
 *    interrupted sweep continues where it stopped, a quick run after a full one changes nothing (its runs
 *    are a subset), and `fresh` measures everything anew. Rows measured with other settings are dropped;
 *  - shards: `--shard i/n` takes every n-th cell count (selectShard over the cell list), so shards on
 *    different machines write different files that merge by rows;
 *  - progress: the framework's bar, counting runs, weighted by their cost.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { readCsv, toCsv } from '../io/csv';
import { writeFileAtomic } from '../io/atomic';
import { Activation, ActivationImpl, CellVariant, GateActivation, STUDY_VARIANT } from '../lstm/cell';
import { defaultKernels, KernelKind } from '../lstm/backend';
import { accuracyPercent, buildDataset, Confusion, loadWeather, naiveBaseline, WeatherDataError, WeatherDataset } from '../weather/data';
import { DEFAULT_WEATHER_TRAIN, runWeather, WeatherRunResult } from '../weather/train';
import { mean as meanOf } from '../analysis/stats';
import { runJobs, selectShard, Shard, SweepJob } from './sweep';

export const WEATHER_COLUMNS = ['Cells', 'Func', 'TrainTime', 'PredictTime', 'Accuracy', 'TP', 'TN', 'FP', 'FN'] as const;
export const REPEAT_COLUMNS = [
  'Cells', 'Func', 'Repeat', 'Seed', 'Epochs', 'Batch', 'Window', 'LR', 'Kernels',
  'TrainTime', 'PredictTime', 'Accuracy', 'TP', 'TN', 'FP', 'FN', 'Loss', 'TrainCpu', 'PredictCpu',
] as const;
/** The cell beyond Func, after the study's columns in the table and the repeats file; absent = sigmoid, scalar. */
export const WEATHER_CELL_COLUMNS = ['Gate', 'Impl'] as const;
/** What the sweep writes: the study's table, and the repeats file, each followed by the cell columns. */
export const WEATHER_TABLE_COLUMNS = [...WEATHER_COLUMNS, ...WEATHER_CELL_COLUMNS] as const;
export const REPEAT_FILE_COLUMNS = [...REPEAT_COLUMNS, ...WEATHER_CELL_COLUMNS] as const;
export const BASELINE_COLUMNS = ['Split', 'Samples', 'Accuracy', 'TP', 'TN', 'FP', 'FN'] as const;

export const DEFAULT_CELLS = [10, 25, 50, 75, 100, 150, 200, 250, 300];
export const FUNCS: readonly Activation[] = ['tanh', 'isru'];

export interface WeatherProfile {
  cells: number[];
  repeats: number;
  epochs: number;
  batch: number;
  lr: number;
  window: number;
  /** seed of repeat 0; repeat r uses seed + r */
  seed: number;
}

export const FULL_PROFILE: WeatherProfile = {
  cells: DEFAULT_CELLS, repeats: 5, epochs: DEFAULT_WEATHER_TRAIN.epochs, batch: DEFAULT_WEATHER_TRAIN.batch, lr: DEFAULT_WEATHER_TRAIN.lr, window: 7, seed: 1,
};
/** A few seconds: the same training settings on three small nets, two repeats (a subset of the full runs). */
export const QUICK_PROFILE: WeatherProfile = { ...FULL_PROFILE, cells: [10, 25, 50], repeats: 2 };

/** Parses `10,25,50`: positive integers, no duplicates; returns an error message on bad input. */
export function parseCells(text: string): number[] | string {
  const parts = text.split(',').map((s) => s.trim());
  const cells: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n < 1 || n > 4096) return `--cells must be a comma-separated list of integers in [1, 4096], got '${text}'`;
    if (cells.includes(n)) return `--cells lists ${n} twice`;
    cells.push(n);
  }
  return cells;
}

export interface WeatherFiles {
  out: string;
  repeats: string;
  baseline: string;
}

export function weatherFiles(out: string): WeatherFiles {
  const ext = extname(out) || '.csv';
  return { out, repeats: join(dirname(out), `${basename(out, extname(out))}-repeats${ext}`), baseline: join(dirname(out), 'baseline.csv') };
}

/** One planned run. */
export interface WeatherRunPlan {
  cells: number;
  func: Activation;
  repeat: number;
  seed: number;
}

/** Every run of a profile in execution order (pairs adjacent, alternating which activation goes first). */
export function planRuns(profile: WeatherProfile, shard?: Shard): WeatherRunPlan[] {
  const plan: WeatherRunPlan[] = [];
  for (const cells of selectShard(profile.cells, shard)) {
    for (let r = 0; r < profile.repeats; r++) {
      const order = r % 2 === 0 ? FUNCS : [...FUNCS].reverse();
      for (const func of order) plan.push({ cells, func, repeat: r, seed: profile.seed + r });
    }
  }
  return plan;
}

type Row = Record<string, string | number>;

/** A row's Gate and Impl, the study's where the file has no such columns. */
export function rowCell(row: Row): CellVariant {
  return { gate: (row.Gate || STUDY_VARIANT.gate) as GateActivation, activationImpl: (row.Impl || STUDY_VARIANT.activationImpl) as ActivationImpl };
}

function sameSettings(row: Row, p: WeatherProfile, kernels: KernelKind, cell: CellVariant): boolean {
  const c = rowCell(row);
  return Number(row.Epochs) === p.epochs && Number(row.Batch) === p.batch && Number(row.Window) === p.window &&
    Number(row.LR) === p.lr && Number(row.Seed) === p.seed + Number(row.Repeat) && row.Kernels === kernels && c.gate === cell.gate && c.activationImpl === cell.activationImpl;
}

const key = (cells: number, func: string, repeat: number): string => `${cells}/${func}/${repeat}`;

/** Rounds for the CSV: enough digits for the quantity, no trailing noise. */
const fmt = (x: number, digits: number): number => Number(x.toFixed(digits));

function repeatRow(r: WeatherRunResult, plan: WeatherRunPlan, p: WeatherProfile, kernels: KernelKind, cell: CellVariant): Row {
  return {
    Cells: r.cells, Func: r.activation, Repeat: plan.repeat, Seed: plan.seed, Epochs: p.epochs, Batch: p.batch, Window: p.window, LR: p.lr, Kernels: kernels,
    TrainTime: fmt(r.trainTime, 6), PredictTime: fmt(r.predictTime, 7), Accuracy: fmt(r.accuracy, 4), TP: r.TP, TN: r.TN, FP: r.FP, FN: r.FN, Loss: fmt(r.loss, 6),
    TrainCpu: fmt(r.trainCpu, 6), PredictCpu: fmt(r.predictCpu, 6), Gate: cell.gate, Impl: cell.activationImpl,
  };
}

/**
 * Means over repeats per (Cells, Func), cells ascending, tanh before isru: the study's table, each row
 * followed by the cell (Gate, Impl) of its runs. The rows must all be of one cell (one sweep's).
 */
export function averageRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.Cells}/${r.Func}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const cells = [...new Set(rows.map((r) => Number(r.Cells)))].sort((a, b) => a - b);
  const out: Row[] = [];
  for (const c of cells) {
    for (const f of FUNCS) {
      const g = groups.get(`${c}/${f}`);
      if (!g) continue;
      const mean = (col: string): number => meanOf(g.map((r) => Number(r[col])));
      out.push({
        Cells: c, Func: f, TrainTime: fmt(mean('TrainTime'), 6), PredictTime: fmt(mean('PredictTime'), 7), Accuracy: fmt(mean('Accuracy'), 4),
        TP: fmt(mean('TP'), 2), TN: fmt(mean('TN'), 2), FP: fmt(mean('FP'), 2), FN: fmt(mean('FN'), 2),
        Gate: rowCell(g[0]).gate, Impl: rowCell(g[0]).activationImpl,
      });
    }
  }
  return out;
}

export function baselineRows(data: WeatherDataset): Row[] {
  const row = (split: string, n: number, c: Confusion): Row => ({ Split: split, Samples: n, Accuracy: fmt(accuracyPercent(c), 4), ...c });
  return [row('train', data.train.count, naiveBaseline(data.train)), row('test', data.test.count, naiveBaseline(data.test))];
}

export interface WeatherSweepOptions {
  profile: WeatherProfile;
  out: string;
  shard?: Shard;
  /** measure everything again instead of resuming */
  fresh?: boolean;
  kernels?: KernelKind;
  /** gates and point-wise kernels of every run (default: the study's, sigmoid and scalar) */
  cell?: CellVariant;
  /** weather CSV (default: vega-datasets seattle-weather.csv) */
  data?: string;
  /** no progress bar, no log lines */
  quiet?: boolean;
  /** before the first run, when rows of the repeats file were measured with other settings and are dropped */
  onDropped?: (rows: number) => void;
  /** asked before every run; true stops the sweep (the files keep every finished pair) */
  shouldStop?: () => boolean;
}

export interface WeatherSweepResult {
  files: WeatherFiles;
  /** runs measured and written (whole pairs) */
  measured: number;
  /** runs already in the repeats file with the same settings */
  skipped: number;
  /** runs planned for this invocation (measured + still to do) */
  todo: number;
  /** rows of the averaged table written last */
  table: Row[];
  baseline: Row[];
  stopped: boolean;
}

/** Relative cost of one run (for a progress bar): the products are O(N² + N·D) per step. */
export function runCost(cells: number): number {
  return cells * (cells + 16);
}

/** Reads the repeats file for resuming; a file that is not ours is an error, not something to overwrite. */
export function readRepeats(path: string): Row[] {
  if (!existsSync(path)) return [];
  let rows: Row[];
  try {
    rows = readCsv(path) as Row[];
  } catch (err) {
    throw new WeatherDataError(`${path}: cannot parse (${(err as Error).message.split('\n')[0]}); move it away or pass --fresh`);
  }
  const missing = rows.length > 0 ? REPEAT_COLUMNS.filter((c) => !(c in rows[0])) : [];
  if (missing.length > 0) throw new WeatherDataError(`${path} is not a weather repeats file (no column ${missing.join(', ')}); move it away or pass --fresh`);
  return rows;
}

/** Thrown inside a job when shouldStop() says so: the framework then writes nothing for that pair. */
class SweepStopped extends Error {}

const pairKey = (cells: number, repeat: number): string => `${cells}/${repeat}`;

export async function runWeatherSweep(o: WeatherSweepOptions): Promise<WeatherSweepResult> {
  const kernels = o.kernels ?? defaultKernels('f64');
  const files = weatherFiles(o.out);
  const p = o.profile;
  const data = buildDataset(o.data ? loadWeather(o.data) : loadWeather(), { window: p.window });
  const existing = o.fresh ? [] : readRepeats(files.repeats);
  const cell = o.cell ?? STUDY_VARIANT;
  const kept = existing.filter((r) => sameSettings(r, p, kernels, cell) && FUNCS.includes(r.Func as Activation));
  const done = new Set(kept.map((r) => key(Number(r.Cells), String(r.Func), Number(r.Repeat))));
  const plan = planRuns(p, o.shard);
  const todo = plan.filter((r) => !done.has(key(r.cells, r.func, r.repeat)));
  if (existing.length > kept.length) o.onDropped?.(existing.length - kept.length);
  const rows = [...kept];
  const baseline = baselineRows(data);
  const baselineCsv = toCsv(BASELINE_COLUMNS, baseline);
  let table: Row[] = [];
  /** the three files' contents from every row so far, in WeatherFiles order: baseline, repeats, table */
  const contents = (): string[] => {
    const sorted = [...rows].sort((a, b) => Number(a.Cells) - Number(b.Cells) || Number(a.Repeat) - Number(b.Repeat) || FUNCS.indexOf(a.Func as Activation) - FUNCS.indexOf(b.Func as Activation));
    table = averageRows(sorted);
    return [baselineCsv, toCsv(REPEAT_FILE_COLUMNS, sorted), toCsv(WEATHER_TABLE_COLUMNS, table)];
  };
  // dropped rows and the baseline are written even when no pair is left to run
  const first = contents();
  [files.baseline, files.repeats, files.out].forEach((f, k) => writeFileAtomic(f, first[k]));

  const pending = new Set(todo.map((r) => pairKey(r.cells, r.repeat)));
  const pairs = new Map<string, WeatherRunPlan[]>();
  for (const run of plan) {
    const k = pairKey(run.cells, run.repeat);
    if (!pairs.has(k)) pairs.set(k, []);
    pairs.get(k)!.push(run);
  }
  let measured = 0;
  const jobs: SweepJob[] = [...pairs.entries()].map(([k, runs]) => ({
    label: `${runs[0].cells} cells, repeat ${runs[0].repeat + 1}`,
    files: [files.baseline, files.repeats, files.out],
    complete: () => !pending.has(k),
    work: runs.length,
    weight: runCost(runs[0].cells),
    async run(tick) {
      const fresh: Row[] = [];
      for (const run of runs.filter((r) => !done.has(key(r.cells, r.func, r.repeat)))) {
        await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C be handled between runs
        if (o.shouldStop?.()) throw new SweepStopped();
        const result = runWeather(data, { cells: run.cells, activation: run.func, ...cell, seed: run.seed, epochs: p.epochs, batch: p.batch, lr: p.lr, kernels });
        fresh.push(repeatRow(result, run, p, kernels, cell));
        tick();
      }
      rows.push(...fresh);
      measured += fresh.length;
      pending.delete(k);
      return contents();
    },
  }));
  let stopped = false;
  try {
    await runJobs(jobs, { name: 'weather', unit: 'runs', quiet: o.quiet });
  } catch (err) {
    if (!(err instanceof SweepStopped)) throw err;
    stopped = true;
  }
  return { files, measured, skipped: plan.length - todo.length, todo: todo.length, table, baseline, stopped };
}
