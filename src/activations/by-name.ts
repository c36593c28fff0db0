/**
 * Every activation by name: the list the tables, charts and flags go through. Apart from ./index.ts so
 * that the modules ./index.ts re-exports (./properties.ts) can use it without importing their importer.
 */
import { tanh } from './tanh';
import { isru, isruSigmoid, isrlu } from './isru';
import { sigmoid, softplus } from './logistic';
import { softsign } from './softsign';
import { relu, leakyRelu, elu } from './relu';
import type { ActivationFunction } from './types';

/** Every activation by name, in the order tables and legends list them. */
export const activations = {
  tanh,
  isru,
  softplus,
  sigmoid,
  isruSigmoid,
  softsign,
  relu,
  leakyRelu,
  elu,
  isrlu,
} as const satisfies Record<string, ActivationFunction>;

export type ActivationName = keyof typeof activations;

export const activationNames = Object.keys(activations) as ActivationName[];

/** The activation called `name`, or a RangeError listing the known names. */
export function activationByName(name: string): ActivationFunction {
  const a = (activations as Record<string, ActivationFunction>)[name];
  if (!a) throw new RangeError(`unknown activation '${name}' (known: ${activationNames.join(', ')})`);
  return a;
}

/** The parameter value used when none is given (undefined for functions without a parameter). */
export function defaultAlpha(a: ActivationFunction): number | undefined {
  return a.meta.parameter?.default;
}
