import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRatios, formatTable, BenchRow, skipSummary } from '../scripts/bench';
import { BENCH_CONFIGS, parseArgs, parseConfig, QUICK_CONFIGS, variantContender } from '../bench/lstm';
import { BASELINE, loadWarning, pairedRatio, roundOrder, variantGrid } from '../bench/interleaved-rounds';
import { BENCH_COLUMNS, ceilingLines, withPeak } from '../src/studies/bench/table';
import { describePeak, flopsPerCycle, fpUnits, kernelIsa, nativeIsa, parseCpuinfo, peakGflops } from '../src/io/peak';
import { corpusIdentity } from '../src/lstm/trainer';
import { readKernelBytes } from '../src/lstm/wasm/binaries';
import { PytorchServer } from '../bench/peers/pytorch-server';
import { categorize, categoryTimes, wasmFunctionNames } from '../dev/profile';

const row = (engine: string, activation: string, precision: string, ms: number, cfg = '2x100', extra: Partial<BenchRow> = {}): BenchRow => {
  const [layers, neurons] = parseConfig(cfg);
  return { engine, layers, neurons, activation, precision, ms_per_iter: ms, forward_ms: null, backward_ms: null, adam_ms: null, iterations: 5, version: 'x', ...extra };
};

test('bench merge: ISRU speed-up, ratio to our engine, ratio to the C reference', () => {
  const rows = withRatios([
    row('lstm-opt', 'tanh', 'f64', 20),
    row('lstm-opt', 'isru', 'f64', 16),
    row('lstm-opt', 'tanh', 'f32', 25),
    row('pytorch', 'tanh', 'f64', 30),
    row('pytorch', 'tanh', 'f32', 5),
    row('tfjs', 'isru', 'f32', 400), // no lstm-opt isru f32 row: no ratio
    row('lstm-opt', 'tanh', 'f64', 108, '2x256'),
  ]);
  assert.equal(rows[1].isru_speedup, 1.25);
  assert.equal(rows[0].isru_speedup, null);
  assert.equal(rows[3].vs_lstm_opt, 1.5);
  assert.equal(rows[4].vs_lstm_opt, 0.2);
  assert.equal(rows[5].vs_lstm_opt, null);
  assert.equal(rows[0].c_ref_ms, 20); // the C implementation's published 2x100 time
  assert.equal(rows[0].vs_c_ref, 1);
  assert.equal(rows[6].vs_c_ref, 0.5);
  assert.equal(rows[2].vs_c_ref, null); // the C reference is double precision only
  const table = formatTable(rows).split('\n');
  assert.equal(table.length, 2 + rows.length);
  assert.match(table[0], /^\| engine\s+\| config\s+\| prec/);
  assert.match(table[1], /^\|[ -]+\|/);
  assert.match(table[2], /^\| lstm-opt\s+\| 2x100\s+\| f64\s+\| tanh\s+\|.*\|\s+20 \|/);
  assert.throws(() => parseConfig('2by100'), /bad config/);
});

test('bench merge: ratios stay within one variant (gate, implementation, kernels)', () => {
  const v = (gate: string, impl: string, kernels: string) => ({ gate, impl, kernels });
  const rows = withRatios([
    row('lstm-opt', 'tanh', 'f64', 20, '2x100', v('sigmoid', 'scalar', 'wasm')),
    row('lstm-opt', 'isru', 'f64', 16, '2x100', v('sigmoid', 'scalar', 'wasm')),
    row('lstm-opt', 'tanh', 'f64', 12, '2x100', v('sigmoid', 'simd', 'wasm')),
    row('lstm-opt', 'isru', 'f64', 10, '2x100', v('sigmoid', 'simd', 'wasm')),
    row('lstm-opt', 'tanh', 'f64', 8, '2x100', v('isru-sigmoid', 'simd', 'wasm-fma')),
    row('pytorch', 'tanh', 'f64', 40, '2x100', v('sigmoid', 'scalar', 'aten')),
  ]);
  assert.equal(rows[1].isru_speedup, 1.25); // 20 / 16, not 12 / 16
  assert.equal(rows[3].isru_speedup, 1.2); // 12 / 10
  assert.equal(rows[4].isru_speedup, null); // no isru row of that variant: it is a tanh row anyway
  assert.equal(rows[5].vs_lstm_opt, 2); // against the reference variant (sigmoid, scalar, wasm): 40 / 20
  assert.equal(rows[2].vs_lstm_opt, 0.6);
});

