/**
 * The framework test (TensorFlow.js, tanh vs ISRU): the MNIST split is fixed and disjoint, the custom
 * activation computes x/sqrt(1+x²) with the right gradient inside tfjs, the quick profile writes the
 * results schema and learns (validation accuracy well above the 10% of chance, deterministic seed), the
 * kernel profile finds the activation's kernels, and the paired analysis matches hand computation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../src/io/csv';
import { classCounts, loadMnistPackage, MNIST_CLASSES, splitDigits } from '../src/studies/framework-test/mnist';
import { Isru, tf } from '../src/studies/framework-test/tfjs';
import { FRAMEWORK_COLUMNS, FRAMEWORK_OPS_COLUMNS, frameworkCsv, frameworkOpsCsv, frameworkProfile } from '../src/studies/framework-test/results';
import { activationKernels, epochFraction, frameworkConclusion, pairedEpochTime, pairedFinal, summariseFramework, verdict } from '../src/studies/framework-test/analysis';
import { htmlTable } from '../src/charts/table';
import { frameworkAccuracyFigure, kernelCallsFigure, pairedDifferenceFigure } from '../src/studies/framework-test/charts';
import { runCli } from './helpers/cli';

test('the mnist package holds 10 000 28x28 digits of all ten classes, grey values in [0, 1]', () => {
  const all = loadMnistPackage();
  assert.equal(all.count, 10_000);
  assert.equal(all.pixels.length, 10_000 * 28 * 28);
  assert.ok(all.pixels.every((v) => v >= 0 && v <= 1));
  assert.ok(classCounts(all).every((c) => c > 800), `class counts ${classCounts(all)}`);
});

test('the seeded split is fixed, disjoint and covers every class', () => {
  const all = loadMnistPackage();
  const sizes = { train: 300, validation: 100, test: 100 };
  const a = splitDigits(all, sizes), b = splitDigits(all, sizes);
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.deepEqual(a.test.pixels, b.test.pixels);
  // disjoint: no image (as its pixel bytes) in two parts; the package has no exact duplicates among these
  const key = (px: Float32Array, i: number): string => Buffer.from(px.buffer, px.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
  const seen = new Set<string>();
  for (const part of [a.train, a.validation, a.test]) for (let i = 0; i < part.count; i++) seen.add(key(part.pixels, i));
  assert.equal(seen.size, 500);
  assert.ok(classCounts(a.train).every((c) => c > 10), `train classes ${classCounts(a.train)}`);
  assert.equal(classCounts(a.validation).length, MNIST_CLASSES);
  assert.throws(() => splitDigits(all, { train: 9000, validation: 1000, test: 1000 }), /11000/);
});

test('the custom ISRU activation computes x/sqrt(1+x²) and its derivative (1+x²)^(-3/2) through tfjs autodiff', async () => {
  await tf.setBackend('cpu');
  const xs = [-30, -2.5, -0.3, 0, 0.7, 4, 50];
  const isru = new Isru();
  const y = isru.apply(tf.tensor1d(xs));
  const g = tf.grad((x) => isru.apply(x).sum())(tf.tensor1d(xs));
  const yv = Array.from(y.dataSync()), gv = Array.from(g.dataSync());
  xs.forEach((x, i) => {
    assert.ok(Math.abs(yv[i] - x / Math.sqrt(1 + x * x)) < 1e-6, `isru(${x})`);
    assert.ok(Math.abs(gv[i] - (1 + x * x) ** -1.5) < 1e-5, `isru'(${x}) = ${gv[i]}`);
  });
  tf.dispose([y, g]);
});

test('sweep framework --quick writes the results schema, learns beyond chance, and resumes', { timeout: 10 * 60_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'framework-'));
  try {
    // the wasm backend only, to keep the test short; the arithmetic is the same on cpu
    const run = runCli(['sweep', 'framework', '--quick', '--backends', 'wasm', '--out', out], { timeoutMs: 8 * 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const file = frameworkCsv(true, undefined, out);
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], FRAMEWORK_COLUMNS.join(','));
    const rows = readCsv(file);
    const p = frameworkProfile(true);
    assert.equal(rows.length, 2 * p.epochs * p.seeds.length);
    for (const r of rows) {
      assert.equal(r.backend, 'wasm');
      assert.ok(r.activation === 'tanh' || r.activation === 'isru');
      for (const c of ['train_acc', 'val_acc', 'test_acc']) assert.ok(Number(r[c]) >= 0 && Number(r[c]) <= 1, `${c} ${r[c]}`);
      for (const c of ['train_loss', 'val_loss', 'epoch_wall_s', 'epoch_cpu_s']) assert.ok(Number(r[c]) > 0, `${c} ${r[c]}`);
      assert.equal(Number(r.units), p.units);
      assert.equal(Number(r.val_samples), p.split.validation);
    }
    const last = rows.filter((r) => Number(r.epoch) === p.epochs);
    // chance is 1/10; with the fixed seed both models reach about 0.3 after two quick epochs
    for (const r of last) assert.ok(Number(r.val_acc) > 0.2, `${r.activation} final validation accuracy ${r.val_acc} is not beyond chance`);
    // resume: the finished pair is skipped
    const again = runCli(['sweep', 'framework', '--quick', '--backends', 'wasm', '--out', out]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /1 of 1 configurations already complete/);
    const bad = runCli(['sweep', 'framework', '--quick', '--backends', 'gpu', '--out', out]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('sweep framework-ops --quick finds the kernels of tanh (one Tanh per use) and of the custom ISRU (Rsqrt, Square, ...)', { timeout: 10 * 60_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'framework-ops-'));
  try {
    const run = runCli(['sweep', 'framework-ops', '--quick', '--backends', 'wasm', '--out', out], { timeoutMs: 8 * 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const file = frameworkOpsCsv(true, undefined, out);
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], FRAMEWORK_OPS_COLUMNS.join(','));
    const rows = readCsv(file);
    const tanh = activationKernels(rows, 'wasm', 'tanh'), isru = activationKernels(rows, 'wasm', 'isru');
    // 2 LSTM layers × 28 steps × 2 uses (candidate g and cell output) = 112 activation calls per step
    assert.equal(tanh.extra.find((e) => e.kernel === 'Tanh')?.calls, 112);
    assert.equal(isru.extra.find((e) => e.kernel === 'Rsqrt')?.calls, 112);
    assert.ok(!isru.extra.some((e) => e.kernel === 'Tanh'));
    assert.ok(isru.extraCalls > 2 * tanh.extraCalls, `${isru.extraCalls} vs ${tanh.extraCalls}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** Rows of a hand-made result: per seed, tanh and isru at epochs 1 and 2. */
