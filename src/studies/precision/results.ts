/**
 * What the float-vs-double sweep (./sweep.ts) leaves on disk, and what its analysis (./analysis.ts)
 * reads: the profiles, file names, columns and the command that makes them.
 *
 * Output (docs/ARCHITECTURE.md, "Contracts"): results/precision/<machine>[/quick]/
 *   progress-<f32|f64>-<L>x<N>.csv            tanh/scalar (the name the study's single pair always had)
 *   progress-<f32|f64>-<L>x<N>-<variant>.csv  every other variant, e.g. progress-f32-5x100-all-isru-simd.csv
 *   precision-<L>x<N>.json                    the job: load before/after, wall and CPU seconds, variants
 *                                             trained and skipped (and why)
 * Progress columns plus `variant` (the id, e.g. all-isru/simd); the loss with 12 significant digits.
 */
import { machineSlug } from '../../io/machine';
import { sweepFolder } from '../../io/results-root';
import type { Precision } from '../../lstm/buffers';
import { PROGRESS_COLUMNS } from '../../lstm/training-loop';
import { BASELINE_ID, variantSlug } from '../variants';
import { command } from '../../command-name';

export interface PrecisionProfile {
  layers: number;
  neurons: number;
  iterations: number;
  progressEvery: number;
}

/**
 * full: 5x100 as in the original, 10 000 iterations, 6 variants × 2 precisions = 12 runs interleaved.
 * At 5x100 every variant sits on the unigram plateau (≈ 2.95 nats/char) for its first 2 400 (all-ISRU)
 * to 7 000 (ISRU cell) iterations, where f32 and f64 agree to 1e-7 whatever the arithmetic; a shorter run
 * would compare some cells on the plateau alone. 10 000 iterations take every variant well past it
 * (final losses 1.97–2.10). Measured: 1 167 s of process CPU, 1 173 s wall for the 120 000 iterations
 * (≈ 9.7 ms of CPU per iteration) on one core of 2, the other busy with one training run: about 20
 * minutes. quick: 2x32, 200 iterations (seconds).
 */
export function precisionProfile(quick: boolean): PrecisionProfile {
  return quick ? { layers: 2, neurons: 32, iterations: 200, progressEvery: 20 } : { layers: 5, neurons: 100, iterations: 10000, progressEvery: 100 };
}

export const PRECISIONS: readonly Precision[] = ['f32', 'f64'];

/** The progress file of a variant in a precision: tanh/scalar keeps the study's name, others append their slug. */
export function precisionProgressName(p: string, layers: number, neurons: number, variantId: string = BASELINE_ID): string {
  return variantId === BASELINE_ID ? `progress-${p}-${layers}x${neurons}.csv` : `progress-${p}-${layers}x${neurons}-${variantSlug({ id: variantId })}.csv`;
}

/** The job's sidecar: load, wall and CPU seconds, variants. */
export const precisionJobName = (layers: number, neurons: number): string => `precision-${layers}x${neurons}.json`;

export function precisionDir(quick: boolean, machine = machineSlug()): string {
  return sweepFolder('precision', quick, machine);
}

export const PRECISION_COMMAND = command('sweep', 'precision');

/** The columns of a precision progress file: the progress columns, then the variant id. */
export const PRECISION_EXTRA_COLUMNS = ['variant'] as const;
export const PRECISION_COLUMNS: readonly string[] = [...PROGRESS_COLUMNS, ...PRECISION_EXTRA_COLUMNS];
