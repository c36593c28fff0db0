/**
 * The names the framework test is parameterised by, in a module that does not load TensorFlow.js: the
 * command line parses and lists them without paying tfjs's start-up (or its global side effects) for
 * every `lstm-opt` command.
 */
export type Backend = 'cpu' | 'wasm';
export const BACKENDS: readonly Backend[] = ['cpu', 'wasm'];

export type FrameworkActivation = 'tanh' | 'isru';
export const FRAMEWORK_ACTIVATIONS: readonly FrameworkActivation[] = ['tanh', 'isru'];
