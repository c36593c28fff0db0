/**
 * The network-size sweep: layers 1–4 × neurons {8, …, 256} on the SOTU corpus, every configuration
 * trained with every variant of src/studies/variants.ts (tanh, isru, all-isru × scalar, simd) from
 * the same seed. The runs of a configuration are interleaved in chunks of one progress interval
 * (src/sweep/interleaved-training.ts): tanh/scalar for K iterations, then tanh/simd for K, … then
 * tanh/scalar again, so every progress interval of every variant sees the same machine load — on a shared
 * machine that is what makes the per-interval ratio variant/baseline meaningful. This sweep is about
 * time; held-out loss is the verdict sweep's (src/studies/verdict/sweep.ts).
 *
 * Output: ./results.ts.
 *
 * A configuration is one sweep job (src/sweep/sweep.ts): skipped when all its files exist, written
 * atomically when all its runs are done, sharded by position in the list (layers-major). Folders from
 * before the variant axis (tanh/isru pairs only, no config_*.json) read as those two variants
 * (src/studies/net-size/analysis.ts), and a rerun over them retrains every configuration with all variants.
 *
 * Profiles: full = 40 configurations × 6 variants × 400 iterations of a 100-character window, a
 * progress row every 20 iterations (20 intervals per run). Its duration, estimated on this 2-core machine
 * (AMD EPYC, Node 20): three configurations run with all six variants × 400 iterations, niced beside other
 * jobs (load average 3.8–4.7), took 1x32 1.4 s, 2x128 17.2 s and 4x256 138.3 s of process CPU time
 * (1.9, 31.0 and 285.7 s wall), i.e. 0.45–0.70 CPU seconds per unit of netSizeCost; the grid sums to
 * 1 113 units, mostly in the large configurations, so the full profile needs about 13 minutes of CPU
 * (≈ 1 113 × 0.70 s) — about 13–15 minutes on an idle machine, twice that when it shares its cores as it
 * did then. quick = 1–2 layers × {16, 64, 128}, 200 iterations, a row every 20 (10 intervals; 60 cost
 * units, about 20 s). Resume is by file name: a rerun with another --iterations skips the configurations
 * already present (delete the folder to rerun them).
 *
 * Options: `--variants tanh,all-isru/simd` (the verdict sweep's parser; tanh/scalar, the baseline every
 * saving is measured against, is always trained), `--wait-idle <load>` and `--wait-timeout <s>` (wait
 * before each configuration until the load average is at most <load>, else warn when the machine is busy).
 */
import { join } from 'node:path';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, LoadPolicy, startMeasuring } from '../../io/load';
import { describeMachine } from '../../io/machine';
import { Corpus, corpusTag, loadCorpus } from '../../data/corpus';
import { formatProgressRow, lastRowTraining, progressCsv } from '../../lstm/progress-file';
import { trainInterleaved } from '../../sweep/interleaved-training';
import {
  NET_SIZE_SEED, NetSizeConfig, netSizeConfigFile, NetSizeConfigRecord, netSizeDir, netSizeProfile, netSizeVariantFile,
} from './results';
import { allVariants, availableVariants, BASELINE_ID, parseVariantId, Variant, variantSlug } from '../variants';
import { variantSweepOptions } from '../verdict/sweep';
import { sizeLabel } from '../../lstm/size';
import { isComplete, runJobs, selectShard, SweepJob, SweepKind, SweepOptions } from '../../sweep/sweep';


/**
 * Relative cost of one iteration (the progress bar's ETA and the full profile's estimate): the gate
 * matrices of a layer are 4N × (input + N), the output layer vocab × N (vocab ≈ 100), plus a fixed
 * per-iteration overhead.
 */
export function netSizeCost(c: NetSizeConfig): number {
  const n = c.neurons;
  return (4 * n * (100 + n) + 4 * n * 2 * n * (c.layers - 1) + 100 * n) / 1e4 + 1;
}

/** The variants to train: the wanted ones (default all) with the baseline added when it is missing. */
export function netSizeVariants(wanted: readonly Variant[] = allVariants()): Variant[] {
  const ids = new Set([BASELINE_ID, ...wanted.map((v) => v.id)]);
  return allVariants().filter((v) => ids.has(v.id));
}

export interface NetSizeJobOptions {
  dir: string;
  iterations: number;
  progressEvery: number;
  /** the variants this build runs (the baseline first) */
  variants: readonly Variant[];
  skipped?: readonly { variant: Variant; reason: string }[];
  policy?: LoadPolicy;
  log?: (line: string) => void;
  /** what identifies the corpus in the recorded settings (corpusTag) */
  corpus?: string;
}

