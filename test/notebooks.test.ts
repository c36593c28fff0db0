/**
 * Executes EVERY numbered notebook in notebooks/ (NN-name.ipynb) headless through the tslab kernel, one
 * subtest per notebook, and fails on any error output (the message carries the failing cell and its error)
 * and on a cell that calls show( but produced no Plotly output. A new notebook is picked up by adding it.
 *
 * Notebooks run from a temporary copy (the committed, executed notebooks are not touched) and without the
 * PNG fallbacks (LSTM_OPT_NO_PNG=1), which only cost time here. To run one notebook, select its test by
 * name: node --test --test-name-pattern='notebook 03' dist/test/notebooks.test.js
 *
 * A chart that legitimately depends on the data (say, a cross-machine comparison when only one machine has
 * results) is exempt when its cell is tagged `optional-chart` (cell metadata tags) or its source contains
 * the comment `// optional-chart`; the cell should then print why there is no chart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { cellErrors, cellsMissingCharts, executeNotebook, ExecutedNotebook, NotebookCell, plotlyOutputs, printedText, sourceOf, studyCharts } from './helpers/notebook';
import { readReference } from '../src/io/results-root';

const reference = readReference();

const dir = join(projectRoot(), 'notebooks');
/** Numbered notebooks only: tests that copy a notebook to break it use other names. */
const notebooks = readdirSync(dir)
  .filter((f) => /^\d\d-.+\.ipynb$/.test(f))
  .sort();

test('notebooks/ holds the numbered notebooks, starting with 01-activation-functions', () => {
  assert.ok(notebooks.includes('01-activation-functions.ipynb'), `found: ${notebooks.join(', ')}`);
});

/** Cells whose chart may be absent by design (see the header). */
function optionalChart(cell: ExecutedNotebook['cells'][number]): boolean {
  const tags = (cell as { metadata?: { tags?: string[] } }).metadata?.tags ?? [];
  return tags.includes('optional-chart') || /\/\/\s*optional-chart\b/.test(sourceOf(cell));
}

for (const file of notebooks) {
  test(`notebook ${file} runs headless without errors and shows every chart`, { timeout: 20 * 60_000 }, () => {
    const nb = executeNotebook(join(dir, file), { LSTM_OPT_NO_PNG: '1' });
    const failing = cellErrors(nb);
    assert.deepEqual(failing, [], `${file}: ${failing.length} cell(s) raised:\n${failing.join('\n')}`);
    assert.ok(nb.ok, `${file}: the runner failed:\n${nb.log.slice(-2000)}`);
    const missing = cellsMissingCharts({ cells: nb.cells.filter((c) => !optionalChart(c)) });
    assert.deepEqual(missing, [], `${file}: cells that call show( but produced no Plotly output:\n${missing.join('\n')}`);
    assert.ok(plotlyOutputs(nb).length > 0 || !nb.cells.some((c) => /\bshow\(/.test(sourceOf(c))), `${file}: no charts at all`);
    // run as a machine without results of its own, the notebook still shows every chart of the committed study
    const saved = studyCharts(JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cells: NotebookCell[] }).length;
    assert.equal(studyCharts(nb).length, saved, `${file}: ${studyCharts(nb).length} chart(s) of the study, the saved notebook has ${saved}`);
    if (/MACHINE = 'reference'/.test(nb.cells.map(sourceOf).join('\n'))) {
      assert.match(printedText(nb), new RegExp(`${reference.machine}, ${reference.profile} profile \\(the reference study\\)`), `${file}: the results are not labelled with the reference study`);
    }
  });
}

test('the checks catch a broken notebook: an error output and a show( without a chart', { timeout: 5 * 60_000 }, () => {
  // not numbered, so the loop above never picks it up even if a run is interrupted before the cleanup
  const path = join(dir, `zz-broken-${process.pid}.ipynb`);
  const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const kernelspec = { display_name: 'TypeScript', language: 'typescript', name: 'tslab' };
  writeFileSync(path, JSON.stringify({
    cells: [cell('const show = (x: unknown) => x;\nshow(1);'), cell("throw new Error('broken on purpose');")],
    metadata: { kernelspec }, nbformat: 4, nbformat_minor: 5,
  }));
  try {
    const nb = executeNotebook(path, { LSTM_OPT_NO_PNG: '1' });
    assert.equal(nb.ok, false);
    assert.deepEqual(cellErrors(nb), ["cell «throw new Error('broken on purpose');»: Error: broken on purpose"]);
    assert.deepEqual(cellsMissingCharts(nb), ['const show = (x: unknown) => x;']);
  } finally {
    rmSync(path, { force: true });
  }
});
