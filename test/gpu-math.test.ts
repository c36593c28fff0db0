import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { largestFinite, roundToF16, ulpAt } from '../src/activations/ulp';
import { gpuRatioFigure } from '../src/studies/math-bench/gpu/charts';
import { gpuAccuracyCase, gpuAccuracyRow } from '../src/studies/math-bench/gpu/accuracy';
import { describeAdapter, gpuBackend, gpuSlug } from '../src/studies/math-bench/gpu/adapter';
import { gpuBackendRatios, gpuSideBySideTable, gpuSummary } from '../src/studies/math-bench/gpu/compare';
import { DEFAULT_GPU_MATH_DIR, loadGpuMathResults } from '../src/studies/math-bench/gpu/files';
import { accuracyKernel, GPU_ACCURACY_FUNCTIONS, GPU_FUNCTIONS, gpuFunction, timingKernel } from '../src/studies/math-bench/gpu/functions';
import { GPU_REFERENCES } from '../src/studies/math-bench/gpu/reference-data';
import { gpuReferenceInput, gpuReferenceInputs, gpuReferenceValue } from '../src/studies/math-bench/gpu/references';
import { EVALUATIONS_PER_ITERATION } from '../src/studies/math-bench/gpu/functions';
import { gpuMathCsv, gpuMathRows, gpuPairedRatios, GpuTimings, isruVsTanhSentence } from '../src/studies/math-bench/gpu/rows';
import { loadMathBenchResults, MathBenchRow } from '../src/studies/math-bench/suite';
import { withTempDir } from './helpers/temp';

test('f16 rounding: ties to even, subnormals, overflow past 65504', () => {
  assert.equal(roundToF16(1), 1);
  assert.equal(roundToF16(1 + 2 ** -11), 1); // halfway, 1 is even
  assert.equal(roundToF16(1 + 3 * 2 ** -11), 1 + 2 ** -9); // halfway, 1 + 2^-9 is even
  assert.equal(roundToF16(1 + 2 ** -11 + 2 ** -20), 1 + 2 ** -10);
  assert.equal(roundToF16(-0.1), -0.0999755859375);
  assert.equal(roundToF16(65504), 65504);
  assert.equal(roundToF16(65519), 65504);
  assert.equal(roundToF16(65520), Infinity);
  assert.equal(roundToF16(2 ** -25), 0); // halfway between 0 and the smallest subnormal
  assert.equal(roundToF16(3 * 2 ** -25), 2 ** -23);
  assert.equal(ulpAt(1, 'f16'), 2 ** -10);
  assert.equal(ulpAt(1e-9, 'f16'), 2 ** -24);
  assert.equal(ulpAt(1, 'f32'), 2 ** -23);
  assert.equal(largestFinite('f32'), 3.4028234663852886e38);
});

test('the committed references are the 50-digit values at the current sample points (a sample recomputed)', () => {
  for (const precision of ['f32', 'f16'] as const) {
    const set = GPU_REFERENCES[precision];
    assert.deepEqual(set.xs, gpuReferenceInputs(precision), `${precision}: the sample points changed; rerun node dist/scripts/gpu-references.js`);
    for (const f of GPU_ACCURACY_FUNCTIONS) {
      const refs = set.refs[f.name];
      assert.equal(refs.length, set.xs.length);
      for (let i = 0; i < set.xs.length; i += 89) {
        const input = gpuReferenceInput(f, precision, set.xs[i]);
        assert.equal(refs[i], input === undefined ? null : gpuReferenceValue(f, input), `${f.name} ${precision} at ${set.xs[i]}`);
      }
    }
  }
  // spot checks against values known independently of mathjs
  const f32 = GPU_REFERENCES.f32;
  const at = (name: string, x: number): number | null => f32.refs[name][f32.xs.indexOf(x)];
  assert.ok(Math.abs(at('tanh', 1)! - Math.tanh(1)) <= 2 ** -52);
  assert.ok(Math.abs(at('isru', -1)! + Math.SQRT1_2) <= 2 ** -53);
  assert.equal(at('exp', 0), 1);
  assert.equal(at('exp', 800), null); // e^800 is past f32: left out
  assert.equal(at('inverse_sqrt', 0), null);
});

