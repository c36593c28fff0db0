/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, webGpuArgs } from '../src/charts/browser';
import { projectRoot } from '../src/io/paths';
import { loadGpuMathResults } from '../src/studies/math-bench/gpu/files';
import { GPU_ACCURACY_FUNCTIONS, GPU_FUNCTIONS } from '../src/studies/math-bench/gpu/functions';
import { loadMathBenchResults } from '../src/studies/math-bench/suite';
import { buildWeb, serveWeb } from '../scripts/web';

/**
 * The page's GPU math-bench in Debian's Chromium. With --enable-unsafe-webgpu (and --disable-gpu) Chromium
 * hands a page served from 127.0.0.1 its software adapter, SwiftShader: the page must describe it as software,
 * time every kernel (by the adapter's timestamps, and once by the wall clock) to finite positive gross times,
 * find every function within the accuracy bound its table states, and offer files the notebook's reader
 * reads as software (SwiftShader). Without the flag the browser has no adapter: the page says so in one line
 * and the math-bench runs. Quick profile, no training benchmark: about half a minute on a busy 2-core machine.
 */
const artifacts = join(projectRoot(), 'test-artifacts', 'web-gpu');
const skip = chromiumAvailable() ? false : 'needs Chromium (/usr/bin/chromium)';

async function runPage(browser: Browser, url: string, query: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?${query}`);
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', undefined, { timeout: 120_000, polling: 250 });
  const state = await page.evaluate(() => ({ state: document.body.dataset.state, status: document.getElementById('status')!.textContent }));
  assert.equal(state.state, 'done', String(state.status));
  assert.deepEqual(errors, []);
  return { page, close: () => context.close() };
}

const tableRows = (page: Page, id: string): Promise<Record<string, string>[]> =>
  page.$$eval(`#${id} tbody tr`, (trs, tableId) => {
    const head = Array.from(document.querySelectorAll(`#${tableId} thead th`)).map((th) => th.textContent ?? '');
    return trs.map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll('td')).map((td, i) => [head[i], td.textContent ?? ''])));
  }, id);

const pairs = (page: Page, id: string): Promise<Record<string, string>> =>
  page.$$eval(`#${id} tr`, (trs) => Object.fromEntries(trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? ''))));

async function save(page: Page, file: string, dir: string): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
  assert.equal(download.suggestedFilename(), file);
  await download.saveAs(join(dir, file));
}

