/**
 * The weather sweep (`lstm-opt weather`): cells × variants × repeats of the weather predictor
 * (this folder), written as the original study's table. The variants are the verdict's
 * (src/studies/variants.ts: tanh, isru, all-isru, each with scalar and simd activations); `Func`
 * keeps the study's meaning (the cell activation, tanh or isru) and `Variant` names the whole cell.
 *
 * Files: ./results.ts.
 *
 * Pairing and order: a group is one (cell count, repeat); all its variants use seed `seed + r` (same
 * initial weights, same shuffling) and run one after the other, the order rotated by one variant per
 * repeat, so slow drifts of a shared machine hit every variant alike. Every variant is then paired with
 * tanh/scalar repeat by repeat (src/studies/weather/analysis.ts). Variants whose kernels the build lacks are
 * skipped with the reason (availableVariants).
 *
 * It runs on the sweep framework (src/sweep/sweep.ts) with one job per group. Unlike the other
 * sweeps, a group's results are rows of shared files, not files of its own, so:
 *  - resume: a group is complete when the repeats file holds a run of every wanted variant with the same
 *    settings (epochs, batch, window, lr, seed, kernels). A group holding only some of them is measured
 *    again as a whole (its old rows replaced), because rows measured at different times are no pair.
 *    Rows measured with other settings are dropped; `fresh` measures everything anew;
 *  - shards: `--shard i/n` takes every n-th cell count (selectShard over the cell list), so shards on
 *    different machines write different files that merge by rows;
 *  - load: before each group the load is checked (src/io/load.ts: `--wait-idle` waits for an idle
 *    machine, else a busy one is reported) and recorded, and again after it;
 *  - progress: the framework's bar, counting runs, weighted by their cost.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readCsv, toCsv } from '../../io/csv';
import { writeFilesAtomic } from '../../io/atomic';
import { lockOutput } from '../../io/lock';
import { beforeMeasuring, DEFAULT_WAIT_TIMEOUT_SECONDS, LoadPolicy, readLoad } from '../../io/load';
import { KernelKind } from '../../lstm/backend';
import { defaultKernels } from '../../lstm/backend-select';
import { accuracyPercent, buildDataset, Confusion, loadWeather, naiveBaseline, WeatherDataError, WeatherDataset } from './data';
import { DEFAULT_WEATHER_TRAIN, runWeather, WeatherRunResult } from './train';
import { mean as meanOf } from '../../stats/stats';
import { UserError } from '../../errors';
import { runJobs, selectShard, Shard, SweepJob } from '../../sweep/sweep';
import { allVariants, availableVariants, Variant, variantRank } from '../variants';
import {
  averageRows, fmt, REPEAT_FILE_COLUMNS, REPEAT_READ_COLUMNS, Row, WEATHER_TABLE_COLUMNS, BASELINE_COLUMNS, WeatherFiles, weatherFiles,
} from './results';

export const DEFAULT_CELLS = [10, 25, 50, 75, 100, 150, 200, 250, 300];

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

/**
 * The study's grid: 9 cell counts × 5 repeats × 6 variants = 270 runs. Duration, estimated: the earlier
 * tanh/isru-only full run spent 262 s of training CPU time (138 s tanh, 124 s ISRU; 550 s wall at load 6–10);
 * a 150-cell group of all six variants took 14 s of training CPU against 5.1 s for tanh + isru alone
 * (×2.7), so about 12 minutes of CPU time in all — 12–15 minutes on an idle core, about twice that
 * when the machine is shared.
 */
export const FULL_PROFILE: WeatherProfile = {
  cells: DEFAULT_CELLS, repeats: 5, epochs: DEFAULT_WEATHER_TRAIN.epochs, batch: DEFAULT_WEATHER_TRAIN.batch, lr: DEFAULT_WEATHER_TRAIN.lr, window: 7, seed: 1,
};
/**
 * Seconds: the same training settings on three small nets, two repeats, six variants (36 runs; 19 s wall,
 * 10 s CPU on a shared 2-core machine). Written to results/weather/quick/, apart from the full runs.
 */
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

/** One planned run. */
export interface WeatherRunPlan {
  cells: number;
  variant: Variant;
  repeat: number;
  seed: number;
}

/**
 * Every run of a profile in execution order: groups (cells, repeat), each group's variants adjacent and
 * rotated by one position per repeat (repeat r starts with variant r mod V), all from seed + r.
 */
