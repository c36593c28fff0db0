/**
 * Results are a dataset of machines: `results/<study>/<machine>/…` (or `results/<study>/<machine>.csv`),
 * each in a full profile and a quick one (`…/quick/`). A ResultsRoot names one machine's results of one
 * profile in one results folder; every loader takes one (or a list to try in order) and nothing reads
 * "whatever machine this is" by default.
 *
 * Two roots matter to a reader:
 *   - the reference study: the machine and profile the README and the notebooks lead with, a committed
 *     choice in `results/reference.json`, so every machine shows the same study first;
 *   - this machine: its own results (LSTM_OPT_MACHINE or the hardware slug), full else quick, shown beside
 *     the reference and labelled as such, never instead of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineSlug, slugProblem } from './machine';
import { resultsPath } from './paths';
import { isAbsentResults, MissingResultsError } from './results';

export type Profile = 'full' | 'quick';

export interface ResultsRoot {
  /** the results folder (normally `results/` of the project) */
  readonly dir: string;
  readonly machine: string;
  readonly profile: Profile;
}

/** One root, or several tried in order (the first whose results exist is used). */
export type ResultsSelection = ResultsRoot | readonly ResultsRoot[];

/** `results/reference.json`: which machine's results the README and the notebooks lead with. */
export interface ReferenceStudy {
  machine: string;
  profile: Profile;
  /** one sentence on where and how the reference was measured, shown beside its label */
  description: string;
}

export const REFERENCE_FILE = 'reference.json';

