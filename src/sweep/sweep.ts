/**
 * The sweep framework shared by every `lstm-opt sweep <kind>` and `lstm-opt weather` (docs/ARCHITECTURE.md, "Contracts").
 *
 * A sweep is a named list of jobs — one per configuration — and each job produces one or more complete
 * files (e.g. the tanh and the isru progress CSV of one network size). Three rules make sweeps safe to
 * interrupt, rerun and spread over machines:
 *
 *  - resume: a job whose files all exist and parse (../io/result-check.ts) is skipped. Files are
 *    written with writeFilesAtomic (temp files, then renames) only once the job has finished, so an
 *    existing file is normally a complete one and an interrupted job leaves nothing behind; a file that
 *    is empty or does not parse (a copy gone wrong) is not a result and its job runs again;
 *  - settings: a job may name the settings that made it (iterations, corpus, variants...) and record
 *    them in its JSON file; a finished job recorded with other settings is not silently kept: the sweep
 *    refuses, naming them, unless told to measure such jobs again (--remeasure);
 *  - one writer: the sweep holds the lock of every folder it writes (../io/lock.ts), so a second run
 *    into the same folder refuses instead of mixing files;
 *  - places first: every output folder is created and proven writable before the first job runs (and
 *    temporary files of a killed run are removed), so a bad --out fails at once, not after a job;
 *  - shards: `--shard i/n` (1-based: i = 1..n) keeps jobs k (0-based position in the full list) with
 *    k % n == i − 1, so n machines running 1/n … n/n cover the list exactly once; results merge by name;
 *  - progress: one overall bar over all remaining jobs × iterations with an ETA, on a terminal only;
 *    without a terminal one line per finished job; nothing with --quiet.
 *
 * Each study's module exports its kind; src/studies/registry.ts lists them and src/cli/sweep.ts dispatches by name.
 */
import type { Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SingleBar } from 'cli-progress';
import { writeFilesAtomic } from '../io/atomic';
import { lockOutput, unlockOutput } from '../io/lock';
import { prepareOutputDir } from '../io/places';
import { resultProblem } from '../io/result-check';
import { UserError } from '../errors';

// ------------------------------------------------------------------ shards

/** Shard i of n, 1-based: index in 1..count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); anything else is a UserError with one line naming the flag. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--shard must look like i/n (e.g. 1/4), got '${text}'`);
  const index = Number(m[1]), count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new UserError(`--shard ${text}: n must be a positive integer`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new UserError(`--shard ${text}: i must be between 1 and ${count} (shards are 1-based)`);
  return { index, count };
}

/** Whether the job at 0-based position k of the full list belongs to the shard (no shard: all jobs). */
export function inShard(k: number, shard?: Shard): boolean {
  return !shard || k % shard.count === shard.index - 1;
}

/** The items of the shard, in list order. */
export function selectShard<T>(items: readonly T[], shard?: Shard): T[] {
  return items.filter((_, k) => inShard(k, shard));
}

// ------------------------------------------------------------------ jobs

/** One configuration of a sweep: the files it writes and how to compute their contents. */
export interface SweepJob {
  /** short label for the progress bar and log lines, e.g. "2x64" */
  label: string;
  /** absolute paths of the files this job writes; the job is complete when all exist (unless `complete` says) */
  files: string[];
  /**
   * Whether the job's results are already there, for jobs whose results are rows of files shared with
   * other jobs (the weather sweep), where the files existing says nothing about this job.
   */
  complete?(): boolean;
  /**
   * The settings that made the job's results (iterations, corpus, variants...): the job records them as
   * the `settings` member of its JSON file, and a rerun with other settings does not take the old results
   * for its own. Files without a record (from before settings were recorded) are accepted as they are.
   */
  settings?: Record<string, string | number>;
  /** progress units (iterations over all runs of the job) for the overall bar */
  work: number;
  /**
   * relative cost of one unit (default 1), so that the ETA of a sweep over very different sizes is right:
   * a 4x256 iteration costs a hundred 1x8 ones
   */
  weight?: number;
  /**
   * Computes the files' contents, in `files` order; calls tick(k) after every k units of work. Throwing
   * aborts the sweep with no file of this job written.
   */
  run(tick: (units?: number) => void): Promise<string[]>;
}

export interface RunJobsOptions {
  /** bar/log prefix, e.g. "net-size" */
  name: string;
  /** what a unit of SweepJob.work is, for the bar (default "iterations") */
  unit?: string;
  quiet?: boolean;
  /** the stream the bar and log lines go to (default process.stderr) */
  stream?: NodeJS.WriteStream;
  /** a one-line summary of a finished job for the log (non-terminal); default "<label> done" */
  describe?(job: SweepJob, contents: string[], seconds: number): string;
  /** measure again the jobs whose recorded settings differ (default: refuse, naming them) */
  remeasure?: boolean;
  /** lock only this file set of the output folders (../io/lock.ts lockOutput's name), not the folders */
  lockName?: string;
}

export interface RunJobsResult {
  /** labels of the jobs that ran */
  ran: string[];
  /** labels of the jobs skipped because their files all existed */
  skipped: string[];
}

/** Whether all of a job's files exist and parse (a complete job, thanks to atomic writes), or what the job says. */
export function isComplete(job: Pick<SweepJob, 'files' | 'complete'>): boolean {
  if (job.complete) return job.complete();
  return job.files.every((f) => resultProblem(f) === undefined);
}

/**
 * How the settings recorded in a complete job's JSON file differ from the job's (`name old → new`,
 * comma-separated), or undefined when they agree or nothing was recorded.
 */