export function planRuns(profile: WeatherProfile, variants: readonly Variant[], shard?: Shard): WeatherRunPlan[] {
  const plan: WeatherRunPlan[] = [];
  const V = variants.length;
  for (const cells of selectShard(profile.cells, shard)) {
    for (let r = 0; r < profile.repeats; r++) {
      for (let k = 0; k < V; k++) plan.push({ cells, variant: variants[(k + r) % V], repeat: r, seed: profile.seed + r });
    }
  }
  return plan;
}

function sameSettings(row: Row, p: WeatherProfile, kernels: KernelKind): boolean {
  return Number(row.Epochs) === p.epochs && Number(row.Batch) === p.batch && Number(row.Window) === p.window &&
    Number(row.LR) === p.lr && Number(row.Seed) === p.seed + Number(row.Repeat) && row.Kernels === kernels;
}

const groupKey = (cells: number | string, repeat: number | string): string => `${cells}/${repeat}`;

function repeatRow(r: WeatherRunResult, plan: WeatherRunPlan, p: WeatherProfile, kernels: KernelKind): Row {
  const v = plan.variant;
  return {
    Cells: r.cells, Func: r.activation, Repeat: plan.repeat, Seed: plan.seed, Epochs: p.epochs, Batch: p.batch, Window: p.window, LR: p.lr, Kernels: kernels,
    TrainTime: fmt(r.trainTime, 6), PredictTime: fmt(r.predictTime, 7), Accuracy: fmt(r.accuracy, 4), TP: r.TP, TN: r.TN, FP: r.FP, FN: r.FN, Loss: fmt(r.loss, 6),
    TrainCpu: fmt(r.trainCpu, 6), PredictCpu: fmt(r.predictCpu, 6), Gate: v.spec.gate, Impl: v.impl, Variant: v.id,
  };
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
  /** the variants to train (default all of src/studies/variants.ts); those the build lacks are skipped */
  variants?: readonly Variant[];
  /** waiting for an idle machine before each group (default: warn when busy, never wait) */
  load?: LoadPolicy;
  /** weather CSV (default: vega-datasets seattle-weather.csv) */
  data?: string;
  /** no progress bar, no log lines */
  quiet?: boolean;
  /** one line about the sweep (a skipped variant, a busy machine), for stderr */
  log?: (line: string) => void;
  /** before the first run, when rows of the repeats file were measured with other settings and are dropped */
  onDropped?: (rows: number) => void;
  /** asked before every run; true stops the sweep (the files keep every finished group) */
  shouldStop?: () => boolean;
}

