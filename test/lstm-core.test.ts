import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemmNT, gemvN } from '../src/lstm/dense';
import { cellKernels, cellSpec, KEEP_ROWS } from '../src/lstm/cell';
import { cellBackwardIsru, cellForwardTanh } from '../src/lstm/cell-kernels';
import { createLstm } from '../src/lstm/network';
import { gradientCheck } from '../src/lstm/gradcheck';
import { paramLayout } from '../src/lstm/layout';
import { Rng } from '../src/lstm/rng';
import { wasmSimdAvailable } from '../src/lstm/wasm/kernels';
import { WasmBackend } from '../src/lstm/wasm/backend';
import { createBackend } from '../src/lstm/backend-select';
import { adamStepCoefficients, adamUpdate } from '../src/lstm/adam';
import { isru, isruSigmoid, sigmoid, tanh } from '../src/activations';
import { assertF32TracksF64 } from './helpers/precision';

function randomArray(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(1));
}

test('gemmNT and gemvN agree with naive triple loops on odd shapes and offsets', () => {
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
  }
});

test('cell kernels match an LSTM step built from src/activations, forward and backward, for both activations and both gates', () => {
  const rng = new Rng(3);
  const N = 5;
  const cells = [['tanh', (x: number) => tanh.f(x)], ['isru', (x: number) => isru.f(x, 1)]] as const;
  const gates = [['sigmoid', sigmoid], ['isru-sigmoid', isruSigmoid]] as const;
  for (const [[name, act], [gateName, gate]] of cells.flatMap((c) => gates.map((g) => [c, g] as const))) {
    const dact = name === 'tanh' ? (x: number) => tanh.df(x) : (x: number) => isru.df(x, 1);
    const { forward, backward } = cellKernels(cellSpec(name, gateName));
    const keep = new Float64Array(2 * KEEP_ROWS * N);
    const z = randomArray(4 * N * 2, rng).map((v) => v * 3);
    const zIn = z.slice();
    const c = randomArray(3 * N, rng);
    const h = new Float64Array(3 * N);
    const tc = new Float64Array(2 * N);
    forward(N, 1, z, c, h, tc, keep, 0, N);
    const sig = (x: number): number => gate.f(x, 1);
    const o = 4 * N;
    const dh = randomArray(2 * N, rng);
    const dcIn = randomArray(N, rng);
    const dc = dcIn.slice();
    const dz = new Float64Array(4 * N * 2);
    backward(N, 1, z, c, tc, keep, dh, dc, dz, 0, N);
    for (let j = 0; j < N; j++) {
      const zf = zIn[o + j], zi = zIn[o + N + j], zg = zIn[o + 2 * N + j], zo = zIn[o + 3 * N + j];
      const f = sig(zf), i = sig(zi), g = act(zg), og = sig(zo);
      const cn = f * c[N + j] + i * g;
      assert.ok(Math.abs(c[2 * N + j] - cn) < 1e-14, `${name}/${gateName} c at ${j}`);
      assert.ok(Math.abs(h[2 * N + j] - og * act(cn)) < 1e-14, `${name}/${gateName} h at ${j}`);
      // chain rule through the activations' own derivatives (of the inputs, not of the stored outputs)
      const dcv = dcIn[j] + dh[N + j] * og * dact(cn);
      const dgate = (x: number): number => gate.df(x, 1);
      const want = [dcv * c[N + j] * dgate(zf), dcv * g * dgate(zi), dcv * i * dact(zg), dh[N + j] * act(cn) * dgate(zo)];
      want.forEach((w, k) => assert.ok(Math.abs(dz[o + k * N + j] - w) < 1e-13 * Math.max(1, Math.abs(w)), `${name}/${gateName} dz gate ${k} at ${j}: ${dz[o + k * N + j]} vs ${w}`));
      assert.ok(Math.abs(dc[j] - dcv * f) < 1e-13, `${name}/${gateName} dc at ${j}`);
    }
  }
});

test('initial loss of a fresh net is close to ln(V) (uniform prediction)', () => {
  const V = 50;
  const net = createLstm({ vocabSize: V, layers: 2, neurons: 16, cell: cellSpec('tanh'), precision: 'f64', seed: 5 });
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
        const r = gradientCheck({ vocabSize, layers, neurons, cell: cellSpec(activation), steps, seed: 3, kernels });
        assert.ok(r.maxRelError < 1e-6, `${activation} ${layers}x${neurons} V=${vocabSize} T=${steps}: max rel error ${r.maxRelError} at ${r.worstIndex}`);
      }
    });
  }
}

