/**
 * `lstm-opt weather`: the weather-predictor sweep (src/studies/weather/sweep.ts) — cells × variants ×
 * repeats on vega-datasets' seattle-weather.csv → results/weather/lstm-<machine>.csv (means; --quick:
 * results/weather/quick/), a -repeats.csv beside it (one row per run) and baseline.csv (the naive forecast).
 *
 * The same sweep is `lstm-opt sweep weather` (registered here, beside its command; --out is a folder there).
 * --variants chooses among the verdict's variants (default all six; parsed like `sweep verdict`'s);
 * --wait-idle waits for an idle machine before each group of runs, as the verdict sweep does.
 *
 * Groups already measured with the same settings are skipped (an interrupted sweep resumes; --fresh
 * measures everything again). Ctrl-C stops after the current run with complete files (exit 130).
 * Everything is validated before any file is touched.
 */
import { listenForStop, signalExitCode } from '../../io/stop-signals';
import { Command, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { machineSlug } from '../../io/machine';
import { resultsPath } from '../../io/paths';
import { FULL_PROFILE, parseCells, QUICK_PROFILE, runWeatherSweep, WeatherProfile } from './sweep';
import { variantSweepOptions } from '../verdict/sweep';
import type { Variant } from '../variants';
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from '../../io/load';
import { parseShard, Shard, SweepKind, SweepOptions } from '../../sweep/sweep';
import { WeatherDataError } from './data';
import { WeatherDivergedError } from './train';
import { positiveInt, UserError } from '../../errors';
import { prepareOutputFile } from '../../io/places';
import { defaultKernels } from '../../lstm/backend-select';
import { weatherMemoryProblem } from './limits';
import { command } from '../../command-name';

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
  variants?: Variant[];
  waitIdle?: number;
  waitTimeout?: number;
}

function cellsFlag(value: string): number[] {
  const cells = parseCells(value);
  if (typeof cells === 'string') throw new UserError(cells);
  return cells;
}

/** The options only the weather sweep has, shared by `lstm-opt weather` and `lstm-opt sweep weather`. */
function weatherOptions(): Option[] {
  return [
    new Option('--cells <list>', `comma-separated cell counts (default ${FULL_PROFILE.cells.join(',')}; --quick ${QUICK_PROFILE.cells.join(',')})`).argParser(cellsFlag),
    new Option('--repeats <n>', `runs per cell count and variant, averaged (default ${FULL_PROFILE.repeats}; --quick ${QUICK_PROFILE.repeats})`).argParser(positiveInt('--repeats')),
    new Option('--epochs <n>', `training epochs per run (default ${FULL_PROFILE.epochs})`).argParser(positiveInt('--epochs')),
    new Option('--fresh', 'measure every run again instead of skipping runs already in the repeats file'),
    new Option('--data <file>', 'weather CSV with date,precipitation,temp_max,temp_min,wind (default: vega-datasets seattle-weather.csv)'),
    ...variantSweepOptions(), // a job here is one group: a cell count's runs of every variant
  ];
}

export function registerWeather(program: Command): void {
  const cmd = program
    .command('weather')
    .description('weather predictor: train/predict time and accuracy of every variant (tanh, isru, all-isru × scalar/simd) by number of cells (seattle-weather, rain tomorrow)')
    .option('--out <file.csv>', 'averaged results CSV; the per-run file goes beside it as <stem>-repeats.csv (default results/weather/lstm-<machine>.csv; --quick results/weather/quick/lstm-<machine>.csv)')
    .option('--quick', 'small profile: a few cell counts, 2 repeats (seconds)')
    .option('--shard <i/n>', 'run only every n-th cell count, starting at the i-th (1-based)', parseShard)
    .option('--quiet', 'no progress bar');
  for (const o of weatherOptions()) cmd.addOption(o);
  cmd.action(async (flags: WeatherFlags) => {
    process.exitCode = await weather(flags);
  });
}

/**
 * `lstm-opt sweep weather`: the same sweep under the common sweep command, for scripts that run every
 * sweep alike (shards on a CI matrix); --out names a folder there, which gets lstm-<machine>.csv.
 */
