import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Figure, figureId } from './figure';
import { figureOfOutput } from './show';
import { UserError } from '../errors';

type SavedNotebook = { cells: { cell_type: string; outputs?: { data?: Record<string, unknown> }[] }[] };

/** A notebook file's JSON with a cells list; anything else (a half-written or hand-broken file) is a UserError. */
function readNotebook(path: string): SavedNotebook {
  let nb: unknown;
  try {
    nb = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserError(`${path} is not a valid notebook: its JSON does not parse (${err.message})`);
    throw new UserError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const cells = (nb as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells) || cells.some((c) => typeof c !== 'object' || c === null || ('outputs' in c && !Array.isArray((c as { outputs: unknown }).outputs)))) {
    throw new UserError(`${path} is not a valid notebook: it has no list of cells with output lists`);
  }
  return nb as SavedNotebook;
}

export interface NotebookFigure {
  notebook: string;
  /** `<notebook stem>-<figure id>`, unique within the notebook folder. */
  name: string;
  figure: Figure;
}

/**
 * Collects the Plotly figures saved in executed notebooks, so charts on disk are exactly the charts in
 * the notebooks (one set of figure builders, no second code path).
 */
export function notebookFigures(notebooksDir: string): NotebookFigure[] {
  const out: NotebookFigure[] = [];
  let names: string[];
  try {
    names = readdirSync(notebooksDir);
  } catch (err) {
    throw new UserError(`cannot list the notebooks in ${notebooksDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const files = names.filter((f) => f.endsWith('.ipynb')).sort();
  for (const file of files) {
    const nb = readNotebook(join(notebooksDir, file));
    const stem = basename(file, '.ipynb');
    const seen = new Map<string, number>();
    for (const cell of nb.cells) {
      for (const output of cell.outputs ?? []) {
        const figure = figureOfOutput(output.data);
        if (!figure) continue;
        const id = figureId(figure);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        out.push({ notebook: file, name: `${stem}-${id}${n > 1 ? `-${n}` : ''}`, figure });
      }
    }
  }
  return out;
}
