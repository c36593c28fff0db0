/**
 * What the framework test's sweeps (./sweep.ts: `sweep framework` and `sweep framework-ops`) leave on
 * disk, and what its analysis (./analysis.ts) reads: the profiles, files, columns and commands.
 *
 *   full:  results/framework/<machine>.csv and ops-<machine>.csv   (parts: results/framework/parts/<machine>/)
 *   quick: results/framework/quick/<machine>.csv and ops-<machine>.csv  (git-ignored, rewritten by `npm start`)
 */
import { join } from 'node:path';
import { machineSlug } from '../../io/machine';
import { resultsPath } from '../../io/paths';
import { command } from '../../command-name';
import type { SplitSizes } from './mnist';
import { Backend, BACKENDS } from './names';
import type { ModelShape } from './train';

export interface FrameworkProfile extends ModelShape {
  split: SplitSizes;
  epochs: number;
  seeds: number[];
  backends: Backend[];
  /** profiled training steps per activation and backend (sweep framework-ops) */
  opsSteps: number;
}

/**
 * full: the original's 3 epochs and layout at 32 instead of 128 units, on 4000 training images (the
 * original: 60 000), 8 seeds × 2 backends; about 35–50 minutes on 2 shared cores, most of it the pure-JS
 * backend. quick (npm start, tests): 16 units, 1024 images, 2 epochs, one seed; well under a minute.
 */
export function frameworkProfile(quick: boolean): FrameworkProfile {
  const shape: ModelShape = { units: quick ? 16 : 32, denseUnits: 32, batchSize: 32, learningRate: 1e-3 };
  return quick
    ? { ...shape, split: { train: 2048, validation: 512, test: 512 }, epochs: 2, seeds: [1], backends: [...BACKENDS], opsSteps: 2 }
    : { ...shape, split: { train: 4000, validation: 1000, test: 1000 }, epochs: 3, seeds: [1, 2, 3, 4, 5, 6, 7, 8], backends: [...BACKENDS], opsSteps: 12 };
}

export const FRAMEWORK_COMMAND = command('sweep', 'framework');

export const FRAMEWORK_COLUMNS = [
  'backend', 'activation', 'seed', 'epoch',
  'train_loss', 'train_acc', 'val_loss', 'val_acc', 'test_loss', 'test_acc',
  'epoch_wall_s', 'epoch_cpu_s', 'order',
  'units', 'train_samples', 'val_samples', 'test_samples', 'batch_size', 'framework',
] as const;

export function frameworkDir(quick: boolean): string {
  return quick ? resultsPath('framework', 'quick') : resultsPath('framework');
}

/** The merged results file of a machine. */
export function frameworkCsv(quick: boolean, machine = machineSlug(), dir = frameworkDir(quick)): string {
  return join(dir, `${machine}.csv`);
}

export const FRAMEWORK_OPS_COMMAND = command('sweep', 'framework-ops');

export const FRAMEWORK_OPS_COLUMNS = ['backend', 'activation', 'kernel', 'calls_per_step', 'ms_per_step', 'step_cpu_ms', 'alone_cpu_ms', 'uses', 'steps', 'units', 'batch_size', 'framework'] as const;

/** The kernel profile of a machine: results/framework[/quick]/ops-<machine>.csv. */
export function frameworkOpsCsv(quick: boolean, machine = machineSlug(), dir = frameworkDir(quick)): string {
  return join(dir, `ops-${machine}.csv`);
}
