import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, create, derivative } from 'mathjs';
import {
  activations, activationNames, activationByName, ActivationFunction, ActivationName,
  compareWithSymbolic, compareWithQuadrature, derivativeCheckPoints, integrate, gaussKronrod15, propertiesTable,
  symbolicFunction, symbolicDerivative,
} from '../src/activations';
import { isru as isruAct, isruSigmoid, tanh } from '../src/activations';
import * as api from '../src/index';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../src/io/csv';
import { runCli } from './helpers/cli';
import { activationCurvesFigure, checksFigure, isruAlphaFigure, sigmoidComparisonFigure } from '../src/charts/activations';
import { colors } from '../src/charts/colors';
import { withTempDir } from './helpers/temp';

const EPS = Number.EPSILON;
const piecewise = (a: ActivationFunction) => a.meta.pieces !== undefined;
/** Points from −12 to 12 plus large magnitudes, avoiding 0 itself (the kink of the ReLU family). */
const POINTS = (() => {
  const xs: number[] = [];
  for (let x = -12; x <= 12; x += 0.37) xs.push(x);
  for (const m of [0.001, 0.03, 15, 20, 35, 60, 100, 700, 1e3, 1e5, 1e6]) xs.push(m, -m);
  return xs;
})();

/** Richardson-extrapolated central difference (error O(h⁴)). */
function centralDifference(f: (x: number) => number, x: number, h: number): number {
  const d = (s: number) => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}

test('the public shape: activations.<name>.f/df/dfy/integral/apply/backward/meta, from src/index too', () => {
  assert.deepEqual(activationNames, ['tanh', 'isru', 'softplus', 'sigmoid', 'isruSigmoid', 'softsign', 'relu', 'leakyRelu', 'elu', 'isrlu']);
  for (const name of activationNames) {
    const a = api.activations[name];
    assert.equal(a, activations[name]);
    for (const k of ['f', 'df', 'dfy', 'integral', 'apply', 'backward'] as const) assert.equal(typeof a[k], 'function', `${name}.${k}`);
    assert.equal(a.meta.name, name);
    assert.ok(a.meta.displayName && a.meta.expression && a.meta.latex && a.meta.dfLatex && a.meta.integralLatex, `${name} metadata`);
  }
  assert.equal(activationByName('isru'), activations.isru);
  assert.throws(() => activationByName('tanf'), /unknown activation 'tanf'.*tanh, isru/);
});

test('known values: isru(1) = 1/√2, isru(1; α=4) = 1/√5, ln cosh 1, sigmoid(0), isruSigmoid = (1 + isru(x/2))/2', () => {
  const close = (a: number, b: number, tol = 4 * EPS) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
  close(activations.isru.f(1), Math.SQRT1_2);
  close(activations.isru.f(1, 4), 1 / Math.sqrt(5));
  close(activations.isru.dfy!(activations.isru.f(1)), 2 ** -1.5);
  close(tanh.integral(1), 0.4337808304830271); // ln cosh 1
  close(activations.sigmoid.f(0), 0.5);
  close(activations.sigmoid.integral(0), 0);
  close(activations.softplus.integral(-745), -(Math.PI ** 2) / 12); // ∫₀^{−∞} softplus = −π²/12
  close(isruSigmoid.integral(-1e9), -1, 1e-8); // converges to −1 at α = 1
  for (const x of [-7, -1.5, -0.2, 0, 0.4, 3, 11]) {
    close(isruSigmoid.f(x), (1 + isruAct.f(x / 2)) / 2);
    close(isruSigmoid.f(x, 3), (1 + isruAct.f(x / 2, 3)) / 2);
  }
  close(isruSigmoid.df(0), 0.25); // the sigmoid's slope at 0
});

test('every f matches its mathjs expression evaluated in 50-digit arithmetic', () => {
  for (const name of activationNames) {
    const a = activations[name];
    const ref = symbolicFunction(a);
    const xs = derivativeCheckPoints(a);
    for (const x of xs) {
      const want = ref(x);
      const got = a.f(x);
      // 1e-45: the 50-digit reference itself loses digits in ln(1 + e^{-100}) = 3.7e-44
      assert.ok(Math.abs(got - want) <= 4 * EPS * Math.abs(want) + 1e-45, `${name}(${x}) = ${got}, mathjs ${want}`);
    }
  }
});

