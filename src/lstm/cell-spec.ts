/**
 * The vocabulary of a cell variant, defined once. A cell is a CellSpec: its cell activation (candidate g
 * and cell output), its gate activation (f, i, o) and the implementation of its point-wise loop. Each
 * activation, gate and implementation is one registry entry below; every name a variant goes by — the
 * flag value, the label on a chart or table, the part of a file name, the WebAssembly export, the colour
 * key of the chart palette — is derived from these entries, so adding an activation is one entry here
 * plus its kernels.
 *
 * The scalar formulas are source text, not functions: scripts/generate-cell-kernels.ts writes one
 * specialised kernel per activation × gate from them (./cell-kernels.ts), because an indirect call per
 * element in the point-wise loop costs measurably. `forward(x)` is the value; `slope(y, u)` the
 * derivative written in terms of the output y, as a product chain (it is multiplied onto the left
 * factors without parentheses, so its association is the kernels' arithmetic) with an optional
 * preamble that binds the temporary `u`.
 */

export interface ScalarFormula {
  forward: (x: string) => string;
  slope: (y: string, u: string) => { preamble?: string; chain: string };
}

export interface ActivationEntry {
  /** what tables, charts and the benchmark page call it */
  label: string;
  /** the name in the WebAssembly exports (cellForward_<cell>_<gate>) */
  kernelName: string;
  /** the key of its colour in the chart palette */
  colorKey: string;
  scalar: ScalarFormula;
}

/** The cell activations (candidate g and the cell output act(c)), in the order the study lists them. */
export const CELL_ACTIVATIONS = {
  tanh: {
    label: 'tanh', kernelName: 'tanh', colorKey: 'tanh',
    scalar: { forward: (x) => `Math.tanh(${x})`, slope: (y) => ({ chain: `(1 - ${y} * ${y})` }) },
  },
  isru: {
    label: 'ISRU', kernelName: 'isru', colorKey: 'isru',
    // isru' = (1 + x²)^{-3/2} = (1 - y²)^{3/2}
    scalar: { forward: (x) => `${x} / Math.sqrt(1 + ${x} * ${x})`, slope: (y, u) => ({ preamble: `const ${u} = 1 - ${y} * ${y};`, chain: `${u} * Math.sqrt(${u})` }) },
  },
} as const satisfies Record<string, ActivationEntry>;

/** The gate activations of f, i and o, in the study's order. */
export const GATE_ACTIVATION_ENTRIES = {
  sigmoid: {
    label: 'sigmoid', kernelName: 'sigmoid', colorKey: 'sigmoid',
    scalar: { forward: (x) => `1 / (1 + Math.exp(-${x}))`, slope: (y) => ({ chain: `${y} * (1 - ${y})` }) },
  },
  'isru-sigmoid': {
    label: 'ISRU-sigmoid', kernelName: 'isruSigmoid', colorKey: 'isruSigmoid',
    // (1 + isru(x/2))/2 = ½ + ½·x/sqrt(4 + x²); its slope 2·(y(1 - y))^{3/2}
    scalar: { forward: (x) => `0.5 + 0.5 * (${x} / Math.sqrt(4 + ${x} * ${x}))`, slope: (y, u) => ({ preamble: `const ${u} = ${y} * (1 - ${y});`, chain: `2 * ${u} * Math.sqrt(${u})` }) },
  },
} as const satisfies Record<string, ActivationEntry>;

export interface ImplEntry {
  /** the suffix of a label: '' for the reference, ' (SIMD)' for the vectorised kernels */
  labelSuffix: string;
}

/** 'scalar': one element at a time through Math (the reference); 'simd': WebAssembly SIMD vectors. */
export const IMPL_ENTRIES = {
  scalar: { labelSuffix: '' },
  simd: { labelSuffix: ' (SIMD)' },
} as const satisfies Record<string, ImplEntry>;

/** The cell activation: candidate g and the cell output act(c). */
export type Activation = keyof typeof CELL_ACTIVATIONS;
/** The gate activation of f, i and o. */
export type GateActivation = keyof typeof GATE_ACTIVATION_ENTRIES;
/** The implementation of the point-wise loop. */
export type ActivationImpl = keyof typeof IMPL_ENTRIES;

export const ACTIVATIONS = Object.keys(CELL_ACTIVATIONS) as readonly Activation[];
export const GATE_ACTIVATIONS = Object.keys(GATE_ACTIVATION_ENTRIES) as readonly GateActivation[];
export const ACTIVATION_IMPLS = Object.keys(IMPL_ENTRIES) as readonly ActivationImpl[];

export interface CellSpec {
  activation: Activation;
  gate: GateActivation;
  impl: ActivationImpl;
}

/** The original study's cell: what every file, flag and configuration that names only an activation means. */
export const STUDY_CELL: Readonly<CellSpec> = { activation: 'tanh', gate: 'sigmoid', impl: 'scalar' };