function handRows(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const valAcc: Record<string, [number, number]> = { '1': [0.8, 0.81], '2': [0.7, 0.72], '3': [0.9, 0.93] }; // [tanh, isru] at epoch 2
  const wall: Record<string, [number, number]> = { '1': [10, 11], '2': [20, 22], '3': [20, 23] }; // mean over epochs
  for (const seed of [1, 2, 3]) {
    for (const [k, activation] of (['tanh', 'isru'] as const).entries()) {
      for (const epoch of [1, 2]) {
        const w = wall[seed][k];
        rows.push({
          backend: 'cpu', activation, seed, epoch, val_acc: epoch === 2 ? valAcc[seed][k] : 0.1,
          // epochs 1 and 2 take w − 1 and w + 1: the mean is w
          epoch_wall_s: epoch === 1 ? w - 1 : w + 1, epoch_cpu_s: w, units: 8, train_samples: 100, framework: 'tfjs test cpu',
        });
      }
    }
  }
  return rows;
}

test('paired final accuracy and epoch time match hand computation', () => {
  const rows = handRows();
  const acc = pairedFinal(rows, 'cpu', 'val_acc');
  // differences 0.01, 0.02, 0.03: mean 0.02, sd 0.01, half-width t(0.975, 2) · 0.01 / √3 = 4.302653 · 0.0057735
  assert.deepEqual(acc.seeds, [1, 2, 3]);
  assert.ok(Math.abs(acc.mean - 0.02) < 1e-12);
  assert.ok(Math.abs(acc.std - 0.01) < 1e-12);
  assert.ok(Math.abs(acc.high - acc.mean - 0.024841377) < 1e-6, `half-width ${acc.high - acc.mean}`);
  assert.ok(Math.abs(acc.tanhMean - 0.8) < 1e-12 && Math.abs(acc.isruMean - 0.82) < 1e-12);
  const time = pairedEpochTime(rows, 'cpu', 'epoch_wall_s');
  // differences 1, 2, 3 s; ratios 1.1, 1.1, 1.15 → relative 0.1, 0.1, 0.15: mean 0.11667, sd 0.028868,
  // half-width 4.302653 · 0.028868 / √3 = 0.071711, so the interval (0.045, 0.188) lies above 0
  assert.deepEqual(time.diffs, [1, 2, 3]);
  assert.ok(Math.abs(time.relative.mean - 0.35 / 3) < 1e-12);
  assert.ok(Math.abs(time.relative.high - time.relative.mean - 0.0717109) < 1e-6, `half-width ${time.relative.high - time.relative.mean}`);
  assert.equal(verdict(time.relative, 'faster', 'slower', 'unclear'), 'slower');
  assert.equal(verdict(acc, 'lower', 'higher', 'unclear'), 'unclear', 'the interval 0.02 ± 0.0248 contains 0');
});

