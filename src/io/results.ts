import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { readCsv } from './csv';
import { projectRoot } from './paths';

export type ResultRow = Record<string, string | number>;

export interface ResultsSource {
  /** the command that (re)produces the file, shown to the reader when it is missing or malformed */
  command: string;
  /** columns the caller relies on; a file without them is reported as malformed */
  columns?: readonly string[];
  /** columns that must hold a finite number in every row (a row without one is malformed, not skipped) */
  numeric?: readonly string[];
  /** columns that identify a row (those of them the file has); two rows with the same key are duplicates */
  key?: readonly string[];
}

/**
 * The malformed and duplicated rows of a results file, counted, with the first of each named (line
 * numbers count the header as line 1), or undefined when there are none.
 */
export function rowProblems(rows: readonly ResultRow[], source: Pick<ResultsSource, 'numeric' | 'key'>): string | undefined {
  const numeric = source.numeric ?? [];
  const key = (source.key ?? []).filter((c) => rows.length > 0 && c in rows[0]);
  let malformed = 0, firstMalformed = '';
  let duplicated = 0, firstDuplicate = '';
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const bad = numeric.find((c) => typeof r[c] !== 'number' || !Number.isFinite(r[c]));
    if (bad !== undefined) {
      if (malformed++ === 0) firstMalformed = `line ${i + 2}: ${bad} '${String(r[bad] ?? '')}'`;
    }
    if (key.length === 0) return;
    const k = key.map((c) => `${c} ${String(r[c])}`).join(', ');
    if (seen.has(k)) {
      if (duplicated++ === 0) firstDuplicate = `line ${i + 2}: ${k}`;
    }
    seen.add(k);
  });
  const parts = [
    ...(malformed ? [`${malformed} malformed row${malformed > 1 ? 's' : ''} (first ${firstMalformed})`] : []),
    ...(duplicated ? [`${duplicated} duplicated row${duplicated > 1 ? 's' : ''} (first ${firstDuplicate})`] : []),
  ];
  return parts.length ? parts.join(' and ') : undefined;
}

/**
 * Why results are unusable: `absent` (nothing measured there yet: a reader may look elsewhere) or
 * `malformed` (a file exists but cannot be trusted: someone has to look at it).
 */
export type MissingResultsKind = 'absent' | 'malformed';

/** Why a results file could not be used: a message for the reader, not a stack trace. */
export class MissingResultsError extends Error {
  constructor(readonly path: string, reason: string, readonly command: string, readonly kind: MissingResultsKind = 'absent') {
    const remedy = kind === 'absent' ? 'to produce it' : 'to produce it again, or remove it';
    super(`${reason} ${relative(projectRoot(), path) || path} — run \`${command}\` ${remedy}.`);
    this.name = 'MissingResultsError';
  }
}

/** Whether an error says that results are absent (not malformed): the one failure a reader may pass over. */
export const isAbsentResults = (err: unknown): err is MissingResultsError => err instanceof MissingResultsError && err.kind === 'absent';

/**
 * Reads a results CSV, checking that it exists, parses, has the expected columns and no malformed or
 * duplicated row (ResultsSource.numeric, .key). Throws MissingResultsError naming the file and the
 * command that produces it otherwise: of kind `absent` when there is no file, `malformed` for any other failure
 * (an empty file included: a run that wrote nothing is not the same as no run).
 */
export function readResults(path: string, source: ResultsSource): ResultRow[] {
  if (!existsSync(path)) throw new MissingResultsError(path, 'No results yet at', source.command);
  let rows: ResultRow[];
  try {
    rows = readCsv(path);
  } catch (err) {
    throw new MissingResultsError(path, `Cannot parse (${(err as Error).message.split('\n')[0]})`, source.command, 'malformed');
  }
  if (rows.length === 0) throw new MissingResultsError(path, 'No rows in', source.command, 'malformed');
  const missing = (source.columns ?? []).filter((c) => !(c in rows[0]));
  if (missing.length > 0) {
    throw new MissingResultsError(path, `Columns ${missing.join(', ')} are missing from`, source.command, 'malformed');
  }
  // a bad or repeated row would otherwise be dropped or counted twice without a word
  const problems = rowProblems(rows, source);
  if (problems) throw new MissingResultsError(path, `${problems[0].toUpperCase()}${problems.slice(1)} in`, source.command, 'malformed');
  return rows;
}

/**
 * The notebook form of readResults: returns the rows, or prints the reason and the command to run and
 * returns undefined, so a notebook with missing results reads as an instruction instead of a crash.
 */
export function tryReadResults(path: string, source: ResultsSource): ResultRow[] | undefined {
  try {
    return readResults(path, source);
  } catch (err) {
    if (err instanceof MissingResultsError) {
      console.log(err.message);
      return undefined;
    }
    throw err;
  }
}
