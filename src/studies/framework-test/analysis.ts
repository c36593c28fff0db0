/**
 * The framework test's numbers and its conclusion (notebook 09): paired ISRU − tanh differences over
 * seeds for the final validation accuracy and the time per epoch, per TensorFlow.js backend, and what the
 * kernel profile says the activation costs.
 *
 * Pairing: the tanh and the ISRU model of one seed start from the same weights and see the same batches
 * and dropout masks, trained interleaved (src/studies/framework-test/train.ts), so the per-seed difference removes
 * the seed's luck and the machine's load of the moment. The interval is the Student-t 95% interval of
 * the mean difference (../../stats/stats.ts estimate).
 */
import { Estimate, estimate } from '../../stats/stats';
import { join, relative } from 'node:path';
import { projectRoot } from '../../io/paths';
import { readResults, ResultRow } from '../../io/results';
import { LoadOptions, loadFirst, profileFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../../io/results-root';
import {
  FRAMEWORK_COLUMNS, FRAMEWORK_COMMAND, FRAMEWORK_OPS_COLUMNS, FRAMEWORK_OPS_COMMAND, frameworkCsv, frameworkOpsCsv,
} from './results';

type Row = Record<string, string | number>;

/** ISRU − tanh over the seeds that have both. */
export interface PairedEstimate extends Estimate {
  seeds: number[];
  /** per seed, ISRU − tanh, in seed order */
  diffs: number[];
  tanhMean: number;
  isruMean: number;
}

function paired(values: Map<number, { tanh?: number; isru?: number }>): PairedEstimate {
  const seeds = [...values.keys()].filter((s) => values.get(s)!.tanh !== undefined && values.get(s)!.isru !== undefined).sort((a, b) => a - b);
  const tanh = seeds.map((s) => values.get(s)!.tanh!), isru = seeds.map((s) => values.get(s)!.isru!);
  const diffs = seeds.map((_, k) => isru[k] - tanh[k]);
  const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return { ...estimate(diffs), seeds, diffs, tanhMean: avg(tanh), isruMean: avg(isru) };
}

const rowsOf = (rows: readonly Row[], backend: string): Row[] => rows.filter((r) => r.backend === backend);

/** The last epoch present in the rows of a backend. */
export function lastEpoch(rows: readonly Row[], backend: string): number {
  return Math.max(...rowsOf(rows, backend).map((r) => Number(r.epoch)));
}

/** ISRU − tanh of `metric` (e.g. val_acc) at the last epoch, paired by seed. */
export function pairedFinal(rows: readonly Row[], backend: string, metric: string): PairedEstimate {
  const last = lastEpoch(rows, backend);
  const values = new Map<number, { tanh?: number; isru?: number }>();
  for (const r of rowsOf(rows, backend)) {
    if (Number(r.epoch) !== last || (r.activation !== 'tanh' && r.activation !== 'isru')) continue;
    const s = Number(r.seed);
    values.set(s, { ...values.get(s), [r.activation]: Number(r[metric]) });
  }
  return paired(values);
}

export interface PairedTime extends PairedEstimate {
  /** per seed ISRU/tanh − 1 of the mean epoch time (> 0: ISRU slower), in seed order */
  relativeDiffs: number[];
  /** their mean and 95% interval */
  relative: Estimate;
}

/**
 * ISRU − tanh of the mean time per epoch (`column`: epoch_wall_s or epoch_cpu_s), paired by seed; with
 * the relative difference ISRU/tanh − 1 per seed.
 */
export function pairedEpochTime(rows: readonly Row[], backend: string, column: string): PairedTime {
  const sums = new Map<number, { tanh?: number[]; isru?: number[] }>();
  for (const r of rowsOf(rows, backend)) {
    if (r.activation !== 'tanh' && r.activation !== 'isru') continue;
    const s = Number(r.seed);
    const entry = sums.get(s) ?? {};
    (entry[r.activation] ??= []).push(Number(r[column]));
    sums.set(s, entry);
  }
  const mean = (xs?: number[]): number | undefined => (xs && xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  const values = new Map([...sums].map(([s, e]) => [s, { tanh: mean(e.tanh), isru: mean(e.isru) }]));
  const p = paired(values);
  const relativeDiffs = p.seeds.map((s) => values.get(s)!.isru! / values.get(s)!.tanh! - 1);
  return { ...p, relativeDiffs, relative: estimate(relativeDiffs) };
}

/** What an activation adds to one training step over the identity ('linear'), kernel name by name. */
export interface ActivationKernels {
  backend: string;
  activation: string;
  /**
   * kernels whose call count differs from the linear step: the extra calls per step, and their ms
   * charged at that kernel's mean time per call in the activation's step
   */
  extra: { kernel: string; calls: number; ms: number }[];
  extraCalls: number;
  extraMs: number;
  /** summed kernel time of the activation's profiled step */
  profiledStepMs: number;
  /** extraMs / profiledStepMs: the activation's share of a training step by the profiler's clock */
  fraction: number;
  /** unprofiled process-CPU ms of one step with this activation, and with linear */
  stepCpuMs: number;
  linearStepCpuMs: number;
  /** (stepCpuMs − linearStepCpuMs) / stepCpuMs: the share by the unprofiled step times */
  stepFraction: number;
  /**
   * process-CPU ms per step of the activation timed alone (forward + backward, as many applications as
   * a step makes, engine overhead included), minus the identity's
   */
  aloneCpuMs: number;
}

/**
 * The kernels `activation` adds over 'linear' on `backend`, from kernel-profile rows (backend,
 * activation, kernel, calls_per_step, ms_per_step, step_ms). Kernels whose call count is the same in
 * both steps belong to the rest of the network and are left out; their time difference is noise.
 */
export function activationKernels(opsRows: readonly Row[], backend: string, activation: string): ActivationKernels {
  const table = (a: string): Map<string, { calls: number; ms: number; stepCpuMs: number; aloneCpuMs: number }> =>
    new Map(
      opsRows
        .filter((r) => r.backend === backend && r.activation === a)
        .map((r) => [String(r.kernel), { calls: Number(r.calls_per_step), ms: Number(r.ms_per_step), stepCpuMs: Number(r.step_cpu_ms), aloneCpuMs: Number(r.alone_cpu_ms) }]),
    );
  const act = table(activation), base = table('linear');
  const names = [...new Set([...act.keys(), ...base.keys()])].sort();
  // a kernel name the rest of the network also calls (Multiply, Add) differs in total time between two
  // steps mostly by noise; its extra calls are charged at its mean time per call instead
  const extra = names
    .map((kernel) => {
      const a = act.get(kernel);
      const calls = (a?.calls ?? 0) - (base.get(kernel)?.calls ?? 0);
      return { kernel, calls, ms: a && a.calls > 0 ? (calls * a.ms) / a.calls : 0 };
    })
    .filter((e) => e.calls !== 0);
  const extraMs = extra.reduce((s, e) => s + e.ms, 0);
  const profiledStepMs = [...act.values()].reduce((s, e) => s + e.ms, 0);
  const first = act.values().next().value, firstBase = base.values().next().value;
  const stepCpuMs = first?.stepCpuMs ?? NaN;
  const linearStepCpuMs = firstBase?.stepCpuMs ?? NaN;
  return {
    backend, activation, extra,
    extraCalls: extra.reduce((s, e) => s + e.calls, 0),
    extraMs, profiledStepMs, fraction: extraMs / profiledStepMs,
    stepCpuMs, linearStepCpuMs, stepFraction: (stepCpuMs - linearStepCpuMs) / stepCpuMs,
    aloneCpuMs: (first?.aloneCpuMs ?? NaN) - (firstBase?.aloneCpuMs ?? NaN),
  };
}

export interface BackendSummary {
  backend: string;
  /** e.g. "tfjs 3.21.0 wasm (SIMD, 1 thread)" */
  framework: string;
  accuracy: PairedEstimate;
  wall: PairedTime;
  cpu: PairedTime;
  kernels?: { tanh: ActivationKernels; isru: ActivationKernels };
  /**
   * share of a training epoch's process CPU time the activation takes, timed alone: aloneCpuMs × steps
   * per epoch over the mean measured epoch CPU time of that activation
   */
  epochFraction?: { tanh: number; isru: number };
}

/**
 * The activation's share of an epoch: its CPU time alone per step (ActivationKernels.aloneCpuMs) times
 * the steps of an epoch (train_samples / batch_size, rounded up), over the mean process CPU time of that
 * activation's epochs on the backend.
 */
export function epochFraction(rows: readonly Row[], backend: string, k: ActivationKernels): number {
  const mine = rowsOf(rows, backend).filter((r) => r.activation === k.activation);
  if (mine.length === 0) return NaN;
  const steps = Math.ceil(Number(mine[0].train_samples) / Number(mine[0].batch_size));
  const epochS = mine.reduce((s, r) => s + Number(r.epoch_cpu_s), 0) / mine.length;
  return (k.aloneCpuMs * steps) / 1000 / epochS;
}

export interface FrameworkSummary {
  backends: BackendSummary[];
  epochs: number;
  units: number;
  trainSamples: number;
}

/** Everything the conclusion quotes, per backend present in the rows (cpu before wasm). */
export function summariseFramework(rows: readonly Row[], opsRows?: readonly Row[]): FrameworkSummary {
  const backends = [...new Set(rows.map((r) => String(r.backend)))].sort();
  return {
    backends: backends.map((b) => {
      const hasOps = !!opsRows?.some((r) => r.backend === b && r.activation === 'linear');
      const kernels = hasOps ? { tanh: activationKernels(opsRows!, b, 'tanh'), isru: activationKernels(opsRows!, b, 'isru') } : undefined;
      return {
        backend: b,
        framework: String(rowsOf(rows, b)[0]?.framework ?? b),
        accuracy: pairedFinal(rows, b, 'val_acc'),
        wall: pairedEpochTime(rows, b, 'epoch_wall_s'),
        cpu: pairedEpochTime(rows, b, 'epoch_cpu_s'),
        kernels,
        epochFraction: kernels ? { tanh: epochFraction(rows, b, kernels.tanh), isru: epochFraction(rows, b, kernels.isru) } : undefined,
      };
    }),
    epochs: rows.length ? Math.max(...rows.map((r) => Number(r.epoch))) : 0,
    units: Number(rows[0]?.units ?? NaN),
    trainSamples: Number(rows[0]?.train_samples ?? NaN),
  };
}

const pct = (x: number, digits = 1): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(digits)}%`;
const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)} pp`;
const ciPp = (e: Estimate): string => (Number.isFinite(e.low) ? `95% CI ${pp(e.low)} to ${pp(e.high)}` : 'no interval from one seed');
const ciPct = (e: Estimate): string => (Number.isFinite(e.low) ? `95% CI ${pct(e.low)} to ${pct(e.high)}` : 'no interval from one seed');

/** "lower", "higher" or "no measurable change", from where the interval lies. */
export function verdict(e: Estimate, below: string, above: string, neither: string): string {
  if (!(Number.isFinite(e.low) && Number.isFinite(e.high))) return neither;
  if (e.high < 0) return below;
  if (e.low > 0) return above;
  return neither;
}

/**
 * The notebook's closing paragraph, computed from the summary: per backend the paired accuracy and
 * time differences with their intervals, the kernel counts behind the time, and the command that
 * reproduces the numbers.
 */
export function frameworkConclusion(s: FrameworkSummary, command: string): string {
  if (s.backends.length === 0) return `No framework results yet: run \`${command}\`.`;
  const parts: string[] = [];
  for (const b of s.backends) {
    const n = b.accuracy.n;
    const acc = verdict(b.accuracy, 'lower', 'higher', 'no measurable change in');
    const accText = acc === 'no measurable change in' ? 'no measurable change in the final validation accuracy' : `a ${acc} final validation accuracy`;
    // the verdict on time follows process CPU time: on a shared machine the wall clock also counts the
    // time other processes hold the core; both are quoted
    const time = verdict(b.cpu.relative, 'faster', 'slower', 'no clear difference');
    const timeText = time === 'no clear difference' ? 'no clear difference in time per epoch by process CPU time' : `ISRU ${time} per epoch by process CPU time`;
    parts.push(
      `On ${b.framework}, over ${n} paired seed${n === 1 ? '' : 's'}: ${accText} ` +
        `(ISRU − tanh ${pp(b.accuracy.mean)}, ${ciPp(b.accuracy)}; tanh ${(100 * b.accuracy.tanhMean).toFixed(1)}%, ISRU ${(100 * b.accuracy.isruMean).toFixed(1)}%) ` +
        `and ${timeText}: ${pct(b.cpu.relative.mean)} (${ciPct(b.cpu.relative)}; ${b.cpu.tanhMean.toFixed(2)} s vs ${b.cpu.isruMean.toFixed(2)} s), ` +
        `wall clock ${pct(b.wall.relative.mean)} (${ciPct(b.wall.relative)}; ${b.wall.tanhMean.toFixed(2)} s vs ${b.wall.isruMean.toFixed(2)} s).`,
    );
    if (b.kernels) {
      const { tanh, isru } = b.kernels;
      parts.push(
        `The kernel profile of one training step on ${b.backend} shows what each activation costs: the built-in tanh adds ${tanh.extraCalls} kernel calls to a step ` +
          `(${tanh.extra.map((e) => e.kernel).join(', ')}), the custom ISRU ${isru.extraCalls} (${isru.extra.map((e) => e.kernel).join(', ')}), ` +
          `${(isru.extraCalls / tanh.extraCalls).toFixed(1)}× as many, because the framework builds it and its gradient from generic ops. ` +
          `In process CPU time the activation accounts for ${(100 * tanh.stepFraction).toFixed(1)}% of a tanh training step and ${(100 * isru.stepFraction).toFixed(1)}% of an ISRU step ` +
          `(the step's time beyond the same step with the identity, 'linear'), and so of an epoch` +
          (b.epochFraction
            ? `; its forward and backward passes timed alone come to ${(100 * b.epochFraction.tanh).toFixed(1)}% of a tanh epoch and ${(100 * b.epochFraction.isru).toFixed(1)}% of an ISRU epoch`
            : '') +
          ` (the profiler's kernel clock alone: ${(100 * tanh.fraction).toFixed(1)}% and ${(100 * isru.fraction).toFixed(1)}% of the profiled step).`,
      );
    }
  }
  parts.push(
    `Model: two ${s.units}-unit LSTM layers, ${s.epochs} epochs on ${s.trainSamples} MNIST training images. ` +
      `Reproduce with \`${command}\`.`,
  );
  return parts.join(' ');
}

/**
 * Largest |cpu − wasm| of `metric` over the (seed, activation, epoch) both backends ran: the two
 * backends compute the same float32 arithmetic, so accuracy should not depend on the backend.
 */
export function backendAgreement(rows: readonly Row[], metric = 'val_acc'): { pairs: number; maxAbsDiff: number } {
  const key = (r: Row): string => `${r.seed}/${r.activation}/${r.epoch}`;
  const wasm = new Map(rowsOf(rows, 'wasm').map((r) => [key(r), Number(r[metric])]));
  let pairs = 0, maxAbsDiff = 0;
  for (const r of rowsOf(rows, 'cpu')) {
    const w = wasm.get(key(r));
    if (w === undefined) continue;
    pairs++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(Number(r[metric]) - w));
  }
  return { pairs, maxAbsDiff: pairs ? maxAbsDiff : NaN };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** One table row per backend and measure: tanh and ISRU means, the paired ISRU − tanh mean and its 95% CI. */
export function pairedTable(s: FrameworkSummary): Record<string, string | number>[] {
  return s.backends.flatMap((b) => [
    { backend: b.backend, measure: 'final validation accuracy (%)', seeds: b.accuracy.n, tanh: round(100 * b.accuracy.tanhMean, 2), ISRU: round(100 * b.accuracy.isruMean, 2), 'ISRU − tanh': round(100 * b.accuracy.mean, 2), 'CI low': round(100 * b.accuracy.low, 2), 'CI high': round(100 * b.accuracy.high, 2) },
    ...([['wall', 'wall s per epoch'], ['cpu', 'CPU s per epoch']] as const).map(([k, what]) => ({
      backend: b.backend, measure: what, seeds: b[k].n, tanh: round(b[k].tanhMean, 3), ISRU: round(b[k].isruMean, 3), 'ISRU − tanh': round(b[k].mean, 3), 'CI low': round(b[k].low, 3), 'CI high': round(b[k].high, 3),
    })),
    ...([['wall', 'wall time, ISRU/tanh − 1 (%)'], ['cpu', 'CPU time, ISRU/tanh − 1 (%)']] as const).map(([k, what]) => ({
      backend: b.backend, measure: what, seeds: b[k].relative.n, tanh: '', ISRU: '', 'ISRU − tanh': round(100 * b[k].relative.mean, 2), 'CI low': round(100 * b[k].relative.low, 2), 'CI high': round(100 * b[k].relative.high, 2),
    })),
  ]);
}

/** One table row per backend and activation: what the activation adds to a training step. */
export function kernelTable(s: FrameworkSummary): Record<string, string | number>[] {
  return s.backends.flatMap((b) =>
    b.kernels
      ? [b.kernels.tanh, b.kernels.isru].map((k) => ({
          backend: b.backend,
          activation: k.activation,
          'kernel calls added per step': k.extraCalls,
          kernels: k.extra.map((e) => `${e.kernel}×${e.calls}`).join(', '),
          'kernel ms per step': round(k.extraMs, 2),
          'share of profiled step (%)': round(100 * k.fraction, 1),
          'alone CPU ms per step': round(k.aloneCpuMs, 2),
          'share of epoch CPU, alone (%)': b.epochFraction ? round(100 * b.epochFraction[k.activation as 'tanh' | 'isru'], 1) : '',
          'step CPU ms (unprofiled)': round(k.stepCpuMs, 1),
          'step CPU ms, linear': round(k.linearStepCpuMs, 1),
          'share of step beyond linear (%)': round(100 * k.stepFraction, 1),
        }))
      : [],
  );
}

// ------------------------------------------------------------------ reading the results (notebook 09)

/** The rows of a merged framework CSV; MissingResultsError (naming the command) when absent or malformed. */
export function readFrameworkResults(path: string, quick = false): ResultRow[] {
  return readResults(path, { command: `${FRAMEWORK_COMMAND}${quick ? ' --quick' : ''}`, columns: FRAMEWORK_COLUMNS });
}

/** The rows of a kernel-profile CSV; MissingResultsError (naming the command) when absent or malformed. */
export function readFrameworkOps(path: string, quick = false): ResultRow[] {
  return readResults(path, { command: `${FRAMEWORK_OPS_COMMAND}${quick ? ' --quick' : ''}`, columns: FRAMEWORK_OPS_COLUMNS });
}

/** A results CSV as a notebook loads it; `label` is its path relative to the project (printed, so a notebook's output does not carry the checkout's location). */
export interface LoadedFrameworkCsv {
  path: string;
  label: string;
  quick: boolean;
  rows: ResultRow[];
}

export const FRAMEWORK_COMMANDS: StudyCommands = {
  what: 'framework', full: FRAMEWORK_COMMAND, fullTime: 'about 30 minutes', quick: `${FRAMEWORK_COMMAND} --quick`, quickTime: 'about 3 minutes',
};

export const FRAMEWORK_OPS_COMMANDS: StudyCommands = {
  what: 'kernel-profile', full: FRAMEWORK_OPS_COMMAND, fullTime: 'about 5 minutes', quick: `${FRAMEWORK_OPS_COMMAND} --quick`, quickTime: 'about a minute',
};

function readFrameworkCsv(root: ResultsRoot, file: string, read: (path: string, quick: boolean) => ResultRow[]): LoadedFrameworkCsv {
  const path = join(profileFolder(root, 'framework'), file);
  const quick = root.profile === 'quick';
  return { path, label: relative(projectRoot(), path), quick, rows: read(path, quick) };
}

/** One root's kernel profile (results/framework[/quick]/ops-<machine>.csv). */
export const readFrameworkOpsRoot = (root: ResultsRoot): LoadedFrameworkCsv => readFrameworkCsv(root, `ops-${root.machine}.csv`, readFrameworkOps);

/** One root's training results (results/framework[/quick]/<machine>.csv). */
export const readFrameworkRoot = (root: ResultsRoot): LoadedFrameworkCsv => readFrameworkCsv(root, `${root.machine}.csv`, readFrameworkResults);

/** The notebook's loader for the kernel profile: the first root of the selection with one; else prints the commands. */
export function loadFrameworkOps(selection: ResultsSelection, options?: LoadOptions): (LoadedFrameworkCsv & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readFrameworkOpsRoot, FRAMEWORK_OPS_COMMANDS, options);
}

/** The notebook's loader for the training results: the first root of the selection with them; else prints the commands. */
export function loadFrameworkResults(selection: ResultsSelection, options?: LoadOptions): (LoadedFrameworkCsv & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readFrameworkRoot, FRAMEWORK_COMMANDS, options);
}