/** The committed reference study of a results folder. Throws when the file is missing or malformed. */
export function readReference(dir = resultsPath()): ReferenceStudy {
  const file = join(dir, REFERENCE_FILE);
  if (!existsSync(file)) throw new MissingResultsError(file, 'No reference study named in', 'git checkout results/reference.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ReferenceStudy>;
  const problem = typeof parsed.machine !== 'string' ? 'no "machine"' : slugProblem(parsed.machine);
  if (problem) throw new Error(`${file}: ${problem}`);
  if (parsed.profile !== 'full' && parsed.profile !== 'quick') throw new Error(`${file}: "profile" must be "full" or "quick"`);
  return { machine: parsed.machine!, profile: parsed.profile, description: parsed.description ?? '' };
}

export function referenceRoot(dir = resultsPath()): ResultsRoot {
  const r = readReference(dir);
  return { dir, machine: r.machine, profile: r.profile };
}

/** A machine's roots in the order a reader wants them: the full profile, else the quick one. */
export function machineRoots(machine: string, dir = resultsPath()): ResultsRoot[] {
  return [{ dir, machine, profile: 'full' }, { dir, machine, profile: 'quick' }];
}

/** This machine's roots (LSTM_OPT_MACHINE or the hardware slug): full, else quick. */
export function thisMachineRoots(dir = resultsPath()): ResultsRoot[] {
  return machineRoots(machineSlug(), dir);
}

/**
 * What a notebook's `const MACHINE = …` line selects: 'reference' (the committed study), 'this' (this
 * machine's own results) or a machine's slug (its full results, else its quick ones).
 */
export function chooseRoots(choice: string, dir = resultsPath()): ResultsRoot[] {
  if (choice === 'reference') return [referenceRoot(dir)];
  if (choice === 'this') return thisMachineRoots(dir);
  const problem = slugProblem(choice);
  if (problem) throw new Error(`MACHINE: ${problem}, or 'reference' or 'this'`);
  return machineRoots(choice, dir);
}

export const rootsOf = (s: ResultsSelection): readonly ResultsRoot[] => (Array.isArray(s) ? (s as readonly ResultsRoot[]) : [s as ResultsRoot]);

/** `<dir>/<study>/<machine>[/quick]`: the folder of a study that keeps one folder per machine. */
export function machineFolder(root: ResultsRoot, study: string): string {
  return join(root.dir, study, root.machine, ...(root.profile === 'quick' ? ['quick'] : []));
}

/** Where a sweep writes: `results/<study>/<machine>[/quick]` of this results folder (a sweep measures the machine it runs on). */
export function sweepFolder(study: string, quick: boolean, machine: string): string {
  return machineFolder({ dir: resultsPath(), machine, profile: quick ? 'quick' : 'full' }, study);
}

/** `<dir>/<study>[/quick]`: the folder of a study that names its files by machine. */
export function profileFolder(root: ResultsRoot, study: string): string {
  return join(root.dir, study, ...(root.profile === 'quick' ? ['quick'] : []));
}

/** Whether two roots name the same results. */
export const sameRoot = (a: ResultsRoot, b: ResultsRoot): boolean => a.dir === b.dir && a.machine === b.machine && a.profile === b.profile;

/**
 * How a root is shown to a reader: `amd-epyc-2c-node20, full profile (the reference study)` or
 * `intel-xeon-2c-node20, quick profile (this machine: a mechanics check, not for conclusions)`.
 */
export function rootLabel(root: ResultsRoot): string {
  const roles: string[] = [];
  if (isReferenceRoot(root)) roles.push('the reference study');
  if (isThisMachine(root.machine)) roles.push(root.profile === 'quick' ? 'this machine: a mechanics check, not for conclusions' : 'this machine');
  else if (root.profile === 'quick') roles.push('a mechanics check, not for conclusions');
  return `${root.machine}, ${root.profile} profile${roles.length ? ` (${roles.join('; ')})` : ''}`;
}

/** Whether a root is its results folder's reference study (false where the folder names none). */
export function isReferenceRoot(root: ResultsRoot): boolean {
  try {
    return sameRoot(referenceRoot(root.dir), root);
  } catch {
    return false;
  }
}

function isThisMachine(machine: string): boolean {
  try {
    return machineSlug() === machine;
  } catch {
    return false;
  }
}

/**
 * The first root of a selection whose results `read` can load, with them; undefined when none has any.
 * Only absent results move on to the next root: a file that exists but is unreadable, lacks columns or
 * has bad rows propagates (a MissingResultsError of kind `malformed`, naming the file), so a broken full
 * profile is never replaced by quick results without a word; so does any other error.
 */
export function firstLoadable<T>(selection: ResultsSelection, read: (root: ResultsRoot) => T): { root: ResultsRoot; value: T } | undefined {
  for (const root of rootsOf(selection)) {
    try {
      return { root, value: read(root) };
    } catch (err) {
      if (!isAbsentResults(err)) throw err;
    }
  }
  return undefined;
}

/** The commands that produce a study's results, with how long each takes, for the line a reader sees when results are missing. */
export interface StudyCommands {
  /** what the results are of, e.g. 'verdict' */
  what: string;
  full: string;
  fullTime: string;
  quick: string;
  quickTime: string;
}

/** One line naming the commands that produce missing results and how long they take. */
export function missingResultsLine(selection: ResultsSelection, c: StudyCommands): string {
  const machines = [...new Set(rootsOf(selection).map((r) => r.machine))].join(', ');
  return `No ${c.what} results for ${machines} yet: \`${c.quick}\` measures a quick mechanics check (${c.quickTime}), \`${c.full}\` the full profile (${c.fullTime}).`;
}

export interface LoadOptions {
  /** say nothing when no root has results (a section that has its own line for that) */
  quiet?: boolean;
}

/**
 * The notebook form of a loader: the first root of the selection whose results load, with that root; when
 * none has any, prints which commands produce them (unless quiet) and returns undefined.
 */
export function loadFirst<T extends object>(selection: ResultsSelection, read: (root: ResultsRoot) => T, commands: StudyCommands, options: LoadOptions = {}): (T & { root: ResultsRoot }) | undefined {
  const found = firstLoadable(selection, read);
  if (found) return Object.assign(found.value, { root: found.root });
  if (!options.quiet) console.log(missingResultsLine(selection, commands));
  return undefined;
}
