/**
 * Reading the weather experiment's results for a notebook: the averaged table, the per-repeat rows and
 * the naive baseline of one machine. This machine's files are preferred; when they do not exist yet the
 * committed results of another machine are used (and named), so the notebook shows findings the moment
 * it is opened. When nothing usable exists it prints the command that produces it and returns undefined.
 */
import { existsSync, readdirSync } from 'node:fs';
import { machineSlug } from '../io/machine';
import { resultsPath } from '../io/paths';
import { ResultRow, tryReadResults } from '../io/results';
import { BASELINE_COLUMNS, REPEAT_COLUMNS, WEATHER_COLUMNS } from './experiment';

export interface WeatherResults {
  machine: string;
  /** this machine's results (false: another machine's, see `machine`) */
  local: boolean;
  table: ResultRow[];
  repeats: ResultRow[];
  baseline: ResultRow[];
  files: { table: string; repeats: string; baseline: string };
}

export const WEATHER_COMMAND = 'node bin/lstm-opt.js weather';

export function loadWeatherResults(machine = machineSlug(), dir = resultsPath('weather')): WeatherResults | undefined {
  let chosen = machine;
  const local = existsSync(`${dir}/lstm-${machine}.csv`);
  if (!local && existsSync(dir)) {
    const other = readdirSync(dir).map((f) => /^lstm-(.+)-repeats\.csv$/.exec(f)?.[1]).find((m) => m && !m.includes('-shard-') && existsSync(`${dir}/lstm-${m}.csv`));
    if (other) {
      console.log(`No weather results for this machine (${machine}) yet: showing ${other}'s. Run \`${WEATHER_COMMAND}\` for your own.`);
      chosen = other;
    }
  }
  const files = { table: `${dir}/lstm-${chosen}.csv`, repeats: `${dir}/lstm-${chosen}-repeats.csv`, baseline: `${dir}/baseline.csv` };
  const table = tryReadResults(files.table, { command: WEATHER_COMMAND, columns: WEATHER_COLUMNS });
  const repeats = table && tryReadResults(files.repeats, { command: WEATHER_COMMAND, columns: REPEAT_COLUMNS });
  const baseline = repeats && tryReadResults(files.baseline, { command: WEATHER_COMMAND, columns: BASELINE_COLUMNS });
  if (!table || !repeats || !baseline) return undefined;
  return { machine: chosen, local: chosen === machine, table, repeats, baseline, files };
}
