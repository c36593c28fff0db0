/**
 * The single- vs multi-thread sweep: for every configuration (layers x neurons, tanh, window
 * 100, f64, SOTU) the same fixed number of iterations once with the single-thread engine and once with
 * the parallel engine (rows strategy, one thread per core), back to back so that both see the same
 * machine load. Output: ./results.ts.
 *
 * Each (configuration, mode) first goes to its own complete file, parts/<L>x<N>-<st|mt>.csv (written
 * atomically), so an interrupted sweep resumes where it stopped and shards (--shard i/n: every n-th
 * configuration, i = 1..n) run anywhere; the two merged files are rebuilt from all parts after every
 * configuration, in configuration order.
 */
import { cellSpec } from '../../lstm/cell-spec';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { Corpus, loadCorpus } from '../../data/corpus';
import { writeFileAtomic } from '../../io/atomic';
import { Lstm } from '../../lstm/network';
import { PROGRESS_COLUMNS, ProgressRow, runTraining } from '../../lstm/training-loop';
import { formatProgressRow, lastRowTraining, progressCsv, upgradeProgressText } from '../../lstm/progress-file';
import { corpusIdentity, Trainer } from '../../lstm/trainer';
import { cores } from '../../lstm/parallel/auto';
import type { MtStrategy } from '../../lstm/parallel/partition';
import { positiveInt, UserError } from '../../errors';
import { threadsProblem } from '../../lstm/limits';
import { runJobs, selectShard, Shard, SweepJob, SweepKind, SweepOptions } from '../../sweep/sweep';
import { MtConfig, mtDir, mtFileName, MtMode, partName } from './results';

export interface MtProfile {
  configs: MtConfig[];
  iterations: number;
  progressEvery: number;
  window: number;
}

const grid = (layers: number[], neurons: number[]): MtConfig[] => layers.flatMap((l) => neurons.map((n) => ({ layers: l, neurons: n })));

/**
 * full: layers 1–4 x neurons {16, 32, 64, 128, 256, 400, 512}, 300 iterations each (the original used
 * 1000: `--iterations 1000` where the sweep command offers it; 300 keeps the full run near half an hour on
 * 2 cores while every per-phase time is already a sum over 300 windows). quick: three configurations
 * that straddle the crossover, 20 iterations, well under a minute.
 */
export function mtProfile(quick: boolean): MtProfile {
  return quick
    ? { configs: [{ layers: 1, neurons: 16 }, { layers: 1, neurons: 64 }, { layers: 2, neurons: 128 }], iterations: 20, progressEvery: 5, window: 100 }
    : { configs: grid([1, 2, 3, 4], [16, 32, 64, 128, 256, 400, 512]), iterations: 300, progressEvery: 25, window: 100 };
}

export interface MtRunOptions {
  iterations: number;
  progressEvery: number;
  window: number;
  threads: number;
  strategy: MtStrategy;
  /** called after every iteration (progress bar) */
  onIteration?: () => void;
}

