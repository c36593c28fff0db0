/**
 * The 'simd' point-wise cell kernels (src/lstm/wasm/assembly/simd-cell-kernels.ts): every cell × gate activation
 * in both precisions against an LSTM step built from src/activations and against the scalar kernels,
 * bit-identical whatever the neuron range is split into, gradient-checked through the engine, bit-identical
 * across thread counts; and the error table of the vectorized activations against 50-digit references.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isru, isruSigmoid, sigmoid, tanh } from '../src/activations';
import { accuracyPoints, SIMD_ACCURACY_BOUNDS, simdAccuracy, ulpAt } from '../src/activations/simd-accuracy';
import type { Float, Precision } from '../src/lstm/buffers';
import { Activation, CellKernels, cellKernels, cellSpec, CellSpec, GateActivation, KEEP_ROWS } from '../src/lstm/cell';
import { createBackend } from '../src/lstm/backend-select';
import { gradientCheck } from '../src/lstm/gradcheck';
import { createLstm, Lstm } from '../src/lstm/network';
import { Rng } from '../src/lstm/rng';
import { WasmBackend } from '../src/lstm/wasm/backend';
import { SimdActivations } from '../src/lstm/wasm/pointwise';
import { loadCorpus } from '../src/data/corpus';
import { dataPath } from '../src/io/paths';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { assertF32TracksF64 } from './helpers/precision';

const PRECISIONS: readonly Precision[] = ['f64', 'f32'];
const SPECS: readonly CellSpec[] = (['tanh', 'isru'] as Activation[]).flatMap((a) =>
  (['sigmoid', 'isru-sigmoid'] as GateActivation[]).map((g) => cellSpec(a, g, 'simd')));
const label = (s: CellSpec): string => `${s.activation}/${s.gate}`;

const CELL = { tanh: (x: number) => tanh.f(x), isru: (x: number) => isru.f(x, 1) };
const DCELL = { tanh: (x: number) => tanh.df(x), isru: (x: number) => isru.df(x, 1) };
const GATE = { sigmoid: (x: number) => sigmoid.f(x), 'isru-sigmoid': (x: number) => isruSigmoid.f(x, 1) };
const DGATE = { sigmoid: (x: number) => sigmoid.df(x), 'isru-sigmoid': (x: number) => isruSigmoid.df(x, 1) };

/** One time step's buffers (T = 2, step t = 1 is computed) in a backend's memory, filled from a seed. */
interface Step {
  N: number;
  z: Float; c: Float; h: Float; tc: Float; keep: Float; dh: Float; dc: Float; dz: Float;
}

function makeStep(backend: WasmBackend | ReturnType<typeof createBackend>, N: number, seed: number): Step {
  const rng = new Rng(seed);
  const fill = (a: Float, scale: number): Float => {
    for (let k = 0; k < a.length; k++) a[k] = rng.uniform(scale);
    return a;
  };
  return {
    N,
    z: fill(backend.alloc(2 * 4 * N), 4), c: fill(backend.alloc(3 * N), 2), h: backend.alloc(3 * N), tc: backend.alloc(2 * N),
    keep: backend.alloc(2 * KEEP_ROWS * N), dh: fill(backend.alloc(2 * N), 1), dc: fill(backend.alloc(N), 1), dz: backend.alloc(2 * 4 * N),
  };
}

function copyStep(backend: WasmBackend | ReturnType<typeof createBackend>, s: Step): Step {
  const cp = (a: Float): Float => {
    const b = backend.alloc(a.length);
    b.set(a);
    return b;
  };
  return { N: s.N, z: cp(s.z), c: cp(s.c), h: cp(s.h), tc: cp(s.tc), keep: cp(s.keep), dh: cp(s.dh), dc: cp(s.dc), dz: cp(s.dz) };
}