test('bench table: the original columns stay first and in order, the new ones follow once each', () => {
  const original = ['engine', 'layers', 'neurons', 'activation', 'precision', 'ms_per_iter', 'forward_ms', 'backward_ms', 'adam_ms', 'gflops',
    'iterations', 'isru_speedup', 'vs_lstm_opt', 'c_ref_ms', 'vs_c_ref', 'kernels', 'version', 'threads', 'st_ms', 'mt_speedup'];
  assert.deepEqual(BENCH_COLUMNS.slice(0, original.length), original);
  assert.equal(new Set(BENCH_COLUMNS).size, BENCH_COLUMNS.length);
  for (const c of ['gate', 'impl', 'cpu_ms', 'cpu_ratio', 'vs_pytorch_cpu', 'fwd_cpu_ratio', 'paired_ratio', 'paired_low', 'paired_high', 'vs_pytorch', 'pct_peak', 'load_before', 'load_after']) {
    assert.ok(BENCH_COLUMNS.includes(c as (typeof BENCH_COLUMNS)[number]), c);
  }
});

// Two logical processors of a Xeon with AVX-512 and FMA (field layout of Linux /proc/cpuinfo).
const XEON = [0, 1].map((p) => `processor\t: ${p}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\ncpu MHz\t\t: 3499.998\nflags\t\t: fpu sse2 avx fma avx2 avx512f\n`).join('\n');
// An EPYC under a hypervisor: no clock in the model name, AVX2 + FMA only; AMD has 2 extra add pipes for non-FMA code.
const EPYC = [0, 1, 2, 3].map((p) => `processor\t: ${p}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7R13 Processor\ncpu MHz\t\t: 2650.000\nflags\t\t: fpu sse2 avx fma avx2\n`).join('\n');

test('peak: FLOPs per cycle match the vendors\' published per-core figures', () => {
  // Haswell/Zen 2 AVX2 + 2 FMA units: 16 f64 / 32 f32 FLOPs per cycle; Skylake-SP AVX-512 + 2 FMA units: 32 / 64.
  assert.equal(flopsPerCycle({ name: 'avx2+fma', widthBits: 256, fma: true }, 'f64', 2), 16);
  assert.equal(flopsPerCycle({ name: 'avx2+fma', widthBits: 256, fma: true }, 'f32', 2), 32);
  assert.equal(flopsPerCycle({ name: 'avx512+fma', widthBits: 512, fma: true }, 'f64', 2), 32);
  assert.equal(flopsPerCycle({ name: 'avx512+fma', widthBits: 512, fma: true }, 'f32', 2), 64);
  // 128-bit WebAssembly SIMD without FMA: 2 f64 lanes × 2 units; scalar JavaScript: 1 lane in either precision.
  assert.equal(flopsPerCycle({ name: 'wasm128', widthBits: 128, fma: false }, 'f64', 2), 4);
  assert.equal(flopsPerCycle({ name: 'scalar', widthBits: 64, fma: false }, 'f32', 2), 2);
  assert.equal(flopsPerCycle({ name: 'scalar', widthBits: 64, fma: false }, 'f64', 2), 2);
});

