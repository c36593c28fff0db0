import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { projectRoot } from '../../src/io/paths';
import { figureOfOutput } from '../../src/charts/show';
import { MACHINE_SPECIFIC } from '../../src/charts/beside';
import { unknownMachineEnv } from './machine';

export interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  text?: string | string[];
}
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}
export interface ExecutedNotebook {
  cells: NotebookCell[];
  /** nbclient's stderr: the failing cell and its error when a cell raised */
  log: string;
  ok: boolean;
}

/**
 * Executes a notebook headless through the tslab kernel (scripts/run_notebooks.py) and returns the
 * executed copy. The copy runs from the notebooks folder (so relative imports and results paths are
 * the real ones) but is written to a temporary folder: the committed notebook is never touched. It runs
 * as a machine with no results of its own (helpers/machine.ts) unless `env` names another.
 */
export function executeNotebook(notebookPath: string, env: NodeJS.ProcessEnv = {}): ExecutedNotebook {
  const root = projectRoot();
  const out = mkdtempSync(join(tmpdir(), 'lstm-opt-nb-'));
  try {
    const result = spawnSync(
      join(root, '.venv', 'bin', 'python'),
      [join(root, 'scripts', 'run_notebooks.py'), '--out', out, '--timeout', '600', notebookPath],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ...unknownMachineEnv(), ...env } },
    );
    const nb = JSON.parse(readFileSync(join(out, basename(notebookPath)), 'utf8')) as { cells: NotebookCell[] };
    return { cells: nb.cells, log: `${result.stdout}\n${result.stderr}`, ok: result.status === 0 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Copies a notebook next to the original under a new name (for tests that break a cell on purpose). */
export function copyNotebook(notebookPath: string, newName: string): string {
  const target = join(projectRoot(), 'notebooks', newName);
  copyFileSync(notebookPath, target);
  return target;
}

export const sourceOf = (cell: NotebookCell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/**
 * Outputs that report an error: Jupyter `error` outputs and, because tslab does not send those, stderr
 * streams that carry an exception or a TypeScript compile error (see cellErrors).
 */
export function errorOutputs(nb: { cells: NotebookCell[] }): NotebookOutput[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => errorMessage(o) !== undefined));
}

/**
 * The cells that raised, as «first source line»: error. tslab does not send Jupyter `error` outputs: it
 * writes the exception (or the TypeScript compile error) to the cell's stderr stream and marks the reply as
 * an error, so both forms are looked for here (nbclient then stops, and the runner exits non-zero).
 */
export function cellErrors(nb: Pick<ExecutedNotebook, 'cells'>): string[] {
  return nb.cells.flatMap((c) =>
    (c.outputs ?? []).flatMap((o) => {
      const message = errorMessage(o);
      return message === undefined ? [] : [`cell «${sourceOf(c).split('\n')[0]}»: ${message}`];
    }),
  );
}

const ERROR_LINE = /^\s*\w*(Error|Exception)\b|error TS\d+/m;

/** The error an output reports (an `error` output, or a stderr stream holding one), else undefined. */
function errorMessage(o: NotebookOutput): string | undefined {
  if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
  if (o.output_type !== 'stream' || (o as { name?: string }).name !== 'stderr') return undefined;
  const text = Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
  if (!ERROR_LINE.test(text)) return undefined;
  return text.split('\n').find((l) => ERROR_LINE.test(l))?.trim() ?? text.trim();
}


/** Outputs that carry a chart: live (the Plotly MIME type) or saved as a picture with its figure JSON. */
export function plotlyOutputs(nb: { cells: NotebookCell[] }): NotebookOutput[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => figureOfOutput(o.data)));
}

/**
 * Code cells that call `show(` but produced no Plotly output: a chart the reader would miss.
 */
export function cellsMissingCharts(nb: { cells: NotebookCell[] }): string[] {
  return nb.cells
    .filter((c) => c.cell_type === 'code' && /\bshow\(/.test(sourceOf(c)))
    .filter((c) => !(c.outputs ?? []).some((o) => figureOfOutput(o.data)))
    .map((c) => sourceOf(c).split('\n')[0]);
}

/**
 * The charts of the study in a notebook: its Plotly outputs less those about the machine that executed it
 * (a machine's results beside the reference), which differ from machine to machine by design.
 */
export function studyCharts(nb: { cells: NotebookCell[] }): NotebookOutput[] {
  return plotlyOutputs(nb).filter((o) => !figureOfOutput(o.data)?.layout?.meta?.[MACHINE_SPECIFIC]);
}

/** Every text a notebook printed (stdout streams and text/plain or text/html results), joined. */
export function printedText(nb: { cells: NotebookCell[] }): string {
  return nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => {
    if (o.output_type === 'stream') return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
    const d = o.data ?? {};
    const t = d['text/html'] ?? d['text/markdown'] ?? d['text/plain'] ?? '';
    return Array.isArray(t) ? t.join('') : String(t);
  })).join('\n');
}
