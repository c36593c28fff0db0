/** Reads every results/bench file for the cross-machine comparison of ./analysis.ts (re-exported here for the notebooks). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resultsPath } from '../../io/paths';
import { readResults } from '../../io/results';
import { BenchMachine, benchMachineName, benchPoints } from './analysis';

export * from './analysis';

export const BENCH_COMMAND = 'npm run bench (or the page of npm run web)';
/** the columns a results/bench file must have */
export const BENCH_REQUIRED_COLUMNS = ['engine', 'layers', 'neurons', 'activation', 'precision', 'ms_per_iter', 'kernels', 'version'] as const;

/** Every results/bench file, sorted by machine name (a malformed file throws MissingResultsError). */
export function loadBenchResults(dir = resultsPath('bench')): BenchMachine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => {
    const points = benchPoints(readResults(join(dir, f), { command: BENCH_COMMAND, columns: BENCH_REQUIRED_COLUMNS }));
    const browser = points.some((p) => !p.version.startsWith('node '));
    return { machine: benchMachineName(f), browser, points };
  });
}