test('peak: /proc/cpuinfo parsing, instruction sets and GFLOP/s', () => {
  const xeon = parseCpuinfo(XEON);
  assert.equal(xeon.cores, 2);
  assert.equal(xeon.mhz, 2900); // the nominal clock of the model name, not the momentary cpu MHz
  assert.deepEqual(nativeIsa(xeon), { name: 'avx512+fma', widthBits: 512, fma: true });
  assert.ok(Math.abs(peakGflops(xeon, nativeIsa(xeon), 'f64', 1) - 92.8) < 1e-9); // 2.9 GHz × 32
  assert.ok(Math.abs(peakGflops(xeon, nativeIsa(xeon), 'f64') - 185.6) < 1e-9); // both cores
  assert.ok(Math.abs(peakGflops(xeon, kernelIsa('wasm', xeon), 'f64', 1) - 11.6) < 1e-9); // 2.9 × 2 lanes × 2 units
  assert.ok(Math.abs(peakGflops(xeon, kernelIsa('wasm-fma', xeon), 'f32', 1) - 46.4) < 1e-9); // 2.9 × 4 × 2 × 2
  const epyc = parseCpuinfo(EPYC);
  assert.equal(epyc.cores, 4);
  assert.equal(epyc.mhz, 2650);
  assert.equal(nativeIsa(epyc).name, 'avx2+fma');
  assert.equal(kernelIsa('onednn', epyc).name, 'avx2+fma'); // a peer's native kernel
  assert.ok(Math.abs(peakGflops(epyc, nativeIsa(epyc), 'f64') - 4 * 2.65 * 16) < 1e-9); // Zen 2+: 16 f64 FLOPs/cycle
  assert.equal(fpUnits(epyc, kernelIsa('wasm', epyc)), 4); // 2 multiply + 2 add pipes without FMA
  assert.equal(fpUnits(xeon, kernelIsa('wasm', xeon)), 2);
  assert.ok(Math.abs(peakGflops(epyc, kernelIsa('wasm', epyc), 'f64', 1) - 2.65 * 2 * 4) < 1e-9);
  assert.match(describePeak(epyc), /2\.65 GHz.*wasm128 21\.2\/42\.4, wasm128\+fma 21\.2\/42\.4, native avx2\+fma 42\.4\/84\.8/);
  assert.throws(() => parseCpuinfo('no processors here'), /no processor/);
});

test('bench table: percentage of peak per row, from its kernels and threads', () => {
  const cpu = parseCpuinfo(EPYC);
  const [ours, torch, mt, tfjs] = withPeak([
    { ...row('lstm-opt', 'tanh', 'f64', 5), kernels: 'wasm', gflops: 10.6 }, // wasm128 peak 2.65 × 2 lanes × 4 units = 21.2 per core
    { ...row('pytorch', 'tanh', 'f32', 5), kernels: 'onednn', gflops: 42.4 }, // native f32 84.8 per core
    { ...row('lstm-opt-mt-rows', 'tanh', 'f64', 5), kernels: 'wasm', threads: 2, gflops: 21.2 },
    { ...row('tfjs', 'tanh', 'f32', 5), gflops: null },
  ], cpu);
  assert.equal(ours.pct_peak, 50);
  assert.equal(ours.native_peak_gflops, 42.4);
  assert.equal(ours.pct_native_peak, 25);
  assert.equal(torch.pct_peak, 50);
  assert.equal(mt.peak_gflops, 42.4);
  assert.equal(mt.pct_peak, 50);
  assert.equal(tfjs.pct_peak, null);
  assert.equal(tfjs.peak_gflops, 4 * 2.65); // plain JavaScript: one f32 lane × 4 units (AMD, no FMA)
});

test('bench table: the peak at an estimated boost clock beside the nominal one, and one ceiling line per size and precision', () => {
  const cpu = parseCpuinfo(EPYC);
  const rows = withPeak([
    { ...row('lstm-opt', 'tanh', 'f64', 5), kernels: 'wasm', blocking: 'gemv-r4u2.gemmnt-2x4', gflops: 10.6 }, // 21.2 at 2.65 GHz, 26.5 at 3.3125
    { ...row('lstm-opt', 'isru', 'f64', 4, '2x100', { gate: 'sigmoid', impl: 'scalar' }), kernels: 'wasm', blocking: null, gflops: 15.9, cpu_ms: 3 },
    { ...row('pytorch', 'tanh', 'f64', 5), kernels: 'aten', gflops: 30 },
    { ...row('lstm-opt', 'tanh', 'f32', 5), kernels: 'wasm-fma', gflops: null },
  ], cpu, 3312.5);
  assert.equal(rows[0].pct_peak, 50);
  assert.equal(rows[0].pct_peak_boost, 40);
  assert.equal(rows[0].blocking, 'gemv-r4u2.gemmnt-2x4');
  assert.equal(rows[3].pct_peak_boost, null);
  assert.equal(withPeak(rows, cpu)[0].pct_peak_boost, null); // no estimate, no column
  // the fastest of ours per size and precision (not PyTorch's, not a row without GFLOP/s), on CPU time where
  // the row has it: 15.9 GFLOP/s over 4 ms of wall time is 21.2 over its 3 ms of CPU time
  assert.deepEqual(ceilingLines(rows, 3312.5, cpu.mhz), [
    '2x100 f64: fastest isru/sigmoid/scalar/wasm: 21.2 GFLOP/s on process CPU time = 100% of its 128-bit ceiling at 2.65 GHz nominal (21.2 GFLOP/s), 80% at 3.31 GHz (estimated boost)',
  ]);
  assert.deepEqual(ceilingLines(rows.slice(0, 1), undefined, cpu.mhz), [
    '2x100 f64: fastest tanh/wasm/gemv-r4u2.gemmnt-2x4: 10.6 GFLOP/s on wall time = 50% of its 128-bit ceiling at 2.65 GHz nominal (21.2 GFLOP/s)',
  ]);
});

