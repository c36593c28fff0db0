import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Figure, figureId } from './figure';
import { PLOTLY_MIME } from './show';

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
  const files = readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
  for (const file of files) {
    const nb = JSON.parse(readFileSync(join(notebooksDir, file), 'utf8')) as {
      cells: { cell_type: string; outputs?: { data?: Record<string, unknown> }[] }[];
    };
    const stem = basename(file, '.ipynb');
    const seen = new Map<string, number>();
    for (const cell of nb.cells) {
      for (const output of cell.outputs ?? []) {
        const figure = output.data?.[PLOTLY_MIME] as Figure | undefined;
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