describe('the GPU math-bench of the page in Chromium', { skip }, () => {
  let server: Server;
  let url: string;
  const browsers: Browser[] = [];
  before(async () => {
    await buildWeb();
    ({ server, url } = await serveWeb(0, true));
  });
  after(async () => {
    for (const b of browsers) await b.close();
    server?.close();
  });

  test('on the software adapter (SwiftShader): every function timed and within its stated accuracy bound; the download reads as software', async (t) => {
    const browser = await launchChromium(webGpuArgs);
    browsers.push(browser);
    for (const timer of ['timestamp-query', 'wall clock']) {
      const { page, close } = await runPage(browser, url, `run=quick&math=0&train=0${timer === 'wall clock' ? '&gputimer=wall' : ''}`);
      const adapter = await pairs(page, 'gpu-adapter');
      assert.equal(adapter.adapter, 'software (SwiftShader)');
      assert.equal(adapter['software fallback'], 'yes: software (SwiftShader)');
      assert.equal(adapter.timer, timer);
      assert.match(adapter.maxStorageBufferBindingSize, /^\d+$/);
      const status = await page.textContent('#gpu-status');
      assert.match(String(status), /on software \(SwiftShader\) — a software renderer on the CPU, not a GPU\.$/);
      assert.match(String(await page.textContent('#gpu-answer')), /^Is ISRU cheaper than tanh with software \(SwiftShader\)[^?]*\? .* says nothing about a real GPU\.$/);

      const rows = await tableRows(page, 'gpu-rows');
      const precisions = [...new Set(rows.map((r) => r.precision))];
      assert.ok(precisions.includes('f32'));
      assert.equal(rows.length, GPU_FUNCTIONS.length * precisions.length);
      for (const r of rows) {
        // gross: the dispatch (empty kernel) subtracted, the loop kept: positive wherever the kernel did work
        assert.ok(Number.isFinite(Number(r.ns_gross)) && Number(r.ns_gross) > 0, `${r.Function} ${r.precision}: ns_gross ${r.ns_gross}`);
        assert.ok(Number.isFinite(Number(r.ns_per_op)) && Number.isFinite(Number(r['Relative Time'])), `${r.Function}: ${r.ns_per_op}`);
      }
      for (const name of ['tanh', 'sigmoid', 'exp']) {
        const r = rows.find((x) => x.Function === name && x.precision === 'f32')!;
        assert.ok(Number(r.ns_per_op) > 0, `${name} costs more than the loop alone: ${r.ns_per_op} ns`);
      }

      const accuracy = await tableRows(page, 'gpu-accuracy');
      assert.deepEqual(accuracy.map((a) => a.function), precisions.flatMap(() => GPU_ACCURACY_FUNCTIONS.map((f) => f.name)));
      for (const a of accuracy) {
        assert.equal(a['within the bound'], 'yes', `${a.function} ${a.precision}: max abs ${a['max abs error']}, max ulp ${a['max ulp error']} at ${a['worst input']}; bound ${a['stated bound']}`);
        assert.ok(Number(a.points) > 300);
      }

      if (timer === 'timestamp-query') {
        const links = await page.$$eval('#downloads a', (as) => as.map((a) => [(a as HTMLAnchorElement).dataset.file, (a as HTMLAnchorElement).dataset.folder]));
        assert.equal(links.length, 2);
        const slug = String(links[0][0]).replace(/\.csv$/, '');
        assert.match(slug, /^chromium-headless-\d+-linux-\d+c-software-swiftshader$/);
        assert.deepEqual(links, [[`${slug}.csv`, 'results/math-bench/gpu/'], [`${slug}.json`, 'results/math-bench/gpu/']]);
        const dir = join(artifacts, 'gpu');
        rmSync(artifacts, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await save(page, `${slug}.csv`, dir);
        await save(page, `${slug}.json`, dir);
        await page.screenshot({ path: join(artifacts, 'software-adapter.png'), fullPage: true });
        const [read] = loadGpuMathResults(dir);
        assert.equal(read.machine, slug);
        assert.equal(read.label, 'software (SwiftShader)');
        assert.equal(read.software, true);
        assert.equal(read.rows.length, rows.length);
        assert.ok(read.rows.every((r) => r.backend === 'WebGPU software (SwiftShader)' && r.kind === 'gpu'));
        assert.equal(read.accuracy.length, accuracy.length);
        assert.ok(read.paired.some((p) => p.pair === 'isru/tanh' && Number.isFinite(p.median)));
      }
      t.diagnostic(`${timer}: ${status}`);
      await close();
    }
  });

  test('without WebGPU the page says so in one line and runs the math-bench', async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    const { page, close } = await runPage(browser, url, 'run=quick&train=0');
    const status = String(await page.textContent('#gpu-status'));
    assert.match(status, /^No GPU benchmark: this browser has WebGPU but offers no adapter \(.*\)\.$/);
    assert.ok(!status.includes('\n'));
    assert.equal(await page.textContent('#gpu-answer'), '');
    assert.equal(await page.$$eval('#gpu-rows tr, #gpu-accuracy tr', (trs) => trs.length), 0);
    const links = await page.$$eval('#downloads a', (as) => as.map((a) => (a as HTMLAnchorElement).dataset.file!));
    assert.equal(links.length, 2);
    assert.ok(links.every((f) => !f.includes('swiftshader')));
    const dir = join(artifacts, 'no-webgpu', 'math-bench');
    mkdirSync(dir, { recursive: true });
    for (const f of links) await save(page, f, dir);
    const [machine] = loadMathBenchResults(dir);
    assert.ok(machine.rows.length > 20 && machine.rows.every((r) => Number.isFinite(Number(r.ns_gross)) && Number(r.ns_gross) > 0));
    await close();
  });
});
