// Correctness smoke tests of the peer benchmarks (bench/peers/): the numbers `npm run bench` prints
// for PyTorch and TF.js must come from a real training step of the same workload. Tiny nets only;
// no timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { derivative, evaluate } from 'mathjs';
import * as tf from '@tensorflow/tfjs-node';
import { Isru } from '../bench/peers/tfjs-lstm';
import { parsePeerLines, peerCommand, PYTORCH_SKIP_EXIT, runPeer } from '../bench/peers/run';

const root = resolve(__dirname, '../..');
const venvPython = join(root, '.venv/bin/python');
const pytorchScript = join(root, 'bench/peers/pytorch_lstm.py');
const tfjsScript = join(root, 'dist/bench/peers/tfjs-lstm.js');

interface CheckRow {
  engine: string;
  activation?: string;
  precision: string;
  vocab: number;
  ln_vocab: number;
  losses: number[];
}

function checkRows(cmd: string, args: string[]): CheckRow[] {
  const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim().split('\n').map((l) => JSON.parse(l) as CheckRow);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A fresh net predicts nearly uniform: loss ≈ ln V. Training on a period-7 pattern must lower it. */
function assertTrains(row: CheckRow, label: string): void {
  const { losses, vocab } = row;
  assert.equal(losses.length, 40, label);
  assert.ok(Math.abs(losses[0] - Math.log(vocab)) < 0.05 * Math.log(vocab), `${label}: loss(0) ${losses[0]} vs ln V ${Math.log(vocab)}`);
  assert.ok(losses.every(Number.isFinite), `${label}: non-finite loss`);
  const first = mean(losses.slice(0, 5));
  const last = mean(losses.slice(-5));
  assert.ok(last < first - 0.15, `${label}: loss did not fall (${first.toFixed(3)} -> ${last.toFixed(3)})`);
}

const contractLine = {
  engine: 'pytorch',
  layers: 2,
  neurons: 100,
  activation: 'tanh',
  precision: 'f64',
  ms_per_iter: 15.2,
  forward_ms: 3.9,
  backward_ms: 10.8,
  adam_ms: 0.5,
  iterations: 50,
  version: 'torch 2.13.0+cpu',
};

test('parsePeerLines accepts contract lines and keeps extra fields', () => {
  const rows = parsePeerLines(`${JSON.stringify({ ...contractLine, vocab: 98 })}\n\n${JSON.stringify({ ...contractLine, precision: 'f32' })}\n`, 'pytorch');
  assert.equal(rows.length, 2);
  assert.equal(rows[0].ms_per_iter, 15.2);
  assert.equal(rows[0].vocab, 98);
  assert.equal(rows[1].precision, 'f32');
  // tfjs --train-on-batch cannot split the step: null parts are allowed.
  const tb = parsePeerLines(JSON.stringify({ ...contractLine, engine: 'tfjs', forward_ms: null, backward_ms: null, adam_ms: null }), 'tfjs');
  assert.equal(tb[0].forward_ms, null);
});

test('parsePeerLines rejects anything outside the contract, naming the line', () => {
  const line = (patch: object) => JSON.stringify({ ...contractLine, ...patch });
  assert.throws(() => parsePeerLines('Hi there, a log line on stdout', 'pytorch'), /line 1 is not JSON/);
  assert.throws(() => parsePeerLines(`${line({})}\n${line({ engine: 'tfjs' })}`, 'pytorch'), /line 2 has engine "tfjs"/);
  assert.throws(() => parsePeerLines(line({ ms_per_iter: undefined }), 'pytorch'), /ms_per_iter/);
  assert.throws(() => parsePeerLines(line({ ms_per_iter: -1 }), 'pytorch'), /ms_per_iter/);
  assert.throws(() => parsePeerLines(line({ precision: 'f16' }), 'pytorch'), /precision/);
  assert.throws(() => parsePeerLines(line({ forward_ms: 'fast' }), 'pytorch'), /forward_ms/);
  assert.throws(() => parsePeerLines('[1,2]', 'pytorch'), /not an object/);
});

test('peerCommand passes the options each peer understands', () => {
  const py = peerCommand('pytorch', { root: '/r', quick: true, configs: ['2x100', '2x256'], vocab: 98, precisions: ['f32'], activations: ['isru'] });
  assert.deepEqual(py, ['/r/.venv/bin/python', '/r/bench/peers/pytorch_lstm.py', '--quick', '--configs', '2x100,2x256', '--vocab', '98', '--precisions', 'f32']);
  const js = peerCommand('tfjs', { root: '/r', activations: ['tanh', 'isru'], precisions: ['f64'] });
  assert.deepEqual(js, [process.execPath, '/r/dist/bench/peers/tfjs-lstm.js', '--activations', 'tanh,isru']);
});

test('TF.js ISRU activation matches x/sqrt(1+x²) and its mathjs symbolic derivative', () => {
  const isru = new Isru();
  const xs = [-6, -2.5, -1, -0.3, 0, 0.2, 1, 3.7, 8];
  const y = tf.tidy(() => Array.from(isru.apply(tf.tensor1d(xs)).dataSync()));
  const dy = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => isru.apply(x))(tf.tensor1d(xs)).dataSync()));
  const dExpr = derivative('x / sqrt(1 + x^2)', 'x');
  xs.forEach((x, i) => {
    const ref = x / Math.sqrt(1 + x * x);
    assert.ok(Math.abs(y[i] - ref) < 1e-6, `isru(${x}) = ${y[i]}, expected ${ref}`);
    const dref = dExpr.evaluate({ x }) as number;
    assert.ok(Math.abs(dy[i] - dref) < 1e-5, `isru'(${x}) = ${dy[i]}, expected ${dref}`);
  });
  assert.ok(Math.abs((evaluate('1/(1+0.3^2)^(3/2)') as number) - dy[3]) < 1e-5);
});