/** One configuration as a sweep job: all variants interleaved, one CSV per variant, then the config JSON. */
export function netSizeJob(corpus: () => Corpus, c: NetSizeConfig, o: NetSizeJobOptions): SweepJob {
  const progressEvery = Math.min(o.progressEvery, o.iterations);
  const settings = { iterations: o.iterations, progress_every: progressEvery, seed: NET_SIZE_SEED, variants: o.variants.map((v) => v.id).join(' '), corpus: o.corpus ?? corpusTag() };
  return {
    label: sizeLabel(c),
    settings,
    files: [...o.variants.map((v) => join(o.dir, netSizeVariantFile(c, v))), join(o.dir, netSizeConfigFile(c))],
    work: o.variants.length * o.iterations,
    weight: netSizeCost(c),
    async run(tick) {
      const text = corpus();
      const measured = await startMeasuring(o.policy ?? { waitTimeoutSeconds: DEFAULT_WAIT_TIMEOUT_SECONDS }, o.log ?? (() => {}));
      const results = await trainInterleaved(
        text,
        o.variants.map((v) => ({ layers: c.layers, neurons: c.neurons, cell: v.spec, precision: 'f64' as const, seed: NET_SIZE_SEED })),
        { iterations: o.iterations, progressEvery, onIteration: () => tick() },
      );
      const record: NetSizeConfigRecord = {
        kind: 'net-size', config: sizeLabel(c), layers: c.layers, neurons: c.neurons, iterations: o.iterations, progress_every: progressEvery, seed: NET_SIZE_SEED,
        ...measured(),
        variants: o.variants.map((v) => ({ variant: v.id, csv: netSizeVariantFile(c, v) })),
        skipped: (o.skipped ?? []).map((k) => ({ variant: k.variant.id, reason: k.reason })),
        machine: describeMachine(), finished: new Date().toISOString(),
        settings,
      };
      return [...results.map((r) => progressCsv(r.rows.map((row) => formatProgressRow(row)))), JSON.stringify(record, null, 2) + '\n'];
    },
  };
}

interface NetSizeExtra {
  variants?: Variant[];
  waitIdle?: number;
  waitTimeout?: number;
}

/** Runs (the shard of) the sweep; returns the output folder. */
export async function runNetSizeSweep(o: SweepOptions): Promise<string> {
  const p = netSizeProfile(o.quick);
  const x = o.extra as NetSizeExtra;
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? netSizeDir(o.quick);
  const say = (line: string): void => {
    if (!o.quiet) process.stderr.write(`sweep net-size: ${line}\n`);
  };
  // the corpus is loaded once, and only if some configuration still has to run
  let cached: Corpus | undefined;
  const corpus = (): Corpus => (cached ??= loadCorpus(o.corpus));
  if (o.corpus !== undefined) corpus(); // a bad --corpus fails before anything else
  const { run: variants, skipped } = availableVariants(netSizeVariants(x.variants));
  const policy: LoadPolicy = { waitIdle: x.waitIdle, waitTimeoutSeconds: x.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS };
  const jobs = selectShard(p.configs, o.shard).map((c) => netSizeJob(corpus, c, { dir, iterations, progressEvery: p.progressEvery, variants, skipped, policy, log: say, corpus: corpusTag(o.corpus) }));
  if (jobs.some((j) => !isComplete(j))) for (const k of skipped) say(`skipping ${k.variant.id}: ${k.reason}`);
  await runJobs(jobs, {
    name: 'net-size',
    quiet: o.quiet,
    remeasure: o.remeasure,
    describe: (job, contents, seconds) => {
      const record = JSON.parse(contents[contents.length - 1]) as NetSizeConfigRecord;
      const train = contents.slice(0, -1).map((csv, k) => `${variants[k].id} ${lastRowTraining(csv).seconds.toFixed(2)} s`);
      return `${job.label}: ${train.join(', ')} of training (${seconds.toFixed(1)} s interleaved, load ${record.load_before.toFixed(2)} → ${record.load_after.toFixed(2)}) → ${dir}`;
    },
  });
  return dir;
}

export const netSizeSweep: SweepKind = {
  name: 'net-size',
  description: 'layers 1-4 x neurons 8..256, every variant interleaved per configuration, results/net-size/<machine>',
  options: variantSweepOptions(),
  run: runNetSizeSweep,
};