export function settingsChange(job: Pick<SweepJob, 'files' | 'settings'>): string | undefined {
  if (!job.settings) return undefined;
  const json = job.files.find((f) => f.endsWith('.json'));
  if (!json) return undefined;
  let recorded: unknown;
  try {
    recorded = (JSON.parse(readFileSync(json, 'utf8')) as { settings?: unknown }).settings;
  } catch {
    return undefined;
  }
  if (typeof recorded !== 'object' || recorded === null) return undefined;
  const old = recorded as Record<string, unknown>;
  const changed = Object.entries(job.settings).filter(([k, v]) => String(old[k]) !== String(v)).map(([k, v]) => `${k} ${old[k] === undefined ? '(none)' : String(old[k])} → ${v}`);
  return changed.length ? changed.join(', ') : undefined;
}

/**
 * Runs the jobs that are not complete, in order, writing each job's files atomically when it finishes.
 * Give it the jobs of one shard (selectShard). One overall progress bar on a terminal.
 */
export async function runJobs(jobs: readonly SweepJob[], o: RunJobsOptions): Promise<RunJobsResult> {
  const stream = o.stream ?? process.stderr;
  const complete = jobs.filter((j) => isComplete(j));
  const changed = complete.map((j) => ({ job: j, change: settingsChange(j) })).filter((c) => c.change !== undefined);
  if (changed.length && !o.remeasure) {
    const shown = changed.slice(0, 3).map((c) => `${c.job.label}: ${c.change}`).join('; ');
    throw new UserError(`sweep ${o.name}: ${changed.length} finished configuration(s) were measured with other settings (${shown}${changed.length > 3 ? '; …' : ''}); pass --remeasure to measure them again, or choose another --out`);
  }
  const stale = new Set(changed.map((c) => c.job));
  const todo = jobs.filter((j) => !complete.includes(j) || stale.has(j));
  const skipped = complete.filter((j) => !stale.has(j)).map((j) => j.label);
  const locked: string[] = [];
  for (const dir of new Set(todo.flatMap((j) => j.files.map((f) => dirname(f))))) {
    prepareOutputDir(dir, `sweep ${o.name}: output folder`);
    if (lockOutput(dir, `sweep ${o.name}: the folder ${dir}`, o.lockName)) locked.push(dir);
  }
  const tty = !!stream.isTTY && !o.quiet;
  const log = (line: string): void => {
    if (!o.quiet && !tty) stream.write(`sweep ${o.name}: ${line}\n`);
  };
  for (const c of changed) log(`${c.job.label}: measuring again (recorded with ${c.change})`);
  if (skipped.length) log(`${skipped.length} of ${jobs.length} configurations already complete (skipped)`);
  // the bar counts cost (units × weight) so its ETA is right; the text shows plain iterations
  const total = todo.reduce((s, j) => s + j.work * (j.weight ?? 1), 0);
  const allUnits = todo.reduce((s, j) => s + j.work, 0);
  let units = 0;
  const bar = tty
    ? new SingleBar({ stream, format: `sweep ${o.name} | {bar} | {percentage}% | {units}/{allUnits} ${o.unit ?? 'iterations'} | {job} ({done}/{jobs}) | ETA {eta_formatted}`, etaBuffer: 50, fps: 5, hideCursor: true })
    : undefined;
  bar?.start(total, 0, { job: todo[0]?.label ?? '', done: 0, jobs: todo.length, units, allUnits });
  const ran: string[] = [];
  try {
    for (const job of todo) {
      bar?.update({ job: job.label, done: ran.length });
      const t0 = Date.now();
      const contents = await job.run((k = 1) => {
        units += k;
        bar?.increment(k * (job.weight ?? 1), { units });
      });
      if (contents.length !== job.files.length) throw new Error(`sweep ${o.name} ${job.label}: ${contents.length} contents for ${job.files.length} files`);
      writeFilesAtomic(job.files.map((path, k) => ({ path, data: contents[k] })));
      ran.push(job.label);
      const seconds = (Date.now() - t0) / 1000;
      log(o.describe ? o.describe(job, contents, seconds) : `${job.label} done in ${seconds.toFixed(1)} s`);
    }
    bar?.update({ done: ran.length });
  } finally {
    bar?.stop();
    for (const dir of locked) unlockOutput(dir, o.lockName);
  }
  return { ran, skipped };
}

// ------------------------------------------------------------------ kinds

/** What every sweep kind receives from `lstm-opt sweep <kind>`. */
export interface SweepOptions {
  /** the quick profile (npm start, tests) instead of the full one */
  quick: boolean;
  shard?: Shard;
  /** output folder (default: the kind's results/<kind>/<machine>[/quick]) */
  out?: string;
  /** overrides the profile's iteration count */
  iterations?: number;
  /** corpus file (default: SOTU) */
  corpus?: string;
  quiet?: boolean;
  /** measure again the configurations recorded with other settings (instead of refusing) */
  remeasure?: boolean;
  /** values of the kind's own options (SweepKind.options), by commander attribute name */
  extra: Record<string, unknown>;
}

export interface SweepKind {
  /** the CLI name: net-size, mt, precision, long */
  name: string;
  /** one line for --help */
  description: string;
  /** options only this kind understands (commander Options; shown in help as "<kind> only") */
  options?: Option[];
  /** characters per training window of its runs (default DEFAULT_TRAINER.window): a --corpus must be longer */
  window?: number;
  /** runs (the shard of) the sweep; returns the output folder */
  run(o: SweepOptions): Promise<string>;
}
