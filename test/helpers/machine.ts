/**
 * The machine the notebook and JupyterLab tests pretend to be: a slug that names no results folder, so a
 * loader that reads "this machine's" results instead of the reference study finds nothing and the test
 * fails on any machine, not only on one whose CPU differs from the reference's.
 */
import { MACHINE_ENV } from '../../src/io/machine';

export const UNKNOWN_MACHINE = 'ci-unknown-2c';

export const unknownMachineEnv = (): NodeJS.ProcessEnv => ({ [MACHINE_ENV]: process.env[MACHINE_ENV] || UNKNOWN_MACHINE });
