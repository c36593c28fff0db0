/**
 * The math micro-benchmark on the command line: runs ./core.ts on this machine and writes and reads
 * results/math-bench/<machine>.csv and .json. Everything that needs no Node API lives in ./core.ts (and is
 * re-exported here, so callers import the whole math-bench from one module).
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { writeFileAtomic } from '../io/atomic';
import { resultsPath } from '../io/paths';
import { readResults, tryReadResults } from '../io/results';
import type { HarnessHooks } from './harness';
import { describeMachine, MachineInfo } from '../io/machine';
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
  const run = measureMathBench(profile, hooks);
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
 * minutes of measuring, not after. Returns an error message, or undefined when the folder is usable.
 */
export function checkOutputDir(dir: string): string | undefined {
  if (existsSync(dir) && !statSync(dir).isDirectory()) return `--out ${dir} is a file, not a folder`;
  try {
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.math-bench-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    return `--out ${dir} is not a writable folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return undefined;
}

/**
 * mkdir -p, one level at a time: Node's `mkdirSync(dir, { recursive: true })` spins forever on some
 * pseudo file systems (a path under /proc never stops failing with ENOENT), which would hang the command.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) mkdirSync(m);
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