/** The spec of a cell activation with the study's gates and implementation unless given. */
export function cellSpec(activation: Activation, gate: GateActivation = STUDY_CELL.gate, impl: ActivationImpl = STUDY_CELL.impl): CellSpec {
  return { activation, gate, impl };
}

export function sameCell(a: CellSpec, b: CellSpec): boolean {
  return a.activation === b.activation && a.gate === b.gate && a.impl === b.impl;
}

/**
 * The named cells of the study (what the sweeps call a variant, with an implementation):
 *
 *   tanh      sigmoid gates, tanh cell        — the baseline
 *   isru      sigmoid gates, ISRU cell        — ISRU as a drop-in for tanh only
 *   all-isru  ISRU-sigmoid gates, ISRU cell   — every activation of the cell replaced
 */
export const NAMED_CELLS = [
  { name: 'tanh', activation: 'tanh', gate: 'sigmoid', label: 'tanh', colorKey: 'tanh', description: 'sigmoid gates, tanh cell' },
  { name: 'isru', activation: 'isru', gate: 'sigmoid', label: 'ISRU', colorKey: 'isru', description: 'sigmoid gates, ISRU cell' },
  { name: 'all-isru', activation: 'isru', gate: 'isru-sigmoid', label: 'all-ISRU', colorKey: 'allIsru', description: 'ISRU-sigmoid gates, ISRU cell' },
] as const satisfies readonly { name: string; activation: Activation; gate: GateActivation; label: string; colorKey: string; description: string }[];

export type NamedCell = (typeof NAMED_CELLS)[number];
export type CellName = NamedCell['name'];

/** The named cell of an activation and gate, or undefined when the study has no name for the pair. */
export function namedCellOf(spec: Pick<CellSpec, 'activation' | 'gate'>): NamedCell | undefined {
  return NAMED_CELLS.find((c) => c.activation === spec.activation && c.gate === spec.gate);
}

/**
 * How a spec is named in progress labels and gradcheck lines: the cell activation alone for the original
 * study's cell (sigmoid gates, scalar), so those names stay the study's ('tanh', 'isru'); otherwise the
 * parts that differ, joined by '+': 'isru+isru-sigmoid', 'tanh+simd', 'isru+isru-sigmoid+simd'.
 */
export function cellName(spec: CellSpec): string {
  const parts: string[] = [spec.activation];
  if (spec.gate !== STUDY_CELL.gate) parts.push(spec.gate);
  if (spec.impl !== STUDY_CELL.impl) parts.push(spec.impl);
  return parts.join('+');
}

/** The id of a named cell with an implementation, as result rows carry it: `all-isru/simd`. */
export function cellId(spec: CellSpec): string {
  const named = namedCellOf(spec);
  if (!named) throw new RangeError(`the ${spec.activation} cell with ${spec.gate} gates has no name in the study`);
  return `${named.name}/${spec.impl}`;
}

/** The file-name form of a cell id: `all-isru-simd`. */
export function cellSlug(spec: CellSpec): string {
  return idSlug(cellId(spec));
}

/** The file-name form of an id: its '/' as '-'. */
export const idSlug = (id: string): string => id.replace('/', '-');

/**
 * What tables, charts and the benchmark page call a cell: tanh, ISRU (the cell), all-ISRU (cell and
 * gates), "tanh, isru-sigmoid gates" for a pair the study does not name; " (SIMD)" when vectorised.
 */
export function cellLabel(spec: CellSpec): string {
  const named = namedCellOf(spec);
  const cell = named ? named.label : `${spec.activation}, ${spec.gate} gates`;
  const impl = IMPL_ENTRIES[spec.impl] as ImplEntry | undefined; // labels also name rows of files written elsewhere
  return cell + (impl ? impl.labelSuffix : ` (${String(spec.impl).toUpperCase()})`);
}

/** The export names of a spec's SIMD kernels: cellForward_<cell>_<gate>, cellBackward_<cell>_<gate>. */
export function simdKernelNames(spec: Pick<CellSpec, 'activation' | 'gate'>): { forward: string; backward: string } {
  const suffix = `${CELL_ACTIVATIONS[spec.activation].kernelName}_${GATE_ACTIVATION_ENTRIES[spec.gate].kernelName}`;
  return { forward: `cellForward_${suffix}`, backward: `cellBackward_${suffix}` };
}

/** The first problem of a would-be spec, naming the field it is about; undefined when it is a spec. */
export function cellSpecFieldProblem(c: Partial<Record<keyof CellSpec, unknown>>): { field: keyof CellSpec; message: string } | undefined {
  const check = (field: keyof CellSpec, allowed: readonly string[]): { field: keyof CellSpec; message: string } | undefined =>
    allowed.includes(c[field] as string) ? undefined : { field, message: `must be ${allowed.join(' or ')}, got ${String(c[field])}` };
  return check('activation', ACTIVATIONS) ?? check('gate', GATE_ACTIVATIONS) ?? check('impl', ACTIVATION_IMPLS);
}
