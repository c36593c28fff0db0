import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic';
import { CsvRow, parseCsv, toCsv } from './csv-text';

export { parseCsv, toCsv } from './csv-text';
export type { CsvRow, CsvValue } from './csv-text';

/** Writes rows to `path` atomically (see writeFileAtomic). */
export function writeCsv(path: string, columns: readonly string[], rows: readonly CsvRow[]): void {
  writeFileAtomic(path, toCsv(columns, rows));
}

/** Reads a CSV file with a header line into objects (see parseCsv). */
export function readCsv(path: string): Record<string, string | number>[] {
  return parseCsv(readFileSync(path, 'utf8'));
}
