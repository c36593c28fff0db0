import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, chromiumPath, launchChromium } from '../src/charts/browser';
import { figureOfOutput, PLOTLY_MIME } from '../src/charts/show';
import { projectRoot } from '../src/io/paths';
import { jupyterLabBinary, LabServer, LabStartError, processesMentioning, startJupyterLab } from './helpers/jupyterlab';
import { cellErrors, labProblems, LabRunReport, lookAtNotebookInLab, runNotebookInLab } from './helpers/lab-page';
import { NotebookCell, plotlyOutputs, sourceOf, studyCharts } from './helpers/notebook';

/**
 * What a reader of the notebooks sees, in JupyterLab in a real (headless) Chromium. Every saved notebook
 * is opened, scrolled through and every chart hovered, and must stay unmodified (no "modified" mark, the
 * file byte for byte the same). Then every notebook is run with Run All and checked for error outputs,
 * for one live interactive chart per Plotly output, and for a tooltip when the mouse is over each chart.
 * The notebooks are copies in a temporary Lab workspace (Lab autosaves the outputs of a run), never in place.
 * Screenshots: test-artifacts/browser/<notebook>.png (git-ignored).
 */

const root = projectRoot();
const notebookDir = join(root, 'notebooks');
const artifactDir = join(root, 'test-artifacts', 'browser');

type Notebook = { cells: NotebookCell[]; metadata?: Record<string, unknown>; nbformat: number; nbformat_minor: number };

function notebookFiles(): string[] {
  if (!existsSync(notebookDir)) return [];
  return readdirSync(notebookDir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort();
}

const readNotebook = (name: string) => JSON.parse(readFileSync(join(notebookDir, name), 'utf8')) as Notebook;

/** The copy Lab runs: outputs and counts cleared, so every chart on the page comes from this run. */
function cleared(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: [], execution_count: null } : { ...c })),
  };
}

const codeCell = (source: string): NotebookCell & { execution_count: null; metadata: object } => ({
  cell_type: 'code',
  source,
  outputs: [],
  execution_count: null,
  metadata: {},
});

function describeReport(r: LabRunReport): string {
  const hovered = r.hovers.filter((h) => h.tooltip).length;
  return (
    `${r.notebook}: ${r.plotlyOutputs} Plotly output(s), ${r.chartsOnPage} interactive chart(s) on the page, ` +
    `${hovered}/${r.hovers.length} showed a tooltip, ${r.errors.length} error(s); ${r.notes.join('; ')}` +
    (r.screenshot ? `; screenshot ${r.screenshot}` : '')
  );
}

// --- Saved charts are pictures ------------------------------------------------------------------------
// Every front end shows the image/png; the figure JSON rides along under a type no renderer claims
// (FIGURE_MIME), because JupyterLab's Plotly renderer turns its picture into a live chart on hover and
// writes a new picture into the output, which marks the notebook modified.

describe('notebooks saved in the repo carry each chart as a picture, with no live Plotly output', () => {
  for (const name of notebookFiles()) {
    test(name, () => {
      const nb = readNotebook(name);
      const problems: string[] = [];
      nb.cells.forEach((cell, i) => {
        (cell.outputs ?? []).forEach((o, j) => {
          if (!figureOfOutput(o.data)) return;
          const where = `cell ${i + 1} output ${j + 1} (${sourceOf(cell).split('\n')[0]})`;
          if (!('image/png' in o.data!)) problems.push(`${where}: no image/png (re-execute the notebook with Chromium available)`);
          if (PLOTLY_MIME in o.data!) problems.push(`${where}: saved as a live Plotly chart (re-execute with scripts/run_notebooks.py, which saves pictures)`);
        });
      });
      assert.deepEqual(problems, [], name);
    });
  }
});

// --- How a failed cell is recognised (no browser needed) ---------------------------------------------------

describe('cellErrors: what counts as a failed cell after Run All', () => {
  const cell = (source: string, execution_count: number | null, outputs: NotebookCell['outputs'] = []) =>
    ({ cell_type: 'code', source, execution_count, outputs }) as NotebookCell;
  const stderr = (text: string) => ({ output_type: 'stream', name: 'stderr', text }) as NonNullable<NotebookCell['outputs']>[number];

  test('an error output (IPython-style kernels) is reported with its cell', () => {
    const errors = cellErrors([
      { cell_type: 'markdown', source: '# t' },
      cell('x()', 1, [{ output_type: 'error', ename: 'NameError', evalue: 'x', traceback: ['\u001b[31mNameError\u001b[0m: x'] } as never]),
    ]);
    assert.deepEqual(errors.map((e) => [e.cell, e.firstLine]), [[2, 'x()']]);
    assert.match(errors[0].text, /^NameError: x/);
  });

  test('tslab: stderr in the cell where Run All stopped is the error', () => {
    const errors = cellErrors([cell('ok()', 1), cell('boom()', 2, [stderr('Error: boom\n    at <anonymous>')]), cell('later()', null)]);
    assert.deepEqual(errors.map((e) => [e.cell, e.text]), [[2, 'Error: boom\n    at <anonymous>']]);
  });

  test('tslab: a failing last cell is recognised by its error text; a warning on stderr is not an error', () => {
    assert.equal(cellErrors([cell('a()', 1), cell('b()', 2, [stderr('1:7 - Cannot find name "q".')])]).length, 1);
    assert.deepEqual(cellErrors([cell('a()', 1, [stderr('warning: slow machine')]), cell('b()', 2, [stderr('note: cached')])]), []);
  });

  test('labProblems lists errors, count mismatches and dead charts', () => {
    const report: LabRunReport = {
      notebook: 'n', kernelName: 'tslab', errors: [], plotlyOutputs: 2, missingCharts: [], chartOutputs: 2, chartsOnPage: 1, unfinished: 0, notes: [],
      hovers: [{ index: 0, live: true, tooltip: true }, { index: 1, live: false, tooltip: false }],
    };
    const problems = labProblems(report).join('\n');
    assert.match(problems, /1 live interactive chart\(s\) on the page, but the notebook produced 2/);
    assert.match(problems, /chart 2: still a picture/);
    assert.deepEqual(labProblems({ ...report, chartsOnPage: 2, hovers: [report.hovers[0], { index: 1, live: true, tooltip: true }] }), []);
  });
});

