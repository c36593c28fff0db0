import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './atomic';

export type CsvValue = string | number | boolean | null | undefined;
export type CsvRow = Record<string, CsvValue>;

/** Formats rows as CSV text with the given column order (a header line first). */
export function toCsv(columns: readonly string[], rows: readonly CsvRow[], header = true): string {
  return stringify(rows as CsvRow[], { header, columns: columns as string[] });
}

/** Writes rows to `path` atomically (see writeFileAtomic). */
export function writeCsv(path: string, columns: readonly string[], rows: readonly CsvRow[]): void {
  writeFileAtomic(path, toCsv(columns, rows));
}

/**
 * Reads a CSV with a header line into objects; numeric-looking cells become numbers.
 * Header names are trimmed, since the original study's files write `Cells, Func, ...`.
 */
export function readCsv(path: string): Record<string, string | number>[] {
  const text = readFileSync(path, 'utf8');
  return parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim()),
    skip_empty_lines: true,
    trim: true,
    cast: (value: string) => (value !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
  });
}