test('df agrees with a central finite difference at many points including large |x|', () => {
  for (const name of activationNames) {
    const a = activations[name];
    for (const x of POINTS) {
      const h = 1e-3 * Math.max(1, Math.abs(x));
      if (piecewise(a) && Math.abs(x) <= h) continue; // the stencil would straddle the kink
      const fd = centralDifference((t) => a.f(t), x, h);
      const df = a.df(x);
      // truncation (relative) + rounding of f divided by h
      const tol = 1e-6 * Math.abs(df) + (20 * EPS * Math.max(1, Math.abs(a.f(x)))) / h;
      assert.ok(Math.abs(df - fd) <= tol, `${name}.df(${x}) = ${df}, finite difference ${fd}`);
    }
  }
});

test("df agrees with mathjs's symbolic derivative (BigNumber) to a few ulps, including large |x|", () => {
  for (const name of activationNames) {
    const a = activations[name];
    const r = compareWithSymbolic(a, derivativeCheckPoints(a));
    assert.ok(r.points > 160);
    assert.ok(r.maxRelDiff <= 8 * EPS, `${name}: max relative difference ${r.maxRelDiff}`);
  }
  // with a non-default α too
  for (const [name, alpha] of [['isru', 0.25], ['isru', 3], ['isruSigmoid', 2], ['elu', 0.5], ['leakyRelu', 0.2], ['isrlu', 5]] as [ActivationName, number][]) {
    const r = compareWithSymbolic(activations[name], derivativeCheckPoints(activations[name]), alpha);
    assert.ok(r.maxRelDiff <= 8 * EPS, `${name}(α=${alpha}): ${r.maxRelDiff}`);
  }
});

test('mathjs derives the textbook forms: tanh′ = sech², isru′ = (1+αx²)^{-3/2}', () => {
  const math = create(all);
  assert.equal(derivative(tanh.meta.expression, 'x').toString(), 'sech(x) ^ 2');
  const d = symbolicDerivative(isruAct).expressions[0].node;
  for (const [x, alpha] of [[0.3, 1], [-2, 1], [5, 0.5]]) {
    const want = (1 + alpha * x * x) ** -1.5;
    assert.ok(Math.abs(math.evaluate(d.toString(), { x, alpha }) - want) < 1e-15);
  }
});

test('dfy(f(x)) = df(x): the derivative through the output', () => {
  for (const name of activationNames) {
    const a = activations[name];
    for (let x = -5; x <= 5; x += 0.125) {
      if (piecewise(a) && x === 0) continue;
      const got = a.dfy!(a.f(x));
      const want = a.df(x);
      // 1 − y² style forms lose relative accuracy as y → bound; at |x| ≤ 5 that is below 1e-9
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1e-3, Math.abs(want)), `${name}.dfy(f(${x})) = ${got}, df = ${want}`);
    }
  }
});

test('adaptive Gauss–Kronrod quadrature reproduces known integrals', () => {
  const near = (a: number, b: number, tol = 1e-13) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
  near(integrate(Math.sin, 0, Math.PI).value, 2);
  near(integrate(Math.exp, -3, 2).value, Math.exp(2) - Math.exp(-3));
  near(integrate((x) => 1 / (1 + x * x), -50, 50).value, 2 * Math.atan(50));
  near(integrate((x) => Math.abs(x), -1, 2, { breakpoints: [0] }).value, 2.5);
  near(integrate((x) => x ** 5, 0, 1).value, 1 / 6);
  near(gaussKronrod15((x) => x ** 20, -1, 1).value, 2 / 21, 1e-12); // Kronrod 15 is exact to degree 22
  near(integrate(Math.sqrt, 0, 1).value, 2 / 3, 1e-10); // √ is not smooth at 0: bisection has to work
  assert.equal(integrate(Math.exp, 2, -3).value, -integrate(Math.exp, -3, 2).value);
});

