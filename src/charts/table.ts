/**
 * Tables for notebooks as HTML (tslab's display.html), so they render as tables in JupyterLab and in
 * exported notebooks instead of as monospaced text. Pure: rows in, markup out.
 */
import { escapeHtml } from './html';

export type TableCell = string | number;

/**
 * An HTML table of `rows` with the given columns (default: the first row's keys), header first.
 * Numbers are right-aligned; every cell is escaped.
 */
export function htmlTable(rows: readonly Record<string, TableCell>[], columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  const th = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const td = (v: TableCell | undefined): string =>
    typeof v === 'number' ? `<td style="text-align:right">${escapeHtml(String(v))}</td>` : `<td style="text-align:left">${escapeHtml(v ?? '')}</td>`;
  const body = rows.map((r) => `<tr>${columns.map((c) => td(r[c])).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
