/**
 * ISRU against the cheap alternatives (docs/decisions/025-fast-tanh-baseline.md), from one machine's math-bench
 * rows: per kind, the nanoseconds of tanh, the minimax rational tanh and ISRU, and of the sigmoid computed
 * directly and through tanh — scalar, and vectorized where the rows have it. Files measured before these rows
 * existed have none of them; the table is then empty and the note says which command adds them.
 */
import { findRow, kindLabel, MathBenchRow } from './core';

/** The columns: row name → heading. */
const COLUMNS: readonly [string, string][] = [
  ['tanh', 'tanh (Math.tanh)'], ['fast_tanh', 'fast tanh'], ['isru', 'ISRU'],
  ['tanh_simd', 'tanh SIMD'], ['fast_tanh_simd', 'fast tanh SIMD'], ['isru_simd', 'ISRU SIMD'],
  ['sigmoid', 'sigmoid'], ['sigmoid_tanh_inline', 'sigmoid via Math.tanh'], ['sigmoid_simd', 'sigmoid SIMD'], ['sigmoid_tanh_simd', 'sigmoid via tanh SIMD'],
];

/** Whether a machine's rows include the cheap alternatives (a math-bench run since they exist). */
export const hasBaselines = (rows: readonly MathBenchRow[]): boolean => rows.some((r) => r.Function === 'fast_tanh');

/** ns per operation (per element for arrays), per kind; empty when the rows predate the baselines. */
export function baselineCostTable(rows: readonly MathBenchRow[]): Record<string, string | number>[] {
  if (!hasBaselines(rows)) return [];
  const kinds = [...new Set(rows.map(kindLabel))];
  return kinds.map((kind) => {
    const row: Record<string, string | number> = { kind };
    for (const [name, heading] of COLUMNS) {
      const r = findRow(rows, name, kind);
      row[heading] = r ? Number(Number(r.ns_per_op).toFixed(2)) : '';
    }
    return row;
  });
}

/**
 * One paragraph on the comparison: ISRU's cost over the fast tanh's, scalar and vectorized over the largest
 * f32 arrays, and the sigmoid through tanh against the direct one; or, for rows without the baselines, the
 * command that measures them.
 */
export function baselineNote(rows: readonly MathBenchRow[], machine: string, command: string): string {
  if (!hasBaselines(rows)) return `${machine}'s math-bench was measured before the fast tanh and the sigmoid through tanh were added: \`${command}\` measures them on this machine.`;
  const ns = (name: string, kind: string): number => Number(findRow(rows, name, kind)?.ns_per_op ?? NaN);
  const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  const big = 'Float32Array[4096]';
  return [
    `On ${machine}: a scalar ISRU costs ${ratio(ns('isru', 'scalar'), ns('fast_tanh', 'scalar'))} a fast tanh (${ratio(ns('isru', 'scalar'), ns('tanh', 'scalar'))} a Math.tanh);`,
    `vectorized over ${big}, ISRU costs ${ratio(ns('isru_simd', big), ns('fast_tanh_simd', big))} the fast tanh and ${ratio(ns('isru_simd', big), ns('tanh_simd', big))} the exp-based tanh;`,
    `the sigmoid through tanh costs ${ratio(ns('sigmoid_tanh_simd', big), ns('sigmoid_simd', big))} the direct SIMD sigmoid.`,
  ].join(' ');
}