test('integral is the antiderivative with F(0) = 0, matching numerical quadrature of f', () => {
  for (const name of activationNames) {
    const a = activations[name];
    assert.equal(Math.abs(a.integral(0)), 0, `${name}.integral(0)`);
    const q = compareWithQuadrature(a);
    assert.ok(q.maxRelDiff <= 1e-13, `${name}: ∫ vs quadrature, max relative difference ${q.maxRelDiff}`);
    // and F′ = f (an independent check of the constant-free part)
    for (const x of [-6.5, -2, -0.7, 0.9, 3.3, 9]) {
      const fd = centralDifference((t) => a.integral(t), x, 1e-3);
      assert.ok(Math.abs(fd - a.f(x)) <= 1e-9 * Math.max(1, Math.abs(a.f(x))), `${name}: F′(${x}) = ${fd}, f = ${a.f(x)}`);
    }
  }
  for (const [name, alpha] of [['isru', 0.3], ['isruSigmoid', 2.5], ['elu', 2], ['isrlu', 0.5]] as [ActivationName, number][]) {
    assert.ok(compareWithQuadrature(activations[name], undefined, alpha).maxRelDiff <= 1e-13, `${name}(α=${alpha})`);
  }
});

test('small |x|: integrals keep their relative accuracy (no cancellation near 0)', () => {
  for (const name of activationNames) {
    const a = activations[name];
    for (const x of [1e-8, -1e-8, 1e-4, -3e-3, 0.05, -0.09, 0.124, -0.126]) {
      const q = integrate((t) => a.f(t), 0, x, { absTol: 0, relTol: 1e-15 }).value;
      const got = a.integral(x);
      assert.ok(Math.abs(got - q) <= 1e-13 * Math.abs(q), `${name}.integral(${x}) = ${got}, quadrature ${q}`);
    }
  }
});

test('edge cases: isru(±1e200), softplus(±1000), NaN in → NaN out, ±Infinity → the limits', () => {
  assert.equal(activations.isru.f(1e200), 1);
  assert.equal(activations.isru.f(-1e200), -1);
  assert.equal(activations.isru.f(1e200, 4), 0.5);
  assert.equal(activations.isru.f(-1e300, 0.25), -2);
  assert.equal(activations.isrlu.f(-1e200), -1);
  assert.equal(activations.softplus.f(1000), 1000);
  const sp = activations.softplus.f(-1000);
  assert.ok(sp >= 0 && sp < 1e-300, `softplus(-1000) = ${sp}`);
  assert.equal(activations.softplus.f(-30), Math.log1p(Math.exp(-30)));
  assert.equal(activations.sigmoid.f(-1000), 0);
  assert.equal(activations.sigmoid.f(1000), 1);
  assert.ok(activations.tanh.df(30) > 0, 'tanh′ stays positive where 1 − tanh² would round to 0');
  assert.ok(Math.abs(activations.tanh.df(30) / (4 * Math.exp(-60)) - 1) < 1e-12);
  assert.ok(activations.isru.df(1e200) === 0 && activations.isru.integral(1e200) === 1e200);

  const limits: Record<ActivationName, [number, number]> = {
    tanh: [-1, 1], isru: [-1, 1], softplus: [0, Infinity], sigmoid: [0, 1], isruSigmoid: [0, 1], softsign: [-1, 1],
    relu: [0, Infinity], leakyRelu: [-Infinity, Infinity], elu: [-1, Infinity], isrlu: [-1, Infinity],
  };
  for (const name of activationNames) {
    const a = activations[name];
    assert.deepEqual([a.f(-Infinity), a.f(Infinity)], limits[name], `${name}(±∞)`);
    for (const k of ['f', 'df', 'dfy', 'integral'] as const) assert.ok(Number.isNaN(a[k]!(NaN)), `${name}.${k}(NaN)`);
    for (const x of [1e300, -1e300, 1e200, -1e200]) {
      const y = a.f(x);
      assert.ok(!Number.isNaN(y) && limits[name][0] <= y && y <= limits[name][1], `${name}(${x}) = ${y}`);
      const d = a.df(x);
      assert.ok(Number.isFinite(d) && d >= 0, `${name}.df(${x}) = ${d} (all are non-decreasing)`);
      assert.ok(!Number.isNaN(a.integral(x)), `${name}.integral(${x})`);
    }
    for (const x of [Infinity, -Infinity]) {
      assert.ok(!Number.isNaN(a.df(x)), `${name}.df(${x})`);
      assert.ok(!Number.isNaN(a.integral(x)), `${name}.integral(${x})`);
    }
  }
  // f values stay inside the range everywhere
  for (const name of activationNames) {
    for (const x of POINTS) {
      const y = activations[name].f(x);
      assert.ok(limits[name][0] <= y && y <= limits[name][1], `${name}(${x}) = ${y} outside the range`);
    }
  }
});

