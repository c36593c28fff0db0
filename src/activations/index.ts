/**
 * Activation functions with derivative, derivative through the output, antiderivative, metadata and
 * typed-array kernels. `activations.isru.f(x, alpha?)`, `activations.tanh.apply(out, x)`, ...
 */
import { tanh } from './tanh';
import { isru, isruSigmoid, isrlu } from './isru';
import { sigmoid, softplus } from './logistic';
import { softsign } from './softsign';
import { relu, leakyRelu, elu } from './relu';

export { ActivationFunction, ActivationMeta, FloatArray, Piece } from './types';
// a timing baseline beside the study's activations, not one of them (not in `activations`)
export { fastTanh, sigmoidViaTanh, FAST_TANH_CLAMP, FAST_TANH_P, FAST_TANH_Q } from './fast-tanh';
export { tanh, isru, isruSigmoid, isrlu, sigmoid, softplus, softsign, relu, leakyRelu, elu };

export { activations, ActivationName, activationNames, activationByName, defaultAlpha } from './by-name';

export { symbolicDerivative, symbolicFunction, compareWithSymbolic, SymbolicDerivative, DerivativeComparison } from './symbolic';
export { integrate, gaussKronrod15, IntegrateOptions } from './quadrature';
export {
  propertiesTable, propertiesOf, parityOf, valuesTable, checksTable, compareWithQuadrature, derivativeCheckPoints, grid,
  PROPERTY_COLUMNS, VALUE_COLUMNS, CHECK_COLUMNS, INTEGRAL_CHECK_INTERVALS, SATURATION_POINTS, PropertyRow, ValueRow, CheckRow,
} from './properties';
