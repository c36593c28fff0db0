/**
 * `npm run bench` (not a test): the LSTM training-step benchmark on every engine, merged into one table.
 *
 *   node dist/scripts/bench.js [--quick] [--configs 2x100,2x256] [--no-peers] [--no-tfjs]
 *       [--activations ..] [--gates ..] [--impls ..] [--kernels ..] [--precisions ..] [--rounds R] [--block K] [--no-mt]
 *
 * 1. the machine: load average (a warning when busy), CPU and its peak GFLOP/s (src/io/peak.ts),
 *    memory bandwidth (bench/stream.ts);
 * 2. our engine's variants and PyTorch, interleaved round by round in one process per precision
 *    (bench/lstm.ts; the variant options are passed on to it);
 * 3. TF.js (bench/peers/run.ts) afterwards, not interleaved: its iterations take a hundred times ours;
 * 4. a markdown table on stdout and results/bench/<machine>.csv (atomic write), columns in src/studies/bench/table.ts:
 *      isru_speedup    tanh ms / isru ms of the same engine, variant, config and precision (on isru rows)
 *      vs_lstm_opt     this row's ms / lstm-opt's reference variant's ms for the same config, activation,
 *                      precision (> 1: that engine is slower than ours)
 *      c_ref_ms, vs_c_ref   the original C implementation's first-look time on this machine class
 *                      (double, 1 thread, -O3 -march=native: 20 ms at 2x100, 216 ms at 2x256) and
 *                      our ms / that (< 1: faster than the C reference); f64 rows only.
 *      paired_ratio, vs_pytorch and their 95% intervals: per-round ratios (see bench/lstm.ts).
 * Every engine runs the same workload: SOTU vocabulary (98 characters), window 100, batch 1, Adam,
 * element-wise clipping at ±5, one thread.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineSlug, readCpuInfo } from '../src/io/machine';
import { writeCsv } from '../src/io/csv';
import { projectRoot, resultsPath } from '../src/io/paths';
import { describePeak } from '../src/io/peak';
import { iterationFlops } from '../src/lstm/flops';
import { runPeers } from '../bench/peers/run';
import { loadWarning } from '../bench/interleaved-rounds';
import { lstmBenchOptions } from '../bench/lstm';
import { parseOptions } from '../bench/options';
import { Option } from 'commander';
import { measureBandwidth } from '../bench/stream';
import { BENCH_COLUMNS, BenchRow, ceilingLines, withPeak, withRatios } from '../src/studies/bench/table';
import { estimateBoostMhz } from '../bench/boost-clock';

export { BENCH_COLUMNS, C_REFERENCE_MS, withRatios } from '../src/studies/bench/table';
export type { BenchRow } from '../src/studies/bench/table';

const SUMMARY: [string, (r: Record<string, unknown>) => unknown][] = [
  ['engine', (r) => r.engine],
  ['config', (r) => `${r.layers}x${r.neurons}`],
  ['prec', (r) => r.precision],
  ['cell', (r) => r.activation],
  ['gate', (r) => r.gate],
  ['impl', (r) => r.impl],
  ['kernels', (r) => r.kernels],
  ['blocking', (r) => r.blocking],
  ['thr', (r) => r.threads],
  ['ms/iter', (r) => r.ms_per_iter],
  ['cpu ms', (r) => r.cpu_ms],
  ['fwd', (r) => r.forward_ms],
  ['bwd', (r) => r.backward_ms],
  ['adam', (r) => r.adam_ms],
  ['×baseline [95%]', (r) => interval(r.paired_ratio, r.paired_low, r.paired_high)],
  ['×baseline cpu', (r) => interval(r.cpu_ratio, r.cpu_ratio_low, r.cpu_ratio_high)],
  ['fwd ×baseline cpu', (r) => interval(r.fwd_cpu_ratio, r.fwd_cpu_low, r.fwd_cpu_high)],
  ['×pytorch [95%]', (r) => interval(r.vs_pytorch, r.vs_pytorch_low, r.vs_pytorch_high)],
  ['×pytorch cpu', (r) => r.vs_pytorch_cpu],
  ['isru_speedup', (r) => r.isru_speedup],
  ['mt_speedup', (r) => r.mt_speedup],
  ['GFLOP/s', (r) => r.gflops],
  ['% peak', (r) => r.pct_peak],
  ['% peak boost', (r) => r.pct_peak_boost],
  ['% native', (r) => r.pct_native_peak],
];

function interval(m: unknown, lo: unknown, hi: unknown): string | null {
  if (typeof m !== 'number') return null;
  const f = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(2) : '?');
  return `${m.toFixed(2)} [${f(lo)}, ${f(hi)}]`;
}

/** The readable summary: a markdown table, one line per row (left-aligned names, right-aligned numbers). */
export function formatTable(rows: Record<string, unknown>[]): string {
  const cells = rows.map((r) => SUMMARY.map(([, get]) => {
    const v = get(r);
    return v === null || v === undefined || v === '' ? '-' : String(v);
  }));
  const names = SUMMARY.map(([n]) => n);
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((row) => row[i].length)));
  const text = (i: number): boolean => i < 9;
  const line = (xs: string[]): string => `| ${xs.map((x, i) => (text(i) ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (text(i) ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(names), rule, ...cells.map(line)].join('\n');
}

/** One line per skipped variant and reason, with the sizes it was skipped at (not one line per size). */
export function skipSummary(skipped: Record<string, unknown>[]): string[] {
  const groups = new Map<string, string[]>();
  for (const s of skipped) {
    const what = [s.engine, s.precision, s.activation, s.gate, s.impl, s.kernels].filter(Boolean).join(' ');
    const key = `skipped: ${what}: ${String(s.skipped)}`;
    const sizes = groups.get(key) ?? [];
    if (s.layers !== undefined) sizes.push(`${s.layers}x${s.neurons}`);
    groups.set(key, sizes);
  }
  return [...groups].map(([key, sizes]) => (sizes.length ? `${key} (${sizes.join(', ')})` : key));
}

function boostLine(boostMhz: number | undefined, nominalMhz: number): string {
  return boostMhz === undefined
    ? 'boost clock: not estimated (the dependent-addition chain gave an implausible clock); "% peak boost" is empty'
    : `boost clock: ${(boostMhz / 1000).toFixed(2)} GHz estimated (a dependent integer-addition chain, one per cycle, on process CPU time; bench/boost-clock.ts) against ${(nominalMhz / 1000).toFixed(2)} GHz nominal`;
}

/** Options only the top level reads; everything else goes on to bench/lstm.ts. */
const OWN_FLAGS = ['--no-peers', '--no-tfjs'];

function benchOptions(): Option[] {
  return [...lstmBenchOptions(), new Option('--no-peers', 'neither PyTorch nor TF.js'), new Option('--no-tfjs', 'without the TF.js peer')];
}

async function main(argv: string[]): Promise<void> {
  const started = Date.now();
  // the whole command line is checked here, before the machine is measured
  const flags = parseOptions<{ quick?: boolean; peers: boolean; tfjs: boolean; configs?: string[] }>('npm run bench', benchOptions(), argv);
  const quick = !!flags.quick;
  const noPeers = !flags.peers;
  const configs = flags.configs;
  const root = projectRoot();
  const cpu = readCpuInfo();
  const loadBefore = loadavg()[0];
  console.error(`=== machine: ${cpu.model}, ${cpu.cores} cores, ${cpu.mhz.toFixed(0)} MHz; 1-min load average ${loadBefore.toFixed(2)}`);
  const busy = loadWarning(loadBefore, loadBefore, cpu.cores);
  if (busy) console.error(busy);
  console.error(`=== ${describePeak(cpu)}`);
  const boostMhz = estimateBoostMhz(cpu.mhz);
  console.error(`=== ${boostLine(boostMhz, cpu.mhz)}`);
  const bw = measureBandwidth();
  console.error(`=== memory bandwidth (bench/stream.ts, ${bw.mib} MiB arrays): copy ${bw.copy.toFixed(1)} GB/s, triad ${bw.triad.toFixed(1)} GB/s`);

  const passOn = argv.filter((a) => !OWN_FLAGS.includes(a));
  const ourArgs = [join(root, 'dist', 'bench', 'lstm.js'), ...passOn, ...(noPeers ? ['--no-pytorch'] : [])];
  console.error(`=== lstm-opt + PyTorch interleaved: node ${ourArgs.map((a) => a.replace(root + '/', '')).join(' ')}`);
  const ours = spawnSync(process.execPath, ourArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (ours.status !== 0) {
    console.error(`npm run bench: our engine's benchmark failed (exit ${ours.status})`);
    process.exit(1);
  }
  const lines = ours.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  const skipped = lines.filter((l) => 'skipped' in l);
  const rows = lines.filter((l) => !('skipped' in l)) as BenchRow[];
  if (!noPeers && flags.tfjs) {
    for (const run of await runPeers({ quick, configs, activations: ['tanh', 'isru'], vocab: rows[0]?.vocab as number | undefined, root }, ['tfjs'])) {
      console.error(`=== ${run.engine}: ${run.command.map((a) => a.replace(root + '/', '')).join(' ')}`);
      if (run.skipped) skipped.push({ engine: run.engine, skipped: run.skipped });
      for (const r of run.rows) {
        const flops = iterationFlops(Number(r.vocab ?? rows[0]?.vocab ?? 98), r.layers, r.neurons, Number(r.window ?? 100)).total;
        rows.push({ ...(r as unknown as BenchRow), gflops: Math.round((flops / (r.ms_per_iter / 1e3) / 1e9) * 1000) / 1000 });
      }
    }
  }
  const table = withPeak(withRatios(rows), cpu, boostMhz);
  const out = resultsPath('bench', `${machineSlug()}.csv`);
  writeCsv(out, BENCH_COLUMNS, table as Record<string, string | number | null>[]);
  const loadAfter = loadavg()[0];
  console.log(formatTable(table));
  console.log('');
  console.log(`machine: ${cpu.model}, ${cpu.cores} cores; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
  const after = loadWarning(loadBefore, loadAfter, cpu.cores);
  if (after) console.log(after);
  console.log(describePeak(cpu));
  console.log(boostLine(boostMhz, cpu.mhz));
  for (const line of ceilingLines(table, boostMhz, cpu.mhz)) console.log(line);
  console.log(`memory bandwidth: copy ${bw.copy.toFixed(1)} GB/s, triad ${bw.triad.toFixed(1)} GB/s (JavaScript loops over ${bw.mib} MiB arrays)`);
  console.log('×baseline: time / tanh+sigmoid+scalar+wasm of the same round; ×pytorch: time / PyTorch nn.LSTM (f32 oneDNN, f64 ATen) of the same round; median over rounds [95% interval of the geometric mean]; "cpu": the same on process CPU time');
  for (const line of skipSummary(skipped)) console.log(line);
  console.log(`duration: ${((Date.now() - started) / 60_000).toFixed(1)} min; written to ${out}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`npm run bench: ${(err as Error).message}`);
    process.exit(1);
  });
}
