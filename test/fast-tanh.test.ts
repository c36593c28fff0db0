/**
 * The cheap alternatives to tanh and the sigmoid: the clamped minimax rational tanh (f, f′, ∫f, kernels)
 * against 50-digit references, mathjs's symbolic derivative and adaptive quadrature; its vector kernel
 * against the scalar function; the sigmoid through the vector tanh; their error tables; and their
 * math-bench rows, which committed results (measured before they existed) simply lack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BigNumber } from 'mathjs';
import { FAST_TANH_CLAMP, FAST_TANH_P, FAST_TANH_Q, fastTanh, sigmoidViaTanh } from '../src/activations';
import { compareWithSymbolic, symbolicFunction } from '../src/activations/symbolic';
import { integrate } from '../src/activations/quadrature';
import { accuracyPoints, bigMath, bigReference, exactBig } from '../src/activations/simd-accuracy';
import { baselineErrorRows, baselineErrorTable, FAST_TANH_RANGES, rangePoints, SIGMOID_VIA_TANH_RANGES } from '../src/activations/fast-tanh-accuracy';
import { ulpAt } from '../src/activations/ulp';
import { SimdActivations } from '../src/lstm/wasm/pointwise';
import { simdActivationKernels } from '../src/studies/math-bench/vector';
import { findRow, mathBenchmarks, VECTOR_ACTIVATIONS } from '../src/studies/math-bench/core';
import { lstmLikeInputs } from '../src/studies/math-bench/harness';
import { loadMathBenchResults, MathBenchRow } from '../src/studies/math-bench/suite';
import { baselineCostTable, baselineNote } from '../src/studies/math-bench/baselines';
import { resultsPath } from '../src/io/paths';

const EPS = Number.EPSILON;
/** |fast tanh − tanh| on the whole line, double arithmetic (the largest measured is 2.57e-8) */
const FAST_TANH_ABS_BOUND = 2.6e-8;

test('fast tanh against 50-digit tanh: within 2.6e-8 everywhere, odd to the bit, increasing and below 1 up to the clamp, constant beyond', () => {
  const m = bigMath();
  const xs = accuracyPoints(400);
  let worst = 0;
  for (const x of xs) {
    const err = Math.abs(fastTanh.f(x) - bigReference('tanh', exactBig(m, x)).toNumber());
    worst = Math.max(worst, err);
    assert.ok(err <= FAST_TANH_ABS_BOUND, `x = ${x}: error ${err}`);
    assert.ok(Object.is(fastTanh.f(-x), -fastTanh.f(x)), `odd at ${x}`);
  }
  assert.ok(worst > 1e-8, `the bound is tight (worst ${worst})`);
  let prev = -Infinity;
  for (let k = -9000; k <= 9000; k++) {
    const y = fastTanh.f(k / 1000);
    assert.ok(y > prev && Math.abs(y) < 1, `at ${k / 1000}`);
    prev = y;
  }
  const edge = fastTanh.f(FAST_TANH_CLAMP);
  for (const x of [9.0000001, 12, 1e6, Infinity]) assert.equal(fastTanh.f(x), edge);
  assert.equal(fastTanh.f(-Infinity), -edge);
  assert.ok(Number.isNaN(fastTanh.f(NaN)));
  // the expression (BigNumber) and the Horner evaluation agree inside the clamp
  const sym = symbolicFunction(fastTanh);
  for (const x of [1e-6, 0.1, 0.7, 2, 5, 8.9]) assert.ok(Math.abs(sym(x) - fastTanh.f(x)) <= 4 * EPS * Math.abs(sym(x)), `expression at ${x}`);
});

/** g′(x) as a 50-digit central difference of x·P(x²)/Q(x²) in BigNumber (step 1e-20: its error is far below a double's). */
function bigDerivative(x: number): number {
  const m = bigMath();
  const g = (t: BigNumber): BigNumber => {
    const u = t.times(t);
    const horner = (c: readonly number[]): BigNumber => c.slice(0, -1).reduceRight((s, ck) => s.times(u).plus(m.bignumber(ck)), m.bignumber(c[c.length - 1]));
    return t.times(horner(FAST_TANH_P)).div(horner(FAST_TANH_Q));
  };
  const h = m.bignumber('1e-20'), bx = exactBig(m, x);
  return g(bx.plus(h)).minus(g(bx.minus(h))).div(h.times(2)).toNumber();
}

