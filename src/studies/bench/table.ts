/**
 * The training benchmark's table: its columns (results/bench/<machine>.csv) and the columns computed
 * from the rows. Pure, so `npm run bench` (scripts/bench.ts) and the web page (web/) write the same file.
 *
 * The original columns come first, unchanged; the later ones are empty where a writer does not measure
 * them (the web page has no PyTorch, no process CPU time and no peak of its CPU):
 *   gate, impl             the variant beyond the cell: gate activation, point-wise implementation
 *                          (with `kernels`, the product kernel set, the variant's identity)
 *   cpu_ms                 process CPU time per iteration (median over rounds) beside ms_per_iter (wall)
 *   rounds                 interleaved rounds the row ran in
 *   paired_ratio, _low, _high   this row's time / the lstm-opt baseline's (tanh, sigmoid, scalar, wasm)
 *                          in the same round: median over rounds and 95% t interval of the mean
 *   vs_pytorch, _low, _high     the same against PyTorch's nn.LSTM of the same size and precision (f32:
 *                          oneDNN's fused kernel; f64: ATen's per-step loop); > 1: slower than PyTorch
 *   peak_gflops, pct_peak  the peak of the instruction set the row's kernels can use (src/io/peak.ts)
 *                          for its thread count, and gflops as a percentage of it
 *   native_peak_gflops, pct_native_peak   the same against the CPU's widest native vector set with FMA
 *   load_before, load_after    1-minute load average around the row's size block
 *   cpu_ratio, _low, _high, vs_pytorch_cpu   paired_ratio and vs_pytorch on process CPU time instead of
 *                          wall time (a process the OS parks on a busy machine loses wall time, not CPU time)
 *   fwd_cpu_ratio, _low, _high   the forward phase's CPU time / the baseline's, paired the same way
 *   blocking               our product kernels' blocking (src/lstm/wasm/blocking.ts), tuned on this
 *                          machine unless LSTM_OPT_BLOCKING forces one; empty for other engines
 *   pct_peak_boost         gflops as a percentage of the row's peak at the estimated boost clock
 *                          (bench/boost-clock.ts) instead of the nominal one; empty when not estimated
 */
import { toCsv } from '../../io/csv-text';
import { CpuInfo, kernelIsa, nativeIsa, peakGflops } from '../../io/peak';

export const C_REFERENCE_MS: Record<string, number> = { '2x100': 20, '2x256': 216 };

export const BENCH_COLUMNS = [
  'engine', 'layers', 'neurons', 'activation', 'precision', 'ms_per_iter', 'forward_ms', 'backward_ms', 'adam_ms', 'gflops',
  'iterations', 'isru_speedup', 'vs_lstm_opt', 'c_ref_ms', 'vs_c_ref', 'kernels', 'version', 'threads', 'st_ms', 'mt_speedup',
  'gate', 'impl', 'cpu_ms', 'rounds', 'paired_ratio', 'paired_low', 'paired_high', 'vs_pytorch', 'vs_pytorch_low', 'vs_pytorch_high',
  'peak_gflops', 'pct_peak', 'native_peak_gflops', 'pct_native_peak', 'load_before', 'load_after',
  'cpu_ratio', 'cpu_ratio_low', 'cpu_ratio_high', 'vs_pytorch_cpu', 'fwd_cpu_ratio', 'fwd_cpu_low', 'fwd_cpu_high',
  'blocking', 'pct_peak_boost',
] as const;


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
  /** the variant: gate activation (default sigmoid), point-wise implementation (default scalar), product kernels */
  gate?: string | null;
  impl?: string | null;
  kernels?: string | null;
  threads?: number;
  [k: string]: unknown;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The variant part of a row's identity; rows written before variants existed are sigmoid/scalar. */
function variantOf(r: BenchRow): string {
  return [r.gate ?? 'sigmoid', r.impl ?? 'scalar', r.kernels ?? ''].join('|');
}

/** Whether a row of ours is the reference configuration the other engines are compared with. */
export function isReferenceVariant(r: BenchRow): boolean {
  return (r.gate ?? 'sigmoid') === 'sigmoid' && (r.impl ?? 'scalar') === 'scalar' && r.kernels !== 'wasm-fma';
}

