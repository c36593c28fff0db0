import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activations } from '../src/activations';
import { cellKernels } from '../src/lstm/cell';
import {
  ACTIVATION_IMPLS, ACTIVATIONS, cellId, cellLabel, cellSlug, CellSpec, cellSpecFieldProblem, GATE_ACTIVATIONS, NAMED_CELLS, simdKernelNames,
} from '../src/lstm/cell-spec';
import { renderScalarCellKernels, scalarKernelNames } from '../src/lstm/cell-kernel-template';
import { allVariants, parseVariantId, variantSlug } from '../src/studies/variants';
import { netSizeVariantFile } from '../src/studies/net-size/results';
import { precisionProgressName } from '../src/studies/precision/results';
import { configFieldProblems } from '../src/lstm/network';
import { problemInFlags } from '../src/cell-flags';

const every = (): CellSpec[] => ACTIVATIONS.flatMap((activation) => GATE_ACTIVATIONS.flatMap((gate) => ACTIVATION_IMPLS.map((impl) => ({ activation, gate, impl }))));

test('the names of a variant all derive from the registry: id, file slug, label, kernel exports', () => {
  assert.deepEqual(allVariants().map((v) => v.id), NAMED_CELLS.flatMap((c) => ACTIVATION_IMPLS.map((impl) => `${c.name}/${impl}`)));
  for (const v of allVariants()) {
    assert.equal(cellId(v.spec), v.id);
    assert.equal(cellSlug(v.spec), variantSlug(v));
    assert.equal(parseVariantId(v.id)?.spec.gate, v.spec.gate);
  }
  assert.deepEqual(allVariants().map((v) => cellLabel(v.spec)), ['tanh', 'tanh (SIMD)', 'ISRU', 'ISRU (SIMD)', 'all-ISRU', 'all-ISRU (SIMD)']);
  assert.equal(cellLabel({ activation: 'tanh', gate: 'isru-sigmoid', impl: 'scalar' }), 'tanh, isru-sigmoid gates');
  assert.throws(() => cellId({ activation: 'tanh', gate: 'isru-sigmoid', impl: 'scalar' }), /no name in the study/);
  assert.deepEqual(simdKernelNames({ activation: 'isru', gate: 'isru-sigmoid' }), { forward: 'cellForward_isru_isruSigmoid', backward: 'cellBackward_isru_isruSigmoid' });
});

test("results keep their file names: the study's runs their own, the other variants their slug", () => {
  const v = (id: string) => parseVariantId(id)!;
  assert.equal(netSizeVariantFile({ layers: 2, neurons: 64 }, v('tanh/scalar')), 'progress_2x64_tanh.csv');
  assert.equal(netSizeVariantFile({ layers: 2, neurons: 64 }, v('isru/scalar')), 'progress_2x64_isru.csv');
  assert.equal(netSizeVariantFile({ layers: 2, neurons: 64 }, v('all-isru/simd')), 'progress_2x64_all-isru-simd.csv');
  assert.equal(precisionProgressName('f32', 5, 100), 'progress-f32-5x100.csv');
  assert.equal(precisionProgressName('f32', 5, 100, 'isru/simd'), 'progress-f32-5x100-isru-simd.csv');
});

test('the template renders one forward and one backward per registered activation × gate, and nothing else', () => {
  const source = renderScalarCellKernels();
  const exported = [...source.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort();
  const expected = ACTIVATIONS.flatMap((a) => GATE_ACTIVATIONS.flatMap((g) => Object.values(scalarKernelNames(a, g)))).sort();
  assert.deepEqual(exported, expected);
  assert.ok(exported.includes('cellForwardTanh') && exported.includes('cellBackwardIsruIsruSigmoid'), 'the study\'s kernel names are kept');
});

test('every scalar cell computes its gates and cell output with the activations of src/activations', () => {
  const gateF = { sigmoid: (x: number) => activations.sigmoid.f(x), 'isru-sigmoid': (x: number) => activations.isruSigmoid.f(x) };
  const cellF = { tanh: (x: number) => activations.tanh.f(x), isru: (x: number) => activations.isru.f(x) };
  for (const spec of every().filter((s) => s.impl === 'scalar')) {
    const N = 3;
    const pre = [0.3, -1.2, 2.5, -0.7, 1.1, 0.05, -2.2, 0.9, 1.7, -0.4, 0.6, -3.1];
    const z = Float64Array.from(pre), c = Float64Array.from([0.5, -0.25, 1.5, 0, 0, 0]), h = new Float64Array(2 * N), tc = new Float64Array(N);
    cellKernels(spec).forward(N, 0, z, c, h, tc, new Float64Array(5 * N), 0, N);
    for (let j = 0; j < N; j++) {
      const f = gateF[spec.gate](pre[j]), i = gateF[spec.gate](pre[N + j]), g = cellF[spec.activation](pre[2 * N + j]), o = gateF[spec.gate](pre[3 * N + j]);
      const cv = f * c[j] + i * g;
      const what = `${spec.activation}/${spec.gate} neuron ${j}`;
      assert.ok(Math.abs(c[N + j] - cv) < 1e-14, `${what}: cell state ${c[N + j]} vs ${cv}`);
      assert.ok(Math.abs(h[N + j] - o * cellF[spec.activation](cv)) < 1e-14, `${what}: output`);
    }
  }
});

test("a configuration's problems name their field, and the command line says them in its flags", () => {
  const [p] = configFieldProblems({ vocabSize: 5, layers: 1, neurons: 2, cell: { activation: 'tanh', gate: 'relu' as never, impl: 'scalar' }, precision: 'f64' });
  assert.equal(p.field, 'cell.gate');
  assert.equal(problemInFlags(p), `--gate must be sigmoid or isru-sigmoid, got relu`);
  assert.deepEqual(cellSpecFieldProblem({ activation: 'isru', gate: 'sigmoid', impl: 'avx' }), { field: 'impl', message: 'must be scalar or simd, got avx' });
  const [v] = configFieldProblems({ vocabSize: 1, layers: 1, neurons: 2, precision: 'f64' });
  assert.equal(problemInFlags(v, { vocabSize: '--vocab' }), '--vocab must be an integer in [2, 65536], got 1');
});