export const weatherSweep: SweepKind = {
  name: 'weather',
  description: `weather predictor: cells × variants × repeats, paired (results/weather; as \`${command('weather')}\`)`,
  options: weatherOptions(),
  async run(o: SweepOptions): Promise<string> {
    if (o.iterations !== undefined) throw new UserError("sweep weather trains for a number of epochs: use --epochs, not --iterations");
    if (o.corpus !== undefined) throw new UserError('sweep weather reads weather data: use --data, not --corpus');
    const out = o.out === undefined ? undefined : join(o.out, defaultWeatherFile(o.shard));
    const x = o.extra as Partial<WeatherFlags>;
    process.exitCode = await weather({ ...x, quick: o.quick, shard: o.shard, out, quiet: o.quiet });
    return dirname(out ?? defaultWeatherOut(o.quick, o.shard));
  },
};

/** lstm-<machine>[-shard-<i>of<n>].csv */
const defaultWeatherFile = (shard?: Shard): string => `lstm-${machineSlug()}${shard ? `-shard-${shard.index}of${shard.count}` : ''}.csv`;

/** Where a sweep writes without --out: results/weather/ (full) or results/weather/quick/. */
function defaultWeatherOut(quick: boolean | undefined, shard?: Shard): string {
  return quick ? resultsPath('weather', 'quick', defaultWeatherFile(shard)) : resultsPath('weather', defaultWeatherFile(shard));
}

async function weather(flags: WeatherFlags): Promise<number> {
  const base = flags.quick ? QUICK_PROFILE : FULL_PROFILE;
  const profile: WeatherProfile = { ...base, cells: flags.cells ?? base.cells, repeats: flags.repeats ?? base.repeats, epochs: flags.epochs ?? base.epochs };
  const out = flags.out ?? defaultWeatherOut(flags.quick, flags.shard);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`--out must be a file, but ${out} is a folder`);
  // the repeats file is named from the stem: an --out without .csv would write 'x' and 'x-repeats.csv'
  if (!out.endsWith('.csv')) throw new UserError(`--out must name a .csv file (got ${out}); \`${command('sweep', 'weather', '--out')}\` is the form that takes a folder`);
  const parent = dirname(out);
  if (existsSync(parent) && !statSync(parent).isDirectory()) throw new UserError(`--out ${out}: ${parent} is not a folder`);
  if (flags.data !== undefined && !(existsSync(flags.data) && statSync(flags.data).isFile())) throw new UserError(`--data ${flags.data}: no such file`);
  const kernels = defaultKernels('f64');
  for (const cells of profile.cells) {
    const problem = weatherMemoryProblem(cells, profile.batch, profile.window, kernels);
    if (problem) throw new UserError(problem);
  }
  prepareOutputFile(out, '--out');

  const stop = listenForStop();
  const t0 = Date.now();
  let result;
  try {
    result = await runWeatherSweep({
      profile, out, shard: flags.shard, fresh: flags.fresh, data: flags.data, quiet: flags.quiet, variants: flags.variants,
      load: { waitIdle: flags.waitIdle, waitTimeoutSeconds: flags.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS },
      log: (line) => process.stderr.write(`lstm-opt weather: ${line}\n`),
      onDropped: (rows) => {
        if (!flags.quiet) process.stderr.write(`lstm-opt weather: dropping ${rows} earlier run(s) measured with other settings or in a group measured again\n`);
      },
      shouldStop: () => stop.signal !== undefined,
    });
  } catch (err) {
    if (err instanceof WeatherDataError) throw new UserError(err.message);
    if (err instanceof WeatherDivergedError) throw new UserError(err.message, 3);
    throw err;
  } finally {
    stop.release();
  }
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.stopped) {
    process.stderr.write(`lstm-opt weather: interrupted after ${result.measured} of ${result.todo} run(s); ${rel(result.files.out)} holds every finished group — rerun the same command to continue\n`);
    return signalExitCode(stop.signal ?? 'SIGINT');
  }
  const test = result.baseline.find((r) => r.Split === 'test');
  process.stdout.write(
    `weather: ${result.variants.length} variant(s), ${result.measured} run(s) measured, ${result.skipped} skipped, in ${secs} s; ${result.table.length} rows in ${rel(result.files.out)} ` +
      `(per run: ${rel(result.files.repeats)}; naive baseline ${test?.Accuracy}% on the test year: ${rel(result.files.baseline)})\n`,
  );
  return 0;
}