test('TF.js peer trains: loss(0) ≈ ln V and it falls on a repeated pattern (tanh and ISRU)', () => {
  const rows = checkRows(process.execPath, [tfjsScript, '--check', '--configs', '1x24', '--vocab', '12', '--activations', 'tanh,isru', '--iterations', '40']);
  assert.deepEqual(rows.map((r) => r.activation), ['tanh', 'isru']);
  for (const r of rows) assertTrains(r, `tfjs ${r.activation}`);
  // Same seed, different cell activation: the runs must really differ.
  assert.notDeepEqual(rows[0].losses, rows[1].losses);
});

test('TF.js peer emits one contract row per config through runPeer', async () => {
  const run = await runPeer('tfjs', { configs: ['1x8'], vocab: 10, quick: true, echoStderr: false });
  assert.equal(run.skipped, undefined, run.skipped);
  assert.equal(run.rows.length, 1);
  const r = run.rows[0];
  assert.equal(r.layers, 1);
  assert.equal(r.neurons, 8);
  assert.equal(r.precision, 'f32');
  assert.equal(r.iterations, 5);
  assert.ok(Math.abs(r.ms_per_iter - ((r.forward_ms ?? 0) + (r.backward_ms ?? 0) + (r.adam_ms ?? 0))) < 0.5 * r.ms_per_iter);
  assert.ok(Math.abs((r.loss_first as number) - Math.log(10)) < 0.1);
});

test('PyTorch peer without torch exits with the skip status and says how to install it', () => {
  // The system python3 (not the project's .venv) is the interpreter without torch here.
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status === 0) return; // no python3, or it has torch: nothing to show
  const res = spawnSync('python3', [pytorchScript, '--quick'], { encoding: 'utf8' });
  assert.equal(res.status, PYTORCH_SKIP_EXIT);
  assert.equal(res.stdout, '');
  assert.match(res.stderr, /torch is not installed.*pip install -r requirements-peers\.txt/);
});

test('runPeer reports a missing peer as skipped, not as an error', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'lstm-opt-peers-'));
  try {
    const run = await runPeer('pytorch', { root: empty, echoStderr: false });
    assert.deepEqual(run.rows, []);
    assert.match(run.skipped ?? '', /\.venv\/bin\/python is missing/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

const torchInstalled =
  existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

test('PyTorch peer trains: loss(0) ≈ ln V, falls on a pattern, f64 and f32 agree', { skip: !torchInstalled && 'torch not installed in .venv (pip install -r requirements-peers.txt)' }, () => {
  const rows = checkRows(venvPython, [pytorchScript, '--check', '--configs', '1x24', '--vocab', '12', '--iterations', '40']);
  assert.deepEqual(rows.map((r) => r.precision), ['f64', 'f32']);
  for (const r of rows) assertTrains(r, `pytorch ${r.precision}`);
  // Same seed and init: float32 must follow the float64 trajectory closely (a wrong dtype path would not).
  rows[0].losses.forEach((l, i) => assert.ok(Math.abs(l - rows[1].losses[i]) < 1e-3, `step ${i}: f64 ${l} vs f32 ${rows[1].losses[i]}`));
});

test('PyTorch peer emits contract rows with one thread', { skip: !torchInstalled && 'torch not installed in .venv' }, async () => {
  const run = await runPeer('pytorch', { configs: ['1x8'], vocab: 10, quick: true, echoStderr: false });
  assert.equal(run.skipped, undefined, run.skipped);
  assert.deepEqual(run.rows.map((r) => r.precision), ['f64', 'f32']);
  for (const r of run.rows) {
    assert.equal(r.threads, 1);
    assert.equal(r.iterations, 10);
    assert.ok(Math.abs((r.loss_first as number) - Math.log(10)) < 0.1);
  }
});
