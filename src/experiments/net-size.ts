/**
 * The network-size sweep: layers 1–4 × neurons {8, …, 256} on the SOTU corpus, every
 * configuration trained with tanh and with ISRU from the same seed. The two runs of a configuration are
 * interleaved in chunks of one progress interval (src/experiments/interleave.ts): tanh for K iterations,
 * then ISRU for K, and so on, so each progress interval of the pair sees the same machine load — on a
 * shared machine that is what makes the per-interval ratio isru/tanh meaningful.
 *
 * Output (docs/ARCHITECTURE.md, "Results"): results/net-size/<machine>/progress_<L>x<N>_<func>.csv, progress columns; the
 * quick profile goes to results/net-size/<machine>/quick so it never replaces the full run. A
 * configuration is one sweep job (src/experiments/sweep.ts): skipped when both files exist, written
 * atomically when both runs are done, sharded by position in the list (layers-major).
 *
 * Profiles: full = 40 configurations × 2 functions × 400 iterations of a 100-character window, a
 * progress row every 20 iterations (20 intervals per run); it took 11.5 minutes on this 2-core machine
 * while other jobs kept the load average at 7–15 (the budget is ≤ 20 minutes). quick = 1–2 layers ×
 * {16, 64, 128}, 200 iterations, a row every 20 (10 intervals; about 10 seconds). Resume is by file
 * name: a rerun with another --iterations skips the configurations already present (delete the folder
 * to rerun them).
 *
 * --gate and --activation-impl choose the gates and point-wise kernels of both runs of every pair. <func>
 * is the cell's name (src/lstm/cell.ts cellName): 'tanh' and 'isru' for the original study's sigmoid
 * gates and scalar kernels, e.g. 'isru+isru-sigmoid' otherwise, so the variants of a size sit side by
 * side in one folder, resume independently, and the study's readers see only the study's pairs.
 */
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { Corpus, loadCorpus } from '../data/corpus';
import { toCsv } from '../io/csv';
import { resultsPath } from '../io/paths';
import { cellFlags, activationImplOption, checkCellFlags, gateOption } from '../cell-flags';
import { cellName, CellVariant, STUDY_VARIANT } from '../lstm/cell';
import { formatProgressRow } from '../lstm/progress-file';
import { PROGRESS_COLUMNS } from '../lstm/training-loop';
import { trainInterleaved } from './interleave';
import { defineSweep, runJobs, selectShard, SweepJob, SweepOptions } from './sweep';

export interface NetSizeConfig {
  layers: number;
  neurons: number;
}

export interface NetSizeProfile {
  configs: NetSizeConfig[];
  iterations: number;
  progressEvery: number;
}

export const NET_SIZE_LAYERS = [1, 2, 3, 4] as const;
export const NET_SIZE_NEURONS = [8, 16, 24, 32, 48, 64, 100, 128, 200, 256] as const;
/** The two functions of every pair, in the order they take turns. */
export const NET_SIZE_FUNCS = ['tanh', 'isru'] as const;
export type NetSizeFunc = (typeof NET_SIZE_FUNCS)[number];

/** The same seed for both runs of a pair (and for every configuration). */
export const NET_SIZE_SEED = 1;

const grid = (layers: readonly number[], neurons: readonly number[]): NetSizeConfig[] => layers.flatMap((l) => neurons.map((n) => ({ layers: l, neurons: n })));

export function netSizeProfile(quick: boolean): NetSizeProfile {
  return quick
    ? { configs: grid([1, 2], [16, 64, 128]), iterations: 200, progressEvery: 20 }
    : { configs: grid(NET_SIZE_LAYERS, NET_SIZE_NEURONS), iterations: 400, progressEvery: 20 };
}

/** progress_<L>x<N>_<func>.csv: the original study's file names. */
export const netSizeFileName = (c: NetSizeConfig, func: string): string => `progress_${c.layers}x${c.neurons}_${func}.csv`;

/** Where the sweep writes: the full profile in results/net-size/<machine>, the quick one in quick/ beneath. */
export function netSizeDir(quick: boolean, machine = machineSlug()): string {
  return quick ? resultsPath('net-size', machine, 'quick') : resultsPath('net-size', machine);
}

