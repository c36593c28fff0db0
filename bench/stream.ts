/**
 * A STREAM-like memory bandwidth measurement (copy and triad over arrays far larger than the caches),
 * for stating how close a benchmark comes to the machine's memory limit. Plain JavaScript loops over
 * Float64Array: V8 compiles them to scalar loads and stores that keep up with DRAM on arrays this size.
 *
 *   node dist/bench/stream.js [--mib 64]
 *
 * Bytes counted as STREAM does: copy b[i] = a[i] moves 16 bytes per element, triad a[i] = b[i] + s·c[i]
 * moves 24. Best of several repetitions (the least disturbed one).
 */
import { Option } from 'commander';
import { integerAtLeast, parseOptions } from './options';
export interface Bandwidth {
  /** GB/s (1e9 bytes per second) */
  copy: number;
  triad: number;
  /** MiB per array */
  mib: number;
}

function copy(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) b[i] = a[i];
}

function triad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] = b[i] + s * c[i];
}

export function measureBandwidth(mib = 64, repetitions = 5): Bandwidth {
  const n = (mib * 2 ** 20) / 8;
  const a = new Float64Array(n).fill(1);
  const b = new Float64Array(n).fill(2);
  const c = new Float64Array(n).fill(3);
  let bestCopy = Infinity;
  let bestTriad = Infinity;
  for (let r = 0; r < repetitions; r++) {
    let t = process.hrtime.bigint();
    copy(a, b);
    bestCopy = Math.min(bestCopy, Number(process.hrtime.bigint() - t) / 1e9);
    t = process.hrtime.bigint();
    triad(a, b, c, 0.5);
    bestTriad = Math.min(bestTriad, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { copy: (16 * n) / bestCopy / 1e9, triad: (24 * n) / bestTriad / 1e9, mib };
}

if (require.main === module) {
  let mib: number;
  try {
    ({ mib } = parseOptions<{ mib: number }>('bench/stream', [new Option('--mib <n>', 'array size in MiB').argParser(integerAtLeast(1)).default(64)], process.argv.slice(2)));
  } catch (err) {
    console.error(`bench/stream: ${(err as Error).message}`);
    process.exit(2);
  }
  const bw = measureBandwidth(mib);
  console.log(`memory bandwidth (${bw.mib} MiB arrays, best of 5): copy ${bw.copy.toFixed(1)} GB/s, triad ${bw.triad.toFixed(1)} GB/s`);
}
