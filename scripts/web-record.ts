/// <reference lib="dom" />
/**
 * Runs the web page in Debian's headless Chromium and saves what it offers for download into results/, as a
 * reader of the page would after pressing Run, under the names the page gives them:
 * results/math-bench/<device>.csv and .json, the training benchmark as results/bench/<device>.bench.csv, and
 * with --webgpu the GPU math-bench as results/math-bench/gpu/<device>-<adapter>.csv and .json (here, Chromium's
 * software adapter: `…-software-swiftshader`). This is how the committed `chromium-headless-…` results were made
 * (the slug says headless Chromium).
 *
 *   node dist/scripts/web-record.js [--profile quick|careful] [--no-isolation] [--webgpu] [--no-math] [--no-train] [--no-gpu]
 *
 * It prints the bundle's size, the run's duration, and the memory: the WebAssembly memory of the training
 * benchmark's largest case (from the page) and the peak memory of the Chromium process tree (browser, GPU
 * and renderer processes, sampled every 200 ms: PSS from /proc/<pid>/smaps_rollup, RSS from `ps`): what the
 * page costs a device, browser, worker and engine included.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { launchChromium, webGpuArgs } from '../src/charts/browser';
import { projectRoot } from '../src/io/paths';
import { buildWeb, serveWeb } from './web';

/** Proportional set size (KiB) of one process: its resident pages, shared ones divided among their sharers. */
function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process ended, or no /proc
  }
}

/**
 * Memory of every process descending from `root` (root included), KiB: resident (RSS, from one `ps`
 * listing; shared pages count once per process), proportional (PSS: shared pages split, so the sum is what
 * the tree costs), and the largest single process's RSS.
 */
function treeMemoryKiB(root: number): { rss: number; pss: number; largest: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const [pid, ppid, kib] of rows) {
    rss.set(pid, kib);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out = { rss: 0, pss: 0, largest: 0 };
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const kib = rss.get(pid) ?? 0;
    out.rss += kib;
    out.pss += pssKiB(pid);
    out.largest = Math.max(out.largest, kib);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

async function main(): Promise<void> {
  const opts = new Command('web-record')
    .addOption(new Option('--profile <name>', 'math-bench profile').choices(['quick', 'careful']).default('careful'))
    .option('--no-isolation', 'serve without the cross-origin isolation headers')
    .option('--webgpu', 'launch Chromium with WebGPU (here: its software adapter, SwiftShader)')
    .option('--no-math', 'leave out the math-bench')
    .option('--no-train', 'leave out the training benchmark')
    .option('--no-gpu', 'leave out the GPU math-bench')
    .parse()
    .opts<{ profile: string; isolation: boolean; webgpu?: boolean; math: boolean; train: boolean; gpu: boolean }>();
  const sizes = await buildWeb();
  const bytes = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`bundle: ${Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`).join(', ')}; total ${(bytes / 2 ** 20).toFixed(2)} MiB`);
  const { server, url } = await serveWeb(0, opts.isolation);
  const browser = await launchChromium(opts.webgpu ? webGpuArgs : []);
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const flag = (on: boolean): string => (on ? '1' : '0');
    await page.goto(`${url}?run=${opts.profile}&math=${flag(opts.math)}&train=${flag(opts.train)}&gpu=${flag(opts.gpu)}`);
    // Chromium is a child of this process (playwright starts it over a pipe)
    const chromium = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    const peak = { rss: 0, pss: 0, largest: 0 };
    while ((await page.evaluate(() => document.body.dataset.state)) === 'running') {
      const now = { rss: 0, pss: 0, largest: 0 };
      for (const pid of chromium) {
        const m = treeMemoryKiB(pid);
        now.rss += m.rss;
        now.pss += m.pss;
        now.largest = Math.max(now.largest, m.largest);
      }
      peak.rss = Math.max(peak.rss, now.rss);
      peak.pss = Math.max(peak.pss, now.pss);
      peak.largest = Math.max(peak.largest, now.largest);
      await new Promise((r) => setTimeout(r, 200));
    }
    const state = await page.evaluate(() => ({
      state: document.body.dataset.state, status: document.getElementById('status')!.textContent, memory: document.getElementById('memory')!.textContent,
      gpu: document.getElementById('gpu-status')!.textContent, answer: document.getElementById('gpu-answer')!.textContent,
    }));
    if (state.state !== 'done') throw new Error(`the page stopped: ${state.status}`);
    console.log(`${opts.profile} profile ${state.status}; ${state.memory}`);
    console.log(`${state.gpu} ${state.answer}`);
    const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
    console.log(`peak memory of Chromium's processes (sampled every 200 ms): ${mib(peak.pss)} proportional (PSS, shared pages split), ${mib(peak.rss)} resident summed over processes, ${mib(peak.largest)} resident in the largest one`);
    const files = await page.evaluate(() => Array.from(document.querySelectorAll('#downloads a')).map((a) => ({ file: (a as HTMLAnchorElement).dataset.file!, folder: (a as HTMLAnchorElement).dataset.folder! })));
    for (const { file, folder } of files) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
      // the folder the page names for the file (results/math-bench/, results/bench/, results/math-bench/gpu/)
      const dest = join(projectRoot(), folder, file);
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
