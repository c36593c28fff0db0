/**
 * `lstm-opt sweep merge --from DIR... [--out results]`: merges the results folders of sweep shards (each
 * run with `--shard i/n` on another machine or CI job) into one. Sweeps name every file after its
 * configuration and write only complete files (src/sweep/sweep.ts), so merging is a union by
 * relative path:
 *  - a file not yet in the target is copied (atomically);
 *  - a file already there with the same bytes is left alone (split.json of every shard, say);
 *  - the same path with different bytes is a conflict: two shards claim one configuration. Nothing is
 *    copied then, and the command names the conflicts (exit 2), since picking one silently would hide
 *    a mistake in how the shards were started.
 * Every file copied must be a complete result (../io/result-check.ts: a CSV cut mid-row or JSON that
 * does not parse is refused, naming it, and nothing is merged); the copies are written together, whole
 * or not at all. Empty files (not results), temporary files of a killed run and checkpoints/ folders (working state of a
 * run in progress, not results) are skipped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Option } from 'commander';
import { UserError } from '../errors';
import { writeFilesAtomic } from '../io/atomic';
import { isLockFile, lockOutput } from '../io/lock';
import { resultProblem } from '../io/result-check';
import { resultsPath } from '../io/paths';
import { SweepKind, SweepOptions } from './sweep';

export interface MergePlan {
  /** relative paths to copy, with their source file */
  copy: { rel: string; from: string }[];
  /** relative paths already present with the same bytes */
  identical: string[];
  /** relative paths present with different bytes (in the target or in another source) */
  conflicts: string[];
  /** source files that are no complete result (a CSV cut mid-row, JSON that does not parse), with the reason */
  broken: { from: string; problem: string }[];
}

const SKIPPED_DIRS = new Set(['checkpoints']);
/** temporary files of a killed run, and the lock of a run in progress (../io/lock.ts) */
const isTemp = (name: string): boolean => (name.startsWith('.') && name.endsWith('.tmp')) || isLockFile(name);

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out.push(...listFiles(root, p));
    } else if (e.isFile() && !isTemp(e.name) && statSync(p).size > 0) out.push(relative(root, p));
  }
  return out.sort();
}

/** What merging `sources` into `target` would do (nothing is written). */
export function planMerge(sources: readonly string[], target: string): MergePlan {
  const plan: MergePlan = { copy: [], identical: [], conflicts: [], broken: [] };
  const chosen = new Map<string, string>();
  for (const src of sources) {
    if (!existsSync(src) || !statSync(src).isDirectory()) throw new UserError(`--from ${src} is not a folder`);
    for (const rel of listFiles(src)) {
      const from = join(src, rel);
      const problem = resultProblem(from);
      if (problem) {
        plan.broken.push({ from, problem });
        continue;
      }
      const bytes = readFileSync(from);
      const to = join(target, rel);
      const earlier = chosen.get(rel);
      const other = earlier !== undefined ? readFileSync(earlier) : existsSync(to) ? readFileSync(to) : undefined;
      if (other === undefined) {
        chosen.set(rel, from);
        plan.copy.push({ rel, from });
      } else if (other.equals(bytes)) {
        if (earlier === undefined) plan.identical.push(rel);
      } else if (!plan.conflicts.includes(rel)) plan.conflicts.push(rel);
    }
  }
  return plan;
}

/** Merges, or throws a UserError naming the conflicts (then nothing is written). */
export function mergeResults(sources: readonly string[], target: string): MergePlan {
  const plan = planMerge(sources, target);
  if (plan.broken.length) {
    const shown = plan.broken.slice(0, 3).map((b) => `${b.from} (${b.problem})`).join(', ');
    throw new UserError(`sweep merge: ${plan.broken.length} source file(s) are no complete result: ${shown}${plan.broken.length > 3 ? ', …' : ''} — nothing merged; run their configurations again`);
  }
  if (plan.conflicts.length) {
    const shown = plan.conflicts.slice(0, 5).join(', ');
    throw new UserError(`sweep merge: ${plan.conflicts.length} file(s) differ between the sources or from ${target}: ${shown}${plan.conflicts.length > 5 ? ', …' : ''} — nothing merged`);
  }
  // all files or none: a full disk halfway leaves the target as it was
  writeFilesAtomic(plan.copy.map(({ rel, from }) => ({ path: join(target, rel), data: readFileSync(from) })));
  return plan;
}

export const mergeSweep: SweepKind = {
  name: 'merge',
  description: 'merge the results folders of shards (--from DIR...) into --out (default results/), by file name',
  options: [new Option('--from <dirs...>', 'results folders of the shards to merge')],
  async run(o: SweepOptions) {
    const from = o.extra.from as string[] | undefined;
    if (!from?.length) throw new UserError('sweep merge: give the shards\' folders with --from DIR...');
    const target = o.out ?? resultsPath();
    lockOutput(target, `sweep merge: --out ${target}`);
    const plan = mergeResults(from, target);
    if (!o.quiet) process.stderr.write(`sweep merge: ${plan.copy.length} file(s) copied, ${plan.identical.length} already present → ${target}\n`);
    return target;
  },
};
