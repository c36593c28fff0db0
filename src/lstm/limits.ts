/**
 * What a training run of the character-level LSTM will need, computed from its shapes BEFORE anything
 * is allocated, and the limits it must fit in. A run that cannot fit is refused with one line naming
 * the flag to change, instead of failing (or crashing) after gigabytes have been allocated.
 *
 * Memory, in elements of the storage precision (shapes as in network.ts and trainer.ts):
 *   network    params, grads                    2·P       (P = paramLayout(...).size)
 *   trainer    Adam moments m, v                2·P
 *   workspace  of the training window T         L·(4NT + 2N(T+1) + NT) + TV + 4NT + 2NT + N + 4NT + NT + 4N² + VT
 *   sampling   the workspace of a 1-step window (generated samples)
 * With the WebAssembly kernels all of it lives in one arena, which addresses at most ARENA_MAX_BYTES
 * (wasm/backend.ts); with plain typed arrays the bound is the machine's memory.
 *
 * Threads: the rows strategy gives each thread whole blocks of 8 neurons, so a layer of N neurons keeps
 * at most ceil(N/8) threads busy; and threads beyond the cores only wait on each other at every barrier.
 */
import { cores } from './parallel/auto';
import type { MtStrategy } from './parallel/partition';
import { bytesPerElement, Precision } from './buffers';
import { paramLayout } from './layout';
import { isWasmKernels, KernelKind } from './backend';
import { arenaCapacity } from './wasm/backend';
import { totalmem } from 'node:os';

export interface TrainingShape {
  vocabSize: number;
  layers: number;
  neurons: number;
  precision: Precision;
  /** characters per window (T) */
  window: number;
}

/** Elements of one window's Workspace (workspace.ts), without the Int32 id arrays and the float64 step losses. */
export function workspaceElements(V: number, L: number, N: number, T: number): number {
  const perLayer = 4 * N * T + 2 * N * (T + 1) + N * T;
  return L * perLayer + T * V + 4 * N * T + 2 * N * T + N + 4 * N * T + N * T + 4 * N * N + V * T;
}

/** Bytes a training run allocates for the network, Adam, and the training and sampling workspaces. */
export function trainingBytes(s: TrainingShape): number {
  const P = paramLayout(s.vocabSize, s.layers, s.neurons).size;
  const elements = 4 * P + workspaceElements(s.vocabSize, s.layers, s.neurons, s.window) + workspaceElements(s.vocabSize, s.layers, s.neurons, 1);
  // per workspace two Int32 id arrays and the float64 step losses, and up to 15 bytes of alignment per buffer
  const ids = (4 * 2 + 8) * (s.window + 1);
  const alignment = 16 * (4 + 2 * (4 * s.layers + 10));
  return elements * bytesPerElement(s.precision) + ids + alignment;
}

/** The most bytes a network's buffers may take with these kernels. */
export function memoryLimit(kernels: KernelKind, initialBytes: number): { bytes: number; what: string } {
  if (isWasmKernels(kernels)) return { bytes: arenaCapacity(initialBytes), what: 'what the WebAssembly kernels can address' };
  return { bytes: Math.floor(totalmem() * 0.8), what: "80% of this machine's memory" };
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Why a training run of this shape cannot run with these kernels (one line), or undefined when it fits.
 * Call it only for a configuration that passed configProblems (network.ts).
 */
export function trainingMemoryProblem(s: TrainingShape, kernels: KernelKind): string | undefined {
  const P = paramLayout(s.vocabSize, s.layers, s.neurons).size;
  const need = trainingBytes(s);
  const limit = memoryLimit(kernels, 2 * P * bytesPerElement(s.precision) + (1 << 20));
  if (need <= limit.bytes) return undefined;
  return (
    `a ${s.layers}x${s.neurons} ${s.precision} network (vocabulary ${s.vocabSize}, window ${s.window}) needs about ${formatBytes(need)}, ` +
    `more than ${formatBytes(limit.bytes)} (${limit.what}); use fewer --neurons or --layers, a smaller --window${s.precision === 'f64' ? ', or --precision f32' : ''}`
  );
}

/** The most threads a run may use: the cores, and (rows strategy) one block of 8 neurons per thread. */
export function maxThreads(neurons: number, strategy: MtStrategy): number {
  const byCores = cores();
  return strategy === 'rows' ? Math.max(1, Math.min(byCores, Math.ceil(neurons / 8))) : Math.max(1, byCores);
}

/** Why `threads` is too many for this net (one line), or undefined. The gates strategy always runs 5 threads. */
export function threadsProblem(threads: number, neurons: number, strategy: MtStrategy): string | undefined {
  if (threads <= 1 || strategy === 'gates') return undefined;
  const max = maxThreads(neurons, strategy);
  if (threads <= max) return undefined;
  const why = max === cores() ? `this machine has ${max} core${max > 1 ? 's' : ''}, and more threads than cores only wait on each other at every step` : `${neurons} neurons give at most ${max} threads a block of 8 neurons each`;
  return `--threads ${threads} is too many: at most ${max} (${why}); or use --threads auto`;
}