/** Forward then backward of step t = 1 over the neuron ranges `splits` (boundaries from 0 to N). */
function runStep(k: CellKernels, s: Step, splits: number[]): void {
  for (let p = 0; p + 1 < splits.length; p++) k.forward(s.N, 1, s.z, s.c, s.h, s.tc, s.keep, splits[p], splits[p + 1]);
  for (let p = 0; p + 1 < splits.length; p++) k.backward(s.N, 1, s.z, s.c, s.tc, s.keep, s.dh, s.dc, s.dz, splits[p], splits[p + 1]);
}

/** Relative tolerance against double-precision references: the error bounds times a margin for the few operations after. */
const REL_TOL: Record<Precision, number> = { f64: 1e-14, f32: 2e-6 };

for (const p of PRECISIONS) {
  for (const spec of SPECS) {
    test(`${p} simd ${label(spec)}: forward and backward match an LSTM step built from src/activations (odd N, every lane position)`, () => {
      const backend = WasmBackend.create(p, 1 << 20);
      const N = 11;
      const s = makeStep(backend, N, 7);
      const zIn = Float64Array.from(s.z), cIn = Float64Array.from(s.c), dcIn = Float64Array.from(s.dc);
      runStep(backend.cell(spec), s, [0, N]);
      const act = CELL[spec.activation], dact = DCELL[spec.activation], gate = GATE[spec.gate], dgate = DGATE[spec.gate];
      const close = (got: number, want: number, what: string): void =>
        assert.ok(Math.abs(got - want) <= REL_TOL[p] * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
      const o = 4 * N;
      for (let j = 0; j < N; j++) {
        const zf = zIn[o + j], zi = zIn[o + N + j], zg = zIn[o + 2 * N + j], zo = zIn[o + 3 * N + j];
        const f = gate(zf), i = gate(zi), g = act(zg), og = gate(zo);
        const cn = f * cIn[N + j] + i * g;
        close(s.z[o + j], f, `f at ${j}`);
        close(s.z[o + 2 * N + j], g, `g at ${j}`);
        close(s.c[2 * N + j], cn, `c at ${j}`);
        close(s.tc[N + j], act(cn), `act(c) at ${j}`);
        close(s.h[2 * N + j], og * act(cn), `h at ${j}`);
        const dcv = dcIn[j] + s.dh[N + j] * og * dact(cn);
        const want = [dcv * cIn[N + j] * dgate(zf), dcv * g * dgate(zi), dcv * i * dact(zg), s.dh[N + j] * act(cn) * dgate(zo)];
        want.forEach((w, k) => close(s.dz[o + k * N + j], w, `dz gate ${k} at ${j}`));
        close(s.dc[j], dcv * f, `dc at ${j}`);
      }
    });

    test(`${p} simd ${label(spec)}: bit-identical whatever the neuron range is split into`, () => {
      const backend = WasmBackend.create(p, 1 << 20);
      const N = 19;
      const whole = makeStep(backend, N, 11);
      const parts = [[0, 1, 2, 3, 5, 8, 13, 19], [0, 7, 19], [0, 8, 16, 19], [0, 3, 4, 11, 18, 19]].map((splits) => ({ splits, s: copyStep(backend, whole) }));
      const k = backend.cell(spec);
      runStep(k, whole, [0, N]);
      for (const { splits, s } of parts) {
        runStep(k, s, splits);
        for (const name of ['z', 'c', 'h', 'tc', 'keep', 'dz', 'dc'] as const) {
          assert.deepEqual(s[name], whole[name], `${name} with splits ${splits.join(',')}`);
        }
      }
    });

    test(`${p} simd ${label(spec)}: gradient check through the engine (${p === 'f64' ? 'float64 finite differences at 1e-6' : 'float32 gradient against float64 finite differences'})`, () => {
      const shapes: [number, number, number, number][] = [[5, 1, 3, 4], [7, 3, 5, 12], [11, 2, 9, 10]];
      for (const [vocabSize, layers, neurons, steps] of shapes) {
        const what = `${layers}x${neurons} V=${vocabSize} T=${steps}`;
        const r = gradientCheck({ vocabSize, layers, neurons, cell: cellSpec(spec.activation, spec.gate, 'simd'), precision: p, steps, seed: 3, kernels: 'wasm' });
        // the scalar kernels' tolerances (test/lstm-core.test.ts)
        if (p === 'f64') assert.ok(r.maxRelError < 1e-6, `${what}: max rel error ${r.maxRelError} at ${r.worstIndex}`);
        else assert.ok(r.maxAbsError < 1e-4 * r.maxGradient, `${what}: max abs error ${r.maxAbsError} vs max gradient ${r.maxGradient}`);
      }
      if (p === 'f32') {
        // and the float32 criterion of the engine: loss and gradients track float64 on the same seed
        assertF32TracksF64({ vocabSize: 13, layers: 2, neurons: 12, cell: cellSpec(spec.activation, spec.gate, 'simd'), seed: 9, kernels: 'wasm' });
      }
    });
  }

  test(`${p} simd kernels against the scalar kernels, every cell and gate: within the activations' error; tanh/sigmoid backward ${p === 'f64' ? 'bit for bit' : 'to f32 rounding'} from the same forward`, () => {
    const backend = WasmBackend.create(p, 1 << 20);
    for (const spec of SPECS) {
      const { activation } = spec;
      const N = 13;
      const simd = makeStep(backend, N, 5), scalar = copyStep(backend, simd);
      runStep(backend.cell(spec), simd, [0, N]);
      runStep(cellKernels({ ...spec, impl: 'scalar' }), scalar, [0, N]);
      for (const name of ['z', 'c', 'h', 'tc', 'dz', 'dc'] as const) {
        for (let k = 0; k < simd[name].length; k++) {
          const a = simd[name][k], b = scalar[name][k];
          assert.ok(Math.abs(a - b) <= REL_TOL[p] * Math.max(1, Math.abs(b)), `${label(spec)} ${name}[${k}]: ${a} vs ${b}`);
        }
      }
      if (activation === 'tanh' && spec.gate === 'sigmoid') {
        // the backward reads the forward's outputs in the scalar kernel's operation order
        const again = copyStep(backend, scalar);
        backend.cell(cellSpec('tanh', 'sigmoid', 'simd')).backward(N, 1, again.z, again.c, again.tc, again.keep, again.dh, again.dc, again.dz, 0, N);
        const ref = copyStep(backend, scalar);
        cellKernels(cellSpec('tanh')).backward(N, 1, ref.z, ref.c, ref.tc, ref.keep, ref.dh, ref.dc, ref.dz, 0, N);
        if (p === 'f64') assert.deepEqual(again.dz, ref.dz);
        else for (let k = 0; k < ref.dz.length; k++) assert.ok(Math.abs(again.dz[k] - ref.dz[k]) <= 1e-6 * Math.max(1e-2, Math.abs(ref.dz[k])), `dz[${k}]: ${again.dz[k]} vs ${ref.dz[k]}`);
      }
    }
  });

  test(`${p} vectorized activations: 50-digit error table within the stated bounds (and the scalar formulas within 2 ulp where they do not cancel)`, () => {
    const rows = simdAccuracy(p, 600);
    assert.equal(rows.length, 8);
    const one = ulpAt(1, p);
    for (const r of rows) {
      assert.ok(r.points === accuracyPoints(600).length);
      if (r.impl === 'simd') {
        const bound = SIMD_ACCURACY_BOUNDS[p][r.function];
        if (bound.ulp !== undefined) assert.ok(r.maxUlpError <= bound.ulp, `${r.function}: ${r.maxUlpError} ulp at ${r.worstInput}`);
        if (bound.absUlpOfOne !== undefined) assert.ok(r.maxAbsError <= bound.absUlpOfOne * one, `${r.function}: ${r.maxAbsError} absolute`);
      } else if (r.function === 'tanh' || r.function === 'isru') {
        // the references themselves: libm's tanh and sqrt are accurate to about an ulp
        assert.ok(r.maxUlpError <= 2, `scalar ${r.function}: ${r.maxUlpError} ulp`);
      }
    }
    // a wrong measurement would not see the scalar sigmoid's overflow: 1/(1 + e^{726}) is 0, not 1e-315
    const scalarSigmoid = rows.find((r) => r.impl === 'scalar' && r.function === 'sigmoid')!;
    if (p === 'f64') assert.ok(scalarSigmoid.maxUlpError > 1e6);
  });

  test(`${p} vectorized activations at special values: ±0, saturation, NaN, underflow`, () => {
    const simd = new SimdActivations(p, 64);
    const [t0, tn0, tbig, tnbig, tnan] = simd.apply('tanh', [0, -0, 50, -50, NaN]);
    assert.ok(Object.is(t0, 0) && Object.is(tn0, -0), 'tanh(±0) = ±0');
    assert.equal(tbig, 1);
    assert.equal(tnbig, -1);
    assert.ok(Number.isNaN(tnan));
    const [s0, sbig, sneg, snan] = simd.apply('sigmoid', [0, 800, -800, NaN]);
    assert.equal(s0, 0.5);
    assert.equal(sbig, 1);
    assert.equal(sneg, 0);
    assert.ok(Number.isNaN(snan));
    if (p === 'f64') {
      // e^{−740} is subnormal: the two-factor scaling must keep it
      const [sub] = simd.apply('sigmoid', [-740]);
      assert.ok(sub > 0 && sub < 2.3e-308 && Math.abs(sub - Math.exp(-740)) <= 2 ** -1074 * 2, `${sub}`);
    }
  });
}

test('the js backend has no simd kernels; an unknown implementation is refused', () => {
  assert.throws(() => createBackend('f64', 'js').cell(cellSpec('tanh', 'sigmoid', 'simd')), /have only 'scalar'/);
  assert.throws(() => createLstm({ vocabSize: 5, layers: 1, neurons: 3, cell: cellSpec('tanh', 'sigmoid', 'simd'), precision: 'f64', kernels: 'js' }), /needs the WebAssembly kernels/);
  const backend = WasmBackend.create('f64', 1 << 16);
  assert.throws(() => backend.cell({ activation: 'tanh', gate: 'sigmoid', impl: 'vector' as 'simd' }), /unknown cell implementation/);
});

test('simd: two and three threads are bit-identical to one thread (losses, parameters), both strategies', async () => {
  const sample = loadCorpus(dataPath('sotu-sample.txt'));
  const identity = corpusIdentity(sample.source, sample.ids);
  const trainer = (layers: number, neurons: number, spec: CellSpec, precision: Precision): Trainer => {
    const net = new Lstm({ vocabSize: sample.vocab.length, layers, neurons, cell: cellSpec(spec.activation, spec.gate, 'simd'), precision, seed: 5, kernels: 'wasm' });
    return new Trainer(net, sample.vocab, identity, { window: 9, lr: 0.003, lrDecay: 0, clip: 1, clipMode: 'element', seed: 5 });
  };
  const cases: [number, number, CellSpec, Precision, 'rows' | 'gates', number][] = [
    [2, 13, cellSpec('isru', 'isru-sigmoid', 'simd'), 'f32', 'rows', 2],
    [1, 16, cellSpec('tanh', 'sigmoid', 'simd'), 'f64', 'rows', 2],
    [2, 21, cellSpec('tanh', 'isru-sigmoid', 'simd'), 'f64', 'rows', 3],
    [1, 18, cellSpec('isru', 'sigmoid', 'simd'), 'f32', 'gates', 2],
  ];
  for (const [L, N, spec, prec, strategy, threads] of cases) {
    const what = `${L}x${N} ${label(spec)} ${prec} ${strategy}/${threads}`;
    const st = trainer(L, N, spec, prec);
    const mt = trainer(L, N, spec, prec);
    await mt.start({ threads, strategy });
    try {
      for (let i = 0; i < 6; i++) {
        const a = st.step(), b = mt.step();
        assert.ok(Object.is(a, b), `${what}: loss at iteration ${i}: ${a} vs ${b}`);
      }
      assert.deepEqual(mt.net.params, st.net.params, `${what}: parameters`);
    } finally {
      await mt.close();
    }
  }
});