// --- JupyterLab in Chromium --------------------------------------------------------------------------

const missingTools = [
  !existsSync(jupyterLabBinary()) && `JupyterLab (${jupyterLabBinary()}; run npm run bootstrap)`,
  !chromiumAvailable() && `Chromium (${chromiumPath()}; apt-get install chromium)`,
].filter(Boolean);

describe('JupyterLab in a real browser', { skip: missingTools.length ? `missing ${missingTools.join(' and ')}` : false }, () => {
  let lab: LabServer | undefined;
  let browser: Browser | undefined;
  let tempDir = '';

  before(async () => {
    mkdirSync(artifactDir, { recursive: true });
    // One server and one browser for every notebook: starting either is the slow part.
    [lab, browser] = await Promise.all([startJupyterLab(), launchChromium()]);
    tempDir = lab.tempDir;
  });

  // Runs even when a check failed: no JupyterLab, kernel or Chromium outlives the test.
  after(async () => {
    await browser?.close().catch(() => undefined);
    await lab?.stop();
    if (tempDir) assert.deepEqual(processesMentioning(tempDir), [], 'processes of the test JupyterLab still running after stop()');
  });

  for (const name of notebookFiles()) {
    test(`${name}: opening it, scrolling through and hovering every chart leaves it unmodified`, { timeout: 10 * 60_000 }, async (t) => {
      const text = readFileSync(join(notebookDir, name), 'utf8');
      const rel = `notebooks/${name}`;
      writeFileSync(join(lab!.root, rel), text);
      const report = await lookAtNotebookInLab(browser!, lab!, rel);
      t.diagnostic(`${name}: hovered ${report.chartsHovered} chart(s), ${report.turnedLive} turned live; ${report.notes.join('; ')}`);
      const charts = plotlyOutputs(readNotebook(name)).length;
      assert.equal(report.chartsHovered, charts, `${name}: the mouse visited ${report.chartsHovered} chart(s) of ${charts}`);
      assert.equal(report.dirty, false, `${name}: JupyterLab marks the notebook modified after it was only looked at`);
      assert.equal(readFileSync(join(lab!.root, rel), 'utf8') === text, true, `${name}: the file on disk changed after it was only looked at`);
    });
  }

  for (const name of notebookFiles()) {
    test(`${name}: Run All in JupyterLab shows every chart, live, and no errors`, { timeout: 15 * 60_000 }, async (t) => {
      const rel = lab!.addNotebook(name, cleared(readNotebook(name)));
      const report = await runNotebookInLab(browser!, lab!, rel, { screenshotPath: join(artifactDir, name.replace(/\.ipynb$/, '.png')) });
      t.diagnostic(describeReport(report));
      const problems = labProblems(report);
      if (report.kernelName !== 'tslab') problems.unshift(`ran on kernel ${report.kernelName}, not the TypeScript kernel (tslab)`);
      // the kernel runs as a machine with no results of its own: every chart of the committed study must still be there
      const saved = studyCharts(readNotebook(name)).length;
      if (report.plotlyOutputs !== saved) problems.push(`${report.plotlyOutputs} Plotly output(s) after Run All, but the saved notebook has ${saved} chart(s) of the study`);
      assert.equal(problems.length, 0, `${name} in JupyterLab:\n- ${problems.join('\n- ')}`);
    });
  }

  test('a deliberately broken cell fails the check with its error in the message', { timeout: 10 * 60_000 }, async (t) => {
    // A temporary copy of the first notebook, cut after its first code cell, plus a cell that throws.
    const names = notebookFiles();
    const source: Notebook = names.length
      ? readNotebook(names[0])
      : { cells: [], metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 };
    const firstCode = source.cells.findIndex((c) => c.cell_type === 'code');
    // Without kernelspec and language in its metadata Lab asks which kernel to use: the page answers TypeScript.
    const { kernelspec: _k, language_info: _l, ...metadata } = source.metadata ?? {};
    const kept = cleared({ ...source, metadata, cells: source.cells.slice(0, firstCode + 1) });
    kept.cells.push(codeCell('throw new Error("deliberate");'), codeCell('console.log("after the broken cell");'));
    const rel = lab!.addNotebook('zz-broken-copy.ipynb', kept);

    const report = await runNotebookInLab(browser!, lab!, rel);
    t.diagnostic(describeReport(report));
    assert.equal(report.kernelName, 'tslab', 'the kernel dialog was not answered with the TypeScript kernel');
    const problems = labProblems(report);
    const message = problems.join('\n');
    t.diagnostic(`the checker said: ${message.split('\n').slice(0, 3).join(' | ')}`);
    assert.ok(problems.length > 0, 'the checker reported nothing for a notebook with a throwing cell');
    assert.match(message, /deliberate/, `the report does not quote the cell's error:\n${message}`);
    assert.match(message, new RegExp(`cell ${kept.cells.length - 1} `), `the report does not name the broken cell:\n${message}`);
  });

  test('a port that is taken gives a clear start-up error', { timeout: 120_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startJupyterLab({ port }), (err: Error) => {
        assert.ok(err instanceof LabStartError, `expected a LabStartError, got ${err}`);
        assert.match(err.message, new RegExp(`port ${port} .*already taken`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });
});