test('properties table: range, f′(0), parity and saturation computed from the functions', () => {
  const rows = Object.fromEntries(propertiesTable().map((r) => [r.name, r]));
  assert.equal(rows.tanh.parity, 'odd');
  assert.equal(rows.isru.parity, 'odd');
  assert.equal(rows.softsign.parity, 'odd');
  assert.equal(rows.softplus.parity, 'neither');
  assert.equal(rows.isru.df_at_0, 1);
  assert.equal(rows.isruSigmoid.df_at_0, 0.25);
  assert.equal(rows.sigmoid.df_at_0, 0.25);
  assert.equal(rows.isru.gap_2, 1 - 2 / Math.sqrt(5));
  assert.equal(rows.softplus.gap_2, '');
  // ISRU saturates more slowly than tanh, faster than softsign
  for (const k of ['gap_2', 'gap_4', 'gap_8'] as const) {
    assert.ok((rows.tanh[k] as number) < (rows.isru[k] as number) && (rows.isru[k] as number) < (rows.softsign[k] as number), k);
  }
});

/** Inputs for the kernels: random, plus the edge values. */
function kernelInputs(n: number): number[] {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const xs = Array.from({ length: n }, () => (rand() - 0.5) * 2 * 10 ** (rand() * 4 - 1));
  return [...xs, 0, -0, 1e200, -1e200, Infinity, -Infinity, NaN, 700, -700, 1e-30];
}

const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

test('apply(out, x) equals the scalar f in float64 and f rounded once in float32, with and without α', () => {
  const xs = kernelInputs(500);
  for (const name of activationNames) {
    const a = activations[name];
    for (const alpha of a.meta.parameter ? [undefined, 0.5, 3] : [undefined]) {
      const x64 = Float64Array.from(xs);
      const out64 = a.apply(new Float64Array(x64.length), x64, alpha);
      x64.forEach((x, i) => assert.ok(same(out64[i], a.f(x, alpha)), `${name}.apply f64 at ${x}: ${out64[i]} vs ${a.f(x, alpha)}`));
      const x32 = Float32Array.from(xs);
      const out32 = a.apply(new Float32Array(x32.length), x32, alpha);
      x32.forEach((x, i) => assert.ok(same(out32[i], Math.fround(a.f(x, alpha))), `${name}.apply f32 at ${x}`));
      // in place
      const inPlace = Float64Array.from(xs);
      a.apply(inPlace, inPlace, alpha);
      inPlace.forEach((v, i) => assert.ok(same(v, out64[i]), `${name}.apply in place`));
    }
  }
});

test('backward(dx, y, dy) = dy · dfy(y) in both precisions', () => {
  const xs = kernelInputs(500).filter((x) => Number.isFinite(x));
  for (const name of activationNames) {
    const a = activations[name];
    for (const alpha of a.meta.parameter ? [undefined, 2] : [undefined]) {
      for (const Ctor of [Float64Array, Float32Array]) {
        const y = a.apply(new Ctor(xs.length), Ctor.from(xs), alpha);
        const dy = Ctor.from(xs, (_x, i) => Math.sin(i) * 3);
        const dx = a.backward(new Ctor(xs.length), y, dy, alpha);
        // relative rounding, plus float32's subnormal spacing (below 1.2e-38 the relative error grows)
        const [tol, tiny] = Ctor === Float64Array ? [4 * EPS, 1e-300] : [2 ** -22, 1e-44];
        for (let i = 0; i < xs.length; i++) {
          const want = dy[i] * a.dfy!(y[i], alpha);
          assert.ok(Math.abs(dx[i] - want) <= tol * Math.abs(want) + tiny, `${name}.backward ${Ctor.name} at y=${y[i]}: ${dx[i]} vs ${want}`);
        }
        // dx may alias dy
        const alias = Ctor.from(dy);
        a.backward(alias, y, alias, alpha);
        alias.forEach((v, i) => assert.equal(v, dx[i]));
      }
    }
  }
});

