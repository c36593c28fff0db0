/**
 * ISRU inside a mainstream framework: the original's Keras MNIST test (src/studies/framework-test/train.ts) in
 * TensorFlow.js, tanh vs ISRU as the LSTM activation, over several seeds, on tfjs's pure-JS 'cpu' and its
 * SIMD 'wasm' backend.
 *
 * Jobs (src/sweep/sweep.ts): one per (seed, backend), each training the tanh/ISRU pair of that seed
 * interleaved; a job writes parts/<machine>/<backend>-seed<s>.csv atomically when its pair is done, so
 * resume skips finished pairs and shards split the list. After each run the parts present are merged,
 * in job order, into the file the notebook reads:
 *
 *   full:  results/framework/<machine>.csv          (parts: results/framework/parts/<machine>/)
 *   quick: results/framework/quick/<machine>.csv    (git-ignored, rewritten by `npm start`)
 *
 * The list alternates backends within a seed (seed 1 cpu, seed 1 wasm, seed 2 cpu, ...), so a sweep
 * stopped early still has paired results on both backends.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { machineSlug } from '../../io/machine';
import { UserError } from '../../errors';
import { writeFileAtomic } from '../../io/atomic';
import { toCsv } from '../../io/csv';
import { loadMnistPackage, pickDigits, splitDigits } from './mnist';
import { Backend, BACKENDS } from './names';
// TensorFlow.js is loaded only when a job runs (see tfjsModules), so these are types only
import type { KernelCost } from './ops';
import type { EpochRecord } from './train';
import { runJobs, selectShard, SweepJob, SweepKind, SweepOptions } from '../../sweep/sweep';
import { FRAMEWORK_COLUMNS, FRAMEWORK_OPS_COLUMNS, frameworkCsv, frameworkDir, frameworkOpsCsv, FrameworkProfile, frameworkProfile } from './results';

/** The modules that load TensorFlow.js, loaded on first use: every `lstm-opt` command loads this file. */
async function tfjsModules(): Promise<{ train: typeof import('./train'); ops: typeof import('./ops') }> {
  return { train: await import('./train'), ops: await import('./ops') };
}

const partsDir = (dir: string, machine: string): string => join(dir, 'parts', machine);
const partName = (backend: Backend, seed: number): string => `${backend}-seed${seed}.csv`;

function formatRecord(r: EpochRecord, p: FrameworkProfile): Record<string, string | number> {
  const f = (x: number, digits: number): string => x.toFixed(digits);
  return {
    backend: r.backend, activation: r.activation, seed: r.seed, epoch: r.epoch,
    train_loss: f(r.trainLoss, 6), train_acc: f(r.trainAcc, 6), val_loss: f(r.valLoss, 6), val_acc: f(r.valAcc, 6),
    test_loss: f(r.testLoss, 6), test_acc: f(r.testAcc, 6),
    epoch_wall_s: f(r.epochWallS, 4), epoch_cpu_s: f(r.epochCpuS, 4), order: r.order,
    units: p.units, train_samples: p.split.train, val_samples: p.split.validation, test_samples: p.split.test,
    batch_size: p.batchSize, framework: r.framework,
  };
}

export interface FrameworkSweepOptions {
  quick: boolean;
  shard?: SweepOptions['shard'];
  /** output folder (default frameworkDir) */
  out?: string;
  /** epochs per model (default: the profile's) */
  epochs?: number;
  /** seeds 1..n (default: the profile's) */
  seeds?: number;
  backends?: Backend[];
  quiet?: boolean;
  machine?: string;
}

/** The resolved profile of a run: the named profile with the command line's overrides. */
export function resolveProfile(o: FrameworkSweepOptions): FrameworkProfile {
  const p = frameworkProfile(o.quick);
  return {
    ...p,
    epochs: o.epochs ?? p.epochs,
    seeds: o.seeds ? Array.from({ length: o.seeds }, (_, i) => i + 1) : p.seeds,
    backends: o.backends ?? p.backends,
  };
}

/** One job per (seed, backend), backends alternating within a seed. */
export function frameworkJobs(o: FrameworkSweepOptions): SweepJob[] {
  const p = resolveProfile(o);
  const dir = o.out ?? frameworkDir(o.quick);
  const parts = partsDir(dir, o.machine ?? machineSlug());
  // the pure-JS backend is ~5x slower per epoch than SIMD wasm: weights keep the ETA honest
  const weight: Record<Backend, number> = { cpu: 5, wasm: 1 };
  return p.seeds.flatMap((seed) =>
    p.backends.map((backend): SweepJob => ({
      label: `${backend} seed ${seed}`,
      files: [join(parts, partName(backend, seed))],
      work: 2 * p.epochs,
      weight: weight[backend],
      async run(tick) {
        const split = splitDigits(loadMnistPackage(), p.split);
        const { train } = await tfjsModules();
        const records = await train.trainPair({ backend, seed, epochs: p.epochs, shape: p, split, onEpoch: () => tick(1) });
        return [toCsv(FRAMEWORK_COLUMNS, records.map((r) => formatRecord(r, p)))];
      },
    })),
  );
}

/**
 * Rebuilds the machine's merged CSV from the parts present, in job order (seed, then backend). Returns
 * the number of parts merged (0: nothing written).
 */
