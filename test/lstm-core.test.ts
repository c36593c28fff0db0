import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemmAxpy, gemmNT, gemvN } from '../src/lstm/kernels';
import { cellKernels, scalarActivation } from '../src/lstm/cell';
import { createLstm } from '../src/lstm/network';
import { gradientCheck } from '../src/lstm/gradcheck';
import { paramLayout } from '../src/lstm/layout';
import { Rng } from '../src/lstm/rng';
import { cellBackwardIsru } from '../src/lstm/cell';
import { Arena, wasmSimdAvailable } from '../src/lstm/wasm/kernels';
import { adamStep } from '../src/lstm/adam';

function randomArray(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(1));
}

test('gemmNT, gemvN and gemmAxpy agree with naive triple loops on odd shapes and offsets', () => {
  const rng = new Rng(7);
  for (const [M, Nc, K] of [[1, 1, 1], [3, 5, 7], [2, 4, 8], [5, 9, 3], [7, 13, 11]]) {
    const A = randomArray(3 + M * K + K * M, rng);
    const B = randomArray(5 + Nc * K + K * Nc, rng);
    const C0 = randomArray(2 + M * Nc + 4, rng);
    // NT: C[i,j] += sum_k A[i,k] B[j,k]
    const C = C0.slice();
    gemmNT(M, Nc, K, A, 3, K, B, 5, K, C, 2, Nc);
    const ref = C0.slice();
    for (let i = 0; i < M; i++) for (let j = 0; j < Nc; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[3 + i * K + k] * B[5 + j * K + k];
      ref[2 + i * Nc + j] += s;
    }
    for (let x = 0; x < C.length; x++) assert.ok(Math.abs(C[x] - ref[x]) < 1e-12, `gemmNT ${M}x${Nc}x${K} at ${x}`);
    // gemvN: y[j] += sum_k W[j,k] x[k]
    const y = C0.slice();
    gemvN(Nc, K, B, 5, K, A, 3, y, 1);
    const yref = C0.slice();
    for (let j = 0; j < Nc; j++) for (let k = 0; k < K; k++) yref[1 + j] += B[5 + j * K + k] * A[3 + k];
    for (let x = 0; x < y.length; x++) assert.ok(Math.abs(y[x] - yref[x]) < 1e-12, `gemvN at ${x}`);
    // gemmAxpy, both A forms: C += A·B with A (M,K), and C += Aᵀ·B with A stored (K,M)
    for (const transposed of [false, true]) {
      const D = C0.slice();
      const [ai, ak] = transposed ? [1, M] : [K, 1];
      gemmAxpy(M, Nc, K, A, 3, ai, ak, B, 5, Nc, D, 2, Nc);
      const Dref = C0.slice();
      for (let i = 0; i < M; i++) for (let j = 0; j < Nc; j++) for (let k = 0; k < K; k++) {
        Dref[2 + i * Nc + j] += A[3 + i * ai + k * ak] * B[5 + k * Nc + j];
      }
      for (let x = 0; x < D.length; x++) assert.ok(Math.abs(D[x] - Dref[x]) < 1e-12, `gemmAxpy T=${transposed} at ${x}`);
    }
  }
});

test('cell kernels match a scalar reference LSTM step for both activations', () => {
  const rng = new Rng(3);
  const N = 5;
  for (const act of ['tanh', 'isru'] as const) {
    const { forward } = cellKernels(act);
    const z = randomArray(4 * N * 2, rng).map((v) => v * 3);
    const zIn = z.slice();
    const c = randomArray(3 * N, rng);
    const h = new Float64Array(3 * N);
    const tc = new Float64Array(2 * N);
    forward(N, 1, z, c, h, tc, 0, N);
    const { f: act_f } = scalarActivation[act];
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    for (let j = 0; j < N; j++) {
      const o = 4 * N;
      const f = sig(zIn[o + j]), i = sig(zIn[o + N + j]), g = act_f(zIn[o + 2 * N + j]), og = sig(zIn[o + 3 * N + j]);
      const cn = f * c[N + j] + i * g;
      assert.ok(Math.abs(c[2 * N + j] - cn) < 1e-14);
      assert.ok(Math.abs(h[2 * N + j] - og * act_f(cn)) < 1e-14);
    }
  }
  // the ISRU reference itself against known values: isru(x) = x/sqrt(1+x²)
  assert.ok(Math.abs(scalarActivation.isru.f(1) - Math.SQRT1_2) < 1e-15);
  assert.ok(Math.abs(scalarActivation.isru.f(-3) + 3 / Math.sqrt(10)) < 1e-15);
});

