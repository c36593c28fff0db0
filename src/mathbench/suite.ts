/**
 * The math micro-benchmark on the command line: runs ./core.ts on this machine and writes and reads
 * results/math-bench/<machine>.csv and .json. Everything that needs no Node API lives in ./core.ts (and is
 * re-exported here, so callers import the whole math-bench from one module).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { writeFileAtomic } from '../io/atomic';
import { prepareOutputDir } from '../io/places';
import { UserError } from '../errors';
import { resultsPath } from '../io/paths';
import { readResults, tryReadResults } from '../io/results';
import type { HarnessHooks } from './harness';
import { describeMachine, MachineInfo } from '../io/machine';
import { simdActivationKernels } from './vector';
import { MATH_BENCH_COLUMNS, MathBenchMeasurement, MathBenchProfile, MathBenchRow, PairedRatio, mathBenchCsv, mathBenchDescription, measureMathBench } from './core';

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

export const MATH_BENCH_COMMAND = 'node bin/lstm-opt.js math-bench';

export interface MachineResults {
  machine: string;
  rows: MathBenchRow[];
  /** from `<machine>.json` when present */
  paired?: PairedRatio[];
}

/** Every `<machine>.csv` in the math-bench results folder (this machine first; its quick run when it has no careful one), or [] with a message. */
export function loadMathBenchResults(dir = DEFAULT_MATH_BENCH_DIR(), thisMachine = describeMachine().slug): MachineResults[] {
  const source = { command: MATH_BENCH_COMMAND, columns: MATH_BENCH_COLUMNS.slice(0, 8) };
  // this machine's careful run, else the quick one `npm start` writes to quick/
  const quick = join(dir, 'quick', `${thisMachine}.csv`);
  const ownPath = !existsSync(join(dir, `${thisMachine}.csv`)) && existsSync(quick) ? quick : join(dir, `${thisMachine}.csv`);
  const own = tryReadResults(ownPath, source);
  const paired = (machine: string): PairedRatio[] | undefined => readMathBenchDescription(machine, dir)?.isruTanhPairedRatios as PairedRatio[] | undefined;
  const out: MachineResults[] = own ? [{ machine: thisMachine, rows: own as unknown as MathBenchRow[], paired: paired(thisMachine) }] : [];
  const others = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv') && f !== `${thisMachine}.csv`).sort() : [];
  for (const f of others) {
    const machine = f.replace(/\.csv$/, '');
    out.push({ machine, rows: readResults(join(dir, f), source) as unknown as MathBenchRow[], paired: paired(machine) });
  }
  return out;
}

/** The machine/method description written beside `<machine>.csv`, or undefined when there is none. */
export function readMathBenchDescription(machine: string, dir = DEFAULT_MATH_BENCH_DIR()): Record<string, unknown> | undefined {
  const path = join(dir, `${machine}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

