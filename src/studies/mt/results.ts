/**
 * What the single- vs multi-thread sweep (./sweep.ts) leaves on disk, and its reader: in
 * results/mt/<machine>[/quick], progress-st.csv and progress-mt.csv (progress columns, every configuration
 * in each file), rebuilt from parts/<L>x<N>-i<it>-<st|mt>.csv, one complete file per configuration and mode.
 */
import { join } from 'node:path';
import { command } from '../../command-name';
import { machineSlug } from '../../io/machine';
import { readResults, ResultRow } from '../../io/results';
import { machineFolder, ResultsRoot, StudyCommands, sweepFolder } from '../../io/results-root';
import { STUDY_PROGRESS_COLUMNS } from '../../lstm/training-loop';

export interface MtConfig {
  layers: number;
  neurons: number;
}

export type MtMode = 'st' | 'mt';

/** A part's file name: configuration, iteration count and mode (a 1000-iteration run never resumes from 300-iteration parts). */
export function partName(c: MtConfig, iterations: number, mode: MtMode): string {
  return `${c.layers}x${c.neurons}-i${iterations}-${mode}.csv`;
}

/** The merged file of a mode. */
export const mtFileName = (mode: MtMode): string => `progress-${mode}.csv`;

/** Where the sweep writes: the full profile in results/mt/<machine>, the quick one in quick/ beneath (never over the full run). */
export function mtDir(quick: boolean, machine = machineSlug()): string {
  return sweepFolder('mt', quick, machine);
}

/** The sweep's command (shown by the notebook when results are missing). */
export const MT_SWEEP_COMMAND = command('sweep', 'mt');

export const MT_COMMANDS: StudyCommands = {
  what: 'multi-threading', full: MT_SWEEP_COMMAND, fullTime: 'about 10 minutes', quick: `${MT_SWEEP_COMMAND} --quick`, quickTime: 'about 15 seconds',
};

/** One root's two files, as rows; MissingResultsError when either is missing. */
export function readMtFiles(root: ResultsRoot): { st: ResultRow[]; mt: ResultRow[] } {
  const dir = machineFolder(root, 'mt');
  const source = { command: `${MT_SWEEP_COMMAND}${root.profile === 'quick' ? ' --quick' : ''}`, columns: [...STUDY_PROGRESS_COLUMNS] };
  return { st: readResults(join(dir, mtFileName('st')), source), mt: readResults(join(dir, mtFileName('mt')), source) };
}