test('initial loss of a fresh net is close to ln(V) (uniform prediction)', () => {
  const V = 50;
  const net = createLstm({ vocabSize: V, layers: 2, neurons: 16, activation: 'tanh', precision: 'f64', seed: 5 });
  const inputs = Array.from({ length: 40 }, (_, t) => (t * 7) % V);
  const targets = Array.from({ length: 40 }, (_, t) => (t * 11 + 3) % V);
  const loss = net.lossAndGradients(inputs, targets);
  assert.ok(Math.abs(loss - Math.log(V)) < 0.1, `loss ${loss} vs ln V ${Math.log(V)}`);
  assert.equal(net.params.length, paramLayout(V, 2, 16).size);
  assert.equal(net.grads.length, net.params.length);
});

const shapes: [number, number, number, number][] = [
  // [vocab, layers, neurons, steps]
  [5, 1, 3, 4],
  [7, 3, 5, 12],
  [11, 2, 9, 10],
  [4, 4, 2, 15],
  [6, 3, 7, 13],
];
for (const kernels of ['wasm', 'js'] as const) {
  for (const activation of ['tanh', 'isru'] as const) {
    test(`gradient check (float64, seven-point finite differences) for ${activation}, ${kernels} kernels, on several shapes`, () => {
      for (const [vocabSize, layers, neurons, steps] of shapes) {
        const r = gradientCheck({ vocabSize, layers, neurons, activation, steps, seed: 3, kernels });
        assert.ok(r.maxRelError < 1e-6, `${activation} ${layers}x${neurons} V=${vocabSize} T=${steps}: max rel error ${r.maxRelError} at ${r.worstIndex}`);
      }
    });
  }
}

test('WebAssembly SIMD kernels agree with the TypeScript kernels (odd shapes, offsets, both precisions)', () => {
  assert.ok(wasmSimdAvailable('f64') && wasmSimdAvailable('f32'), 'this runtime lacks WebAssembly SIMD');
  const rng = new Rng(11);
  for (const precision of ['f64', 'f32'] as const) {
    const arena = new Arena(precision, 1 << 16);
    const tol = precision === 'f64' ? 1e-13 : 1e-5;
    for (const [M, Nc, K] of [[1, 1, 1], [3, 5, 7], [2, 4, 8], [5, 9, 3], [7, 13, 17], [4, 6, 2]]) {
      const A = arena.alloc(3 + M * K), B = arena.alloc(5 + Nc * K), C = arena.alloc(2 + M * Nc + 4);
      for (const X of [A, B, C]) for (let i = 0; i < X.length; i++) X[i] = rng.uniform(1);
      const ref = Float64Array.from(C);
      gemmNT(M, Nc, K, Float64Array.from(A), 3, K, Float64Array.from(B), 5, K, ref, 2, Nc);
      arena.gemmNT(M, Nc, K, A, 3, K, B, 5, K, C, 2, Nc);
      for (let x = 0; x < C.length; x++) assert.ok(Math.abs(C[x] - ref[x]) < tol, `${precision} gemmNT ${M}x${Nc}x${K} at ${x}: ${C[x]} vs ${ref[x]}`);
      // gemmNN: C += A·B with B (K, Nc) row-major, against the TypeScript axpy kernel
      const D = arena.alloc(2 + M * Nc);
      for (let x = 0; x < D.length; x++) D[x] = rng.uniform(1);
      const Dref = Float64Array.from(D);
      gemmAxpy(M, Nc, K, Float64Array.from(A), 3, K, 1, Float64Array.from(B), 5, Nc, Dref, 2, Nc);
      arena.gemmNN(M, Nc, K, A, 3, K, B, 5, Nc, D, 2, Nc);
      for (let x = 0; x < D.length; x++) assert.ok(Math.abs(D[x] - Dref[x]) < tol, `${precision} gemmNN ${M}x${Nc}x${K} at ${x}`);
      const y = arena.alloc(Nc + 1);
      const yref = new Float64Array(Nc + 1);
      arena.gemvN(Nc, K, B, 5, K, A, 3, y, 1);
      gemvN(Nc, K, Float64Array.from(B), 5, K, Float64Array.from(A), 3, yref, 1);
      for (let x = 0; x < y.length; x++) assert.ok(Math.abs(y[x] - yref[x]) < tol, `${precision} gemvN at ${x}`);
    }
  }
});