/** Adds the ratio columns (pure: rows in, rows out). */
export function withRatios(rows: BenchRow[]): Record<string, unknown>[] {
  const key = (r: BenchRow, activation = r.activation): string => [r.engine, r.layers, r.neurons, activation, r.precision, variantOf(r)].join('|');
  const ms = new Map<string, number>();
  for (const r of rows) if (!ms.has(key(r))) ms.set(key(r), r.ms_per_iter);
  const refKey = (r: BenchRow): string => [r.layers, r.neurons, r.activation, r.precision].join('|');
  const reference = new Map<string, number>();
  for (const r of rows) {
    if (r.engine === 'lstm-opt' && isReferenceVariant(r) && !reference.has(refKey(r))) reference.set(refKey(r), r.ms_per_iter);
  }
  return rows.map((r) => {
    const tanh = ms.get(key(r, 'tanh'));
    const ours = reference.get(refKey(r));
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
    };
  });
}

/** The instruction-set name of a row's kernels: ours name theirs; tfjs's cpu backend is plain JavaScript. */
export function rowKernels(r: BenchRow): string {
  if (r.engine === 'tfjs') return 'js';
  return r.kernels ?? 'native';
}

/**
 * Adds the peak columns for this machine's CPU (pure: rows and the parsed CPU in, rows out); with
 * `boostMhz`, also the percentage of the same peak at that clock.
 */
export function withPeak(rows: Record<string, unknown>[], cpu: CpuInfo, boostMhz?: number): Record<string, unknown>[] {
  return rows.map((row) => {
    const r = row as BenchRow;
    const precision = r.precision === 'f32' ? 'f32' : 'f64';
    const threads = r.threads ?? 1;
    const isa = kernelIsa(rowKernels(r), cpu);
    const peak = peakGflops(cpu, isa, precision, threads);
    const native = peakGflops(cpu, nativeIsa(cpu), precision, threads);
    const g = typeof r.gflops === 'number' ? r.gflops : null;
    const boosted = boostMhz === undefined ? undefined : peakGflops({ ...cpu, mhz: boostMhz }, isa, precision, threads);
    return {
      ...row,
      peak_gflops: r3(peak),
      pct_peak: g !== null ? r3((100 * g) / peak) : null,
      native_peak_gflops: r3(native),
      pct_native_peak: g !== null ? r3((100 * g) / native) : null,
      blocking: r.blocking ?? null,
      pct_peak_boost: g !== null && boosted !== undefined ? r3((100 * g) / boosted) : null,
    };
  });
}

/**
 * One line per size and precision: how close our fastest single-thread variant gets to the 128-bit
 * ceiling of its kernel set, at the nominal clock and (when estimated) the boost clock. On process CPU
 * time where the row has it (a busy machine's preemption inflates wall time, not the time the iteration
 * spent on a core), else on wall time; the line says which.
 */
export function ceilingLines(rows: Record<string, unknown>[], boostMhz: number | undefined, nominalMhz: number): string[] {
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const best = new Map<string, { r: Record<string, unknown>; rate: number; cpu: boolean }>();
  for (const r of rows) {
    const gflops = num(r.gflops), ms = num(r.ms_per_iter), cpuMs = num(r.cpu_ms);
    if (r.engine !== 'lstm-opt' || (r.threads ?? 1) !== 1 || gflops === undefined || num(r.peak_gflops) === undefined) continue;
    const cpu = cpuMs !== undefined && cpuMs > 0 && ms !== undefined;
    const rate = cpu ? (gflops * ms!) / cpuMs! : gflops;
    const key = `${r.layers}x${r.neurons} ${r.precision}`;
    if (!best.has(key) || rate > best.get(key)!.rate) best.set(key, { r, rate, cpu });
  }
  const ghz = (mhz: number): string => (mhz / 1000).toFixed(2);
  const pct = (x: number): string => `${Math.round(x)}%`;
  return [...best].map(([key, { r, rate, cpu }]) => {
    const variant = [r.activation, r.gate, r.impl, r.kernels, r.blocking].filter((x) => x !== null && x !== undefined && x !== '').join('/');
    const peak = r.peak_gflops as number;
    const boost = boostMhz !== undefined ? `, ${pct((100 * rate * nominalMhz) / (peak * boostMhz))} at ${ghz(boostMhz)} GHz (estimated boost)` : '';
    return `${key}: fastest ${variant}: ${rate.toFixed(1)} GFLOP/s on ${cpu ? 'process CPU time' : 'wall time'} = ${pct((100 * rate) / peak)} of its 128-bit ceiling at ${ghz(nominalMhz)} GHz nominal (${peak} GFLOP/s)${boost}`;
  });
}

/** The results/bench CSV text of measured rows, ratio columns added (the one writer of the schema's text). */
export function benchCsv(rows: BenchRow[]): string {
  return toCsv(BENCH_COLUMNS, withRatios(rows) as Record<string, string | number | null>[]);
}