export interface WeatherSweepResult {
  files: WeatherFiles;
  /** the variants trained, and those skipped with the reason */
  variants: Variant[];
  skippedVariants: { variant: Variant; reason: string }[];
  /** runs measured and written (whole groups) */
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

/**
 * Reads the repeats file for resuming; a file that is not ours (or from before the variants) is an
 * error, not something to overwrite.
 */
export function readRepeats(path: string): Row[] {
  if (!existsSync(path)) return [];
  let rows: Row[];
  try {
    rows = readCsv(path) as Row[];
  } catch (err) {
    throw new WeatherDataError(`${path}: cannot parse (${(err as Error).message.split('\n')[0]}); move it away or pass --fresh`);
  }
  const missing = rows.length > 0 ? REPEAT_READ_COLUMNS.filter((c) => !(c in rows[0])) : [];
  if (missing.length > 0) throw new WeatherDataError(`${path} is not a weather repeats file (no column ${missing.join(', ')}); move it away or pass --fresh`);
  return rows;
}

/** Thrown inside a job when shouldStop() says so: the framework then writes nothing for that group. */
class SweepStopped extends Error {}

export async function runWeatherSweep(o: WeatherSweepOptions): Promise<WeatherSweepResult> {
  const kernels = o.kernels ?? defaultKernels('f64');
  const files = weatherFiles(o.out);
  const p = o.profile;
  const say = (line: string): void => {
    if (!o.quiet) o.log?.(line);
  };
  const { run: variants, skipped: skippedVariants } = availableVariants(o.variants ?? allVariants());
  if (variants.length === 0) throw new UserError(`no variant to run: ${skippedVariants.map((s) => `${s.variant.id} (${s.reason})`).join('; ')}`);
  for (const s of skippedVariants) say(`skipping ${s.variant.id}: ${s.reason}`);
  const data = buildDataset(o.data ? loadWeather(o.data) : loadWeather(), { window: p.window });
  // one run per output: a second run would read the repeats file before this one's rows are in it and
  // then write its own, losing them (shards write files of their own beside it, and go on side by side)
  lockOutput(dirname(files.repeats), `--out ${files.out}`, basename(files.out));
  const existing = o.fresh ? [] : readRepeats(files.repeats);
  const settled = existing.filter((r) => sameSettings(r, p, kernels));
  const plan = planRuns(p, variants, o.shard);
  // a group is done when every wanted variant has a row; otherwise all of it is measured again
  const has = new Set(settled.map((r) => `${groupKey(r.Cells, r.Repeat)}/${r.Variant}`));
  const groups = new Map<string, WeatherRunPlan[]>();
  for (const run of plan) {
    const k = groupKey(run.cells, run.repeat);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(run);
  }
  const pending = new Set([...groups.entries()].filter(([k, runs]) => !runs.every((r) => has.has(`${k}/${r.variant.id}`))).map(([k]) => k));
  let rows = settled.filter((r) => !pending.has(groupKey(r.Cells, r.Repeat)));
  const todo = plan.filter((r) => pending.has(groupKey(r.cells, r.repeat))).length;
  if (existing.length > rows.length) o.onDropped?.(existing.length - rows.length);
  const baseline = baselineRows(data);
  const baselineCsv = toCsv(BASELINE_COLUMNS, baseline);
  let table: Row[] = [];
  /** the three files' contents from every row so far, in WeatherFiles order: baseline, repeats, table */
  const contents = (): string[] => {
    const sorted = [...rows].sort((a, b) => Number(a.Cells) - Number(b.Cells) || Number(a.Repeat) - Number(b.Repeat) || variantRank(a.Variant) - variantRank(b.Variant));
    table = averageRows(sorted);
    return [baselineCsv, toCsv(REPEAT_FILE_COLUMNS, sorted), toCsv(WEATHER_TABLE_COLUMNS, table)];
  };
  // dropped rows and the baseline are written even when no group is left to run
  const first = contents();
  writeFilesAtomic([files.baseline, files.repeats, files.out].map((path, k) => ({ path, data: first[k] })));

  const policy = o.load ?? { waitTimeoutSeconds: DEFAULT_WAIT_TIMEOUT_SECONDS };
  // a busy machine is said once per sweep (the load of every group is in the repeats file anyway)
  let warned = false;
  const sayLoad = (line: string): void => {
    if (line.startsWith('warning:') && warned) return;
    warned ||= line.startsWith('warning:');
    say(line);
  };
  let measured = 0;
  const jobs: SweepJob[] = [...groups.entries()].map(([k, runs]) => ({
    label: `${runs[0].cells} cells, repeat ${runs[0].repeat + 1}`,
    files: [files.baseline, files.repeats, files.out],
    complete: () => !pending.has(k),
    work: runs.length,
    weight: runCost(runs[0].cells),
    async run(tick) {
      const loadBefore = await beforeMeasuring(policy, sayLoad);
      const fresh: Row[] = [];
      for (const run of runs) {
        await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C be handled between runs
        if (o.shouldStop?.()) throw new SweepStopped();
        const result = runWeather(data, { cells: run.cells, cell: run.variant.spec, seed: run.seed, epochs: p.epochs, batch: p.batch, lr: p.lr, kernels });
        fresh.push(repeatRow(result, run, p, kernels));
        tick();
      }
      const loadAfter = readLoad().load1;
      for (const r of fresh) Object.assign(r, { LoadBefore: fmt(loadBefore, 2), LoadAfter: fmt(loadAfter, 2) });
      rows = [...rows.filter((r) => groupKey(r.Cells, r.Repeat) !== k), ...fresh];
      measured += fresh.length;
      pending.delete(k);
      return contents();
    },
  }));
  let stopped = false;
  try {
    await runJobs(jobs, { name: 'weather', unit: 'runs', quiet: o.quiet, lockName: basename(files.out) });
  } catch (err) {
    if (!(err instanceof SweepStopped)) throw err;
    stopped = true;
  }
  return { files, variants, skippedVariants, measured, skipped: plan.length - todo, todo, table, baseline, stopped };
}