/** The command that produces the results (notebook 04 prints it when they are missing). */
export const NET_SIZE_COMMAND = 'node bin/lstm-opt.js sweep net-size';

/**
 * Relative cost of one iteration (for the progress bar's ETA only): the gate matrices of a layer are
 * 4N × (input + N), the output layer vocab × N (vocab ≈ 100), plus a fixed per-iteration overhead.
 */
export function netSizeCost(c: NetSizeConfig): number {
  const n = c.neurons;
  return (4 * n * (100 + n) + 4 * n * 2 * n * (c.layers - 1) + 100 * n) / 1e4 + 1;
}

/** The file-name part of each function of a pair (cellName): 'tanh', 'isru' for the study's cell. */
export function netSizeFuncs(cell: CellVariant = STUDY_VARIANT): string[] {
  return NET_SIZE_FUNCS.map((activation) => cellName({ activation, gate: cell.gate, impl: cell.activationImpl }));
}

/** One configuration as a sweep job: the tanh/isru pair, interleaved, two CSV files. */
export function netSizeJob(corpus: () => Corpus, c: NetSizeConfig, dir: string, iterations: number, progressEvery: number, cell: CellVariant = STUDY_VARIANT): SweepJob {
  const funcs = netSizeFuncs(cell);
  const variant = funcs[0].slice(NET_SIZE_FUNCS[0].length + 1); // the name's parts after the activation
  return {
    label: `${c.layers}x${c.neurons}${variant ? ` ${variant}` : ''}`,
    files: funcs.map((f) => join(dir, netSizeFileName(c, f))),
    work: NET_SIZE_FUNCS.length * iterations,
    weight: netSizeCost(c),
    async run(tick) {
      const results = await trainInterleaved(
        corpus(),
        NET_SIZE_FUNCS.map((activation) => ({ layers: c.layers, neurons: c.neurons, activation, ...cell, precision: 'f64' as const, seed: NET_SIZE_SEED })),
        { iterations, progressEvery: Math.min(progressEvery, iterations), onIteration: () => tick() },
      );
      return results.map((r) => toCsv(PROGRESS_COLUMNS, r.rows.map(formatProgressRow)));
    },
  };
}

/** Runs (the shard of) the sweep; returns the output folder. */
export async function runNetSizeSweep(o: SweepOptions): Promise<string> {
  const p = netSizeProfile(o.quick);
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? netSizeDir(o.quick);
  // the corpus is loaded once, and only if some configuration still has to run
  let cached: Corpus | undefined;
  const corpus = (): Corpus => (cached ??= loadCorpus(o.corpus));
  if (o.corpus !== undefined) corpus(); // a bad --corpus fails before anything else
  const cell = cellFlags(o.extra);
  checkCellFlags(NET_SIZE_FUNCS, cell);
  const funcs = netSizeFuncs(cell);
  const jobs = selectShard(p.configs, o.shard).map((c) => netSizeJob(corpus, c, dir, iterations, p.progressEvery, cell));
  await runJobs(jobs, {
    name: 'net-size',
    quiet: o.quiet,
    describe: (job, contents, seconds) => {
      const wall = contents.map((csv) => {
        const last = csv.trim().split('\n').pop()!.split(',');
        const col = (name: string): number => Number(last[PROGRESS_COLUMNS.indexOf(name as (typeof PROGRESS_COLUMNS)[number])]);
        return col('forward_time') + col('back_time') + col('adam_time');
      });
      return `${job.label}: ${funcs[0]} ${wall[0].toFixed(2)} s, ${funcs[1]} ${wall[1].toFixed(2)} s of training (${seconds.toFixed(1)} s with interleaving) → ${dir}`;
    },
  });
  return dir;
}

defineSweep({
  name: 'net-size',
  description: 'layers 1-4 x neurons 8..256, tanh vs isru interleaved, results/net-size/<machine>',
  options: [gateOption(), activationImplOption()],
  run: runNetSizeSweep,
});