test("fast tanh's f′ matches a 50-digit derivative inside the clamp, is 0 beyond, and 1 − y² is within 1.3e-7 of it", () => {
  const inside = [...rangePoints({ from: 0, to: 8.99 }, 300), ...rangePoints({ from: -8.99, to: -0.01 }, 100)];
  let worstAbs = 0, worstRelNear = 0;
  for (const x of inside) {
    const ref = bigDerivative(x);
    worstAbs = Math.max(worstAbs, Math.abs(fastTanh.df(x) - ref));
    if (Math.abs(x) <= 2) worstRelNear = Math.max(worstRelNear, Math.abs(fastTanh.df(x) - ref) / ref);
  }
  // the quotient rule's terms are of order 1 while g′ falls to 1e-7 at the clamp: a few ulps of 1 absolute
  // everywhere, relative where g′ is not small
  assert.ok(worstAbs <= 4 * EPS, `max absolute difference ${worstAbs}`);
  assert.ok(worstRelNear <= 16 * EPS, `max relative difference on [−2, 2] ${worstRelNear}`);
  // mathjs's symbolic derivative of the expression agrees where its printed constants keep enough digits
  assert.ok(compareWithSymbolic(fastTanh, rangePoints({ from: 0, to: 1 }, 50)).maxRelDiff <= 1e-12);
  for (const x of [9.5, -20, Infinity]) assert.equal(fastTanh.df(x), 0);
  let gap = 0;
  for (const x of inside) gap = Math.max(gap, Math.abs(fastTanh.dfy!(fastTanh.f(x)) - fastTanh.df(x)));
  assert.ok(gap <= 1.3e-7 && gap > 0, `|1 − f² − f′| ≤ ${gap}`);
});

test("fast tanh's integral matches adaptive quadrature of f (inside and past the clamp) and is even", () => {
  for (const x of [1e-7, 1e-3, 0.3, 1, 2.5, 5, 8, 9, 9.5, 15, 40]) {
    const q = integrate(fastTanh.f, 0, x, { breakpoints: x > FAST_TANH_CLAMP ? [FAST_TANH_CLAMP] : [] }).value;
    const F = fastTanh.integral(x);
    assert.ok(Math.abs(F - q) <= 1e-13 * Math.abs(q), `x = ${x}: ${F} vs ${q}`);
    assert.equal(fastTanh.integral(-x), F);
  }
  assert.equal(fastTanh.integral(0), 0);
});

test('fast tanh kernels: apply is f element by element, backward multiplies by 1 − y², in both array types', () => {
  const xs = [-12, -3, -0.5, 0, 1e-9, 0.25, 2, 8.5, 30];
  for (const Ctor of [Float64Array, Float32Array]) {
    const x = Ctor.from(xs);
    const y = fastTanh.apply(new Ctor(xs.length), x);
    const round = Ctor === Float32Array ? Math.fround : (v: number): number => v;
    xs.forEach((_, i) => assert.equal(y[i], round(fastTanh.f(x[i]))));
    const dy = Ctor.from(xs.map((_, i) => i - 4));
    const dx = fastTanh.backward(new Ctor(xs.length), y, dy);
    xs.forEach((_, i) => assert.equal(dx[i], round(dy[i] * (1 - y[i] * y[i]))));
  }
  assert.throws(() => fastTanh.apply(new Float64Array(2), new Float64Array(3)), /lengths differ/);
});

test('the vector fast tanh gives the scalar doubles bit for bit in f64, and stays within 5 f32 ulps of tanh in f32', () => {
  const xs = accuracyPoints(400);
  const f64 = new SimdActivations('f64', 4096).apply('fast-tanh', xs);
  xs.forEach((x, i) => assert.ok(Object.is(f64[i], fastTanh.f(x)), `x = ${x}: ${f64[i]} vs ${fastTanh.f(x)}`));
  const table = baselineErrorTable('fast-tanh', FAST_TANH_RANGES, { count: 200 });
  assert.equal(table.length, FAST_TANH_RANGES.length * 2 * 2);
  for (const row of table) {
    if (row.precision === 'f64') assert.ok(row.maxAbsError <= FAST_TANH_ABS_BOUND, `${row.impl} [${row.range.from}, ${row.range.to}]`);
    else assert.ok(row.maxUlpError <= (row.impl === 'simd' ? 5 : 3), `${row.impl} f32 [${row.range.from}, ${row.range.to}]: ${row.maxUlpError} ulp`);
  }
  // in f64 its error is an f32's: hundreds of millions of double ulps
  assert.ok(table.filter((r) => r.precision === 'f64').every((r) => r.maxUlpError > 1e8));
});