for (const activation of ['tanh', 'isru'] as const) {
  test(`gradient check of the ${activation} cell with ISRU-sigmoid gates (scalar; float64 at 1e-6, float32 against the float64 truth)`, () => {
    for (const [vocabSize, layers, neurons, steps] of shapes) {
      const shape = `${activation}/isru-sigmoid ${layers}x${neurons} V=${vocabSize} T=${steps}`;
      const r = gradientCheck({ vocabSize, layers, neurons, cell: cellSpec(activation, 'isru-sigmoid', 'scalar'), steps, seed: 3 });
      assert.ok(r.maxRelError < 1e-6, `${shape}: max rel error ${r.maxRelError} at ${r.worstIndex}`);
    }
  });
}

// float32: the same tolerance as 'float32 loss and gradients track float64' below, for every scalar cell
for (const activation of ['tanh', 'isru'] as const) {
  for (const gate of ['sigmoid', 'isru-sigmoid'] as const) {
    test(`float32 gradient of the ${activation} cell with ${gate} gates matches float64 finite differences`, () => {
      for (const [vocabSize, layers, neurons, steps] of shapes) {
        const r = gradientCheck({ vocabSize, layers, neurons, cell: cellSpec(activation, gate, 'scalar'), precision: 'f32', steps, seed: 3 });
        assert.ok(r.maxAbsError < 1e-4 * r.maxGradient, `${activation}/${gate} f32 ${layers}x${neurons}: max abs error ${r.maxAbsError} vs max gradient ${r.maxGradient}`);
      }
    });
  }
}

test('the gradient check fails when the ISRU-sigmoid backward is swapped for the sigmoid one', () => {
  for (const activation of ['tanh', 'isru'] as const) {
    const right = cellKernels(cellSpec(activation, 'isru-sigmoid'));
    const wrong = cellKernels(cellSpec(activation, 'sigmoid'));
    const r = gradientCheck({
      vocabSize: 5, layers: 2, neurons: 4, cell: cellSpec(activation, 'isru-sigmoid'), steps: 8, seed: 3,
      mutate: (net) => {
        (net.backend as { cell: unknown }).cell = () => ({ forward: right.forward, backward: wrong.backward });
      },
    });
    assert.ok(r.maxRelError > 1e-3, `${activation}: swapped gate backward not detected: ${r.maxRelError}`);
  }
});

test('both backends agree with the TypeScript kernels (odd shapes, offsets, zero rows, both precisions)', () => {
  assert.ok(wasmSimdAvailable('f64') && wasmSimdAvailable('f32'), 'this runtime lacks WebAssembly SIMD');
  const rng = new Rng(11);
  for (const precision of ['f64', 'f32'] as const) {
    for (const backend of [WasmBackend.create(precision, 1 << 16), createBackend(precision, 'js')]) {
      const label = `${backend.kind} ${precision}`;
      const tol = precision === 'f64' ? 1e-13 : 1e-5;
      for (const [M, Nc, K] of [[1, 1, 1], [3, 5, 7], [2, 4, 8], [5, 9, 3], [7, 13, 17], [4, 6, 2], [0, 5, 3], [3, 0, 4], [3, 5, 0]]) {
        const A = backend.alloc(3 + Math.max(M, 1) * K + 1), B = backend.alloc(5 + Nc * K + 1), C = backend.alloc(2 + M * Nc + 4);
        for (const X of [A, B, C]) for (let i = 0; i < X.length; i++) X[i] = rng.uniform(1);
        const ref = Float64Array.from(C);
        gemmNT(M, Nc, K, Float64Array.from(A), 3, K, Float64Array.from(B), 5, K, ref, 2, Nc);
        backend.gemmNT(M, Nc, K, A, 3, K, B, 5, K, C, 2, Nc);
        for (let x = 0; x < C.length; x++) assert.ok(Math.abs(C[x] - ref[x]) < tol, `${label} gemmNT ${M}x${Nc}x${K} at ${x}: ${C[x]} vs ${ref[x]}`);
        // gemmNN: C += A·B with B (K, Nc) row-major, against a naive triple loop
        const D = backend.alloc(2 + M * Nc);
        for (let x = 0; x < D.length; x++) D[x] = rng.uniform(1);
        const Dref = Float64Array.from(D);
        for (let i = 0; i < M; i++) for (let j = 0; j < Nc; j++) for (let k = 0; k < K; k++) Dref[2 + i * Nc + j] += A[3 + i * K + k] * B[5 + k * Nc + j];
        backend.gemmNN(M, Nc, K, A, 3, K, B, 5, Nc, D, 2, Nc);
        for (let x = 0; x < D.length; x++) assert.ok(Math.abs(D[x] - Dref[x]) < tol, `${label} gemmNN ${M}x${Nc}x${K} at ${x}`);
        const y = backend.alloc(Nc + 1);
        const yref = new Float64Array(Nc + 1);
        backend.gemv(Nc, K, B, 5, K, A, 3, y, 1);
        gemvN(Nc, K, Float64Array.from(B), 5, K, Float64Array.from(A), 3, yref, 1);
        for (let x = 0; x < y.length; x++) assert.ok(Math.abs(y[x] - yref[x]) < tol, `${label} gemv at ${x}`);
        // transpose: an exact copy
        const Tt = backend.alloc(Nc * K + 1);
        backend.transpose(K, Nc, B, 5, Nc, Tt, 1, K);
        for (let r = 0; r < K; r++) for (let col = 0; col < Nc; col++) assert.equal(Tt[1 + col * K + r], B[5 + r * Nc + col], `${label} transpose`);
      }
    }
  }
});

