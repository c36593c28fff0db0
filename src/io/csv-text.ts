/**
 * CSV text to and from rows, with no file access, so the web page (web/) writes and reads the same CSV
 * as the command line. ./csv.ts adds the files.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | boolean | null | undefined;
export type CsvRow = Record<string, CsvValue>;

/** Formats rows as CSV text with the given column order (a header line first). */
export function toCsv(columns: readonly string[], rows: readonly CsvRow[], header = true): string {
  return stringify(rows as CsvRow[], { header, columns: columns as string[] });
}

/**
 * Parses CSV text with a header line into objects; numeric-looking cells become numbers.
 * Header names are trimmed, since the original study's files write `Cells, Func, ...`.
 */
export function parseCsv(text: string): Record<string, string | number>[] {
  return parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim()),
    skip_empty_lines: true,
    trim: true,
    cast: (value: string) => (value !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
  });
}
