/**
 * Float vs double: every variant (src/studies/variants.ts) of the same 5x100 network trained in f32
 * and in f64 storage from the same seed, all runs interleaved in chunks (src/sweep/interleaved-training.ts) so
 * that every run sees the same machine load: the f32/f64 ratio of a variant and the saving of a variant
 * over tanh/scalar within one precision are both fair comparisons.
 *
 * Output: ./results.ts.
 *
 * Resume (src/sweep/sweep.ts): skipped when all its files exist; they are written once, complete
 * and atomically, when every run has finished. `--variants` picks a subset (the JSON then describes the
 * last subset run); `--wait-idle <load>` waits for a calm machine first.
 */
import { join } from 'node:path';
import { describeMachine } from '../../io/machine';
import { corpusTag, loadCorpus } from '../../data/corpus';
import type { CsvRow } from '../../io/csv';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, startMeasuring } from '../../io/load';
import { ProgressRow } from '../../lstm/training-loop';
import { formatProgressRow, progressCsv } from '../../lstm/progress-file';
import { trainInterleaved } from '../../sweep/interleaved-training';
import { allVariants, availableVariants, BASELINE_ID, Variant, variantSlug } from '../variants';
import { variantSweepOptions } from '../verdict/sweep';
import { sizeLabel } from '../../lstm/size';
import { runJobs, selectShard, SweepJob, SweepKind, SweepOptions } from '../../sweep/sweep';
import { PRECISION_COLUMNS, PRECISION_EXTRA_COLUMNS, precisionDir, precisionJobName, precisionProfile, precisionProgressName, PRECISIONS } from './results';


interface PrecisionExtra {
  variants?: Variant[];
  waitIdle?: number;
  waitTimeout?: number;
}

export interface PrecisionSweepOptions extends Omit<SweepOptions, 'extra'> {
  extra?: PrecisionExtra;
}

/**
 * A progress row with the loss to 12 significant digits: f32 and f64 losses of the same run differ by
 * ~1e-8 after the first iterations, below the 6 decimals the other progress files carry.
 */
function formatPrecisionRow(r: ProgressRow, v: Variant): CsvRow {
  return formatProgressRow(r, { loss: r.loss.toPrecision(12), variant: v.id });
}

/** The variants both precisions can run, and the skipped ones with the first reason found. */
export function precisionVariants(wanted: readonly Variant[]): { run: Variant[]; skipped: { variant: Variant; reason: string }[] } {
  const checks = PRECISIONS.map((p) => availableVariants(wanted, p));
  const run = wanted.filter((v) => checks.every((c) => c.run.includes(v)));
  const skipped = wanted.filter((v) => !run.includes(v)).map((v) => {
    const s = checks.flatMap((c, k) => c.skipped.filter((x) => x.variant === v).map((x) => `${PRECISIONS[k]}: ${x.reason}`));
    return { variant: v, reason: s.join('; ') };
  });
  return { run, skipped };
}

/** The sweep's one job: every variant in f32 and f64, trained interleaved; CSVs first, the job JSON last. */
export function precisionJob(o: PrecisionSweepOptions, say: (line: string) => void = () => {}): SweepJob {
  const p = precisionProfile(o.quick);
  const x = o.extra ?? {};
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? precisionDir(o.quick);
  const { run: variants, skipped } = precisionVariants(x.variants ?? allVariants());
  const pairs = variants.flatMap((v) => PRECISIONS.map((precision) => ({ v, precision })));
  const progressEvery = Math.min(p.progressEvery, iterations);
  const settings = { iterations, progress_every: progressEvery, seed: 1, variants: variants.map((v) => v.id).join(' '), corpus: corpusTag(o.corpus) };
  return {
    settings,
    label: `${p.layers}x${p.neurons} ${variants.length} variant${variants.length === 1 ? '' : 's'} × f32+f64`,
    files: [...pairs.map((r) => join(dir, precisionProgressName(r.precision, p.layers, p.neurons, r.v.id))), join(dir, precisionJobName(p.layers, p.neurons))],
    work: pairs.length * iterations,
    async run(tick) {
      for (const s of skipped) say(`skipping ${s.variant.id}: ${s.reason}`);
      const corpus = loadCorpus(o.corpus);
      const measured = await startMeasuring({ waitIdle: x.waitIdle, waitTimeoutSeconds: x.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS }, say);
      const results = await trainInterleaved(
        corpus,
        pairs.map(({ v, precision }) => ({ layers: p.layers, neurons: p.neurons, cell: v.spec, precision, seed: 1 })),
        { iterations, progressEvery, onIteration: () => tick(1) },
      );
      const job = {
        kind: 'precision', size: sizeLabel(p), iterations, progress_every: progressEvery, seed: 1,
        unit: measured(),
        machine: describeMachine(), finished: new Date().toISOString(),
        variants: variants.map((v) => v.id),
        skipped: skipped.map((s) => ({ variant: s.variant.id, reason: s.reason })),
        settings,
      };
      return [...results.map((r, k) => progressCsv(r.rows.map((row) => formatPrecisionRow(row, pairs[k].v)), { extraColumns: PRECISION_EXTRA_COLUMNS })), JSON.stringify(job, null, 2) + '\n'];
    },
  };
}

/** Runs every variant's f32/f64 pair unless all files exist (resume); returns the output folder. */
export async function runPrecisionSweep(o: PrecisionSweepOptions): Promise<string> {
  const say = (line: string): void => {
    if (!o.quiet) process.stderr.write(`sweep precision: ${line}\n`);
  };
  const job = precisionJob(o, say);
  await runJobs(selectShard([job], o.shard), {
    name: 'precision', quiet: o.quiet, remeasure: o.remeasure,
    describe: (j, _c, seconds) => `${j.label}, ${o.iterations ?? precisionProfile(o.quick).iterations} iterations each, interleaved, in ${seconds.toFixed(0)} s`,
  });
  return o.out ?? precisionDir(o.quick);
}

export const precisionSweep: SweepKind = {
  name: 'precision',
  description: 'every variant of a 5x100 network in f32 and f64, interleaved (results/precision)',
  options: variantSweepOptions(),
  run: (o: SweepOptions) => runPrecisionSweep({ ...o, extra: o.extra as PrecisionExtra }),
};
