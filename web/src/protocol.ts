/** The messages between the page (./main.ts) and the benchmark worker (./worker.ts). */
import type { BenchRow } from '../../src/studies/bench/table';
import type { MathBenchRow } from '../../src/studies/math-bench/core';
import type { DeviceInfo } from './device';
import type { RoundTimes } from '../../src/analysis/device-answer';

export interface StartMessage {
  type: 'start';
  profile: 'quick' | 'careful';
  /** run the math-bench */
  math: boolean;
  /** run the training benchmark after the math-bench */
  train: boolean;
}

export type WorkerMessage =
  | { type: 'device'; device: DeviceInfo }
  | { type: 'progress'; stage: 'math-bench' | 'training'; fraction: number; label: string }
  | { type: 'math-bench'; rows: MathBenchRow[]; csv: string; description: Record<string, unknown> }
  /** a size and precision done: its rows, and each variant's per-round times */
  | { type: 'training-row'; rows: BenchRow[]; rounds: RoundTimes[] }
  /** a cell variant this page cannot run, with the engine's reason (once per variant and reason) */
  | { type: 'training-skip'; variant: string; reason: string }
  /** memory: the training case whose networks held the most WebAssembly memory (bytes; 0 on the TypeScript kernels) */
  | { type: 'training'; csv: string; memory: { label: string; wasmBytes: number } }
  | { type: 'done'; seconds: number; heapBytes: number | null }
  | { type: 'error'; message: string };
