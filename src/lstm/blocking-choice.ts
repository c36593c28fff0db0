/**
 * Which product blocking a network's WebAssembly kernels run with, decided in one place:
 *
 *   1. the configuration's `blocking`, when it names one;
 *   2. LSTM_OPT_BLOCKING: a blocking (`gemv-r8.gemmnt-2x4`), `default`, or `auto`;
 *   3. `auto` where a tuning store is in use (the command line uses one: a JSON file in the user's cache
 *      folder, src/lstm/kernel-tuning-cache.ts), else the default blocking.
 *
 * `auto` looks the network's shape up in the store, and on a miss times every blocking on this machine
 * (./wasm/autotune.ts, a fraction of a second) and stores the winner. That is safe to do silently because
 * every blocking gives the same bits. The kernel SET is another matter (wasm and wasm-fma round
 * differently): it is tuned only when asked for (`chooseKernelSet`, behind `--kernels auto`).
 *
 * Library use (tests, notebooks) has no store unless it installs one, so it runs the default blocking
 * and writes nothing, unless LSTM_OPT_BLOCKING=auto asks for tuning (then remembered for the process).
 */
import type { Precision } from './buffers';
import type { NetworkDims } from './product-shapes';
import { productFlops, productShapes } from './product-shapes';
import { SetTiming, tuneKernels, WasmSet } from './wasm/autotune';
import { Blocking, blockingFromEnv, blockingLabel, BlockingRequest, DEFAULT_BLOCKING, parseBlocking, sameBlocking } from './wasm/blocking';

/** A stored tuning: the timings of every set tried, and when. */
export interface StoredTuning {
  measured: string;
  sets: Record<string, SetTiming>;
}

/** Where tunings are remembered between runs (one machine; the store knows which). */
export interface TuningStore {
  get(key: string): StoredTuning | undefined;
  set(key: string, tuning: StoredTuning): void;
}

/**
 * The window the tuner assumes: a network does not know the window it will be trained on, and every
 * sweep and `train` default uses the study's 100 steps (the products' proportions barely change with it).
 */
export const TUNING_WINDOW = 100;

let store: TuningStore | undefined;
const memory = new Map<string, StoredTuning>();

/** Installs (or, with undefined, removes) the store that makes 'auto' the default request. */
export function useTuningStore(s: TuningStore | undefined): void {
  store = s;
  memory.clear();
}

/** The request in force when a configuration names no blocking. */
export function defaultBlockingRequest(): BlockingRequest {
  return blockingFromEnv() ?? (store ? 'auto' : 'default');
}

/** The blocking LSTM_OPT_BLOCKING names, if it names one (for the products too small to tune). */
export function forcedBlocking(): Blocking | undefined {
  const request = blockingFromEnv();
  return request === 'auto' || request === 'default' ? undefined : request;
}

/** The key of a tuning: precision, the sets compared, and the network's product shapes. */
export function tuningKey(precision: Precision, sets: readonly WasmSet[], dims: NetworkDims): string {
  return `${precision} ${sets.join('+')} ${dims.layers}x${dims.neurons} v${dims.vocabSize} t${dims.window}`;
}

/**
 * Networks whose products take more than this many FLOPs per iteration are not tuned: every candidate
 * makes at least one call of every shape per round, so timing one would take seconds to minutes (2x256 is
 * 0.48 GFLOP and tunes in about a second of CPU time per kernel set). They run the default blocking.
 */
export const MAX_TUNED_FLOPS = 2e9;

/** Whether a network of this shape is small enough to tune (see MAX_TUNED_FLOPS). */
export function tunable(dims: NetworkDims): boolean {
  return productFlops(productShapes(dims)) <= MAX_TUNED_FLOPS;
}

/** The stored tuning of `sets` for this shape, measuring (and storing) it on a miss. */
export function tuning(precision: Precision, sets: readonly WasmSet[], dims: NetworkDims): StoredTuning {
  const key = tuningKey(precision, sets, dims);
  const known = memory.get(key) ?? store?.get(key);
  if (known && sets.every((s) => known.sets[s])) return known;
  const fresh: StoredTuning = { measured: new Date().toISOString(), sets: tuneKernels(precision, sets, productShapes(dims)) };
  memory.set(key, fresh);
  store?.set(key, fresh);
  return fresh;
}

/** The blocking a network of `set` and shape `dims` runs with, when its configuration names none. */
export function chooseBlocking(precision: Precision, set: WasmSet, dims: NetworkDims, request: BlockingRequest = defaultBlockingRequest()): Blocking {
  if (request === 'default') return DEFAULT_BLOCKING;
  if (request !== 'auto') return request;
  if (!tunable(dims)) return DEFAULT_BLOCKING;
  return tuning(precision, [set], dims).sets[set].blocking;
}

/**
 * `--kernels auto`: the faster of the sets in `sets` for this shape (by their best blocking's product time
 * per iteration), with that blocking; a network too large to tune gets 'wasm' with the default blocking and
 * no timing. A choice of set changes the results' last bits (see docs/decisions/003-fma-kernel-set.md), so this runs only when the user asks for it.
 */
export function chooseKernelSet(precision: Precision, sets: readonly WasmSet[], dims: NetworkDims): { kernels: WasmSet; blocking: Blocking; timing?: StoredTuning } {
  if (!tunable(dims)) return { kernels: 'wasm', blocking: DEFAULT_BLOCKING };
  const t = tuning(precision, sets, dims);
  const kernels = sets.reduce((best, s) => (t.sets[s].ms < t.sets[best].ms ? s : best), sets[0]);
  return { kernels, blocking: t.sets[kernels].blocking, timing: t };
}

/**
 * The `kernels` column of a progress row: the set, then the blocking where it is not the default one
 * (so the column of a run with the default blocking reads as it always has).
 */
export function kernelsColumn(kernels: string, blocking: Blocking | undefined): string {
  return blocking && !sameBlocking(blocking, DEFAULT_BLOCKING) ? `${kernels} ${blockingLabel(blocking)}` : kernels;
}

/** The set and blocking of a `kernels` column (a column from before blockings has the set alone). */
export function parseKernelsColumn(text: string): { kernels: string; blocking?: Blocking } {
  const [kernels, label] = text.trim().split(/\s+/);
  if (label === undefined) return { kernels };
  const b = parseBlocking(label, 'the kernels column');
  return { kernels, blocking: b === 'auto' || b === 'default' ? DEFAULT_BLOCKING : b };
}