test('accuracy: ulps and absolute error against the references, and the stated bounds', () => {
  const tanh = gpuFunction('tanh');
  const c = gpuAccuracyCase(tanh, GPU_REFERENCES.f32);
  const exact = c.refs.map(Math.fround);
  const good = gpuAccuracyRow('tanh', 'f32', c.xs, exact, c.refs);
  assert.ok(good.maxUlpError <= 0.5 && good.withinBound && good.nonFinite === 0, JSON.stringify(good));
  // 40 ulp of 1 off at an x near 0.5 breaks the 32-ulp-of-1 bound
  const i = c.xs.findIndex((x) => x > 0.4 && x < 0.6);
  const off = exact.slice();
  off[i] += 40 * 2 ** -23;
  const bad = gpuAccuracyRow('tanh', 'f32', c.xs, off, c.refs);
  assert.equal(bad.withinBound, false);
  assert.equal(bad.worstInput, c.xs[i]);
  assert.ok(Math.abs(bad.maxAbsError - 40 * 2 ** -23) < 2 ** -24);
  // NaN beyond e^|x|'s overflow is counted but outside the bound; inside it fails
  const big = c.xs.findIndex((x) => x > 100);
  const nanBeyond = exact.slice();
  nanBeyond[big] = NaN;
  const beyond = gpuAccuracyRow('tanh', 'f32', c.xs, nanBeyond, c.refs);
  assert.equal(beyond.nonFinite, 1);
  assert.equal(beyond.firstNonFinite, c.xs[big]);
  assert.equal(beyond.withinBound, true);
  const nanInside = exact.slice();
  nanInside[i] = NaN;
  assert.equal(gpuAccuracyRow('tanh', 'f32', c.xs, nanInside, c.refs).withinBound, false);
  // exp's WGSL bound grows with |x|: 3 + 2|x| ulp
  const e = gpuAccuracyCase(gpuFunction('exp'), GPU_REFERENCES.f32);
  const k = e.xs.indexOf(20);
  const ys = e.refs.map(Math.fround);
  ys[k] = e.refs[k] + 40 * ulpAt(e.refs[k], 'f32');
  assert.equal(gpuAccuracyRow('exp', 'f32', e.xs, ys, e.refs).withinBound, true);
  ys[k] = e.refs[k] + 50 * ulpAt(e.refs[k], 'f32');
  assert.equal(gpuAccuracyRow('exp', 'f32', e.xs, ys, e.refs).withinBound, false);
  // f16: ISRU as x·inverseSqrt(1 + x²) loses everything where x² overflows (|x| > 256), and the table says so
  const h = gpuAccuracyCase(gpuFunction('isru'), GPU_REFERENCES.f16);
  const f16Isru = (x: number): number => {
    const xx = roundToF16(1 + roundToF16(x * x));
    return xx === Infinity ? 0 : roundToF16(x * roundToF16(1 / Math.sqrt(xx)));
  };
  const naive = gpuAccuracyRow('isru', 'f16', h.xs, h.xs.map(f16Isru), h.refs);
  assert.equal(naive.withinBound, false);
  assert.ok(naive.maxAbsError > 0.99, String(naive.maxAbsError));
  const inRange = h.xs.map((x, j) => [x, h.refs[j]]).filter(([x]) => Math.abs(x) <= 256);
  assert.equal(gpuAccuracyRow('isru', 'f16', inRange.map((p) => p[0]), inRange.map((p) => f16Isru(p[0])), inRange.map((p) => p[1])).withinBound, true);
  // the positive functions get |x| and leave 0 out
  const s = gpuAccuracyCase(gpuFunction('sqrt'), GPU_REFERENCES.f32);
  assert.ok(s.xs.every((x) => x > 0));
});

/** Timings with known costs: empty 1 ms, the loop 1 ms more, each function its cost on top. */
function timings(costs: Record<string, number>, rounds = 5): GpuTimings {
  const samples: Record<string, number[]> = {};
  for (const f of GPU_FUNCTIONS) {
    const ms = f.name === 'empty' ? 1 : 2 + (costs[f.name] ?? 0);
    samples[f.name] = Array.from({ length: rounds }, (_, r) => ms * (1 + 0.01 * (r % 2)));
  }
  return { precision: 'f32', invocations: 1024, reps: 256, samples };
}

