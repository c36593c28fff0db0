/**
 * The product kernels' blockings side by side (not a test): the autotuner's own measurement
 * (src/lstm/wasm/autotune.ts) with more rounds, for the study's sizes, both precisions and every kernel set
 * this runtime has, printed as one markdown table per size and precision.
 *
 *   node dist/dev/blockings.js [--configs 2x100,4x128,2x256] [--precisions f32,f64] [--rounds 15] [--batch-ms 2]
 *
 * Each cell is one kernel's time per training iteration of that network (window 100, vocabulary 98): the
 * median over interleaved rounds of process CPU time per call, times the calls an iteration makes, summed
 * over its shapes; the wall-time figure of the same batches follows in brackets. ★ marks the blocking the
 * tuner keeps (the fastest unless within its margin of the default). The load average is printed before
 * and after, and the process's CPU and wall time at the end.
 */
import { loadavg } from 'node:os';
import { Command } from 'commander';
import type { Precision } from '../src/lstm/buffers';
import { productShapes } from '../src/lstm/product-shapes';
import { SetTiming, tuneKernels, WasmSet } from '../src/lstm/wasm/autotune';
import { DEFAULT_BLOCKING, GEMMNT_BLOCKINGS, GEMV_BLOCKINGS } from '../src/lstm/wasm/blocking';
import { relaxedSimdAvailable } from '../src/lstm/wasm/relaxed-simd';
import { parseConfig, WINDOW } from '../bench/lstm';

const VOCAB = 98;

function table(t: Record<string, SetTiming>, sets: WasmSet[]): string[] {
  const cell = (set: WasmSet, kernel: 'gemv' | 'gemmnt', b: string): string => {
    const s = t[set];
    const cpu = (kernel === 'gemv' ? s.gemvMs : s.gemmntMs) as Record<string, number>;
    const wall = s.wallMs[kernel] as Record<string, number>;
    const mark = s.blocking[kernel] === b ? ' ★' : '';
    return `${cpu[b].toFixed(2)} [${wall[b].toFixed(2)}]${mark}`;
  };
  const rows = [
    ...GEMV_BLOCKINGS.map((b) => [`gemv ${b}${b === DEFAULT_BLOCKING.gemv ? ' (default)' : ''}`, ...sets.map((s) => cell(s, 'gemv', b))]),
    ...GEMMNT_BLOCKINGS.map((b) => [`gemmnt ${b}${b === DEFAULT_BLOCKING.gemmnt ? ' (default)' : ''}`, ...sets.map((s) => cell(s, 'gemmnt', b))]),
    ['best gemv + gemmnt', ...sets.map((s) => t[s].ms.toFixed(2))],
  ];
  const head = ['blocking', ...sets.map((s) => `${s} ms/iter cpu [wall]`)];
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function main(): void {
  const o = new Command()
    .option('--configs <list>', 'network sizes LxN', '2x100,4x128,2x256')
    .option('--precisions <list>', 'f32 and/or f64', 'f32,f64')
    .option('--rounds <n>', 'interleaved rounds per shape', (s) => Number(s), 15)
    .option('--batch-ms <ms>', 'length of one timed batch', (s) => Number(s), 2)
    .parse()
    .opts<{ configs: string; precisions: string; rounds: number; batchMs: number }>();
  const sets: WasmSet[] = relaxedSimdAvailable() ? ['wasm', 'wasm-fma'] : ['wasm'];
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const config of o.configs.split(',')) {
    const [layers, neurons] = parseConfig(config);
    for (const p of o.precisions.split(',') as Precision[]) {
      const t = tuneKernels(p, sets, productShapes({ layers, neurons, vocabSize: VOCAB, window: WINDOW }), { rounds: o.rounds, batchMs: o.batchMs });
      console.log(`\n${config} ${p} (load ${loadavg()[0].toFixed(2)})\n`);
      console.log(table(t, sets).join('\n'));
    }
  }
  const c = process.cpuUsage(c0);
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; process CPU ${((c.user + c.system) / 1e6).toFixed(1)} s, wall ${((Date.now() - t0) / 1e3).toFixed(1)} s`);
}

main();
