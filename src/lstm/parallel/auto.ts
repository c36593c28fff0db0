/**
 * `--threads auto`: how many threads a run uses. Threads pay only when the work between two barriers
 * (one time step of one layer: a 4N x N mat-vec split W ways) is large against a barrier round trip;
 * below AUTO_MIN_NEURONS neurons per layer the single-thread engine is used, so small nets are never
 * slower than single-threaded. The threshold comes from `lstm-opt sweep mt` on the development machine
 * (2 cores, idle, see notebooks/06-mt-performance.ipynb): two threads lost at 16 neurons for every layer
 * count and at 32 for one and two layers, and won from 64 on (1.25x at 1x64, 1.28x at 2x64).
 *
 * It also looks at what else runs: a thread parked by the operating system stalls every other thread at
 * the next barrier, so when other processes keep the cores busy (less than 1.5 cores free) auto stays
 * single-threaded. "Busy" is measured over a short sample of the machine's CPU times, not the 1-minute
 * load average, which still counts a job that ended half a minute ago. Results are bit-identical either
 * way; only the speed depends on the choice.
 */
import { availableParallelism, cpus } from 'node:os';
import { isWasmKernels } from '../backend';
import type { Lstm } from '../network';
import type { MtStrategy } from './partition';

export const AUTO_MIN_NEURONS = 64;

export type ThreadsSpec = number | 'auto';

export interface ThreadChoice {
  threads: number;
  reason: string;
}

/** Parses `--threads` (a positive integer or 'auto'); returns undefined when invalid. */
export function parseThreads(value: string): ThreadsSpec | undefined {
  if (value.trim() === 'auto') return 'auto';
  if (!/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** How long busyCores() samples the CPU times. */
export const BUSY_SAMPLE_MS = 150;

/**
 * Cores that other processes keep busy right now: the machine's non-idle CPU time over BUSY_SAMPLE_MS,
 * during which this thread sleeps (so it measures everybody else), in cores. LSTM_OPT_LOAD overrides it
 * (tests).
 */
export function busyCores(): number {
  const env = Number(process.env.LSTM_OPT_LOAD);
  if (process.env.LSTM_OPT_LOAD !== undefined && Number.isFinite(env)) return env;
  const before = cpus();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_SAMPLE_MS);
  const after = cpus();
  let busy = 0;
  let total = 0;
  after.forEach((cpu, i) => {
    const a = before[i]?.times;
    if (!a) return;
    const b = cpu.times;
    const all = b.user + b.nice + b.sys + b.irq + b.idle - (a.user + a.nice + a.sys + a.irq + a.idle);
    total += all;
    busy += all - (b.idle - a.idle);
  });
  return total > 0 ? (busy / total) * after.length : 0;
}

export function cores(): number {
  return availableParallelism();
}

/** Threads for a network (1 = the single-thread engine). An explicit count is used as given. */
export function chooseThreads(spec: ThreadsSpec, net: Lstm, strategy: MtStrategy = 'rows'): ThreadChoice {
  if (spec !== 'auto') return { threads: spec, reason: 'as requested' };
  const n = cores();
  if (n < 2) return { threads: 1, reason: 'one core' };
  if (!isWasmKernels(net.backend.kind)) return { threads: 1, reason: 'JS kernels (threads need the WebAssembly kernels)' };
  if (net.layout.neurons < AUTO_MIN_NEURONS) return { threads: 1, reason: `${net.layout.neurons} neurons < ${AUTO_MIN_NEURONS}` };
  const busy = busyCores();
  if (n - busy < 1.5) return { threads: 1, reason: `machine busy: ${busy.toFixed(1)} of ${n} cores in use by other processes` };
  return { threads: strategy === 'gates' ? 5 : n, reason: `${n} cores, ${net.layout.neurons} neurons >= ${AUTO_MIN_NEURONS}` };
}
