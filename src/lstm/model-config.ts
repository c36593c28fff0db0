/** What a model file records about a network's shape and cell (./modelfile.ts writes it; no file I/O here). */
import type { Precision } from './buffers';
import { Activation, ActivationImpl, GateActivation, STUDY_VARIANT } from './cell';

export interface ModelConfig {
  vocabSize: number;
  layers: number;
  neurons: number;
  activation: Activation;
  precision: Precision;
  /** absent: 'sigmoid' (see the file format in ./modelfile.ts) */
  gate?: GateActivation;
  /** absent: 'scalar' */
  activationImpl?: ActivationImpl;
}

/**
 * The configuration a file records for a network: the cell's gate and implementation only where they
 * differ from the defaults, so a file of the original study's cell has the bytes it had before they existed.
 */
export function modelConfigOf(c: ModelConfig): ModelConfig {
  const { vocabSize, layers, neurons, activation, precision } = c;
  return {
    vocabSize, layers, neurons, activation, precision,
    ...(c.gate !== undefined && c.gate !== STUDY_VARIANT.gate ? { gate: c.gate } : {}),
    ...(c.activationImpl !== undefined && c.activationImpl !== STUDY_VARIANT.activationImpl ? { activationImpl: c.activationImpl } : {}),
  };
}
