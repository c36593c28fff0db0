/** What a model file records about a network's shape and cell (./modelfile.ts writes it; no file I/O here). */
import type { Precision } from './buffers';
import { ACTIVATION_IMPLS, ACTIVATIONS, CellSpec, GATE_ACTIVATIONS, STUDY_CELL } from './cell-spec';

export interface ModelConfig {
  vocabSize: number;
  layers: number;
  neurons: number;
  cell: CellSpec;
  precision: Precision;
}

/**
 * The configuration as the file format writes it (see ./modelfile.ts), in its member order: the cell's
 * activation always, its gate and implementation only where they differ from the original study's, so a
 * file of the study's cell has the bytes it had before they existed.
 */
export interface ModelConfigRecord {
  vocabSize: number;
  layers: number;
  neurons: number;
  activation: CellSpec['activation'];
  precision: Precision;
  /** absent: 'sigmoid' */
  gate?: CellSpec['gate'];
  /** absent: 'scalar' */
  activationImpl?: CellSpec['impl'];
}

/** The record a file holds for a configuration. */
export function modelConfigRecord(c: ModelConfig): ModelConfigRecord {
  const { vocabSize, layers, neurons, precision, cell } = c;
  return {
    vocabSize, layers, neurons, activation: cell.activation, precision,
    ...(cell.gate !== STUDY_CELL.gate ? { gate: cell.gate } : {}),
    ...(cell.impl !== STUDY_CELL.impl ? { activationImpl: cell.impl } : {}),
  };
}

/** The configuration of a network, as a file records it (only the fields a file keeps). */
export function modelConfigOf(c: ModelConfig): ModelConfig {
  const { vocabSize, layers, neurons, precision, cell } = c;
  return { vocabSize, layers, neurons, precision, cell: { activation: cell.activation, gate: cell.gate, impl: cell.impl } };
}

/** A file's record as a configuration; the record field a value is wrong in, in the file's own words. */
export function modelConfigFromRecord(r: Readonly<Record<string, unknown>>): { config: ModelConfig } | { problem: string } {
  const gate = r.gate ?? STUDY_CELL.gate, impl = r.activationImpl ?? STUDY_CELL.impl;
  const choice = (field: string, v: unknown, allowed: readonly string[]): string | undefined =>
    allowed.includes(v as string) ? undefined : `${field} must be ${allowed.join(' or ')}, got ${String(v)}`;
  const problem = choice('activation', r.activation, ACTIVATIONS) ?? choice('gate', gate, GATE_ACTIVATIONS) ?? choice('activationImpl', impl, ACTIVATION_IMPLS);
  if (problem) return { problem };
  const cell = { activation: r.activation, gate, impl } as CellSpec;
  return { config: { vocabSize: r.vocabSize as number, layers: r.layers as number, neurons: r.neurons as number, precision: r.precision as Precision, cell } };
}
