/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../src/charts/browser';
import { projectRoot } from '../src/io/paths';
import { readResults } from '../src/io/results';
import { MATH_BENCH_COLUMNS, MathBenchRow } from '../src/mathbench/suite';
import { buildWeb, serveWeb } from '../scripts/web';

/**
 * The web page in a real browser (Debian's Chromium): served with and without cross-origin isolation, it
 * runs the quick math-bench in its worker, and the CSV it offers for download is read with the reader of
 * the notebooks (src/io/results.ts) and must hold a finite, positive time for every function of the
 * schema. With isolation the page has SharedArrayBuffer, without it not; the training benchmark runs once
 * (isolated, WebAssembly kernels) and its rows must be in the results/bench schema.
 */
const artifacts = join(projectRoot(), 'test-artifacts', 'web');
const skip = chromiumAvailable() ? false : 'needs Chromium (/usr/bin/chromium)';

interface PageRun {
  csvPath: string;
  crossOriginIsolated: boolean;
  kernels: string;
  slug: string;
  seconds: number;
  benchCsvPath?: string;
}

async function runPage(browser: Browser, url: string, train: boolean, tag: string): Promise<PageRun> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(url)) errors.push(`request outside the page's server: ${r.url()}`);
  });
  await page.goto(`${url}?run=quick&train=${train ? 1 : 0}`);
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', undefined, { timeout: 120_000, polling: 500 });
  const state = await page.evaluate(() => ({
    state: document.body.dataset.state, status: document.getElementById('status')!.textContent, seconds: Number(document.body.dataset.seconds),
    coi: globalThis.crossOriginIsolated, progress: (document.getElementById('progress') as HTMLProgressElement).value,
    charts: document.querySelectorAll('.js-plotly-plot .main-svg').length, links: Array.from(document.querySelectorAll('#downloads a')).map((a) => (a as HTMLAnchorElement).dataset.file!),
    device: Array.from(document.querySelectorAll('#device tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
  }));
  assert.equal(state.state, 'done', String(state.status));
  assert.deepEqual(errors, []);
  assert.equal(state.progress, 1);
  // the ratio and scalar charts of the math-bench, and the training chart when it ran
  assert.equal(new Set(await page.$$eval('.js-plotly-plot', (els) => els.map((e) => e.id))).size, train ? 3 : 2);
  assert.ok(state.charts >= (train ? 3 : 2), `${state.charts} Plotly charts drawn`);
  const device = Object.fromEntries(state.device) as Record<string, string>;
  const slug = device['slug (names the files)'];
  const save = async (file: string): Promise<string> => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
    assert.equal(download.suggestedFilename(), file);
    const path = join(artifacts, tag, file);
    await download.saveAs(path);
    return path;
  };
  mkdirSync(join(artifacts, tag), { recursive: true });
  await page.screenshot({ path: join(artifacts, `${tag}.png`), fullPage: true });
  const run: PageRun = { csvPath: await save(`${slug}.csv`), crossOriginIsolated: state.coi, kernels: device['training kernels'], slug, seconds: state.seconds };
  await save(`${slug}.json`);
  if (train) run.benchCsvPath = await save(`bench-${slug}.csv`);
  await context.close();
  return run;
}

function checkMathBenchCsv(path: string): void {
  const rows = readResults(path, { command: 'npm run web', columns: [...MATH_BENCH_COLUMNS] }) as unknown as MathBenchRow[];
  // every function of the command line's run: 21 scalar rows and 14 per array type and length
  assert.equal(rows.length, 21 + 4 * 14);
  const kinds = new Set(rows.map((r) => `${r.kind}|${r.precision}|${r.length}`));
  assert.equal(kinds.size, 5);
  for (const r of rows) {
    // the operation alone may cost nothing measurable (an add the CPU hides in the loop); its gross time may not
    assert.ok(Number.isFinite(Number(r.ns_gross)) && Number(r.ns_gross) > 0, `${r.Function} ${r.kind}: ns_gross ${r.ns_gross}`);
    assert.ok(Number.isFinite(Number(r['Relative Time'])), `${r.Function}: Relative Time ${r['Relative Time']}`);
  }
  for (const name of ['tanh', 'isru', 'exp', 'log', 'sigmoid']) {
    for (const r of rows.filter((x) => x.Function === name)) assert.ok(Number(r.ns_per_op) > 0 && Number(r['Relative Time']) > 0, `${name} ${r.kind} ${r.length}: ${r.ns_per_op} ns`);
  }
}

describe('the web page in Chromium', { skip }, () => {
  let browser: Browser;
  const servers: Server[] = [];
  before(async () => {
    await buildWeb();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) s.close();
  });

  test('cross-origin isolated: quick math-bench and the training benchmark on WebAssembly kernels', async () => {
    const { server, url } = await serveWeb(0, true);
    servers.push(server);
    const run = await runPage(browser, url, true, 'isolated');
    assert.equal(run.crossOriginIsolated, true);
    assert.equal(run.kernels, 'WebAssembly SIMD');
    assert.match(run.slug, /^chromium-headless-\d+-linux-\d+c$/);
    checkMathBenchCsv(run.csvPath);
    const bench = readResults(run.benchCsvPath!, { command: 'npm run web', columns: ['engine', 'layers', 'neurons', 'activation', 'precision', 'ms_per_iter', 'isru_speedup', 'kernels'] });
    assert.equal(bench.length, 12);
    for (const r of bench) {
      assert.ok(Number(r.ms_per_iter) > 0 && Number.isFinite(Number(r.ms_per_iter)));
      assert.equal(r.kernels, 'wasm');
      if (r.activation === 'isru') assert.ok(Number(r.isru_speedup) > 0);
    }
  });

  test('without isolation: the page still runs (no SharedArrayBuffer, TypeScript kernels)', async () => {
    const { server, url } = await serveWeb(0, false);
    servers.push(server);
    const run = await runPage(browser, url, false, 'not-isolated');
    assert.equal(run.crossOriginIsolated, false);
    assert.match(run.kernels, /TypeScript/);
    checkMathBenchCsv(run.csvPath);
  });
});
