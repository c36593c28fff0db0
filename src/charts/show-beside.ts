/**
 * The notebook section "this machine beside the reference" in one call: the note, then (when this machine
 * has results of its own) the table and the chart. I/O at the edge: it displays, the pieces stay pure
 * (src/stats/beside.ts, src/charts/beside.ts).
 */
import { besideReference, besideRows, HeadlineStudy } from '../stats/beside';
import type { ResultsRoot } from '../io/results-root';
import { besideFigure } from './beside';
import { show } from './show';
import { htmlTable } from './table';

/** tslab's display.html inside a kernel; outside one (a script, a test) the HTML is printed. */
function displayHtml(html: string): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    (require('tslab') as { display: { html(s: string): void } }).display.html(html);
  } catch {
    console.log(html);
  }
}

/** Shows this machine's headline figures of a study beside those of the results the notebook shows. */
export async function showBeside<T>(study: HeadlineStudy<T>, shown: T & { root: ResultsRoot }, title: string, mine?: readonly ResultsRoot[]): Promise<void> {
  const b = besideReference(study, { root: shown.root, value: shown }, mine);
  console.log(b.note);
  if (b.sides.length === 0) return;
  displayHtml(htmlTable(besideRows(b, study.unit)));
  await show(besideFigure(b, title, study.unit));
}
