/**
 * Whether a result file is complete enough to be trusted: sweeps skip a configuration whose files pass,
 * and `sweep merge` copies only files that pass. A CSV must parse with the same number of cells in every
 * row and end with a line break (a file cut mid-row by a full disk or a bad copy does not); a JSON file
 * must parse. Other files are taken as they are (their formats check themselves when read).
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** What is wrong with the result file at `path`, or undefined when it is usable. */
export function resultProblem(path: string): string | undefined {
  let text: string;
  try {
    if (!statSync(path).isFile()) return 'not a regular file';
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unreadable';
  }
  if (text.length === 0) return 'empty';
  if (path.endsWith('.csv')) {
    if (!text.endsWith('\n')) return 'its last row is cut (no line break at the end)';
    try {
      parse(text, { relax_column_count: false, skip_empty_lines: true });
    } catch (err) {
      return `not valid CSV (${(err as Error).message.split('\n')[0]})`;
    }
  } else if (path.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (err) {
      return `not valid JSON (${(err as Error).message.split('\n')[0]})`;
    }
  }
  return undefined;
}
