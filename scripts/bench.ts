/**
 * `npm run bench` (not a test): the LSTM training-step benchmark on every engine, merged into one table.
 *
 *   node dist/scripts/bench.js [--quick] [--configs 2x100,2x256] [--no-peers]
 *
 * 1. our engine: dist/bench/lstm.js (1x128, 2x100, 3x68, 4x128, 2x256 × tanh/isru × f64/f32);
 * 2. the peers (bench/peers/run.ts: PyTorch, TF.js), each skipped with a printed reason when its
 *    runtime is not installed;
 * 3. one table on stdout and results/bench/<machine>.csv (atomic write) with ratio columns:
 *      isru_speedup    tanh ms / isru ms of the same engine, config and precision (on isru rows)
 *      vs_lstm_opt     this row's ms / lstm-opt's ms for the same config, activation, precision
 *                      (> 1: that engine is slower than ours)
 *      c_ref_ms, vs_c_ref   the original C implementation's first-look time on this machine class
 *                      (double, 1 thread, -O3 -march=native: 20 ms at 2x100, 216 ms at 2x256) and
 *                      our ms / that (< 1: faster than the C reference); f64 rows only.
 * Every engine runs the same workload: SOTU vocabulary (98 characters), window 100, batch 1, Adam,
 * element-wise clipping at ±5, one thread.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { machineSlug } from '../src/io/machine';
import { writeCsv } from '../src/io/csv';
import { projectRoot, resultsPath } from '../src/io/paths';
import { runPeers } from '../bench/peers/run';
import { BENCH_COLUMNS, BenchRow, withRatios } from '../bench/table';

export { BENCH_COLUMNS, C_REFERENCE_MS, withRatios } from '../bench/table';
export type { BenchRow } from '../bench/table';

export function formatTable(rows: Record<string, unknown>[]): string {
  const cols = ['engine', 'config', 'activation', 'precision', 'ms_per_iter', 'forward_ms', 'backward_ms', 'adam_ms', 'gflops', 'isru_speedup', 'vs_lstm_opt', 'vs_c_ref', 'threads', 'mt_speedup'];
  const cells = rows.map((r) => cols.map((c) => (c === 'config' ? `${r.layers}x${r.neurons}` : r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (xs: string[]): string => xs.map((x, i) => (i < 4 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const noPeers = argv.includes('--no-peers');
  const ci = argv.indexOf('--configs');
  const configs = ci >= 0 ? argv[ci + 1]?.split(',') : undefined;
  const root = projectRoot();
  const ourArgs = [join(root, 'dist', 'bench', 'lstm.js'), ...(quick ? ['--quick'] : []), ...(configs ? ['--configs', configs.join(',')] : [])];
  console.error(`=== lstm-opt: node ${ourArgs.map((a) => a.replace(root + '/', '')).join(' ')}`);
  const ours = spawnSync(process.execPath, ourArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (ours.status !== 0) {
    console.error(`npm run bench: our engine's benchmark failed (exit ${ours.status})`);
    process.exit(1);
  }
  const rows: BenchRow[] = ours.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (!noPeers) {
    for (const run of await runPeers({ quick, configs, activations: ['tanh', 'isru'], vocab: rows[0]?.vocab as number | undefined, root })) {
      console.error(`=== ${run.engine}: ${run.command.map((a) => a.replace(root + '/', '')).join(' ')}`);
      if (run.skipped) console.error(`--- ${run.engine} skipped: ${run.skipped}`);
      rows.push(...(run.rows as unknown as BenchRow[]));
    }
  }
  const table = withRatios(rows);
  const out = resultsPath('bench', `${machineSlug()}.csv`);
  writeCsv(out, BENCH_COLUMNS, table as Record<string, string | number | null>[]);
  console.log(formatTable(table));
  console.log(`\nwritten to ${out}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`npm run bench: ${(err as Error).message}`);
    process.exit(1);
  });
}
