/**
 * Progress CSV files: a header line, then one row per progress interval, in PROGRESS_COLUMNS order
 * (./training-loop.ts): the original study's 13 columns first (func = the cell activation), then the
 * rest of the cell's identity:
 *
 *   gate   the gate activation of f, i, o: sigmoid | isru-sigmoid
 *   impl   the point-wise implementation: scalar | simd
 *   kernels  the kernel set that computed the row: js | wasm | wasm-fma (empty, i.e. unknown, when an
 *            older file is upgraded)
 *
 * Files written before the cell columns existed (the original study's, and the results committed then)
 * have the study's columns only, and their runs had sigmoid gates and the scalar implementation: readers
 * require only STUDY_PROGRESS_COLUMNS and take a missing or empty cell column as that default
 * (progressCell), and appending to such a file first rewrites it with the current columns
 * (upgradeProgressText).
 */
import { ACTIVATION_IMPLS, ActivationImpl, GATE_ACTIVATIONS, GateActivation, STUDY_CELL } from './cell-spec';
import { PROGRESS_COLUMNS, ProgressRow, STUDY_PROGRESS_COLUMNS } from './training-loop';
import { CsvRow, CsvValue, parseCsv, toCsv } from '../io/csv-text';

/** What a progress file without a column meant, for the columns added after the study's. */
export const PROGRESS_DEFAULTS: Readonly<Record<string, string>> = { gate: STUDY_CELL.gate, impl: STUDY_CELL.impl };

/**
 * A progress row as CSV cells: times and the loss with 6 decimals, as the original study wrote them;
 * `extra` adds a study's own columns (or overrides a cell, e.g. a loss with more digits).
 */
export function formatProgressRow(r: ProgressRow, extra: Readonly<Record<string, CsvValue>> = {}): CsvRow {
  return {
    func: r.func, type: r.type, layers: r.layers, neurons: r.neurons, iteration: r.iteration, epoch: r.epoch, loss: r.loss.toFixed(6),
    forward_cpu: r.forward_cpu.toFixed(6), forward_time: r.forward_time.toFixed(6),
    back_cpu: r.back_cpu.toFixed(6), back_time: r.back_time.toFixed(6),
    adam_cpu: r.adam_cpu.toFixed(6), adam_time: r.adam_time.toFixed(6),
    gate: r.gate, impl: r.impl, kernels: r.kernels, ...extra,
  };
}

/**
 * The text of a progress file: every writer of progress rows (train, and each sweep) writes through this
 * one, so the columns are PROGRESS_COLUMNS, then the study's `extraColumns`, in every file.
 */
export function progressCsv(records: readonly CsvRow[], o: { extraColumns?: readonly string[]; header?: boolean } = {}): string {
  return toCsv([...PROGRESS_COLUMNS, ...(o.extraColumns ?? [])], records, o.header ?? true);
}

/** The rows of progress CSV text, each cell under its column's name. */
export function progressRecords(text: string): Record<string, string | number>[] {
  return parseCsv(text);
}

/** The training time of a progress file's last row: wall seconds of forward, backward and Adam, and its iteration. */
export function lastRowTraining(text: string): { seconds: number; iteration: number } {
  const rows = progressRecords(text);
  const last = rows[rows.length - 1] ?? {};
  const at = (column: string): number => Number(last[column]);
  return { seconds: at('forward_time') + at('back_time') + at('adam_time'), iteration: at('iteration') };
}

/** The gate and implementation of a row read from a progress file (defaults where the file has no such column). */
export function progressCell(row: Readonly<Record<string, unknown>>): { gate: GateActivation; impl: ActivationImpl } {
  const gate = cellValue(row.gate, PROGRESS_DEFAULTS.gate, GATE_ACTIVATIONS, 'gate');
  const impl = cellValue(row.impl, PROGRESS_DEFAULTS.impl, ACTIVATION_IMPLS, 'impl');
  return { gate, impl };
}

function cellValue<T extends string>(v: unknown, fallback: string, allowed: readonly T[], column: string): T {
  const s = v === undefined || v === null || v === '' ? fallback : String(v);
  if (!(allowed as readonly string[]).includes(s)) throw new RangeError(`progress column ${column} must be ${allowed.join(' or ')}, got '${s}'`);
  return s as T;
}

/**
 * The text of a progress file in the current columns: unchanged when its header is PROGRESS_COLUMNS;
 * a file with fewer columns (the study's, then possibly some of the later ones, in order) gets the
 * missing ones appended to its header and their defaults to every row. Undefined when the header is not
 * a progress header. Empty text stays empty.
 */
export function upgradeProgressText(text: string): string | undefined {
  if (text.length === 0) return text;
  const lines = text.split('\n');
  const header = lines[0].split(',').map((h) => h.trim());
  const n = header.length;
  if (n < STUDY_PROGRESS_COLUMNS.length || n > PROGRESS_COLUMNS.length || header.some((h, k) => h !== PROGRESS_COLUMNS[k])) return undefined;
  if (n === PROGRESS_COLUMNS.length) return text;
  const missing = PROGRESS_COLUMNS.slice(n);
  const fill = missing.map((c) => PROGRESS_DEFAULTS[c] ?? '').join(',');
  const out = lines.map((line, k) => (k === 0 ? PROGRESS_COLUMNS.join(',') : line.trim() === '' ? line : `${line},${fill}`));
  return out.join('\n');
}