test('rows: baseline and empty subtracted, per evaluation, in the math-bench schema with a backend column', () => {
  const t = timings({ tanh: 2, isru: 0.5 });
  const rows = gpuMathRows(t, 'WebGPU test gpu');
  assert.deepEqual(rows.map((r) => r.Function), GPU_FUNCTIONS.map((f) => f.name));
  const ops = 1024 * 256 * EVALUATIONS_PER_ITERATION;
  const row = (name: string) => rows.find((r) => r.Function === name)!;
  // medians of (1, 1.01, 1, 1.01, 1) × ms: the first of each pair
  assert.equal(row('empty').ns_per_op, Number((1e6 / 1024).toPrecision(6)));
  assert.equal(row('baseline').ns_per_op, Number((1e6 / ops).toPrecision(6)));
  assert.equal(row('baseline')['Relative Time'], 1);
  assert.equal(row('tanh').ns_per_op, Number((2e6 / ops).toPrecision(6)));
  assert.equal(row('tanh')['Relative Time'], 2);
  assert.equal(row('isru')['Relative Time'], 0.5);
  assert.equal(row('tanh').ns_gross, Number((3e6 / ops).toPrecision(6)));
  assert.ok(rows.every((r) => r.kind === 'gpu' && r.backend === 'WebGPU test gpu' && r.rounds === 5));
  const csv = gpuMathCsv(rows);
  assert.equal(csv.split('\n')[0], 'Function,Relative Time,ns_per_op,ns_min,ns_max,rounds,kind,precision,length,ns_gross,expression,backend');
  const ratio = gpuPairedRatios(t).find((p) => p.pair === 'isru/tanh')!;
  assert.ok(Math.abs(ratio.median - 0.25) < 0.01, String(ratio.median));
});

test('the answer to "is ISRU cheaper than tanh here?" follows the per-round quartiles, and a software adapter says it is no GPU', () => {
  const r = (median: number, q25: number, q75: number) => [{ precision: 'f32' as const, pair: 'isru/tanh' as const, median, q25, q75 }];
  assert.match(isruVsTanhSentence('nvidia ampere', false, r(0.5, 0.45, 0.55)), /^Is ISRU cheaper than tanh on this GPU \(nvidia ampere\)\? Yes: in f32, ISRU .* takes 50% of tanh's time/);
  assert.match(isruVsTanhSentence('nvidia ampere', false, r(1.5, 1.4, 1.6)), /\? No, tanh is cheaper: /);
  assert.match(isruVsTanhSentence('nvidia ampere', false, r(0.98, 0.9, 1.1)), /\? Not clearly/);
  const software = isruVsTanhSentence('software (SwiftShader)', true, r(0.5, 0.45, 0.55));
  assert.match(software, /software \(SwiftShader\), a renderer on the CPU/);
  assert.match(software, /says nothing about a real GPU\.$/);
});

test('adapters: SwiftShader is labelled software (SwiftShader), a real GPU by vendor and architecture', () => {
  const sw = describeAdapter({ vendor: 'google', architecture: 'swiftshader' }, true, ['timestamp-query'], {});
  assert.equal(sw.software, true);
  assert.equal(sw.label, 'software (SwiftShader)');
  assert.equal(gpuBackend(sw), 'WebGPU software (SwiftShader)');
  assert.equal(gpuSlug('chromium-headless-156-linux-2c', sw), 'chromium-headless-156-linux-2c-software-swiftshader');
  // a browser that does not say it is a fallback: the name still gives it away
  assert.equal(describeAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, null, [], {}).label, 'software (llvmpipe)');
  const hw = describeAdapter({ vendor: 'nvidia', architecture: 'ampere' }, false, ['shader-f16'], {});
  assert.equal(hw.software, false);
  assert.equal(hw.label, 'nvidia ampere');
  assert.equal(gpuSlug('chrome-131-windows-16c', hw), 'chrome-131-windows-16c-nvidia-ampere');
});

