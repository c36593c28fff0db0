/**
 * The training benchmark's table: its columns (results/bench/<machine>.csv) and the ratio columns computed
 * from the rows. Pure, so `npm run bench` (scripts/bench.ts) and the web page (web/) write the same file.
 */
import { toCsv } from '../src/io/csv-text';

export const C_REFERENCE_MS: Record<string, number> = { '2x100': 20, '2x256': 216 };

export const BENCH_COLUMNS = [
  'engine', 'layers', 'neurons', 'activation', 'precision', 'ms_per_iter', 'forward_ms', 'backward_ms', 'adam_ms', 'gflops',
  'iterations', 'isru_speedup', 'vs_lstm_opt', 'c_ref_ms', 'vs_c_ref', 'kernels', 'version', 'threads', 'st_ms', 'mt_speedup',
  'gate', 'impl',
] as const;

/** What a row without the gate or impl column (a file written before them) ran. */
export const BENCH_DEFAULT_CELL = { gate: 'sigmoid', impl: 'scalar' } as const;

export interface BenchRow {
  engine: string;
  layers: number;
  neurons: number;
  activation: string;
  precision: string;
  ms_per_iter: number;
  forward_ms: number | null;
  backward_ms: number | null;
  adam_ms: number | null;
  gflops?: number | null;
  iterations: number;
  version: string;
  /** the gate activation (default BENCH_DEFAULT_CELL.gate) */
  gate?: string;
  /** the point-wise kernels: scalar or simd (default BENCH_DEFAULT_CELL.impl) */
  impl?: string;
  [k: string]: unknown;
}

/**
 * Adds the ratio columns (pure: rows in, rows out). isru_speedup compares an ISRU row with the tanh row
 * (sigmoid gates) of the same engine, size, precision and point-wise implementation.
 */
export function withRatios(rows: BenchRow[]): Record<string, unknown>[] {
  const gate = (r: BenchRow): string => r.gate ?? BENCH_DEFAULT_CELL.gate;
  const impl = (r: BenchRow): string => r.impl ?? BENCH_DEFAULT_CELL.impl;
  const key = (r: BenchRow, engine = r.engine, activation = r.activation, g = gate(r)): string => [engine, r.layers, r.neurons, activation, g, impl(r), r.precision].join('|');
  const ms = new Map(rows.map((r) => [key(r), r.ms_per_iter]));
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return rows.map((r) => {
    const tanh = ms.get(key(r, r.engine, 'tanh', BENCH_DEFAULT_CELL.gate));
    const ours = ms.get(key(r, 'lstm-opt'));
    const cfg = `${r.layers}x${r.neurons}`;
    const cref = r.precision === 'f64' ? C_REFERENCE_MS[cfg] : undefined;
    return {
      ...r,
      gflops: r.gflops ?? null,
      isru_speedup: r.activation === 'isru' && tanh ? r3(tanh / r.ms_per_iter) : null,
      vs_lstm_opt: ours ? r3(r.ms_per_iter / ours) : null,
      c_ref_ms: cref ?? null,
      vs_c_ref: cref ? r3(r.ms_per_iter / cref) : null,
      threads: r.threads ?? 1,
      st_ms: r.st_ms ?? null,
      mt_speedup: r.mt_speedup ?? null,
      gate: gate(r),
      impl: impl(r),
    };
  });
}

/** The results/bench CSV text of measured rows, ratio columns added (the one writer of the schema's text). */
export function benchCsv(rows: BenchRow[]): string {
  return toCsv(BENCH_COLUMNS, withRatios(rows) as Record<string, string | number | null>[]);
}