test('the SIMD sigmoid through tanh: absolute error within an ulp of 1 everywhere, relative error of an ulp or two from x = −1 up', () => {
  const table = baselineErrorTable('sigmoid-via-tanh', SIGMOID_VIA_TANH_RANGES, { count: 200 });
  for (const row of table) {
    const where = `${row.impl} ${row.precision} [${row.range.from}, ${row.range.to}]`;
    assert.ok(row.maxAbsError <= ulpAt(1, row.precision), `${where}: ${row.maxAbsError}`);
    if (row.range.from >= -1) assert.ok(row.maxUlpError <= 2, `${where}: ${row.maxUlpError} ulp`);
  }
  // for x ≪ 0, 1 + tanh(x/2) cancels: the relative accuracy the exp-based sigmoid keeps is lost there
  assert.ok(table.some((r) => r.range.to <= -9 && r.maxUlpError > 1e6));
  assert.equal(sigmoidViaTanh(0), 0.5);
  const rows = baselineErrorRows(20);
  assert.equal(rows.length, (FAST_TANH_RANGES.length + SIGMOID_VIA_TANH_RANGES.length) * 4);
  assert.deepEqual(Object.keys(rows[0]), ['function', 'implementation', 'precision', 'inputs', 'max abs error', 'max ulp error', 'worst input', 'points']);
});

test('math-bench rows for the cheap alternatives compute what they claim; committed results without them still load', () => {
  const vector = simdActivationKernels();
  assert.ok(vector, 'this Node has WebAssembly SIMD');
  const { benchmarks, specs } = mathBenchmarks(1, vector);
  const x0 = lstmLikeInputs(1, 1)[0];
  assert.equal(benchmarks.find((b) => b.id === 'fast_tanh|scalar|f64|1')!.run(1), fastTanh.f(x0));
  assert.equal(specs.get('fast_tanh|scalar|f64|1')!.expression, 'fastTanh.f(x)');
  assert.equal(benchmarks.find((b) => b.id === 'sigmoid_tanh_inline|scalar|f64|1')!.run(1), sigmoidViaTanh(x0));
  assert.equal(benchmarks.find((b) => b.id === 'fast_tanh_simd|array|f64|128')!.run(1), fastTanh.f(x0));
  const s = benchmarks.find((b) => b.id === 'sigmoid_tanh_simd|array|f32|4096')!.run(1);
  assert.ok(Math.abs(s - 1 / (1 + Math.exp(-Math.fround(x0)))) <= ulpAt(1, 'f32'), `${s}`);
  assert.deepEqual(VECTOR_ACTIVATIONS.slice(-2).map((v) => v.name), ['fast_tanh_simd', 'sigmoid_tanh_simd']);
  const committed = loadMathBenchResults(resultsPath('math-bench'));
  assert.ok(committed.length > 0);
  for (const machine of committed) {
    assert.ok(findRow(machine.rows, 'tanh'), machine.machine);
    assert.equal(findRow(machine.rows, 'fast_tanh'), undefined, `${machine.machine} predates the fast tanh`);
  }
});

test('the baseline cost table and note: empty with the command for files that predate the rows, ratios from the rows otherwise', () => {
  const committed = loadMathBenchResults(resultsPath('math-bench'))[0];
  assert.deepEqual(baselineCostTable(committed.rows), []);
  assert.equal(baselineNote(committed.rows, committed.machine, 'npx lstm-opt math-bench'),
    `${committed.machine}'s math-bench was measured before the fast tanh and the sigmoid through tanh were added: \`npx lstm-opt math-bench\` measures them on this machine.`);
  const row = (name: string, kind: 'scalar' | 'array', ns: number): MathBenchRow => ({
    Function: name, 'Relative Time': ns, ns_per_op: ns, ns_min: ns, ns_max: ns, rounds: 1, kind, precision: kind === 'scalar' ? 'f64' : 'f32', length: kind === 'scalar' ? 1 : 4096, ns_gross: ns, expression: '',
  });
  const rows = [
    row('tanh', 'scalar', 12), row('fast_tanh', 'scalar', 4), row('isru', 'scalar', 3),
    row('tanh_simd', 'array', 2), row('fast_tanh_simd', 'array', 1), row('isru_simd', 'array', 1.5), row('sigmoid_simd', 'array', 3), row('sigmoid_tanh_simd', 'array', 2.4),
  ];
  const table = baselineCostTable(rows);
  assert.deepEqual(table.map((r) => r.kind), ['scalar', 'Float32Array[4096]']);
  assert.equal(table[0]['fast tanh'], 4);
  assert.equal(table[0]['fast tanh SIMD'], '');
  assert.equal(table[1]['sigmoid via tanh SIMD'], 2.4);
  assert.equal(baselineNote(rows, 'm-2c', 'x'),
    'On m-2c: a scalar ISRU costs 0.75× a fast tanh (0.25× a Math.tanh); vectorized over Float32Array[4096], ISRU costs 1.50× the fast tanh and 0.75× the exp-based tanh; the sigmoid through tanh costs 0.80× the direct SIMD sigmoid.');
});