/** Trains one configuration in one mode and returns its progress rows. */
export async function runMtConfig(corpus: Corpus, c: MtConfig, mode: MtMode, o: MtRunOptions): Promise<ProgressRow[]> {
  const identity = corpusIdentity(corpus.source, corpus.ids);
  const net = new Lstm({ vocabSize: corpus.vocab.length, layers: c.layers, neurons: c.neurons, cell: cellSpec('tanh'), precision: 'f64', seed: 1 });
  const trainer = new Trainer(net, corpus.vocab, identity, { window: o.window, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
  const rows: ProgressRow[] = [];
  await runTraining(
    trainer,
    { iterations: o.iterations, progressEvery: o.progressEvery, sampleEvery: 0, storeEvery: 0, threads: mode === 'mt' ? o.threads : 1, strategy: o.strategy },
    { onRow: (r) => rows.push(r), onIteration: o.onIteration },
  );
  return rows;
}

/** Rebuilds progress-st.csv and progress-mt.csv from the parts present (this iteration count), in profile order. */
export function mergeMtParts(dir: string, configs: MtConfig[], iterations: number): void {
  const partsDir = join(dir, 'parts');
  if (!existsSync(partsDir)) return;
  const present = new Set(readdirSync(partsDir));
  for (const mode of ['st', 'mt'] as MtMode[]) {
    let body = PROGRESS_COLUMNS.join(',') + '\n';
    let any = false;
    for (const c of configs) {
      const f = partName(c, iterations, mode);
      if (!present.has(f)) continue;
      // a part written before the cell columns existed gets them (its run had sigmoid gates, scalar kernels)
      const lines = (upgradeProgressText(readFileSync(join(partsDir, f), 'utf8').trim()) ?? '').split('\n').slice(1);
      if (lines.length) body += lines.join('\n') + '\n';
      any = true;
    }
    if (any) writeFileAtomic(join(dir, mtFileName(mode)), body);
  }
}

export interface MtSweepOptions {
  quick: boolean;
  /** 1-based shard index and count: run configurations k with k % count == index - 1 */
  shard?: Shard;
  out?: string;
  iterations?: number;
  threads?: number;
  strategy?: MtStrategy;
  quiet?: boolean;
  /** corpus file (default SOTU) */
  corpus?: string;
}

/** One configuration as a sweep job (src/sweep/sweep.ts): st then mt, back to back, two part files. */
export function mtJob(corpus: () => Corpus, c: MtConfig, dir: string, o: MtRunOptions): SweepJob {
  return {
    label: `${c.layers}x${c.neurons}`,
    files: (['st', 'mt'] as MtMode[]).map((mode) => join(dir, 'parts', partName(c, o.iterations, mode))),
    work: 2 * o.iterations,
    async run(tick) {
      const out: string[] = [];
      for (const mode of ['st', 'mt'] as MtMode[]) {
        const rows = await runMtConfig(corpus(), c, mode, { ...o, onIteration: () => tick() });
        out.push(progressCsv(rows.map((row) => formatProgressRow(row))));
      }
      return out;
    },
  };
}

function msPerIteration(csv: string): string {
  const last = lastRowTraining(csv);
  return ((1000 * last.seconds) / (last.iteration + 1)).toFixed(2);
}

/** Runs (the selected shard of) the sweep through the shared sweep framework; returns the output folder. */
export async function runMtSweep(o: MtSweepOptions): Promise<string> {
  const profile = mtProfile(o.quick);
  const dir = o.out ?? mtDir(o.quick);
  const iterations = o.iterations ?? profile.iterations;
  let corpus: Corpus | undefined;
  const getCorpus = (): Corpus => (corpus ??= loadCorpus(o.corpus));
  const run: MtRunOptions = {
    iterations, progressEvery: Math.min(profile.progressEvery, iterations), window: profile.window,
    threads: o.threads ?? Math.max(2, cores()), strategy: o.strategy ?? 'rows',
  };
  const jobs = selectShard(profile.configs, o.shard).map((c) => mtJob(getCorpus, c, dir, run));
  try {
    await runJobs(jobs, {
      name: 'mt',
      quiet: o.quiet,
      describe: (job, contents, seconds) => `${job.label}: st ${msPerIteration(contents[0])} ms/iteration, mt ${msPerIteration(contents[1])} ms/iteration (${seconds.toFixed(1)} s)`,
    });
  } finally {
    mergeMtParts(dir, profile.configs, iterations); // also after an interruption: what is complete is merged
  }
  return dir;
}

export const mtSweep: SweepKind = {
  name: 'mt',
  description: 'single- vs multi-threaded training, layers 1-4 x neurons 16..512, results/mt/<machine>',
  options: [
    new Option('--threads <n>', 'threads of the multi-threaded runs (default: one per core)').argParser(positiveInt('--threads')),
    new Option('--mt-strategy <s>', 'split of the multi-threaded runs').choices(['rows', 'gates']),
  ],
  run: (o: SweepOptions) => {
    // the cap of `train --threads` (cores; no neuron count: the sweep's sizes differ)
    const tooMany = typeof o.extra.threads === 'number' ? threadsProblem(o.extra.threads, Number.MAX_SAFE_INTEGER, 'rows') : undefined;
    if (tooMany) throw new UserError(tooMany);
    return runMtSweep({
      quick: o.quick, shard: o.shard, out: o.out, iterations: o.iterations, quiet: o.quiet, corpus: o.corpus,
      threads: o.extra.threads as number | undefined, strategy: o.extra.mtStrategy as MtStrategy | undefined,
    });
  },
};