test('WASM Adam equals the TypeScript Adam (bit for bit in float64, to rounding in float32), clipping included', () => {
  const rng = new Rng(5);
  const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  for (const precision of ['f64', 'f32'] as const) {
    const arena = new Arena(precision, 1 << 16);
    const n = 37; // not a multiple of the lane count: exercises the scalar tail
    const [p, g, m, v] = [0, 1, 2, 3].map(() => arena.alloc(n));
    for (let k = 0; k < n; k++) {
      p[k] = rng.uniform(1);
      g[k] = rng.uniform(12); // some beyond the ±5 clip
      m[k] = rng.uniform(0.1);
      v[k] = rng.nextFloat() * 0.01;
    }
    const [p2, g2, m2, v2] = [p, g, m, v].map((a) => Float64Array.from(a));
    for (const [t, limit] of [[1, 5], [7, Infinity]] as const) {
      arena.adamStep(p, g, m, v, t, h, limit);
      adamStep(p2, g2, m2, v2, t, h, limit);
      for (let k = 0; k < n; k++) {
        if (precision === 'f64') {
          assert.equal(p[k], p2[k]);
          assert.equal(v[k], v2[k]);
        } else {
          assert.ok(Math.abs(p[k] - p2[k]) < 1e-6 && Math.abs(m[k] - m2[k]) < 1e-6, `f32 adam at ${k}`);
          p2[k] = p[k]; m2[k] = m[k]; v2[k] = v[k]; // continue from the same state
        }
      }
    }
  }
});

test('wasm and js kernels give the same loss and gradients (to rounding)', () => {
  const cfg = { vocabSize: 17, layers: 3, neurons: 10, activation: 'tanh' as const, precision: 'f64' as const, seed: 4 };
  const a = createLstm({ ...cfg, kernels: 'wasm' });
  const b = createLstm({ ...cfg, kernels: 'js' });
  assert.ok(a.params.buffer instanceof SharedArrayBuffer);
  const inputs = Array.from({ length: 23 }, (_, t) => (t * 5) % 17);
  const targets = Array.from({ length: 23 }, (_, t) => (t * 3 + 2) % 17);
  assert.ok(Math.abs(a.lossAndGradients(inputs, targets) - b.lossAndGradients(inputs, targets)) < 1e-12);
  for (let k = 0; k < a.grads.length; k++) assert.ok(Math.abs(a.grads[k] - b.grads[k]) < 1e-12);
});

test('gradient check catches a planted bug (ISRU backward under a tanh forward)', () => {
  const r = gradientCheck({
    vocabSize: 5, layers: 2, neurons: 4, activation: 'tanh', steps: 8, seed: 3,
    mutate: (net) => {
      (net as unknown as { cellBackward: unknown }).cellBackward = cellBackwardIsru;
    },
  });
  assert.ok(r.maxRelError > 1e-3, `planted bug not detected: ${r.maxRelError}`);
});

test('float32 loss and gradients track float64 on the same seed', () => {
  const cfg = { vocabSize: 13, layers: 2, neurons: 12, activation: 'isru' as const, seed: 9 };
  const a = createLstm({ ...cfg, precision: 'f64' });
  const b = createLstm({ ...cfg, precision: 'f32' });
  assert.ok(b.params instanceof Float32Array);
  const inputs = Array.from({ length: 30 }, (_, t) => (t * 5) % 13);
  const targets = Array.from({ length: 30 }, (_, t) => (t * 3 + 1) % 13);
  const la = a.lossAndGradients(inputs, targets);
  const lb = b.lossAndGradients(inputs, targets);
  assert.ok(Math.abs(la - lb) < 1e-5, `${la} vs ${lb}`);
  let maxErr = 0, maxG = 0;
  for (let k = 0; k < a.grads.length; k++) {
    maxErr = Math.max(maxErr, Math.abs(a.grads[k] - b.grads[k]));
    maxG = Math.max(maxG, Math.abs(a.grads[k]));
  }
  assert.ok(maxErr < 1e-4 * maxG, `max grad diff ${maxErr} vs max grad ${maxG}`);
});

test('RNG: same seed same stream, state round-trips, different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(Array.from({ length: 5 }, () => b.nextU32()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.nextU32()), xs);
  const s = a.getState();
  const next = a.nextFloat();
  const d = new Rng(1);
  d.setState(s);
  assert.equal(d.nextFloat(), next);
  for (let i = 0; i < 1000; i++) {
    const u = a.nextFloat();
    assert.ok(u >= 0 && u < 1);
  }
});

test('createLstm rejects bad configurations', () => {
  assert.throws(() => createLstm({ vocabSize: 1, layers: 1, neurons: 4, activation: 'tanh', precision: 'f64' }), /vocabSize/);
  assert.throws(() => createLstm({ vocabSize: 5, layers: 0, neurons: 4, activation: 'tanh', precision: 'f64' }), /layers/);
  assert.throws(() => createLstm({ vocabSize: 5, layers: 1, neurons: 4, activation: 'relu' as never, precision: 'f64' }), /activation/);
  const net = createLstm({ vocabSize: 5, layers: 1, neurons: 4, activation: 'tanh', precision: 'f64' });
  assert.throws(() => net.lossAndGradients([1, 2], [1]), /same length/);
  assert.throws(() => net.lossAndGradients([1, 5], [1, 2]), /vocabulary/);
});
