/**
 * The one template of the scalar cell kernels (the arithmetic of ./cell.ts's header comment), rendered
 * once per cell activation × gate activation of the registry (./cell-spec.ts) into the TypeScript of
 * ./cell-kernels.ts by scripts/generate-cell-kernels.ts. Each pair gets a function of its own, with the
 * formulas written into the loop: V8 then compiles every kernel for its own arithmetic, which one
 * function taking the activations as arguments would not be.
 *
 * The forward and backward of every pair are the same loop; only the activations' formulas differ.
 * Their expressions keep the kernels' association exactly (the engine's reference fixture pins every bit).
 */
import { Activation, CELL_ACTIVATIONS, GATE_ACTIVATION_ENTRIES, GateActivation, ScalarFormula } from './cell-spec';

const pascal = (name: string): string => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/** The kernel names of a pair: cellForwardTanh, cellBackwardIsruIsruSigmoid (the study's gates unnamed). */
export function scalarKernelNames(activation: Activation, gate: GateActivation): { forward: string; backward: string } {
  const suffix = pascal(activation) + (gate === 'sigmoid' ? '' : pascal(gate));
  return { forward: `cellForward${suffix}`, backward: `cellBackward${suffix}` };
}

function forwardSource(name: string, cell: ScalarFormula, gate: ScalarFormula): string {
  return `export function ${name}(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = ${gate.forward('xf')};
    const i = ${gate.forward('xi')};
    const g = ${cell.forward('xg')};
    const o = ${gate.forward('xo')};
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = ${cell.forward('cv')};
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}
`;
}

function backwardSource(name: string, cell: ScalarFormula, gate: ScalarFormula): string {
  const sy = cell.slope('y', 'uy'), sg = cell.slope('g', 'ug');
  const sf = gate.slope('f', 'uf'), si = gate.slope('i', 'ui'), so = gate.slope('o', 'uo');
  const preambles = (...s: { preamble?: string }[]): string => s.filter((x) => x.preamble).map((x) => `    ${x.preamble}\n`).join('');
  return `export function ${name}(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
${preambles(sy, sg, sf, si, so)}    const dcv = dc[j] + d * o * ${sy.chain};
    dz[zf + j] = dcv * c[row + j] * ${sf.chain};
    dz[zi + j] = dcv * g * ${si.chain};
    dz[zg + j] = dcv * i * ${sg.chain};
    dz[zo + j] = d * y * ${so.chain};
    dc[j] = dcv * f;
  }
}
`;
}

/** The whole of ./cell-kernels.ts: every pair's forward and backward, and the table cellKernels reads. */
export function renderScalarCellKernels(): string {
  const activations = Object.keys(CELL_ACTIVATIONS) as Activation[];
  const gates = Object.keys(GATE_ACTIVATION_ENTRIES) as GateActivation[];
  const parts: string[] = [
    '/**\n * The scalar cell kernels, one per cell activation × gate activation. Generated from ./cell-kernel-template.ts\n' +
      ' * and the registry ./cell-spec.ts by scripts/generate-cell-kernels.ts at `npm run build`: edit those, not this\n' +
      ' * file (it is not committed).\n */\n' +
      "import type { Float } from './buffers';\nimport type { CellKernels } from './cell-kernel-types';\nimport type { Activation, GateActivation } from './cell-spec';\n",
  ];
  for (const a of activations) {
    for (const g of gates) {
      const names = scalarKernelNames(a, g);
      parts.push(forwardSource(names.forward, CELL_ACTIVATIONS[a].scalar, GATE_ACTIVATION_ENTRIES[g].scalar));
      parts.push(backwardSource(names.backward, CELL_ACTIVATIONS[a].scalar, GATE_ACTIVATION_ENTRIES[g].scalar));
    }
  }
  const rows = activations.map((a) => `  ${quoteKey(a)}: {\n${gates.map((g) => {
    const n = scalarKernelNames(a, g);
    return `    ${quoteKey(g)}: { forward: ${n.forward}, backward: ${n.backward} },\n`;
  }).join('')}  },\n`).join('');
  parts.push(`export const SCALAR_CELL_KERNELS: Record<Activation, Record<GateActivation, CellKernels>> = {\n${rows}};\n`);
  return parts.join('\n');
}

const quoteKey = (k: string): string => (/^[A-Za-z_]\w*$/.test(k) ? k : `'${k}'`);