test('interleaving: variant grid, per-round order, paired ratios and their interval', () => {
  const grid = variantGrid({ activations: ['tanh', 'isru'], gates: ['sigmoid', 'isru-sigmoid'], impls: ['scalar', 'simd'], kernels: ['wasm', 'wasm-fma'] });
  assert.equal(grid.length, 16);
  assert.deepEqual(grid[0], BASELINE);
  assert.equal(new Set(grid.map((v) => JSON.stringify(v))).size, 16);
  // the baseline is added when the axes leave it out (every ratio needs it)
  const isruOnly = variantGrid({ activations: ['isru'], gates: ['isru-sigmoid'], impls: ['simd'], kernels: ['wasm'] });
  assert.deepEqual(isruOnly, [BASELINE, { cell: { activation: 'isru', gate: 'isru-sigmoid', impl: 'simd' }, kernels: 'wasm' }]);

  const orders = Array.from({ length: 8 }, (_, r) => roundOrder(9, r, 7));
  for (const o of orders) assert.deepEqual([...o].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(roundOrder(9, 3, 7), orders[3]); // seeded: the same order again
  assert.ok(new Set(orders.map((o) => o.join())).size > 1, 'the order changes from round to round');

  // ratios 1.1, 0.9, 1.0, 1.2 (round 4 has no baseline: dropped); the interval is exp(mean ± t·s/√n) of
  // their logs, with t(0.975, 3) = 3.182446 from the t table
  const r = pairedRatio([2.2, 1.8, 2, 2.4, 3], [2, 2, 2, 2, NaN]);
  assert.equal(r.n, 4);
  assert.ok(Math.abs(r.median - 1.05) < 1e-12);
  const logs = [1.1, 0.9, 1.0, 1.2].map(Math.log);
  const m = logs.reduce((x, y) => x + y) / 4;
  const sd = Math.sqrt(logs.reduce((x, y) => x + (y - m) ** 2, 0) / 3);
  const half = (3.182446305284263 * sd) / 2;
  assert.ok(Math.abs(r.low - Math.exp(m - half)) < 1e-9 && Math.abs(r.high - Math.exp(m + half)) < 1e-9);
  assert.ok(r.low > 0.8 && r.high < 1.35);
  // one round slowed tenfold moves the median little, and the interval stays positive
  const burst = pairedRatio([1, 1, 1, 10, 1], [1, 1.02, 0.98, 1, 1]);
  assert.ok(Math.abs(burst.median - 1) < 1e-12 && burst.low > 0);
  const same = pairedRatio([4, 6], [2, 3]);
  assert.equal(same.median, 2);
  assert.ok(Math.abs(same.low - 2) < 1e-12);
  assert.ok(Number.isNaN(pairedRatio([1], [1]).low)); // one round: no interval

  assert.equal(loadWarning(0.1, 0.4, 2), undefined);
  assert.match(loadWarning(0.1, 1.5, 2) ?? '', /busy.*0\.10 before, 1\.50 after, on 2 cores/);
});

test('variants: one this build cannot run is skipped with its reason, and the reasons are summarised once', () => {
  const vocab = ['a', 'b', 'c'];
  const ids = new Int32Array(400).map((_, i) => i % 3);
  const id = corpusIdentity('test', ids);
  const bad = variantContender({ ...BASELINE, kernels: 'no-such-kernels' }, 1, 4, 'f64', 1, id, vocab);
  assert.ok('skipped' in bad);
  assert.match(bad.skipped, /kernels must be/);
  const good = variantContender(BASELINE, 1, 4, 'f64', 1, id, vocab);
  assert.ok(!('skipped' in good));
  const lines = skipSummary([
    { engine: 'lstm-opt', layers: 1, neurons: 128, precision: 'f32', activation: 'tanh', gate: 'sigmoid', impl: 'simd', kernels: 'wasm', skipped: 'no simd' },
    { engine: 'lstm-opt', layers: 2, neurons: 100, precision: 'f32', activation: 'tanh', gate: 'sigmoid', impl: 'simd', kernels: 'wasm', skipped: 'no simd' },
    { engine: 'pytorch', skipped: 'torch is not installed' },
  ]);
  assert.deepEqual(lines, ['skipped: lstm-opt f32 tanh sigmoid simd wasm: no simd (1x128, 2x100)', 'skipped: pytorch: torch is not installed']);
  assert.throws(() => parseArgs(['--gates', 'relu']), /unknown gate 'relu'/);
  assert.deepEqual(parseArgs(['--quick', '--impls', 'simd']).axes.impls, ['simd']);
});

test("bench's one argument parser: defaults, lists, negations, and one line for every bad command line", () => {
  const d = parseArgs([]);
  assert.deepEqual([d.quick, d.child, d.mt, d.pytorch, d.precisions, d.rounds], [false, false, true, true, ['f64', 'f32'], undefined]);
  assert.deepEqual(d.configs, BENCH_CONFIGS);
  assert.deepEqual(parseArgs(['--quick']).configs, QUICK_CONFIGS);
  const a = parseArgs(['--configs', '2x100,4x128', '--kernels', 'wasm-fma', '--no-mt', '--no-pytorch', '--rounds', '7', '--child']);
  assert.deepEqual([a.configs, a.axes.kernels, a.mt, a.pytorch, a.rounds, a.child], [['2x100', '4x128'], ['wasm-fma'], false, false, 7, true]);
  assert.throws(() => parseArgs(['--configs', '2by100']), /bad config/);
  assert.throws(() => parseArgs(['--rounds', '0']), /--rounds .*must be an integer >= 1/);
  assert.throws(() => parseArgs(['--bogus']), /unknown option '--bogus'/);
  assert.throws(() => parseArgs(['stray']), /too many arguments|unexpected/);
});

test('profile: wasm function names from the export section, and the category of each profiled function', () => {
  const bytes = readKernelBytes('f64');
  const names = wasmFunctionNames(bytes);
  const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).filter((e) => e.kind === 'function').map((e) => e.name);
  assert.deepEqual([...names.values()].sort(), [...exported].sort()); // the engine's own reading of the same module
  const adam = [...names].find(([, n]) => n === 'adam');
  const gemv = [...names].find(([, n]) => n === 'gemv');
  assert.ok(adam && gemv);
  assert.equal(categorize(`wasm-function[${adam[0]}]`, 'wasm://wasm/1234', names), 'adam');
  assert.equal(categorize(`wasm-function[${gemv[0]}]`, 'wasm://wasm/1234', names), 'products');
  assert.equal(categorize('wasm-function[999]', 'wasm://wasm/1234', names), 'products');
  assert.equal(categorize('transpose', 'file:///x/dist/src/lstm/dense.js'), 'transpose');
  assert.equal(categorize('cellForwardTanh', 'file:///x/dist/src/lstm/cell.js'), 'point-wise');
  assert.equal(categorize('(garbage collector)', ''), 'gc / other');
  const times = categoryTimes({ nodes: [{ id: 1, callFrame: { functionName: 'cellForwardTanh', url: 'f' } }, { id: 2, callFrame: { functionName: 'transpose', url: 'f' } }], samples: [1, 1, 1, 2], startTime: 0, endTime: 4000 });
  assert.deepEqual([times['point-wise'], times.transpose, times.products], [3, 1, 0]); // 4 ms over 4 samples
});

test('PyTorch peer: without a Python environment it is skipped with the reason, not an exception', async () => {
  const server = await PytorchServer.start('/nonexistent-project-root', 98);
  assert.ok('skipped' in server);
  assert.match(server.skipped, /\.venv\/bin\/python is missing/);
});
