/**
 * The variants of the verdict, defined once: which activations a network runs (cell and gates) and with
 * which point-wise implementation. Every verdict experiment iterates over these, and every result row
 * names its variant (`<name>/<impl>`, e.g. `all-isru/simd`).
 *
 *   tanh      sigmoid gates, tanh cell        — the baseline
 *   isru      sigmoid gates, ISRU cell        — ISRU as a drop-in for tanh only
 *   all-isru  ISRU-sigmoid gates, ISRU cell   — every activation of the cell replaced
 *
 * each with 'scalar' (Math.tanh / Math.exp per element) and 'simd' (vectorised kernels) activations. A
 * variant whose kernels this build lacks is skipped with the reason (variantProblem), not faked.
 */
import type { Activation, ActivationImpl, GateActivation } from '../lstm/cell';
import type { Precision } from '../lstm/buffers';
import { Lstm, LstmConfig } from '../lstm/network';

export type VariantName = 'tanh' | 'isru' | 'all-isru';

export interface VariantDef {
  name: VariantName;
  activation: Activation;
  gate: GateActivation;
  /** one line for tables and charts */
  description: string;
}

export const VARIANT_DEFS: readonly VariantDef[] = [
  { name: 'tanh', activation: 'tanh', gate: 'sigmoid', description: 'sigmoid gates, tanh cell' },
  { name: 'isru', activation: 'isru', gate: 'sigmoid', description: 'sigmoid gates, ISRU cell' },
  { name: 'all-isru', activation: 'isru', gate: 'isru-sigmoid', description: 'ISRU-sigmoid gates, ISRU cell' },
];

export const VARIANT_IMPLS: readonly ActivationImpl[] = ['scalar', 'simd'];

/** A variant with its implementation: one kind of run. */
export interface Variant {
  name: VariantName;
  impl: ActivationImpl;
  /** `<name>/<impl>`: the key in file names (with '/' as '-') and in result rows */
  id: string;
  def: VariantDef;
}

/** The baseline every saving and loss difference is measured against. */
export const BASELINE_ID = 'tanh/scalar';

export function variant(name: VariantName, impl: ActivationImpl): Variant {
  const def = VARIANT_DEFS.find((d) => d.name === name);
  if (!def) throw new RangeError(`unknown variant '${String(name)}' (known: ${VARIANT_DEFS.map((d) => d.name).join(', ')})`);
  return { name, impl, id: `${name}/${impl}`, def };
}

/** All variants × implementations, variant-major (tanh/scalar first: the baseline). */
export function allVariants(): Variant[] {
  return VARIANT_DEFS.flatMap((d) => VARIANT_IMPLS.map((impl) => variant(d.name, impl)));
}

/** A variant id's position in the canonical order (the baseline first; anything else last), for sorting. */
export function variantRank(id: string | number): number {
  const k = allVariants().findIndex((v) => v.id === id);
  return k < 0 ? VARIANT_DEFS.length * VARIANT_IMPLS.length : k;
}

/** Parses a variant id `<name>/<impl>`; undefined when it is not one. */
export function parseVariantId(id: string): Variant | undefined {
  const [name, impl] = id.split('/');
  if (!VARIANT_DEFS.some((d) => d.name === name) || !VARIANT_IMPLS.includes(impl as ActivationImpl)) return undefined;
  return variant(name as VariantName, impl as ActivationImpl);
}

/** The file-name form of a variant id: `all-isru-simd`. */
export const variantSlug = (v: Pick<Variant, 'id'>): string => v.id.replace('/', '-');

/** The LstmConfig fields that make a network this variant. */
export function variantConfig(v: Variant): Pick<LstmConfig, 'activation' | 'gate' | 'activationImpl'> {
  return { activation: v.def.activation, gate: v.def.gate, activationImpl: v.impl };
}

/**
 * Why this build cannot run the variant (its kernels are missing for this precision and backend), or
 * undefined when it can: a one-neuron network is built and asked for its cell kernels, which is exactly
 * what a real run does first.
 */
export function variantProblem(v: Variant, precision: Precision = 'f64'): string | undefined {
  try {
    new Lstm({ vocabSize: 2, layers: 1, neurons: 1, precision, ...variantConfig(v) }).workspace(1);
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
