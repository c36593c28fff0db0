/**
 * `--threads auto`: how many threads a run uses. Threads pay only when the work between two barriers
 * (one time step of one layer: a 4N x N mat-vec split W ways) is large against a barrier round trip;
 * below AUTO_MIN_NEURONS neurons per layer the single-thread engine is used, so small nets are never
 * slower than single-threaded. The threshold comes from `lstm-opt sweep mt` on the development machine
 * (2 cores, see notebooks/06-mt-performance.ipynb for the crossover).
 */
import { availableParallelism } from 'node:os';
import type { Lstm } from '../network';
import type { MtStrategy } from './partition';

export const AUTO_MIN_NEURONS = 128;

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

export function cores(): number {
  return availableParallelism();
}

/** Threads for a network (1 = the single-thread engine). An explicit count is used as given. */
export function chooseThreads(spec: ThreadsSpec, net: Lstm, strategy: MtStrategy = 'rows'): ThreadChoice {
  if (spec !== 'auto') return { threads: spec, reason: 'as requested' };
  const n = cores();
  if (n < 2) return { threads: 1, reason: 'one core' };
  if (!net.arena) return { threads: 1, reason: 'JS kernels (threads need the WebAssembly kernels)' };
  if (net.layout.neurons < AUTO_MIN_NEURONS) return { threads: 1, reason: `${net.layout.neurons} neurons < ${AUTO_MIN_NEURONS}` };
  return { threads: strategy === 'gates' ? 5 : n, reason: `${n} cores, ${net.layout.neurons} neurons >= ${AUTO_MIN_NEURONS}` };
}