test('the kernel analysis subtracts the linear step by kernel name and charges shared kernels their mean time per call', () => {
  const row = (activation: string, kernel: string, calls: number, ms: number, step: number, alone: number) =>
    ({ backend: 'wasm', activation, kernel, calls_per_step: calls, ms_per_step: ms, step_cpu_ms: step, alone_cpu_ms: alone });
  const ops = [
    row('linear', 'MatMul', 10, 5, 8, 1),
    row('linear', 'Multiply', 10, 5, 8, 1),
    row('tanh', 'MatMul', 10, 5.5, 10, 3),
    row('tanh', 'Multiply', 12, 7.2, 10, 3),
    row('tanh', 'Tanh', 4, 1, 10, 3),
    row('isru', 'MatMul', 10, 5, 12, 5),
    row('isru', 'Multiply', 10, 4, 12, 5),
    row('isru', 'Rsqrt', 4, 1, 12, 5),
    row('isru', 'Square', 4, 2, 12, 5),
  ];
  const t = activationKernels(ops, 'wasm', 'tanh');
  // Multiply: 2 extra calls at 7.2 / 12 = 0.6 ms each (not the 2.2 ms difference of the totals)
  assert.deepEqual(t.extra.map((e) => e.kernel), ['Multiply', 'Tanh']);
  assert.ok(Math.abs(t.extra[0].ms - 1.2) < 1e-12 && t.extra[1].ms === 1);
  assert.ok(Math.abs(t.extraMs - 2.2) < 1e-12);
  assert.ok(Math.abs(t.fraction - 2.2 / 13.7) < 1e-12);
  assert.equal(t.stepFraction, 0.2);
  assert.equal(t.aloneCpuMs, 2);
  const i = activationKernels(ops, 'wasm', 'isru');
  assert.equal(i.extraCalls, 8);
  assert.equal(i.extraMs, 3);
  assert.equal(i.fraction, 3 / 12);
  assert.equal(i.aloneCpuMs, 4);
  // 4 CPU ms alone per step × 100/32 → 4 steps = 16 ms of a 0.8 s epoch: 2%
  const rows = [{ backend: 'wasm', activation: 'isru', epoch: 1, epoch_cpu_s: 0.7, train_samples: 100, batch_size: 32 }, { backend: 'wasm', activation: 'isru', epoch: 2, epoch_cpu_s: 0.9, train_samples: 100, batch_size: 32 }];
  assert.ok(Math.abs(epochFraction(rows, 'wasm', i) - 0.02) < 1e-12);
});

