/**
 * The training benchmark of the web page: milliseconds per training iteration of our engine, one thread,
 * on the workload of `npm run bench` (vocabulary 98, window 100, batch 1, element-wise clipping at ±5,
 * Adam) on a few small sizes, so it fits a phone's memory and patience. An iteration is the engine's
 * own Trainer.step (src/lstm/trainer.ts), timed per phase by its clock, which in a browser is
 * performance.now() (no CPU time there). The browser has no corpus file, so the characters are drawn from
 * a seeded generator; the cost of an iteration does not depend on which characters they are.
 *
 * The variants are the cells of the engine (LstmConfig.gate, activationImpl): tanh, ISRU in the cell,
 * all-ISRU (ISRU cell and ISRU-sigmoid gates), each scalar and vectorized (WebAssembly SIMD). A variant
 * this build or this page cannot run (no such kernels yet, or no SharedArrayBuffer for the WebAssembly
 * ones) is skipped with the engine's reason. The variants of one size and precision run interleaved in
 * short rounds, so all see the same load.
 */
import { median } from '../../src/stats/stats';
import type { RoundTimes } from '../../src/analysis/device-answer';
import type { BenchRow } from '../../src/studies/bench/table';
import type { KernelKind } from '../../src/lstm/backend';
import type { Precision } from '../../src/lstm/buffers';
import { ACTIVATION_IMPLS, cellLabel, CellSpec, NAMED_CELLS } from '../../src/lstm/cell-spec';
import { performanceClock } from '../../src/lstm/clock';
import { iterationFlops } from '../../src/lstm/flops';
import type { PhaseTimes } from '../../src/lstm/modelfile';
import { Lstm } from '../../src/lstm/network';
import { Rng } from '../../src/lstm/rng';
import { WasmBackend } from '../../src/lstm/wasm/backend';
import { corpusIdentity, DEFAULT_TRAINER, Trainer } from '../../src/lstm/trainer';

export const WEB_VOCAB = 98;
/** small sizes a phone affords, and two of `npm run bench` (2x100 is the original study's), side by side in notebook 02 */
export const WEB_CONFIGS: readonly [number, number][] = [[1, 32], [1, 64], [1, 128], [2, 100]];
export const WEB_PRECISIONS: readonly Precision[] = ['f64', 'f32'];

export interface Variant {
  /** what the page shows: tanh, ISRU, all-ISRU, with " (SIMD)" for the vectorized kernels */
  label: string;
  cell: CellSpec;
}

/** The study's named cells, scalar first, then SIMD. */
export const WEB_VARIANTS: readonly Variant[] = ACTIVATION_IMPLS.flatMap((impl) =>
  NAMED_CELLS.map(({ activation, gate }) => {
    const cell: CellSpec = { activation, gate, impl };
    return { label: cellLabel(cell), cell };
  }),
);

/** iterations per variant: untimed, then timed in rounds of ROUND alternating the variants */
const WARMUP = 3;
const ROUND = 3;
/** rounds per profile: the careful one times more iterations, so the median holds on a busy device */
export const TRAIN_ROUNDS = { quick: 4, careful: 20 } as const;

/** Seeded characters: enough for every iteration of a variant without wrapping. */
function seededCorpus(rounds: number): Int32Array {
  const rng = new Rng(7);
  return Int32Array.from({ length: (WARMUP + ROUND * rounds) * DEFAULT_TRAINER.window + 1 }, () => Math.floor(rng.nextFloat() * WEB_VOCAB));
}

/** One variant's trainer and its per-iteration phase times (seconds → milliseconds). */
class Runner {
  readonly phases = { forward: [] as number[], backward: [] as number[], adam: [] as number[] };

  constructor(readonly variant: Variant, readonly trainer: Trainer) {}

