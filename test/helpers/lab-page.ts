import type { Browser, Locator, Page } from 'playwright-core';
import { cellsMissingCharts, NotebookCell, NotebookOutput, plotlyOutputs, sourceOf } from './notebook';
import type { LabServer } from './jupyterlab';

/**
 * Page actions for the browser test: what a person does in JupyterLab (open a notebook, Run All, look
 * at the charts, move the mouse over one) and what they would see, collected into a report. The report
 * is checked by `labProblems`, so a test can also assert that a broken notebook IS reported.
 */

export interface CellError {
  /** 1-based index among all cells, as a reader counts them */
  cell: number;
  /** first line of the cell's source */
  firstLine: string;
  /** "ename: evalue" plus the traceback as the kernel sent it */
  text: string;
}

export interface ChartHover {
  /** 0-based index of the chart on the page */
  index: number;
  /** the renderer swapped in a live Plotly chart */
  live: boolean;
  tooltip: boolean;
  /** the tooltip's text, when one appeared */
  text?: string;
}

export interface LabRunReport {
  notebook: string;
  /** the kernelspec the notebook ran on (tslab is the TypeScript kernel) */
  kernelName: string;
  /** error outputs after Run All (from the notebook Lab saved) */
  errors: CellError[];
  /** Plotly outputs the run produced (from the notebook Lab saved) */
  plotlyOutputs: number;
  /** code cells calling show( without a Plotly output */
  missingCharts: string[];
  /** outputs drawn by JupyterLab's Plotly renderer (.jp-RenderedPlotly) */
  chartOutputs: number;
  /** live interactive Plotly charts on the page (.js-plotly-plot) after pointing at each chart */
  chartsOnPage: number;
  hovers: ChartHover[];
  /** code cells still queued/running (prompt [*]) when the wait ended */
  unfinished: number;
  screenshot?: string;
  /** notes on what happened (dialogs answered, timings) for the test log */
  notes: string[];
}

export interface RunOptions {
  /** where to save a screenshot of the page after the run */
  screenshotPath?: string;
  /** how long Run All may take (default 10 min) */
  timeoutMs?: number;
}

const PLOTLY_RENDERER = '.jp-OutputArea-output.jp-RenderedPlotly';
const PLOTLY_CHART = '.js-plotly-plot';
/** Plotly's tooltip: a hover label per point, or the unified legend for hovermode 'x unified'. */
const TOOLTIP = '.hoverlayer .hovertext, .hoverlayer .legend';

