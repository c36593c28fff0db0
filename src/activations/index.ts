/**
 * Activation functions with derivative, derivative through the output, antiderivative, metadata and
 * typed-array kernels. `activations.isru.f(x, alpha?)`, `activations.tanh.apply(out, x)`, ...
 */
import { tanh } from './tanh';
import { isru, isruSigmoid, isrlu } from './isru';
import { sigmoid, softplus } from './logistic';
import { softsign } from './softsign';
import { relu, leakyRelu, elu } from './relu';
import type { ActivationFunction } from './types';

export { ActivationFunction, ActivationMeta, FloatArray, Piece } from './types';
// a timing baseline beside the study's activations, not one of them (not in `activations`)
export { fastTanh, sigmoidViaTanh, FAST_TANH_CLAMP, FAST_TANH_P, FAST_TANH_Q } from './fast-tanh';
export { tanh, isru, isruSigmoid, isrlu, sigmoid, softplus, softsign, relu, leakyRelu, elu };

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

export { symbolicDerivative, symbolicFunction, compareWithSymbolic, SymbolicDerivative, DerivativeComparison } from './symbolic';
export { integrate, gaussKronrod15, IntegrateOptions } from './quadrature';
export {
  propertiesTable, propertiesOf, parityOf, valuesTable, checksTable, compareWithQuadrature, derivativeCheckPoints, grid,
  PROPERTY_COLUMNS, VALUE_COLUMNS, CHECK_COLUMNS, INTEGRAL_CHECK_INTERVALS, SATURATION_POINTS, PropertyRow, ValueRow, CheckRow,
} from './properties';