  step(record: boolean): void {
    const before: PhaseTimes = { ...this.trainer.times };
    this.trainer.step();
    const after = this.trainer.times;
    if (!record) return;
    this.phases.forward.push(1e3 * (after.forward_time - before.forward_time));
    this.phases.backward.push(1e3 * (after.back_time - before.back_time));
    this.phases.adam.push(1e3 * (after.adam_time - before.adam_time));
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The benchmark cases in the order they run. */
export function trainCases(): { layers: number; neurons: number; precision: Precision }[] {
  return WEB_PRECISIONS.flatMap((precision) => WEB_CONFIGS.map(([layers, neurons]) => ({ layers, neurons, precision })));
}

export interface CaseResult {
  /** one row per variant that ran (the results/bench schema, before the ratio columns) */
  rows: BenchRow[];
  /** per variant that ran, each round's milliseconds (its iterations summed): how much the rounds agree */
  rounds: RoundTimes[];
  /** the variants that could not run here, with the engine's reason */
  skipped: { variant: Variant; reason: string }[];
  /** bytes of WebAssembly memory the case's networks held at once (0 on the TypeScript kernels) */
  wasmBytes: number;
}

/** Runs one size and precision, its variants interleaved. */
export function benchCase(layers: number, neurons: number, precision: Precision, kernels: KernelKind, version: string, rounds: number = TRAIN_ROUNDS.quick): CaseResult {
  const corpus = corpusIdentity('seeded random characters', seededCorpus(rounds));
  const vocab = Array.from({ length: WEB_VOCAB }, (_, i) => String.fromCharCode(32 + i));
  const runners: Runner[] = [];
  const skipped: CaseResult['skipped'] = [];
  for (const variant of WEB_VARIANTS) {
    try {
      const net = new Lstm({ vocabSize: WEB_VOCAB, layers, neurons, cell: variant.cell, precision, kernels, seed: 1 });
      runners.push(new Runner(variant, new Trainer(net, vocab, corpus, { ...DEFAULT_TRAINER, seed: 1 }, performanceClock())));
    } catch (err) {
      skipped.push({ variant, reason: (err as Error).message });
    }
  }
  for (let i = 0; i < WARMUP; i++) for (const r of runners) r.step(false);
  for (let round = 0; round < rounds; round++) for (const r of runners) for (let i = 0; i < ROUND; i++) r.step(true);
  const rows = runners.map((r): BenchRow => {
    const total = r.phases.forward.map((f, i) => f + r.phases.backward[i] + r.phases.adam[i]);
    const ms = median(total);
    return {
      engine: 'lstm-opt', layers, neurons, activation: r.variant.cell.activation, precision,
      ms_per_iter: r3(ms), forward_ms: r3(median(r.phases.forward)), backward_ms: r3(median(r.phases.backward)), adam_ms: r3(median(r.phases.adam)),
      gflops: r3(iterationFlops(WEB_VOCAB, layers, neurons, DEFAULT_TRAINER.window).total / (ms / 1e3) / 1e9),
      iterations: total.length, kernels: r.trainer.net.config.kernels, version, threads: r.trainer.threads,
      gate: r.variant.cell.gate, impl: r.variant.cell.impl, rounds,
    };
  });
  const roundTimes = runners.map((r): RoundTimes => {
    const total = r.phases.forward.map((f, i) => f + r.phases.backward[i] + r.phases.adam[i]);
    const ms = Array.from({ length: total.length / ROUND }, (_, k) => r3(total.slice(k * ROUND, (k + 1) * ROUND).reduce((a, b) => a + b, 0)));
    return { layers, neurons, precision, activation: r.variant.cell.activation, gate: r.variant.cell.gate, impl: r.variant.cell.impl, ms };
  });
  const wasmBytes = runners.reduce((sum, r) => sum + (r.trainer.net.backend instanceof WasmBackend ? r.trainer.net.backend.memory.buffer.byteLength : 0), 0);
  return { rows, rounds: roundTimes, skipped, wasmBytes };
}