test('WASM Adam equals the TypeScript Adam (bit for bit in float64, to rounding in float32), clipping and ranges included', () => {
  const rng = new Rng(5);
  const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  for (const precision of ['f64', 'f32'] as const) {
    const backend = WasmBackend.create(precision, 1 << 16);
    const n = 37; // not a multiple of the lane count: exercises the scalar tail
    const [p, g, m, v] = [0, 1, 2, 3].map(() => backend.alloc(n));
    for (let k = 0; k < n; k++) {
      p[k] = rng.uniform(1);
      g[k] = rng.uniform(12); // some beyond the ±5 clip
      m[k] = rng.uniform(0.1);
      v[k] = rng.nextFloat() * 0.01;
    }
    const [p2, g2, m2, v2] = [p, g, m, v].map((a) => Float64Array.from(a));
    for (const [t, limit] of [[1, 5], [7, Infinity]] as const) {
      const k = adamStepCoefficients(h, t, limit);
      // in two ranges, as two participants would
      backend.adam(p, g, m, v, k, 0, 13);
      backend.adam(p, g, m, v, k, 13, n);
      adamUpdate(p2, g2, m2, v2, k);
      for (let i = 0; i < n; i++) {
        if (precision === 'f64') {
          assert.equal(p[i], p2[i]);
          assert.equal(v[i], v2[i]);
        } else {
          assert.ok(Math.abs(p[i] - p2[i]) < 1e-6 && Math.abs(m[i] - m2[i]) < 1e-6, `f32 adam at ${i}`);
          p2[i] = p[i]; m2[i] = m[i]; v2[i] = v[i]; // continue from the same state
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
    vocabSize: 5, layers: 2, neurons: 4, cell: cellSpec('tanh'), steps: 8, seed: 3,
    mutate: (net) => {
      (net.backend as { cell: unknown }).cell = () => ({ forward: cellForwardTanh, backward: cellBackwardIsru });
    },
  });
  assert.ok(r.maxRelError > 1e-3, `planted bug not detected: ${r.maxRelError}`);
});

test('float32 loss and gradients track float64 on the same seed', () => {
  assertF32TracksF64({ vocabSize: 13, layers: 2, neurons: 12, cell: cellSpec('isru'), seed: 9 });
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
  assert.throws(() => createLstm({ vocabSize: 1, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: 'f64' }), /vocabSize/);
  assert.throws(() => createLstm({ vocabSize: 5, layers: 0, neurons: 4, cell: cellSpec('tanh'), precision: 'f64' }), /layers/);
  assert.throws(() => createLstm({ vocabSize: 5, layers: 1, neurons: 4, cell: { ...cellSpec('tanh'), activation: 'relu' as never }, precision: 'f64' }), /activation/);
  const net = createLstm({ vocabSize: 5, layers: 1, neurons: 4, cell: cellSpec('tanh'), precision: 'f64' });
  assert.throws(() => net.lossAndGradients([1, 2], [1]), /same length/);
  assert.throws(() => net.lossAndGradients([1, 5], [1, 2]), /vocabulary/);
});