test('the conclusion quotes the paired differences, their intervals and the reproducing command', () => {
  const text = frameworkConclusion(summariseFramework(handRows()), 'npx lstm-opt sweep framework');
  assert.match(text, /over 3 paired seeds: no measurable change in the final validation accuracy/);
  assert.match(text, /ISRU − tanh \+2\.00 pp, 95% CI −0\.48 pp to \+4\.48 pp/);
  assert.match(text, /ISRU slower per epoch by process CPU time: \+11\.7% \(95% CI \+4\.5% to \+18\.8%; 16\.67 s vs 18\.67 s\), wall clock \+11\.7%/);
  assert.match(text, /`npx lstm-opt sweep framework`/);
  assert.equal(frameworkConclusion(summariseFramework([]), 'x'), 'No framework results yet: run `x`.');
});

test('framework figures and the HTML table are plain data with the palette', () => {
  const rows = handRows();
  const fig = frameworkAccuracyFigure(rows, 'cpu');
  const means = fig.data.filter((t) => String(t.name).endsWith('validation'));
  assert.deepEqual(means.map((t) => t.line), [{ color: '#1f77b4', width: 3 }, { color: '#d62728', width: 3 }]);
  const y = means[0].y as number[];
  assert.ok(Math.abs(y[0] - 0.1) < 1e-12 && Math.abs(y[1] - 0.8) < 1e-12, `tanh validation means ${y}`);
  const acc = pairedFinal(rows, 'cpu', 'val_acc');
  const diff = pairedDifferenceFigure([{ label: 'cpu', estimate: acc, values: acc.diffs }], { title: 't', id: 'i', axis: 'pp', scale: 100 });
  assert.ok(Math.abs((diff.data[0].x as number[])[0] - 2) < 1e-9);
  const k = (activation: string, kernel: string, calls: number) => ({ backend: 'b', activation, kernel, calls_per_step: calls, ms_per_step: 1, step_cpu_ms: 1, alone_cpu_ms: 1 });
  const t = activationKernels([k('linear', 'A', 1), k('tanh', 'A', 1), k('tanh', 'Tanh', 2)], 'b', 'tanh');
  assert.deepEqual(kernelCallsFigure(t, { ...t, activation: 'isru' }).data.map((d) => d.y), [[2], [2]]);
  assert.equal(htmlTable([{ a: 'x<y', b: 2 }]), '<table>\n<thead><tr><th>a</th><th>b</th></tr></thead>\n<tbody>\n<tr><td style="text-align:left">x&lt;y</td><td style="text-align:right">2</td></tr>\n</tbody>\n</table>');
});

test('with a kernel profile the conclusion names the kernels and the activation\'s share of a step', () => {
  const k = (activation: string, kernel: string, calls: number, step: number, alone: number) =>
    ({ backend: 'cpu', activation, kernel, calls_per_step: calls, ms_per_step: calls / 10, step_cpu_ms: step, alone_cpu_ms: alone });
  // steps: linear 90, tanh 100, isru 120 CPU ms → shares 10% and 25%
  const ops = [k('linear', 'MatMul', 8, 90, 1), k('tanh', 'MatMul', 8, 100, 2), k('tanh', 'Tanh', 4, 100, 2), k('isru', 'MatMul', 8, 120, 4), k('isru', 'Rsqrt', 4, 120, 4), k('isru', 'Square', 8, 120, 4)];
  const rows = handRows().map((r) => ({ ...r, batch_size: 10 }));
  const text = frameworkConclusion(summariseFramework(rows, ops), 'cmd');
  assert.match(text, /the built-in tanh adds 4 kernel calls to a step \(Tanh\), the custom ISRU 12 \(Rsqrt, Square\), 3\.0× as many/);
  assert.match(text, /accounts for 10\.0% of a tanh training step and 25\.0% of an ISRU step/);
  // alone: tanh 1 ms, isru 3 ms per step × 10 steps over epochs of 16.67 s and 18.67 s of CPU
  assert.match(text, /0\.1% of a tanh epoch and 0\.2% of an ISRU epoch/);
});
