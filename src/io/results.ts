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
}

/** Why a results file could not be used: a message for the reader, not a stack trace. */
export class MissingResultsError extends Error {
  constructor(readonly path: string, reason: string, readonly command: string) {
    super(`${reason} ${relative(projectRoot(), path) || path} — run \`${command}\` to produce it.`);
    this.name = 'MissingResultsError';
  }
}

/**
 * Reads a results CSV, checking that it exists, parses and has the expected columns. Throws
 * MissingResultsError naming the command that produces the file otherwise.
 */
export function readResults(path: string, source: ResultsSource): ResultRow[] {
  if (!existsSync(path)) throw new MissingResultsError(path, 'No results yet at', source.command);
  let rows: ResultRow[];
  try {
    rows = readCsv(path);
  } catch (err) {
    throw new MissingResultsError(path, `Cannot parse (${(err as Error).message.split('\n')[0]})`, source.command);
  }
  if (rows.length === 0) throw new MissingResultsError(path, 'No rows in', source.command);
  const missing = (source.columns ?? []).filter((c) => !(c in rows[0]));
  if (missing.length > 0) {
    throw new MissingResultsError(path, `Columns ${missing.join(', ')} are missing from`, source.command);
  }
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
