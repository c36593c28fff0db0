/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../src/charts/browser';
import { projectRoot } from '../src/io/paths';
import { loadBenchResults } from '../src/studies/bench/results';
import { loadMathBenchResults, MathBenchRow } from '../src/studies/math-bench/suite';
import { buildWeb, serveWeb } from '../scripts/web';
import { WEB_CONFIGS, WEB_PRECISIONS, WEB_VARIANTS } from '../web/src/train-bench';

/**
 * The web page in a real browser (Debian's Chromium): served with and without cross-origin isolation, it
 * runs the quick math-bench and the training benchmark in its worker. The files it offers for download are
 * saved into a results/math-bench/ and a results/bench/ folder of their own and read with the notebooks'
 * readers (loadMathBenchResults, loadBenchResults), as they would be when dropped into results/: every
 * function of the math-bench schema and every training row must have a finite, positive time, and every
 * cell variant of the page must either have rows or be listed on the page as skipped, with its reason.
 * With isolation the page has SharedArrayBuffer (WebAssembly kernels), without it not (TypeScript kernels).
 * No request may leave the page's own server: nothing is fetched from the network at run time.
 */
const artifacts = join(projectRoot(), 'test-artifacts', 'web');
const skip = chromiumAvailable() ? false : 'needs Chromium (/usr/bin/chromium)';

interface PageRun {
  mathBenchDir: string;
  benchDir: string;
  crossOriginIsolated: boolean;
  kernels: string;
  slug: string;
  seconds: number;
  skipped: string[];
  wasmBytes: number;
}