export function mergeFrameworkParts(dir: string, machine: string, p: Pick<FrameworkProfile, 'seeds' | 'backends'>): number {
  const pdir = partsDir(dir, machine);
  if (!existsSync(pdir)) return 0;
  const present = new Set(readdirSync(pdir));
  // parts of seeds beyond this run's list (an earlier, longer run) are kept too
  const seeds = new Set(p.seeds);
  for (const name of present) {
    const m = /^(cpu|wasm)-seed(\d+)\.csv$/.exec(name);
    if (m) seeds.add(Number(m[2]));
  }
  let body = FRAMEWORK_COLUMNS.join(',') + '\n';
  let merged = 0;
  for (const seed of [...seeds].sort((a, b) => a - b)) {
    for (const backend of BACKENDS) {
      const name = partName(backend, seed);
      if (!present.has(name)) continue;
      const lines = readFileSync(join(pdir, name), 'utf8').trim().split('\n').slice(1);
      if (lines.length) body += lines.join('\n') + '\n';
      merged++;
    }
  }
  if (merged > 0) writeFileAtomic(frameworkCsv(false, machine, dir), body);
  return merged;
}

/** Runs (a shard of) the sweep, skipping finished pairs, then merges the parts; returns the merged CSV's path. */
export async function runFrameworkSweep(o: FrameworkSweepOptions): Promise<string> {
  const p = resolveProfile(o);
  const dir = o.out ?? frameworkDir(o.quick);
  const machine = o.machine ?? machineSlug();
  await runJobs(selectShard(frameworkJobs({ ...o, machine }), o.shard), {
    name: 'framework',
    quiet: o.quiet,
    describe: (job, _c, seconds) => `${job.label}: tanh + isru, ${p.epochs} epochs each, interleaved, in ${seconds.toFixed(0)} s`,
  });
  mergeFrameworkParts(dir, machine, p);
  return frameworkCsv(o.quick, machine, dir);
}

/** `--backends cpu,wasm` → the list; anything else is a UserError naming the flag. */
export function parseBackends(text: string): Backend[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((b) => !(BACKENDS as readonly string[]).includes(b));
  if (list.length === 0 || bad.length) throw new UserError(`--backends must be a comma-separated list of ${BACKENDS.join(', ')}, got '${text}'`);
  return [...new Set(list)] as Backend[];
}

/** `--seeds n` → n ≥ 1. */
export function parseSeeds(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new UserError(`--seeds must be a positive integer, got '${text}'`);
  return n;
}

/** `--backends <list>`, shared by both framework kinds (each kind gets its own Option object). */
const backendsOption = (): Option => new Option('--backends <list>', 'TensorFlow.js backends: cpu, wasm (default both)').argParser(parseBackends);

export const frameworkSweep: SweepKind = {
  name: 'framework',
  description: 'the Keras MNIST LSTM in TensorFlow.js, tanh vs a custom ISRU, seeds x cpu/wasm; --iterations = epochs (results/framework)',
  options: [backendsOption(), new Option('--seeds <n>', 'train seeds 1..n (default: the profile\'s)').argParser(parseSeeds)],
  run: (o: SweepOptions) =>
    runFrameworkSweep({
      quick: o.quick,
      shard: o.shard,
      out: o.out,
      epochs: o.iterations,
      quiet: o.quiet,
      backends: o.extra.backends as Backend[] | undefined,
      seeds: o.extra.seeds as number | undefined,
    }),
};

// ------------------------------------------------------------------ kernel profile (sweep framework-ops)

function formatKernelCost(c: KernelCost, p: FrameworkProfile): Record<string, string | number> {
  return {
    backend: c.backend, activation: c.activation, kernel: c.kernel, calls_per_step: c.callsPerStep,
    ms_per_step: c.msPerStep.toFixed(5), step_cpu_ms: c.stepCpuMs.toFixed(3), alone_cpu_ms: c.aloneCpuMs.toFixed(4), uses: c.uses, steps: c.steps,
    units: p.units, batch_size: p.batchSize, framework: c.framework,
  };
}

/**
 * One job: the tanh / ISRU / linear training step of the profile's model, profiled kernel by kernel on
 * each backend (src/studies/framework-test/ops.ts), on the first batch of the training split.
 */
export function frameworkOpsJob(o: FrameworkSweepOptions): SweepJob {
  const p = resolveProfile(o);
  const steps = o.epochs ?? p.opsSteps;
  const dir = o.out ?? frameworkDir(o.quick);
  return {
    label: `kernel profile ${p.backends.join('+')}`,
    files: [frameworkOpsCsv(o.quick, o.machine ?? machineSlug(), dir)],
    work: p.backends.length * steps,
    async run(tick) {
      const train = splitDigits(loadMnistPackage(), p.split).train;
      const batch = pickDigits(train, Array.from({ length: p.batchSize }, (_, i) => i));
      const rows: Record<string, string | number>[] = [];
      const { ops } = await tfjsModules();
      for (const backend of p.backends) {
        const costs = await ops.profileActivationKernels({ backend, shape: p, batch, steps });
        rows.push(...costs.map((c) => formatKernelCost(c, p)));
        tick(steps);
      }
      return [toCsv(FRAMEWORK_OPS_COLUMNS, rows)];
    },
  };
}

export const frameworkOpsSweep: SweepKind = {
  name: 'framework-ops',
  description: 'kernel profile of a TensorFlow.js training step with tanh, ISRU, linear; --iterations = profiled steps (results/framework)',
  options: [backendsOption()],
  run: async (o: SweepOptions) => {
    const opts: FrameworkSweepOptions = { quick: o.quick, out: o.out, epochs: o.iterations, quiet: o.quiet, backends: o.extra.backends as Backend[] | undefined };
    await runJobs(selectShard([frameworkOpsJob(opts)], o.shard), { name: 'framework-ops', quiet: o.quiet });
    return o.out ?? frameworkDir(o.quick);
  },
};
