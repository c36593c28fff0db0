/**
 * The variants of the sweeps: the study's named cells (../lstm/cell-spec.ts NAMED_CELLS: tanh, isru,
 * all-isru), each with 'scalar' (Math.tanh / Math.exp per element) and 'simd' (vectorised kernels)
 * activations. Every verdict experiment iterates over these, and every result row names its variant by
 * its id (`<name>/<impl>`, e.g. `all-isru/simd`). A variant whose kernels this build lacks is skipped
 * with the reason (variantProblem), not faked.
 */
import type { Precision } from '../lstm/buffers';
import { ACTIVATION_IMPLS, ActivationImpl, CellName, cellId, CellSpec, idSlug, NAMED_CELLS } from '../lstm/cell-spec';
import { Lstm } from '../lstm/network';

export type VariantName = CellName;

export const VARIANT_IMPLS: readonly ActivationImpl[] = ACTIVATION_IMPLS;

/** A named cell with its implementation: one kind of run. */
export interface Variant {
  name: VariantName;
  impl: ActivationImpl;
  /** `<name>/<impl>`: the key in file names (with '/' as '-') and in result rows */
  id: string;
  /** the cell this variant runs */
  spec: CellSpec;
  /** one line for tables and charts */
  description: string;
}

/** The baseline every saving and loss difference is measured against. */
export const BASELINE_ID = 'tanh/scalar';

export function variant(name: VariantName, impl: ActivationImpl): Variant {
  const cell = NAMED_CELLS.find((d) => d.name === name);
  if (!cell) throw new RangeError(`unknown variant '${String(name)}' (known: ${NAMED_CELLS.map((d) => d.name).join(', ')})`);
  const spec: CellSpec = { activation: cell.activation, gate: cell.gate, impl };
  return { name, impl, id: cellId(spec), spec, description: cell.description };
}

/** All variants × implementations, variant-major (tanh/scalar first: the baseline). */
export function allVariants(): Variant[] {
  return NAMED_CELLS.flatMap((d) => VARIANT_IMPLS.map((impl) => variant(d.name, impl)));
}

/** A variant id's position in the canonical order (the baseline first; anything else last), for sorting. */
export function variantRank(id: string | number): number {
  const k = allVariants().findIndex((v) => v.id === id);
  return k < 0 ? NAMED_CELLS.length * VARIANT_IMPLS.length : k;
}

/** Parses a variant id `<name>/<impl>`; undefined when it is not one. */
export function parseVariantId(id: string): Variant | undefined {
  const [name, impl] = id.split('/');
  if (!NAMED_CELLS.some((d) => d.name === name) || !VARIANT_IMPLS.includes(impl as ActivationImpl)) return undefined;
  return variant(name as VariantName, impl as ActivationImpl);
}

/** The file-name form of a variant id: `all-isru-simd` (../lstm/cell-spec.ts cellSlug, from the id alone). */
export const variantSlug = (v: Pick<Variant, 'id'>): string => idSlug(v.id);

/** The variant of a cell, when the study names it. */
export function variantOfCell(spec: CellSpec): Variant | undefined {
  return allVariants().find((v) => v.spec.activation === spec.activation && v.spec.gate === spec.gate && v.impl === spec.impl);
}

/**
 * Why this build cannot run the variant (its kernels are missing for this precision and backend), or
 * undefined when it can: a one-neuron network is built and asked for its cell kernels, which is exactly
 * what a real run does first.
 */
export function variantProblem(v: Variant, precision: Precision = 'f64'): string | undefined {
  try {
    new Lstm({ vocabSize: 2, layers: 1, neurons: 1, precision, cell: v.spec }).workspace(1);
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/** The variants this build runs, and the skipped ones with their reasons. */
export function availableVariants(wanted: readonly Variant[], precision: Precision = 'f64'): { run: Variant[]; skipped: { variant: Variant; reason: string }[] } {
  const run: Variant[] = [];
  const skipped: { variant: Variant; reason: string }[] = [];
  for (const v of wanted) {
    const reason = variantProblem(v, precision);
    if (reason === undefined) run.push(v);
    else skipped.push({ variant: v, reason });
  }
  return { run, skipped };
}
