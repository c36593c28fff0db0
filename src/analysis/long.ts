/**
 * Reading the long runs (notebook 05, the README answer): per function the progress file with the most
 * iterations and the text the trained network generated. The comparison of the two runs is
 * src/analysis/compare.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineSlug } from '../io/machine';
import { readFullElseQuick, readResults, ResultRow } from '../io/results';
import { STUDY_PROGRESS_COLUMNS } from '../lstm/training-loop';
import { LONG_COMMAND, LONG_FUNCS, longDir, longProfile, longProgressName, longSampleName } from '../experiments/long';

export { LONG_COMMAND, LONG_FUNCS, longProfile } from '../experiments/long';

export interface LongRun {
  func: string;
  iterations: number;
  rows: ResultRow[];
  /** generated text, if the sample file exists */
  sample?: string;
}

/**
 * The runs in a long-run folder: for each function the progress file with the most iterations. Throws
 * MissingResultsError (naming the command) when a function has none or its file is malformed.
 */
export function readLongRuns(dir: string, quick = false): Record<string, LongRun> {
  const command = `${LONG_COMMAND}${quick ? ' --quick' : ''}`;
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const out: Record<string, LongRun> = {};
  for (const func of LONG_FUNCS) {
    const its = names.map((n) => new RegExp(`^progress-${func}-(\\d+)\\.csv$`).exec(n)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1]));
    const iterations = its.length ? Math.max(...its) : longProfile(quick).iterations;
    const rows = readResults(join(dir, longProgressName(func, iterations)), { command, columns: STUDY_PROGRESS_COLUMNS });
    const sf = join(dir, longSampleName(func));
    out[func] = { func, iterations, rows, sample: existsSync(sf) ? readFileSync(sf, 'utf8').trimEnd() : undefined };
  }
  return out;
}

/**
 * The notebook's loader: this machine's full-profile runs, else the quick ones (`npm start`), else it
 * prints which command produces them and returns undefined.
 */
export function loadLongRuns(machine = machineSlug()): { dir: string; quick: boolean; runs: Record<string, LongRun> } | undefined {
  return readFullElseQuick(
    (quick) => {
      const dir = longDir(quick, machine);
      return { dir, quick, runs: readLongRuns(dir, quick) };
    },
    (err) => `No long-run results for ${machine}: run \`${LONG_COMMAND}\` (full) or \`${LONG_COMMAND} --quick\`. ${err.message}`,
  );
}