test('kernels refuse arrays of different lengths', () => {
  assert.throws(() => activations.isru.apply(new Float64Array(3), new Float64Array(4)), /isru\.apply: array lengths differ \(3 vs 4\)/);
  assert.throws(() => activations.tanh.backward(new Float32Array(2), new Float32Array(2), new Float32Array(5)), RangeError);
});

test('lstm-opt activations --out DIR writes properties, values and checks tables', () => withTempDir('lstm-opt-act-', (dir) => {
  const r = runCli(['activations', '--out', join(dir, 'act')]);
  assert.equal(r.code, 0, r.stderr);
  const props = readCsv(join(dir, 'act', 'properties.csv'));
  assert.deepEqual(props.map((p) => p.name), activationNames);
  assert.deepEqual(Object.keys(props[0]), ['name', 'display_name', 'alpha', 'lower', 'upper', 'f_at_0', 'df_at_0', 'parity', 'gap_2', 'gap_4', 'gap_8']);
  const values = readCsv(join(dir, 'act', 'values.csv'));
  const isru4 = values.filter((v) => v.name === 'isru' && v.alpha === 4);
  assert.equal(isru4.length, 321);
  assert.equal(isru4[isru4.length - 1].f, activations.isru.f(8, 4));
  const checks = readCsv(join(dir, 'act', 'checks.csv'));
  for (const c of checks) assert.ok((c.derivative_max_rel_diff as number) < 1e-14 && (c.integral_max_rel_diff as number) < 1e-13, String(c.name));

  // bad input: one line on stderr, exit 2, nothing written
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  const bad = runCli(['activations', '--out', file]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /not a folder/);
  assert.equal(readFileSync(file, 'utf8'), 'x');
  assert.ok(!existsSync(join(dir, 'properties.csv')));
}));

test('figure builders: stable ids, the study colors, quadrature markers on the closed-form curves', () => {
  const f = activationCurvesFigure('f');
  assert.equal(f.layout.meta?.id, 'activations-f');
  assert.deepEqual(f.data.map((t) => t.name), ['tanh', 'ISRU', 'softplus']);
  assert.deepEqual(f.data.map((t) => (t.line as { color: string }).color), [colors.tanh, colors.isru, colors.softplus]);
  const xs = f.data[1].x as number[];
  assert.equal((f.data[1].y as number[])[xs.indexOf(2)], activations.isru.f(2));
  assert.equal(activationCurvesFigure('df').layout.meta?.id, 'activations-df');

  const integral = activationCurvesFigure('integral', { quadratureStep: 1 });
  assert.equal(integral.layout.meta?.id, 'activations-integral');
  const markers = integral.data.filter((t) => t.mode === 'markers');
  assert.equal(markers.length, 3);
  for (const [i, n] of (['tanh', 'isru', 'softplus'] as const).entries()) {
    const mx = markers[i].x as number[];
    const my = markers[i].y as number[];
    assert.equal(mx.length, 13);
    mx.forEach((x, j) => assert.ok(Math.abs(my[j] - activations[n].integral(x)) < 1e-12, `${n} quadrature marker at ${x}`));
  }

  const fam = isruAlphaFigure([4, 0.25, 1]);
  assert.equal(fam.layout.meta?.id, 'isru-alpha');
  assert.deepEqual(fam.data.map((t) => t.name), ['ISRU α = 0.25', 'ISRU α = 1', 'ISRU α = 4', 'tanh']);
  assert.ok(Math.abs((fam.data[0].y as number[]).at(-1)! - activations.isru.f(6, 0.25)) === 0);
  assert.equal(sigmoidComparisonFigure().layout.meta?.id, 'isru-sigmoid');

  const checks = checksFigure([{ name: 'isru', derivative_max_rel_diff: 2e-16, integral_max_rel_diff: 0 }]);
  assert.equal(checks.layout.meta?.id, 'checks');
  assert.deepEqual(checks.data.map((t) => (t.y as number[])[0]), [2e-16, 1e-18]); // 0 is drawn at the floor
  assert.deepEqual(checks.data[0].x, ['ISRU']);
});