test('WGSL kernels: f16 enabled only for f16, every function in its kernel', () => {
  for (const f of GPU_FUNCTIONS) {
    const k32 = timingKernel(f, 'f32');
    const k16 = timingKernel(f, 'f16');
    assert.ok(!k32.includes('enable f16') && k32.includes('alias T = f32;'));
    assert.ok(k16.startsWith('enable f16;') && k16.includes('alias T = f16;'));
    if (f.wgsl) assert.ok(k32.includes(`return ${f.wgsl};`), f.name);
  }
  for (const f of GPU_ACCURACY_FUNCTIONS) assert.ok(accuracyKernel(f, 'f32').includes(`ys[i] = f32(${f.wgsl});`));
});

test('the committed software-adapter result reads as software (SwiftShader), beside the CPU rows and never in the GPU group', () => {
  const gpus = loadGpuMathResults();
  const sw = gpus.filter((g) => g.software);
  assert.ok(sw.length >= 1, 'a software adapter result is committed');
  for (const g of sw) {
    assert.equal(g.label, 'software (SwiftShader)');
    assert.ok(g.rows.every((r) => r.backend === 'WebGPU software (SwiftShader)'));
    assert.deepEqual([...new Set(g.rows.map((r) => r.Function))], GPU_FUNCTIONS.map((f) => f.name));
    assert.ok(g.accuracy.length === GPU_ACCURACY_FUNCTIONS.length && g.accuracy.every((a) => a.withinBound));
    assert.match(g.answer!, /software \(SwiftShader\)/);
  }
  // the CPU reader of results/math-bench/ does not take the GPU folder for a machine
  const cpu = loadMathBenchResults(join(DEFAULT_GPU_MATH_DIR(), '..'));
  assert.ok(cpu.length > 0 && cpu.every((m) => !m.machine.includes('swiftshader')));
  const software = gpuSideBySideTable(cpu, gpus, 'software');
  const hardware = gpuSideBySideTable(cpu, gpus, 'hardware');
  assert.ok(Object.keys(software[0]).some((c) => c.includes('software (SwiftShader)')));
  assert.ok(!Object.keys(hardware[0]).some((c) => c.includes('software')));
  const ratios = gpuBackendRatios(cpu, gpus, 'software');
  assert.ok(ratios.some((r) => r.backend.startsWith('GPU software (SwiftShader)') && r.q25! <= r.isruTanh && r.isruTanh <= r.q75!));
  const fig = gpuRatioFigure(ratios, 'software');
  assert.match(String((fig.layout.title as { text: string }).text), /software WebGPU adapters \(renderers on the CPU, not GPUs\)/);
  assert.ok(gpuSummary(gpus).some((line) => /never compared with real GPUs/.test(line)));
});

test('the reader: every CSV of the folder, labelled from the description beside it, or from the backend column', () => {
  withTempDir('gpu-math-', (dir) => {
    const rows = gpuMathRows(timings({ tanh: 1, isru: 0.5, sigmoid: 1, isru_sigmoid: 0.5 }), 'WebGPU apple metal-3');
    writeFileSync(join(dir, 'safari-18-macos-8c-apple-metal-3.csv'), gpuMathCsv(rows));
    const sw = join(dir, 'x-software-swiftshader.csv');
    copyFileSync(join(DEFAULT_GPU_MATH_DIR(), 'chromium-headless-156-linux-2c-software-swiftshader.csv'), sw);
    mkdirSync(join(dir, 'ignored-folder'));
    const gpus = loadGpuMathResults(dir);
    assert.deepEqual(gpus.map((g) => [g.machine, g.label, g.software]), [
      ['safari-18-macos-8c-apple-metal-3', 'apple metal-3', false],
      ['x-software-swiftshader', 'software (SwiftShader)', true],
    ]);
    const cpuRows: MathBenchRow[] = [];
    const table = gpuSideBySideTable([{ machine: 'cpu', rows: cpuRows }], gpus, 'hardware');
    assert.equal(table.find((r) => r.function === 'isru')!['GPU apple metal-3 f32 (safari-18-macos-8c-apple-metal-3)'], Number(rows.find((r) => r.Function === 'isru')!.ns_per_op.toFixed(3)));
  });
  assert.deepEqual(loadGpuMathResults('/nonexistent-folder'), []);
});
