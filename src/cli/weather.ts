/**
 * `lstm-opt weather`: the weather-predictor sweep (src/experiments/weather.ts) — cells × {tanh, isru} ×
 * repeats on vega-datasets' seattle-weather.csv → results/weather/lstm-<machine>.csv (means), a
 * -repeats.csv beside it (one row per run) and baseline.csv (the naive forecast).
 *
 * --gate and --activation-impl choose the cell's gates and point-wise kernels (default: the study's
 * sigmoid and scalar); a variant's default file is lstm-<machine>+<variant>.csv (e.g. +isru-sigmoid),
 * so it never replaces the study's.
 *
 * Runs already measured with the same settings are skipped (an interrupted sweep resumes; --fresh
 * measures everything again). Ctrl-C stops after the current run with complete files (exit 130).
 * Everything is validated before any file is touched.
 */
import { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { machineSlug } from '../io/machine';
import { resultsPath } from '../io/paths';
import { FULL_PROFILE, parseCells, QUICK_PROFILE, runWeatherSweep, WeatherProfile } from '../experiments/weather';
import { parseShard, Shard } from '../experiments/sweep';
import { WeatherDataError } from '../weather/data';
import { WeatherDivergedError } from '../weather/train';
import { positiveInt, UserError } from '../errors';
import { prepareOutputFile } from '../io/places';
import { defaultKernels } from '../lstm/backend';
import { weatherMemoryProblem } from '../weather/limits';
import { activationImplOption, checkCellFlags, gateOption } from '../cell-flags';
import { ActivationImpl, cellName, GateActivation } from '../lstm/cell';

interface WeatherFlags {
  cells?: number[];
  repeats?: number;
  epochs?: number;
  out?: string;
  quick?: boolean;
  shard?: Shard;
  fresh?: boolean;
  data?: string;
  quiet?: boolean;
  gate: GateActivation;
  activationImpl: ActivationImpl;
}

function cellsFlag(value: string): number[] {
  const cells = parseCells(value);
  if (typeof cells === 'string') throw new UserError(cells);
  return cells;
}

export function registerWeather(program: Command): void {
  program
    .command('weather')
    .description('weather predictor: train/predict time and accuracy of tanh vs isru by number of cells (seattle-weather, rain tomorrow)')
    .option('--cells <list>', `comma-separated cell counts (default ${FULL_PROFILE.cells.join(',')}; --quick ${QUICK_PROFILE.cells.join(',')})`, cellsFlag)
    .option('--repeats <n>', `runs per cell count and activation, averaged (default ${FULL_PROFILE.repeats}; --quick ${QUICK_PROFILE.repeats})`, positiveInt('--repeats'))
    .option('--epochs <n>', `training epochs per run (default ${FULL_PROFILE.epochs})`, positiveInt('--epochs'))
    .option('--out <file>', 'averaged results CSV (default results/weather/lstm-<machine>[+<variant>].csv)')
    .option('--quick', 'small profile: a few cell counts, 2 repeats (seconds)')
    .option('--shard <i/n>', 'run only every n-th cell count, starting at the i-th (1-based)', parseShard)
    .option('--fresh', 'measure every run again instead of skipping runs already in the repeats file')
    .option('--data <file>', 'weather CSV with date,precipitation,temp_max,temp_min,wind (default: vega-datasets seattle-weather.csv)')
    .addOption(gateOption())
    .addOption(activationImplOption())
    .option('--quiet', 'no progress bar')
    .action(async (flags: WeatherFlags) => {
      process.exitCode = await weather(flags);
    });
}

async function weather(flags: WeatherFlags): Promise<number> {
  const base = flags.quick ? QUICK_PROFILE : FULL_PROFILE;
  const profile: WeatherProfile = { ...base, cells: flags.cells ?? base.cells, repeats: flags.repeats ?? base.repeats, epochs: flags.epochs ?? base.epochs };
  const shardSuffix = flags.shard ? `-shard-${flags.shard.index}of${flags.shard.count}` : '';
  const cell = { gate: flags.gate, activationImpl: flags.activationImpl };
  // the variant's name without the activation: '' for the study's cell, '+isru-sigmoid', '+simd', ...
  const variant = cellName({ activation: 'tanh', gate: cell.gate, impl: cell.activationImpl }).slice('tanh'.length);
  const out = flags.out ?? resultsPath('weather', `lstm-${machineSlug()}${variant}${shardSuffix}.csv`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`--out must be a file, but ${out} is a folder`);
  const parent = dirname(out);
  if (existsSync(parent) && !statSync(parent).isDirectory()) throw new UserError(`--out ${out}: ${parent} is not a folder`);
  if (flags.data !== undefined && !(existsSync(flags.data) && statSync(flags.data).isFile())) throw new UserError(`--data ${flags.data}: no such file`);
  const kernels = defaultKernels('f64');
  checkCellFlags(['tanh', 'isru'], cell);
  for (const cells of profile.cells) {
    const problem = weatherMemoryProblem(cells, profile.batch, profile.window, kernels);
    if (problem) throw new UserError(problem);
  }
  prepareOutputFile(out, '--out');

  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const t0 = Date.now();
  let result;
  try {
    result = await runWeatherSweep({
      profile, out, shard: flags.shard, fresh: flags.fresh, data: flags.data, quiet: flags.quiet, cell,
      onDropped: (rows) => {
        if (!flags.quiet) process.stderr.write(`lstm-opt weather: dropping ${rows} earlier run(s) measured with other settings\n`);
      },
      shouldStop: () => stop,
    });
  } catch (err) {
    if (err instanceof WeatherDataError) throw new UserError(err.message);
    if (err instanceof WeatherDivergedError) throw new UserError(err.message, 3);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.stopped) {
    process.stderr.write(`lstm-opt weather: interrupted after ${result.measured} of ${result.todo} run(s); ${rel(result.files.out)} holds every finished pair — rerun the same command to continue\n`);
    return 130;
  }
  const test = result.baseline.find((r) => r.Split === 'test');
  process.stdout.write(
    `weather: ${result.measured} run(s) measured, ${result.skipped} skipped, in ${secs} s; ${result.table.length} rows in ${rel(result.files.out)} ` +
      `(per run: ${rel(result.files.repeats)}; naive baseline ${test?.Accuracy}% on the test year: ${rel(result.files.baseline)})\n`,
  );
  return 0;
}