/** Opens `relPath` (relative to the server root) in a fresh browser context, runs every cell and reports. */
export async function runNotebookInLab(browser: Browser, lab: LabServer, relPath: string, options: RunOptions = {}): Promise<LabRunReport> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const notes: string[] = [];
  const started = Date.now();
  try {
    // ?reset: start from an empty workspace (no tabs restored from the previous notebook).
    await page.goto(`${lab.url}/lab/tree/${encodePath(relPath)}?reset&token=${lab.token}`, { waitUntil: 'domcontentloaded' });
    const panel = page.locator('.jp-NotebookPanel:visible').first();
    await panel.waitFor({ state: 'visible', timeout: 120_000 });
    await answerKernelDialog(page, notes);
    await waitForKernelIdle(lab, relPath, 180_000);
    const kernelName = (await sessionOf(lab, relPath))?.kernel?.name ?? 'none';
    notes.push(`kernel ${kernelName} idle after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Run > Run All Cells, through the menu as a person would.
    await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-item:visible', { hasText: /^Run All Cells/ }).first().click();
    const ranAt = Date.now();
    const unfinished = await waitForRunToEnd(page, lab, relPath, options.timeoutMs ?? 600_000);
    notes.push(`Run All took ${((Date.now() - ranAt) / 1000).toFixed(1)} s`);

    // Save (Ctrl+S) and read back what Lab wrote: the outputs the notebook produced, from its own model.
    await panel.click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await page.keyboard.press('Control+s');
    await page.locator('.jp-Dialog .jp-mod-accept').click({ timeout: 2000 }).catch(() => undefined);
    await page
      .waitForFunction(() => !(globalThis as any).document.querySelector('.jp-DocumentWidget.jp-mod-current .jp-mod-dirty, .lm-TabBar-tab.jp-mod-current.jp-mod-dirty'), null, { timeout: 30_000 })
      .catch(() => notes.push('notebook still marked dirty 30 s after Ctrl+S'));
    const saved = lab.readNotebook(relPath) as { cells: NotebookCell[] };

    // jupyterlab-plotly shows the PNG of a bundle first and swaps in the live chart when the mouse
    // enters it; without a PNG it draws the live chart at once. Either way a person who points at a
    // chart gets a live one: count the renderer's elements, then point at each.
    const renderers = page.locator(PLOTLY_RENDERER);
    const chartOutputs = await renderers.count();
    const hovers: ChartHover[] = [];
    const hoverStart = Date.now();
    for (let i = 0; i < chartOutputs; i++) hovers.push(await hoverChart(page, renderers.nth(i), i));
    notes.push(`pointing at ${chartOutputs} chart(s) took ${((Date.now() - hoverStart) / 1000).toFixed(1)} s`);
    const charts = page.locator(PLOTLY_CHART);
    const chartsOnPage = await charts.count();

    let screenshot: string | undefined;
    if (options.screenshotPath) {
      if (chartsOnPage > 0) await charts.first().scrollIntoViewIfNeeded().catch(() => undefined);
      await page.screenshot({ path: options.screenshotPath });
      screenshot = options.screenshotPath;
    }
    return {
      notebook: relPath,
      kernelName,
      errors: cellErrors(saved.cells),
      plotlyOutputs: plotlyOutputs(saved).length,
      missingCharts: cellsMissingCharts({ cells: saved.cells.filter((c) => !optionalChart(c)) }),
      chartOutputs,
      chartsOnPage,
      hovers,
      unfinished,
      screenshot,
      notes,
    };
  } finally {
    await context.close().catch(() => undefined);
    await shutdownKernelOf(lab, relPath);
  }
}

export interface LookReport {
  notebook: string;
  /** chart outputs on the page (a picture or a live chart) that the mouse entered */
  chartsHovered: number;
  /** of those, how many turned into a live Plotly chart */
  turnedLive: number;
  /** the notebook's tab showed the "modified" mark after looking */
  dirty: boolean;
  notes: string[];
}

/** A chart output on the page: the picture of a saved chart, or JupyterLab's Plotly renderer. */
const CHART_OUTPUT = '.jp-OutputArea-output.jp-RenderedImage, .jp-OutputArea-output.jp-RenderedPlotly';
const DIRTY = '.jp-DocumentWidget.jp-mod-current .jp-mod-dirty, .lm-TabBar-tab.jp-mod-current.jp-mod-dirty';

/**
 * What a reader does with a saved notebook without running it: opens it, scrolls from top to bottom and
 * rests the mouse on every chart on the way, long enough for a renderer to react. Reports whether Lab
 * then marks the notebook modified.
 */
export async function lookAtNotebookInLab(browser: Browser, lab: LabServer, relPath: string, options: { dwellMs?: number } = {}): Promise<LookReport> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const notes: string[] = [];
  const dwell = options.dwellMs ?? 1500;
  try {
    await page.goto(`${lab.url}/lab/tree/${encodePath(relPath)}?reset&token=${lab.token}`, { waitUntil: 'domcontentloaded' });
    const panel = page.locator('.jp-NotebookPanel:visible').first();
    await panel.waitFor({ state: 'visible', timeout: 120_000 });
    await answerKernelDialog(page, notes);
    // the kernel's start (language info and the like) is part of opening: wait for it before judging
    await waitForKernelIdle(lab, relPath, 180_000).catch((err: Error) => notes.push(err.message));
    let hovered = 0, live = 0;
    // Scroll a screen at a time (Lab renders cells as they come into view) and point at each chart not yet visited.
    for (let screen = 0; screen < 400; screen++) {
      const outputs = page.locator(`${CHART_OUTPUT}`);
      const count = await outputs.count();
      for (let i = 0; i < count; i++) {
        const output = outputs.nth(i);
        if ((await output.getAttribute('data-looked-at')) === '1') continue;
        if (!(await output.isVisible())) continue;
        await output.evaluate((node: any) => node.setAttribute('data-looked-at', '1'));
        await output.scrollIntoViewIfNeeded();
        const box = await output.boundingBox();
        if (!box) continue;
        await page.mouse.move(0, 0);
        await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200), { steps: 4 });
        await page.waitForTimeout(dwell);
        if ((await output.locator('.plot-container').count()) > 0) live++;
        hovered++;
      }
      const atBottom = await panel.evaluate((node: any) => {
        const scroller = node.querySelector('.jp-WindowedPanel-outer') ?? node.querySelector('.jp-Notebook');
        if (!scroller) return true;
        const before = scroller.scrollTop;
        scroller.scrollTop = before + scroller.clientHeight * 0.8;
        return scroller.scrollTop === before;
      });
      await page.waitForTimeout(150);
      if (atBottom && screen > 0) break;
    }
    await page.mouse.move(0, 0);
    // a renderer that rewrites its output does so within moments of drawing; give it time to
    await page.waitForTimeout(2000);
    const dirty = (await page.locator(DIRTY).count()) > 0;
    return { notebook: relPath, chartsHovered: hovered, turnedLive: live, dirty, notes };
  } finally {
    await context.close().catch(() => undefined);
    await shutdownKernelOf(lab, relPath);
  }
}

/** Everything a reader would count as broken, as sentences; empty when the notebook is fine. */
export function labProblems(report: LabRunReport): string[] {
  const problems: string[] = [];
  for (const e of report.errors) problems.push(`cell ${e.cell} (${e.firstLine}) raised:\n${e.text}`);
  if (report.unfinished > 0) problems.push(`${report.unfinished} cell(s) still queued or running when the wait ended`);
  for (const line of report.missingCharts) problems.push(`cell "${line}" calls show( but produced no Plotly output`);
  if (report.chartOutputs !== report.plotlyOutputs) {
    problems.push(`${report.chartOutputs} chart(s) drawn by the Plotly renderer, but the notebook produced ${report.plotlyOutputs} Plotly output(s)`);
  }
  if (report.chartsOnPage !== report.plotlyOutputs) {
    problems.push(`${report.chartsOnPage} live interactive chart(s) on the page, but the notebook produced ${report.plotlyOutputs} Plotly output(s)`);
  }
  for (const h of report.hovers) {
    if (!h.live) problems.push(`chart ${h.index + 1}: still a picture after the mouse entered it (no live Plotly chart)`);
    else if (!h.tooltip) problems.push(`chart ${h.index + 1}: no tooltip when hovering over its plot area`);
  }
  return problems;
}

type RunCell = NotebookCell & { execution_count?: number | null };

/** A thrown error or a TypeScript diagnostic, as tslab prints them on stderr. */
const looksLikeError = /(^|\n)\s*([A-Za-z]*Error\b|\d+:\d+ - )/;

/**
 * The cells that failed after Run All. Most kernels send an `error` output. tslab instead prints the
 * error on stderr and answers the execute request with status "error"; JupyterLab then stops Run All,
 * so the failing cell is the last one with an execution count while code cells after it never ran
 * (or the last code cell, when its stderr is an error).
 */
export function cellErrors(cells: RunCell[]): CellError[] {
  const errors: CellError[] = [];
  const firstLine = (cell: NotebookCell) => sourceOf(cell).split('\n')[0];
  cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'error') errors.push({ cell: i + 1, firstLine: firstLine(cell), text: errorText(o) });
    }
  });
  const code = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.cell_type === 'code' && sourceOf(cell).trim() !== '');
  let lastRun = -1;
  code.forEach(({ cell }, k) => {
    if (cell.execution_count != null) lastRun = k;
  });
  if (lastRun < 0 || errors.some((e) => e.cell === code[lastRun].i + 1)) return errors;
  const { cell, i } = code[lastRun];
  const stderr = stripAnsi(
    (cell.outputs ?? [])
      .filter((o) => o.output_type === 'stream' && (o as { name?: string }).name === 'stderr')
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? ''))
      .join(''),
  ).trim();
  const stoppedEarly = lastRun < code.length - 1;
  if (stoppedEarly || looksLikeError.test(stderr)) {
    if (stderr || stoppedEarly) {
      errors.push({
        cell: i + 1,
        firstLine: firstLine(cell),
        text: stderr || `Run All stopped here: the ${code.length - 1 - lastRun} code cell(s) after it never ran`,
      });
    }
  }
  return errors;
}

// Tracebacks carry ANSI colour codes for terminals; a test message should not.
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

function errorText(o: NotebookOutput & { traceback?: string[] }): string {
  const head = `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`;
  const trace = (o.traceback ?? []).map(stripAnsi).join('\n').trim();
  return trace && !trace.startsWith(head) ? `${head}\n${trace}` : trace || head;
}

/**
 * A cell whose chart depends on data that may be absent (say, results from several machines) is exempt
 * from "show( without a chart" when tagged `optional-chart` or commented `// optional-chart` — the same
 * convention as test/notebooks.test.ts.
 */
function optionalChart(cell: NotebookCell & { metadata?: { tags?: string[] } }): boolean {
  return (cell.metadata?.tags ?? []).includes('optional-chart') || /\/\/\s*optional-chart\b/.test(sourceOf(cell));
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** When the notebook names no kernel Lab asks for one: take the TypeScript kernel. */
async function answerKernelDialog(page: Page, notes: string[]): Promise<void> {
  const dialog = page.locator('.jp-Dialog');
  try {
    await dialog.waitFor({ state: 'visible', timeout: 3000 });
  } catch {
    return; // no dialog: the notebook's kernelspec was used
  }
  const select = dialog.locator('select');
  if (await select.count()) {
    const options = await select.locator('option').allTextContents();
    const ts = options.find((o) => /TypeScript/.test(o));
    if (ts) await select.selectOption({ label: ts });
  }
  await dialog.locator('.jp-mod-accept').click();
  notes.push('answered the kernel dialog with TypeScript');
}

interface Session {
  id: string;
  path: string;
  kernel: { id: string; name: string; execution_state: string } | null;
}

async function sessionOf(lab: LabServer, relPath: string): Promise<Session | undefined> {
  try {
    const res = await fetch(`${lab.url}/api/sessions?token=${lab.token}`, { signal: AbortSignal.timeout(5000) });
    const sessions = (await res.json()) as Session[];
    return sessions.find((s) => s.path === relPath);
  } catch {
    return undefined;
  }
}

async function waitForKernelIdle(lab: LabServer, relPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await sessionOf(lab, relPath);
    if (s?.kernel?.execution_state === 'idle') return;
    if (Date.now() > deadline) {
      throw new Error(`the kernel for ${relPath} was not idle within ${timeoutMs / 1000} s (state: ${s?.kernel?.execution_state ?? 'no kernel'})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The run has ended when no cell shows the busy prompt [*], the kernel is idle, and either every code
 * cell with source has an execution count or an error stopped the run (Lab then clears the queue).
 * Conditions must hold on two polls in a row: the kernel is briefly idle between two cells.
 * Returns how many cells were still busy if the time ran out.
 */
async function waitForRunToEnd(page: Page, lab: LabServer, relPath: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let quietPolls = 0;
  let busy = 0;
  while (Date.now() < deadline) {
    const state = await page.evaluate(() => {
      // Runs in the page (typed loosely: this project compiles without the DOM lib).
      const document = (globalThis as any).document;
      const cells: any[] = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'));
      let busy = 0;
      let pending = 0;
      for (const cell of cells) {
        const prompt = cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '';
        const source = cell.querySelector('.jp-InputArea-editor')?.textContent ?? '';
        if (prompt.includes('*')) busy++;
        else if (!/\[\d+\]/.test(prompt) && source.trim() !== '') pending++;
      }
      const errored = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) [data-mime-type="application/vnd.jupyter.stderr"]').length > 0;
      return { busy, pending, errored };
    });
    busy = state.busy;
    const session = await sessionOf(lab, relPath);
    const idle = session?.kernel?.execution_state === 'idle';
    const done = state.busy === 0 && idle && (state.pending === 0 || state.errored);
    quietPolls = done ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return 0;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Math.max(busy, 1);
}

/**
 * Points at a chart output as a person would: enter it (the renderer then swaps its picture for the live
 * chart), then sweep a grid over the plot area until Plotly draws a tooltip. A grid, because with
 * hovermode 'closest' a tooltip only appears near a data point.
 */
async function hoverChart(page: Page, output: Locator, index: number): Promise<ChartHover> {
  // Plotly draws into the output element itself (it becomes the .js-plotly-plot); its .plot-container
  // replaces the picture. The swap happens on mouseenter, so each attempt leaves the chart first and
  // then enters the picture (a page still laying out right after Run All can miss the first entry).
  const chart = output.locator('.plot-container:visible');
  const picture = output.locator('img.plot-img:visible');
  let live = false;
  for (let attempt = 0; attempt < 3 && !live; attempt++) {
    await page.mouse.move(0, 0);
    await output.scrollIntoViewIfNeeded();
    // A raw mouse move, not locator.hover(): the live chart covers the picture the moment the mouse
    // enters, which hover()'s actionability check would take for an obstruction and retry until timeout.
    const box = (await picture.count()) ? await picture.first().boundingBox() : null;
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    live = await chart
      .first()
      .waitFor({ state: 'attached', timeout: 10_000 })
      .then(() => true, () => false);
  }
  if (!live) return { index, live: false, tooltip: false };
  await output.scrollIntoViewIfNeeded();
  const area = output.locator('.nsewdrag').first();
  await area.waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
  const box = (await area.count()) ? await area.boundingBox() : await chart.first().boundingBox();
  if (!box) return { index, live: true, tooltip: false };
  const tooltip = output.locator(TOOLTIP);
  // First where the data is drawn (a person aims at the line or the bar), then a grid as a fallback.
  const targets = [...(await dataPoints(output)), ...gridPoints(box, 8)];
  for (const { x, y } of targets) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(40);
    if ((await tooltip.count()) > 0) {
      // The tooltip was seen; its text is only for the log (it may vanish before we read it).
      const text = ((await tooltip.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').slice(0, 120);
      await page.mouse.move(0, 0);
      return { index, live: true, tooltip: true, text };
    }
  }
  await page.mouse.move(0, 0);
  return { index, live: true, tooltip: false };
}

function gridPoints(box: { x: number; y: number; width: number; height: number }, steps: number): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (let row = 1; row < steps; row++) {
    for (let col = 1; col < steps; col++) points.push({ x: box.x + (box.width * col) / steps, y: box.y + (box.height * row) / steps });
  }
  return points;
}

/**
 * Viewport positions on the drawn data of a live chart: points along each line (SVG path geometry),
 * and the centres of markers, bars, boxes and other shapes. At most sixteen.
 */
async function dataPoints(output: Locator): Promise<{ x: number; y: number }[]> {
  return output.evaluate((node: any) => {
    const out: { x: number; y: number }[] = [];
    const DOMPointCtor = (globalThis as any).DOMPoint;
    for (const path of Array.from(node.querySelectorAll('.scatterlayer .js-line')) as any[]) {
      const length = path.getTotalLength?.() ?? 0;
      const ctm = path.getScreenCTM?.();
      if (!length || !ctm) continue;
      for (const f of [0.5, 0.25, 0.75, 0.1, 0.9]) {
        const p = path.getPointAtLength(length * f);
        const q = new DOMPointCtor(p.x, p.y).matrixTransform(ctm);
        out.push({ x: q.x, y: q.y });
      }
    }
    for (const el of (Array.from(node.querySelectorAll('.point, .barlayer path, .slice path, path.box, path.violin')) as any[]).slice(0, 8)) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 || r.height > 0) out.push({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
    }
    return out.slice(0, 16);
  });
}

/** Stops this notebook's kernel (tslab kernels are large; one at a time is plenty on a small machine). */
async function shutdownKernelOf(lab: LabServer, relPath: string): Promise<void> {
  const s = await sessionOf(lab, relPath);
  if (!s) return;
  await fetch(`${lab.url}/api/sessions/${s.id}?token=${lab.token}`, { method: 'DELETE', signal: AbortSignal.timeout(15_000) })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
}