async function runPage(browser: Browser, url: string, tag: string, query = ''): Promise<PageRun> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    // the page's server, and the blob: URLs of its own downloads and worker, are all it may touch
    if (!r.url().startsWith(url) && !r.url().startsWith('blob:')) errors.push(`request outside the page's server: ${r.url()}`);
  });
  await page.goto(`${url}?run=quick&train=1${query}`);
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', undefined, { timeout: 180_000, polling: 500 });
  const state = await page.evaluate(() => ({
    state: document.body.dataset.state, status: document.getElementById('status')!.textContent, seconds: Number(document.body.dataset.seconds),
    coi: globalThis.crossOriginIsolated, progress: (document.getElementById('progress') as HTMLProgressElement).value,
    charts: document.querySelectorAll('.js-plotly-plot .main-svg').length, links: Array.from(document.querySelectorAll('#downloads a')).map((a) => (a as HTMLAnchorElement).dataset.file!),
    device: Array.from(document.querySelectorAll('#device tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    skipped: Array.from(document.querySelectorAll('#skipped li')).map((li) => li.textContent ?? ''),
    wasmBytes: Number(document.body.dataset.peakWasmBytes),
    answer: document.getElementById('answer')!.textContent ?? '', noise: document.getElementById('noise')!.textContent ?? '',
    ratios: Array.from(document.querySelectorAll('#ratios tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
  }));
  assert.equal(state.state, 'done', String(state.status));
  assert.deepEqual(errors, []);
  assert.equal(state.progress, 1);
  // the ratio and scalar charts of the math-bench, and the training chart
  assert.equal(new Set(await page.$$eval('.js-plotly-plot', (els) => els.map((e) => e.id))).size, 3);
  assert.ok(state.charts >= 3, `${state.charts} Plotly charts drawn`);
  // the page answers its title: the cost ratio (or that the timer cannot resolve it) and the training saving with its interval
  assert.match(state.answer, /^On this device ISRU costs (\d+\.\d\d× a tanh|less than the timer's resolution shows \(no ratio\)) per scalar call .*; training is .* than with tanh \(scalar kernels on both sides\).*, over 8 sizes and precisions\.$/);
  assert.ok(state.noise === '' || state.noise.startsWith('Noisy: the repeated rounds disagree.'), state.noise);
  // one ratio per kind and implementation timed, each a positive multiple or "below the timer's resolution"
  assert.ok(state.ratios.length >= 5, `${state.ratios.length} ratio rows`);
  for (const [kind, impl, ratio] of state.ratios) assert.match(ratio, /^(\d+\.\d\d×|below the timer's resolution)$/, `${kind} ${impl}: ${ratio}`);
  const device = Object.fromEntries(state.device) as Record<string, string>;
  const slug = device['slug (names the files)'];
  assert.deepEqual(state.links, [`${slug}.csv`, `${slug}.json`, `${slug}.bench.csv`]);
  const run: PageRun = {
    mathBenchDir: join(artifacts, tag, 'math-bench'), benchDir: join(artifacts, tag, 'bench'), crossOriginIsolated: state.coi,
    kernels: device['training kernels'], slug, seconds: state.seconds, skipped: state.skipped, wasmBytes: state.wasmBytes,
  };
  const save = async (file: string, dir: string): Promise<void> => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
    assert.equal(download.suggestedFilename(), file);
    await download.saveAs(join(dir, file));
  };
  rmSync(join(artifacts, tag), { recursive: true, force: true });
  mkdirSync(join(artifacts, tag), { recursive: true });
  await page.screenshot({ path: join(artifacts, `${tag}.png`), fullPage: true });
  await save(`${slug}.csv`, run.mathBenchDir);
  await save(`${slug}.json`, run.mathBenchDir);
  await save(`${slug}.bench.csv`, run.benchDir);
  await context.close();
  return run;
}

/** The page's math-bench download, read as notebook 02 reads results/math-bench/. */
function checkMathBench(run: PageRun): void {
  const machines = loadMathBenchResults(run.mathBenchDir);
  assert.deepEqual(machines.map((m) => m.machine), [run.slug]);
  const rows: MathBenchRow[] = machines[0].rows;
  // every function of the command line's run: 23 scalar rows and 16 per array type and length (the cheap
  // alternatives, fast tanh and the sigmoid through tanh, among them), and 6 more (the vectorized tanh, sigmoid,
  // ISRU, ISRU-sigmoid, fast tanh and sigmoid through tanh) where the page has the WebAssembly SIMD kernels
  const vector = run.kernels === 'WebAssembly SIMD' ? 6 : 0;
  assert.equal(rows.length, 23 + 4 * (16 + vector));
  assert.equal(rows.filter((r) => r.Function.endsWith('_simd')).length, 4 * vector);
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

/** The page's training download, read as the notebook's bench comparison reads results/bench/. */
function checkBench(run: PageRun, kernels: string): void {
  const machines = loadBenchResults(run.benchDir);
  assert.deepEqual(machines.map((m) => [m.machine, m.browser]), [[run.slug, true]]);
  const points = machines[0].points;
  const ran = new Set(points.map((p) => p.variant));
  // tanh and ISRU in the cell run everywhere; every other variant ran or says why not
  for (const must of ['tanh', 'ISRU']) assert.ok(ran.has(must), `${must} did not run`);
  for (const v of WEB_VARIANTS) {
    const skippedHere = run.skipped.some((line) => line.startsWith(`${v.label}: not run here (`));
    assert.ok(ran.has(v.label) !== skippedHere, `${v.label}: ran ${ran.has(v.label)}, listed as skipped ${skippedHere}`);
  }
  assert.equal(points.length, ran.size * WEB_CONFIGS.length * WEB_PRECISIONS.length);
  for (const p of points) {
    assert.ok(Number.isFinite(p.msPerIter) && p.msPerIter > 0, `${p.config} ${p.precision} ${p.variant}: ${p.msPerIter} ms`);
    assert.equal(p.kernels, kernels);
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

  test('before a run the page describes the device and says the answer follows the run', async () => {
    const { server, url } = await serveWeb(0, true);
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(url);
    const before = await page.evaluate(() => ({
      device: Object.fromEntries(Array.from(document.querySelectorAll('#device tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent))),
      answer: document.getElementById('answer')!.textContent, state: document.body.dataset.state,
    }));
    await page.close();
    assert.equal(before.state, undefined, 'nothing ran');
    assert.match(String(before.device['device slug']), /^chromium-headless-\d+-linux-\d+c$/);
    assert.ok(Number(before.device['logical cores']) >= 1);
    assert.equal(before.device['cross-origin isolated'], 'true');
    assert.equal(before.device['training kernels'], 'WebAssembly SIMD (expected; the run confirms it)');
    assert.match(String(before.answer), /the answer follows the run/);
  });

  test('cross-origin isolated: quick profile and training benchmark on WebAssembly kernels', async (t) => {
    const { server, url } = await serveWeb(0, true);
    servers.push(server);
    const run = await runPage(browser, url, 'isolated');
    assert.equal(run.crossOriginIsolated, true);
    assert.equal(run.kernels, 'WebAssembly SIMD');
    assert.match(run.slug, /^chromium-headless-\d+-linux-\d+c$/);
    checkMathBench(run);
    checkBench(run, 'wasm');
    assert.ok(run.wasmBytes > 0);
    t.diagnostic(`quick profile with training: ${run.seconds} s; WebAssembly memory of the largest case ${(run.wasmBytes / 2 ** 20).toFixed(1)} MiB`);
  });

  test('without isolation: the page still runs (no SharedArrayBuffer, TypeScript kernels)', async (t) => {
    const { server, url } = await serveWeb(0, false);
    servers.push(server);
    // named by the reader: two hosts alike in browser, OS and cores must not overwrite each other's files
    const run = await runPage(browser, url, 'not-isolated', '&name=web-test-host');
    assert.equal(run.slug, 'web-test-host');
    assert.equal(run.crossOriginIsolated, false);
    assert.match(run.kernels, /TypeScript/);
    checkMathBench(run);
    checkBench(run, 'js');
    assert.equal(run.wasmBytes, 0);
    t.diagnostic(`quick profile with training: ${run.seconds} s`);
  });
});
