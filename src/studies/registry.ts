/**
 * The studies' sweep kinds, one line each: `lstm-opt sweep <kind>` offers exactly these. A study's
 * module exports its kind and nothing registers itself when imported, so loading an analysis or a chart
 * never loads a sweep. Adding a study: its folder under src/studies/ and one line here.
 */
import type { SweepKind } from '../sweep/sweep';
import { mergeSweep } from '../sweep/merge';
import { frameworkOpsSweep, frameworkSweep } from './framework-test/sweep';
import { mtSweep } from './mt/sweep';
import { netSizeSweep } from './net-size/sweep';
import { precisionSweep } from './precision/sweep';
import { verdictLongSweep, verdictSweep } from './verdict/sweep';
import { weatherSweep } from './weather/command';

/** Every kind, by name (the order of `lstm-opt sweep --help`). */
export const SWEEP_KINDS: readonly SweepKind[] = [
  netSizeSweep,
  mtSweep,
  precisionSweep,
  frameworkSweep,
  frameworkOpsSweep,
  verdictSweep,
  verdictLongSweep,
  weatherSweep,
  mergeSweep,
].sort((a, b) => a.name.localeCompare(b.name));

export function sweepKind(name: string): SweepKind | undefined {
  return SWEEP_KINDS.find((k) => k.name === name);
}
