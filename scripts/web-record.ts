/// <reference lib="dom" />
/**
 * Runs the web page in Debian's headless Chromium and saves what it offers for download into results/, as a
 * reader of the page would after pressing Run, under the names the page gives them:
 * results/math-bench/<device>.csv and .json, and the training benchmark as results/bench/<device>.bench.csv.
 * This is how the committed `chromium-headless-…` results were made (the slug says headless Chromium).
 *
 *   node dist/scripts/web-record.js [--profile quick|careful] [--no-isolation]
 *
 * It prints the bundle's size, the run's duration, and the memory: the WebAssembly memory of the training
 * benchmark's largest case (from the page) and the peak resident memory of the Chromium process tree
 * (browser, GPU and renderer processes, sampled from `ps` every 200 ms): what the page costs a device,
 * worker and engine included.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { launchChromium } from '../src/charts/browser';
import { resultsPath } from '../src/io/paths';
import { buildWeb, serveWeb } from './web';

/** Resident KiB of every process descending from `root` (root included), from one `ps` listing. */
function treeRssKiB(root: number): { total: number; largest: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const [pid, ppid, kib] of rows) {
    rss.set(pid, kib);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = 0, largest = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const kib = rss.get(pid) ?? 0;
    total += kib;
    largest = Math.max(largest, kib);
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, largest };
}

async function main(): Promise<void> {
  const opts = new Command('web-record')
    .addOption(new Option('--profile <name>', 'math-bench profile').choices(['quick', 'careful']).default('careful'))
    .option('--no-isolation', 'serve without the cross-origin isolation headers')
    .parse()
    .opts<{ profile: string; isolation: boolean }>();
  const sizes = await buildWeb();
  const bytes = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`bundle: ${Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`).join(', ')}; total ${(bytes / 2 ** 20).toFixed(2)} MiB`);
  const { server, url } = await serveWeb(0, opts.isolation);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${url}?run=${opts.profile}&train=1`);
    // Chromium is a child of this process (playwright starts it over a pipe)
    const chromium = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    let peak = { total: 0, largest: 0 };
    while ((await page.evaluate(() => document.body.dataset.state)) === 'running') {
      for (const pid of chromium) {
        const m = treeRssKiB(pid);
        peak = { total: Math.max(peak.total, m.total), largest: Math.max(peak.largest, m.largest) };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const state = await page.evaluate(() => ({ state: document.body.dataset.state, status: document.getElementById('status')!.textContent, memory: document.getElementById('memory')!.textContent }));
    if (state.state !== 'done') throw new Error(`the page stopped: ${state.status}`);
    console.log(`${opts.profile} profile ${state.status}; ${state.memory}`);
    console.log(`peak resident memory of Chromium: ${(peak.total / 1024).toFixed(0)} MiB over all its processes, ${(peak.largest / 1024).toFixed(0)} MiB in the largest one`);
    const files = await page.evaluate(() => Array.from(document.querySelectorAll('#downloads a')).map((a) => (a as HTMLAnchorElement).dataset.file!));
    for (const file of files) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
      const dest = join(resultsPath(file.endsWith('.bench.csv') ? 'bench' : 'math-bench'), file);
      await download.saveAs(dest);
      console.log(`saved ${dest}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
