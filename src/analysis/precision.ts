/**
 * Reading the float vs double runs (notebook 07, the README answer): both progress files of a precision
 * folder. The comparison of the two runs is src/analysis/compare.ts.
 */
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { readFullElseQuick, readResults, ResultRow } from '../io/results';
import type { Precision } from '../lstm/buffers';
import { STUDY_PROGRESS_COLUMNS } from '../lstm/training-loop';
import { PRECISION_COMMAND, precisionDir, precisionProfile, precisionProgressName } from '../experiments/precision';

export { PRECISION_COMMAND, PRECISIONS, precisionProfile } from '../experiments/precision';

/** Both runs of a precision folder, keyed f32/f64; MissingResultsError (with the command) otherwise. */
export function readPrecisionRuns(dir: string, quick = false): Record<Precision, ResultRow[]> {
  const p = precisionProfile(quick);
  const command = `${PRECISION_COMMAND}${quick ? ' --quick' : ''}`;
  const read = (x: Precision): ResultRow[] => readResults(join(dir, precisionProgressName(x, p.layers, p.neurons)), { command, columns: STUDY_PROGRESS_COLUMNS });
  return { f32: read('f32'), f64: read('f64') };
}

/** The notebook's loader: full-profile runs, else quick ones, else prints the command and returns undefined. */
export function loadPrecisionRuns(machine = machineSlug()): { dir: string; quick: boolean; runs: Record<Precision, ResultRow[]> } | undefined {
  return readFullElseQuick(
    (quick) => {
      const dir = precisionDir(quick, machine);
      return { dir, quick, runs: readPrecisionRuns(dir, quick) };
    },
    (err) => `No float vs double results for ${machine}: run \`${PRECISION_COMMAND}\` (full) or \`${PRECISION_COMMAND} --quick\`. ${err.message}`,
  );
}
