/**
 * The math micro-benchmark on the command line: runs ./core.ts on this machine and writes and reads
 * results/math-bench/<machine>.csv and .json. Everything that needs no Node API lives in ./core.ts (and is
 * re-exported here, so callers import the whole math-bench from one module).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { writeFileAtomic } from '../../io/atomic';
import { prepareOutputDir } from '../../io/places';
import { UserError } from '../../errors';
import { resultsPath } from '../../io/paths';
import { readResults } from '../../io/results';
import { Profile, readReference, ResultsRoot } from '../../io/results-root';
import type { HarnessHooks } from './harness';
import { describeMachine, MachineInfo } from '../../io/machine';
import { simdActivationKernels } from './vector';
import { MATH_BENCH_COLUMNS, MathBenchMeasurement, MathBenchProfile, MathBenchRow, PairedRatio, mathBenchCsv, mathBenchDescription, measureMathBench } from './core';
import { command } from '../../command-name';

export * from './core';

export interface MathBenchRun extends MathBenchMeasurement {
  /** 1-minute load averages before and after: how much else was running (the machine may be shared) */
  loadAverage: { before: number; after: number };
  machine: MachineInfo;
}

/** Runs the whole math-bench on this machine (minutes for the careful profile; seconds for quick). */
export function runMathBench(profile: MathBenchProfile, hooks: HarnessHooks = {}): MathBenchRun {
  const before = loadavg()[0];
  const run = measureMathBench(profile, hooks, simdActivationKernels());
  return { ...run, loadAverage: { before, after: loadavg()[0] }, machine: describeMachine() };
}

// ---------------------------------------------------------------- files

/** Where a run's CSV and its description go: `<dir>/<machine>.csv` and `<dir>/<machine>.json`. */
export function mathBenchFiles(dir: string, slug: string): { csv: string; json: string } {
  return { csv: join(dir, `${slug}.csv`), json: join(dir, `${slug}.json`) };
}

export const DEFAULT_MATH_BENCH_DIR = (): string => resultsPath('math-bench');

/**
 * Checks that `dir` is (or can become) a writable folder, by creating it and a probe file in it — before
 * minutes of measuring, not after (io/places.ts). Returns an error message, or undefined when usable.
 */
export function checkOutputDir(dir: string): string | undefined {
  try {
    prepareOutputDir(dir, '--out');
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  return undefined;
}

/** Writes the CSV and the machine/method description beside it, each atomically. */
export function writeMathBench(dir: string, run: MathBenchRun): { csv: string; json: string } {
  const files = mathBenchFiles(dir, run.machine.slug);
  const description = mathBenchDescription(run, run.machine, { date: new Date(), loadAverage: run.loadAverage, execArgv: process.execArgv });
  writeFileAtomic(files.json, JSON.stringify(description, null, 2) + '\n');
  writeFileAtomic(files.csv, mathBenchCsv(run.rows));
  return files;
}

// ---------------------------------------------------------------- reading and analysis (notebook 02)

export const MATH_BENCH_COMMAND = command('math-bench');

export interface MachineResults {
  machine: string;
  /** the folder's full-profile file, or a quick run of a machine that has no careful one */
  profile: Profile;
  rows: MathBenchRow[];
  /** from `<machine>.json` when present */
  paired?: PairedRatio[];
}

/**
 * Every machine of the math-bench folder: each `<machine>.csv` (careful runs), the reference study's
 * machine first, then the others by name; then, for each of `alsoQuick` (e.g. this machine's roots) that
 * has no careful run, its quick run from quick/ when there is one. [] when the folder has none.
 */
export function loadMathBenchResults(dir = DEFAULT_MATH_BENCH_DIR(), alsoQuick: readonly ResultsRoot[] = []): MachineResults[] {
  const source = { command: MATH_BENCH_COMMAND, columns: MATH_BENCH_COLUMNS.slice(0, 8) };
  const paired = (machine: string, folder: string): PairedRatio[] | undefined => readMathBenchDescription(machine, folder)?.isruTanhPairedRatios as PairedRatio[] | undefined;
  let reference = '';
  try {
    reference = readReference(dirname(dir)).machine;
  } catch {
    // a folder outside a results tree (a test's, a download) has no reference: alphabetical order
  }
  const full = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => f.replace(/\.csv$/, '')) : [];
  full.sort((a, b) => Number(b === reference) - Number(a === reference) || a.localeCompare(b));
  const out: MachineResults[] = full.map((machine) => ({ machine, profile: 'full', rows: readResults(join(dir, `${machine}.csv`), source) as unknown as MathBenchRow[], paired: paired(machine, dir) }));
  for (const root of alsoQuick) {
    const quickDir = join(dir, 'quick');
    if (root.profile !== 'quick' || full.includes(root.machine) || out.some((m) => m.machine === root.machine) || !existsSync(join(quickDir, `${root.machine}.csv`))) continue;
    out.push({ machine: root.machine, profile: 'quick', rows: readResults(join(quickDir, `${root.machine}.csv`), source) as unknown as MathBenchRow[], paired: paired(root.machine, quickDir) });
  }
  return out;
}

/** The machine/method description written beside `<machine>.csv`, or undefined when there is none. */
export function readMathBenchDescription(machine: string, dir = DEFAULT_MATH_BENCH_DIR()): Record<string, unknown> | undefined {
  const path = join(dir, `${machine}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

