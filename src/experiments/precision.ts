/**
 * Float vs double: the same 5x100 tanh network trained in f32 and in f64 storage from
 * the same seed, interleaved in chunks (src/experiments/interleave.ts) so both see the same machine load.
 * Output (docs/ARCHITECTURE.md, "Results"): results/precision/<machine>/progress-<f32|f64>-<L>x<N>.csv, progress columns.
 *
 * Resume (src/experiments/sweep.ts): skipped when both CSVs exist; they are written once, complete and
 * atomically, when both runs have finished.
 */
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { loadCorpus } from '../data/corpus';
import { toCsv } from '../io/csv';
import { resultsPath } from '../io/paths';
import type { Precision } from '../lstm/buffers';
import { PROGRESS_COLUMNS, ProgressRow } from '../lstm/training-loop';
import { formatProgressRow } from '../lstm/progress-file';
import { trainInterleaved } from './interleave';
import { defineSweep, runJobs, selectShard, SweepJob, SweepOptions } from './sweep';

export interface PrecisionProfile {
  layers: number;
  neurons: number;
  iterations: number;
  progressEvery: number;
}

/** full: 5x100 as in the original, 3000 iterations; quick: 2x32, 200 iterations. */
export function precisionProfile(quick: boolean): PrecisionProfile {
  return quick ? { layers: 2, neurons: 32, iterations: 200, progressEvery: 20 } : { layers: 5, neurons: 100, iterations: 3000, progressEvery: 100 };
}

export const PRECISIONS: readonly Precision[] = ['f32', 'f64'];

export const precisionProgressName = (p: string, layers: number, neurons: number): string => `progress-${p}-${layers}x${neurons}.csv`;

export function precisionDir(quick: boolean, machine = machineSlug()): string {
  return quick ? resultsPath('precision', machine, 'quick') : resultsPath('precision', machine);
}

export const PRECISION_COMMAND = 'lstm-opt sweep precision';

/** The sweep options this kind uses (it has no options of its own). */
export type PrecisionSweepOptions = Omit<SweepOptions, 'extra'>;

/**
 * A progress row with the loss to 12 significant digits: f32 and f64 losses of the same run differ by
 * ~1e-8 after the first iterations, below the 6 decimals the other progress files carry.
 */
function formatPrecisionRow(r: ProgressRow): Record<string, string | number> {
  return { ...formatProgressRow(r), loss: r.loss.toPrecision(12) };
}

/** The sweep's one job: the f32/f64 pair, trained interleaved. */
export function precisionJob(o: PrecisionSweepOptions): SweepJob {
  const p = precisionProfile(o.quick);
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? precisionDir(o.quick);
  return {
    label: `${p.layers}x${p.neurons} f32+f64`,
    files: PRECISIONS.map((x) => join(dir, precisionProgressName(x, p.layers, p.neurons))),
    work: PRECISIONS.length * iterations,
    async run(tick) {
      const results = await trainInterleaved(
        loadCorpus(o.corpus),
        PRECISIONS.map((precision) => ({ layers: p.layers, neurons: p.neurons, activation: 'tanh', precision, seed: 1 })),
        { iterations, progressEvery: Math.min(p.progressEvery, iterations), onIteration: () => tick(1) },
      );
      return results.map((r) => toCsv(PROGRESS_COLUMNS, r.rows.map(formatPrecisionRow)));
    },
  };
}

/** Runs the f32/f64 pair unless both files exist (resume); returns the output folder. */
export async function runPrecisionSweep(o: PrecisionSweepOptions): Promise<string> {
  await runJobs(selectShard([precisionJob(o)], o.shard), {
    name: 'precision', quiet: o.quiet,
    describe: (job, _c, seconds) => `${job.label}, ${job.work / PRECISIONS.length} iterations each, interleaved, in ${seconds.toFixed(0)} s`,
  });
  return o.out ?? precisionDir(o.quick);
}

defineSweep({
  name: 'precision',
  description: 'the same 5x100 tanh run in f32 and f64, interleaved (results/precision)',
  run: (o: SweepOptions) => runPrecisionSweep(o),
});
